"""Cutting a hotline's hours into shifts: a pure module (no ORM, no I/O).

A period is the local dates `first_day`–`last_day`; its shifts are the
pieces of the hotline's hours that *start* on those dates, so consecutive periods cover every
hour exactly once. The hours are cut at the shift changes (`boundaries`, times of day), at the
edges of the opening hours (when not 24/7) and of the staffing rules, and around shifts that are
kept (changed by hand, or already begun). Cut points are built in Europe/Copenhagen wall time and
turned into aware UTC instants, so a 23:00–08:00 shift lasts 10 hours on the last Sunday of
October and 8 on the last Sunday of March; a change time that does not exist that night (02:30
in March) falls an hour later. A shift is a *night* shift when it starts at or after 22:00 or
before 06:00, a *weekend* shift when it starts on a Saturday or Sunday, a *holiday* shift when
it starts on a Danish public holiday (`workdays.public_holiday`). A piece inside a staffing rule
for the institution or the social on-call service is theirs; the rest are *slots* for the rota.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from samspil.hotline import workdays

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC
# The values of enums.StaffedBy (kept as strings: this module does not import Django).
CONSULTANTS = "consultants"
NIGHT_FROM = 22
NIGHT_UNTIL = 6

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Window:
    """A weekly time window: on `weekdays` (0 = Monday) from `starts` until `ends`, which is
    the next day when it is not after `starts` (equal: 24 hours)."""

    weekdays: frozenset[int]
    starts: dt.time
    ends: dt.time

    def instances(self, days: Iterable[dt.date], tz: dt.tzinfo = CPH) -> list[Interval]:
        found = []
        for day in days:
            if day.weekday() in self.weekdays:
                end_day = day if self.ends > self.starts else day + dt.timedelta(days=1)
                found.append((at_local(day, self.starts, tz), at_local(end_day, self.ends, tz)))
        return found


@dataclass(frozen=True)
class Staffing:
    """A staffing rule: in `window` the hotline is answered by `staffed_by` (and `institution`)."""

    window: Window
    staffed_by: str
    institution: int | None = None


@dataclass(frozen=True)
class Piece:
    """One shift cut from the hotline's hours."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    night: bool
    weekend: bool
    holiday: bool
    staffed_by: str = CONSULTANTS
    institution: int | None = None

    @property
    def needs_person(self) -> bool:
        return self.staffed_by == CONSULTANTS


def at_local(day: dt.date, time_of_day: dt.time, tz: dt.tzinfo = CPH) -> dt.datetime:
    """The instant (UTC) of a wall-clock time on a local date."""
    return dt.datetime.combine(day, time_of_day, tzinfo=tz).astimezone(UTC)


def period_bounds(
    first_day: dt.date, last_day: dt.date, tz: dt.tzinfo = CPH
) -> tuple[dt.datetime, dt.datetime]:
    """The shifts of the period start in [local midnight of first_day, of the day after last_day)."""
    return at_local(first_day, dt.time(0), tz), at_local(
        last_day + dt.timedelta(days=1), dt.time(0), tz
    )


def describe(starts_at: dt.datetime, tz: dt.tzinfo = CPH) -> tuple[bool, bool, bool]:
    """(night, weekend, holiday) of a shift starting at `starts_at`."""
    local = starts_at.astimezone(tz)
    night = local.hour >= NIGHT_FROM or local.hour < NIGHT_UNTIL
    return night, local.weekday() >= 5, workdays.public_holiday(local.date()) is not None


def _inside(moment: dt.datetime, intervals: Iterable[Interval]) -> Interval | None:
    for start, end in intervals:
        if start <= moment < end:
            return start, end
    return None


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined (so a window running over several days, e.g.
    Saturday and Sunday all day, does not cut a shift at midnight between them)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _by_staff(staffing: Sequence[Staffing]) -> list[list[Staffing]]:
    """Staffing rules grouped by who staffs (in the order they first appear)."""
    groups: dict[tuple[str, int | None], list[Staffing]] = {}
    for rule in staffing:
        groups.setdefault((rule.staffed_by, rule.institution), []).append(rule)
    return list(groups.values())


def cut(
    first_day: dt.date,
    last_day: dt.date,
    *,
    boundaries: Sequence[dt.time],
    opening: Sequence[Window] | None = None,
    staffing: Sequence[Staffing] = (),
    keep: Sequence[Interval] = (),
    not_before: dt.datetime | None = None,
    tz: dt.tzinfo = CPH,
) -> list[Piece]:
    """The period's shifts, in time order. `opening` None means 24/7. `keep` are intervals
    already covered by shifts that stay (cut around them); pieces that end at or before
    `not_before` (hours already past) are left out. The first matching staffing rule wins;
    rules of the same staff that touch (Saturday and Sunday all day) count as one."""
    days = [first_day + dt.timedelta(days=n) for n in range(-1, (last_day - first_day).days + 2)]
    open_hours = (
        None if opening is None else _merged(i for w in opening for i in w.instances(days, tz))
    )
    rules = [
        (s, i)
        for group in _by_staff(staffing)
        for i in _merged(i for s in group for i in s.window.instances(days, tz))
        for s in group[:1]
    ]
    points = {at_local(day, b, tz) for day in days for b in boundaries}
    for start, end in [*(open_hours or []), *(i for _, i in rules), *keep]:
        points.update((start, end))
    window_start, window_end = period_bounds(first_day, last_day, tz)
    ordered = sorted(points)
    pieces = []
    for start, end in itertools.pairwise(ordered):
        if not window_start <= start < window_end:
            continue
        if open_hours is not None and _inside(start, open_hours) is None:
            continue
        if _inside(start, keep) is not None:
            continue
        if not_before is not None and end <= not_before:
            continue
        rule = next((s for s, interval in rules if _inside(start, [interval])), None)
        night, weekend, holiday = describe(start, tz)
        pieces.append(
            Piece(
                starts_at=start,
                ends_at=end,
                night=night,
                weekend=weekend,
                holiday=holiday,
                staffed_by=rule.staffed_by if rule else CONSULTANTS,
                institution=rule.institution if rule else None,
            )
        )
    return pieces


def windows_overlap(a: Window, b: Window) -> bool:
    """Whether two weekly windows share any moment (compared over a reference fortnight)."""
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(14)]  # from a Monday
    return any(
        x[0] < y[1] and y[0] < x[1] for x in a.instances(days, UTC) for y in b.instances(days, UTC)
    )
