"""The hotline rota end to end in Chromium: the leader generates a rota for a short period; it
cannot be covered (the only person on the rota is away tomorrow morning) and the page says which
hours and why; generated again leaving those hours as a gap, the page shows who is on duty now
and the gap before it happens; axe-core on the rota page at desktop and phone width.

The live server runs in real time, so the period is yesterday to tomorrow (the shift running now
is in it at any hour). Texts are matched in Danish or English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from samspil.hotline.models import Shift
from samspil.hotline.services import rota as services
from tests.browser.conftest import BROWSER_MARKS, PHONE, assert_accessible, text_pattern
from tests.competence.factories import at
from tests.hotline.factories_rota import UnavailabilityFactory, rota_hotline

pytestmark = BROWSER_MARKS


@pytest.fixture(autouse=True)
def _fast_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "SOLVER_SECONDS", 3.0)
    monkeypatch.setattr(services, "SOLVER_WORKERS", 2)


def _generate(page: Page, first: dt.date, last: dt.date, *, allow_gaps: bool) -> None:
    form = page.locator("form[action$='/rota/generate/']")
    form.locator("#id_first_day").fill(first.isoformat())
    form.locator("#id_last_day").fill(last.isoformat())
    if allow_gaps:
        form.locator("#id_allow_gaps").check()
    form.locator("button[type=submit]").click()


def test_leader_generates_a_rota_and_sees_who_is_on_duty_and_a_gap(
    world, page: Page, url: Callable[[str], str], log_in_as: Callable[..., Any]
) -> None:
    # One person on the rota, who may work shift after shift, but is away tomorrow 08–16.
    hotline = rota_hotline(world, members=[world.consultant_a], min_rest_hours=0)
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    UnavailabilityFactory(
        user=world.consultant_a,
        starts_at=at(tomorrow.year, tomorrow.month, tomorrow.day, 8),
        ends_at=at(tomorrow.year, tomorrow.month, tomorrow.day, 16),
        reason="Kursus",
    )
    rota_path = f"/hotline/{hotline.uuid}/rota/"
    log_in_as(world.leader_a)
    page.goto(url(rota_path))
    expect(page.locator("#on-duty-now")).to_contain_text(
        text_pattern("Nobody is on duty now", "Ingen er på vagt nu")
    )

    # First try: impossible, and the page says which hours and why.
    _generate(page, today - dt.timedelta(days=1), tomorrow, allow_gaps=False)
    failure = page.locator("#run-area [role=alert]")
    expect(failure).to_contain_text(f"{tomorrow.day}.{tomorrow.month}. 08:00–16:00")
    expect(failure).to_contain_text(
        text_pattern("Nobody on the rota is free", "ingen på vagtplanen")
    )
    assert not Shift.objects.filter(hotline=hotline).exists()

    # Again, leaving those hours as a gap.
    _generate(page, today - dt.timedelta(days=1), tomorrow, allow_gaps=True)
    name = world.consultant_a.get_full_name()
    expect(page.locator("#on-duty-now")).to_contain_text(name)
    gaps = page.locator("#gaps [role=alert]")
    expect(gaps).to_contain_text(f"{tomorrow.day}.{tomorrow.month}. 08:00–16:00")
    current = page.locator("li[aria-current=true]")
    expect(current).to_have_count(1)
    expect(current).to_contain_text(name)
    gap_shift = Shift.objects.get(hotline=hotline, person__isnull=True)
    expect(page.locator(f"#shift-{gap_shift.uuid}")).to_contain_text(
        text_pattern("Gap: nobody on duty", "Hul")
    )
    assert_accessible(page)

    # The hotline list says who is on duty now too, and the rota works on a phone.
    page.goto(url("/hotline/"))
    expect(page.locator("main table")).to_contain_text(name)
    page.set_viewport_size(PHONE)
    page.goto(url(rota_path))
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= PHONE["width"], widths
    assert_accessible(page)
