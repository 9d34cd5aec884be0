"""Reads behind the rota: the optimiser's input for a period (the hotline's hours cut into
shifts, the rota members with their busy periods and shifts), the rota page (a list of shifts
per day with who is on duty now, gaps and people now unavailable), a generation run as the page
shows it (the reasons in words), and the calendar provider that puts each person's shifts on
their year calendar and in their iCalendar feed.

A person's *busy periods* are their unavailability and the items of their calendar from every
provider (sessions they deliver, supervision, network meetings; cancelled ones and hotline
shifts left out). Their *shifts* on any hotline are commitments: the rest rule applies to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.accounts.models import User
from samspil.competence.selectors.calendar import (
    CANCELLED,
    CONFIRMED,
    CalendarItem,
    calendar_items_for,
)
from samspil.core.types import UserLike
from samspil.hotline import cutting, rota, rules, workdays
from samspil.hotline.enums import RotaRunStatus, StaffedBy
from samspil.hotline.models import Hotline, RotaMember, RotaRun, Shift, Unavailability
from samspil.hotline.selectors import hotlines as hotline_selectors

SHIFT_KIND = "hotline_shift"
MARGIN = dt.timedelta(days=2)  # shifts and busy periods read around a period
WAITING_LONG = dt.timedelta(seconds=30)
HOURS_SHOWN = 8  # ranges of hours named in one reason, then "and N more"

Interval = tuple[dt.datetime, dt.datetime]


# -- busy periods and shifts of people ------------------------------------------------------------


def busy_periods(
    users: Sequence[User], start: dt.datetime, end: dt.datetime
) -> dict[int, list[tuple[dt.datetime, dt.datetime, str]]]:
    """Each user's unavailability and calendar items overlapping [start, end), as (from, until,
    what). One query for the unavailability, then the calendar providers per user."""
    found: dict[int, list[tuple[dt.datetime, dt.datetime, str]]] = {u.pk: [] for u in users}
    for item in Unavailability.objects.filter(
        user__in=[u.pk for u in users], starts_at__lt=end, ends_at__gt=start
    ):
        found[item.user_id].append((item.starts_at, item.ends_at, item.reason or _("Unavailable")))
    for user in users:
        for entry in calendar_items_for(user, start=start - dt.timedelta(days=1), end=end):
            if entry.kind == SHIFT_KIND or entry.status == CANCELLED:
                continue
            if entry.starts_at < end and entry.ends_at > start:
                found[user.pk].append((entry.starts_at, entry.ends_at, entry.title))
    return found


def shifts_of(
    users: Sequence[User], start: dt.datetime, end: dt.datetime, *, exclude: Iterable[int] = ()
) -> dict[int, list[Shift]]:
    """Each user's shifts on any hotline overlapping [start, end). One query."""
    found: dict[int, list[Shift]] = {u.pk: [] for u in users}
    for shift in (
        Shift.objects.filter(person__in=[u.pk for u in users], starts_at__lt=end, ends_at__gt=start)
        .exclude(pk__in=list(exclude))
        .select_related("hotline")
        .order_by("starts_at")
    ):
        assert shift.person_id is not None
        found[shift.person_id].append(shift)
    return found


# -- the optimiser's input ------------------------------------------------------------------------


@dataclass(frozen=True)
class RotaInput:
    """A period ready for `rota.solve`: the pieces the hours are cut into (slot key = index
    into `pieces`), the problem, the shifts the answer replaces, and the people's names."""

    hotline: Hotline
    first_day: dt.date
    last_day: dt.date
    now: dt.datetime
    pieces: list[cutting.Piece]
    problem: rota.Problem
    replace: list[int]
    names: dict[int, str]
    usernames: dict[int, str]


def rota_input(
    hotline: Hotline,
    first_day: dt.date,
    last_day: dt.date,
    *,
    now: dt.datetime | None = None,
    allow_gaps: bool = False,
    time_limit: float = 20.0,
    workers: int = 8,
) -> RotaInput:
    """The period's input. Shifts that stay: those changed by hand, those already begun, and
    those of other periods; the rest of the period's shifts are replaced. Hours already past are
    not cut again."""
    now = now or timezone.now()
    window_start, window_end = cutting.period_bounds(first_day, last_day)
    existing = list(
        Shift.objects.filter(
            hotline=hotline, starts_at__lt=window_end + MARGIN, ends_at__gt=window_start - MARGIN
        )
    )
    replace = [
        s.pk
        for s in existing
        if window_start <= s.starts_at < window_end and not s.overridden and s.starts_at > now
    ]
    keep = [(s.starts_at, s.ends_at) for s in existing if s.pk not in set(replace)]
    pieces = cutting.cut(
        first_day,
        last_day,
        boundaries=hotline_selectors.boundaries_of(hotline),
        opening=hotline_selectors.opening_of(hotline),
        staffing=hotline_selectors.staffing_of(hotline.staffing_rules.order_by("starts", "id")),
        keep=keep,
        not_before=now,
    )
    slots = tuple(
        rota.Slot(i, p.starts_at, p.ends_at, p.night, p.weekend, p.holiday)
        for i, p in enumerate(pieces)
        if p.needs_person
    )
    members = list(
        RotaMember.objects.filter(hotline=hotline, active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    users = [m.user for m in members]
    rest = dt.timedelta(hours=hotline.min_rest_hours)
    start, end = window_start - MARGIN, window_end + MARGIN
    busy = busy_periods(users, start, end)
    taken = shifts_of(users, start - rest, end + rest, exclude=replace)
    people = tuple(
        rota.Person(
            key=m.user_id,
            busy=tuple((a, b) for a, b, _what in busy[m.user_id]),
            commitments=tuple(
                rota.Commitment(
                    s.starts_at,
                    s.ends_at,
                    s.night,
                    s.weekend,
                    s.holiday,
                    in_period=s.hotline_id == hotline.pk
                    and window_start <= s.starts_at < window_end,
                )
                for s in taken[m.user_id]
            ),
            max_shifts=m.max_shifts,
        )
        for m in members
    )
    return RotaInput(
        hotline=hotline,
        first_day=first_day,
        last_day=last_day,
        now=now,
        pieces=pieces,
        problem=rota.Problem(
            slots,
            people,
            rota.Rules(
                min_rest_hours=hotline.min_rest_hours,
                max_shifts=hotline.max_shifts_per_period,
                allow_gaps=allow_gaps,
                time_limit=time_limit,
                workers=workers,
            ),
        ),
        replace=replace,
        names={u.pk: u.get_full_name() or u.username for u in users},
        usernames={u.pk: u.username for u in users},
    )


# -- the reasons in words -----------------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def hours_text(spans: Sequence[Interval]) -> str:
    """Spans of time in words, adjacent ones joined: "Mon 5.1. 08:00–16:00, Tue 6.1. 23:00 –
    Wed 7.1. 08:00", at most HOURS_SHOWN ranges and then "and N more"."""
    ranges: list[list[dt.datetime]] = []
    for start, end in sorted(spans):
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    texts = []
    for start, end in ranges[:HOURS_SHOWN]:
        a, b = _local(start), _local(end)
        day_a = f"{formats.date_format(a, 'D')} {a.day}.{a.month}."
        if a.date() == b.date() or (b - a <= dt.timedelta(hours=24) and b.time() == dt.time(0)):
            texts.append(f"{day_a} {a:%H:%M}–{b:%H:%M}")
        else:
            day_b = f"{formats.date_format(b, 'D')} {b.day}.{b.month}."
            texts.append(f"{day_a} {a:%H:%M} – {day_b} {b:%H:%M}")
    more = len(ranges) - HOURS_SHOWN
    if more > 0:
        texts.append(ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more})
    return ", ".join(texts)


def _names(names: Sequence[str]) -> str:
    return ", ".join(names)


REASON_WORDS = {
    "busy": lambda: _("unavailable or busy in their calendar"),
    "overlap": lambda: _("on another shift"),
    "rest": lambda: _("within the minimum rest of another shift"),
}


def obstacle_text(obstacle: Mapping[str, Any]) -> str:
    """One stored reason (see `obstacle_json`) in words."""
    rule = obstacle["rule"]
    params = obstacle.get("params", {})
    hours = hours_text(
        [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in obstacle["slots"]]
    )
    if rule == "no_members":
        return _("Nobody is on the rota, so these hours cannot be covered: %(hours)s.") % {
            "hours": hours
        }
    if rule == "nobody_available":
        reasons = "; ".join(
            str(REASON_WORDS[r]()) for r in params.get("reasons", []) if r in REASON_WORDS
        )
        return _("Nobody on the rota is free for %(hours)s (every member is %(reasons)s).") % {
            "hours": hours,
            "reasons": reasons or _("unavailable"),
        }
    if rule == "max_shifts":
        return _(
            "The period has %(needed)d shifts for the rota, but its members may take only "
            "%(capacity)d between them (the maximum shifts per person)."
        ) % {"needed": params["needed"], "capacity": params["capacity"]}
    if rule == "rest":
        return _(
            "%(hours)s follow each other closer than the minimum rest of %(rest)d hours, so they "
            "need %(needed)d different people, but only %(free)d are free for them."
        ) % {
            "hours": hours,
            "rest": params["rest_hours"],
            "needed": params["needed"],
            "free": params["free"],
        }
    if rule == "rules":
        broken = []
        if params.get("rest_of"):
            broken.append(
                _("the minimum rest of %(rest)d hours (for %(people)s)")
                % {"rest": params["rest_hours"], "people": _names(params["rest_of"])}
            )
        if params.get("max_of"):
            broken.append(
                _("the maximum number of shifts (for %(people)s)")
                % {"people": _names(params["max_of"])}
            )
        return _("%(hours)s cannot all be covered without breaking %(rules)s.") % {
            "hours": hours,
            "rules": _(" and ").join(str(b) for b in broken) or _("the rules"),
        }
    if rule == "time_limit":
        return _(
            "The optimiser found no rota within %(seconds)s seconds. Try a shorter period, or "
            "try again."
        ) % {"seconds": params.get("seconds", "?")}
    return _("The rota cannot be made.")


def obstacle_json(
    obstacle: rota.Obstacle, data: RotaInput
) -> dict[str, Any]:  # the stored form of a reason
    def name(key: Hashable) -> str:
        return data.names.get(key, str(key)) if isinstance(key, int) else str(key)

    params: dict[str, Any] = {
        k: v for k, v in obstacle.params.items() if k not in ("rest_of", "max_of")
    }
    for key in ("rest_of", "max_of"):
        if key in obstacle.params:
            people = obstacle.params[key]
            assert isinstance(people, list)
            params[key] = [name(p) for p in people]
    return {
        "rule": obstacle.rule,
        "slots": [
            [data.pieces[int(k)].starts_at.isoformat(), data.pieces[int(k)].ends_at.isoformat()]
            for k in obstacle.slots
            if isinstance(k, int)
        ],
        "people": [name(p) for p in obstacle.people],
        "params": params,
    }


# -- a generation run as the page shows it --------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    run: RotaRun
    reasons: list[str]
    counts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_working(self) -> bool:
        return self.run.status in (RotaRunStatus.QUEUED, RotaRunStatus.RUNNING)

    @property
    def waiting_long(self) -> bool:
        return (
            self.run.status == RotaRunStatus.QUEUED
            and timezone.now() - self.run.created_at > WAITING_LONG
        )

    @property
    def progress(self) -> dict[str, Any]:
        return dict(self.run.progress)

    @property
    def result(self) -> dict[str, Any]:
        return dict(self.run.result)


def run_view(run: RotaRun) -> RunView:
    result = run.result or {}
    return RunView(
        run=run,
        reasons=[obstacle_text(o) for o in result.get("obstacles", [])],
        counts=list(result.get("counts", [])),
    )


def latest_run(hotline: Hotline) -> RotaRun | None:
    return hotline.rota_runs.select_related("requested_by").order_by("-created_at", "-id").first()


def get_run_for(hotline: Hotline, run_uuid: Any) -> RotaRun:
    from django.http import Http404

    run = hotline.rota_runs.filter(uuid=run_uuid).select_related("requested_by").first()
    if run is None:
        raise Http404
    return run


# -- the rota page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftRow:
    shift: Shift
    is_now: bool
    is_gap: bool
    is_past: bool
    unavailable: bool  # the person has recorded unavailability in the shift's time

    @property
    def local_start(self) -> dt.datetime:
        return _local(self.shift.starts_at)

    @property
    def local_end(self) -> dt.datetime:
        return _local(self.shift.ends_at)


@dataclass(frozen=True)
class RotaDay:
    day: dt.date
    holiday: str | None
    rows: list[ShiftRow]

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


def needs_person(shift: Shift) -> bool:
    return shift.staffed_by == StaffedBy.CONSULTANTS


def rota_days(
    hotline: Hotline, first_day: dt.date, days: int, *, now: dt.datetime | None = None
) -> list[RotaDay]:
    """The shifts starting on each of `days` local days from `first_day`, with who is on duty
    now, gaps and people now unavailable. Two queries, whatever the number of shifts."""
    now = now or timezone.now()
    start, end = cutting.period_bounds(first_day, first_day + dt.timedelta(days=days - 1))
    shifts = list(
        Shift.objects.filter(hotline=hotline, starts_at__gte=start, starts_at__lt=end)
        .select_related("person", "institution")
        .order_by("starts_at")
    )
    people = {s.person_id for s in shifts if s.person_id is not None}
    away: dict[int, list[Interval]] = {}
    if people:
        for item in Unavailability.objects.filter(
            user__in=people, starts_at__lt=end + MARGIN, ends_at__gt=start
        ):
            away.setdefault(item.user_id, []).append((item.starts_at, item.ends_at))
    by_day: dict[dt.date, list[ShiftRow]] = {}
    for shift in shifts:
        span = (shift.starts_at, shift.ends_at)
        unavailable = shift.person_id is not None and any(
            rota.overlaps(span, a) for a in away.get(shift.person_id, [])
        )
        row = ShiftRow(
            shift=shift,
            is_now=shift.starts_at <= now < shift.ends_at,
            is_gap=needs_person(shift) and shift.person_id is None and shift.ends_at > now,
            is_past=shift.ends_at <= now,
            unavailable=unavailable and shift.ends_at > now,
        )
        by_day.setdefault(_local(shift.starts_at).date(), []).append(row)
    result = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        result.append(RotaDay(day, workdays.public_holiday(day), by_day.get(day, [])))
    return result


def swap_candidates(shift: Shift, *, now: dt.datetime | None = None) -> list[Shift]:
    """Other rota shifts of the hotline, with a person other than this one's, within two weeks
    either side, not yet ended (what the manager may swap this one with)."""
    now = now or timezone.now()
    return list(
        Shift.objects.filter(
            hotline_id=shift.hotline_id,
            staffed_by=StaffedBy.CONSULTANTS,
            person__isnull=False,
            ends_at__gt=now,
            starts_at__gte=shift.starts_at - dt.timedelta(days=14),
            starts_at__lt=shift.starts_at + dt.timedelta(days=14),
        )
        .exclude(pk=shift.pk)
        .exclude(person_id=shift.person_id)
        .select_related("person")
        .order_by("starts_at")
    )


def get_shift_for(user: UserLike, shift_uuid: Any) -> Shift:
    """A shift of a hotline `user` sees (Http404 otherwise)."""
    from django.http import Http404

    shift = (
        Shift.objects.filter(
            uuid=shift_uuid,
            hotline__in=Hotline.objects.filter(rules.hotline_filter(user)).values("pk"),
        )
        .select_related("hotline", "person", "institution", "rota_run")
        .first()
    )
    if shift is None:
        raise Http404
    return shift


# -- the calendar provider --------------------------------------------------------------------------


def hotline_shifts(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """Calendar provider: `user`'s own shifts on the hotlines they see, starting in [start,
    end). One query. The feed title names the hotline (never a family)."""
    if not user.is_authenticated:
        return []
    shifts = (
        Shift.objects.filter(
            Q(person_id=user.pk),
            hotline__in=Hotline.objects.filter(rules.hotline_filter(user)).values("pk"),
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("hotline")
        .order_by("starts_at", "pk")
    )
    items = []
    for shift in shifts:
        local = _local(shift.starts_at).date()
        items.append(
            CalendarItem(
                uid=f"hotline-shift-{shift.uuid}@samspil",
                kind=SHIFT_KIND,
                kind_label=_("Hotline shift"),
                title=shift.hotline.name,
                feed_title=_("Hotline shift: %(hotline)s") % {"hotline": shift.hotline.name},
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                place=shift.hotline.phone_number,
                url=reverse("hotline:rota", args=[shift.hotline.uuid]) + f"?start={local}",
                status=CONFIRMED,
            )
        )
    return items
