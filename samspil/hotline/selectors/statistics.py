"""Usage statistics of a hotline for the project lead (leaders of its municipalities).

The domain's experience is that the hotline "was used little, mostly in holiday periods when the
foster-care office was closed for days", so the numbers answer: when do families call (hour of
day and weekday, in Danish local time), do they call more in holiday periods than in normal
weeks (per week, since there are fewer holiday weeks), about what, which families call most, and
were the follow-ups done on time.

Everything is counted in the database (calls grouped by hour, topic and family; follow-ups by
status, and the done ones by due date and the hour they were done), so the page runs the same
few queries for ten calls or ten thousand; only the hour buckets (at most one per hour of the
period) are turned into Danish dates, weekdays and hours here. The holiday periods and the period itself are pure date arithmetic in
`hotline/periods.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Count, Func, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families import rules as family_rules
from samspil.families.models import FosterFamily
from samspil.hotline import rules
from samspil.hotline.enums import CallStatus, FollowUpStatus
from samspil.hotline.models import Call, CallTopic, ClosureDay, FollowUp, Hotline
from samspil.hotline.periods import (
    CPH,
    ONE_PLACE,
    Period,
    holiday_weeks,
    hour_label,
    week_key,
    weekly_rate,
)

TOP_FAMILIES = 10


class UtcHour(Func):
    """The UTC hour a moment falls in, as text ("2026-06-01 22"), computed natively by the
    database: Django's timezone-aware Extract/Trunc run as Python callbacks per row on SQLite
    (some 30 µs each). Danish time is a whole number of hours from UTC, so the local date and
    hour follow exactly (`datetime.astimezone`). SQLite and PostgreSQL only."""

    output_field = CharField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template="strftime('%%%%Y-%%%%m-%%%%d %%%%H', %(expressions)s)"
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
        )


# -- the numbers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    """A count under a label: an hour ("20"), a weekday ("6"), a topic."""

    key: str
    label: str
    calls: int


@dataclass(frozen=True)
class WeekCount:
    year: int
    week: int
    starts_on: dt.date
    days: int  # days of the week inside the period (1–7)
    calls: int
    holiday: str  # the reason, "" in a normal week

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class Rate:
    """Calls in a set of days, and the rate per week."""

    calls: int
    days: int

    @property
    def weeks(self) -> Decimal:
        return (Decimal(self.days) / 7).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def per_week(self) -> Decimal:
        return weekly_rate(self.calls, self.days)


@dataclass(frozen=True)
class FamilyCount:
    uuid: uuid.UUID
    name: str  # "" when the leader may not see the family (another municipality)
    municipality: str
    calls: int


@dataclass(frozen=True)
class FollowUpSummary:
    """Follow-ups of the period's calls. Done on time means done on or before the due date
    (the local date of `done_at`); open ones are overdue once their due date has passed."""

    total: int
    done_on_time: int
    done_late: int
    open_not_due: int
    open_overdue: int
    escalated: int  # escalated to the team leader (done late, or still open)

    @property
    def due(self) -> int:
        """Follow-ups whose due date has passed or that are done: those that can be judged."""
        return self.total - self.open_not_due

    @property
    def on_time_share(self) -> Decimal | None:
        """Done on time, as a percentage of the follow-ups that can be judged."""
        if not self.due:
            return None
        return (Decimal(100 * self.done_on_time) / self.due).quantize(ONE_PLACE, ROUND_HALF_UP)


@dataclass(frozen=True)
class HotlineStatistics:
    hotline: Hotline
    period: Period
    calls: int
    stubs: int
    without_family: int
    by_hour: tuple[Bucket, ...]
    by_weekday: tuple[Bucket, ...]
    by_week: tuple[WeekCount, ...]
    holiday: Rate
    normal: Rate
    by_topic: tuple[Bucket, ...]
    top_families: tuple[FamilyCount, ...]
    follow_ups: FollowUpSummary

    @property
    def holiday_ratio(self) -> Decimal | None:
        """Calls per week in holiday periods ÷ calls per week in normal weeks."""
        normal = self.normal.per_week
        if not normal or not self.holiday.days:
            return None
        return (self.holiday.per_week / normal).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def busiest_hour(self) -> Bucket | None:
        return max(self.by_hour, key=lambda b: b.calls) if self.calls else None

    @property
    def busiest_weekday(self) -> Bucket | None:
        return max(self.by_weekday, key=lambda b: b.calls) if self.calls else None


def closures_for(hotline: Hotline, period: Period) -> dict[dt.date, str]:
    """The closure days of the hotline's municipalities within `period` (yearly ones
    repeated), with their reason. One query."""
    municipalities = rules.hotline_municipalities(hotline)
    days: dict[dt.date, str] = {}
    years = range(period.start.year, period.end.year + 1)
    rows = ClosureDay.objects.filter(municipality_id__in=municipalities).filter(
        Q(every_year=True) | Q(date__range=(period.start, period.end))
    )
    for closure in rows.order_by("date", "id"):
        candidates = [closure.date]
        if closure.every_year:
            candidates = []
            for year in years:
                try:
                    candidates.append(closure.date.replace(year=year))
                except ValueError:  # 29 February in a year without it
                    continue
        for day in candidates:
            if period.start <= day <= period.end:
                days.setdefault(day, closure.reason)
    return days


def _weeks(
    period: Period, per_day: Mapping[dt.date, int], closures: Mapping[dt.date, str]
) -> tuple[WeekCount, ...]:
    holidays = holiday_weeks(period.start, period.end, closures)
    weeks: list[WeekCount] = []
    monday = period.start - dt.timedelta(days=period.start.weekday())
    while monday <= period.end:
        days = [
            monday + dt.timedelta(days=offset)
            for offset in range(7)
            if period.start <= monday + dt.timedelta(days=offset) <= period.end
        ]
        year, week = week_key(monday)
        weeks.append(
            WeekCount(
                year=year,
                week=week,
                starts_on=monday,
                days=len(days),
                calls=sum(per_day.get(day, 0) for day in days),
                holiday=holidays.get((year, week), ""),
            )
        )
        monday += dt.timedelta(days=7)
    return tuple(weeks)


def _rate(weeks: Iterable[WeekCount]) -> Rate:
    chosen = list(weeks)
    return Rate(calls=sum(w.calls for w in chosen), days=sum(w.days for w in chosen))


def _period_calls(hotline: Hotline, period: Period) -> QuerySet[Call]:
    start, until = period.bounds()
    return Call.objects.filter(hotline=hotline, received_at__gte=start, received_at__lt=until)


def _top_families(user: UserLike, calls: QuerySet[Call]) -> tuple[FamilyCount, ...]:
    """The families with most calls; a name only where the families policy lets the user see
    the family (a collaboration's other municipalities stay anonymous). Two queries."""
    rows = list(
        calls.filter(family__isnull=False)
        .order_by()
        .values("family_id", "family__uuid", "family__name", "family__municipality__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "family__name", "family_id")[:TOP_FAMILIES]
    )
    visible = set(
        FosterFamily.objects.filter(
            family_rules.family_filter(user), pk__in=[row["family_id"] for row in rows]
        ).values_list("pk", flat=True)
    )
    return tuple(
        FamilyCount(
            uuid=row["family__uuid"],
            name=row["family__name"] if row["family_id"] in visible else "",
            municipality=row["family__municipality__name"],
            calls=row["n"],
        )
        for row in rows
    )


def _utc_hour(text: str) -> dt.datetime:
    """A `UtcHour` value as an aware datetime."""
    return dt.datetime.fromisoformat(f"{text}:00").replace(tzinfo=dt.UTC)


def _follow_ups(hotline: Hotline, period: Period, today: dt.date) -> FollowUpSummary:
    """Two queries: the counts by status, due date and escalation, and the done ones grouped by
    due date and the hour they were done (whose Danish date decides "on time")."""
    start, until = period.bounds()
    follow_ups = FollowUp.objects.filter(
        call__hotline=hotline, call__received_at__gte=start, call__received_at__lt=until
    )
    done = Q(status=FollowUpStatus.DONE)
    open_ = Q(status=FollowUpStatus.OPEN)
    counts = follow_ups.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=done),
        not_due=Count("pk", filter=open_ & Q(due_date__gte=today)),
        overdue=Count("pk", filter=open_ & Q(due_date__lt=today)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
    )
    on_time = 0
    for row in (
        follow_ups.filter(done, done_at__isnull=False)
        .order_by()
        .values("due_date", slot=UtcHour("done_at"))
        .annotate(n=Count("pk"))
    ):
        if _utc_hour(row["slot"]).astimezone(CPH).date() <= row["due_date"]:
            on_time += row["n"]
    return FollowUpSummary(
        total=counts["total"],
        done_on_time=on_time,
        done_late=counts["done"] - on_time,
        open_not_due=counts["not_due"],
        open_overdue=counts["overdue"],
        escalated=counts["escalated"],
    )


def compute_statistics(
    user: UserLike, hotline: Hotline, period: Period, today: dt.date | None = None
) -> HotlineStatistics:
    """The statistics of `hotline` in `period`. No access check (see `statistics_for`); `user`
    decides only which family names are shown. A fixed number of queries (eight, one more for a
    collaboration's hotline)."""
    today = today or timezone.localdate()
    closures = closures_for(hotline, period)
    calls = _period_calls(hotline, period)
    per_hour: dict[int, int] = defaultdict(int)
    per_weekday: dict[int, int] = defaultdict(int)
    per_day: dict[dt.date, int] = defaultdict(int)
    # One row per hour with calls: date, weekday and hour of day in Danish time follow from it.
    grid = calls.order_by().annotate(slot=UtcHour("received_at")).values("slot")
    for row in grid.annotate(n=Count("pk")):
        local = _utc_hour(row["slot"]).astimezone(CPH)
        per_hour[local.hour] += row["n"]
        per_weekday[local.isoweekday()] += row["n"]
        per_day[local.date()] += row["n"]
    totals = calls.aggregate(
        total=Count("pk"),
        stubs=Count("pk", filter=Q(status=CallStatus.STUB)),
        without_family=Count("pk", filter=Q(family__isnull=True)),
        without_topic=Count("pk", filter=Q(topic__isnull=True)),
    )
    start, until = period.bounds()
    in_period = Q(call__hotline=hotline, call__received_at__gte=start, call__received_at__lt=until)
    topics = [
        Bucket(str(topic.pk), topic.name, topic.n)
        for topic in CallTopic.objects.annotate(n=Count("call", filter=in_period)).filter(
            Q(active=True) | Q(n__gt=0)
        )
    ]
    if totals["without_topic"]:
        topics.append(Bucket("", _("No topic (not completed)"), totals["without_topic"]))
    weeks = _weeks(period, per_day, closures)
    return HotlineStatistics(
        hotline=hotline,
        period=period,
        calls=totals["total"],
        stubs=totals["stubs"],
        without_family=totals["without_family"],
        by_hour=tuple(Bucket(str(h), hour_label(h), per_hour.get(h, 0)) for h in range(24)),
        by_weekday=tuple(
            Bucket(str(d), str(WEEKDAYS[d - 1]), per_weekday.get(d, 0)) for d in range(1, 8)
        ),
        by_week=weeks,
        holiday=_rate(w for w in weeks if w.holiday),
        normal=_rate(w for w in weeks if not w.holiday),
        by_topic=tuple(topics),
        top_families=_top_families(user, calls),
        follow_ups=_follow_ups(hotline, period, today),
    )


# -- who may see them ------------------------------------------------------------------------


def statistics_hotlines(user: UserLike) -> QuerySet[Hotline]:
    """The hotlines whose statistics `user` may see (leaders of their municipalities)."""
    return Hotline.objects.filter(rules.statistics_filter(user)).select_related(
        "municipality", "collaboration"
    )


def get_hotline_for_statistics(user: UserLike, hotline_uuid: uuid.UUID | str) -> Hotline:
    """The hotline, if `user` may see its statistics. Http404 when the user cannot see the
    hotline at all (existence does not leak); PermissionDeniedError when they see it (a
    consultant of its municipality, a person on its rota) but may not see its statistics."""
    try:
        key = uuid.UUID(str(hotline_uuid))
    except ValueError:
        raise Http404 from None
    hotline = (
        Hotline.objects.filter(rules.hotline_filter(user), uuid=key)
        .select_related("municipality", "collaboration")
        .first()
    )
    if hotline is None:
        raise Http404
    if not rules.can_see_statistics(user, hotline):
        raise PermissionDeniedError
    return hotline


def statistics_for(
    user: UserLike, hotline_uuid: uuid.UUID | str, period: Period
) -> HotlineStatistics:
    """The page's and the API's read: access-checked, not audited (like a list page)."""
    hotline = get_hotline_for_statistics(user, hotline_uuid)
    return compute_statistics(user, hotline, period)


def export_statistics(
    user: UserLike, hotline_uuid: uuid.UUID | str, period: Period, *, file_format: str
) -> HotlineStatistics:
    """The statistics for a CSV or XLSX export. Side effect: one audit entry
    "hotline.statistics.export" per municipality of the hotline, written before the file is
    produced (the export holds the names of the families that call most)."""
    hotline = get_hotline_for_statistics(user, hotline_uuid)
    statistics = compute_statistics(user, hotline, period)
    municipalities: list[int | None] = [*sorted(rules.hotline_municipalities(hotline))]
    for municipality_id in municipalities or [None]:
        log_action(
            "hotline.statistics.export",
            actor=user,
            obj=hotline,
            municipality_id=municipality_id,
            data={
                "format": file_format,
                "start": period.start,
                "end": period.end,
                "calls": statistics.calls,
                "families": len(statistics.top_families),
            },
        )
    return statistics
