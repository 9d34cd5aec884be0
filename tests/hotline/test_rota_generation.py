"""Generating a period's rota: the request (a background job run at once by the tests'
immediate backend), the stored shifts and the rules they keep, what stays (shifts changed by
hand, shifts already begun, other periods), the reasons stored when the period cannot be
covered, the progress, and `manage.py generate_rota`."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.hotline import cutting, rota
from samspil.hotline.enums import RotaRunStatus, StaffedBy
from samspil.hotline.models import RotaRun, Shift
from samspil.hotline.selectors import rota as selectors
from samspil.hotline.services import rota as services
from tests.competence.factories import SessionFactory, at, offering_for
from tests.hotline.factories import HotlineFactory, ShiftFactory
from tests.hotline.factories_rota import (
    RotaMemberFactory,
    StaffingRuleFactory,
    UnavailabilityFactory,
    consultants,
    rota_hotline,
)

NOW = at(2026, 12, 1, 6)  # Tuesday 1 December 2026, 06:00
FIRST, LAST = dt.date(2026, 12, 2), dt.date(2026, 12, 4)  # Wednesday to Friday


@pytest.fixture(autouse=True)
def _fast_solver(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(services, "SOLVER_SECONDS", 3.0)
    monkeypatch.setattr(services, "SOLVER_WORKERS", 2)
    with time_machine.travel(NOW, tick=False):
        yield


def generate(hotline, actor, first=FIRST, last=LAST, **kwargs) -> RotaRun:  # type: ignore[no-untyped-def]
    return services.request_rota(
        actor=actor, hotline=hotline, first_day=first, last_day=last, **kwargs
    )


def shifts_of(hotline) -> list[Shift]:  # type: ignore[no-untyped-def]
    return list(Shift.objects.filter(hotline=hotline).order_by("starts_at"))


def team(world, count: int = 4):  # type: ignore[no-untyped-def]
    return rota_hotline(world, members=consultants(world, count))


# -- the happy path -------------------------------------------------------------------------------


def test_generate_stores_a_done_run(world) -> None:  # type: ignore[no-untyped-def]
    run = generate(team(world), world.leader_a)
    assert (run.status, run.result["created"], run.result["gaps"]) == (RotaRunStatus.DONE, 9, 0)


def test_generate_covers_every_hour_of_the_period_once(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world)
    generate(hotline, world.leader_a)
    shifts = shifts_of(hotline)
    start, _end = cutting.period_bounds(FIRST, LAST)
    assert shifts[0].starts_at == cutting.at_local(FIRST, dt.time(8))
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(shifts))
    assert shifts[-1].ends_at == cutting.at_local(LAST + dt.timedelta(days=1), dt.time(8))
    assert start < shifts[0].starts_at


def test_generate_gives_each_rota_shift_a_person_on_the_rota(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people)
    generate(hotline, world.leader_a)
    assert {s.person_id for s in shifts_of(hotline)} <= {p.pk for p in people}
    assert all(s.person_id for s in shifts_of(hotline))


def test_generate_keeps_the_rest_between_a_persons_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    generate(hotline, world.leader_a)
    by_person: dict[int, list[Shift]] = {}
    for shift in shifts_of(hotline):
        by_person.setdefault(shift.person_id, []).append(shift)  # type: ignore[arg-type]
    rest = dt.timedelta(hours=hotline.min_rest_hours)
    assert all(
        b.starts_at >= a.ends_at + rest
        for mine in by_person.values()
        for a, b in itertools.pairwise(mine)
    )


def test_generate_keeps_each_persons_maximum(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people[:3])
    RotaMemberFactory(hotline=hotline, user=people[3], max_shifts=1)
    generate(hotline, world.leader_a)
    assert Counter(s.person_id for s in shifts_of(hotline))[people[3].pk] <= 1


def test_generate_marks_nights_weekends_and_holidays(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    # Thursday 24 to Saturday 26 December: Christmas Day (a Friday) and a Saturday.
    generate(hotline, world.leader_a, dt.date(2026, 12, 24), dt.date(2026, 12, 26))
    flags = [(s.night, s.weekend, s.holiday) for s in shifts_of(hotline)]
    assert flags[2:6] == [
        (True, False, False),
        (False, False, True),
        (False, False, True),
        (True, False, True),
    ]
    assert flags[-1] == (True, True, True)


def test_generate_gives_hours_of_a_staffing_rule_to_its_staff(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 3)
    StaffingRuleFactory(hotline=hotline)  # the on-call service every night 23–08
    generate(hotline, world.leader_a)
    nights = [s for s in shifts_of(hotline) if s.night]
    assert {(s.staffed_by, s.person_id) for s in nights} == {(StaffedBy.ON_CALL_SERVICE, None)}


def test_generate_names_the_institution_of_its_rule(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 3)
    StaffingRuleFactory(
        hotline=hotline, staffed_by=StaffedBy.INSTITUTION, institution=world.institution_a
    )
    generate(hotline, world.leader_a)
    nights = [s for s in shifts_of(hotline) if s.night]
    assert {s.institution_id for s in nights} == {world.institution_a.pk}


def test_generate_respects_unavailability(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people)
    UnavailabilityFactory(user=people[0], starts_at=at(2026, 12, 2, 0), ends_at=at(2026, 12, 5, 12))
    generate(hotline, world.leader_a)
    assert people[0].pk not in {s.person_id for s in shifts_of(hotline)}


def test_generate_respects_the_persons_calendar(world) -> None:  # type: ignore[no-untyped-def]
    # specialist_a delivers a talk on Wednesday 18–20, so cannot take the 16–23 shift.
    people = consultants(world, 3)
    hotline = rota_hotline(world, members=[world.specialist_a, *people])
    SessionFactory(offering=offering_for(world), starts_at=at(2026, 12, 2, 18))
    generate(hotline, world.leader_a)
    evening = Shift.objects.get(hotline=hotline, starts_at=at(2026, 12, 2, 16))
    assert evening.person_id != world.specialist_a.pk


def test_busy_periods_include_the_calendar_but_not_hotline_shifts(world) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=offering_for(world), starts_at=at(2026, 12, 2, 18))
    ShiftFactory(
        hotline=rota_hotline(world), person=world.specialist_a, starts_at=at(2026, 12, 3, 8)
    )
    found = selectors.busy_periods([world.specialist_a], at(2026, 12, 1), at(2026, 12, 5))
    assert [(a, b) for a, b, _what in found[world.specialist_a.pk]] == [
        (at(2026, 12, 2, 18), at(2026, 12, 2, 20))
    ]


def test_busy_periods_leave_out_cancelled_calendar_items(world) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=offering_for(world), starts_at=at(2026, 12, 2, 18), cancelled=True)
    found = selectors.busy_periods([world.specialist_a], at(2026, 12, 1), at(2026, 12, 5))
    assert found[world.specialist_a.pk] == []


def test_generate_keeps_the_rest_against_shifts_on_another_hotline(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people)
    other = HotlineFactory(municipality=world.a, name="Anden linje")
    ShiftFactory(
        hotline=other, person=people[0], starts_at=at(2026, 12, 2, 0), ends_at=at(2026, 12, 2, 6)
    )
    generate(hotline, world.leader_a)
    first = Shift.objects.get(hotline=hotline, starts_at=at(2026, 12, 2, 8))
    assert first.person_id != people[0].pk


# -- what stays -------------------------------------------------------------------------------------


def test_generate_keeps_a_shift_changed_by_hand(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people)
    kept = ShiftFactory(
        hotline=hotline,
        person=people[0],
        starts_at=at(2026, 12, 3, 8),
        ends_at=at(2026, 12, 3, 16),
        overridden=True,
    )
    generate(hotline, world.leader_a)
    kept.refresh_from_db()
    assert (kept.person_id, len(shifts_of(hotline))) == (people[0].pk, 9)


def test_generate_counts_a_kept_shift_towards_the_persons_maximum(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 4)
    hotline = rota_hotline(world, members=people[:3])
    RotaMemberFactory(hotline=hotline, user=people[3], max_shifts=1)
    ShiftFactory(
        hotline=hotline,
        person=people[3],
        starts_at=at(2026, 12, 3, 8),
        ends_at=at(2026, 12, 3, 16),
        overridden=True,
    )
    generate(hotline, world.leader_a)
    assert Counter(s.person_id for s in shifts_of(hotline))[people[3].pk] == 1


def test_generate_replaces_the_periods_other_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    first = generate(hotline, world.leader_a)
    second = generate(hotline, world.leader_a)
    assert (second.result["replaced"], {s.rota_run_id for s in shifts_of(hotline)}) == (
        9,
        {second.pk},
    )
    assert first.pk != second.pk


def test_generate_keeps_shifts_already_begun(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    begun = ShiftFactory(
        hotline=hotline,
        person=world.consultant_a,
        starts_at=at(2026, 12, 1, 0),
        ends_at=at(2026, 12, 1, 8),
    )
    generate(hotline, world.leader_a, dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    shifts = shifts_of(hotline)
    assert (shifts[0].pk, shifts[1].starts_at) == (begun.pk, at(2026, 12, 1, 8))


def test_generate_fills_the_shift_running_now_but_not_hours_past(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    generate(hotline, world.leader_a, dt.date(2026, 11, 30), dt.date(2026, 11, 30))
    shifts = shifts_of(hotline)
    # Monday 30 November's last shift (23:00–08:00) runs at 06:00 on Tuesday: only it is cut.
    assert [(s.starts_at, s.person_id is not None) for s in shifts] == [
        (at(2026, 11, 30, 23), True)
    ]


def test_generate_leaves_other_periods_alone(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    later = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 10, 8))
    generate(hotline, world.leader_a)
    assert Shift.objects.filter(pk=later.pk).exists()


# -- impossible periods ------------------------------------------------------------------------------


def test_generate_of_an_impossible_period_stores_nothing(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=consultants(world, 2))
    old = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 3, 8))
    run = generate(hotline, world.leader_a)
    assert (run.status, list(Shift.objects.filter(hotline=hotline))) == (
        RotaRunStatus.FAILED,
        [old],
    )


def test_generate_of_an_impossible_period_says_which_hours_and_rule(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=consultants(world, 2))
    run = generate(hotline, world.leader_a, FIRST, FIRST)
    reasons = selectors.run_view(run).reasons
    assert reasons == [
        "Wed 2.12. 08:00 – Thu 3.12. 08:00 follow each other closer than the minimum rest of "
        "11 hours, so they need 3 different people, but only 2 are free for them."
    ]


def test_generate_without_members_says_so(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[])
    run = generate(hotline, world.leader_a, FIRST, FIRST)
    assert selectors.run_view(run).reasons == [
        "Nobody is on the rota, so these hours cannot be covered: Wed 2.12. 08:00 – Thu 3.12. 08:00."
    ]


def test_generate_names_the_people_whose_maximum_blocks(world) -> None:  # type: ignore[no-untyped-def]
    people = consultants(world, 3)
    hotline = rota_hotline(world, members=[], max_shifts_per_period=2)
    for user in people:
        RotaMemberFactory(hotline=hotline, user=user)
    run = generate(hotline, world.leader_a)
    assert selectors.run_view(run).reasons == [
        "The period has 9 shifts for the rota, but its members may take only 6 between them "
        "(the maximum shifts per person)."
    ]


def test_generate_with_gaps_allowed_stores_the_gaps_and_why(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=consultants(world, 2))
    run = generate(hotline, world.leader_a, FIRST, FIRST, allow_gaps=True)
    gaps = [s for s in shifts_of(hotline) if s.person_id is None]
    assert (run.status, run.result["gaps"], len(gaps)) == (RotaRunStatus.DONE, 1, 1)
    assert len(selectors.run_view(run).reasons) == 1


def test_compute_does_not_store_a_run_superseded_by_a_newer_one(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    older = RotaRun.objects.create(
        hotline=hotline, period_start=FIRST, period_end=LAST, requested_by=world.leader_a
    )
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        generate(hotline, world.leader_a)
    services.compute_rota(older.pk)
    older.refresh_from_db()
    assert (older.status, older.result["error"]) == (RotaRunStatus.FAILED, "superseded")


def test_compute_runs_a_run_only_once(world) -> None:  # type: ignore[no-untyped-def]
    run = generate(team(world, 4), world.leader_a)
    assert services.compute_rota(run.pk) is None


# -- progress, audit, permissions, periods -------------------------------------------------------------


def test_compute_writes_its_progress_on_the_run(world) -> None:  # type: ignore[no-untyped-def]
    run = generate(team(world, 4), world.leader_a)
    assert (run.progress["shifts"], run.progress["people"], run.progress["solutions"] >= 1) == (
        9,
        4,
        True,
    )


def test_compute_reports_progress_to_the_caller(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    run = RotaRun.objects.create(
        hotline=hotline, period_start=FIRST, period_end=LAST, requested_by=world.leader_a
    )
    seen: list[dict[str, object]] = []
    services.compute_rota(run.pk, report=seen.append)
    assert (seen[0]["seconds"], seen[-1]["shifts"]) == (0, 9)


def test_generate_is_audited_when_asked_and_when_stored(world) -> None:  # type: ignore[no-untyped-def]
    generate(team(world, 4), world.leader_a)
    assert list(
        AuditEntry.objects.filter(action__startswith="hotline.rota.")
        .order_by("id")
        .values_list("action", "actor_label")
    ) == [("hotline.rota.generate", "leader_a"), ("hotline.rota.store", "samspil")]


def test_generate_refuses_a_consultant(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        generate(team(world, 2), world.consultant_a)


def test_generate_refuses_a_period_ending_before_it_starts(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="ends before it starts"):
        generate(team(world, 2), world.leader_a, LAST, FIRST)


def test_generate_refuses_a_period_over_half_a_year(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="at most 185 days"):
        generate(team(world, 2), world.leader_a, FIRST, FIRST + dt.timedelta(days=200))


def test_generate_refuses_a_period_that_is_over(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="The period is over"):
        generate(team(world, 2), world.leader_a, dt.date(2026, 11, 1), dt.date(2026, 11, 29))


def test_next_quarter_of_a_november_day_is_the_first_quarter() -> None:
    assert services.next_quarter(dt.date(2026, 11, 23)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
    )


def test_next_quarter_of_a_march_day_is_the_second_quarter() -> None:
    assert services.next_quarter(dt.date(2027, 3, 31)) == (
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 30),
    )


# -- the management command ----------------------------------------------------------------------------


def test_generate_rota_command_stores_the_rota_and_prints_the_counts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 4)
    out = io.StringIO()
    call_command(
        "generate_rota",
        str(hotline.uuid),
        "--start",
        "2026-12-02",
        "--end",
        "2026-12-04",
        "--time-limit",
        "2",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert (
        len(shifts_of(hotline)),
        out.getvalue().startswith("9 shifts (9 for the rota, 0 gaps)"),
    ) == (9, True)


def test_generate_rota_command_says_why_a_period_is_impossible(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[])
    with pytest.raises(CommandError, match="Nobody is on the rota"):
        call_command(
            "generate_rota",
            str(hotline.uuid),
            "--start",
            "2026-12-02",
            "--end",
            "2026-12-02",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_generate_rota_command_refuses_an_unknown_hotline(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="No hotline"):
        call_command("generate_rota", "00000000-0000-0000-0000-000000000000", stdout=io.StringIO())


def test_rota_input_keeps_shifts_already_in_the_period_for_the_maximum(world) -> None:  # type: ignore[no-untyped-def]
    hotline = team(world, 2)
    member = hotline.rota_members.first()
    assert member is not None
    ShiftFactory(hotline=hotline, person=member.user, starts_at=at(2026, 12, 3, 8), overridden=True)
    data = selectors.rota_input(hotline, FIRST, LAST)
    counted = [p for p in data.problem.people if any(c.in_period for c in p.commitments)]
    assert [p.key for p in counted] == [member.user_id]
    assert isinstance(data.problem, rota.Problem)
