"""API endpoints for supervision courses: the same selectors, services and policy as the UI.
Private notes are only ever in the answer for the delivering institution's staff."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.competence import rules
from samspil.competence.enums import SupervisionKind, SupervisionLocation, SupervisionStatus
from samspil.competence.models import SupervisionCourse, Theme
from samspil.competence.selectors import supervision as selectors
from samspil.competence.services import supervision as services
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.families import selectors as family_selectors
from samspil.organisations.models import Institution

router = Router(tags=["competence"])


# -- schemas ----------------------------------------------------------------------------------


class FamilyRef(Schema):
    id: uuid.UUID = Field(alias="uuid")
    name: str


class CourseOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    kind: SupervisionKind
    status: SupervisionStatus
    municipality: str = Field(alias="municipality.code")
    institution: int = Field(alias="institution_id")
    institution_name: str = Field(alias="institution.name")
    supervisor: str | None = Field(None, description="Username of the supervisor.")
    families: list[FamilyRef]
    title: str
    theme: str | None = None
    problem: str
    goal: str
    planned_sessions: int
    session_hours: Decimal
    location: SupervisionLocation
    consultant_takes_part: bool
    opened_on: dt.date | None
    closed_on: dt.date | None
    goal_rating: int | None
    closing_summary: str
    decline_reason: str
    sessions_held: int = Field(0, description="Sessions logged so far.")

    @staticmethod
    def resolve_supervisor(obj: SupervisionCourse) -> str | None:
        return obj.supervisor.username if obj.supervisor else None

    @staticmethod
    def resolve_families(obj: SupervisionCourse) -> list[Any]:
        return list(obj.families.all())

    @staticmethod
    def resolve_theme(obj: SupervisionCourse) -> str | None:
        return obj.theme.name if obj.theme else None

    @staticmethod
    def resolve_sessions_held(obj: SupervisionCourse) -> int:
        held = getattr(obj, "sessions_held", None)
        return int(held) if held is not None else obj.sessions.count()


class SessionOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    starts_at: dt.datetime
    hours: Decimal
    location: SupervisionLocation
    delivered_by: str
    attended: list[uuid.UUID]
    consultant_present: bool
    shared_notes: str | None = Field(None, description="For the institution, municipality, family.")
    private_notes: str | None = Field(None, description="Only for the delivering institution.")

    @staticmethod
    def resolve_delivered_by(obj: selectors.SessionView) -> str:
        return obj.delivered_by.get_username()

    @staticmethod
    def resolve_attended(obj: selectors.SessionView) -> list[uuid.UUID]:
        return [f.uuid for f in obj.attended]


class ExtensionOut(Schema):
    added_sessions: int
    reason: str
    created_at: dt.datetime


class CourseDetailOut(CourseOut):
    sessions: list[SessionOut] = Field(alias="session_log")
    extensions: list[ExtensionOut] = Field(alias="extension_log")


class CourseIn(Schema):
    family: uuid.UUID
    institution: int = Field(description="The institution's id (see /institutions).")
    supervisor: str = Field(description="Username of a specialist of the institution.")
    problem: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    planned_sessions: int = Field(ge=1, le=52)
    session_hours: Decimal = Field(ge=Decimal("0.5"), le=Decimal("8"))
    location: SupervisionLocation = SupervisionLocation.HOME
    consultant_takes_part: bool = False
    title: str = Field("", max_length=200)
    theme: str | None = Field(None, description="The theme's name.")


class CourseFilterIn(Schema):
    status: str = ""
    kind: str = ""


class Error(Schema):
    detail: Any


# -- helpers ----------------------------------------------------------------------------------


def _with_log(request: HttpRequest, course: SupervisionCourse) -> SupervisionCourse:
    """The course with its session log as the user may see it (notes they may not read are
    null); an institution that has not accepted a referral gets no sessions."""
    detail = selectors.course_detail(request.user, course)
    setattr(course, "session_log", detail.sessions)  # noqa: B010
    setattr(course, "extension_log", detail.extensions)  # noqa: B010
    return course


def _referenced(payload: CourseIn) -> tuple[Institution, Any, Theme | None]:
    errors: dict[str, list[str]] = {}
    institution = Institution.objects.filter(pk=payload.institution).first()
    if institution is None:
        errors["institution"] = [f"No institution with id {payload.institution}."]
    supervisor = (
        selectors.supervisors_for(payload.institution).filter(username=payload.supervisor).first()
    )
    if supervisor is None:
        errors["supervisor"] = [f"No specialist of the institution named '{payload.supervisor}'."]
    theme = None
    if payload.theme:
        theme = Theme.objects.filter(name=payload.theme).first()
        if theme is None:
            errors["theme"] = [f"No theme named '{payload.theme}'."]
    if errors:
        raise ValidationError(errors)
    assert institution is not None
    return institution, supervisor, theme


# -- endpoints ----------------------------------------------------------------------------------


@router.get("/supervision-courses", response=list[CourseOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_supervision_courses(request: HttpRequest, filters: Query[CourseFilterIn]) -> Any:
    return selectors.courses_for(
        request.user, selectors.CourseFilters(status=filters.status, kind=filters.kind)
    )


@router.get("/supervision-courses/{course_id}", response=CourseDetailOut)
def get_supervision_course(request: HttpRequest, course_id: uuid.UUID) -> Any:
    course = selectors.get_course_for(request.user, course_id)
    return _with_log(request, course)


@router.post(
    "/supervision-courses", response={201: CourseDetailOut, 403: Error, 404: Error, 422: Error}
)
def open_supervision_course(request: HttpRequest, payload: CourseIn) -> Any:
    """Open an individual supervision course (as the UI's "New individual supervision
    course"). 404 when the family is not visible, 403 when it is but you may not open a
    course for it, 422 with the reasons per field otherwise."""
    family = family_selectors.get_family_for(request.user, payload.family, audit=False)
    if not rules.can_open_course(request.user, family):
        raise PermissionDeniedError
    institution, supervisor, theme = _referenced(payload)
    values = payload.model_dump(exclude={"family", "institution", "supervisor", "theme"})
    values["theme"] = theme
    course = services.open_supervision_course(
        actor=request_user(request),
        family=family,
        institution=institution,
        supervisor=supervisor,
        values=values,
    )
    course = selectors.get_course_for(request.user, course.uuid, audit=False)
    return Status(201, _with_log(request, course))
