"""Records for the transitions tests, made with the app's services (so the engagement, the
plan and the audit entries are as in real use).

`transition_for(world)` is the usual one: Ida (a child of A with case_worker_a, living at
institution_a) moving to family_a, created by consultant_a today; specialist_a (institution_a)
is engaged, foster_parent_a is a parent of the receiving family."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samspil.accounts.models import User
from samspil.families.models import Child, FosterFamily
from samspil.organisations.models import Institution
from samspil.transitions.enums import AdviceChannel, Party, TransitionStatus
from samspil.transitions.models import Advice, CollaborationMeeting, PlanStep, Transition
from samspil.transitions.services import advice as advice_services
from samspil.transitions.services import meetings as meeting_services
from samspil.transitions.services import transitions as services
from tests import factories


def child_at_institution(world: Any, **fields: Any) -> Child:
    fields.setdefault("municipality", world.a)
    fields.setdefault("first_name", "Ida")
    fields.setdefault("case_worker", world.case_worker_a)
    child: Child = factories.ChildFactory(**fields)
    return child


def transition_for(
    world: Any,
    *,
    child: Child | None = None,
    family: FosterFamily | None = None,
    institution: Institution | None = None,
    actor: User | None = None,
    planned_move_on: dt.date | None = None,
    today: dt.date | None = None,
    internal_notes: str = "Internal: the mother is not to know the address yet.",
) -> Transition:
    transition = services.create_transition(
        actor=actor or world.consultant_a,
        child=child or child_at_institution(world),
        institution=institution or world.institution_a,
        family=family or world.family_a,
        planned_move_on=planned_move_on or timezone.localdate() + dt.timedelta(days=21),
        consultant=world.consultant_a if (actor is None or actor == world.consultant_a) else None,
        internal_notes=internal_notes,
        today=today,
    )
    return reload(transition)


def transition_in_b(world: Any) -> Transition:
    institution = factories.InstitutionFactory(name="Fjordbakken", municipality=world.b)
    return transition_for(
        world,
        child=factories.ChildFactory(municipality=world.b, first_name="Bjørn"),
        family=world.family_b,
        institution=institution,
        actor=world.consultant_b,
    )


def reload(transition: Transition) -> Transition:
    return Transition.objects.select_related(
        "family", "child", "engagement", "institution", "municipality", "consultant"
    ).get(pk=transition.pk)


def move(world: Any, transition: Transition, on: dt.date | None = None) -> Transition:
    services.change_status(
        actor=world.consultant_a,
        transition=transition,
        status=TransitionStatus.AFTER_MOVE,
        on=on or timezone.localdate(),
        expected_version=transition.version,
    )
    return reload(transition)


def complete(world: Any, transition: Transition, on: dt.date) -> Transition:
    services.change_status(
        actor=world.consultant_a,
        transition=transition,
        status=TransitionStatus.COMPLETED,
        on=on,
        expected_version=transition.version,
    )
    return reload(transition)


def meeting_for(world: Any, transition: Transition, **values: Any) -> CollaborationMeeting:
    values.setdefault("held_at", timezone.now() - dt.timedelta(days=1))
    values.setdefault("shared_about_child", "Loves drawing; needs a night light.")
    values.setdefault("division_of_work", "The institution packs with her.")
    values.setdefault("minutes", "Minutes: the mother may object.")
    return meeting_services.add_meeting(
        actor=world.consultant_a,
        transition=transition,
        values=values,
        staff=[world.consultant_a, world.specialist_a],
    )


def advice_for(world: Any, transition: Transition, **values: Any) -> Advice:
    values.setdefault("channel", AdviceChannel.PHONE)
    values.setdefault("topic", "Bedtime")
    values.setdefault("text", "Keep the same order every evening.")
    return advice_services.add_advice(
        actor=world.specialist_a, transition=transition, values=values
    )


def step_of(transition: Transition, responsible: str | None = None) -> PlanStep:
    steps = PlanStep.objects.filter(plan__transition=transition).select_related(
        "plan__transition__family", "plan__transition__child", "plan__transition__engagement"
    )
    if responsible is not None:
        steps = steps.filter(responsible=responsible)
    step = steps.order_by("position").first()
    assert step is not None
    return step


FAMILY = Party.FOSTER_FAMILY
INSTITUTION = Party.INSTITUTION
