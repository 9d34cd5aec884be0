"""API endpoints for development plans. The same selectors, services and policy as the UI: 404
for a plan or goal outside it (exactly like an unknown id), 403 for one the caller sees but may
not change, 409 on a stale `version`, 422 with the reasons.

`GET /development-plans?family=`, `GET /development-plans/{id}` (audited), `POST
/development-plans` (`family`: an unknown family and one the caller may not see answer the same
422), `POST /development-plans/{id}/goals`, `PATCH /development-goals/{id}` (with `version`),
`POST /development-goals/{id}/notes`. Linking supervision courses is UI only."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.accounts.models import User
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.development import rules, selectors, services
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families import selectors as family_selectors

router = Router(tags=["development"])

UNKNOWN_FAMILY = "No family with this id."


# -- schemas ----------------------------------------------------------------------------------


class FamilyRef(Schema):
    id: uuid.UUID = Field(alias="uuid")
    name: str


class PlanSummaryOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    family: FamilyRef
    purpose: str
    agreed_on: dt.date | None
    goals: int = Field(alias="goals_total")
    open_goals: int = Field(description="Goals not achieved or dropped.")
    reviews_due: int = Field(description="Open goals whose review is due within a week.")
    next_review: dt.date | None = Field(description="The earliest review of an open goal.")
    updated_at: dt.datetime


class NoteOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    written_at: dt.datetime
    author: str
    text: str

    @staticmethod
    def resolve_author(obj: ProgressNote) -> str:
        return obj.author.get_username()


class CourseOut(Schema):
    id: uuid.UUID = Field(alias="course.uuid")
    title: str
    kind: str = Field(alias="course.kind")
    status: str = Field(alias="course.status")
    institution: str = Field(alias="course.institution.name")

    @staticmethod
    def resolve_title(obj: CourseLink) -> str:
        return obj.course.title or str(obj.course.get_kind_display())


class GoalOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    title: str
    description: str
    methods: str
    owner_kind: GoalOwnerKind
    owner: str | None = Field(description="Username of the responsible person, if any.")
    status: GoalStatus
    review_on: dt.date | None
    notes: list[NoteOut] = Field(alias="note_log", description="Progress notes, newest first.")
    courses: list[CourseOut] = Field(
        alias="course_log",
        description="Supervision courses working on the goal that the caller may see.",
    )

    @staticmethod
    def resolve_owner(obj: Goal) -> str | None:
        return obj.owner.get_username() if obj.owner else None


class PlanOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    family: FamilyRef
    purpose: str
    agreed_on: dt.date | None
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    goals: list[GoalOut] = Field(alias="goal_log")

    @staticmethod
    def resolve_created_by(obj: DevelopmentPlan) -> str:
        return obj.created_by.get_username()


class PlanIn(Schema):
    family: uuid.UUID
    purpose: str = Field(min_length=1)
    agreed_on: dt.date | None = None


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    methods: str = ""
    owner: str | None = Field(
        None, description="Username of the responsible person; null: the foster family."
    )
    status: GoalStatus = GoalStatus.NOT_STARTED
    review_on: dt.date | None = Field(None, description="Required while the goal is open.")


class GoalPatchIn(Schema):
    version: int = Field(description="The version the change starts from (409 if stale).")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    methods: str | None = None
    owner: str | None = Field(
        None, description="Username of the responsible person; null: the foster family."
    )
    status: GoalStatus | None = None
    review_on: dt.date | None = None


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=services.MAX_NOTE_LENGTH)


class PlanFilterIn(Schema):
    family: uuid.UUID | None = Field(None, description="Only this family's plan.")


class Error(Schema):
    detail: Any


# -- helpers ------------------------------------------------------------------------------------


def _with_goals(request: HttpRequest, plan: DevelopmentPlan) -> DevelopmentPlan:
    """The plan with its goals, each with its notes and the courses the caller may see."""
    detail = selectors.plan_detail(request.user, plan)
    for view in detail.goals:
        setattr(view.goal, "note_log", view.notes)  # noqa: B010
        setattr(view.goal, "course_log", view.links)  # noqa: B010
    setattr(plan, "goal_log", [view.goal for view in detail.goals])  # noqa: B010
    return plan


def _owner(username: str | None) -> User | None:
    """The user named as responsible, or 422 for an unknown username (the service checks that
    they may be responsible for a goal of this family, with the same message)."""
    if not username:
        return None
    user = selectors.active_user(username)
    if user is None:
        raise ValidationError({"owner": [services.unknown_owner_message()]})
    return user


def _goal_out(request: HttpRequest, goal: Goal) -> Goal:
    """The goal with its notes and the courses the caller may see."""
    notes, links = selectors.goal_log(request.user, goal)
    setattr(goal, "note_log", notes)  # noqa: B010
    setattr(goal, "course_log", links)  # noqa: B010
    return goal


# -- endpoints ----------------------------------------------------------------------------------


@router.get("/development-plans", response=list[PlanSummaryOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_plans(request: HttpRequest, filters: Query[PlanFilterIn]) -> Any:
    """The plans the caller may see (consultants and leaders: their municipality's; institution
    staff: those of families their institution is engaged with; a foster parent: their own),
    by family name. Not audited (a list)."""
    plans = selectors.plans_for(request.user)
    if filters.family is not None:
        plans = plans.filter(family__uuid=filters.family)
    return plans


@router.get("/development-plans/{plan_id}", response={200: PlanOut, 404: Error})
def get_plan(request: HttpRequest, plan_id: uuid.UUID) -> Any:
    """One plan with its goals, progress notes and linked supervision courses. Audited."""
    return _with_goals(request, selectors.get_plan_for(request.user, plan_id))


@router.post("/development-plans", response={201: PlanOut, 403: Error, 422: Error})
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    """Create a family's plan (a family has one: 422 if it exists). 403 when you see the family
    but may not write its plan; an unknown family and one you may not see answer 422."""
    try:
        family = family_selectors.get_family_for(request.user, payload.family, audit=False)
    except Http404:
        raise ValidationError({"family": [UNKNOWN_FAMILY]}) from None
    if not rules.can_change_plan(request.user, family):
        raise PermissionDeniedError
    plan = services.create_plan(
        actor=request_user(request),
        family=family,
        purpose=payload.purpose,
        agreed_on=payload.agreed_on,
    )
    plan = selectors.get_plan_for(request.user, plan.uuid, audit=False)
    return Status(201, _with_goals(request, plan))


@router.post(
    "/development-plans/{plan_id}/goals",
    response={201: GoalOut, 403: Error, 404: Error, 422: Error},
)
def add_goal(request: HttpRequest, plan_id: uuid.UUID, payload: GoalIn) -> Any:
    """Add a goal at the end of the plan. Without `owner` the foster family is responsible."""
    plan = selectors.get_plan_for(request.user, plan_id, audit=False)
    if not rules.can_change_plan(request.user, plan.family):
        raise PermissionDeniedError
    owner = _owner(payload.owner)
    goal = services.add_goal(
        actor=request_user(request),
        plan=plan,
        values={
            "title": payload.title,
            "description": payload.description,
            "methods": payload.methods,
            "owner_kind": GoalOwnerKind.PERSON if owner else GoalOwnerKind.FAMILY,
            "owner": owner,
            "status": payload.status,
            "review_on": payload.review_on,
        },
    )
    return Status(201, _goal_out(request, goal))


@router.patch(
    "/development-goals/{goal_id}",
    response={200: GoalOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def update_goal(request: HttpRequest, goal_id: uuid.UUID, payload: GoalPatchIn) -> Any:
    """Change the fields you send. The consultants and leaders of the family's municipality
    change any field; the goal's responsible person only `status` and `review_on` (403 for
    more). `owner` null makes the family responsible. 409 with `current_version` and the
    intervening `changes` when the goal changed since `version`."""
    goal = selectors.get_goal_for(request.user, goal_id, audit=False)
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version")
    if "owner" in values:
        values["owner"] = _owner(values["owner"])
    services.update_goal(
        actor=request_user(request), goal=goal, values=values, expected_version=version
    )
    return _goal_out(request, selectors.get_goal_for(request.user, goal_id, audit=False))


@router.post(
    "/development-goals/{goal_id}/notes",
    response={201: NoteOut, 403: Error, 404: Error, 422: Error},
)
def add_note(request: HttpRequest, goal_id: uuid.UUID, payload: NoteIn) -> Any:
    """Add a progress note (the consultant, the foster parents, the goal's responsible
    person). Notes cannot be changed or deleted."""
    goal = selectors.get_goal_for(request.user, goal_id, audit=False)
    note = services.add_progress_note(actor=request_user(request), goal=goal, text=payload.text)
    return Status(201, note)
