"""Each person's hotline shifts on their year calendar and in their iCalendar feed (a provider
registered by HotlineConfig.ready())."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.competence.selectors import calendar as calendar_selectors
from samspil.competence.services.calendar import create_calendar_feed
from samspil.hotline.selectors.rota import hotline_shifts
from tests.competence.factories import at
from tests.hotline.factories import ShiftFactory
from tests.hotline.factories_rota import rota_hotline

NOW = at(2026, 12, 2, 10)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def items(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    start, end = calendar_selectors.year_bounds(2026)
    return [
        (item.kind, item.title)
        for item in calendar_selectors.calendar_items_for(user, start=start, end=end)
    ]


def test_hotline_shift_provider_is_registered() -> None:
    assert hotline_shifts in calendar_selectors.calendar_providers()


def test_calendar_shows_the_persons_own_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 5, 8))
    ShiftFactory(hotline=hotline, person=world.consultant_a2, starts_at=at(2026, 12, 6, 8))
    assert items(world.consultant_a) == [("hotline_shift", "Akuttelefonen København")]


def test_calendar_does_not_show_shifts_without_a_person_to_colleagues(world) -> None:  # type: ignore[no-untyped-def]
    ShiftFactory(hotline=rota_hotline(world), person=None, starts_at=at(2026, 12, 5, 8))
    assert items(world.leader_a) == []


def test_calendar_shows_a_specialists_shift_on_a_hotline_they_are_on_the_rota_of(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[world.specialist_a])
    ShiftFactory(hotline=hotline, person=world.specialist_a, starts_at=at(2026, 12, 5, 8))
    assert items(world.specialist_a) == [("hotline_shift", "Akuttelefonen København")]


def test_shift_item_links_to_the_rota_on_its_day(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    shift = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 5, 23))
    start, end = calendar_selectors.year_bounds(2026)
    [item] = hotline_shifts(world.consultant_a, start, end)
    assert (item.uid, item.feed_title, item.url, item.place) == (
        f"hotline-shift-{shift.uuid}@samspil",
        "Hotline shift: Akuttelefonen København",
        reverse("hotline:rota", args=[hotline.uuid]) + "?start=2026-12-05",
        hotline.phone_number,
    )


def test_shift_provider_runs_one_query(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    for day in (5, 6, 7):
        ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, day, 8))
    start, end = calendar_selectors.year_bounds(2026)
    world.consultant_a.refresh_from_db()
    from samspil.accounts.scopes import scope_for

    scope_for(world.consultant_a)
    with CaptureQueriesContext(connection) as queries:
        found = hotline_shifts(world.consultant_a, start, end)
    assert (len(queries), len(found)) == (1, 3)


def test_feed_carries_the_shift(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 5, 8))
    _feed, token = create_calendar_feed(user=world.consultant_a)
    body = client.get(reverse("competence:calendar_feed", args=[token])).content.decode()
    body = body.replace("\r\n ", "")
    assert "Akuttelefonen København" in body
    assert "DTSTART:20261205T070000Z" in body


def test_year_calendar_page_shows_the_shift(world, client) -> None:  # type: ignore[no-untyped-def]
    ShiftFactory(
        hotline=rota_hotline(world), person=world.consultant_a, starts_at=at(2026, 12, 5, 8)
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("competence:calendar"), {"year": "2026"})
    assert "Akuttelefonen København" in response.content.decode()
