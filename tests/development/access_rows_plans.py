"""Access-matrix rows for development plans: every persona × the plan pages and API × own /
other municipality, with and without an engagement. The records are created on first use for the
test's world: family A's plan (foster_parent_a's family) with a goal, family B's plan, and the
plan of a family of A that institution_a (specialist_a) is engaged with, with a goal
specialist_a is responsible for. family_a_other has no plan. Collected by
tests/test_access_matrix.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from samspil.development.models import DevelopmentPlan, Goal
from samspil.families.models import FosterFamily
from tests import factories
from tests.access import Row, expect
from tests.development import factories as f


@dataclass
class Records:
    plan_a: DevelopmentPlan
    goal_a: Goal
    plan_b: DevelopmentPlan
    engaged: FosterFamily
    plan_engaged: DevelopmentPlan
    goal_engaged: Goal


def _records(world: Any) -> Records:
    if not hasattr(world, "_development_records"):
        plan_a = f.plan_for(world)
        plan_b = f.plan_for(world, world.family_b)
        engaged = factories.FamilyFactory(municipality=world.a, name="Familien Engageret")
        factories.engage(engaged, world.institution_a)
        plan_engaged = f.plan_for(world, engaged)
        world._development_records = Records(
            plan_a=plan_a,
            goal_a=f.goal(plan_a),
            plan_b=plan_b,
            engaged=engaged,
            plan_engaged=plan_engaged,
            goal_engaged=f.goal(plan_engaged, owner=world.specialist_a),
        )
    return world._development_records  # type: ignore[no-any-return]


def _family(name: str, attr: str) -> Callable[[object], str]:
    """A family page of the plan (`name`), for a world family or the engaged one."""

    def url(w: Any) -> str:
        records = _records(w)
        family = records.engaged if attr == "engaged" else getattr(w, attr)
        return reverse(f"development:{name}", args=[family.uuid])

    return url


def _goal_edit(attr: str) -> Callable[[object], str]:
    return lambda w: reverse("development:goal_edit", args=[getattr(_records(w), attr).uuid])


def _api(attr: str) -> Callable[[object], str]:
    return lambda w: f"/api/v1/development-plans/{getattr(_records(w), attr).uuid}"


MUNICIPALITY_A = {"consultant_a": 200, "leader_a": 200}
# Seen by the family itself, which may not change the plan.
FAMILY_A_CHANGE = {**MUNICIPALITY_A, "foster_parent_a": 403}

ROWS: list[Row] = [
    # The list: consultants and leaders.
    *expect(
        "development-plan-list",
        lambda w: reverse("development:plan_list"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        404,
    ),
    *expect(
        "development-plan-list-filtered",
        lambda w: f"{reverse('development:plan_list')}?mine=on&due=on&q=Familien",
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        404,
    ),
    # The plan page: the municipality, the family itself, an engaged institution.
    *expect(
        "development-plan-a",
        _family("plan", "family_a"),
        {**MUNICIPALITY_A, "foster_parent_a": 200},
        404,
    ),
    *expect("development-plan-b", _family("plan", "family_b"), {"consultant_b": 200}, 404),
    *expect(
        "development-plan-engaged",
        _family("plan", "engaged"),
        {**MUNICIPALITY_A, "specialist_a": 200},
        404,
    ),
    # family_a_other has no plan yet: its municipality sees "no plan yet".
    *expect("development-plan-none", _family("plan", "family_a_other"), MUNICIPALITY_A, 404),
    *expect(
        "development-plan-create-none",
        _family("plan_create", "family_a_other"),
        MUNICIPALITY_A,
        404,
    ),
    # Creating a plan that exists goes to it.
    *expect(
        "development-plan-create-a",
        _family("plan_create", "family_a"),
        {"consultant_a": 302, "leader_a": 302, "foster_parent_a": 403},
        404,
    ),
    *expect("development-plan-edit-a", _family("plan_edit", "family_a"), FAMILY_A_CHANGE, 404),
    *expect(
        "development-plan-edit-engaged",
        _family("plan_edit", "engaged"),
        {**MUNICIPALITY_A, "specialist_a": 403},
        404,
    ),
    *expect("development-goal-create-a", _family("goal_create", "family_a"), FAMILY_A_CHANGE, 404),
    *expect("development-goal-edit-a", _goal_edit("goal_a"), FAMILY_A_CHANGE, 404),
    # The responsible specialist reviews and notes on the plan page, but does not edit the goal.
    *expect(
        "development-goal-edit-engaged",
        _goal_edit("goal_engaged"),
        {**MUNICIPALITY_A, "specialist_a": 403},
        404,
    ),
    # API: the same policy.
    *expect("api-development-plans", lambda w: "/api/v1/development-plans", {}, 200, api=True),
    *expect(
        "api-development-plan-a",
        _api("plan_a"),
        {**MUNICIPALITY_A, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect("api-development-plan-b", _api("plan_b"), {"consultant_b": 200}, 404, api=True),
    *expect(
        "api-development-plan-engaged",
        _api("plan_engaged"),
        {**MUNICIPALITY_A, "specialist_a": 200},
        404,
        api=True,
    ),
]
