"""Who sees a development plan: the municipality's consultants and leaders, an institution's
staff only while it is engaged with the family, the family itself; nobody else. Each rule with
its negative twin, through the policy and through the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership
from samspil.audit.models import AuditEntry
from samspil.development import rules
from samspil.development.models import DevelopmentPlan
from tests import factories
from tests.development import factories as f


def _visible(user) -> set[str]:  # type: ignore[no-untyped-def]
    return {plan.family.name for plan in DevelopmentPlan.objects.filter(rules.plan_filter(user))}


@pytest.fixture
def plans(world):  # type: ignore[no-untyped-def]
    return {
        "a": f.plan_for(world),
        "a_other": f.plan_for(world, world.family_a_other),
        "b": f.plan_for(world, world.family_b),
    }


def test_consultant_sees_the_plans_of_their_municipality_only(world, plans) -> None:
    assert _visible(world.consultant_a) == {"Familien Andersen", "Familien Østergaard"}
    assert _visible(world.consultant_b) == {"Familien Bæk"}


def test_leader_sees_the_plans_of_their_municipality_only(world, plans) -> None:
    assert _visible(world.leader_a) == {"Familien Andersen", "Familien Østergaard"}
    assert _visible(world.leader_b) == {"Familien Bæk"}


def test_specialist_sees_the_plan_while_their_institution_is_engaged(world, plans) -> None:
    factories.engage(world.family_a, world.institution_a, starts_on=f.days(-100))
    assert _visible(world.specialist_a) == {"Familien Andersen"}


def test_specialist_without_an_engagement_sees_no_plan(world, plans) -> None:
    assert _visible(world.specialist_a) == set()


def test_specialist_sees_the_plan_during_the_grace_period_after_the_end(world, plans) -> None:
    factories.engage(
        world.family_a, world.institution_a, starts_on=f.days(-100), ends_on=f.days(-30)
    )  # access until today (30 days' grace)
    assert _visible(world.specialist_a) == {"Familien Andersen"}


def test_specialist_no_longer_sees_the_plan_after_access_until(world, plans) -> None:
    factories.engage(
        world.family_a, world.institution_a, starts_on=f.days(-100), ends_on=f.days(-31)
    )  # access until yesterday
    assert _visible(world.specialist_a) == set()


def test_specialist_does_not_see_the_plan_before_the_engagement_starts(world, plans) -> None:
    factories.engage(world.family_a, world.institution_a, starts_on=f.days(1))
    assert _visible(world.specialist_a) == set()


def test_coordinator_of_an_engaged_institution_sees_the_plan(world, plans) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    factories.engage(world.family_b, world.institution_a)
    assert _visible(coordinator) == {"Familien Bæk"}


def test_foster_parent_sees_their_own_family_s_plan_only(world, plans) -> None:
    assert _visible(world.foster_parent_a) == {"Familien Andersen"}


@pytest.mark.parametrize("persona", ["case_worker_a", "evaluator", "programme_officer", "sysadmin"])
def test_other_roles_see_no_plan(world, plans, persona) -> None:
    assert _visible(getattr(world, persona)) == set()


def test_a_case_worker_who_is_also_an_institution_specialist_sees_only_engaged_plans(
    world, plans
) -> None:
    # The families policy admits family_a to the case worker (their child lives there); the plan
    # policy must not let that widen the institution's expired engagement.
    factories.engage(
        world.family_a, world.institution_a, starts_on=f.days(-100), ends_on=f.days(-60)
    )
    Membership.objects.create(
        user=world.case_worker_a, role=Role.SPECIALIST, institution=world.institution_a
    )
    assert _visible(world.case_worker_a) == set()


# -- the pages ----------------------------------------------------------------------------------


def test_specialist_opens_the_plan_page_while_engaged(world, plans, client) -> None:
    factories.engage(world.family_a, world.institution_a)
    client.force_login(world.specialist_a)
    response = client.get(reverse("development:plan", args=[world.family_a.uuid]))
    assert (response.status_code, response.context["plan"]) == (200, plans["a"])
    assert AuditEntry.objects.filter(
        action="development.plan.read", actor=world.specialist_a
    ).exists()


def test_specialist_gets_404_on_the_plan_page_after_the_engagement_ran_out(
    world, plans, client
) -> None:
    factories.engage(world.family_a, world.institution_a, ends_on=f.days(-31))
    client.force_login(world.specialist_a)
    response = client.get(reverse("development:plan", args=[world.family_a.uuid]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="development.plan.read").exists()


def test_foster_parent_opens_their_own_plan_and_not_another_family_s(world, plans, client) -> None:
    client.force_login(world.foster_parent_a)
    own = client.get(reverse("development:plan", args=[world.family_a.uuid]))
    other = client.get(reverse("development:plan", args=[world.family_a_other.uuid]))
    assert (own.status_code, own.context["plan"], other.status_code) == (200, plans["a"], 404)


def test_specialist_api_sees_the_plan_while_engaged_and_not_after(world, plans, api) -> None:
    engagement = factories.engage(world.family_a, world.institution_a)
    url = f"/development-plans/{plans['a'].uuid}"
    during = api(world.specialist_a, "get", url)
    engagement.ends_on = f.days(-31)
    engagement.save()
    after = api(world.specialist_a, "get", url)
    assert (during.status_code, during.json()["family"]["name"], after.status_code) == (
        200,
        "Familien Andersen",
        404,
    )
