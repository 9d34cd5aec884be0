"""The demo's and the national data set's development plans (`core/demo/development.py`,
`core/demo/national_development.py`). Each data set is built once for its class and rolled back
afterwards; the development part runs after it unless the generator already calls it."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import F
from pytest_django import DjangoDbBlocker

from samspil.accounts.models import User
from samspil.core.demo.development import MAIN_CONSULTANTS, seed_development
from samspil.core.demo.national import EMAIL_DOMAIN, delete_national, generate_national
from samspil.core.demo.national_development import generate_development
from samspil.core.demo.seed import TODAY, seed_demo
from samspil.development import selectors
from samspil.development.enums import GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import ConsultantAssignment, FosterFamily


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        if not DevelopmentPlan.objects.exists():
            seed_development(random.Random(20261101), TODAY)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo: None, db: None) -> None:
    """The class's demo data inside the test's own transaction."""


class TestDemo:
    def test_most_demo_families_have_a_plan_with_goals(self, seeded: None) -> None:
        families = FosterFamily.objects.count()
        plans = DevelopmentPlan.objects.count()
        assert 0.7 * families <= plans <= families
        assert not DevelopmentPlan.objects.filter(goals__isnull=True).exists()
        assert Goal.objects.filter(status=GoalStatus.ACHIEVED).exists()

    def test_every_main_consultant_has_reviews_due_and_one_overdue(self, seeded: None) -> None:
        for username in MAIN_CONSULTANTS:
            rows = selectors.reviews_due_for(User.objects.get(username=username), today=TODAY)
            assert len(rows) >= 2, username
            assert any(row.overdue for row in rows), username

    def test_demo_foster_parent_has_a_plan_with_notes_of_their_own(self, seeded: None) -> None:
        parent = User.objects.get(username="plejeforaelder.vejle")
        plan = DevelopmentPlan.objects.get(family__parents__user=parent)
        assert ProgressNote.objects.filter(goal__plan=plan, author=parent).exists()

    def test_linked_courses_are_the_family_s_own(self, seeded: None) -> None:
        links = CourseLink.objects.all()
        assert links.exists()
        assert not links.exclude(course__families=F("plan__family")).exists()
        assert not links.exclude(goal__plan=F("plan")).exists()

    def test_goal_owners_may_be_responsible(self, seeded: None) -> None:
        for goal in Goal.objects.filter(owner__isnull=False).select_related("plan__family")[:50]:
            owners = selectors.assignable_owners(goal.plan.family, today=TODAY)
            assert owners.filter(pk=goal.owner_id).exists()


@pytest.fixture(scope="class")
def national(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        generate_national(scale=0.01)
        if not DevelopmentPlan.objects.exists():
            families = list(FosterFamily.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}"))
            current = {
                a.family_id: a.consultant
                for a in ConsultantAssignment.objects.filter(
                    ends_on__isnull=True, family__in=families
                ).select_related("consultant")
            }
            generate_development(
                rng=random.Random(7),
                today=TODAY,
                families=families,
                consultant_of=lambda family: current[family.pk],
                bulk_create=lambda model, objects, _description: model._default_manager.bulk_create(
                    objects
                ),
            )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def generated(national: None, db: None) -> None:
    """The class's national data inside the test's own transaction."""


class TestNational:
    def test_national_families_in_the_model_mostly_have_plans(self, generated: None) -> None:
        in_model = FosterFamily.objects.filter(in_model_since__isnull=False).count()
        plans = DevelopmentPlan.objects.count()
        assert 0.5 * in_model <= plans <= 0.8 * in_model
        assert Goal.objects.count() >= 2 * plans
        assert ProgressNote.objects.exists()

    def test_national_goals_are_consistent(self, generated: None) -> None:
        assert not Goal.objects.filter(status=GoalStatus.IN_PROGRESS, review_on=None).exists()
        assert not Goal.objects.filter(owner__isnull=False).exclude(owner_kind="person").exists()
        links = CourseLink.objects.all()
        assert not links.exclude(course__families=F("plan__family")).exists()

    def test_deleting_the_national_data_deletes_the_plans(self, generated: None) -> None:
        delete_national()
        assert (DevelopmentPlan.objects.count(), Goal.objects.count()) == (0, 0)
