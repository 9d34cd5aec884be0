"""API endpoints for transitions from institution to foster family: the list, one transition
with its plan, meetings, involvement of the child and advice log as the caller may see them
(the foster family gets no internal notes, no minutes and the child's views only when shared),
creating a transition, recording a meeting and logging advice (or, for the foster family, a
request for advice). The same selectors, services and policy as the UI.

A child, family or institution the caller may not choose answers 422 with the same message as
an unknown id; a transition the caller may not see answers 404 like an unknown one."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from samspil.core.types import request_user
from samspil.families.models import FosterParent
from samspil.transitions.enums import (
    AdviceChannel,
    AdviceKind,
    InvolvementMethod,
    Party,
    Phase,
    TransitionStatus,
)
from samspil.transitions.models import Advice, CollaborationMeeting, PlanStep, Transition
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.selectors.transitions import TransitionDetail
from samspil.transitions.services import advice as advice_services
from samspil.transitions.services import meetings as meeting_services
from samspil.transitions.services import transitions as services

router = Router(tags=["transitions"])


# -- schemas ----------------------------------------------------------------------------------


class TransitionOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    status: TransitionStatus
    child: uuid.UUID = Field(alias="child.uuid")
    child_name: str
    family: uuid.UUID = Field(alias="family.uuid")
    family_name: str = Field(alias="family.name")
    institution: int = Field(alias="institution_id")
    institution_name: str = Field(alias="institution.name")
    municipality: str = Field(alias="municipality.code")
    planned_move_on: dt.date | None
    moved_on: dt.date | None
    completed_on: dt.date | None
    cancelled_on: dt.date | None
    consultant: str | None = Field(None, description="Username of the responsible consultant.")
    steps_total: int = 0
    steps_done: int = 0
    steps_overdue: int = 0

    @staticmethod
    def resolve_child_name(obj: Transition) -> str:
        return f"{obj.child.first_name} {obj.child.last_name}"

    @staticmethod
    def resolve_consultant(obj: Transition) -> str | None:
        return obj.consultant.get_username() if obj.consultant else None


class TransitionPage(Schema):
    items: list[TransitionOut]
    count: int


class StepOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    phase: Phase
    text: str
    responsible: Party
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None
    done_by: str | None = None

    @staticmethod
    def resolve_done_by(obj: PlanStep) -> str | None:
        return obj.done_by.get_username() if obj.done_by else None


class MeetingOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    held_at: dt.datetime
    place: str
    staff: list[str] = Field(description="Usernames of the staff present.")
    parents: list[str] = Field(description="Names of the foster parents present.")
    other_participants: list[str]
    shared_about_child: str
    division_of_work: str
    minutes: str | None = Field(None, description="Null for the foster family.")


class InvolvementOut(Schema):
    methods: list[InvolvementMethod] | None = Field(None, description="Null for the family.")
    other_methods: str | None = None
    child_views: str | None = Field(
        None, description="For the foster family only when shared with it."
    )
    views_shared_with_family: bool | None = None


class AdviceOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    kind: AdviceKind
    given_at: dt.datetime
    channel: AdviceChannel
    topic: str
    text: str
    by: str
    in_reply_to: uuid.UUID | None = None
    answered: bool | None = Field(None, description="For requests: whether advice answers it.")

    @staticmethod
    def resolve_by(obj: Advice) -> str:
        return obj.author.get_username()

    @staticmethod
    def resolve_in_reply_to(obj: Advice) -> uuid.UUID | None:
        return obj.in_reply_to.uuid if obj.in_reply_to else None

    @staticmethod
    def resolve_answered(obj: Advice) -> bool | None:
        if obj.kind != AdviceKind.REQUEST:
            return None
        count = getattr(obj, "reply_count", None)
        return bool(count) if count is not None else obj.replies.exists()


def _detail_of(obj: Transition) -> TransitionDetail:
    detail: TransitionDetail = obj.api_detail  # type: ignore[attr-defined]
    return detail


class TransitionDetailOut(TransitionOut):
    internal_notes: str | None = Field(None, description="Null for the foster family.")
    cancel_reason: str
    steps: list[StepOut]
    meetings: list[MeetingOut]
    involvement: InvolvementOut
    advice: list[AdviceOut]

    @staticmethod
    def resolve_steps_total(obj: Transition) -> int:
        return _detail_of(obj).steps_total

    @staticmethod
    def resolve_steps_done(obj: Transition) -> int:
        return _detail_of(obj).steps_done

    @staticmethod
    def resolve_steps_overdue(obj: Transition) -> int:
        return sum(view.overdue for phase in _detail_of(obj).phases for view in phase.steps)

    @staticmethod
    def resolve_internal_notes(obj: Transition) -> str | None:
        return obj.internal_notes if _detail_of(obj).sees_internal else None

    @staticmethod
    def resolve_steps(obj: Transition) -> list[PlanStep]:
        return [view.step for phase in _detail_of(obj).phases for view in phase.steps]

    @staticmethod
    def resolve_meetings(obj: Transition) -> list[dict[str, Any]]:
        detail = _detail_of(obj)
        return [_meeting_out(meeting, detail.sees_internal) for meeting in detail.meetings]

    @staticmethod
    def resolve_involvement(obj: Transition) -> dict[str, Any]:
        detail = _detail_of(obj)
        involvement = detail.involvement
        if involvement is None:
            return {}
        internal = detail.shows_involvement
        return {
            "methods": involvement.methods if internal else None,
            "other_methods": involvement.other_methods if internal else None,
            "child_views": involvement.child_views if detail.shows_child_views else None,
            "views_shared_with_family": involvement.views_shared_with_family,
        }

    @staticmethod
    def resolve_advice(obj: Transition) -> list[Advice]:
        return [view.entry for view in _detail_of(obj).advice]


class TransitionIn(Schema):
    child: uuid.UUID
    family: uuid.UUID = Field(description="The receiving foster family's id.")
    institution: int = Field(description="The id of the institution the child moves from.")
    planned_move_on: dt.date | None = None
    consultant: str | None = Field(None, description="Username of the responsible consultant.")
    internal_notes: str = ""


class MeetingIn(Schema):
    held_at: dt.datetime = Field(description="ISO 8601 with a UTC offset.")
    place: str = ""
    staff: list[str] = Field(default_factory=list, description="Usernames of staff present.")
    parents: list[uuid.UUID] = Field(
        default_factory=list, description="Ids of the receiving family's foster parents present."
    )
    other_participants: list[str] = Field(default_factory=list)
    shared_about_child: str = ""
    division_of_work: str = ""
    minutes: str = ""


class AdviceIn(Schema):
    topic: str
    text: str
    channel: AdviceChannel | None = Field(None, description="Required for advice.")
    given_at: dt.datetime | None = Field(None, description="Default: now.")
    in_reply_to: uuid.UUID | None = Field(None, description="The family's request it answers.")


class Error(Schema):
    detail: Any


# -- building the answers -----------------------------------------------------------------------


def _meeting_out(meeting: CollaborationMeeting, sees_internal: bool) -> dict[str, Any]:
    return {
        "uuid": meeting.uuid,
        "version": meeting.version,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "staff": [user.get_username() for user in meeting.staff.all()],
        "parents": [f"{p.first_name} {p.last_name}" for p in meeting.parents.all()],
        "other_participants": meeting.other_participant_list,
        "shared_about_child": meeting.shared_about_child,
        "division_of_work": meeting.division_of_work,
        "minutes": meeting.minutes if sees_internal else None,
    }


def _detail(user: Any, transition: Transition) -> Transition:
    """The transition with what the caller may see of it, for TransitionDetailOut."""
    transition.api_detail = selectors.transition_detail(user, transition)  # type: ignore[attr-defined]
    return transition


# -- endpoints ------------------------------------------------------------------------------------


class ListFilters(Schema):
    status: str = Field("", description='"" (open), "all", or a status.')
    q: str = Field("", description="Part of the child's, the family's or the institution's name.")
    mine: bool = Field(False, description="Only where you are the responsible consultant.")
    page: int = Field(1, ge=1)


@router.get("/transitions", response=TransitionPage)
def list_transitions(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    """The transitions you may see, newest first, a page of 25 (`?page=`); open ones unless
    `status` says otherwise. Each page read is audited with the ids it lists."""
    user = request_user(request)
    qs = selectors.transitions_for(
        user,
        selectors.TransitionFilters(status=filters.status, search=filters.q, mine=filters.mine),
    )
    page = selectors.page_of(user, qs, filters.page, settings.SAMSPIL_PAGE_SIZE)
    return {"items": list(page.object_list), "count": page.paginator.count}


@router.get("/transitions/{transition_id}", response=TransitionDetailOut)
def get_transition(request: HttpRequest, transition_id: uuid.UUID) -> Any:
    user = request_user(request)
    return _detail(user, selectors.get_transition_for(user, transition_id))


@router.post("/transitions", response={201: TransitionDetailOut, 403: Error, 422: Error})
def create_transition(request: HttpRequest, payload: TransitionIn) -> Any:
    """Start a transition in the planning status: the institution gets an engagement with the
    family, and the plan is copied from the municipality's template."""
    user = request_user(request)
    errors: dict[str, list[str]] = {}
    child = family = None
    try:
        child = selectors.get_creatable_child(user, payload.child)
    except Http404:
        errors["child"] = ["No child with this id."]
    try:
        family = selectors.get_creatable_family(user, payload.family)
    except Http404:
        errors["family"] = ["No family with this id."]
    institution = selectors.institution_choices().filter(pk=payload.institution).first()
    if institution is None:
        errors["institution"] = ["No institution with this id."]
    consultant = None
    if payload.consultant and child is not None and family is not None:
        consultant = (
            selectors.consultant_choices(child.municipality_id, family.municipality_id)
            .filter(username=payload.consultant)
            .first()
        )
        if consultant is None:
            errors["consultant"] = ["No consultant of the municipality with this username."]
    if errors:
        raise ValidationError(errors)
    assert child is not None
    assert family is not None
    assert institution is not None
    transition = services.create_transition(
        actor=user,
        child=child,
        family=family,
        institution=institution,
        planned_move_on=payload.planned_move_on,
        consultant=consultant,
        internal_notes=payload.internal_notes,
    )
    return Status(
        201, _detail(user, selectors.get_transition_for(user, transition.uuid, audit=False))
    )


@router.post(
    "/transitions/{transition_id}/meetings",
    response={201: MeetingOut, 403: Error, 422: Error},
)
def add_meeting(request: HttpRequest, transition_id: uuid.UUID, payload: MeetingIn) -> Any:
    """Record a collaboration meeting (institution staff while engaged, the municipality's
    consultants and leaders)."""
    user = request_user(request)
    transition = selectors.get_transition_for(user, transition_id, audit=False)
    staff = list(selectors.meeting_staff(transition).filter(username__in=payload.staff))
    parents: list[FosterParent] = list(
        selectors.meeting_parents(transition).filter(uuid__in=payload.parents)
    )
    errors: dict[str, list[str]] = {}
    if len(staff) != len(set(payload.staff)):
        errors["staff"] = ["Staff must be usernames of the municipality's or institution's staff."]
    if len(parents) != len(set(payload.parents)):
        errors["parents"] = ["Parents must be ids of the receiving family's foster parents."]
    if errors:
        raise ValidationError(errors)
    meeting = meeting_services.add_meeting(
        actor=user,
        transition=transition,
        values={
            "held_at": payload.held_at,
            "place": payload.place,
            "other_participants": "\n".join(payload.other_participants),
            "shared_about_child": payload.shared_about_child,
            "division_of_work": payload.division_of_work,
            "minutes": payload.minutes,
        },
        staff=staff,
        parents=parents,
    )
    return Status(201, _meeting_out(meeting, sees_internal=True))


@router.post(
    "/transitions/{transition_id}/advice",
    response={201: AdviceOut, 403: Error, 422: Error},
)
def add_advice(request: HttpRequest, transition_id: uuid.UUID, payload: AdviceIn) -> Any:
    """Log advice given to the foster family (institution staff, consultants), or, as the
    foster family, ask for advice (`channel`, `given_at` and `in_reply_to` are then ignored)."""
    user = request_user(request)
    transition = selectors.get_transition_for(user, transition_id, audit=False)
    in_reply_to = None
    if payload.in_reply_to is not None:
        in_reply_to = next(
            (r for r in selectors.open_requests(transition) if r.uuid == payload.in_reply_to),
            None,
        )
        if in_reply_to is None:
            raise ValidationError({"in_reply_to": ["No open request with this id."]})
    entry = advice_services.add_advice(
        actor=user,
        transition=transition,
        values={
            "topic": payload.topic,
            "text": payload.text,
            "channel": payload.channel.value if payload.channel else "",
            "given_at": payload.given_at,
            "in_reply_to": in_reply_to,
        },
    )
    return Status(201, entry)
