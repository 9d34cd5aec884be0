"""Writes of development plans: creating a family's plan and changing its purpose, adding and
editing goals, reviewing a goal (status, next review date and a note), progress notes, and
linking supervision courses to goals.

Each function is one use case: keyword-only, atomic, permission-checked against
`development/rules.py` (raising `PermissionDeniedError`), validated (raising `ValidationError`
with the reasons), audited with `log_action("development.<object>.<verb>", …)`. Plans and goals
are versioned: a change names the version it started from and a stale one raises
`ConcurrentEditError`. Audit entries carry the changed fields (so a conflict can show them) and
ids; a progress note's text is never logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import diff, log_action, snapshot
from samspil.competence.enums import SupervisionStatus
from samspil.competence.models import SupervisionCourse
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.development import rules, selectors
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import FosterFamily

PLAN_FIELDS = ["purpose", "agreed_on"]
GOAL_FIELDS = ["title", "description", "methods", "owner_kind", "owner", "status", "review_on"]
# What a goal's responsible person may change without being able to change the plan.
REVIEW_FIELDS = frozenset({"status", "review_on"})
MAX_NOTE_LENGTH = 5000


def _full_clean(instance: DevelopmentPlan | Goal | ProgressNote | CourseLink) -> None:
    # The version and the plan are managed here, not input.
    instance.full_clean(exclude=["version", "plan", "goal", "course"], validate_unique=False)


# -- the plan -----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *, actor: User, family: FosterFamily, purpose: str, agreed_on: dt.date | None = None
) -> DevelopmentPlan:
    """Create `family`'s development plan (a family has one). By the consultants and leaders of
    its municipality (rules.can_change_plan). Side effect: "development.plan.create"."""
    if not rules.can_change_plan(actor, family):
        raise PermissionDeniedError
    already = ValidationError({"family": [_("The family already has a development plan.")]})
    if DevelopmentPlan.objects.filter(family=family).exists():
        raise already
    plan = DevelopmentPlan(
        family=family, purpose=purpose.strip(), agreed_on=agreed_on, created_by=actor
    )
    _full_clean(plan)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # created at the same moment by someone else
        raise already from None
    log_action(
        "development.plan.create",
        actor=actor,
        obj=plan,
        municipality_id=family.municipality_id,
        changes=diff({}, snapshot(plan, PLAN_FIELDS)),
        data={"version": plan.version, "family": str(family.uuid)},
    )
    return plan


@transaction.atomic
def update_plan(
    *, actor: User, plan: DevelopmentPlan, values: Mapping[str, Any], expected_version: int
) -> DevelopmentPlan:
    """Change the plan's purpose and the date the family agreed to it. Raises
    ConcurrentEditError when the plan changed since `expected_version`. Side effect:
    "development.plan.update" with the changed fields."""
    if not rules.can_change_plan(actor, plan.family):
        raise PermissionDeniedError
    before = snapshot(plan, PLAN_FIELDS)
    for name in PLAN_FIELDS:
        if name in values:
            value = values[name]
            setattr(plan, name, value.strip() if isinstance(value, str) else value)
    _full_clean(plan)
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    version = save_versioned(plan, expected_version=expected_version, fields=PLAN_FIELDS)
    log_action(
        "development.plan.update",
        actor=actor,
        obj=plan,
        municipality_id=plan.family.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return plan


# -- goals --------------------------------------------------------------------------------------


def unknown_owner_message() -> str:
    """The one answer for a responsible person who is unknown or may not be responsible."""
    return _(
        "Choose a consultant or leader of the family's municipality, or a specialist of an "
        "institution working with the family."
    )


def _check_owner(goal: Goal, previous_owner_id: int | None) -> None:
    """A named person must be someone who may be responsible now (selectors.assignable_owners);
    an owner left unchanged is kept even if they no longer are (e.g. an engagement ended)."""
    if goal.owner_kind == GoalOwnerKind.FAMILY:
        goal.owner = None
        return
    if goal.owner_id is None or goal.owner_id == previous_owner_id:
        return
    if not selectors.assignable_owners(goal.plan.family).filter(pk=goal.owner_id).exists():
        raise ValidationError({"owner": [unknown_owner_message()]})


def _apply(goal: Goal, values: Mapping[str, Any]) -> None:
    if "owner" in values and "owner_kind" not in values:
        # Naming a person (or none) says who is responsible.
        values = {
            **values,
            "owner_kind": GoalOwnerKind.PERSON if values["owner"] else GoalOwnerKind.FAMILY,
        }
    for name in GOAL_FIELDS:
        if name in values:
            value = values[name]
            setattr(goal, name, value.strip() if isinstance(value, str) else value)
    if goal.status not in GoalStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    if goal.owner_kind not in GoalOwnerKind.values:
        raise ValidationError({"owner_kind": [_("Choose who is responsible.")]})


@transaction.atomic
def add_goal(*, actor: User, plan: DevelopmentPlan, values: Mapping[str, Any]) -> Goal:
    """Add a goal at the end of the plan: `values` has the title, description, methods, who is
    responsible (`owner_kind`, and `owner` for a named person), the status (default not
    started) and the next review date (required while the goal is open). Side effect:
    "development.goal.create"."""
    if not rules.can_change_plan(actor, plan.family):
        raise PermissionDeniedError
    # Serialise additions to one plan, so two goals do not get the same position.
    DevelopmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.goals.aggregate(last=Max("position"))["last"]
    goal = Goal(plan=plan, position=0 if last is None else last + 1, created_by=actor)
    _apply(goal, values)
    _check_owner(goal, None)
    _full_clean(goal)
    goal.save()
    log_action(
        "development.goal.create",
        actor=actor,
        obj=goal,
        municipality_id=plan.family.municipality_id,
        changes=diff({}, snapshot(goal, GOAL_FIELDS)),
        data={"version": goal.version, "plan": str(plan.uuid)},
    )
    return goal


@transaction.atomic
def update_goal(
    *, actor: User, goal: Goal, values: Mapping[str, Any], expected_version: int
) -> Goal:
    """Change the fields of `goal` named in `values` (a subset of GOAL_FIELDS). Whoever may
    change the plan changes any field; the goal's responsible person only the status and the
    next review date (rules.can_review_goal). Raises ConcurrentEditError when the goal changed
    since `expected_version`. Side effect: "development.goal.update" with the changed fields."""
    unknown = set(values) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    if not rules.can_change_plan(actor, goal.plan.family) and not (
        set(values) <= REVIEW_FIELDS and rules.can_review_goal(actor, goal)
    ):
        raise PermissionDeniedError
    before = snapshot(goal, GOAL_FIELDS)
    previous_owner_id = goal.owner_id
    _apply(goal, values)
    _check_owner(goal, previous_owner_id)
    _full_clean(goal)
    changes = diff(before, snapshot(goal, GOAL_FIELDS))
    version = save_versioned(goal, expected_version=expected_version, fields=GOAL_FIELDS)
    log_action(
        "development.goal.update",
        actor=actor,
        obj=goal,
        municipality_id=goal.plan.family.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return goal


@transaction.atomic
def review_goal(
    *,
    actor: User,
    goal: Goal,
    status: str,
    review_on: dt.date | None,
    note: str = "",
    expected_version: int,
) -> Goal:
    """Record a review of `goal`: its status now, the next review date (empty once achieved or
    dropped) and, optionally, a progress note on how it went. By whoever may change the plan and
    by the goal's responsible person. Side effects: "development.goal.update" and, with a note,
    "development.goal.note"."""
    update_goal(
        actor=actor,
        goal=goal,
        values={"status": status, "review_on": review_on},
        expected_version=expected_version,
    )
    if note.strip():
        add_progress_note(actor=actor, goal=goal, text=note)
    return goal


# -- progress notes -----------------------------------------------------------------------------


@transaction.atomic
def add_progress_note(*, actor: User, goal: Goal, text: str) -> ProgressNote:
    """Append a progress note to `goal`: by whoever may change the plan, the family's foster
    parents and the goal's responsible person (rules.can_add_note). Notes are never changed or
    deleted. Side effect: "development.goal.note" (with the note's id, not its text)."""
    if not rules.can_add_note(actor, goal):
        raise PermissionDeniedError
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write the note.")]})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"text": [_("Keep the note under %(max)d characters.") % {"max": MAX_NOTE_LENGTH}]}
        )
    note = ProgressNote(goal=goal, author=actor, text=text, written_at=timezone.now())
    _full_clean(note)
    note.save()
    log_action(
        "development.goal.note",
        actor=actor,
        obj=goal,
        municipality_id=goal.plan.family.municipality_id,
        data={"note": str(note.uuid)},
    )
    return note


# -- supervision courses ------------------------------------------------------------------------


def unknown_course_message() -> str:
    """The one answer for a course that is unknown, invisible, or not the family's."""
    return _("Choose one of the family's supervision courses.")


@transaction.atomic
def link_course(*, actor: User, goal: Goal, course: SupervisionCourse) -> CourseLink:
    """Record that `course` works on `goal`. The family must take part in the course, which
    must not be declined, and the course may work on one goal of the plan only. By whoever may
    change the plan. Side effect: "development.goal.link_course"."""
    plan = goal.plan
    if not rules.can_change_plan(actor, plan.family):
        raise PermissionDeniedError
    if not course.families.filter(pk=plan.family_id).exists():
        raise ValidationError({"course": [unknown_course_message()]})
    if course.status == SupervisionStatus.DECLINED:
        raise ValidationError({"course": [_("A declined course works on no goal.")]})
    taken = ValidationError(
        {"course": [_("The course already works on a goal of this plan; unlink it there first.")]}
    )
    if CourseLink.objects.filter(plan=plan, course=course).exists():
        raise taken
    link = CourseLink(plan=plan, goal=goal, course=course, linked_by=actor)
    link.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise taken from None
    log_action(
        "development.goal.link_course",
        actor=actor,
        obj=goal,
        municipality_id=plan.family.municipality_id,
        data={"course": str(course.uuid)},
    )
    return link


@transaction.atomic
def unlink_course(*, actor: User, link: CourseLink) -> None:
    """The course no longer works on the goal (the course itself is unchanged). By whoever may
    change the plan. Side effect: "development.goal.unlink_course"."""
    goal = link.goal
    if not rules.can_change_plan(actor, goal.plan.family):
        raise PermissionDeniedError
    course_uuid = link.course.uuid
    link.delete()
    log_action(
        "development.goal.unlink_course",
        actor=actor,
        obj=goal,
        municipality_id=goal.plan.family.municipality_id,
        data={"course": str(course_uuid)},
    )
