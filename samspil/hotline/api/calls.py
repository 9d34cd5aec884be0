"""API endpoints for hotline calls and their follow-up.

`POST /hotline-calls` registers a call. With `family` it answers 201 with the call and its
`follow_up` (`due_date` as the Danish local date, `assignee` as a username): the family's fixed
consultant, due on the first working day after the call's local date. Without `family`, it is a
stub from a telephony system (number and time, `status` "stub") that the person on duty
completes with `PATCH /hotline-calls/{id}`. `hotline` may be left out when the caller answers
(or may register calls for) exactly one hotline serving the family.

A family the caller may not register calls about answers 422 with the same message as an
unknown id, so the endpoint cannot be used to find out which families exist."""

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.types import UserLike, request_user
from samspil.hotline.enums import CallAction, CallerRole, CallStatus, FollowUpStatus, Urgency
from samspil.hotline.models import Call, CallTopic, FollowUp
from samspil.hotline.selectors import calls as call_selectors
from samspil.hotline.selectors import followups as follow_up_selectors
from samspil.hotline.selectors import records as selectors
from samspil.hotline.services import calls as services

router = Router(tags=["hotline"])


class FollowUpOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    due_date: dt.date = Field(description="The Danish local date the follow-up is due.")
    assignee: str = Field(alias="assignee.username", description="Username of the assignee.")
    assigned_to_leader: bool = Field(
        description="True when the family had no fixed consultant and the team leader got it."
    )
    status: FollowUpStatus
    escalated: bool
    escalated_to: str | None
    outcome: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_escalated(obj: FollowUp) -> bool:
        return obj.escalated_at is not None or services.is_overdue(obj)

    @staticmethod
    def resolve_escalated_to(obj: FollowUp) -> str | None:
        return obj.escalated_to.username if obj.escalated_to else None


class CallOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    hotline: uuid.UUID = Field(alias="hotline.uuid")
    family: uuid.UUID | None = None
    status: CallStatus
    received_at: dt.datetime
    caller_phone: str
    caller_role: str
    caller_name: str
    topic: str | None = None
    urgency: str
    advice: str
    actions: list[str]
    notes: str
    registered_by: str | None = None
    follow_up: FollowUpOut | None = None

    @staticmethod
    def resolve_family(obj: Call) -> uuid.UUID | None:
        return obj.family.uuid if obj.family else None

    @staticmethod
    def resolve_topic(obj: Call) -> str | None:
        return obj.topic.name if obj.topic else None

    @staticmethod
    def resolve_registered_by(obj: Call) -> str | None:
        return obj.registered_by.username if obj.registered_by else None

    @staticmethod
    def resolve_follow_up(obj: Call) -> FollowUp | None:
        # What `calls_for` or the service loaded: no query per call.
        return call_selectors.follow_up_of(obj)


class CallIn(Schema):
    family: uuid.UUID | None = Field(None, description="The family's id; leave out for a stub.")
    received_at: dt.datetime = Field(description="ISO 8601 with a UTC offset.")
    hotline: uuid.UUID | None = Field(None, description="The hotline's id (see above).")
    caller_phone: str = ""
    caller_role: CallerRole | None = None
    caller_name: str = ""
    topic: str | None = Field(None, description="The name of a topic from the managed list.")
    urgency: Urgency | None = None
    advice: str = ""
    actions: list[CallAction] = Field(default_factory=list)
    notes: str = ""


class CallPatch(Schema):
    version: int
    family: uuid.UUID | None = None
    caller_phone: str | None = None
    caller_role: CallerRole | None = None
    caller_name: str | None = None
    topic: str | None = None
    urgency: Urgency | None = None
    advice: str | None = None
    actions: list[CallAction] | None = None
    notes: str | None = None


class FollowUpDoneIn(Schema):
    version: int
    outcome: str = Field(description="What was done.")


class Error(Schema):
    detail: Any


class AuditedPages(PageNumberPagination):
    """ninja's `?page=` pagination that writes the list-read entry for the page it answers:
    `audit(user, rows)` (the rows read once, so the entry names exactly what was shown)."""

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


def _values(payload: CallIn | CallPatch) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ("caller_phone", "caller_role", "caller_name", "urgency", "advice", "notes"):
        value = getattr(payload, name)
        if value is not None:
            values[name] = str(value.value if hasattr(value, "value") else value)
    if payload.actions is not None:
        values["actions"] = [a.value for a in payload.actions]
    if payload.topic is not None:
        topic = CallTopic.objects.filter(name=payload.topic, active=True).first()
        if topic is None:
            raise ValidationError({"topic": ["No active topic with this name."]})
        values["topic"] = topic
    return values


@router.post("/hotline-calls", response={201: CallOut, 403: Error, 422: Error})
def create_call(request: HttpRequest, payload: CallIn) -> Any:
    """Register a call (with `family`) or a stub from a telephony system (without)."""
    user = request_user(request)
    errors: dict[str, list[str]] = {}
    hotline = None
    if payload.hotline is not None:
        try:
            hotline = selectors.get_hotline_for(user, payload.hotline)
        except Http404:
            errors["hotline"] = ["No hotline with this id."]
    family = None
    if payload.family is not None and not errors:
        try:
            if hotline is not None:
                family = selectors.call_family(user, hotline, payload.family)
            else:
                family, hotline = selectors.family_and_hotline_for_call(user, payload.family)
        except Http404:
            errors["family"] = ["No family with this id."]
    if hotline is None and not errors:
        errors["hotline"] = ["Give the hotline's id: more than one (or no) hotline fits."]
    if errors:
        raise ValidationError(errors)
    assert hotline is not None
    if family is None:
        if not payload.caller_phone.strip():
            raise ValidationError({"caller_phone": ["A stub needs the caller's number."]})
        call = services.create_call_stub(
            actor=user,
            hotline=hotline,
            received_at=payload.received_at,
            caller_phone=payload.caller_phone,
        )
    else:
        call = services.register_call(
            actor=user,
            hotline=hotline,
            received_at=payload.received_at,
            family=family,
            values=_values(payload),
        )
    return Status(201, call)


@router.get("/hotline-calls", response=list[CallOut])
@paginate(AuditedPages, page_size=settings.SAMSPIL_PAGE_SIZE, audit=call_selectors.audit_call_list)
def list_calls(request: HttpRequest) -> Any:
    """Calls you may see: your municipality's, those you registered in the last 24 hours, and
    those whose follow-up is yours. Each page read is audited (the ids shown)."""
    return selectors.calls_for(request_user(request))


@router.get("/hotline-calls/{call_id}", response=CallOut)
def get_call(request: HttpRequest, call_id: uuid.UUID) -> Any:
    return selectors.get_call_for(request_user(request), call_id)


@router.patch(
    "/hotline-calls/{call_id}", response={200: CallOut, 403: Error, 409: Error, 422: Error}
)
def update_call(request: HttpRequest, call_id: uuid.UUID, payload: CallPatch) -> Any:
    """Complete a stub or correct a call; linking a family creates its follow-up."""
    user = request_user(request)
    call = selectors.get_call_for(user, call_id)
    family = None
    if payload.family is not None:
        try:
            family = selectors.call_family(user, call.hotline, payload.family)
        except Http404:
            raise ValidationError({"family": ["No family with this id."]}) from None
    return services.complete_call(
        actor=user,
        call=call,
        values=_values(payload),
        expected_version=payload.version,
        family=family,
    )


@router.get("/follow-ups", response=list[FollowUpOut])
@paginate(
    AuditedPages,
    page_size=settings.SAMSPIL_PAGE_SIZE,
    audit=follow_up_selectors.audit_follow_up_list,
)
def list_follow_ups(request: HttpRequest) -> Any:
    """Your follow-ups (and, for consultants and leaders, their municipality's). Each page
    read is audited (the ids shown)."""
    return selectors.follow_ups_for(request_user(request))


@router.post(
    "/follow-ups/{follow_up_id}/done",
    response={200: FollowUpOut, 403: Error, 409: Error, 422: Error},
)
def complete_follow_up(
    request: HttpRequest, follow_up_id: uuid.UUID, payload: FollowUpDoneIn
) -> Any:
    user = request_user(request)
    follow_up = selectors.get_follow_up_for(user, follow_up_id)
    return services.complete_follow_up(
        actor=user, follow_up=follow_up, outcome=payload.outcome, expected_version=payload.version
    )
