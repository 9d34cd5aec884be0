"""The hotline part of the national data set: a hotline per municipality (its consultants on
the rota, weekday daytime theirs, evenings, nights and weekends the institution's or the social
on-call service's), shifts back from today (a year from scale 0.25 up; a tiny data set gets
fewer, `shift_days`, so its tests stay fast), and a year of calls, about two per family,
weighted like the demo's (holiday periods two to three and a half times a normal week, evenings
and weekends more than office hours; `core/demo/hotline.py`), with their follow-ups: due on the
next working day after the call's local date (`workdays.next_working_day`, the national
municipalities have no closure days), assigned to the family's current consultant, mostly done
on time, some late or still open after an escalation to the team leader, open when due after
today.

Built in memory from the saved national records and inserted in bulk. National hotlines are
recognised by the name suffix `NATIONAL_SUFFIX` (and their national team leader);
`delete_national_hotline` removes them with everything attached.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q, QuerySet

from samspil.accounts.models import User
from samspil.core.demo.hotline import (
    ADVICE,
    HOURS_OFF,
    HOURS_WORKDAY,
    OUTCOMES,
    TOPIC_WEIGHTS,
    day_weights,
)
from samspil.families.models import FosterFamily
from samspil.hotline import cutting, workdays
from samspil.hotline.enums import CallerRole, CallStatus, FollowUpStatus, StaffedBy, Urgency
from samspil.hotline.models import (
    Call,
    CallTopic,
    FollowUp,
    Hotline,
    RotaMember,
    RotaRun,
    Shift,
    StaffingRule,
)
from samspil.organisations.models import Institution, Municipality

CPH = ZoneInfo("Europe/Copenhagen")
NATIONAL_SUFFIX = " (nationale data)"
CALLS_PER_FAMILY = 2.0
HISTORY_DAYS = 365
STUB_SHARE = 0.04
UNKNOWN_SHARE = 0.04

BulkCreate = Callable[[type[models.Model], list[Any], str], None]


def shift_days(scale: float) -> int:
    """Days of shifts back from today: a year from scale 0.25 up, proportionally fewer below
    (at least two weeks)."""
    return HISTORY_DAYS if scale >= 0.25 else max(14, round(HISTORY_DAYS * scale * 4))


@dataclass
class HotlinePlace:
    """What the hotline of one municipality is built from (saved national records)."""

    municipality: Municipality
    consultants: Sequence[User]
    leader: User
    institutions: Sequence[Institution]
    families: Sequence[FosterFamily]


@dataclass
class _Built:
    hotlines: list[Hotline] = field(default_factory=list)
    rules: list[StaffingRule] = field(default_factory=list)
    members: list[RotaMember] = field(default_factory=list)
    shifts: list[Shift] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class _Hotlines:
    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        scale: float,
        topics: Sequence[CallTopic],
        consultant_of: Callable[[FosterFamily], User],
    ) -> None:
        self.rng = rng
        self.today = today
        self.first_call_day = today - dt.timedelta(days=HISTORY_DAYS - 1)
        self.first_shift_day = today - dt.timedelta(days=shift_days(scale) - 1)
        self.consultant_of = consultant_of
        names = [t.name for t in topics]
        self.topics = list(topics)
        self.topic_cum = _cumulative([TOPIC_WEIGHTS.get(name, 5) for name in names])
        self.day_cum = _cumulative(day_weights(self.first_call_day, HISTORY_DAYS, {}))
        self.hours_work = _cumulative(HOURS_WORKDAY)
        self.hours_off = _cumulative(HOURS_OFF)
        self.due: dict[dt.date, dt.date] = {}
        self.working: dict[dt.date, bool] = {}
        self.built = _Built()

    def is_working_day(self, day: dt.date) -> bool:
        if day not in self.working:
            self.working[day] = workdays.is_working_day(day)
        return self.working[day]

    def due_date(self, day: dt.date) -> dt.date:
        if day not in self.due:
            self.due[day] = workdays.next_working_day(day)
        return self.due[day]

    def hotline(self, place: HotlinePlace) -> None:
        rng, built = self.rng, self.built
        municipality = place.municipality
        institution = (
            rng.choice(list(place.institutions))
            if place.institutions and rng.random() < 0.5
            else None
        )
        off_hours = StaffedBy.INSTITUTION if institution else StaffedBy.ON_CALL_SERVICE
        hotline = Hotline(
            uuid=_uuid(rng),
            name=f"Akuttelefonen, {municipality.name}{NATIONAL_SUFFIX}",
            phone_number=f"7030 {municipality.code.zfill(4)}",
            municipality=municipality,
            shift_boundaries="08:00,16:00",
            team_leader=place.leader,
        )
        built.hotlines.append(hotline)
        for weekdays, starts, ends, staffed_by in (
            ("01234", 8, 16, StaffedBy.CONSULTANTS),
            ("0123456", 16, 8, off_hours),
            ("56", 8, 16, off_hours),
        ):
            built.rules.append(
                StaffingRule(
                    hotline=hotline,
                    weekdays=weekdays,
                    starts=dt.time(starts),
                    ends=dt.time(ends),
                    staffed_by=staffed_by,
                    institution=institution if staffed_by == StaffedBy.INSTITUTION else None,
                )
            )
        members = list(place.consultants) or [place.leader]
        built.members += [RotaMember(hotline=hotline, user=user) for user in members]
        on_duty = self.shifts(hotline, members, off_hours, institution)
        self.calls(hotline, place, on_duty)

    def shifts(
        self,
        hotline: Hotline,
        members: Sequence[User],
        off_hours: str,
        institution: Institution | None,
    ) -> dict[dt.date, User]:
        """The shifts from the first shift day to today; returns who had the weekday daytime
        shift on each day (the consultant who registers calls then)."""
        rng, built = self.rng, self.built
        on_duty: dict[dt.date, User] = {}
        turn = rng.randrange(len(members))
        day = self.first_shift_day
        while day <= self.today:
            weekday = day.weekday() < 5
            pieces = [
                (dt.time(8), day, dt.time(16), StaffedBy.CONSULTANTS if weekday else off_hours),
                (dt.time(16), day + dt.timedelta(days=1), dt.time(8), off_hours),
            ]
            for start_time, end_day, end_time, staffed_by in pieces:
                starts_at = cutting.at_local(day, start_time)
                night, weekend, holiday = cutting.describe(starts_at)
                person = None
                if staffed_by == StaffedBy.CONSULTANTS:
                    person = members[turn % len(members)]
                    turn += 1
                    on_duty[day] = person
                built.shifts.append(
                    Shift(
                        uuid=_uuid(rng),
                        hotline=hotline,
                        starts_at=starts_at,
                        ends_at=cutting.at_local(end_day, end_time),
                        staffed_by=staffed_by,
                        institution=institution if staffed_by == StaffedBy.INSTITUTION else None,
                        person=person,
                        night=night,
                        weekend=weekend,
                        holiday=holiday,
                    )
                )
            day += dt.timedelta(days=1)
        return on_duty

    def calls(self, hotline: Hotline, place: HotlinePlace, on_duty: dict[dt.date, User]) -> None:
        rng = self.rng
        families = list(place.families)
        count = round(CALLS_PER_FAMILY * len(families))
        if not count:
            return
        rng.shuffle(families)
        family_cum = _cumulative([1 / (rank + 1) ** 0.7 for rank in range(len(families))])
        offsets = rng.choices(range(HISTORY_DAYS), cum_weights=self.day_cum, k=count)
        for offset in sorted(offsets):
            day = self.first_call_day + dt.timedelta(days=offset)
            working = self.is_working_day(day)
            hour = rng.choices(
                range(24), cum_weights=self.hours_work if working else self.hours_off
            )
            received_at = _local(day, dt.time(hour[0], rng.randrange(60)))
            office = working and 8 <= hour[0] < 16
            registered_by = on_duty.get(day, place.leader) if office else place.leader
            roll = rng.random()
            if roll < STUB_SHARE:
                self.built.calls.append(
                    Call(
                        uuid=_uuid(rng),
                        hotline=hotline,
                        status=CallStatus.STUB,
                        received_at=received_at,
                        caller_phone=f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} "
                        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                        registered_by=registered_by,
                    )
                )
                continue
            family = None
            if roll >= STUB_SHARE + UNKNOWN_SHARE:
                family = rng.choices(families, cum_weights=family_cum)[0]
            call = Call(
                uuid=_uuid(rng),
                hotline=hotline,
                family=family,
                received_at=received_at,
                caller_phone=family.phone if family else "",
                caller_role=CallerRole.FOSTER_PARENT if family else CallerRole.OTHER,
                topic=rng.choices(self.topics, cum_weights=self.topic_cum)[0],
                urgency=rng.choices(list(Urgency), weights=[30, 42, 22, 6])[0],
                advice=rng.choice(ADVICE),
                registered_by=registered_by,
            )
            self.built.calls.append(call)
            if family is not None:
                self.follow_up(call, family, place.leader)

    def follow_up(self, call: Call, family: FosterFamily, leader: User) -> None:
        """Due the next working day; 88 % done on time, 8 % escalated and done late, 4 %
        escalated and open; open when due after today."""
        rng, today = self.rng, self.today
        due = self.due_date(call.received_at.astimezone(CPH).date())
        assignee = self.consultant_of(family)
        follow_up = FollowUp(
            uuid=_uuid(rng),
            call=call,
            family=family,
            assignee=assignee,
            due_date=due,
            status=FollowUpStatus.OPEN,
        )
        self.built.follow_ups.append(follow_up)
        if due > today:
            return
        follow_up.notified_at = _local(due, dt.time(7))
        roll = rng.random()
        done_on: dt.date | None = due
        if roll < 0.12 and due < today:
            follow_up.escalated_at = _local(due + dt.timedelta(days=1), dt.time(7))
            follow_up.escalated_to = leader
            done_on = None if roll < 0.04 else self.due_date(due)
            if done_on is not None and done_on > today:
                done_on = None
        if done_on is not None:
            follow_up.status = FollowUpStatus.DONE
            follow_up.done_at = _local(done_on, dt.time(rng.randint(9, 15), rng.randrange(60)))
            follow_up.done_by = assignee
            follow_up.outcome = rng.choice(OUTCOMES)


def generate_hotline(
    *,
    rng: random.Random,
    today: dt.date,
    scale: float,
    places: Sequence[HotlinePlace],
    consultant_of: Callable[[FosterFamily], User],
    bulk_create: BulkCreate,
) -> dict[str, int]:
    """Build and insert the hotline records (see the module docstring); returns counts per
    kind. Reads the call topics (one query)."""
    topics = list(CallTopic.objects.filter(active=True).order_by("position", "name"))
    builder = _Hotlines(rng, today, scale, topics, consultant_of)
    for place in places:
        builder.hotline(place)
    built = builder.built
    bulk_create(Hotline, built.hotlines, "Saving hotlines")
    bulk_create(StaffingRule, built.rules, "Saving hotline staffing rules")
    bulk_create(RotaMember, built.members, "Saving hotline rota members")
    bulk_create(Shift, built.shifts, "Saving hotline shifts")
    bulk_create(Call, built.calls, "Saving hotline calls")
    bulk_create(FollowUp, built.follow_ups, "Saving hotline follow-ups")
    return {
        "hotlines": len(built.hotlines),
        "hotline_shifts": len(built.shifts),
        "hotline_calls": len(built.calls),
        "hotline_follow_ups": len(built.follow_ups),
    }


def national_hotlines(users: QuerySet[User]) -> QuerySet[Hotline]:
    return Hotline.objects.filter(Q(name__endswith=NATIONAL_SUFFIX) | Q(team_leader__in=users))


def delete_national_hotline(
    *,
    users: QuerySet[User],
    families: QuerySet[FosterFamily],
    institutions: QuerySet[Institution],
) -> list[tuple[int, dict[str, int]]]:
    """Delete the national hotlines with their calls, follow-ups, shifts, rota runs, staffing
    rules and rota members, and whatever else of the hotline app points at a national user,
    family or institution (so that those can be deleted next). Returns the delete results."""
    hotlines = national_hotlines(users)
    return [
        FollowUp.objects.filter(
            Q(call__hotline__in=hotlines)
            | Q(family__in=families)
            | Q(assignee__in=users)
            | Q(escalated_to__in=users)
            | Q(done_by__in=users)
        ).delete(),
        Call.objects.filter(
            Q(hotline__in=hotlines) | Q(family__in=families) | Q(registered_by__in=users)
        ).delete(),
        Shift.objects.filter(
            Q(hotline__in=hotlines) | Q(person__in=users) | Q(institution__in=institutions)
        ).delete(),
        RotaRun.objects.filter(Q(hotline__in=hotlines) | Q(requested_by__in=users)).delete(),
        StaffingRule.objects.filter(
            Q(hotline__in=hotlines) | Q(institution__in=institutions)
        ).delete(),
        hotlines.delete(),
    ]
