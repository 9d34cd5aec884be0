"""Measurement in the demo data: a measurement plan per demo municipality (WHO-5 and the burden
rating for the foster parents, the SDQ by the foster parent, the teacher and — from 11 years —
the child, every six months; the teacher's SDQ once a year), up to four rounds over the last 18
months for every family in the model and its children placed at the time, and a few
measurements due now.

The answers are realistic rather than random: each child has a level of difficulties and a
course (`course_for`) — about a quarter start in the abnormal band and improve by a reliable
margin (8–11 points of total difficulties over the period), a few (about one in twelve) worsen
reliably, the rest stay within a few points, three in four of them in the normal band; so most
totals are normal, as foster children still score higher than the population. The teacher sees a little less than the foster parent, the child
about the same. The foster family's WHO-5 and the burden rating follow the child's course. The
answers are item by item (the difficulty points spread over the twenty difficulty items, the
reverse-scored ones answered accordingly; now and then an item left out), and every response is
scored by `scoring.score` in the instrument's current version, its `Score` rows stored beside it,
exactly as `services.responses.submit_response` stores them (in bulk, without an audit entry per
response: the seed writes one of its own).

Due now: for each `konsulent.<place>` consultant, a WHO-5 and an SDQ due within a fortnight for a
few of their families, and one SDQ sent by link with the token `samspil-demo-<place>`, so the demo
can open it at `/answer/samspil-demo-<place>/` (e.g. `/answer/samspil-demo-kbh/`; only the
token's SHA-256 is stored, as `services.links` stores it; demo data only).

Deterministic for a given random generator and `today`. `sdq_answers`, `who5_answers` and
`burden_answers` are shared with `national_measures.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from samspil.accounts.models import User
from samspil.families.models import ConsultantAssignment, FosterFamily, Placement
from samspil.measures import scoring
from samspil.measures.enums import (
    MeasurementReason,
    MeasurementStatus,
    Respondent,
    ResponseStatus,
)
from samspil.measures.models import (
    AnswerLink,
    InstrumentVersion,
    Measurement,
    MeasurementPlan,
    PlanPoint,
    Response,
    Score,
)

DEMO_CODES = ("101", "410", "630", "820")
NATIONAL_DOMAIN = "national.samspil.example"
ROUND_DAYS = 182
HISTORY_DAYS = 540  # 18 months
MAX_ROUNDS = 4
DIFFICULTY_ITEMS = (
    ("3", "8", "13", "16", "24"),  # emotional
    ("5", "7", "12", "18", "22"),  # conduct
    ("2", "10", "15", "21", "25"),  # hyperactivity
    ("6", "11", "14", "19", "23"),  # peer
)
PROSOCIAL_ITEMS = ("1", "4", "9", "17", "20")
REVERSED = frozenset({"7", "11", "14", "21", "25"})
IMPACT_ITEMS = {
    "sdq-parent-4-17": ("impact_distress", "impact_home", "impact_friendships",
                        "impact_classroom", "impact_leisure"),
    "sdq-self-11-17": ("impact_distress", "impact_home", "impact_friendships",
                       "impact_classroom", "impact_leisure"),
    "sdq-teacher-4-17": ("impact_distress", "impact_peers", "impact_classroom"),
}  # fmt: skip
PLAN = (  # instrument, respondent, every n months
    ("who-5", Respondent.FOSTER_PARENT, 6),
    ("burden-rating", Respondent.FOSTER_PARENT, 6),
    ("sdq-parent-4-17", Respondent.FOSTER_PARENT, 6),
    ("sdq-teacher-4-17", Respondent.TEACHER, 12),
    ("sdq-self-11-17", Respondent.CHILD, 6),
)


# -- answer sets (pure, shared with the national data) ------------------------------------------


def _spread(rng: random.Random, points: int, items: Sequence[str], top: int) -> dict[str, int]:
    """`points` spread at random over `items`, each at most `top` (exact when it fits)."""
    slots = [key for key in items for _ in range(top)]
    chosen = rng.sample(slots, min(max(points, 0), len(slots)))
    return {key: chosen.count(key) for key in items}


def sdq_answers(rng: random.Random, code: str, total: int, prosocial: int) -> dict[str, int | None]:
    """An SDQ answer set with about `total` difficulties and `prosocial` (exact unless an item is
    left out, which happens about once in 25 answer sets)."""
    answers: dict[str, int | None] = {}
    scored = _spread(rng, total, [k for scale in DIFFICULTY_ITEMS for k in scale], 2)
    for key, value in scored.items():
        answers[key] = 2 - value if key in REVERSED else value
    answers.update(_spread(rng, prosocial, PROSOCIAL_ITEMS, 2))
    if rng.random() < 0.04:
        answers[rng.choice(sorted(answers))] = None
    if total >= 14 or rng.random() < 0.1:
        level = 1 if total < 17 else rng.choice((2, 2, 3))
        answers["impact_difficulties"] = level
        answers["impact_duration"] = rng.randint(1, 3)
        for key in IMPACT_ITEMS[code]:
            answers[key] = min(3, max(0, level - 1 + rng.choice((-1, 0, 0, 1))))
        answers["impact_burden"] = min(3, level)
    else:
        answers["impact_difficulties"] = 0
    return answers


def who5_answers(rng: random.Random, percentage: int) -> dict[str, int | None]:
    raw = min(25, max(0, round(percentage / 4)))
    return dict(_spread(rng, raw, ("1", "2", "3", "4", "5"), 5))


def burden_answers(rng: random.Random, total: int) -> dict[str, int | None]:
    """A burden rating in keeping with the child's SDQ total difficulties."""
    overall = min(10, max(0, round(total / 3.5) + rng.choice((-1, 0, 0, 1))))
    area = min(4, max(0, round(overall / 2.5)))
    return {
        "overall": overall,
        "everyday": min(4, max(0, area + rng.choice((-1, 0, 0, 1)))),
        "behaviour": min(4, max(0, area + rng.choice((-1, 0, 1, 1)))),
        "school": min(4, max(0, area + rng.choice((-1, 0, 0)))),
        "contact": min(4, max(0, area + rng.choice((-1, 0, 1)))),
    }


@dataclass(frozen=True)
class Course:
    """A child's SDQ total difficulties over time: a start and a change per round."""

    start: int
    per_round: float
    prosocial: int

    def total(self, rng: random.Random, round_number: int) -> int:
        noise = rng.choice((-1, 0, 0, 1))
        return min(40, max(0, round(self.start + self.per_round * round_number) + noise))


def course_for(rng: random.Random, rounds: int) -> Course:
    """About 28 % improve reliably (from the abnormal band), 8 % worsen reliably, the rest stay
    within a few points (three in four of them in the normal band)."""
    kind = rng.random()
    if kind < 0.28:
        start, change = rng.randint(15, 27), -rng.randint(8, 11)
    elif kind < 0.36:
        start, change = rng.randint(4, 14), rng.randint(8, 10)
    else:
        band = rng.random()
        start = (
            rng.randint(3, 13)
            if band < 0.75
            else rng.randint(14, 16)
            if band < 0.9
            else rng.randint(17, 24)
        )
        change = rng.randint(-3, 3)
    return Course(start=start, per_round=change / max(rounds - 1, 1), prosocial=rng.randint(5, 10))


# -- building responses -------------------------------------------------------------------------


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def current_versions(codes: Sequence[str]) -> dict[str, InstrumentVersion]:
    return {
        version.instrument.code: version
        for version in InstrumentVersion.objects.filter(
            is_current=True, instrument__code__in=codes
        ).select_related("instrument")
    }


@dataclass
class Built:
    """Measurements, responses and scores built in memory, saved in bulk by `save`."""

    measurements: list[Measurement] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    scores: list[tuple[Response, scoring.Result]] = field(default_factory=list)
    links: list[AnswerLink] = field(default_factory=list)

    def answered(
        self,
        rng: random.Random,
        *,
        version: InstrumentVersion,
        family: FosterFamily,
        child_id: int | None,
        respondent: str,
        answers: Mapping[str, Any],
        answered_on: dt.date,
        occurrence: int,
        entered_by: User | None = None,
    ) -> None:
        result = scoring.score(version.definition, answers)
        measurement = Measurement(
            uuid=uuid_from(rng),
            municipality_id=family.municipality_id,
            family=family,
            child_id=child_id,
            instrument_id=version.instrument_id,
            respondent=respondent,
            reason=MeasurementReason.ENTRY if occurrence == 0 else MeasurementReason.INTERVAL,
            occurrence=occurrence,
            due_on=answered_on - dt.timedelta(days=rng.randint(0, 12)),
            status=MeasurementStatus.ANSWERED,
        )
        response = Response(
            uuid=uuid_from(rng),
            instrument_version=version,
            municipality_id=family.municipality_id,
            family=family,
            child_id=child_id,
            measurement=measurement,
            respondent=respondent,
            answers={k: v for k, v in answers.items() if v is not None},
            flags=result.flags,
            status=ResponseStatus.COMPLETE,
            answered_on=answered_on,
            entered_by=entered_by,
        )
        self.measurements.append(measurement)
        self.responses.append(response)
        self.scores.append((response, result))

    def score_rows(self) -> list[Score]:
        return [
            Score(
                response=response,
                scale=scale,
                value=value,
                band=result.bands.get(scale) or "",
                band4=result.bands4.get(scale) or "",
                instrument_id=response.instrument_version.instrument_id,
                family_id=response.family_id,
                child_id=response.child_id,
                respondent=response.respondent,
                answered_on=response.answered_on or dt.date.min,
            )
            for response, result in self.scores
            for scale, value in result.scores.items()
        ]


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def build_family(
    rng: random.Random,
    built: Built,
    *,
    family: FosterFamily,
    placements: Sequence[Placement],
    versions: Mapping[str, InstrumentVersion],
    today: dt.date,
    consultant: User | None,
) -> int:
    """The rounds of one family in the model (and its children placed at the time): returns
    the number of rounds."""
    first = max(family.in_model_since or today, today - dt.timedelta(days=HISTORY_DAYS))
    days = [
        first + dt.timedelta(days=ROUND_DAYS * n + rng.randint(0, 10))
        for n in range(MAX_ROUNDS)
        if first + dt.timedelta(days=ROUND_DAYS * n) <= today - dt.timedelta(days=14)
    ]
    if not days:
        return 0
    courses = {p.child_id: course_for(rng, len(days)) for p in placements}
    wellbeing = rng.randrange(40, 88, 4)
    paper = consultant if rng.random() < 0.2 else None
    for number, day in enumerate(days):
        placed = [
            p for p in placements if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
        ]
        trend = sum(courses[p.child_id].per_round for p in placed) / max(len(placed), 1)
        percentage = min(
            100, max(8, wellbeing - round(trend * number * 1.5) + rng.choice((-4, 0, 4)))
        )
        built.answered(
            rng,
            version=versions["who-5"],
            family=family,
            child_id=None,
            respondent=Respondent.FOSTER_PARENT,
            answers=who5_answers(rng, percentage),
            answered_on=day,
            occurrence=number,
            entered_by=paper,
        )
        for placement in placed:
            child = placement.child
            course = courses[child.pk]
            total = course.total(rng, number)
            built.answered(
                rng,
                version=versions["burden-rating"],
                family=family,
                child_id=child.pk,
                respondent=Respondent.FOSTER_PARENT,
                answers=burden_answers(rng, total),
                answered_on=day,
                occurrence=number,
                entered_by=paper,
            )
            age = _age(child.date_of_birth, day)
            if not 4 <= age <= 17:
                continue
            built.answered(
                rng,
                version=versions["sdq-parent-4-17"],
                family=family,
                child_id=child.pk,
                respondent=Respondent.FOSTER_PARENT,
                answers=sdq_answers(rng, "sdq-parent-4-17", total, course.prosocial),
                answered_on=day,
                occurrence=number,
                entered_by=paper,
            )
            if number % 2 == 0 and rng.random() < 0.8:
                built.answered(
                    rng,
                    version=versions["sdq-teacher-4-17"],
                    family=family,
                    child_id=child.pk,
                    respondent=Respondent.TEACHER,
                    answers=sdq_answers(
                        rng, "sdq-teacher-4-17", max(0, total - rng.randint(0, 4)), course.prosocial
                    ),
                    answered_on=day + dt.timedelta(days=rng.randint(1, 14)),
                    occurrence=number,
                )
            if age >= 11 and rng.random() < 0.7:
                built.answered(
                    rng,
                    version=versions["sdq-self-11-17"],
                    family=family,
                    child_id=child.pk,
                    respondent=Respondent.CHILD,
                    answers=sdq_answers(
                        rng, "sdq-self-11-17", max(0, total + rng.randint(-3, 2)), course.prosocial
                    ),
                    answered_on=day + dt.timedelta(days=rng.randint(0, 7)),
                    occurrence=number,
                )
    return len(days)


# -- the demo -----------------------------------------------------------------------------------


def _plans(versions: Mapping[str, InstrumentVersion]) -> None:
    from samspil.organisations.models import Municipality

    for municipality in Municipality.objects.filter(code__in=DEMO_CODES):
        plan, _created = MeasurementPlan.objects.get_or_create(municipality=municipality)
        for code, respondent, months in PLAN:
            PlanPoint.objects.get_or_create(
                plan=plan,
                instrument_id=versions[code].instrument_id,
                respondent=respondent,
                defaults={"at_entry": True, "every_months": months, "at_end": True},
            )


def _due_now(
    rng: random.Random,
    built: Built,
    versions: Mapping[str, InstrumentVersion],
    rounds: Mapping[int, int],
    today: dt.date,
) -> None:
    """A WHO-5 and an SDQ due within a fortnight for three families of each `konsulent.<place>`
    consultant; the first SDQ sent by link."""
    assignments = (
        ConsultantAssignment.objects.filter(
            ends_on__isnull=True,
            consultant__username__in=[f"konsulent.{slug}" for slug in _slugs()],
            family__in_model_since__isnull=False,
        )
        .select_related("consultant", "family")
        .order_by("consultant__username", "family__name", "family_id")
    )
    by_consultant: dict[User, list[FosterFamily]] = {}
    for assignment in assignments:
        by_consultant.setdefault(assignment.consultant, []).append(assignment.family)
    placements = {
        p.family_id: p
        for p in Placement.objects.filter(
            family__in=[f for families in by_consultant.values() for f in families],
            ends_on__isnull=True,
        )
        .select_related("child")
        .order_by("starts_on", "id")
    }
    now = timezone.now()
    for consultant, families in by_consultant.items():
        sent = False
        for family in families[:3]:
            occurrence = rounds.get(family.pk, 0)
            due = today + dt.timedelta(days=rng.randint(-10, 14))
            built.measurements.append(
                Measurement(
                    uuid=uuid_from(rng),
                    municipality_id=family.municipality_id,
                    family=family,
                    instrument_id=versions["who-5"].instrument_id,
                    respondent=Respondent.FOSTER_PARENT,
                    reason=MeasurementReason.INTERVAL,
                    occurrence=occurrence,
                    due_on=due,
                )
            )
            placement = placements.get(family.pk)
            if placement is None:
                continue
            sdq = Measurement(
                uuid=uuid_from(rng),
                municipality_id=family.municipality_id,
                family=family,
                child=placement.child,
                instrument_id=versions["sdq-parent-4-17"].instrument_id,
                respondent=Respondent.FOSTER_PARENT,
                reason=MeasurementReason.INTERVAL,
                occurrence=occurrence,
                due_on=due,
                status=MeasurementStatus.DUE if sent else MeasurementStatus.SENT,
            )
            built.measurements.append(sdq)
            if not sent:
                sent = True
                token = f"samspil-demo-{consultant.username.removeprefix('konsulent.')}"
                built.links.append(
                    AnswerLink(
                        measurement=sdq,
                        token_hash=hashlib.sha256(token.encode()).hexdigest(),
                        recipient_name=family.name,
                        recipient_email=family.email,
                        expires_at=now + dt.timedelta(days=21),
                        created_by=consultant,
                    )
                )


def _slugs() -> list[str]:
    from samspil.core.demo.seed import PLACES

    return [place.slug for place in PLACES]


def seed_measures(rng: random.Random, today: dt.date) -> None:
    """Create the demo's measurement data (see the module docstring)."""
    versions = current_versions([code for code, _r, _m in PLAN])
    _plans(versions)
    families = list(
        FosterFamily.objects.filter(municipality__code__in=DEMO_CODES, in_model_since__isnull=False)
        .exclude(email__endswith=f"@{NATIONAL_DOMAIN}")
        .order_by("id")
    )
    placements: dict[int, list[Placement]] = {}
    for placement in (
        Placement.objects.filter(family__in=families).select_related("child").order_by("id")
    ):
        placements.setdefault(placement.family_id, []).append(placement)
    consultants = {
        a.family_id: a.consultant
        for a in ConsultantAssignment.objects.filter(
            family__in=families, ends_on__isnull=True
        ).select_related("consultant")
    }
    built = Built()
    rounds = {
        family.pk: build_family(
            rng,
            built,
            family=family,
            placements=placements.get(family.pk, []),
            versions=versions,
            today=today,
            consultant=consultants.get(family.pk),
        )
        for family in families
    }
    _due_now(rng, built, versions, rounds, today)
    save(built)


def save(built: Built, bulk_create: Any = None) -> dict[str, int]:
    """Insert what was built (measurements first: the responses refer to them)."""

    def insert(model: Any, objects: list[Any], description: str) -> None:
        if bulk_create is not None:
            bulk_create(model, objects, description)
        else:
            model.objects.bulk_create(objects, batch_size=1000)

    insert(Measurement, built.measurements, "Saving measurements")
    for response in built.responses:
        response.measurement_id = response.measurement.pk if response.measurement else None
    insert(Response, built.responses, "Saving responses")
    scores = built.score_rows()
    insert(Score, scores, "Saving scores")
    for link in built.links:
        link.measurement_id = link.measurement.pk
    insert(AnswerLink, built.links, "Saving answer links")
    return {
        "measurements": len(built.measurements),
        "responses": len(built.responses),
        "scores": len(scores),
    }
