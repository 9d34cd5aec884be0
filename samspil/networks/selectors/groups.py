"""Reads of network groups, their members and topics. Every query starts from the networks
policy (`rules.group_filter`); the detail reads write the audit entry here, so views and the API
cannot forget it. Meetings (one meeting, attendance, the calendar provider) are in
`selectors/meetings.py`.

A meeting counts as *held* when it is not cancelled, has begun and its attendance is recorded.
A group's cadence is measured from its last held meeting (from its start while none is held):
it is `days_overdue` late once more than `cadence_days` have passed, and shows as a gap once
it is later than the municipality's `NetworkSettings.cadence_tolerance_days`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily, FosterParent
from samspil.networks import rules
from samspil.networks.enums import GroupPhase, MeetingMode, TopicStatus
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    NetworkGroup,
    NetworkSettings,
    Topic,
)

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
    the last held and the next planned meeting, the municipality's tolerance. Each is a
    subquery per group (on the indexes of memberships and of meetings by group and start), not
    a join: joining memberships and meetings would aggregate members × meetings rows per
    group."""
    meetings = Meeting.objects.filter(group=OuterRef("pk"))
    next_meeting = meetings.filter(upcoming_q(now)).order_by("starts_at", "id")
    last_held = meetings.filter(held_q(now)).order_by("-starts_at")
    members = (
        GroupMembership.objects.filter(group=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("group")
        .annotate(count=Count("pk"))
        .values("count")
    )
    tolerance = (
        NetworkSettings.objects.filter(municipality=OuterRef("municipality_id"))
        .order_by()
        .values("cadence_tolerance_days")[:1]
    )
    return qs.annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        last_held_at=Subquery(last_held.values("starts_at")[:1]),
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


def page_of(
    groups: QuerySet[NetworkGroup], number: str | int | None, per_page: int
) -> Page[NetworkGroup]:
    """Page `number` of `groups`, counted by the same query (a window count over the list), so
    a list page takes one query whether it is empty or not. A number that is not a page of the
    list falls back to `Paginator.get_page` (the first or the last page; a count and a page
    query)."""
    paginator: Paginator[NetworkGroup] = Paginator(groups, per_page)
    try:
        wanted = int(str(number)) if number not in (None, "") else 1
    except ValueError:
        wanted = 0
    if wanted >= 1:
        offset = (wanted - 1) * per_page
        counted = groups.annotate(list_total=Window(Count("pk")))
        rows = list(counted[offset : offset + per_page])
        if rows or wanted == 1:
            paginator.__dict__["count"] = getattr(rows[0], "list_total", 0) if rows else 0
            return Page(rows, wanted, paginator)
    return paginator.get_page(number)


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
    return cadence_from(
        started_on=group.started_on,
        cadence_days=group.cadence_days,
        active=group.is_active,
        last_held_at=getattr(group, "last_held_at", None),
        tolerance_days=int(getattr(group, "tolerance_days", DEFAULT_TOLERANCE)),
        today=today,
    )


def cadence_from(
    *,
    started_on: dt.date,
    cadence_days: int,
    active: bool,
    last_held_at: dt.datetime | None,
    tolerance_days: int,
    today: dt.date,
) -> Cadence:
    """The cadence from plain values (see `cadence_of`)."""
    last_met = timezone.localdate(last_held_at) if last_held_at is not None else None
    since = last_met or started_on
    days_since = max((today - since).days, 0)
    overdue = max(days_since - cadence_days, 0) if active else 0
    return Cadence(
        last_met=last_met,
        days_since=days_since,
        days_overdue=overdue,
        tolerance_days=tolerance_days,
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
class Present:
    """A family present at a meeting, as far as pages and the API show it."""

    pk: int
    uuid: uuid.UUID
    name: str

    @classmethod
    def of(cls, family: FosterFamily) -> Present:
        return cls(pk=family.pk, uuid=family.uuid, name=family.name)


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    attendees: list[str]  # labels as `user` may see them
    topics: list[Topic]
    present: list[Present] = field(default_factory=list)  # whatever `user` may see of them

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
    open_meetings: list[Meeting] = field(default_factory=list)  # topics can be planned for

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
    foster parents' names and contact details of those they may see. Two queries, whoever
    asks and however many members share their details: the parents of members `user` may not
    see are dropped before anything is built from them."""
    own = scope_for(user).foster_family_id
    memberships = list(
        GroupMembership.objects.filter(group=group, left_on__isnull=True)
        .select_related("family")
        .order_by("family__name", "id")
    )
    for membership in memberships:
        membership.group = group  # the rule reads it; no query
    shown = {m.pk: rules.can_see_member_details(user, m) for m in memberships}
    visible_ids = {m.family_id for m in memberships if shown[m.pk]}
    parents: dict[int, list[FosterParent]] = {}
    current = GroupMembership.objects.filter(group=group, left_on__isnull=True)
    for parent in FosterParent.objects.filter(family__in=current.values("family_id")).order_by(
        "first_name", "last_name", "id"
    ):
        if parent.family_id in visible_ids:
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
    user: UserLike,
    group: NetworkGroup,
    members: list[MemberView],
    meetings: Iterable[Meeting],
    *,
    present: Mapping[int, list[Present]] | None = None,
    topics: Mapping[int, list[Topic]] | None = None,
) -> list[MeetingView]:
    """Meetings with their attendees as labels `user` may see (a former member is named only
    for those who manage the group) and their chosen topics. `present` and `topics` (meeting
    id → families present, its topics) when the caller fetched them for all the meetings at
    once; otherwise they are read from each meeting (prefetch them)."""
    labels = {m.membership.family_id: m.label for m in members}
    manage = rules.can_manage_group(user, group)
    views = []
    for meeting in meetings:
        families = (
            present.get(meeting.pk, [])
            if present is not None
            else [Present.of(family) for family in meeting.attendees.all()]
        )
        attendees = []
        for family in families:
            fallback = family.name if manage else _("A former member family")
            attendees.append(_label_for(family.pk, labels, fallback))
        views.append(
            MeetingView(
                meeting=meeting,
                attendees=attendees,
                topics=topics.get(meeting.pk, [])
                if topics is not None
                else list(meeting.topics.all()),
                present=families,
            )
        )
    return views


def _families_present(group: NetworkGroup) -> dict[int, list[Present]]:
    """The families present at each of the group's meetings, by name. One query (of values,
    not model instances), with or without meetings."""
    present: dict[int, list[Present]] = defaultdict(list)
    rows = (
        Meeting.attendees.through.objects.filter(meeting__group=group)
        .order_by("fosterfamily__name", "fosterfamily_id")
        .values_list("meeting_id", "fosterfamily_id", "fosterfamily__uuid", "fosterfamily__name")
    )
    for meeting_id, family_id, family_uuid, name in rows:
        present[meeting_id].append(Present(pk=family_id, uuid=family_uuid, name=name))
    return present


def _supporters(group: NetworkGroup) -> dict[int, set[int]]:
    """The families supporting each of the group's topics. One query, with or without topics."""
    supporters: dict[int, set[int]] = defaultdict(set)
    rows = Topic.supporters.through.objects.filter(topic__group=group).values_list(
        "topic_id", "fosterfamily_id"
    )
    for topic_id, family_id in rows:
        supporters[topic_id].add(family_id)
    return supporters


def group_detail(
    user: UserLike, group: NetworkGroup, *, now: dt.datetime | None = None
) -> GroupDetail:
    """What the group page shows to `user`: members per the consent rule, upcoming and past
    meetings with attendance, topics with their support, the cadence, the meetings a topic can
    be planned for, and what `user` may do. Seven queries, however many members, meetings,
    topics and supporters the group has (and whether it has any)."""
    now = now or timezone.now()
    members = member_views(user, group)
    own = scope_for(user).foster_family_id
    own_membership = next((m.membership for m in members if m.is_own), None)
    meetings = list(group.meetings.select_related("facilitator").order_by("starts_at", "id"))
    topic_list = list(
        group.topics.select_related("meeting").order_by("created_at", "id"),
    )
    topics_of: dict[int, list[Topic]] = defaultdict(list)
    for topic in topic_list:
        if topic.meeting_id is not None:
            topics_of[topic.meeting_id].append(topic)
    views = meeting_views(
        user, group, members, meetings, present=_families_present(group), topics=topics_of
    )
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
    supporters = _supporters(group)
    topics = []
    for topic in topic_list:
        supporter_ids = supporters.get(topic.pk, set())
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
        open_meetings=[m for m in meetings if not m.cancelled and not m.attendance_recorded],
    )


# -- the user's own membership ------------------------------------------------------------------


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
