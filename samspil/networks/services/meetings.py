"""Writes of network-group meetings: planning, changing and cancelling a meeting, and recording
its attendance and short minutes (which makes it a held meeting: it counts for the cadence and
the facilitated phase).

Each function is one use case: keyword-only, atomic, permission-checked
(`rules.can_run_meetings`, raising `PermissionDeniedError`), validated (raising
`ValidationError` with every problem at once) and audited with
`log_action("networks.meeting.<verb>", …)`. Changes claim `Meeting.version` (optimistic
concurrency, `core/concurrency.py`); the audit entries carry the version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import claim_version, save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import GroupPhase, MeetingMode
from samspil.networks.models import GroupMembership, Meeting, NetworkGroup
from samspil.networks.services.groups import FieldErrors, require_active

MEETING_FIELDS = ["starts_at", "ends_at", "mode", "place", "link", "agenda"]


def _log_meeting(
    verb: str,
    *,
    actor: User,
    meeting: Meeting,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    log_action(
        f"networks.meeting.{verb}",
        actor=actor,
        obj=meeting,
        municipality_id=meeting.group.municipality_id,
        changes=changes,
        data={"version": meeting.version, "group": str(meeting.group.uuid), **(data or {})},
    )


def _check_meeting(errors: FieldErrors, meeting: Meeting) -> None:
    if meeting.mode == MeetingMode.PHYSICAL and not meeting.place.strip():
        errors.add("place", _("Say where the group meets."))
    if meeting.mode == MeetingMode.VIRTUAL and not meeting.link.strip():
        errors.add("link", _("Give the link to the virtual meeting."))
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors.add("ends_at", _("The meeting must end after it starts."))
    if meeting.starts_at and timezone.localdate(meeting.starts_at) < meeting.group.started_on:
        errors.add("starts_at", _("The meeting cannot be before the group started."))
    # The checks above mirror the model's constraints with messages per field.
    errors.clean(meeting, exclude=["group", "facilitator"], constraints=False)


def _apply_meeting(meeting: Meeting, values: Mapping[str, Any]) -> None:
    for name in MEETING_FIELDS:
        if name in values and values[name] is not None:
            setattr(meeting, name, values[name])
    meeting.place = meeting.place.strip()
    meeting.link = meeting.link.strip()


@transaction.atomic
def plan_meeting(*, actor: User, group: NetworkGroup, values: Mapping[str, Any]) -> Meeting:
    """Plan a meeting of an active group: when (`starts_at`, `ends_at`), physical with a place
    or virtual with a link, the agenda (`values`, see MEETING_FIELDS). A meeting planned in the
    facilitated phase is facilitated by the group's facilitator. Whoever runs the meetings
    (rules.can_run_meetings). Audit "networks.meeting.create"."""
    if not rules.can_run_meetings(actor, group):
        raise PermissionDeniedError
    require_active(group)
    facilitated = group.phase == GroupPhase.FACILITATED
    meeting = Meeting(
        group=group,
        facilitated=facilitated,
        facilitator_id=group.facilitator_id if facilitated else None,
    )
    _apply_meeting(meeting, values)
    errors = FieldErrors()
    _check_meeting(errors, meeting)
    errors.raise_if_any()
    meeting.save()
    _log_meeting(
        "create",
        actor=actor,
        meeting=meeting,
        changes=diff({}, snapshot(meeting, MEETING_FIELDS)),
        data={"facilitated": facilitated},
    )
    return meeting


@transaction.atomic
def update_meeting(
    *, actor: User, meeting: Meeting, values: Mapping[str, Any], expected_version: int
) -> Meeting:
    """Change a meeting's time, form, place or link and agenda. Not a cancelled meeting.
    Audit "networks.meeting.update"."""
    if not rules.can_run_meetings(actor, meeting.group):
        raise PermissionDeniedError
    if meeting.cancelled:
        raise ValidationError(_("The meeting is cancelled."))
    before = snapshot(meeting, MEETING_FIELDS)
    _apply_meeting(meeting, values)
    errors = FieldErrors()
    _check_meeting(errors, meeting)
    errors.raise_if_any()
    save_versioned(meeting, expected_version=expected_version, fields=MEETING_FIELDS)
    _log_meeting(
        "update",
        actor=actor,
        meeting=meeting,
        changes=diff(before, snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: User, meeting: Meeting, expected_version: int) -> Meeting:
    """Cancel a planned meeting (not one whose attendance is recorded). Topics planned for it
    stay chosen, for another meeting. Audit "networks.meeting.cancel"."""
    if not rules.can_run_meetings(actor, meeting.group):
        raise PermissionDeniedError
    if meeting.cancelled:
        raise ValidationError(_("The meeting is already cancelled."))
    if meeting.attendance_recorded:
        raise ValidationError(_("The meeting was held: its attendance is recorded."))
    meeting.cancelled = True
    save_versioned(meeting, expected_version=expected_version, fields=["cancelled"])
    meeting.topics.update(meeting=None)
    _log_meeting(
        "cancel",
        actor=actor,
        meeting=meeting,
        changes={"cancelled": {"before": False, "after": True}},
    )
    return meeting


@transaction.atomic
def record_attendance(
    *,
    actor: User,
    meeting: Meeting,
    attendees: Sequence[FosterFamily],
    minutes: str,
    expected_version: int,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record which member families came and short minutes, once the meeting has begun; this
    makes it a held meeting (it counts for the cadence and the facilitated phase). Attendees
    must have been members on the day. Recording again replaces both. Audit
    "networks.meeting.attendance"."""
    group = meeting.group
    if not rules.can_run_meetings(actor, group):
        raise PermissionDeniedError
    claim_version(meeting, expected_version=expected_version)
    meeting.refresh_from_db()
    now = now or timezone.now()
    errors = FieldErrors()
    if meeting.cancelled:
        errors.add("attendees", _("The meeting is cancelled."))
    if meeting.starts_at > now:
        errors.add("attendees", _("Attendance can be recorded once the meeting has begun."))
    if not attendees:
        errors.add("attendees", _("Tick the families who came (cancel a meeting nobody came to)."))
    day = timezone.localdate(meeting.starts_at)
    members = set(
        GroupMembership.objects.filter(group=group, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("family_id", flat=True)
    )
    if any(f.pk not in members for f in attendees):
        errors.add("attendees", _("Only families who were members on the day can attend."))
    errors.raise_if_any()
    before_count = meeting.attendees.count() if meeting.attendance_recorded else None
    before_minutes = meeting.minutes
    meeting.attendees.set(attendees)
    meeting.minutes = minutes.strip()
    meeting.attendance_recorded = True
    meeting.save(update_fields=["minutes", "attendance_recorded", "updated_at"])
    _log_meeting(
        "attendance",
        actor=actor,
        meeting=meeting,
        changes=diff(
            {"families_present": before_count, "minutes": before_minutes},
            {"families_present": len(attendees), "minutes": meeting.minutes},
        ),
        data={"families": sorted(str(f.uuid) for f in attendees)},
    )
    return meeting
