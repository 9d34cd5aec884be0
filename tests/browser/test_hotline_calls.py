"""The hotline call on a phone, end to end in Chromium at 390×844: the person on duty searches
"Hansen" with a typo, picks the family, fills in the call and sees who follows up and when;
axe-core on the call page and the confirmation.

The live server runs in real time, so the shift is around now and the due date is computed
from today. The pages may be shown in Danish or English (their translation is under way):
elements are found by id, name or class, and texts by values the test computes."""

from __future__ import annotations

import re

from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from samspil.hotline.models import Call
from samspil.hotline.services.calls import follow_up_due_date
from tests import factories
from tests.browser.conftest import BROWSER_MARKS, assert_accessible
from tests.hotline.factories import CallTopicFactory, HotlineFactory, ShiftFactory

pytestmark = BROWSER_MARKS

PHONE_390 = {"width": 390, "height": 844}


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= PHONE_390["width"], f"{page.url} scrolls sideways: {widths}"


def test_person_on_duty_registers_a_call_on_a_phone(world, context, page, log_in_as, url) -> None:  # type: ignore[no-untyped-def]
    hotline = HotlineFactory(name="Akuttelefonen", municipality=world.a, team_leader=world.leader_a)
    ShiftFactory(hotline=hotline, person=world.specialist_a)
    hansen = factories.FamilyFactory(
        municipality=world.a, name="Familien Hansen", address="Bøgevej 12", phone="20304050"
    )
    factories.assign(hansen, world.consultant_a2)
    CallTopicFactory(name="Konflikt med barnet")
    page.set_viewport_size(PHONE_390)
    log_in_as(world.specialist_a)

    # The search at the top, tolerant of the typo; the results are buttons-sized links.
    page.goto(url(f"/hotline/{hotline.uuid}/calls/new/"))
    page.locator("#id_q").fill("Hnasen")
    hit = page.locator("#family-results a.call-hit").first
    expect(hit).to_contain_text("Familien Hansen")
    assert hit.bounding_box()["height"] >= 44  # type: ignore[index]
    hit.click()

    # The call view of the family, and the results gone.
    view = page.locator("#call-family .call-view")
    expect(view).to_contain_text("Familien Hansen")
    expect(view).to_contain_text("Bøgevej 12")
    expect(view).to_contain_text(world.consultant_a2.get_full_name())
    expect(page.locator("#family-results a.call-hit")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"\?family={hansen.uuid}$"))

    # The call itself.
    page.locator("#id_topic").select_option(label="Konflikt med barnet")
    page.locator("input[name=urgency][value=high]").check()
    page.locator("#id_advice").fill("Talte om at give barnet ro og ringe igen ved behov.")
    page.locator("input[name=actions][value=on_call_service]").check()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.locator("button.call-submit").click()

    # The confirmation: who follows up, and when.
    expect(page).to_have_url(re.compile(r"/hotline/calls/[0-9a-f-]{36}/$"))
    call = Call.objects.get(family=hansen)
    due = follow_up_due_date(call.received_at, world.a.pk)
    with translation.override("da"):
        due_text = date_format(due, "DATE_FORMAT")
    confirmation = page.locator(".call-confirmation")
    expect(confirmation).to_contain_text(world.consultant_a2.get_full_name())
    expect(confirmation).to_contain_text(due_text)
    assert (call.registered_by, call.follow_up.assignee, call.follow_up.due_date) == (
        world.specialist_a,
        world.consultant_a2,
        due,
    )
    assert due > timezone.localdate()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
