"""Network groups end to end in Chromium: the facilitator plans a meeting and records
attendance and minutes; the foster parent sees the group and the next meeting and gives
consent to share contact details; a cadence gap shows on the gaps page; a consultant finds
families by search to add to a group and to compose a new one (with HTMX, and without
JavaScript); axe-core on the group pages at desktop and phone width.

The live server runs in real time, so dates are relative to today. The pages may be shown in
Danish or English (their translation is under way): elements are found by id, name, form
action or href, and texts by patterns that accept either."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from samspil.accounts.models import User
from samspil.networks.models import GroupMembership, Meeting, NetworkGroup
from tests import factories
from tests.browser.conftest import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    assert_accessible,
    text_pattern,
)
from tests.competence.factories import at
from tests.networks.factories_groups import group_for, meeting_for

pytestmark = BROWSER_MARKS

Browse = Callable[..., Page]
SAVE = text_pattern("Gem", "Save")


@pytest.fixture
def browse(browser: Browser, live_server: Any) -> Iterator[Browse]:
    """`browse(user)` → a page in a browser of its own, logged in with the session cookie."""
    contexts: list[BrowserContext] = []

    def _browse(user: User, viewport: dict[str, int] = DESKTOP, *, javascript: bool = True) -> Page:
        context = browser.new_context(
            locale="da-DK",
            viewport=viewport,
            timezone_id="Europe/Copenhagen",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    yield _browse
    for context in contexts:
        context.close()


def days_from_today(days: int, hour: int = 19) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return at(day.year, day.month, day.day, hour)


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def started_days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def status_message(page: Page) -> Any:
    return page.locator("main .messages[role=status]")


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths}"


# -- 1. the facilitator runs a meeting ----------------------------------------------------------


def test_facilitator_plans_a_meeting_and_records_attendance_and_minutes(
    world, browse: Browse, url
) -> None:
    group = group_for(world, name="Netværk Nordvest", started_on=started_days_ago(60))
    group_path = f"/networks/groups/{group.uuid}/"
    specialist = browse(world.specialist_a)

    # From the list to the group, and on to planning a meeting that took place this evening.
    specialist.goto(url("/networks/groups/"))
    specialist.locator(f"main a[href='{group_path}']").first.click()
    expect(specialist).to_have_url(url(group_path))
    specialist.locator(f"main a[href='{group_path}meetings/create/']").click()
    begun = max(
        timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1),
        days_from_today(0, hour=0),
    )
    specialist.locator("#id_starts_at").fill(local_input(begun))
    specialist.locator("#id_ends_at").fill(local_input(begun + dt.timedelta(minutes=50)))
    specialist.locator("input[name=mode][value=physical]").check()
    specialist.locator("#id_place").fill("Lindehuset, mødelokale 2")
    specialist.locator("#id_agenda").fill("Præsentation og forventninger")
    specialist.get_by_role("button", name=SAVE).click()

    expect(specialist).to_have_url(re.compile(r"/networks/meetings/[0-9a-f-]{36}/$"))
    meeting = Meeting.objects.get(group=group)
    meeting_path = f"/networks/meetings/{meeting.uuid}/"
    expect(status_message(specialist)).to_be_visible()
    expect(specialist.locator("section[aria-labelledby=facts]")).to_contain_text(
        "Lindehuset, mødelokale 2"
    )
    assert (meeting.facilitated, meeting.facilitator) == (True, world.specialist_a)

    # Attendance and short minutes.
    form = specialist.locator(f"form[action='{meeting_path}attendance/']")
    form.locator(f"input[name=attendees][value='{world.family_a.uuid}']").check()
    form.locator("[name=minutes]").fill("Vi talte om skolestart og søvn.")
    form.locator("button[type=submit]").click()
    expect(specialist).to_have_url(url(meeting_path))
    expect(status_message(specialist)).to_be_visible()
    attendance = specialist.locator("section[aria-labelledby=attendance]")
    expect(attendance).to_contain_text("Familien Andersen")
    expect(attendance).to_contain_text("Vi talte om skolestart og søvn.")
    meeting.refresh_from_db()
    assert meeting.attendance_recorded
    assert list(meeting.attendees.all()) == [world.family_a]
    assert meeting.minutes == "Vi talte om skolestart og søvn."
    assert_accessible(specialist)

    # The group page now counts it as held.
    specialist.goto(url(group_path))
    expect(specialist.locator("section[aria-labelledby=meetings]")).to_contain_text(
        "Vi talte om skolestart og søvn."
    )


# -- 2. the foster parent's view and consent ------------------------------------------------------


def test_foster_parent_sees_the_group_and_next_meeting_and_gives_consent(
    world, browse: Browse, url
) -> None:
    group = group_for(world, name="Netværk Nordvest", started_on=started_days_ago(20))
    meeting_for(
        group,
        days_from_today(10),
        place="Lindehuset, mødelokale 2",
        agenda="Skolestart for plejebørn",
    )
    group_path = f"/networks/groups/{group.uuid}/"
    parent = browse(world.foster_parent_a)

    parent.goto(url("/networks/groups/"))
    expect(parent.locator("main")).to_contain_text("Netværk Nordvest")
    parent.locator(f"main a.button[href='{group_path}']").click()
    expect(parent).to_have_url(url(group_path))
    next_meeting = parent.locator("section[aria-labelledby=next]")
    expect(next_meeting).to_contain_text("Lindehuset, mødelokale 2")
    expect(next_meeting).to_contain_text("Skolestart for plejebørn")
    # The other member family has not shared its details: no name on the page.
    members = parent.locator("section[aria-labelledby=members]")
    expect(members).to_contain_text("Familien Andersen")
    assert "Østergaard" not in parent.content()
    # No management for a member family in the facilitated phase.
    expect(parent.locator(f"form[action='{group_path}settings/']")).to_have_count(0)
    assert_accessible(parent)

    # Consent, and it can be withdrawn again.
    parent.locator(f"form[action='{group_path}consent/'] button[type=submit]").click()
    expect(parent).to_have_url(url(group_path))
    expect(status_message(parent)).to_be_visible()
    assert GroupMembership.objects.get(family=world.family_a).shares_contact_details
    parent.locator(f"form[action='{group_path}consent/'] button[type=submit]").click()
    expect(status_message(parent)).to_be_visible()
    assert not GroupMembership.objects.get(family=world.family_a).shares_contact_details

    # At phone width the page fits.
    parent.set_viewport_size(PHONE)
    parent.reload()
    assert_accessible(parent)
    assert_no_horizontal_scroll(parent)


# -- 3. the cadence gap ---------------------------------------------------------------------------


def test_cadence_gap_shows_on_the_gaps_page(world, browse: Browse, url) -> None:
    late = group_for(world, name="Netværk Sent", started_on=started_days_ago(90))
    meeting_for(late, days_from_today(-80), attendees=[world.family_a])
    group_for(world, [], name="Netværk Nyt", started_on=started_days_ago(5))
    leader = browse(world.leader_a)

    leader.goto(url("/networks/gaps/"))
    rows = leader.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Netværk Sent")
    expect(rows.first).to_contain_text("50")  # 80 days since, 30 days cadence
    assert_accessible(leader)
    leader.set_viewport_size(PHONE)
    assert_accessible(leader)
    assert_no_horizontal_scroll(leader)

    # The list's panel shows it too.
    leader.set_viewport_size(DESKTOP)
    leader.goto(url("/networks/groups/"))
    expect(leader.locator("section[aria-labelledby=gaps]")).to_contain_text("Netværk Sent")


# -- 4. finding families by search ----------------------------------------------------------------


def test_consultant_adds_a_family_found_by_search(world, browse: Browse, url) -> None:
    group = group_for(world, [world.family_a], name="Netværk Nordvest")
    group_path = f"/networks/groups/{group.uuid}/"
    consultant = browse(world.consultant_a)

    consultant.goto(url(group_path))
    consultant.locator("#member-search-q").fill("Øster")
    results = consultant.locator("#member-search-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Familien Østergaard")
    assert_accessible(consultant)
    results.first.locator("button[type=submit]").click()

    expect(consultant).to_have_url(url(group_path))
    expect(status_message(consultant)).to_be_visible()
    assert GroupMembership.objects.filter(
        group=group, family=world.family_a_other, left_on__isnull=True
    ).exists()


def test_consultant_adds_a_family_found_by_search_without_javascript(
    world, browse: Browse, url
) -> None:
    group = group_for(world, [world.family_a], name="Netværk Nordvest")
    group_path = f"/networks/groups/{group.uuid}/"
    consultant = browse(world.consultant_a, javascript=False)

    consultant.goto(url(group_path))
    consultant.locator("#member-search-q").fill("Øster")
    consultant.locator(f"form[action='{group_path}members/'] button[type=submit]").click()
    expect(consultant).to_have_url(url(f"{group_path}members/?q=%C3%98ster"))
    results = consultant.locator("#member-search-results li")
    expect(results).to_have_count(1)
    results.first.locator("button[type=submit]").click()

    expect(consultant).to_have_url(url(group_path))
    assert GroupMembership.objects.filter(group=group, family=world.family_a_other).exists()


def test_consultant_composes_a_group_choosing_families_by_search(
    world, browse: Browse, url
) -> None:
    consultant = browse(world.consultant_a)
    consultant.goto(url("/networks/groups/create/"))
    consultant.locator("#id_name").fill("Netværk Syd")

    # Search, tick, search again: the ticked family stays chosen.
    choices = consultant.locator("#family-choices")
    consultant.locator("#family-search-q").fill("Andersen")
    choices.locator(f"#family-{world.family_a.uuid}").check()
    consultant.locator("#family-search-q").fill("Øster")
    expect(choices.locator(f"#family-{world.family_a_other.uuid}")).to_be_visible()
    expect(choices.locator(f"#family-{world.family_a.uuid}")).to_be_checked()
    choices.locator(f"#family-{world.family_a_other.uuid}").check()
    assert_accessible(consultant)

    consultant.locator("#id_facilitator").select_option(str(world.consultant_a.pk))
    consultant.locator("#id_meeting_slot").select_option("evenings")
    consultant.locator("main form button[type=submit]:not([name=search])").click()
    expect(consultant).to_have_url(re.compile(r"/networks/groups/[0-9a-f-]{36}/$"))
    group = NetworkGroup.objects.get(name="Netværk Syd")
    assert set(GroupMembership.objects.filter(group=group).values_list("family", flat=True)) == {
        world.family_a.pk,
        world.family_a_other.pk,
    }


def test_consultant_composes_a_group_without_javascript(world, browse: Browse, url) -> None:
    consultant = browse(world.consultant_a, javascript=False)
    consultant.goto(url("/networks/groups/create/"))
    consultant.locator("#id_name").fill("Netværk Syd")
    consultant.locator("#family-search-q").fill("Familien")
    consultant.locator("main form button[name=search]").click()
    # The page again, with the matches and what was typed.
    expect(consultant.locator("#id_name")).to_have_value("Netværk Syd")
    consultant.locator(f"#family-{world.family_a.uuid}").check()
    consultant.locator(f"#family-{world.family_a_other.uuid}").check()
    consultant.locator("#id_facilitator").select_option(str(world.consultant_a.pk))
    consultant.locator("#id_meeting_slot").select_option("evenings")
    consultant.locator("main form button[type=submit]:not([name=search])").click()
    expect(consultant).to_have_url(re.compile(r"/networks/groups/[0-9a-f-]{36}/$"))
    group = NetworkGroup.objects.get(name="Netværk Syd")
    assert GroupMembership.objects.filter(group=group).count() == 2


# -- 5. accessibility of the other pages ----------------------------------------------------------


def _pages(world: Any) -> dict[str, tuple[User, str]]:
    collaboration = factories.CollaborationFactory(name="Samspil København")
    collaboration.municipalities.add(world.a)
    collaboration.institutions.add(world.institution_a)
    group: NetworkGroup = group_for(world, name="Netværk Nordvest", started_on=started_days_ago(60))
    meeting = meeting_for(group, days_from_today(-1), attendees=[world.family_a])
    meeting_for(group, days_from_today(14), agenda="Søvn")
    factories.FamilyFactory(municipality=world.a, name="Familien Holm")  # found by the search
    return {
        "group-list": (world.consultant_a, "/networks/groups/"),
        "group-create": (world.consultant_a, "/networks/groups/create/"),
        "group-manage": (world.specialist_a, f"/networks/groups/{group.uuid}/"),
        "group-add-member": (
            world.consultant_a,
            f"/networks/groups/{group.uuid}/members/?q=Familien",
        ),
        "meeting-create": (world.specialist_a, f"/networks/groups/{group.uuid}/meetings/create/"),
        "meeting-detail": (world.specialist_a, f"/networks/meetings/{meeting.uuid}/"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "group-list",
        "group-create",
        "group-manage",
        "group-add-member",
        "meeting-create",
        "meeting-detail",
    ],
)
def test_network_group_page_desktop_and_phone_is_accessible(
    world, browse: Browse, url, name
) -> None:
    user, path = _pages(world)[name]
    page = browse(user)
    response = page.goto(url(path))
    assert response is not None
    assert response.status == 200, response.status
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
