"""Reads of network groups, their members, meetings and topics. Every query starts from the
networks policy (`rules.group_filter`); the detail reads write the audit entry here, so views
and the API cannot forget it. Also the year calendar's provider of network meetings.

A meeting counts as *held* when it is not cancelled, has begun and its attendance is recorded.
A group's cadence is measured from its last held meeting (from its start while none is held):
it is `days_overdue` late once more than `cadence_days` have passed, and shows as a gap once
it is later than the municipality's `NetworkSettings.cadence_tolerance_days`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.selectors.calendar import CANCELLED, CONFIRMED, CalendarItem
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily, FosterParent
from samspil.families.rules import family_filter
from samspil.networks import rules
from samspil.networks.enums import GroupPhase, MeetingMode, TopicStatus
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    NetworkGroup,
    NetworkSettings,
    Topic,
)
from samspil.organisations.models import Institution, Municipality

DEFAULT_TOLERANCE = int(NetworkSettings._meta.get_field("cadence_tolerance_days").default)


def held_q(now: dt.datetime, prefix: str = "") -> Q:
    """Meetings that were held by `now`: not cancelled, begun, attendance recorded."""
    return Q(
        **{
            f"{prefix}cancelled": False,
            f"{prefix}attendance_recorded": True,
            f"{prefix}starts_at__lte": now,
        }
    )


def upcoming_q(now: dt.datetime, prefix: str = "") -> Q:
    """Planned meetings that have not begun by `now` (not cancelled)."""
    return Q(**{f"{prefix}cancelled": False, f"{prefix}starts_at__gt": now})


def active_members(group: NetworkGroup) -> QuerySet[FosterFamily]:
    """The group's current member families, by name."""
    return FosterFamily.objects.filter(
        network_memberships__group=group, network_memberships__left_on__isnull=True
    ).order_by("name", "id")


# -- lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFilters:
    phase: str = ""
    active: bool | None = True


def annotate_cadence(qs: QuerySet[NetworkGroup], now: dt.datetime) -> QuerySet[NetworkGroup]:
    """What lists and the cadence check need, in the one query: the number of current members,
    the last held and the next planned meeting, the municipality's tolerance."""
    next_meeting = Meeting.objects.filter(upcoming_q(now), group=OuterRef("pk")).order_by(
        "starts_at", "id"
    )
    tolerance = NetworkSettings.objects.filter(municipality=OuterRef("municipality_id")).values(
        "cadence_tolerance_days"
    )[:1]
    return qs.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
        ),
        last_held_at=Max("meetings__starts_at", filter=held_q(now, "meetings__")),
        next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
        next_meeting_uuid=Subquery(next_meeting.values("uuid")[:1]),
        tolerance_days=Coalesce(
            Subquery(tolerance, output_field=IntegerField()), Value(DEFAULT_TOLERANCE)
        ),
    )


def groups_for(
    user: UserLike, filters: GroupFilters | None = None, *, now: dt.datetime | None = None
) -> QuerySet[NetworkGroup]:
    """The network groups `user` may list, with what the list shows (phase, facilitator,
    members, last and next meeting, cadence), in one query per page."""
    filters = filters or GroupFilters()
    now = now or timezone.now()
    qs = NetworkGroup.objects.filter(rules.group_filter(user))
    if filters.phase in GroupPhase.values:
        qs = qs.filter(phase=filters.phase)
    if filters.active is True:
        qs = qs.filter(ended_on__isnull=True)
    elif filters.active is False:
        qs = qs.filter(ended_on__isnull=False)
    return annotate_cadence(
        qs.select_related("municipality", "facilitator", "facilitator_institution"), now
    ).order_by("name", "id")


@dataclass(frozen=True)
class Cadence:
    """How a group keeps its cadence on `today`."""

    last_met: dt.date | None
    days_since: int  # since the last held meeting, or since the start
    days_overdue: int  # past the cadence (0 while on time)
    tolerance_days: int

    @property
    def is_gap(self) -> bool:
        return self.days_overdue > self.tolerance_days


def cadence_of(group: NetworkGroup, today: dt.date) -> Cadence:
    """The cadence of a group annotated as `groups_for` does (`last_held_at`,
    `tolerance_days`). An ended group has no gap."""
    last_held_at = getattr(group, "last_held_at", None)
    last_met = timezone.localdate(last_held_at) if last_held_at is not None else None
    since = last_met or group.started_on
    days_since = max((today - since).days, 0)
    overdue = max(days_since - group.cadence_days, 0) if group.is_active else 0
    return Cadence(
        last_met=last_met,
        days_since=days_since,
        days_overdue=overdue,
        tolerance_days=int(getattr(group, "tolerance_days", DEFAULT_TOLERANCE)),
    )


@dataclass(frozen=True)
class GroupRow:
    group: NetworkGroup
    cadence: Cadence


def group_rows(groups: Iterable[NetworkGroup], today: dt.date | None = None) -> list[GroupRow]:
    """The list's rows with their cadence (no queries: `groups_for` annotated what it needs)."""
    today = today or timezone.localdate()
    return [GroupRow(group=g, cadence=cadence_of(g, today)) for g in groups]


def own_group(user: UserLike, *, now: dt.datetime | None = None) -> NetworkGroup | None:
    """The current group of the user's own family (foster parents), or None."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    return (
        groups_for(user, now=now)
        .filter(memberships__family_id=family_id, memberships__left_on__isnull=True)
        .first()
    )


# -- one group ----------------------------------------------------------------------------------


def get_group_for(
    user: UserLike, group_uuid: uuid.UUID | str, *, audit: bool = True
) -> NetworkGroup:
    """One group, or Http404 when it does not exist or `user` may not see it. Side effect: the
    audit entry "networks.group.read" (the page shows member families) unless `audit` is False
    (used only when the caller is about to change the group and logs that instead)."""
    try:
        group = (
            NetworkGroup.objects.filter(rules.group_filter(user))
            .select_related(
                "municipality", "facilitator", "facilitator_institution", "contact_family"
            )
            .distinct()
            .get(uuid=group_uuid)
        )
    except (NetworkGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_group_read(user, group)
    return group


def audit_group_read(user: UserLike, group: NetworkGroup) -> None:
    """Write "networks.group.read": the group page (or its API detail) shows member families."""
    log_action("networks.group.read", actor=user, obj=group, municipality_id=group.municipality_id)


def get_meeting_for(
    user: UserLike, meeting_uuid: uuid.UUID | str, *, audit: bool = True
) -> Meeting:
    """One meeting of a group `user` may see, or Http404. Side effect: the audit entry
    "networks.meeting.read" (attendance names families) unless `audit` is False."""
    try:
        meeting = (
            Meeting.objects.filter(
                group__in=NetworkGroup.objects.filter(rules.group_filter(user)).values("pk")
            )
            .select_related("group__municipality", "group__facilitator", "facilitator")
            .get(uuid=meeting_uuid)
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_meeting_read(user, meeting)
    return meeting


def audit_meeting_read(user: UserLike, meeting: Meeting) -> None:
    """Write "networks.meeting.read": the meeting page names the families present."""
    log_action(
        "networks.meeting.read",
        actor=user,
        obj=meeting,
        municipality_id=meeting.group.municipality_id,
    )


def get_topic_for(user: UserLike, topic_uuid: uuid.UUID | str) -> Topic:
    """One topic of a group `user` may see, or Http404 (not audited: the caller changes it)."""
    try:
        return (
            Topic.objects.filter(
                group__in=NetworkGroup.objects.filter(rules.group_filter(user)).values("pk")
            )
            .select_related("group", "meeting")
            .get(uuid=topic_uuid)
        )
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class MemberView:
    """A current member family as `user` may see it: without consent only a neutral label."""

    membership: GroupMembership
    shows_details: bool
    label: str
    is_own: bool
    is_contact: bool
    parents: list[FosterParent] = field(default_factory=list)

    @property
    def family(self) -> FosterFamily | None:
        return self.membership.family if self.shows_details else None


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    attendees: list[str]  # labels as `user` may see them
    topics: list[Topic]

    @property
    def is_virtual(self) -> bool:
        return self.meeting.mode == MeetingMode.VIRTUAL


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    suggested_by: str
    supporters: int
    supported_by_me: bool
    may_support: bool


@dataclass(frozen=True)
class GroupDetail:
    group: NetworkGroup
    members: list[MemberView]
    upcoming: list[MeetingView]  # not begun yet, cancelled ones included
    past: list[MeetingView]  # latest first
    topics: list[TopicView]
    held: int
    cadence: Cadence
    can_manage: bool
    can_run_meetings: bool
    can_suggest: bool
    own_membership: GroupMembership | None

    @property
    def next_meeting(self) -> MeetingView | None:
        return next((v for v in self.upcoming if not v.meeting.cancelled), None)

    @property
    def suggest_self_running(self) -> bool:
        """Time to let the group run itself: the facilitated meetings were held."""
        group = self.group
        return (
            group.is_active
            and group.phase == GroupPhase.FACILITATED
            and self.held >= group.facilitated_meetings
        )

    @property
    def hidden_members(self) -> int:
        return sum(1 for m in self.members if not m.shows_details)


def member_views(user: UserLike, group: NetworkGroup) -> list[MemberView]:
    """The current members as `user` may see them (rules.can_see_member_details), with the
    foster parents' names and contact details of those they may see. Two queries."""
    own = scope_for(user).foster_family_id
    memberships = list(
        GroupMembership.objects.filter(group=group, left_on__isnull=True)
        .select_related("family")
        .order_by("family__name", "id")
    )
    for membership in memberships:
        membership.group = group  # the rule reads it; no query
    shown = {m.pk: rules.can_see_member_details(user, m) for m in memberships}
    parents: dict[int, list[FosterParent]] = {}
    visible_ids = [m.family_id for m in memberships if shown[m.pk]]
    if visible_ids:
        for parent in FosterParent.objects.filter(family_id__in=visible_ids).order_by(
            "first_name", "last_name", "id"
        ):
            parents.setdefault(parent.family_id, []).append(parent)
    # Members who did not share their details are told apart (for attendance) by the order
    # they joined in, which hints at no name.
    hidden_ids = sorted(m.pk for m in memberships if not shown[m.pk])
    numbers = {pk: n for n, pk in enumerate(hidden_ids, 1)} if len(hidden_ids) > 1 else {}
    views = []
    for membership in memberships:
        if shown[membership.pk]:
            label = membership.family.name
        else:
            label = _("A member family (has not shared contact details)")
            if membership.pk in numbers:
                label = _("%(label)s, no. %(number)s") % {
                    "label": label,
                    "number": numbers[membership.pk],
                }
        views.append(
            MemberView(
                membership=membership,
                shows_details=shown[membership.pk],
                label=label,
                is_own=membership.family_id == own,
                is_contact=membership.family_id == group.contact_family_id,
                parents=parents.get(membership.family_id, []),
            )
        )
    return views


def _label_for(family_id: int | None, labels: dict[int, str], fallback: str) -> str:
    if family_id is None:
        return fallback
    return labels.get(family_id, fallback)


def meeting_views(
    user: UserLike, group: NetworkGroup, members: list[MemberView], meetings: Iterable[Meeting]
) -> list[MeetingView]:
    """Meetings with their attendees as labels `user` may see (a former member is named only
    for those who manage the group) and their chosen topics."""
    labels = {m.membership.family_id: m.label for m in members}
    manage = rules.can_manage_group(user, group)
    views = []
    for meeting in meetings:
        attendees = []
        for family in meeting.attendees.all():
            fallback = family.name if manage else _("A former member family")
            attendees.append(_label_for(family.pk, labels, fallback))
        views.append(
            MeetingView(meeting=meeting, attendees=attendees, topics=list(meeting.topics.all()))
        )
    return views


def group_detail(
    user: UserLike, group: NetworkGroup, *, now: dt.datetime | None = None
) -> GroupDetail:
    """What the group page shows to `user`: members per the consent rule, upcoming and past
    meetings with attendance, topics with their support, the cadence and what `user` may do.
    A fixed number of queries."""
    now = now or timezone.now()
    members = member_views(user, group)
    own = scope_for(user).foster_family_id
    own_membership = next((m.membership for m in members if m.is_own), None)
    meetings = list(
        group.meetings.select_related("facilitator")
        .prefetch_related(
            Prefetch("attendees", queryset=FosterFamily.objects.only("pk", "uuid", "name")),
            Prefetch("topics", queryset=Topic.objects.order_by("created_at", "id")),
        )
        .order_by("starts_at", "id")
    )
    views = meeting_views(user, group, members, meetings)
    upcoming = [v for v in views if v.meeting.starts_at > now]
    past = [v for v in reversed(views) if v.meeting.starts_at <= now]
    held = [
        v.meeting.starts_at
        for v in views
        if v.meeting.attendance_recorded and not v.meeting.cancelled and v.meeting.starts_at <= now
    ]
    last_held = max(held, default=None)
    setattr(group, "last_held_at", last_held)  # noqa: B010
    if not hasattr(group, "tolerance_days"):
        settings = NetworkSettings.objects.filter(municipality_id=group.municipality_id).first()
        setattr(  # noqa: B010
            group,
            "tolerance_days",
            settings.cadence_tolerance_days if settings else DEFAULT_TOLERANCE,
        )
    can_suggest = rules.can_suggest_topics(user, group)
    labels = {m.membership.family_id: m.label for m in members}
    topics = []
    for topic in (
        group.topics.select_related("suggested_by_family")
        .prefetch_related(Prefetch("supporters", queryset=FosterFamily.objects.only("pk")))
        .order_by("created_at", "id")
    ):
        supporter_ids = {f.pk for f in topic.supporters.all()}
        by = (
            _label_for(topic.suggested_by_family_id, labels, _("A former member family"))
            if topic.suggested_by_family_id
            else _("The facilitator")
        )
        topics.append(
            TopicView(
                topic=topic,
                suggested_by=by,
                supporters=len(supporter_ids),
                supported_by_me=own in supporter_ids,
                may_support=can_suggest
                and topic.status == TopicStatus.SUGGESTED
                and topic.suggested_by_family_id != own,
            )
        )
    return GroupDetail(
        group=group,
        members=members,
        upcoming=upcoming,
        past=past,
        topics=topics,
        held=len(held),
        cadence=cadence_of(group, timezone.localdate(now)),
        can_manage=rules.can_manage_group(user, group),
        can_run_meetings=rules.can_run_meetings(user, group),
        can_suggest=can_suggest,
        own_membership=own_membership,
    )


def attendance_choices(
    user: UserLike, meeting: Meeting
) -> tuple[QuerySet[FosterFamily], dict[int, str]]:
    """The families that were members on the meeting's day (who may be recorded as present),
    with the labels `user` may see for them (names only per the consent rule)."""
    group = meeting.group
    day = timezone.localdate(meeting.starts_at)
    families = (
        FosterFamily.objects.filter(
            Q(network_memberships__left_on__isnull=True) | Q(network_memberships__left_on__gte=day),
            network_memberships__group=group,
            network_memberships__joined_on__lte=day,
        )
        .distinct()
        .order_by("name", "id")
    )
    labels = {m.membership.family_id: m.label for m in member_views(user, group)}
    if not rules.can_manage_group(user, group):
        for family in families:
            labels.setdefault(family.pk, _("A former member family"))
    return families, labels


def meeting_view(user: UserLike, meeting: Meeting) -> MeetingView:
    """One meeting with its attendees as `user` may see them and its topics."""
    members = member_views(user, meeting.group)
    return meeting_views(user, meeting.group, members, [meeting])[0]


def held_meetings(group: NetworkGroup, now: dt.datetime | None = None) -> int:
    return group.meetings.filter(held_q(now or timezone.now())).count()


# -- who and what can be chosen -----------------------------------------------------------------


def addable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """Families `user` may see that are not in an active network group."""
    busy = GroupMembership.objects.filter(left_on__isnull=True).values("family_id")
    return (
        FosterFamily.objects.filter(family_filter(user))
        .exclude(pk__in=busy)
        .select_related("municipality")
        .order_by("name", "id")
    )


def own_membership(user: UserLike, group: NetworkGroup) -> GroupMembership | None:
    """The current membership of the user's own family in `group`, or None."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    membership = (
        GroupMembership.objects.filter(group=group, family_id=family_id, left_on__isnull=True)
        .select_related("family")
        .first()
    )
    if membership is not None:
        membership.group = group
    return membership


def municipalities(ids: Iterable[int]) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=list(ids)).order_by("name")


def _current_collaboration(today: dt.date) -> Q:
    return Q(collaborations__starts_on__lte=today) & (
        Q(collaborations__ends_on__isnull=True) | Q(collaborations__ends_on__gte=today)
    )


def facilitators_for(
    municipality_ids: Iterable[int], today: dt.date | None = None
) -> QuerySet[User]:
    """Who may facilitate a group of these municipalities: their consultants and leaders, and
    the specialists and coordinators of institutions in a current collaboration with them."""
    today = today or timezone.localdate()
    ids = list(municipality_ids)
    institutions = Institution.objects.filter(
        _current_collaboration(today), collaborations__municipalities__in=ids
    ).values("pk")
    return (
        User.objects.filter(
            Q(
                memberships__role__in=rules.MUNICIPAL,
                memberships__municipality_id__in=ids,
            )
            | Q(
                memberships__role__in=rules.INSTITUTION,
                memberships__institution_id__in=institutions,
            ),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username", "id")
    )


def group_meetings(group: NetworkGroup) -> QuerySet[Meeting]:
    """The group's meetings (for those who may see the group), latest first."""
    return (
        group.meetings.select_related("facilitator")
        .prefetch_related(Prefetch("attendees", queryset=FosterFamily.objects.only("pk", "uuid")))
        .order_by("-starts_at", "-id")
    )


def open_meetings(group: NetworkGroup) -> QuerySet[Meeting]:
    """Meetings a topic can be planned for: not cancelled, attendance not yet recorded."""
    return group.meetings.filter(cancelled=False, attendance_recorded=False).order_by(
        "starts_at", "id"
    )


# -- the year calendar ---------------------------------------------------------------------------


def network_meetings(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """Calendar provider: the meetings of the groups `user` manages (staff) or whose member
    their family is (foster parents), starting in [start, end). One query. The feed title
    names no group or family; for foster parents it is neutral."""
    scope = scope_for(user)
    if not scope.is_authenticated:
        return []
    own = scope.foster_family_id
    q = rules.NOTHING
    if scope.is_staff_member:
        q |= Q(
            group__in=NetworkGroup.objects.filter(rules.manageable_group_filter(user)).values("pk")
        )
    if own is not None:
        q |= Q(
            Exists(
                GroupMembership.objects.filter(
                    group=OuterRef("group"), family_id=own, left_on__isnull=True
                )
            )
        )
    meetings = (
        Meeting.objects.filter(q, starts_at__gte=start, starts_at__lt=end)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    staff = scope.is_staff_member
    items = []
    for meeting in meetings:
        place = meeting.place if meeting.mode == MeetingMode.PHYSICAL else _("Virtual meeting")
        items.append(
            CalendarItem(
                uid=f"network-meeting-{meeting.uuid}@samspil",
                kind="network_meeting",
                kind_label=_("Network group"),
                title=meeting.group.name,
                feed_title=_("Network group meeting")
                if staff
                else _("Samspil: network group meeting"),
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                place=place,
                url=reverse("networks:meeting_detail", args=[meeting.uuid]),
                status=CANCELLED if meeting.cancelled else CONFIRMED,
            )
        )
    return items
