"""API: a hotline's usage statistics, the same numbers as the leaders' page (leaders of the
hotline's municipalities; 403 for others who see the hotline, 404 for everyone else)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from samspil.core.types import request_user
from samspil.hotline import periods
from samspil.hotline.selectors import statistics as selectors

router = Router(tags=["hotline"])


class PeriodQuery(Schema):
    start: dt.date | None = Field(None, description="First day (local). Default: a year ago.")
    end: dt.date | None = Field(None, description="Last day, included. Default: today.")


class CallTotalsOut(Schema):
    total: int
    stubs: int = Field(description="Stubs from a telephony system not completed yet.")
    without_family: int = Field(description="Calls not linked to a family (unknown numbers).")


class HourOut(Schema):
    hour: int = Field(description="0–23, Danish local time (Europe/Copenhagen).")
    calls: int


class WeekdayOut(Schema):
    weekday: int = Field(description="ISO weekday: 1 = Monday … 7 = Sunday.")
    name: str
    calls: int


class WeekOut(Schema):
    year: int = Field(description="ISO year.")
    week: int = Field(description="ISO week.")
    starts_on: dt.date
    days: int = Field(description="Days of the week inside the period (1–7).")
    calls: int
    holiday: str | None = Field(description="Why the week is a holiday period; null if not.")


class RateOut(Schema):
    calls: int
    days: int
    weeks: Decimal
    calls_per_week: Decimal


class TopicOut(Schema):
    topic: str | None = Field(description="Null: calls without a topic (stubs).")
    calls: int


class FamilyOut(Schema):
    family: uuid.UUID
    name: str | None = Field(description="Null when the caller may not see the family.")
    municipality: str
    calls: int


class FollowUpsOut(Schema):
    total: int
    done_on_time: int
    done_late: int
    open_not_due: int
    open_overdue: int
    escalated: int
    on_time_share: Decimal | None = Field(
        description="Done on time, % of the follow-ups done or past their due date."
    )


class StatisticsOut(Schema):
    hotline: uuid.UUID
    name: str
    start: dt.date
    end: dt.date
    time_zone: str
    calls: CallTotalsOut
    by_hour: list[HourOut]
    by_weekday: list[WeekdayOut]
    by_week: list[WeekOut]
    holiday_periods: RateOut
    normal_weeks: RateOut
    holiday_ratio: Decimal | None = Field(
        description="Calls per week in holiday periods ÷ calls per week in normal weeks."
    )
    by_topic: list[TopicOut]
    top_families: list[FamilyOut]
    follow_ups: FollowUpsOut


def _rate(rate: selectors.Rate) -> dict[str, Any]:
    return {
        "calls": rate.calls,
        "days": rate.days,
        "weeks": rate.weeks,
        "calls_per_week": rate.per_week,
    }


def as_json(stats: selectors.HotlineStatistics) -> dict[str, Any]:
    follow = stats.follow_ups
    return {
        "hotline": stats.hotline.uuid,
        "name": stats.hotline.name,
        "start": stats.period.start,
        "end": stats.period.end,
        "time_zone": str(periods.CPH),
        "calls": {
            "total": stats.calls,
            "stubs": stats.stubs,
            "without_family": stats.without_family,
        },
        "by_hour": [{"hour": int(b.key), "calls": b.calls} for b in stats.by_hour],
        "by_weekday": [
            {"weekday": int(b.key), "name": b.label, "calls": b.calls} for b in stats.by_weekday
        ],
        "by_week": [
            {
                "year": w.year,
                "week": w.week,
                "starts_on": w.starts_on,
                "days": w.days,
                "calls": w.calls,
                "holiday": w.holiday or None,
            }
            for w in stats.by_week
        ],
        "holiday_periods": _rate(stats.holiday),
        "normal_weeks": _rate(stats.normal),
        "holiday_ratio": stats.holiday_ratio,
        "by_topic": [
            {"topic": b.label if b.key else None, "calls": b.calls} for b in stats.by_topic
        ],
        "top_families": [
            {
                "family": f.uuid,
                "name": f.name or None,
                "municipality": f.municipality,
                "calls": f.calls,
            }
            for f in stats.top_families
        ],
        "follow_ups": {
            "total": follow.total,
            "done_on_time": follow.done_on_time,
            "done_late": follow.done_late,
            "open_not_due": follow.open_not_due,
            "open_overdue": follow.open_overdue,
            "escalated": follow.escalated,
            "on_time_share": follow.on_time_share,
        },
    }


@router.get(
    "/hotlines/{id}/statistics",
    response=StatisticsOut,
    summary="A hotline's usage statistics in a period",
    description=(
        "Calls by hour of day and weekday (Danish local time), per ISO week with the holiday "
        "periods marked, calls per week in holiday periods and in normal weeks, by topic, the "
        "families that call most, and how the follow-ups went. For leaders of the hotline's "
        "municipalities. Default period: the last 12 months."
    ),
)
def hotline_statistics(
    request: HttpRequest,
    id: uuid.UUID,
    filters: Query[PeriodQuery],
) -> Any:
    user = request_user(request)
    hotline = selectors.get_hotline_for_statistics(user, id)  # 404 or 403 before 422
    period = periods.make_period(filters.start, filters.end)
    return as_json(selectors.compute_statistics(user, hotline, period))
