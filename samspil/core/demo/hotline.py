"""The emergency phone (akuttelefon) in the demo data: one hotline per demo municipality (one
per collaboration instead, where a collaboration spans several demo municipalities), with its
closure days, staffing rules (rotating consultants on weekday daytime, the institution or the
social on-call service in the evenings, at night and at weekends, differently per
municipality), rota members with a few absences, a year of shifts up to the end of the current
quarter, the coming quarter's rota (from the rota optimiser when it is there, see
`_coming_quarter`), and a year of calls.

The calls follow the domain's experience: few (about 1.2 per family a year), most in the
evenings and at weekends, and two to three times as many per week in holiday periods
(`hotline.periods.holiday_weeks`: Christmas, the summer holiday, Easter and the other public
holidays, the office's closure days). They are registered through
`services.calls.register_call`, so due dates (the next working day, closure days skipped) and
assignees (the fixed consultant) are real; most follow-ups are then marked done on time, some
late after an escalation to the team leader, a few are still open and escalated, and the calls of
the last weekend are open and due on Monday 2 November — among them one of `konsulent.vejle`'s
families, so the consultant's start page has a task. A few calls are stubs from unknown numbers
and a few are from callers who gave no family.

Deterministic for a given random generator and `today` (the demo's date, a Sunday).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.families.models import FosterFamily
from samspil.hotline import cutting, workdays
from samspil.hotline.enums import (
    CallAction,
    CallerRole,
    FollowUpStatus,
    RotaRunStatus,
    StaffedBy,
    Urgency,
)
from samspil.hotline.models import (
    Call,
    CallTopic,
    ClosureDay,
    FollowUp,
    Hotline,
    RotaMember,
    RotaRun,
    Shift,
    StaffingRule,
    Unavailability,
)
from samspil.hotline.periods import SCHOOL_SUMMER_WEEKS, week_key
from samspil.hotline.services import calls as call_services
from samspil.hotline.services import rota as rota_services
from samspil.organisations.models import Collaboration, Institution, Municipality

CPH = ZoneInfo("Europe/Copenhagen")
BOUNDARIES = (dt.time(8), dt.time(16), dt.time(23))
CALLS_PER_FAMILY = 1.2
WEEKDAYS, WEEKEND, EVERY_DAY = "01234", "56", "0123456"
EASTER = {"Skærtorsdag", "Langfredag", "Påskedag", "Anden påskedag"}
# Evening and weekend calls dominate; in the daytime of a working day the office is open.
HOURS_WORKDAY = [.2, .15, .1, .1, .1, .15, .3, .5, .4, .4, .4, .4, .4, .4, .5, .7, 1, 1.4, 1.7, 2, 2.2, 1.9, 1.3, .7]  # fmt: skip
HOURS_OFF = [.3, .2, .15, .1, .1, .15, .3, .6, 1, 1.2, 1.3, 1.3, 1.2, 1.2, 1.3, 1.4, 1.5, 1.7, 1.9, 2.1, 2.2, 1.9, 1.3, .8]  # fmt: skip
TOPIC_WEIGHTS = {
    "Konflikt med barnet": 24,
    "Barnet er stukket af / savnet": 7,
    "Selvskade eller trusler om selvskade": 5,
    "Vold eller trusler": 5,
    "Bekymring efter samvær": 14,
    "Skole eller dagtilbud": 5,
    "Sygdom eller ulykke": 8,
    "Plejeforældrenes egen krise": 9,
    "Praktisk spørgsmål": 13,
    "Andet": 6,
}
ADVICE = [
    "Talte situationen igennem og aftalte, hvordan aftenen kan gå roligt.",
    "Rådgav om at skærme barnet og tage samtalen i morgen, når alle er faldet til ro.",
    "Gennemgik samværsaftalen og hvad familien kan sige til barnet.",
    "Beroligede plejeforælderen; ingen akut fare. Konsulenten følger op.",
    "Aftalte at ringe til døgnvagten, hvis barnet ikke er hjemme kl. 23.",
    "Hjalp med at finde lægevagtens nummer og hvad der skal siges.",
]
OUTCOMES = [
    "Ringede familien op; situationen er faldet til ro.",
    "Hjemmebesøg aftalt til på torsdag.",
    "Talte med plejemor; vi tager det op på næste supervision.",
    "Koordineret med sagsbehandleren; ingen yderligere handling.",
]
UNKNOWN_CALLERS = [
    ("Nabo", "Praktisk spørgsmål"),
    ("Lærer", "Skole eller dagtilbud"),
    ("", "Andet"),
]


@dataclass(frozen=True)
class Plan:
    """How a municipality's hotline is staffed besides rotating consultants on weekday days."""

    evenings: str  # 16–23, every day
    nights: str  # 23–08
    weekend_days: str  # 08–16 on Saturday and Sunday
    consultant_evenings: str = ""  # weekdays on which consultants take the evening instead
    max_shifts: int = 30
    closures: tuple[tuple[dt.date, bool, str], ...] = ()


CHRISTMAS = (
    (dt.date(2020, 12, 24), True, "Juleaften"),
    (dt.date(2020, 12, 31), True, "Nytårsaften"),
)
PLANS = {
    "101": Plan(
        evenings=StaffedBy.ON_CALL_SERVICE,
        nights=StaffedBy.ON_CALL_SERVICE,
        weekend_days=StaffedBy.ON_CALL_SERVICE,
        max_shifts=25,
        closures=(
            *CHRISTMAS,
            (dt.date(2020, 6, 5), True, "Grundlovsdag"),
            (dt.date(2026, 5, 15), False, "Fredag efter Kristi himmelfartsdag"),
        ),
    ),
    "410": Plan(
        evenings=StaffedBy.INSTITUTION,
        nights=StaffedBy.ON_CALL_SERVICE,
        weekend_days=StaffedBy.INSTITUTION,
        max_shifts=35,
        closures=CHRISTMAS,
    ),
    "630": Plan(
        evenings=StaffedBy.INSTITUTION,
        nights=StaffedBy.ON_CALL_SERVICE,
        weekend_days=StaffedBy.CONSULTANTS,
        max_shifts=35,
        closures=(*CHRISTMAS, (dt.date(2026, 10, 16), False, "Personaledag")),
    ),
    "820": Plan(
        evenings=StaffedBy.INSTITUTION,
        nights=StaffedBy.INSTITUTION,
        weekend_days=StaffedBy.INSTITUTION,
        consultant_evenings="0123",
        max_shifts=50,
        closures=(
            *CHRISTMAS,
            *(
                (dt.date(2026, 7, 13) + dt.timedelta(days=n), False, "Sommerlukning")
                for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)
            ),
        ),
    ),
}


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3) + 3
    following = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass
class _Line:
    """One hotline while it is being seeded."""

    hotline: Hotline
    plan: Plan
    municipalities: list[Municipality]
    families: list[FosterFamily]
    leader: User
    members: list[User]
    institution: Institution | None
    specialist: User | None
    closures: dict[dt.date, str]
    shifts: list[Shift]


def _rules(line: _Line) -> list[StaffingRule]:
    plan, institution = line.plan, line.institution

    def rule(weekdays: str, starts: int, ends: int, staffed_by: str) -> StaffingRule:
        if staffed_by == StaffedBy.INSTITUTION and institution is None:
            staffed_by = StaffedBy.ON_CALL_SERVICE
        return StaffingRule(
            hotline=line.hotline,
            weekdays=weekdays,
            starts=dt.time(starts),
            ends=dt.time(ends),
            staffed_by=staffed_by,
            institution=institution if staffed_by == StaffedBy.INSTITUTION else None,
        )

    evening_days = "".join(d for d in EVERY_DAY if d not in plan.consultant_evenings)
    rules = [rule(WEEKDAYS, 8, 16, StaffedBy.CONSULTANTS)]
    if plan.consultant_evenings:
        rules.append(rule(plan.consultant_evenings, 16, 23, StaffedBy.CONSULTANTS))
    rules += [
        rule(evening_days, 16, 23, plan.evenings),
        rule(EVERY_DAY, 23, 8, plan.nights),
        rule(WEEKEND, 8, 16, plan.weekend_days),
    ]
    return rules


def _staffing(rules: Sequence[StaffingRule]) -> list[cutting.Staffing]:
    return [
        cutting.Staffing(
            window=cutting.Window(frozenset(int(d) for d in r.weekdays), r.starts, r.ends),
            staffed_by=r.staffed_by,
            institution=r.institution_id,
        )
        for r in rules
    ]


def _absences(members: Sequence[User], today: dt.date) -> list[Unavailability]:
    """Two summer weeks this year and a week in the coming winter for each member, one after
    the other."""
    absences = []
    for index, user in enumerate(members):
        summer = dt.date(today.year, 6, 29) + dt.timedelta(weeks=2 * (index % 3))
        winter = dt.date(today.year + 1, 2, 8) + dt.timedelta(weeks=index % 4)
        for start, days, reason in ((summer, 14, "Sommerferie"), (winter, 7, "Vinterferie")):
            absences.append(
                Unavailability(
                    user=user,
                    starts_at=_local(start, dt.time(0)),
                    ends_at=_local(start + dt.timedelta(days=days), dt.time(0)),
                    reason=reason,
                )
            )
    return absences


def _shifts(
    line: _Line, first: dt.date, last: dt.date, absences: list[Unavailability]
) -> list[Shift]:
    """The shifts of [first, last], cut like the rota's (`cutting.cut`, a month at a time);
    rotating consultants' shifts go round the members, skipping absences and keeping the
    hotline's minimum rest."""
    staffing = _staffing(list(line.hotline.staffing_rules.all()))
    rest = dt.timedelta(hours=line.hotline.min_rest_hours)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for absence in absences:
        busy.setdefault(absence.user_id, []).append((absence.starts_at, absence.ends_at))
    free_from: dict[int, dt.datetime] = {}
    members = line.members
    shifts: list[Shift] = []
    turn = 0
    start = first
    while start <= last:
        end = min(_month_end(start), last)
        for piece in cutting.cut(start, end, boundaries=BOUNDARIES, staffing=staffing):
            person = None
            for offset in range(len(members) if piece.needs_person else 0):
                candidate = members[(turn + offset) % len(members)]
                if free_from.get(candidate.pk, piece.starts_at) > piece.starts_at or any(
                    s < piece.ends_at and piece.starts_at < e for s, e in busy.get(candidate.pk, [])
                ):
                    continue
                person = candidate
                turn = (turn + offset + 1) % len(members)
                free_from[candidate.pk] = piece.ends_at + rest
                break
            shifts.append(
                Shift(
                    hotline=line.hotline,
                    starts_at=piece.starts_at,
                    ends_at=piece.ends_at,
                    staffed_by=piece.staffed_by,
                    institution_id=piece.institution,
                    person=person,
                    night=piece.night,
                    weekend=piece.weekend,
                    holiday=piece.holiday,
                )
            )
        start = end + dt.timedelta(days=1)
    return shifts


def _coming_quarter(line: _Line, today: dt.date, absences: list[Unavailability]) -> bool:
    """The next quarter's rota, from the rota optimiser (`services.rota.compute_rota`, gaps
    allowed, one worker, a short time limit: which consultant gets which shift can differ
    between machines). Should it not finish, the quarter is cut and filled like the past year.
    Returns whether the optimiser made it."""
    first = _quarter_end(today) + dt.timedelta(days=1)
    last = _quarter_end(first)
    run = RotaRun.objects.create(
        hotline=line.hotline, period_start=first, period_end=last, requested_by=line.leader
    )
    result = rota_services.compute_rota(run.pk, allow_gaps=True, time_limit=1.0, workers=1)
    if result is not None and result.status == RotaRunStatus.DONE:
        return True
    run.delete()
    Shift.objects.bulk_create(_shifts(line, first, last, absences))
    return False


def _hotlines(today: dt.date) -> list[_Line]:
    """One hotline per demo municipality; a collaboration spanning several of them gets one
    hotline for all of them instead."""
    municipalities = list(
        Municipality.objects.filter(families__isnull=False).distinct().order_by("code")
    )
    groups: list[tuple[Collaboration | None, list[Municipality]]] = []
    covered: set[int] = set()
    shared = (
        Collaboration.objects.annotate(n=Count("municipalities"))
        .filter(n__gt=1, municipalities__in=municipalities)
        .distinct()
        .order_by("name")
    )
    for candidate in shared:
        members = [m for m in candidate.municipalities.order_by("code") if m in municipalities]
        if len(members) > 1 and not covered & {m.pk for m in members}:
            groups.append((candidate, members))
            covered |= {m.pk for m in members}
    groups += [(None, [m]) for m in municipalities if m.pk not in covered]
    lines = []
    for collaboration, members in groups:
        first = members[0]
        plan = PLANS.get(first.code, PLANS["410"])
        leader = (
            User.objects.filter(memberships__role=Role.LEADER, memberships__municipality=first)
            .order_by("username")
            .first()
        )
        assert leader is not None, f"no leader in {first}"
        institution = Institution.objects.filter(municipality__in=members).order_by("name").first()
        specialist = (
            Membership.objects.filter(role=Role.SPECIALIST, institution=institution)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        name = collaboration.name if collaboration else first.name
        hotline = Hotline.objects.create(
            name=f"Akuttelefonen for plejefamilier, {name}",
            phone_number=f"7020 {first.code.zfill(4)}",
            municipality=None if collaboration else first,
            collaboration=collaboration,
            team_leader=leader,
            max_shifts_per_period=plan.max_shifts,
        )
        for municipality in members:
            for day, every_year, reason in plan.closures:
                ClosureDay.objects.get_or_create(
                    municipality=municipality,
                    date=day,
                    defaults={"every_year": every_year, "reason": reason},
                )
        consultants = list(
            User.objects.filter(
                memberships__role=Role.CONSULTANT, memberships__municipality__in=members
            )
            .order_by("username")
            .distinct()
        )
        lines.append(
            _Line(
                hotline=hotline,
                plan=plan,
                municipalities=members,
                families=list(
                    FosterFamily.objects.filter(municipality__in=members)
                    .prefetch_related("parents")
                    .order_by("name", "id")
                ),
                leader=leader,
                members=[*consultants, leader],
                institution=institution,
                specialist=specialist.user if specialist else None,
                closures={},
                shifts=[],
            )
        )
    return lines


def _closures(line: _Line, years: Sequence[int]) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for closure in ClosureDay.objects.filter(municipality__in=line.municipalities):
        for year in years if closure.every_year else [closure.date.year]:
            days[closure.date.replace(year=year)] = closure.reason
    return days


def spread(rng: random.Random, weights: Sequence[float], count: int) -> list[int]:
    """`count` indices into `weights`, drawn in proportion to them but evenly (stratified: one
    draw in each of `count` equal slices of the cumulative weight), so that a small number of
    calls still follows the pattern. Sorted."""
    total = sum(weights)
    cumulative = list(itertools.accumulate(weights))
    return [
        min(bisect.bisect_left(cumulative, (slot + rng.random()) * total / count), len(weights) - 1)
        for slot in range(count)
    ]


def _week_weight(monday: dt.date, closures: dict[dt.date, str]) -> float:
    """How much more families call in the week starting `monday`: Christmas 3.5, Easter 3,
    the summer holiday 2.6, a week with another public holiday or a closure day 2, else 1."""
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    holidays = {workdays.public_holiday(day) for day in days} - {None}
    if any((d.month == 12 and d.day >= 24) or (d.month == 1 and d.day == 1) for d in days):
        return 3.5
    if holidays & EASTER:
        return 3.0
    if week_key(monday)[1] in SCHOOL_SUMMER_WEEKS:
        return 2.6
    if holidays or any(day in closures for day in days):
        return 2.0
    return 1.0


def day_weights(first: dt.date, days: int, closures: dict[dt.date, str]) -> list[float]:
    """Each day's weight: its week's (`_week_weight`), 1.6 times more on a weekend day."""
    weights = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        weight = _week_weight(day - dt.timedelta(days=day.weekday()), closures)
        weights.append(weight * (1.6 if day.weekday() >= 5 else 1.0))
    return weights


def _registrant(line: _Line, at: dt.datetime, starts: list[dt.datetime]) -> User:
    """Who registered a call at `at`: the consultant on duty, the institution's specialist, or
    (the social on-call service reports in the morning) the team leader."""
    index = bisect.bisect_right(starts, at) - 1
    shift = line.shifts[index] if index >= 0 else None
    if shift is not None and shift.ends_at > at:
        if shift.person is not None:
            return shift.person
        if shift.staffed_by == StaffedBy.INSTITUTION and line.specialist is not None:
            return line.specialist
    return line.leader


def _calls(rng: random.Random, line: _Line, today: dt.date, topics: dict[str, CallTopic]) -> None:
    """A year of calls up to and including `today`, registered through the service, then the
    follow-ups' course (see the module docstring)."""
    first = today - dt.timedelta(days=364)
    count = round(len(line.families) * CALLS_PER_FAMILY)
    # Some families call often, most rarely or never.
    callers = list(line.families)
    rng.shuffle(callers)
    family_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(callers))]
    days = [
        first + dt.timedelta(days=offset)
        for offset in spread(rng, day_weights(first, 365, line.closures), count)
    ]
    off = [not workdays.is_working_day(day, line.closures) for day in days]
    hours = {
        kind: spread(rng, HOURS_OFF if kind else HOURS_WORKDAY, off.count(kind))
        for kind in (False, True)
    }
    for kind in hours:
        rng.shuffle(hours[kind])
    moments = [
        _local(day, dt.time(hours[kind].pop(), rng.randint(0, 59)))
        for day, kind in zip(days, off, strict=True)
    ]
    stubs = set(rng.sample(range(count), max(1, round(count * 0.05))))
    unknown = set(rng.sample(sorted(set(range(count)) - stubs), max(1, round(count * 0.04))))
    starts = [shift.starts_at for shift in line.shifts]
    topic_names = list(TOPIC_WEIGHTS)
    topic_weights = list(TOPIC_WEIGHTS.values())
    now = timezone.now()
    for index, moment in enumerate(sorted(moments)):
        if moment > now:  # a demo seeded before its date (the service refuses future calls)
            continue
        actor = _registrant(line, moment, starts)
        if index in stubs:
            call_services.create_call_stub(
                actor=line.leader,
                hotline=line.hotline,
                received_at=moment,
                caller_phone=f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            continue
        urgency = rng.choices(list(Urgency), weights=[30, 42, 22, 6])[0]
        actions: list[str] = []
        if urgency in (Urgency.HIGH, Urgency.ACUTE) and rng.random() < 0.5:
            actions.append(rng.choice([CallAction.ON_CALL_SERVICE, CallAction.INSTITUTION]))
        if urgency == Urgency.ACUTE and rng.random() < 0.5:
            actions.append(rng.choice([CallAction.POLICE, CallAction.EMERGENCY]))
        if index in unknown:
            name, topic = rng.choice(UNKNOWN_CALLERS)
            family = None
            values = {"caller_role": CallerRole.OTHER, "caller_name": name, "topic": topics[topic]}
        else:
            family = rng.choices(callers, weights=family_weights)[0]
            parent = family.parents.all()[0]
            child = rng.random() < 0.08
            values = {
                "caller_role": CallerRole.CHILD if child else CallerRole.FOSTER_PARENT,
                "caller_name": "" if child else parent.first_name,
                "caller_phone": "" if child else family.phone,
                "topic": topics[rng.choices(topic_names, weights=topic_weights)[0]],
            }
        # The institution's specialist may register only while on duty, which for a past
        # call is not now: the team leader registers it, then it is put down to the specialist.
        by_specialist = actor == line.specialist
        call = call_services.register_call(
            actor=line.leader if by_specialist else actor,
            hotline=line.hotline,
            received_at=moment,
            family=family,
            values={**values, "urgency": urgency, "advice": rng.choice(ADVICE), "actions": actions},
        )
        if by_specialist:
            Call.objects.filter(pk=call.pk).update(registered_by=actor)


def _course(rng: random.Random, line: _Line, today: dt.date) -> None:
    """What happened to the follow-ups due by `today`: the morning e-mail on the due day; about
    88 % done on time (on the due day), 8 % escalated to the team leader the morning after and
    done late (on the next working day), 4 % escalated and still open. Those due later are
    open."""
    for follow_up in FollowUp.objects.filter(call__hotline=line.hotline).select_related("call"):
        due = follow_up.due_date
        if due > today:
            continue
        follow_up.notified_at = _local(due, dt.time(7))
        roll = rng.random()
        done_on: dt.date | None = due
        if roll < 0.12 and due < today:
            follow_up.escalated_at = _local(due + dt.timedelta(days=1), dt.time(7))
            follow_up.escalated_to = line.leader
            done_on = None if roll < 0.04 else workdays.next_working_day(due, line.closures)
            if done_on is not None and done_on > today:
                done_on = None
        fields = ["notified_at", "escalated_at", "escalated_to"]
        if done_on is not None:
            follow_up.status = FollowUpStatus.DONE
            follow_up.done_at = _local(done_on, dt.time(rng.randint(9, 15), rng.randint(0, 59)))
            follow_up.done_by = follow_up.assignee
            follow_up.outcome = rng.choice(OUTCOMES)
            fields += ["status", "done_at", "done_by", "outcome"]
        follow_up.save(update_fields=fields)


def _task_for_demo_consultant(line: _Line, today: dt.date) -> None:
    """A call on the demo's last Saturday evening from one of konsulent.vejle's families: open,
    due on the next working day (the demo's `today` is a Sunday)."""
    family = (
        FosterFamily.objects.filter(
            municipality__in=line.municipalities,
            consultant_assignments__consultant__username="konsulent.vejle",
            consultant_assignments__ends_on__isnull=True,
        )
        .exclude(parents__user__isnull=False)
        .order_by("name", "id")
        .first()
    )
    if family is None:
        return
    saturday = today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)
    parent = family.parents.order_by("id").first()
    call_services.register_call(
        actor=line.leader,
        hotline=line.hotline,
        received_at=_local(saturday, dt.time(21, 40)),
        family=family,
        values={
            "caller_role": CallerRole.FOSTER_PARENT,
            "caller_name": parent.first_name if parent else "",
            "caller_phone": family.phone,
            "topic": CallTopic.objects.get(name="Bekymring efter samvær"),
            "urgency": Urgency.MEDIUM,
            "advice": "Barnet var meget uroligt efter weekendsamvær; talte om at skabe ro "
            "og faste rammer i aften. Konsulenten ringer mandag.",
        },
    )


def seed_hotline(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Create the hotline data (see the module docstring); returns counts per kind."""
    topics = {topic.name: topic for topic in CallTopic.objects.all()}
    lines = _hotlines(today)
    first = today - dt.timedelta(days=364)
    quarter_end = _quarter_end(today)
    counts = {"hotlines": len(lines), "shifts": 0, "calls": 0, "optimised_quarters": 0}
    for line in lines:
        StaffingRule.objects.bulk_create(_rules(line))
        RotaMember.objects.bulk_create(
            RotaMember(hotline=line.hotline, user=user) for user in line.members
        )
        absences = _absences(line.members, today)
        Unavailability.objects.bulk_create(absences)
        line.closures = _closures(line, range(first.year, quarter_end.year + 2))
        line.shifts = _shifts(line, first, quarter_end, absences)
        Shift.objects.bulk_create(line.shifts)
        _calls(rng, line, today, topics)
        _course(rng, line, today)
        if any(m.code == "630" for m in line.municipalities):
            _task_for_demo_consultant(line, today)
        counts["optimised_quarters"] += _coming_quarter(line, today, absences)
    counts["shifts"] = Shift.objects.filter(hotline__in=[line.hotline for line in lines]).count()
    counts["calls"] = Call.objects.filter(hotline__in=[line.hotline for line in lines]).count()
    return counts
