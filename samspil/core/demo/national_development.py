"""The development-plan part of the national data set: about two thirds of the families in the
collaboration model get a plan with two to four goals (the family or its fixed consultant
responsible), review dates spread over the next four months (a few overdue), up to two progress
notes per goal, and their supervision courses linked to a goal.

Built in memory from the already saved national records, then inserted in bulk. Deterministic for
a given random generator (UUIDs included). Deleting the national families deletes their plans
(cascade), and deleting the national supervision courses their links."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models

from samspil.accounts.models import User
from samspil.competence.enums import SupervisionStatus
from samspil.competence.models import SupervisionCourse
from samspil.core.demo.development import GOALS, NOTES, PURPOSES
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import FosterFamily

CPH = ZoneInfo("Europe/Copenhagen")
PLAN_SHARE = 0.65
STATUSES = [GoalStatus.IN_PROGRESS, GoalStatus.NOT_STARTED, GoalStatus.ACHIEVED, GoalStatus.PAUSED]
STATUS_WEIGHTS = [60, 15, 18, 7]

BulkCreate = Callable[[type[models.Model], list[Any], str], None]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _courses_of(family_ids: set[int]) -> dict[int, list[int]]:
    """Course ids per family: the families' supervision courses that were not declined (one
    query over the course-family table)."""
    through = SupervisionCourse.families.through
    rows = (
        through.objects.exclude(supervisioncourse__status=SupervisionStatus.DECLINED)
        .order_by("supervisioncourse_id", "fosterfamily_id")
        .values_list("fosterfamily_id", "supervisioncourse_id")
    )
    courses: dict[int, list[int]] = {}
    for family_id, course_id in rows:
        if family_id in family_ids:
            courses.setdefault(family_id, []).append(course_id)
    return courses


def generate_development(
    *,
    rng: random.Random,
    today: dt.date,
    families: Sequence[FosterFamily],
    consultant_of: Callable[[FosterFamily], User],
    bulk_create: BulkCreate,
) -> dict[str, int]:
    """Build and insert the development plans; returns counts per kind. `families` are the
    saved national families, `consultant_of` gives a family's current fixed consultant and
    `bulk_create` inserts with progress. Reads the families' supervision courses (one query)."""
    in_model = [family for family in families if family.in_model_since is not None]
    courses = _courses_of({family.pk for family in in_model})
    plans: list[DevelopmentPlan] = []
    goals: list[Goal] = []
    notes: list[ProgressNote] = []
    links: list[CourseLink] = []
    for family in in_model:
        if rng.random() >= PLAN_SHARE:
            continue
        consultant = consultant_of(family)
        plan = DevelopmentPlan(
            uuid=_uuid(rng),
            family=family,
            purpose=rng.choice(PURPOSES),
            agreed_on=today - dt.timedelta(days=rng.randint(20, 700)),
            created_by=consultant,
        )
        plans.append(plan)
        own_goals: list[Goal] = []
        for position, (title, description, methods) in enumerate(
            rng.sample(GOALS, rng.randint(2, 4))
        ):
            status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
            review_on = (
                None
                if status == GoalStatus.ACHIEVED
                else today + dt.timedelta(days=rng.randint(-10, 120))
            )
            owner = consultant if rng.random() < 0.4 else None
            goal = Goal(
                uuid=_uuid(rng),
                plan=plan,
                position=position,
                title=title,
                description=description,
                methods=methods,
                owner_kind=GoalOwnerKind.PERSON if owner else GoalOwnerKind.FAMILY,
                owner=owner,
                status=status,
                review_on=review_on,
                created_by=consultant,
            )
            own_goals.append(goal)
            if status == GoalStatus.NOT_STARTED:
                continue
            for _number in range(rng.randint(0, 2)):
                written = today - dt.timedelta(days=rng.randint(1, 300))
                notes.append(
                    ProgressNote(
                        uuid=_uuid(rng),
                        goal=goal,
                        author=owner or consultant,
                        text=rng.choice(NOTES),
                        written_at=dt.datetime.combine(written, dt.time(10, 0), tzinfo=CPH),
                    )
                )
        goals.extend(own_goals)
        open_goals = [goal for goal in own_goals if goal.is_open] or own_goals
        links.extend(
            CourseLink(
                plan=plan, goal=rng.choice(open_goals), course_id=course_id, linked_by=consultant
            )
            for course_id in courses.get(family.pk, [])
        )

    bulk_create(DevelopmentPlan, plans, "Saving development plans")
    bulk_create(Goal, goals, "Saving development goals")
    bulk_create(ProgressNote, notes, "Saving progress notes")
    bulk_create(CourseLink, links, "Saving supervision courses on goals")
    return {
        "development_plans": len(plans),
        "development_goals": len(goals),
        "progress_notes": len(notes),
        "development_course_links": len(links),
    }
