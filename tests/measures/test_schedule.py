"""Scheduling due measurements from a municipality's plan: at entry, every n calendar months
(across month ends), at the end, the age range of the self-report on the due date, one per
child placed, idempotent, and no backlog."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samspil.audit.models import AuditEntry
from samspil.families.models import FosterFamily
from samspil.measures.enums import MeasurementReason, Respondent
from samspil.measures.models import Measurement
from samspil.measures.services import measurements as services
from samspil.measures.services.measurements import Occurrence, add_months, due_window
from tests import factories
from tests.measures.factories import plan_for

pytestmark = pytest.mark.django_db

WHO5_EVERY_6 = (("who-5", Respondent.FOSTER_PARENT, True, 6, True),)


def in_model(family: FosterFamily, since: dt.date, until: dt.date | None = None) -> FosterFamily:
    FosterFamily.objects.filter(pk=family.pk).update(in_model_since=since, in_model_until=until)
    family.refresh_from_db()
    return family


def scheduled(family: FosterFamily, code: str | None = None) -> list[tuple[Any, ...]]:
    qs = Measurement.objects.filter(family=family)
    if code:
        qs = qs.filter(instrument__code=code)
    return list(
        qs.order_by("instrument__code", "child_id", "occurrence").values_list(
            "instrument__code", "child__first_name", "occurrence", "due_on", "reason"
        )
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2025, 8, 31), 12, dt.date(2026, 8, 31)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 15), 3, dt.date(2026, 2, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


def test_due_window_keeps_the_most_recent_past_and_the_next_14_days() -> None:
    today = dt.date(2026, 3, 1)
    found = [
        Occurrence(dt.date(2025, 6, 1), 1, MeasurementReason.INTERVAL),
        Occurrence(dt.date(2025, 12, 1), 2, MeasurementReason.INTERVAL),
        Occurrence(dt.date(2026, 3, 15), 3, MeasurementReason.INTERVAL),
        Occurrence(dt.date(2026, 3, 16), 4, MeasurementReason.INTERVAL),
    ]
    assert [o.number for o in due_window(found, today)] == [2, 3]


def test_entry_measurement_is_due_on_the_day_the_family_entered(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2026, 3, 1))
    created = services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 3))
    assert (created, scheduled(family)) == (
        1,
        [("who-5", None, 0, dt.date(2026, 3, 1), MeasurementReason.ENTRY)],
    )


def test_entry_more_than_14_days_ahead_is_not_created_yet(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2026, 3, 20))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 5))
    assert scheduled(family) == []


def test_entry_within_14_days_is_created_ahead(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2026, 3, 19))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 5))
    assert [row[2:4] for row in scheduled(family)] == [(0, dt.date(2026, 3, 19))]


def test_every_six_months_from_31_august_falls_on_the_last_day_of_february(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2025, 8, 31))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 2, 20))
    assert [row[2:] for row in scheduled(family)] == [
        (0, dt.date(2025, 8, 31), MeasurementReason.ENTRY),
        (1, dt.date(2026, 2, 28), MeasurementReason.INTERVAL),
    ]


def test_repeats_are_counted_from_entry_so_the_day_does_not_drift(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2025, 8, 31))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 2, 20))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 8, 25))
    assert [row[2:4] for row in scheduled(family)] == [
        (0, dt.date(2025, 8, 31)),
        (1, dt.date(2026, 2, 28)),
        (2, dt.date(2026, 8, 31)),
    ]


def test_end_measurement_is_due_on_the_last_day_in_the_model(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2026, 1, 10), until=dt.date(2026, 3, 12))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert [row[2:] for row in scheduled(family)] == [
        (0, dt.date(2026, 1, 10), MeasurementReason.ENTRY),
        (999, dt.date(2026, 3, 12), MeasurementReason.END),
    ]


def test_no_repeat_on_or_after_the_end(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2025, 9, 10), until=dt.date(2026, 3, 10))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert [row[2] for row in scheduled(family)] == [0, 999]


def test_families_outside_the_model_get_nothing(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    in_model(world.family_a, dt.date(2025, 1, 1), until=dt.date(2025, 12, 1))
    created = services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert (created, Measurement.objects.count()) == (0, 0)


def test_an_end_recorded_afterwards_still_gets_only_the_end_measurement(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    family = in_model(world.family_a, dt.date(2025, 1, 1), until=dt.date(2026, 2, 1))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert [row[2:4] for row in scheduled(family)] == [(999, dt.date(2026, 2, 1))]


def test_a_child_placed_after_the_familys_entry_gets_a_baseline(world: Any) -> None:
    plan_for(world.a, (("sdq-parent-4-17", Respondent.FOSTER_PARENT, True, 6, False),))
    family = in_model(world.family_a, dt.date(2024, 1, 1))
    world.placement_a.starts_on = dt.date(2026, 2, 20)
    world.placement_a.save()
    world.child_a.date_of_birth = dt.date(2016, 5, 1)
    world.child_a.save()
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert [row[2:4] for row in scheduled(family)] == [(0, dt.date(2026, 2, 20))]


def test_without_a_plan_nothing_is_scheduled(world: Any) -> None:
    in_model(world.family_a, dt.date(2026, 3, 1))
    assert services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1)) == 0


def test_no_backlog_only_the_most_recent_past_and_the_next_14_days(world: Any) -> None:
    plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 3, False),))
    family = in_model(world.family_a, dt.date(2023, 1, 10))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 4, 1))
    assert [row[2:4] for row in scheduled(family)] == [
        (12, dt.date(2026, 1, 10)),
        (13, dt.date(2026, 4, 10)),
    ]


def test_a_past_occurrence_is_not_recreated_once_a_newer_one_exists(world: Any) -> None:
    plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 3, False),))
    family = in_model(world.family_a, dt.date(2023, 1, 10))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 4, 1))
    Measurement.objects.filter(family=family, occurrence=12).delete()
    services.schedule_due(municipality=world.a, today=dt.date(2026, 4, 12))
    assert [row[2] for row in scheduled(family)] == [13]


def test_scheduling_twice_creates_nothing_more(world: Any) -> None:
    plan_for(world.a)
    in_model(world.family_a, dt.date(2026, 3, 1))
    first = services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 2))
    second = services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 2))
    assert (first > 0, second, Measurement.objects.count()) == (True, 0, first)


def test_default_plan_at_entry_for_a_family_with_an_11_year_old(world: Any) -> None:
    plan_for(world.a)
    family = in_model(world.family_a, dt.date(2026, 3, 1))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 2))
    # child_a was born 17 May 2014: 11 on 1 March 2026.
    assert [row[:3] for row in scheduled(family)] == [
        ("burden-rating", "Alma", 0),
        ("sdq-parent-4-17", "Alma", 0),
        ("sdq-self-11-17", "Alma", 0),
        ("sdq-teacher-4-17", "Alma", 0),
        ("who-5", None, 0),
    ]


def test_self_report_not_for_a_child_aged_10_on_the_due_date(world: Any) -> None:
    plan_for(world.a, (("sdq-self-11-17", Respondent.CHILD, True, 12, True),))
    child = factories.ChildFactory(first_name="Ida", date_of_birth=dt.date(2015, 3, 10))
    factories.PlacementFactory(child=child, family=world.family_a_other)
    family = in_model(world.family_a_other, dt.date(2026, 3, 5))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert scheduled(family) == []


def test_self_report_for_a_child_who_is_11_on_the_due_date(world: Any) -> None:
    plan_for(world.a, (("sdq-self-11-17", Respondent.CHILD, True, 12, True),))
    child = factories.ChildFactory(first_name="Ida", date_of_birth=dt.date(2015, 3, 10))
    factories.PlacementFactory(child=child, family=world.family_a_other)
    family = in_model(world.family_a_other, dt.date(2026, 3, 12))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert [row[:4] for row in scheduled(family)] == [
        ("sdq-self-11-17", "Ida", 0, dt.date(2026, 3, 12))
    ]


def test_self_report_not_for_a_child_aged_18_on_the_due_date(world: Any) -> None:
    plan_for(world.a, (("sdq-self-11-17", Respondent.CHILD, True, 12, True),))
    child = factories.ChildFactory(first_name="Sofie", date_of_birth=dt.date(2008, 3, 3))
    factories.PlacementFactory(child=child, family=world.family_a_other)
    family = in_model(world.family_a_other, dt.date(2026, 3, 5))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 1))
    assert scheduled(family) == []


def test_one_teacher_sdq_per_child_placed_now(world: Any) -> None:
    plan_for(world.a, (("sdq-teacher-4-17", Respondent.TEACHER, True, 12, True),))
    second = factories.ChildFactory(first_name="Bertram", date_of_birth=dt.date(2016, 1, 1))
    factories.PlacementFactory(child=second, family=world.family_a)
    gone = factories.ChildFactory(first_name="Carl", date_of_birth=dt.date(2016, 1, 1))
    factories.PlacementFactory(
        child=gone,
        family=world.family_a,
        ends_on=dt.date(2025, 1, 1),
        end_reason="planned",
    )
    family = in_model(world.family_a, dt.date(2026, 3, 1))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 2))
    assert sorted(row[1] for row in scheduled(family)) == ["Alma", "Bertram"]


def test_scheduling_is_audited_with_the_count_only(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    in_model(world.family_a, dt.date(2026, 3, 1))
    services.schedule_due(municipality=world.a, today=dt.date(2026, 3, 2))
    entry = AuditEntry.objects.get(action="measures.measurement.schedule")
    assert (entry.municipality_id, entry.actor_label, entry.data["created"]) == (
        world.a.pk,
        "samspil",
        1,
    )


def test_schedule_all_covers_every_municipality_with_a_plan(world: Any) -> None:
    plan_for(world.a, WHO5_EVERY_6)
    plan_for(world.b, WHO5_EVERY_6)
    in_model(world.family_a, dt.date(2026, 3, 1))
    in_model(world.family_b, dt.date(2026, 3, 1))
    in_model(world.family_a_other, dt.date(2026, 3, 1))
    assert services.schedule_all(dt.date(2026, 3, 2)) == 3
