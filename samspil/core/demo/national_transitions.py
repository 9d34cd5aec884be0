"""The transitions part of the national data set: about one supported transition from an
institution to a foster family per 100 placements. Most are children who moved into their
current foster family in the last year (after the move, or completed about three months after
it); about a fifth are children whose last placement ended and who now live at an institution,
planning a move to a family of their municipality. Each transition has the engagement
`create_transition` records (source `transitions.transition:<uuid>`, ended when completed), a
discharge plan copied from the default template with the steps due by now ticked, one to three
collaboration meetings, the methods of involving the child, and advice from the institution's
specialist after the move.

Built in memory from the already saved national records, then inserted in bulk. Recognisable
as national through the child (whose placements are all with national families); deleted with
the children (CASCADE), or first with `delete_national_transitions`."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import translation

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.families.enums import EngagementKind
from samspil.families.models import Child, Engagement, FosterFamily, Placement
from samspil.organisations.models import Institution
from samspil.transitions.default_plan import default_steps
from samspil.transitions.enums import AdviceChannel, AdviceKind, InvolvementMethod
from samspil.transitions.enums import TransitionStatus as Status
from samspil.transitions.models import (
    Advice,
    ChildInvolvement,
    CollaborationMeeting,
    DischargePlan,
    PlanStep,
    Transition,
)

CPH = ZoneInfo("Europe/Copenhagen")
PLACEMENTS_PER_TRANSITION = 100
PLANNING_SHARE = 0.2
FOLLOW_UP_DAYS = (75, 150)  # from the move to completion
ENGAGEMENT_KIND = EngagementKind.TRANSITION
SHARED = [
    "Glad for at tegne og for dyr. Brug for faste rutiner om aftenen.",
    "Går til fodbold og vil gerne fortsætte. Svært ved at sove alene de første nætter.",
    "Trives med tydelige voksne og tid alene efter skole.",
]
DIVISION = (
    "Institutionen: besøg og livsbog. Plejefamilien: værelse og besøg. Konsulenten: koordinering."
)
ADVICE = [
    ("Sengetid", AdviceChannel.PHONE, "Samme rækkefølge hver aften; det tager et par uger."),
    ("Efter samvær", AdviceChannel.VISIT, "Giv ro dagen efter samvær og tal om det næste dag."),
    ("Skolen", AdviceChannel.MEETING, "Aftal et overleveringsmøde med klasselæreren."),
    ("Måltider", AdviceChannel.EMAIL, "Korte måltider med en fast opgave ved bordet."),
]

BulkCreate = Callable[[type[models.Model], list[Any], str], None]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=CPH)


@dataclass
class _Built:
    engagements: list[Engagement] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    plans: list[DischargePlan] = field(default_factory=list)
    steps: list[PlanStep] = field(default_factory=list)
    meetings: list[CollaborationMeeting] = field(default_factory=list)
    meeting_staff: list[tuple[CollaborationMeeting, User]] = field(default_factory=list)
    involvements: list[ChildInvolvement] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)


class _Transitions:
    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        institutions: Mapping[int, Sequence[Institution]],
        all_institutions: Sequence[Institution],
        specialists: Mapping[int, User],
        consultant_of: Callable[[FosterFamily], User],
    ) -> None:
        self.rng = rng
        self.today = today
        self.institutions = institutions
        self.all_institutions = all_institutions
        self.specialists = specialists
        self.consultant_of = consultant_of
        self.built = _Built()
        self.steps = default_steps()

    def institution_for(self, child: Child) -> Institution:
        local = self.institutions.get(child.municipality_id) or self.all_institutions
        return self.rng.choice(list(local))

    def transition(
        self,
        child: Child,
        family: FosterFamily,
        status: Status,
        move_day: dt.date,
        started: dt.date,
        completed: dt.date | None,
    ) -> None:
        rng, today, built = self.rng, self.today, self.built
        institution = self.institution_for(child)
        consultant = self.consultant_of(family)
        transition_uuid = _uuid(rng)
        grace = family.municipality.engagement_grace_days
        engagement = Engagement(
            family=family,
            institution=institution,
            kind=ENGAGEMENT_KIND,
            starts_on=started,
            ends_on=completed,
            access_until=completed + dt.timedelta(days=grace) if completed else None,
            source=f"transitions.transition:{transition_uuid}",
        )
        built.engagements.append(engagement)
        moved = status in (Status.AFTER_MOVE, Status.COMPLETED)
        transition = Transition(
            uuid=transition_uuid,
            child=child,
            institution=institution,
            family=family,
            municipality_id=child.municipality_id,
            status=status,
            planned_move_on=move_day,
            moved_on=move_day if moved else None,
            completed_on=completed,
            consultant=consultant,
            engagement=engagement,
            created_by=consultant,
        )
        built.transitions.append(transition)
        plan = DischargePlan(transition=transition)
        built.plans.append(plan)
        for position, spec in enumerate(self.steps, 1):
            due = move_day + dt.timedelta(days=spec.offset_days or 0)
            done = status == Status.COMPLETED or (due <= today and moved)
            done = done or (due <= today - dt.timedelta(days=3) and rng.random() < 0.8)
            built.steps.append(
                PlanStep(
                    uuid=_uuid(rng),
                    plan=plan,
                    phase=spec.phase,
                    position=position,
                    text=str(spec.text),
                    responsible=spec.responsible,
                    offset_days=spec.offset_days,
                    due_on=due if spec.offset_days is not None else None,
                    done=done,
                    done_at=_at(min(due, today), 12) if done else None,
                    done_by=consultant if done else None,
                )
            )
        for number in range(rng.randint(1, 3)):
            day = started + dt.timedelta(days=2 + 10 * number)
            if day > min(today, move_day):
                break
            meeting = CollaborationMeeting(
                uuid=_uuid(rng),
                transition=transition,
                held_at=_at(day, 14),
                place=institution.name,
                shared_about_child=rng.choice(SHARED),
                division_of_work=DIVISION,
                created_by=consultant,
            )
            built.meetings.append(meeting)
            built.meeting_staff.append((meeting, consultant))
        built.involvements.append(
            ChildInvolvement(
                uuid=_uuid(rng),
                transition=transition,
                methods=rng.sample(list(InvolvementMethod.values), rng.randint(1, 4)),
                views_shared_with_family=rng.random() < 0.5,
            )
        )
        if moved:
            author = self.specialists.get(institution.pk, consultant)
            last = completed or today
            for topic, channel, text in rng.sample(ADVICE, rng.randint(0, 3)):
                span = max(1, (last - move_day).days)
                day = move_day + dt.timedelta(days=rng.randint(1, span))
                built.advice.append(
                    Advice(
                        uuid=_uuid(rng),
                        transition=transition,
                        kind=AdviceKind.ADVICE,
                        given_at=_at(min(day, today), 10),
                        channel=channel,
                        topic=topic,
                        text=text,
                        author=author,
                    )
                )


def generate_transitions(
    *,
    rng: random.Random,
    today: dt.date,
    placements: Sequence[Placement],
    institutions: Sequence[Institution],
    consultant_of: Callable[[FosterFamily], User],
    bulk_create: BulkCreate,
) -> dict[str, int]:
    """Build and insert the transitions records; returns counts per kind. `placements` are the
    saved national placements (with their child and family in memory), `consultant_of` gives a
    family's current consultant, `bulk_create` inserts with progress. Reads the institutions'
    specialists (one query)."""
    specialists = {
        m.institution_id: m.user
        for m in Membership.objects.filter(
            role=Role.SPECIALIST, institution__in=institutions
        ).select_related("user")
        if m.institution_id is not None
    }
    by_municipality: dict[int, list[Institution]] = {}
    for institution in institutions:
        by_municipality.setdefault(institution.municipality_id, []).append(institution)
    with translation.override("da"):
        builder = _Transitions(
            rng, today, by_municipality, institutions, specialists, consultant_of
        )
    target = round(len(placements) / PLACEMENTS_PER_TRANSITION)
    planning_target = round(target * PLANNING_SHARE)
    moved_target = target - planning_target

    # Children who moved into their current family in the last year.
    year_ago = today - dt.timedelta(days=365)
    recent = [p for p in placements if p.ends_on is None and year_ago <= p.starts_on <= today]
    recent.sort(key=lambda p: (p.starts_on, p.child.uuid))
    chosen_children: set[int] = set()
    for placement in rng.sample(recent, min(moved_target, len(recent))):
        child, family = placement.child, placement.family
        if child.pk in chosen_children:
            continue
        chosen_children.add(child.pk)
        move_day = placement.starts_on
        started = move_day - dt.timedelta(days=rng.randint(28, 60))
        completed = move_day + dt.timedelta(days=rng.randint(*FOLLOW_UP_DAYS))
        if completed < today - dt.timedelta(days=1) and rng.random() < 0.95:
            builder.transition(child, family, Status.COMPLETED, move_day, started, completed)
        else:
            builder.transition(child, family, Status.AFTER_MOVE, move_day, started, None)

    # Children whose last placement ended (living at an institution now).
    current = {p.child.pk for p in placements if p.ends_on is None or p.ends_on >= today}
    families_by: dict[int, list[FosterFamily]] = {}
    for placement in placements:
        families_by.setdefault(placement.family.municipality_id, []).append(placement.family)
    waiting: dict[int, Child] = {}
    for placement in placements:
        child = placement.child
        if child.pk not in current and child.pk not in chosen_children:
            waiting.setdefault(child.pk, child)
    candidates = sorted(waiting.values(), key=lambda c: str(c.uuid))
    for child in rng.sample(candidates, min(planning_target, len(candidates))):
        options = families_by.get(child.municipality_id)
        if not options:
            continue
        family = rng.choice(options)
        move_day = today + dt.timedelta(days=rng.randint(14, 56))
        started = today - dt.timedelta(days=rng.randint(3, 40))
        builder.transition(child, family, Status.PLANNING, move_day, started, None)

    built = builder.built
    bulk_create(Engagement, built.engagements, "Saving engagements from transitions")
    for transition in built.transitions:
        transition.engagement_id = transition.engagement.pk if transition.engagement else None
    bulk_create(Transition, built.transitions, "Saving transitions")
    bulk_create(DischargePlan, built.plans, "Saving discharge plans")
    bulk_create(PlanStep, built.steps, "Saving plan steps")
    bulk_create(CollaborationMeeting, built.meetings, "Saving collaboration meetings")
    through = CollaborationMeeting.staff.through
    bulk_create(
        through,
        [through(collaborationmeeting_id=m.pk, user_id=u.pk) for m, u in built.meeting_staff],
        "Saving meeting participants",
    )
    bulk_create(ChildInvolvement, built.involvements, "Saving the children's involvement")
    bulk_create(Advice, built.advice, "Saving advice")
    return {
        "transitions": len(built.transitions),
        "transition_steps": len(built.steps),
        "transition_meetings": len(built.meetings),
        "transition_advice": len(built.advice),
        "transition_engagements": len(built.engagements),
    }


def delete_national_transitions(
    *, families: QuerySet[FosterFamily], users: QuerySet[User], institutions: QuerySet[Institution]
) -> tuple[int, dict[str, int]]:
    """Delete the transitions that involve national records (a national family, institution or
    user), with their plans, meetings, involvement and advice (CASCADE). Returns Django's
    `delete()` result."""
    return Transition.objects.filter(
        Q(family__in=families)
        | Q(institution__in=institutions)
        | Q(created_by__in=users)
        | Q(consultant__in=users)
    ).delete()
