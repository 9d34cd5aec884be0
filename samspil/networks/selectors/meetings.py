"""Reads of network-group meetings: one meeting (audited), its attendees as the reader may see
them, the families that may be recorded as present, the group's meetings and those a topic can
be planned for, and the year calendar's provider of network meetings. Every query starts from
the networks policy (`rules.group_filter`); who may see which member family's name is decided
in `selectors/groups.py` (`member_views`), which this module builds on.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.selectors.calendar import CANCELLED, CONFIRMED, CalendarItem
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import MeetingMode
from samspil.networks.models import GroupMembership, Meeting, NetworkGroup
from samspil.networks.selectors.groups import MeetingView, held_q, meeting_views, member_views


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
    """Calendar provider: the meetings `user` facilitates, of groups they may manage (staff),
    or of the groups their family is a member of (foster parents), starting in [start, end). One query. The feed title
    names no group or family; for foster parents it is neutral."""
    scope = scope_for(user)
    if not scope.is_authenticated:
        return []
    own = scope.foster_family_id
    q = rules.NOTHING
    if scope.is_staff_member:
        # Only the meetings the person facilitates: a calendar item is busy time (the hotline
        # rota avoids it), so a municipality's other consultants must not get them all.
        q |= (Q(group__facilitator_id=scope.user_id) | Q(facilitator_id=scope.user_id)) & Q(
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
