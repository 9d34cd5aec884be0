"""Network meetings on the year calendar and in the iCalendar feed: for the staff who facilitate
them and the member families' foster parents, with neutral feed titles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.competence.selectors import calendar as calendar_selectors
from samspil.competence.services.calendar import create_calendar_feed
from samspil.networks.selectors.meetings import network_meetings
from tests.competence.factories import at
from tests.networks.factories_groups import NOW, group_for, meeting_for


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _items(user) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    start, end = calendar_selectors.year_bounds(2026)
    return [
        (item.kind, item.title, item.status)
        for item in calendar_selectors.calendar_items_for(user, start=start, end=end)
    ]


def test_network_meetings_provider_is_registered() -> None:
    assert network_meetings in calendar_selectors.calendar_providers()


@pytest.mark.parametrize("persona", ["specialist_a", "foster_parent_a"])
def test_calendar_shows_the_meeting_to_the_facilitator_and_members(world, persona) -> None:  # type: ignore[no-untyped-def]
    meeting_for(group_for(world, name="Nordvest"), at(2026, 10, 20, 19))
    assert _items(getattr(world, persona)) == [("network_meeting", "Nordvest", "confirmed")]


@pytest.mark.parametrize(
    "persona", ["consultant_a", "leader_a", "consultant_b", "case_worker_a", "evaluator"]
)
def test_calendar_does_not_show_the_meeting_to_others(world, persona) -> None:  # type: ignore[no-untyped-def]
    meeting_for(group_for(world, name="Nordvest"), at(2026, 10, 20, 19))
    assert _items(getattr(world, persona)) == []


def test_a_consultant_facilitating_a_meeting_has_it_in_their_calendar(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, name="Nordvest")
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    meeting.facilitator = world.consultant_a  # standing in for the group's facilitator
    meeting.save()
    assert _items(world.consultant_a) == [("network_meeting", "Nordvest", "confirmed")]
    assert _items(world.consultant_a2) == []


def test_calendar_does_not_show_a_former_members_meetings(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, name="Nordvest")
    group.memberships.filter(family=world.family_a).update(left_on=NOW.date())
    meeting_for(group, at(2026, 10, 20, 19))
    assert _items(world.foster_parent_a) == []


def test_calendar_marks_a_cancelled_meeting(world) -> None:  # type: ignore[no-untyped-def]
    meeting_for(group_for(world, name="Nordvest"), at(2026, 10, 20, 19), cancelled=True)
    assert _items(world.foster_parent_a) == [("network_meeting", "Nordvest", "cancelled")]


def test_feed_title_for_a_foster_parent_is_neutral(world, client) -> None:  # type: ignore[no-untyped-def]
    meeting_for(group_for(world, name="Familien Andersens gruppe"), at(2026, 10, 20, 19))
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    response = client.get(reverse("competence:calendar_feed", args=[token]))
    body = response.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Samspil: network group meeting" in body
    assert "Andersen" not in body


def test_feed_title_for_staff_names_no_group(world) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world, name="Nordvest"), at(2026, 10, 20, 19))
    start, end = calendar_selectors.year_bounds(2026)
    [item] = network_meetings(world.specialist_a, start, end)
    assert (item.uid, item.feed_title, item.url) == (
        f"network-meeting-{meeting.uuid}@samspil",
        "Network group meeting",
        reverse("networks:meeting_detail", args=[meeting.uuid]),
    )


def test_calendar_provider_query_count_does_not_grow_with_meetings(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 10, 20, 19))
    start, end = calendar_selectors.year_bounds(2026)
    user = world.foster_parent_a
    network_meetings(user, start, end)  # the scope is read once per user
    with CaptureQueriesContext(connection) as one:
        network_meetings(user, start, end)
    for day in (21, 22, 23):
        meeting_for(group, at(2026, 10, day, 19))
    with CaptureQueriesContext(connection) as three:
        assert len(network_meetings(user, start, end)) == 4
    assert len(three) == len(one)
