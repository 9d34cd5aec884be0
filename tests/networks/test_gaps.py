"""The cadence check of network groups: a group that has not met within its cadence plus the
municipality's tolerance shows as a gap for the consultants and the project lead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.networks.models import NetworkSettings
from samspil.networks.selectors.reports import cadence_gaps
from tests.competence.factories import at
from tests.networks.factories_groups import NOW, TODAY, group_for, meeting_for

# Cadence 30 days, tolerance 14: a meeting 44 days before TODAY is on the edge, 45 is a gap.
EDGE = at(2026, 8, 18, 19)  # 44 days before 1 October 2026
PAST_EDGE = at(2026, 8, 17, 19)  # 45 days before


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _names(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [gap.group.name for gap in cadence_gaps(user, TODAY)]


def test_group_met_at_the_edge_of_the_tolerance_is_no_gap(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, EDGE, attendees=[world.family_a])
    assert cadence_gaps(world.consultant_a, TODAY) == []


def test_group_met_a_day_past_the_tolerance_is_a_gap_with_days_overdue(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, PAST_EDGE, attendees=[world.family_a])
    [gap] = cadence_gaps(world.consultant_a, TODAY)
    assert (gap.group, gap.last_met, gap.days_overdue) == (group, dt.date(2026, 8, 17), 15)


def test_tolerance_comes_from_the_municipalitys_settings(world) -> None:  # type: ignore[no-untyped-def]
    NetworkSettings.objects.create(municipality=world.a, cadence_tolerance_days=15)
    group = group_for(world)
    meeting_for(group, PAST_EDGE, attendees=[world.family_a])
    assert cadence_gaps(world.consultant_a, TODAY) == []


def test_cadence_is_the_groups_own(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, cadence_days=60)
    meeting_for(group, PAST_EDGE, attendees=[world.family_a])
    assert cadence_gaps(world.consultant_a, TODAY) == []


def test_group_without_a_held_meeting_counts_from_its_start(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, started_on=dt.date(2026, 8, 17))
    [gap] = cadence_gaps(world.consultant_a, TODAY)
    assert (gap.group, gap.last_met, gap.days_overdue) == (group, None, 15)


def test_new_group_within_its_cadence_is_no_gap(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, started_on=dt.date(2026, 8, 18))
    assert cadence_gaps(world.consultant_a, TODAY) == []


def test_cancelled_and_unrecorded_meetings_do_not_count(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, PAST_EDGE, attendees=[world.family_a])
    meeting_for(group, at(2026, 9, 1, 19))  # attendance not recorded
    meeting_for(group, at(2026, 9, 20, 19), attendees=[world.family_a], cancelled=True)
    [gap] = cadence_gaps(world.consultant_a, TODAY)
    assert gap.last_met == dt.date(2026, 8, 17)


def test_gap_shows_the_next_planned_meeting(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, PAST_EDGE, attendees=[world.family_a])
    meeting_for(group, at(2026, 10, 8, 19), cancelled=True)
    planned = meeting_for(group, at(2026, 10, 15, 19))
    [gap] = cadence_gaps(world.consultant_a, TODAY)
    assert (gap.next_meeting_uuid, gap.next_meeting_at) == (planned.uuid, planned.starts_at)


def test_ended_group_is_no_gap(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, started_on=dt.date(2026, 1, 1), ended_on=dt.date(2026, 3, 1))
    assert cadence_gaps(world.consultant_a, TODAY) == []


def test_gaps_are_sorted_most_overdue_first(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [], name="Nyere", started_on=dt.date(2026, 7, 1))
    group_for(world, [], name="Ældre", started_on=dt.date(2026, 5, 1))
    assert _names(world.consultant_a) == ["Ældre", "Nyere"]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("consultant_a", True),
        ("leader_a", True),
        ("specialist_a", True),  # the facilitator
        ("consultant_b", False),
        ("foster_parent_a", False),
        ("case_worker_a", False),
        ("evaluator", False),
    ],
)
def test_gaps_are_for_the_municipality_and_the_facilitator(world, persona, sees) -> None:  # type: ignore[no-untyped-def]
    group_for(world, name="Nordvest", started_on=dt.date(2026, 1, 1))
    assert _names(getattr(world, persona)) == (["Nordvest"] if sees else [])


@pytest.mark.parametrize(("persona", "status"), [("consultant_a", 200), ("leader_a", 200)])
def test_gap_page_lists_the_gaps(world, client, persona, status) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, name="Nordvest", started_on=dt.date(2026, 1, 1))
    client.force_login(getattr(world, persona))
    response = client.get(reverse("networks:gap_report"))
    assert (response.status_code, [g.group for g in response.context["gaps"]]) == (status, [group])


def test_gap_page_for_a_facilitating_specialist_is_404(world, client) -> None:  # type: ignore[no-untyped-def]
    group_for(world, name="Nordvest", started_on=dt.date(2026, 1, 1))
    client.force_login(world.specialist_a)
    response = client.get(reverse("networks:gap_report"))
    assert (response.status_code, "Nordvest" in response.content.decode()) == (404, False)


def _add_gap_groups(world, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        group = group_for(world, [], name=f"Gruppe {i}", started_on=dt.date(2026, 1, 1))
        meeting_for(group, at(2026, 3, 1, 19), attendees=[])
        meeting_for(group, at(2026, 11, 1, 19))


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_gap_page_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    _add_gap_groups(world, 1)
    client.force_login(world.consultant_a)
    url = reverse("networks:gap_report")
    one = _queries(client, url)
    _add_gap_groups(world, 2)
    assert _queries(client, url) == one


def test_gap_page_query_count_is_the_same_without_a_gap(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    url = reverse("networks:gap_report")
    none = _queries(client, url)
    _add_gap_groups(world, 2)
    assert _queries(client, url) == none
