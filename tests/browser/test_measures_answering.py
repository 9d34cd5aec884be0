"""A teacher answers the SDQ on a phone (375×812) through the personal link, without an account:
answers some items (saved as they go), leaves, reopens the link and finds them ticked, reports
difficulties (the follow-up questions appear), answers the rest and submits; axe-core finds no
violations on the answering page, before and after the follow-ups appear.

The live server's database is emptied after each browser test, so the shipped instruments are
stored again first. Elements are found by id and name (the page may be in Danish or English)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from samspil.measures.enums import MeasurementStatus, ResponseStatus
from samspil.measures.models import AnswerLink, Response, Score
from samspil.measures.services.instruments import sync_shipped
from tests.browser.conftest import BROWSER_MARKS, PHONE, assert_accessible
from tests.measures.factories import MeasurementFactory, make_link

pytestmark = BROWSER_MARKS


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths}"


def tick(page: Page, key: str, value: int) -> None:
    radio = page.locator(f"input[name='item_{key}'][value='{value}']")
    radio.check()
    expect(radio).to_be_checked()


def test_teacher_answers_on_a_phone_leaves_reopens_and_submits(world, context, url) -> None:  # type: ignore[no-untyped-def]
    sync_shipped()
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    link, token = make_link(measurement, by=world.consultant_a)
    answer_url = url(f"/answer/{token}/")

    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(answer_url)
    expect(page.locator("h1")).to_contain_text("SDQ")
    expect(page.locator(".answer-about")).to_contain_text("Alma")
    expect(page.locator("main")).not_to_contain_text("Jensen")
    expect(page.locator("main")).not_to_contain_text("Andersen")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    # A big touch target per option.
    box = page.locator("label[for='id_item_1_2']").bounding_box()
    assert box is not None
    assert box["height"] >= 44

    # Some items, saved as they go; then the teacher leaves.
    for n in range(1, 11):
        with page.expect_response(lambda r: r.request.method == "POST"):
            tick(page, str(n), n % 3)
    page.close()

    # Reopening the link: the answers are still ticked.
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(answer_url)
    for n in range(1, 11):
        expect(page.locator(f"input[name='item_{n}'][value='{n % 3}']")).to_be_checked()
    expect(page.locator("input[name='item_11']:checked")).to_have_count(0)

    # The rest, and difficulties reported: the follow-up questions appear.
    for n in range(11, 26):
        tick(page, str(n), 1)
    expect(page.locator("input[name='item_impact_distress']")).to_have_count(0)
    tick(page, "impact_difficulties", 2)
    expect(page.locator("input[name='item_impact_distress']")).to_have_count(4)
    tick(page, "impact_distress", 2)
    tick(page, "impact_peers", 1)
    tick(page, "impact_classroom", 3)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.locator("button[name='action'][value='submit']").click()
    expect(page).to_have_url(url("/answer/thank-you/"))
    assert_accessible(page)

    response = Response.objects.get(measurement=measurement)
    link.refresh_from_db()
    measurement.refresh_from_db()
    assert response.status == ResponseStatus.COMPLETE
    assert response.answers["1"] == 1
    assert response.answers["impact_classroom"] == 3
    assert Score.objects.get(response=response, scale="impact").value == 3
    assert link.used_at is not None
    assert measurement.status == MeasurementStatus.ANSWERED

    # The link is spent.
    page.goto(answer_url)
    expect(page.locator("h1")).to_be_visible()
    assert AnswerLink.objects.get(pk=link.pk).used_at is not None
