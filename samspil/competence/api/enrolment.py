"""API endpoints for enrolment: enrol a family in a session (a place or the waiting list),
cancel, and list. Enrolments are about families: the same policy as the UI
(rules.enrolment_filter / can_enrol), 404 outside it, and detail reads are audited.

`DELETE /enrolments/{id}` answers 200 with the cancelled enrolment (so the caller sees
`late_cancellation`)."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import Enrolment
from samspil.competence.selectors import enrolment as selectors
from samspil.competence.selectors.offerings import get_session_for
from samspil.competence.services import enrolment as services
from samspil.core.types import request_user
from samspil.families.selectors import get_family_for

router = Router(tags=["competence"])


class EnrolmentOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    session: uuid.UUID = Field(alias="session.uuid")
    offering: uuid.UUID = Field(alias="session.offering.uuid")
    family: uuid.UUID = Field(alias="family.uuid")
    family_name: str = Field(alias="family.name")
    status: EnrolmentStatus = Field(
        description='"enrolled" (a place), "waitlisted" (the waiting list) or "cancelled".'
    )
    waitlisted_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    late_cancellation: bool
    attendance: str = Field(description='"attended", "no_show" or "" (not registered).')


class EnrolmentIn(Schema):
    session: uuid.UUID = Field(description="The session's id.")
    family: uuid.UUID = Field(description="The family's id.")


class EnrolmentFilterIn(Schema):
    family: uuid.UUID | None = None
    session: uuid.UUID | None = None
    status: EnrolmentStatus | None = None


class Error(Schema):
    detail: Any


@router.post("/enrolments", response={201: EnrolmentOut, 403: Error, 422: Error})
def create_enrolment(request: HttpRequest, payload: EnrolmentIn) -> Any:
    """Enrol a family: `status` is "enrolled" when there was a free place, otherwise
    "waitlisted". A session or family you cannot see, a cancelled or started session, an
    offering outside the family's catalogue, or a second enrolment answer 422 per field."""
    errors: dict[str, list[str]] = {}
    try:
        session = get_session_for(request.user, payload.session)
    except Http404:
        errors["session"] = ["No session with this id."]
    try:
        family = get_family_for(request.user, payload.family, audit=False)
    except Http404:
        errors["family"] = ["No family with this id."]
    if errors:
        raise ValidationError(errors)
    enrolment = services.enrol_family(actor=request_user(request), session=session, family=family)
    return Status(201, enrolment)


@router.delete("/enrolments/{enrolment_id}", response={200: EnrolmentOut, 403: Error, 422: Error})
def cancel_enrolment(request: HttpRequest, enrolment_id: uuid.UUID) -> Any:
    """Cancel a place or a waiting-list place; answers 200 with the cancelled enrolment.
    A freed place goes to the first family on the waiting list."""
    enrolment = selectors.get_enrolment_for(request.user, enrolment_id, audit=False)
    return services.cancel_enrolment(actor=request_user(request), enrolment=enrolment)


@router.get("/enrolments", response=list[EnrolmentOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_enrolments(request: HttpRequest, filters: Query[EnrolmentFilterIn]) -> Any:
    return selectors.enrolments_for(
        request.user,
        selectors.EnrolmentFilters(
            family=filters.family, session=filters.session, status=filters.status or ""
        ),
    )


@router.get("/enrolments/{enrolment_id}", response=EnrolmentOut)
def get_enrolment(request: HttpRequest, enrolment_id: uuid.UUID) -> Enrolment:
    return selectors.get_enrolment_for(request.user, enrolment_id)
