"""Working days in Denmark: the pure calendar arithmetic behind "the fixed consultant follows up
on the next working day" (no ORM, no I/O).

A day is not a working day when it is a Saturday or Sunday, a Danish public holiday (from the
`holidays` package: Store Bededag is a holiday until 2023 and not from 2024, by the law that
abolished it) or one of the municipality's own closure days (e.g. 24 and 31 December, a summer
closure week), which the caller passes in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import cache

import holidays

# Far enough that a long closure period can never make the search loop run away.
MAX_DAYS_AHEAD = 366


@cache
def _danish_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da"))


def public_holiday(day: dt.date) -> str | None:
    """The Danish name of the public holiday on `day`, or None."""
    return _danish_holidays(day.year).get(day)


def is_working_day(day: dt.date, closures: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None and day not in closures


def next_working_day(day: dt.date, closures: Collection[dt.date] = ()) -> dt.date:
    """The first working day strictly after `day`."""
    candidate = day
    for _ in range(MAX_DAYS_AHEAD):
        candidate += dt.timedelta(days=1)
        if is_working_day(candidate, closures):
            return candidate
    raise ValueError("No working day within a year: check the closure days.")
