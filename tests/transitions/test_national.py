"""The national generator's transitions (`core/demo/national_transitions.py`): built from
saved placements, each with its engagement and plan, and deleted with the national records."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import models

from samspil.accounts.models import User
from samspil.core.demo.national_transitions import (
    delete_national_transitions,
    generate_transitions,
)
from samspil.families.models import Engagement, FosterFamily, Placement
from samspil.organisations.models import Institution
from samspil.transitions.enums import TransitionStatus
from samspil.transitions.models import PlanStep, Transition
from tests import factories


def test_generate_transitions_builds_consistent_records(db: None) -> None:
    today = dt.date(2026, 11, 1)
    a = factories.municipality("101")
    institution = factories.InstitutionFactory(municipality=a)
    consultant = factories.UserFactory(username="nat.konsulent.101.1")
    families = [factories.FamilyFactory(municipality=a) for _ in range(5)]
    placements: list[Placement] = []
    for number in range(300):
        child = factories.ChildFactory(municipality=a, first_name=f"N{number}")
        recent = number % 2 == 0
        placements.append(
            factories.PlacementFactory(
                child=child,
                family=families[number % 5],
                starts_on=today - dt.timedelta(days=30 + number if recent else 900),
                ends_on=None if recent else today - dt.timedelta(days=100),
                end_reason="" if recent else "institution",
            )
        )

    def bulk_create(model: type[models.Model], objects: list[Any], description: str) -> None:
        model._default_manager.bulk_create(objects)

    counts = generate_transitions(
        rng=random.Random(7),
        today=today,
        placements=placements,
        institutions=[institution],
        consultant_of=lambda family: consultant,
        bulk_create=bulk_create,
    )
    transitions = list(Transition.objects.select_related("engagement"))
    assert counts["transitions"] == len(transitions) == 3
    assert sorted(t.status for t in transitions).count(TransitionStatus.PLANNING) == 1
    for item in transitions:
        assert item.engagement is not None
        assert item.engagement.source == f"transitions.transition:{item.uuid}"
        assert PlanStep.objects.filter(plan__transition=item).count() > 0
    assert Engagement.objects.filter(source__startswith="transitions.").count() == 3
    deleted, _per_model = delete_national_transitions(
        families=FosterFamily.objects.filter(pk__in=[f.pk for f in families]),
        users=User.objects.filter(pk=consultant.pk),
        institutions=Institution.objects.filter(pk=institution.pk),
    )
    assert deleted > 0
    assert Transition.objects.count() == 0
