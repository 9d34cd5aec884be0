"""The demo's transitions (`core/demo/transitions.py`). The demo is seeded once for the module
and rolled back afterwards; `seed_transitions` runs after it unless `seed_demo` already calls
it."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from samspil.core.demo.seed import TODAY, seed_demo
from samspil.core.demo.transitions import seed_transitions
from samspil.families.models import Placement
from samspil.transitions.enums import AdviceKind, TransitionStatus
from samspil.transitions.models import (
    Advice,
    DischargePlanTemplate,
    PlanStep,
    Transition,
)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        if not Transition.objects.exists():
            seed_transitions(random.Random(20261101), TODAY)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo: None, db: None) -> None:
    """The module's demo data inside the test's own transaction."""


def test_demo_has_a_transition_in_each_status_it_promises(seeded: None) -> None:
    statuses = sorted(Transition.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [
            TransitionStatus.PLANNING,
            TransitionStatus.PLANNING,
            TransitionStatus.AFTER_MOVE,
            TransitionStatus.AFTER_MOVE,
            TransitionStatus.COMPLETED,
        ]
    )


def test_demo_kobenhavn_has_its_own_template_and_its_plans_use_it(seeded: None) -> None:
    template = DischargePlanTemplate.objects.get(municipality__code="101")
    kbh = Transition.objects.filter(municipality__code="101").first()
    assert kbh is not None
    assert kbh.plan.from_template == template
    assert PlanStep.objects.filter(plan__transition=kbh).count() == template.steps.count()


def test_demo_every_transition_has_its_engagement(seeded: None) -> None:
    for item in Transition.objects.select_related("engagement"):
        assert item.engagement is not None
        assert item.engagement.source == f"transitions.transition:{item.uuid}"
        assert (item.engagement.ends_on is None) == (item.status != TransitionStatus.COMPLETED)


def test_demo_foster_parent_has_an_answered_and_an_open_request(seeded: None) -> None:
    requests = Advice.objects.filter(
        kind=AdviceKind.REQUEST, author__username="plejeforaelder.vejle"
    )
    answered = [r for r in requests if r.replies.exists()]
    assert (requests.count(), len(answered)) == (2, 1)


def test_demo_moved_children_are_placed_in_the_family(seeded: None) -> None:
    for item in Transition.objects.exclude(status=TransitionStatus.PLANNING):
        assert Placement.objects.filter(
            child=item.child, family=item.family, starts_on=item.moved_on
        ).exists()
