"""API endpoints of due measurements, answer links and measurement plans.

* `GET /measurements?status=&family=` — the measurements you may see (`status`: `open` for due
  or link sent, or one of `due`, `sent`, `answered`, `cancelled`; `family`: a family's id),
  paginated; each page read is audited (the ids shown).
* `GET /measurements/{id}` — one, with its answer links (never their tokens).
* `POST /measurements` — an extra measurement (`family`, `instrument` code, `child` for an
  instrument about a child, `due_on`, today by default) → 201. A family you cannot see
  answers 422 with the same message as an unknown id; one you see but may not manage 403.
* `POST /measurements/{id}/links` — an answer link (`recipient_name`, `recipient_email`,
  `send`) → 201 with `url`, shown this once (only its hash is kept), and `expires_at`.
* `GET /measurement-plans/{municipality_code}` — the plan of a municipality you are a
  consultant or leader of (404 otherwise, and when it has none).
"""

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.types import UserLike, request_user
from samspil.families import selectors as family_selectors
from samspil.measures.enums import MeasurementReason, MeasurementStatus, Respondent
from samspil.measures.models import AnswerLink, Measurement
from samspil.measures.selectors import measurements as selectors
from samspil.measures.selectors import plans as plan_selectors
from samspil.measures.services import links as link_services
from samspil.measures.services import measurements as services

router = Router(tags=["measures"])


class LinkOut(Schema):
    recipient_name: str
    recipient_email: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class MeasurementOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    family: uuid.UUID = Field(alias="family.uuid")
    child: uuid.UUID | None = None
    instrument: str = Field(alias="instrument.code")
    respondent: Respondent
    reason: MeasurementReason
    occurrence: int
    due_on: dt.date
    status: MeasurementStatus
    links: list[LinkOut]

    @staticmethod
    def resolve_child(obj: Measurement) -> uuid.UUID | None:
        return obj.child.uuid if obj.child else None

    @staticmethod
    def resolve_links(obj: Measurement) -> list[AnswerLink]:
        return list(obj.links.all())


class MeasurementIn(Schema):
    family: uuid.UUID
    instrument: str = Field(description="The instrument's code, e.g. sdq-teacher-4-17.")
    child: uuid.UUID | None = Field(None, description="For an instrument about a child.")
    due_on: dt.date | None = Field(None, description="Today when left out.")


class LinkIn(Schema):
    recipient_name: str
    recipient_email: str = ""
    send: bool = Field(True, description="E-mail the link (needs recipient_email).")


class LinkCreatedOut(Schema):
    url: str = Field(description="The answer link. Shown only this once.")
    expires_at: dt.datetime
    emailed: bool
    measurement: uuid.UUID
    status: MeasurementStatus


class PointOut(Schema):
    instrument: str
    respondent: Respondent
    at_entry: bool
    every_months: int | None
    at_end: bool


class PlanOut(Schema):
    municipality: str
    version: int
    reminder_days: int
    link_valid_days: int
    points: list[PointOut]


class MeasurementFiltersIn(Schema):
    status: str = Field("", description="open, due, sent, answered or cancelled; all if empty.")
    family: uuid.UUID | None = None


class Error(Schema):
    detail: Any


class AuditedPages(PageNumberPagination):
    """ninja's `?page=` pagination that writes the list-read entry for the page it answers."""

    def __init__(self, *, audit: Callable[[UserLike, Sequence[Any]], None], **kwargs: Any):
        self.audit = audit
        super().__init__(**kwargs)

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        rows = list(result[self.items_attribute])
        self.audit(request_user(request), rows)
        result[self.items_attribute] = rows
        return result


@router.get("/measurements", response=list[MeasurementOut])
@paginate(
    AuditedPages, page_size=settings.SAMSPIL_PAGE_SIZE, audit=selectors.audit_measurement_list
)
def list_measurements(request: HttpRequest, filters: Query[MeasurementFiltersIn]) -> Any:
    """Measurements you may see, due date first."""
    if (
        filters.status
        and filters.status != "open"
        and filters.status not in MeasurementStatus.values
    ):
        raise ValidationError({"status": ["Use open, due, sent, answered or cancelled."]})
    return selectors.measurements_for(
        request_user(request),
        selectors.MeasurementFilters(status=filters.status, family=filters.family),
    )


@router.get("/measurements/{measurement_id}", response=MeasurementOut)
def get_measurement(request: HttpRequest, measurement_id: uuid.UUID) -> Any:
    return selectors.get_measurement_for(request_user(request), measurement_id)


@router.post("/measurements", response={201: MeasurementOut, 403: Error, 422: Error})
def create_measurement(request: HttpRequest, payload: MeasurementIn) -> Any:
    """An extra measurement."""
    user = request_user(request)
    try:
        family = family_selectors.get_family_for(user, payload.family, audit=False)
    except Http404:
        raise ValidationError({"family": ["No family with this id."]}) from None
    instrument = next(
        (
            i
            for i, _name, _subject in selectors.extra_instruments(family)
            if i.code == payload.instrument
        ),
        None,
    )
    if instrument is None:
        raise ValidationError({"instrument": ["No questionnaire with this code."]})
    child = None
    if payload.child is not None:
        child = next(
            (c for c in selectors.children_placed(family) if c.uuid == payload.child), None
        )
        if child is None:
            raise ValidationError({"child": ["No child with this id is placed in the family."]})
    measurement = services.add_measurement(
        actor=user, family=family, instrument=instrument, child=child, due_on=payload.due_on
    )
    return Status(201, selectors.get_measurement_for(user, measurement.uuid, audit=False))


@router.post(
    "/measurements/{measurement_id}/links",
    response={201: LinkCreatedOut, 403: Error, 422: Error},
)
def create_link(request: HttpRequest, measurement_id: uuid.UUID, payload: LinkIn) -> Any:
    """An answer link; its `url` is in this answer only."""
    user = request_user(request)
    measurement = selectors.get_measurement_for(user, measurement_id, audit=False)
    link, token = link_services.create_link(
        actor=user,
        measurement=measurement,
        recipient_name=payload.recipient_name,
        recipient_email=payload.recipient_email,
        send=payload.send,
    )
    return Status(
        201,
        {
            "url": link_services.answer_url(token),
            "expires_at": link.expires_at,
            "emailed": bool(payload.send and link.recipient_email),
            "measurement": measurement.uuid,
            "status": measurement.status,
        },
    )


@router.get("/measurement-plans/{municipality_code}", response=PlanOut)
def get_plan(request: HttpRequest, municipality_code: str) -> Any:
    user = request_user(request)
    municipality = plan_selectors.get_plan_municipality(user, municipality_code)
    view = plan_selectors.plan_view(user, municipality)
    if view.plan is None:
        raise Http404
    return {
        "municipality": municipality.code,
        "version": view.plan.version,
        "reminder_days": view.plan.reminder_days,
        "link_valid_days": view.plan.link_valid_days,
        "points": [
            {
                "instrument": row.point.instrument.code,
                "respondent": row.point.respondent,
                "at_entry": row.point.at_entry,
                "every_months": row.point.every_months,
                "at_end": row.point.at_end,
            }
            for row in view.points
        ],
    }
