"""Mentor families end to end in Chromium: a consultant asks for mentor suggestions for a new
family, sees the ranks with their reasons, the families that are not eligible and the clash
with the mandatory start-up course, records a mentorship and logs a contact; axe-core on the
pages, and the pages at phone width.

The mentor pages are being translated into Danish while these tests are written, so elements
are found by id, name, form action or role, and texts by patterns that accept the English copy
or the likely Danish one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from samspil.accounts.models import User
from samspil.competence.models import Theme
from samspil.networks.models import MentorContact, Mentorship
from tests.browser.conftest import BROWSER_MARKS, DESKTOP, PHONE, assert_accessible, text_pattern
from tests.competence import factories as competence
from tests.networks import factories_mentors as m

pytestmark = BROWSER_MARKS

_load_themes = import_module("samspil.competence.migrations.0002_load_themes").load

COURSE = "Opstartskursus for nye plejefamilier"
NOT_ENROLLED = text_pattern("not enrolled yet", "ikke tilmeldt")

Browse = Callable[..., Page]


@pytest.fixture(autouse=True)
def _themes(transactional_db: None) -> None:
    """The themes of migration competence.0002, which the offering factory needs."""
    if not Theme.objects.exists():
        _load_themes(django_apps, None)


@pytest.fixture
def browse(browser: Browser, live_server: Any) -> Iterator[Browse]:
    """`browse(user, viewport)` → a logged-in page in a browser of its own (Danish)."""
    contexts: list[BrowserContext] = []

    def _browse(user: User, viewport: dict[str, int] = DESKTOP) -> Page:
        context = browser.new_context(
            locale="da-DK", viewport=viewport, timezone_id="Europe/Copenhagen"
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


@pytest.fixture
def mentor_world(world: Any) -> dict[str, Any]:
    """A new family of A with a child aged 8, two eligible mentor families (one next door with
    experience of school-age children, one in Hillerød), one that lacks the years, and the
    mandatory start-up course with a session in ten days the new family is not enrolled in."""
    mentee = m.new_family(world, "Familien Ny")
    m.mentor(world, "Familien Nabo", years=7, postcode="2400", child_born=dt.date(2013, 4, 1))
    m.mentor(world, "Familien Hillerød", years=9, postcode="3400")
    m.mentor(world, "Familien Kort", years=1)
    day = timezone.localdate() + dt.timedelta(days=10)
    m.mandatory_session(world, competence.at(day.year, day.month, day.day, 9), title=COURSE)
    return {"mentee": mentee}


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths}"


def test_consultant_finds_ranked_mentors_sees_the_clash_records_and_logs_a_contact(
    world, mentor_world, browse: Browse, url
) -> None:
    mentee = mentor_world["mentee"]
    consultant = browse(world.consultant_a)

    # "Find a mentor family": search the new family (HTMX swaps in the matches), the reason,
    # then its "show suggestions" button.
    consultant.goto(url("/networks/mentors/"))
    assert_accessible(consultant)
    results = consultant.locator("#find-results")
    choose = results.locator(f"button[name=family][value='{mentee.uuid}']")
    consultant.locator("#find_q").fill("Familien Ny")
    expect(consultant).to_have_url(re.compile(r"/networks/mentors/\?q=Familien(\+|%20)Ny$"))
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(choose).to_be_visible()
    assert_accessible(consultant)
    consultant.locator("#find_reason").select_option("new_family")
    choose.click()
    expect(consultant).to_have_url(
        re.compile(rf"/networks/mentors/suggestions/\?reason=new_family&family={mentee.uuid}")
    )

    # The ranks with their reasons; the family lacking years apart, with what it lacks.
    ranked = consultant.locator("section[aria-labelledby=ranked]")
    cards = ranked.locator("li.card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0).get_by_role("heading", level=3)).to_have_text("1. Familien Nabo")
    expect(cards.nth(0)).to_contain_text("0 km")
    expect(cards.nth(0)).to_contain_text("6–12")
    expect(cards.nth(0)).to_contain_text("Tilknytning i praksis")
    expect(cards.nth(1).get_by_role("heading", level=3)).to_have_text("2. Familien Hillerød")
    expect(cards.nth(1)).to_contain_text("29 km")
    ineligible = consultant.locator("section[aria-labelledby=ineligible]")
    expect(ineligible).to_contain_text("Familien Kort")
    expect(ineligible).to_contain_text(re.compile(r"\b1\b.*\b3\b"))

    # The clash with the mandatory start-up course: not enrolled yet, with its session.
    startup = consultant.locator("section[aria-labelledby=startup]")
    expect(startup).to_contain_text(COURSE)
    expect(startup).to_contain_text(NOT_ENROLLED)
    expect(startup.locator(".conflict li")).to_have_count(1)
    assert_accessible(consultant)

    # Record the mentorship with the first-ranked family (chosen by default).
    record = consultant.locator("form[action='/networks/mentors/create/']")
    expect(record.locator("input[name=mentor]").first).to_be_checked()
    record.locator("#mentorship_note").fill("Første besøg aftalt til næste uge.")
    record.locator("button[type=submit]").click()
    expect(consultant).to_have_url(re.compile(r"/networks/mentors/[0-9a-f-]{36}/$"))
    mentorship = Mentorship.objects.get(mentee=mentee)
    assert (mentorship.mentor.name, mentorship.ranking["rank"]) == ("Familien Nabo", 1)
    expect(consultant.locator("main .messages[role=status]")).to_contain_text("Familien Nabo")
    expect(consultant.locator("section[aria-labelledby=why]")).to_contain_text("0 km")
    expect(consultant.locator("section[aria-labelledby=startup]")).to_contain_text(NOT_ENROLLED)

    # Log a contact that took place today.
    log = consultant.locator(f"form[action='/networks/mentors/{mentorship.uuid}/contacts/']")
    log.locator("#contact_kind").select_option("visit")
    log.locator("#contact_minutes").fill("45")
    log.locator("#contact_note").fill("Kaffe og en god snak om sengetider.")
    log.locator("button[type=submit]").click()
    expect(consultant).to_have_url(url(f"/networks/mentors/{mentorship.uuid}/"))
    expect(consultant.locator("section[aria-labelledby=log]")).to_contain_text(
        "Kaffe og en god snak om sengetider."
    )
    contact = MentorContact.objects.get(mentorship=mentorship)
    assert (contact.minutes, contact.happened_on) == (45, timezone.localdate())
    assert_accessible(consultant)


def test_mentor_pages_fit_a_phone(world, mentor_world, browse: Browse, url) -> None:
    mentee = mentor_world["mentee"]
    mentorship = m.mentorship(
        world,
        world.family_a_other,
        world.family_a,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    phone = browse(world.consultant_a, PHONE)
    for path in (
        "/networks/mentors/",
        f"/networks/mentors/suggestions/?family={mentee.uuid}&reason=particular_needs",
        f"/networks/mentors/{mentorship.uuid}/",
    ):
        phone.goto(url(path))
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(phone)
        assert_accessible(phone)
    parent = browse(world.foster_parent_a, PHONE)
    parent.goto(url("/networks/mentors/"))
    expect(parent.locator("section[aria-labelledby=current]")).to_contain_text(
        "Familien Østergaard"
    )
    assert_no_horizontal_scroll(parent)
    assert_accessible(parent)
