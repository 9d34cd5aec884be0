"""Holiday periods and the statistics' period: pure date arithmetic (no ORM, no I/O).

The domain's experience is that the hotline "was used little, mostly in holiday periods when the
foster-care office was closed for days". `holiday_weeks` defines those periods as whole ISO
weeks, so calls per week can be compared between holiday periods and normal weeks
(`weekly_rate`). Used by the statistics (`selectors/statistics.py`) and the demo generators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.hotline import workdays

CPH = ZoneInfo("Europe/Copenhagen")
# The school summer holiday (sommerferie) falls in ISO weeks 27–32 in every Danish region.
SCHOOL_SUMMER_WEEKS = range(27, 33)
MAX_PERIOD_DAYS = 3 * 366
TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Period:
    """Local (Danish) calendar days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, until) as aware datetimes: local midnight of `start` and of the day after
        `end` (so a day is 23 or 25 hours long when the clocks change)."""
        until = self.end + dt.timedelta(days=1)
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=CPH),
            dt.datetime.combine(until, dt.time.min, tzinfo=CPH),
        )


def default_period(today: dt.date | None = None) -> Period:
    """The last 12 months: from the day after the same date a year ago until today."""
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + dt.timedelta(days=1), today)


def make_period(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> Period:
    """The period asked for: missing ends default to the last 12 months (an end alone gives the
    12 months before it). Raises ValidationError for a start after the end or more than three
    years."""
    default = default_period(end or today)
    period = Period(start or default.start, end or default.end)
    if period.start > period.end:
        raise ValidationError({"start": [_("The start must be on or before the end.")]})
    if period.days > MAX_PERIOD_DAYS:
        raise ValidationError({"start": [_("Choose a period of at most three years.")]})
    return period


def week_key(day: dt.date) -> tuple[int, int]:
    """The ISO year and week of `day` (weeks run Monday to Sunday, as in Denmark)."""
    iso = day.isocalendar()
    return iso.year, iso.week


def _is_christmas(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def holiday_reason(monday: dt.date, closures: Mapping[dt.date, str] | None = None) -> str:
    """Why the ISO week starting on `monday` is a holiday period, or "" for a normal week.

    A week is a holiday period when any of its seven days (Monday to Sunday)

    1. lies from 24 December to 1 January (Christmas and New Year: the office is closed on
       the days between, and families spend them together);
    2. is in ISO weeks 27–32 (the school summer holiday);
    3. is a Danish public holiday (`workdays.public_holiday`: Easter, Ascension, Whitsun, …);
    4. is one of the municipality's closure days (`ClosureDay`, yearly ones repeated; the
       caller passes them in with their reason).

    The first that applies names the reason. Whole weeks are counted, not single days, because
    a closed office on Thursday and Friday leaves families without their consultant from
    Wednesday evening to Monday, and a week is the unit in which the rates are compared.
    """
    closures = closures or {}
    days = [monday + dt.timedelta(days=offset) for offset in range(7)]
    if any(_is_christmas(day) for day in days):
        return _("Christmas and New Year")
    if week_key(monday)[1] in SCHOOL_SUMMER_WEEKS:
        return _("School summer holiday")
    for day in days:
        name = workdays.public_holiday(day)
        if name:
            return name
    for day in days:
        if day in closures:
            return closures[day] or _("The office is closed")
    return ""


def holiday_weeks(
    start: dt.date, end: dt.date, closures: Mapping[dt.date, str] | None = None
) -> dict[tuple[int, int], str]:
    """The ISO weeks overlapping [start, end] that are holiday periods (see `holiday_reason`),
    as (ISO year, week) → reason."""
    weeks: dict[tuple[int, int], str] = {}
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        reason = holiday_reason(monday, closures)
        if reason:
            weeks[week_key(monday)] = reason
        monday += dt.timedelta(days=7)
    return weeks


def weekly_rate(calls: int, days: int) -> Decimal:
    """Calls per seven days, to two decimals (0 when there are no days)."""
    if not days:
        return Decimal("0.00")
    return (Decimal(calls) * 7 / Decimal(days)).quantize(TWO_PLACES, ROUND_HALF_UP)


def hour_label(hour: int) -> str:
    return f"{hour:02d}–{(hour + 1) % 24:02d}"
