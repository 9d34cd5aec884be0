"""API endpoints for network groups, their meetings and the cadence gaps: the same selectors,
services and policy as the UI. Member families' names and contact details are in the answer
only where the caller may see them (the consent rule)."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.networks import rules
from samspil.networks.enums import GroupPhase, MeetingMode, TopicStatus
from samspil.networks.models import Meeting, NetworkGroup
from samspil.networks.selectors import groups as selectors
from samspil.networks.selectors import meetings as meeting_selectors
from samspil.networks.selectors import reports
from samspil.networks.services import meetings as meeting_services

router = Router(tags=["networks"])


# -- schemas ----------------------------------------------------------------------------------


class GroupOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    name: str
    municipality: str = Field(alias="municipality.code")
    phase: GroupPhase
    facilitator: str = Field(description="Username of the facilitator.")
    facilitator_institution: str | None = None
    meeting_slot: str
    cadence_days: int
    facilitated_meetings: int
    started_on: dt.date
    ended_on: dt.date | None
    member_count: int = 0
    last_meeting: dt.date | None = Field(None, description="Day of the last held meeting.")
    next_meeting_at: dt.datetime | None = None
    days_overdue: int = Field(0, description="Days past the cadence (0 when on time).")
    gap: bool = Field(False, description="Overdue by more than the municipality's tolerance.")

    @staticmethod
    def resolve_facilitator(obj: NetworkGroup) -> str:
        return obj.facilitator.get_username()

    @staticmethod
    def resolve_facilitator_institution(obj: NetworkGroup) -> str | None:
        institution = obj.facilitator_institution
        return institution.name if institution else None

    @staticmethod
    def resolve_last_meeting(obj: NetworkGroup) -> dt.date | None:
        return selectors.cadence_of(obj, _today()).last_met

    @staticmethod
    def resolve_days_overdue(obj: NetworkGroup) -> int:
        return selectors.cadence_of(obj, _today()).days_overdue

    @staticmethod
    def resolve_gap(obj: NetworkGroup) -> bool:
        return selectors.cadence_of(obj, _today()).is_gap


class ParentOut(Schema):
    first_name: str
    last_name: str
    phone: str
    email: str


class MemberOut(Schema):
    family: uuid.UUID | None = Field(None, description="Null unless you may see the family.")
    name: str = Field(description="The family's name, or a neutral label without consent.")
    shares_contact_details: bool
    is_contact_family: bool
    phone: str | None = None
    email: str | None = None
    parents: list[ParentOut] = []

    @staticmethod
    def resolve_family(obj: selectors.MemberView) -> uuid.UUID | None:
        return obj.membership.family.uuid if obj.shows_details else None

    @staticmethod
    def resolve_name(obj: selectors.MemberView) -> str:
        return obj.label

    @staticmethod
    def resolve_shares_contact_details(obj: selectors.MemberView) -> bool:
        return obj.membership.shares_contact_details

    @staticmethod
    def resolve_is_contact_family(obj: selectors.MemberView) -> bool:
        return obj.is_contact

    @staticmethod
    def resolve_phone(obj: selectors.MemberView) -> str | None:
        return obj.membership.family.phone if obj.shows_details else None

    @staticmethod
    def resolve_email(obj: selectors.MemberView) -> str | None:
        return obj.membership.family.email if obj.shows_details else None


class MeetingOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: MeetingMode
    place: str
    link: str
    agenda: str
    minutes: str
    facilitated: bool
    facilitator: str | None = Field(None, description="Username of the facilitator.")
    cancelled: bool
    attendance_recorded: bool
    families_present: int = 0
    attendees: list[uuid.UUID] = Field(
        [], description="The families present that you may see (the consent rule)."
    )

    @staticmethod
    def resolve_facilitator(obj: Meeting) -> str | None:
        return obj.facilitator.get_username() if obj.facilitator else None

    @staticmethod
    def resolve_families_present(obj: Meeting) -> int:
        return len(_present(obj))

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[uuid.UUID]:
        visible: set[int] = getattr(obj, "visible_family_ids", set())
        return [f.uuid for f in _present(obj) if f.pk in visible]


def _present(meeting: Meeting) -> list[selectors.Present]:
    """The families present: as the group's detail read them (`present`), or prefetched."""
    present: list[selectors.Present] | None = getattr(meeting, "present", None)
    if present is None:
        present = [selectors.Present.of(family) for family in meeting.attendees.all()]
    return present


class TopicOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    title: str
    description: str
    status: TopicStatus
    suggested_by: str
    supporters: int
    meeting: uuid.UUID | None = None

    @staticmethod
    def resolve_id(obj: selectors.TopicView) -> uuid.UUID:
        return obj.topic.uuid

    @staticmethod
    def resolve_title(obj: selectors.TopicView) -> str:
        return obj.topic.title

    @staticmethod
    def resolve_description(obj: selectors.TopicView) -> str:
        return obj.topic.description

    @staticmethod
    def resolve_status(obj: selectors.TopicView) -> str:
        return obj.topic.status

    @staticmethod
    def resolve_meeting(obj: selectors.TopicView) -> uuid.UUID | None:
        return obj.topic.meeting.uuid if obj.topic.meeting else None


class GroupDetailOut(GroupOut):
    contact_family: str | None = Field(None, description="As `members[].name`.")
    members: list[MemberOut]
    meetings: list[MeetingOut]
    topics: list[TopicOut]
    can_manage: bool
    can_run_meetings: bool


class MeetingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: MeetingMode = MeetingMode.PHYSICAL
    place: str = Field("", max_length=200)
    link: str = Field("", max_length=200)
    agenda: str = ""


class AttendanceIn(Schema):
    families: list[uuid.UUID] = Field(description="The member families present.")
    minutes: str = ""
    version: int | None = Field(
        None, description="The meeting's version you started from (409 when it moved on)."
    )


class GroupFilterIn(Schema):
    phase: str = ""
    active: bool | None = True


class GapOut(Schema):
    group: uuid.UUID
    name: str
    municipality: str
    facilitator: str
    last_meeting: dt.date | None
    days_overdue: int
    next_meeting: uuid.UUID | None
    next_meeting_at: dt.datetime | None

    @staticmethod
    def resolve_group(obj: reports.CadenceGap) -> uuid.UUID:
        return obj.group.uuid

    @staticmethod
    def resolve_name(obj: reports.CadenceGap) -> str:
        return obj.group.name

    @staticmethod
    def resolve_municipality(obj: reports.CadenceGap) -> str:
        return obj.group.municipality.code

    @staticmethod
    def resolve_facilitator(obj: reports.CadenceGap) -> str:
        return obj.group.facilitator.get_username()

    @staticmethod
    def resolve_last_meeting(obj: reports.CadenceGap) -> dt.date | None:
        return obj.last_met

    @staticmethod
    def resolve_next_meeting(obj: reports.CadenceGap) -> uuid.UUID | None:
        return obj.next_meeting_uuid


class Error(Schema):
    detail: Any


# -- helpers ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


class _GroupAnswer:
    """A group with what its detail answer adds (members, meetings, topics as the caller may
    see them), without touching the model's related managers."""

    def __init__(self, group: NetworkGroup, **extra: Any) -> None:
        self._group = group
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)


def _with_detail(request: HttpRequest, group: NetworkGroup) -> _GroupAnswer:
    """The group with what its detail answer shows, as the caller may see it."""
    detail = selectors.group_detail(request.user, group)
    visible = {m.membership.family_id for m in detail.members if m.shows_details}
    meetings = []
    for view in [*reversed(detail.past), *detail.upcoming]:
        setattr(view.meeting, "visible_family_ids", visible)  # noqa: B010
        setattr(view.meeting, "present", view.present)  # noqa: B010
        meetings.append(view.meeting)
    return _GroupAnswer(
        group,
        members=detail.members,
        meetings=meetings,
        topics=detail.topics,
        contact_family=next((m.label for m in detail.members if m.is_contact), None),
        can_manage=detail.can_manage,
        can_run_meetings=detail.can_run_meetings,
    )


def _visible_meeting(request: HttpRequest, meeting: Meeting) -> Meeting:
    members = selectors.member_views(request.user, meeting.group)
    setattr(  # noqa: B010
        meeting,
        "visible_family_ids",
        {m.membership.family_id for m in members if m.shows_details},
    )
    return meeting


def _group_to_read(request: HttpRequest, group_id: uuid.UUID) -> NetworkGroup:
    group = selectors.get_group_for(request.user, group_id, audit=False)
    annotated = selectors.groups_for(request.user, selectors.GroupFilters(active=None))
    return annotated.get(pk=group.pk)


# -- endpoints ----------------------------------------------------------------------------------


@router.get("/network-groups", response=list[GroupOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_network_groups(request: HttpRequest, filters: Query[GroupFilterIn]) -> Any:
    return selectors.groups_for(
        request.user, selectors.GroupFilters(phase=filters.phase, active=filters.active)
    )


@router.get("/network-groups/{group_id}", response=GroupDetailOut)
def get_network_group(request: HttpRequest, group_id: uuid.UUID) -> Any:
    """One group with its members (names and contact details only where you may see them),
    meetings and topics. Audited ("networks.group.read")."""
    group = _group_to_read(request, group_id)
    selectors.audit_group_read(request.user, group)
    return _with_detail(request, group)


@router.get("/network-groups/{group_id}/meetings", response=list[MeetingOut])
def list_group_meetings(request: HttpRequest, group_id: uuid.UUID) -> Any:
    """The group's meetings, latest first, with the families present that you may see.
    Audited as a read of the group ("networks.group.read")."""
    group = selectors.get_group_for(request.user, group_id)
    members = selectors.member_views(request.user, group)
    visible = {m.membership.family_id for m in members if m.shows_details}
    meetings = list(meeting_selectors.group_meetings(group))
    for meeting in meetings:
        setattr(meeting, "visible_family_ids", visible)  # noqa: B010
    return meetings


@router.post(
    "/network-groups/{group_id}/meetings",
    response={201: MeetingOut, 403: Error, 404: Error, 422: Error},
)
def plan_group_meeting(request: HttpRequest, group_id: uuid.UUID, payload: MeetingIn) -> Any:
    """Plan a meeting (as the UI's "Plan a meeting"): 404 when the group is not visible, 403
    when it is but you do not run its meetings, 422 with the reasons per field."""
    group = selectors.get_group_for(request.user, group_id, audit=False)
    if not rules.can_run_meetings(request.user, group):
        raise PermissionDeniedError
    meeting = meeting_services.plan_meeting(
        actor=request_user(request), group=group, values=payload.model_dump()
    )
    meeting = meeting_selectors.get_meeting_for(request.user, meeting.uuid, audit=False)
    return Status(201, _visible_meeting(request, meeting))


@router.post(
    "/network-meetings/{meeting_id}/attendance",
    response={200: MeetingOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def record_meeting_attendance(
    request: HttpRequest, meeting_id: uuid.UUID, payload: AttendanceIn
) -> Any:
    """Record the member families present and short minutes once the meeting has begun
    (replaces an earlier record). 422 for a family that was not a member on the day."""
    meeting = meeting_selectors.get_meeting_for(request.user, meeting_id, audit=False)
    if not rules.can_run_meetings(request.user, meeting.group):
        raise PermissionDeniedError
    families, _labels = meeting_selectors.attendance_choices(request.user, meeting)
    by_uuid = {f.uuid: f for f in families}
    unknown = [str(u) for u in payload.families if u not in by_uuid]
    if unknown:
        raise ValidationError(
            {"families": [f"Not a member family of the group on the day: {', '.join(unknown)}."]}
        )
    meeting_services.record_attendance(
        actor=request_user(request),
        meeting=meeting,
        attendees=[by_uuid[u] for u in payload.families],
        minutes=payload.minutes,
        expected_version=payload.version if payload.version is not None else meeting.version,
    )
    meeting = meeting_selectors.get_meeting_for(request.user, meeting.uuid, audit=False)
    return _visible_meeting(request, meeting)


@router.get("/network-gaps", response=list[GapOut])
def list_network_gaps(request: HttpRequest) -> Any:
    """Active groups behind their cadence (plus the municipality's tolerance), most overdue
    first: for the municipality's consultants and leaders, and facilitators of their own."""
    return reports.cadence_gaps(request.user)
