"""The demo's and the national data set's hotline data: hotlines, staffing, shifts that cover
every hour once, a year of few calls peaking in holiday periods and evenings, follow-ups with
real due dates and assignees, and the demo consultant's task. The demo is seeded once for its
class of tests and rolled back afterwards; the national data set at 1 % scale likewise."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from samspil.accounts.models import User
from samspil.core.demo.national import delete_national, generate_national
from samspil.core.demo.national_hotline import NATIONAL_SUFFIX, shift_days
from samspil.core.demo.seed import TODAY, seed_demo
from samspil.families.models import ConsultantAssignment, FosterFamily
from samspil.hotline import workdays
from samspil.hotline.enums import CallStatus, FollowUpStatus, RotaRunStatus, StaffedBy
from samspil.hotline.models import (
    Call,
    FollowUp,
    Hotline,
    RotaMember,
    RotaRun,
    Shift,
    StaffingRule,
)
from samspil.hotline.periods import default_period
from samspil.hotline.selectors.statistics import compute_statistics
from samspil.hotline.services.calls import follow_up_due_date
from samspil.organisations.models import Municipality

CPH = timezone.get_default_timezone()


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo: None, db: None) -> None:
    """The class's demo data inside the test's own transaction."""


def _demo_hotlines() -> list[Hotline]:
    return list(Hotline.objects.exclude(name__endswith=NATIONAL_SUFFIX).order_by("name"))


class TestDemo:
    """The demo data set (seed_demo)."""

    def test_demo_has_a_hotline_per_municipality_with_leader_rules_and_rota(
        self, seeded: None
    ) -> None:
        hotlines = _demo_hotlines()
        assert sorted(h.municipality.code for h in hotlines if h.municipality) == [
            "101",
            "410",
            "630",
            "820",
        ]
        for hotline in hotlines:
            assert hotline.team_leader is not None
            assert hotline.team_leader.memberships.filter(
                role="leader", municipality=hotline.municipality
            ).exists()
            kinds = set(hotline.staffing_rules.values_list("staffed_by", flat=True))
            assert StaffedBy.CONSULTANTS in kinds, hotline.name
            assert kinds - {StaffedBy.CONSULTANTS}, hotline.name
            assert RotaMember.objects.filter(hotline=hotline).count() >= 3
        institutions = StaffingRule.objects.filter(staffed_by=StaffedBy.INSTITUTION)
        assert institutions.exists()
        assert institutions.filter(institution__isnull=True).count() == 0

    def test_demo_shifts_cover_every_hour_once_from_a_year_ago(self, seeded: None) -> None:
        for hotline in _demo_hotlines():
            shifts = list(Shift.objects.filter(hotline=hotline).order_by("starts_at"))
            first = shifts[0].starts_at.astimezone(CPH)
            assert first.date() == TODAY - dt.timedelta(days=364)
            assert shifts[-1].ends_at.astimezone(CPH).date() >= dt.date(2027, 3, 31)
            gaps = [
                (a.ends_at, b.starts_at)
                for a, b in itertools.pairwise(shifts)
                if a.ends_at != b.starts_at
            ]
            assert gaps == [], hotline.name

    def test_demo_rota_shifts_go_to_rota_members_with_rest_between(self, seeded: None) -> None:
        for hotline in _demo_hotlines():
            members = set(
                RotaMember.objects.filter(hotline=hotline).values_list("user_id", flat=True)
            )
            rest = dt.timedelta(hours=hotline.min_rest_hours)
            consultants = Shift.objects.filter(hotline=hotline, staffed_by=StaffedBy.CONSULTANTS)
            staffed = consultants.filter(person__isnull=False)
            assert staffed.count() >= 0.95 * consultants.count(), hotline.name
            assert set(staffed.values_list("person_id", flat=True)) <= members
            assert (
                Shift.objects.filter(hotline=hotline)
                .exclude(staffed_by=StaffedBy.CONSULTANTS)
                .filter(person__isnull=False)
                .count()
                == 0
            )
            past = staffed.filter(rota_run__isnull=True).order_by("person_id", "starts_at")
            for _person, shifts in itertools.groupby(past, key=lambda s: s.person_id):
                for a, b in itertools.pairwise(shifts):
                    assert b.starts_at - a.ends_at >= rest, (hotline.name, a, b)

    def test_demo_coming_quarter_comes_from_the_rota_optimiser(self, seeded: None) -> None:
        runs = RotaRun.objects.filter(hotline__in=_demo_hotlines())
        assert runs.count() == 4
        assert set(runs.values_list("status", flat=True)) == {RotaRunStatus.DONE}
        assert set(runs.values_list("period_start", flat=True)) == {dt.date(2027, 1, 1)}
        assert Shift.objects.filter(rota_run__in=runs).count() > 0

    def test_demo_calls_are_few_and_peak_in_holiday_periods_and_evenings(
        self, seeded: None
    ) -> None:
        leader = User.objects.get(username="leder.kbh")
        period = default_period(TODAY)
        calls, families, evenings, office = 0, 0, 0, 0
        for hotline in _demo_hotlines():
            stats = compute_statistics(leader, hotline, period, today=TODAY)
            calls += stats.calls
            families += FosterFamily.objects.filter(municipality=hotline.municipality).count()
            evenings += sum(b.calls for b in stats.by_hour[16:23])
            office += sum(b.calls for b in stats.by_hour[8:16])
            assert stats.holiday_ratio is not None
            assert stats.holiday_ratio >= Decimal("1.5"), (hotline.name, stats.holiday_ratio)
            assert stats.stubs + stats.without_family >= 1, hotline.name
        assert 0.8 <= calls / families <= 1.6
        assert evenings > 1.5 * office

    def test_demo_calls_are_registered_and_none_after_the_demo_date(self, seeded: None) -> None:
        calls = Call.objects.filter(hotline__in=_demo_hotlines())
        end_of_today = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time.min, tzinfo=CPH)
        assert calls.filter(received_at__gte=end_of_today).count() == 0
        assert calls.filter(registered_by__isnull=True).count() == 0
        assert calls.filter(status=CallStatus.REGISTERED, topic__isnull=True).count() == 0
        assert calls.filter(status=CallStatus.STUB, family__isnull=False).count() == 0
        with_family = calls.filter(family__isnull=False)
        assert with_family.exclude(follow_up__isnull=False).count() == 0

    def test_demo_follow_ups_have_real_due_dates_and_assignees(self, seeded: None) -> None:
        follow_ups = FollowUp.objects.filter(call__hotline__in=_demo_hotlines()).select_related(
            "call", "family"
        )
        for follow_up in follow_ups:
            assert follow_up.due_date == follow_up_due_date(
                follow_up.call.received_at, follow_up.family.municipality_id
            )
            assert workdays.is_working_day(follow_up.due_date)
            current = ConsultantAssignment.objects.get(
                family=follow_up.family, ends_on__isnull=True
            )
            assert follow_up.assignee_id == current.consultant_id

    def test_demo_follow_ups_are_mostly_done_on_time(self, seeded: None) -> None:
        follow_ups = FollowUp.objects.filter(call__hotline__in=_demo_hotlines())
        due = follow_ups.filter(due_date__lte=TODAY)
        done = due.filter(status=FollowUpStatus.DONE)
        on_time = [f for f in done if timezone.localtime(f.done_at).date() <= f.due_date]
        late = [f for f in done if timezone.localtime(f.done_at).date() > f.due_date]
        assert len(on_time) >= 0.8 * due.count()
        assert late, "some follow-ups are done late"
        assert all(f.escalated_at is not None for f in late)
        assert due.filter(status=FollowUpStatus.OPEN, escalated_at__isnull=False).exists()
        assert follow_ups.filter(due_date__gt=TODAY, status=FollowUpStatus.DONE).count() == 0
        assert done.filter(done_at__lt=F("call__received_at")).count() == 0

    def test_demo_consultant_has_an_open_follow_up_due_on_the_next_working_day(
        self, seeded: None
    ) -> None:
        consultant = User.objects.get(username="konsulent.vejle")
        follow_up = (
            FollowUp.objects.filter(assignee=consultant, status=FollowUpStatus.OPEN)
            .order_by("due_date")
            .last()
        )
        assert follow_up is not None
        assert follow_up.due_date == workdays.next_working_day(TODAY) == dt.date(2026, 11, 2)
        assert follow_up.escalated_at is None
        assert follow_up.call.received_at.astimezone(CPH).date() <= TODAY


# -- the national data set ------------------------------------------------------------------------


@pytest.fixture(scope="class")
def national(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate_national(scale=0.01)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def generated(national: None, db: None) -> None:
    """The class's national data inside the test's own transaction."""


class TestNational:
    """The national data set at 1 % scale (generate_national)."""

    def test_national_has_a_hotline_per_municipality(self, generated: None) -> None:
        hotlines = Hotline.objects.filter(name__endswith=NATIONAL_SUFFIX)
        assert hotlines.count() == 98
        assert hotlines.values("municipality").distinct().count() == 98
        assert hotlines.filter(team_leader__username__startswith="nat.leder.").count() == 98
        assert hotlines.annotate(n=Count("staffing_rules")).filter(n__lt=2).count() == 0

    def test_national_shifts_cover_the_recent_days_without_overlap(self, generated: None) -> None:
        per_hotline = Shift.objects.values("hotline").annotate(n=Count("id"))
        assert {row["n"] for row in per_hotline} == {2 * shift_days(0.01)}
        hotline = Hotline.objects.filter(name__endswith=NATIONAL_SUFFIX).order_by("id").first()
        shifts = list(Shift.objects.filter(hotline=hotline).order_by("starts_at"))
        assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(shifts))
        consultants = [s for s in shifts if s.staffed_by == StaffedBy.CONSULTANTS]
        assert consultants
        assert all(s.person_id is not None for s in consultants)

    def test_national_calls_are_about_two_per_family_with_follow_ups(self, generated: None) -> None:
        families = FosterFamily.objects.count()
        calls = Call.objects.filter(hotline__name__endswith=NATIONAL_SUFFIX)
        assert calls.count() == pytest.approx(2 * families, rel=0.05)
        assert calls.filter(status=CallStatus.STUB).exists()
        follow_ups = FollowUp.objects.filter(call__in=calls).select_related("call")
        assert follow_ups.count() == calls.filter(family__isnull=False).count()
        for follow_up in follow_ups:
            local = follow_up.call.received_at.astimezone(CPH).date()
            assert follow_up.due_date == workdays.next_working_day(local)
        assert (
            follow_ups.filter(due_date__gt=TODAY).exclude(status=FollowUpStatus.OPEN).count() == 0
        )
        done = follow_ups.filter(status=FollowUpStatus.DONE)
        assert done.count() >= 0.8 * follow_ups.filter(due_date__lte=TODAY).count()

    def test_national_calls_peak_in_holiday_periods(self, generated: None) -> None:
        holiday, normal = [0, 0], [0, 0]
        leader = User.objects.filter(username__startswith="nat.leder.").first()
        for hotline in Hotline.objects.filter(name__endswith=NATIONAL_SUFFIX):
            stats = compute_statistics(leader, hotline, default_period(TODAY), today=TODAY)
            holiday[0] += stats.holiday.calls
            holiday[1] += stats.holiday.days
            normal[0] += stats.normal.calls
            normal[1] += stats.normal.days
        assert holiday[0] / holiday[1] > 1.5 * normal[0] / normal[1]

    def test_national_reset_deletes_the_national_hotlines_only(self, generated: None) -> None:
        demo = Hotline.objects.create(
            name="Demo", phone_number="1", municipality=Municipality.objects.get(code="101")
        )
        delete_national()
        assert list(Hotline.objects.all()) == [demo]
        assert Call.objects.count() == 0
        assert Shift.objects.filter(~Q(hotline=demo)).count() == 0
