"""Factories for development plans, on top of the `world` personas from conftest.py. Dates are
relative to TODAY (the tests freeze time at NOW)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from samspil.competence.models import SupervisionCourse
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import FosterFamily
from tests.competence.factories import at

NOW = at(2026, 10, 1, 12)
TODAY = NOW.date()


def days(number: int) -> dt.date:
    """TODAY plus `number` days (negative: before)."""
    return TODAY + dt.timedelta(days=number)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentPlan

    purpose = "Roligere hverdag for plejebarnet og et godt samarbejde med skolen."
    agreed_on = dt.date(2026, 9, 1)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Mål {n}")
    description = "Færre konflikter ved sengetid."
    methods = "Faste rutiner; supervision hos Lindehuset."
    owner_kind = GoalOwnerKind.FAMILY
    status = GoalStatus.IN_PROGRESS
    review_on = factory.LazyFunction(lambda: days(30))
    created_by = factory.SelfAttribute("plan.created_by")
    position = factory.Sequence(lambda n: n)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    text = "Det går bedre om aftenen."
    written_at = factory.LazyFunction(lambda: NOW - dt.timedelta(days=3))


def plan_for(world: Any, family: FosterFamily | None = None, **kwargs: Any) -> DevelopmentPlan:
    """A plan of family_a (or `family`), written by its municipality's consultant."""
    family = family or world.family_a
    consultant = world.consultant_a if family.municipality_id == world.a.pk else world.consultant_b
    kwargs.setdefault("created_by", consultant)
    return PlanFactory(family=family, **kwargs)  # type: ignore[no-any-return]


def goal(plan: DevelopmentPlan, **kwargs: Any) -> Goal:
    if kwargs.get("owner") is not None:
        kwargs.setdefault("owner_kind", GoalOwnerKind.PERSON)
    return GoalFactory(plan=plan, **kwargs)  # type: ignore[no-any-return]


def note(goal: Goal, author: Any, **kwargs: Any) -> ProgressNote:
    return NoteFactory(goal=goal, author=author, **kwargs)  # type: ignore[no-any-return]


def link(goal: Goal, course: SupervisionCourse, by: Any) -> CourseLink:
    return CourseLink.objects.create(plan=goal.plan, goal=goal, course=course, linked_by=by)
