"""Responses and trends.

* `GET /responses?family=&child=&instrument=` — the complete responses the caller may see
  (newest first, paginated), each with its scores, bands and flags; every page read is audited
  ("measures.response.list", ids only).
* `GET /responses/{id}` — one response with every answer and its item's label (the imported
  licensed text in the request's language, else the neutral label); "measures.response.read".
* `POST /responses` — staff type in a paper form: `family`, `child` (for instruments about a
  child), `instrument` (code), `respondent`, `answers`, `answered_on` → 201 with the scores,
  `bands` (three-band), `bands4` (four-band) and `flags`, scored in the instrument's current
  version. A family or child the caller cannot see answers 422 with the same message as an
  unknown id; a family the caller sees but may not enter answers for (a case worker) 403; bad
  answers 422 naming each.
* `GET /children/{id}/trends`, `GET /families/{id}/trends` — the trend pages' series: per
  instrument, respondent and scale the points, the change since the first measurement and the
  reliable-change verdict with its method ("measures.trend.read"). 404 for a child or family
  the caller cannot see, 403 for a caller who sees it but no answers at all.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.families import selectors as family_selectors
from samspil.measures import rules
from samspil.measures.enums import Respondent
from samspil.measures.models import Response
from samspil.measures.selectors import responses as selectors
from samspil.measures.selectors import trends as trend_selectors
from samspil.measures.services import responses as services

router = Router(tags=["measures"])


class Error(Schema):
    detail: Any


class ResponseOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    instrument: str = Field(alias="instrument_version.instrument.code")
    version: int = Field(alias="instrument_version.number")
    family: uuid.UUID = Field(alias="family.uuid")
    child: uuid.UUID | None = None
    respondent: Respondent
    answered_on: dt.date | None
    entered_by: str | None = Field(
        None, description="Username of the staff member who typed in a paper form."
    )
    scores: dict[str, int | None]
    bands: dict[str, str | None]
    bands4: dict[str, str | None]
    flags: list[str]

    @staticmethod
    def resolve_child(obj: Response) -> uuid.UUID | None:
        return obj.child.uuid if obj.child else None

    @staticmethod
    def resolve_entered_by(obj: Response) -> str | None:
        return obj.entered_by.get_username() if obj.entered_by else None

    @staticmethod
    def resolve_scores(obj: Response) -> dict[str, int | None]:
        return {s.scale: s.value for s in obj.scores.all()}

    @staticmethod
    def resolve_bands(obj: Response) -> dict[str, str | None]:
        return {s.scale: s.band or None for s in obj.scores.all()}

    @staticmethod
    def resolve_bands4(obj: Response) -> dict[str, str | None]:
        return {s.scale: s.band4 or None for s in obj.scores.all()}


class AnswerOut(Schema):
    item: str
    label: str
    licensed: bool = Field(description="The label is the imported licensed text.")
    section: str
    value: int | str | None
    answer: str = Field(description="The answer as read: the option's label and its value.")


class ResponseIn(Schema):
    family: uuid.UUID
    child: uuid.UUID | None = Field(None, description="Required for instruments about a child.")
    instrument: str = Field(description="The instrument's code, e.g. 'sdq-parent-4-17'.")
    respondent: Respondent
    answers: dict[str, int | str | None] = Field(
        description="Item key → the answer's value (null or absent: unanswered)."
    )
    answered_on: dt.date | None = Field(None, description="Today when left out.")


class ResponseFilterIn(Schema):
    family: uuid.UUID | None = None
    child: uuid.UUID | None = None
    instrument: str | None = None


class AuditedPages(PageNumberPagination):
    """`?page=` pagination that writes "measures.response.list" for the rows it answers."""

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        result = super().paginate_queryset(queryset, pagination, request, **params)
        rows: Sequence[Response] = list(result[self.items_attribute])
        selectors.audit_response_list(request_user(request), rows)
        result[self.items_attribute] = rows
        return result


class ResponseDetailOut(Schema):
    id: uuid.UUID
    instrument: str
    version: int
    family: uuid.UUID
    child: uuid.UUID | None
    respondent: Respondent
    answered_on: dt.date | None
    entered_by: str | None
    scores: dict[str, int | None]
    bands: dict[str, str | None]
    bands4: dict[str, str | None]
    flags: list[str]
    answers: list[AnswerOut]


def _detail(response: Response) -> dict[str, Any]:
    detail = selectors.response_detail(response)
    return {
        "id": response.uuid,
        "instrument": response.instrument_version.instrument.code,
        "version": response.instrument_version.number,
        "family": response.family.uuid,
        "child": response.child.uuid if response.child else None,
        "respondent": response.respondent,
        "answered_on": response.answered_on,
        "entered_by": response.entered_by.get_username() if response.entered_by else None,
        "scores": {row.scale: row.value for row in detail.scores},
        "bands": {row.scale: row.band or None for row in detail.scores},
        "bands4": {row.scale: row.band4 or None for row in detail.scores},
        "flags": list(response.flags),
        "answers": [
            {
                "item": row.key,
                "label": row.label,
                "licensed": row.licensed,
                "section": row.section,
                "value": row.value,
                "answer": row.shown,
            }
            for row in detail.answers
        ],
    }


@router.get("/responses", response=list[ResponseOut], summary="List responses")
@paginate(AuditedPages, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_responses(request: HttpRequest, filters: Query[ResponseFilterIn]) -> Any:
    return selectors.responses_for(
        request_user(request),
        family=filters.family,
        child=filters.child,
        instrument=filters.instrument,
    )


@router.get("/responses/{response_id}", response=ResponseDetailOut, summary="One response")
def get_response(request: HttpRequest, response_id: uuid.UUID) -> dict[str, Any]:
    response = selectors.get_response_for(request_user(request), response_id)
    return _detail(response)


@router.post(
    "/responses",
    response={201: ResponseDetailOut, 403: Error, 404: Error, 422: Error},
    summary="Enter a paper form",
)
def create_response(request: HttpRequest, payload: ResponseIn) -> Any:
    user = request_user(request)
    errors: dict[str, list[str]] = {}
    family = child = None
    try:
        family = family_selectors.get_family_for(user, payload.family, audit=False)
    except Http404:
        errors["family"] = ["No family with this id."]
    if payload.child is not None:
        try:
            child = family_selectors.get_child_for(user, payload.child, audit=False)
        except Http404:
            errors["child"] = ["No child with this id."]
    if payload.answered_on is not None and payload.answered_on > timezone.localdate():
        errors["answered_on"] = ["The date cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    assert family is not None
    if not rules.can_manage_measurements(user, family.municipality_id):
        raise PermissionDeniedError
    try:
        services.current_version(payload.instrument)
    except Http404:
        raise ValidationError({"instrument": ["No instrument with this code."]}) from None
    response = services.record_response(
        actor=user,
        family=family,
        code=payload.instrument,
        respondent=payload.respondent.value,
        answers=payload.answers,
        child=child,
        answered_on=payload.answered_on,
    )
    created = selectors.get_response_for(user, response.uuid, audit=False)
    return Status(201, _detail(created))


# -- trends -----------------------------------------------------------------------------------


class ReliableOut(Schema):
    verdict: str = Field(description="'reliable_improvement', 'reliable_deterioration' or 'none'.")
    method: str = Field(description="'jacobson_truax' or 'threshold'.")
    index: float | None = Field(description="The RCI (Jacobson & Truax only).")
    sd: float | None
    reliability: float | None
    threshold: float | None
    source: str


class PointOut(Schema):
    response: uuid.UUID
    answered_on: dt.date
    version: int
    value: int | None
    band: str | None
    band4: str | None


class SeriesOut(Schema):
    instrument: str
    version: int = Field(description="The latest response's version (its rules apply).")
    respondent: Respondent
    family: uuid.UUID
    child: uuid.UUID | None
    scale: str
    points: list[PointOut]
    change: int | None = Field(description="Latest − first scored value (stored units).")
    reliable: ReliableOut | None


class TrendsOut(Schema):
    series: list[SeriesOut]


def _series(trends: trend_selectors.Trends) -> dict[str, Any]:
    series = []
    for group in trends.groups:
        for scale in group.scales:
            reliable = scale.reliable
            series.append(
                {
                    "instrument": group.instrument,
                    "version": group.version,
                    "respondent": group.respondent,
                    "family": group.family,
                    "child": group.child,
                    "scale": scale.scale,
                    "points": [
                        {
                            "response": p.response,
                            "answered_on": p.answered_on,
                            "version": p.version,
                            "value": p.value,
                            "band": p.band or None,
                            "band4": p.band4 or None,
                        }
                        for p in scale.points
                    ],
                    "change": scale.change,
                    "reliable": None
                    if reliable is None
                    else {
                        "verdict": reliable.verdict,
                        "method": reliable.method,
                        "index": reliable.index,
                        "sd": reliable.sd,
                        "reliability": reliable.reliability,
                        "threshold": reliable.threshold,
                        "source": reliable.source,
                    },
                }
            )
    return {"series": series}


@router.get("/children/{child_id}/trends", response=TrendsOut, summary="A child's trends")
def child_trends(request: HttpRequest, child_id: uuid.UUID) -> dict[str, Any]:
    user = request_user(request)
    child = family_selectors.get_child_for(user, child_id, audit=False)
    if not rules.can_see_responses(user):
        raise PermissionDeniedError
    return _series(trend_selectors.child_trends(user, child))


@router.get("/families/{family_id}/trends", response=TrendsOut, summary="A family's trends")
def family_trends(request: HttpRequest, family_id: uuid.UUID) -> dict[str, Any]:
    user = request_user(request)
    family = family_selectors.get_family_for(user, family_id, audit=False)
    if not rules.can_see_responses(user):
        raise PermissionDeniedError
    return _series(trend_selectors.family_trends(user, family))
