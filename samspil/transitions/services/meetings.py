"""Writes of collaboration meetings: recording a meeting of the parties (who took part, what
they shared about the child's interests and needs, how they divide the work, the minutes) and
changing it afterwards.

Keyword-only, atomic, permission-checked (`rules.can_contribute`), validated and audited
("transitions.meeting.create", "transitions.meeting.update": who took part as ids, and which
texts changed, never the texts). Changes claim `CollaborationMeeting.version`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import FosterParent
from samspil.transitions import rules
from samspil.transitions.models import CollaborationMeeting, Transition
from samspil.transitions.selectors.transitions import meeting_staff
from samspil.transitions.services.transitions import text_changes

TEXT_FIELDS = ["other_participants", "shared_about_child", "division_of_work", "minutes"]
FUTURE_MARGIN = dt.timedelta(days=1)


def _check(
    transition: Transition,
    values: Mapping[str, Any],
    staff: Sequence[User],
    parents: Sequence[FosterParent],
    now: dt.datetime,
) -> None:
    errors: dict[str, list[str]] = {}
    held_at = values.get("held_at")
    if held_at is None:
        errors["held_at"] = [_("Say when the meeting was held.")]
    elif held_at > now + FUTURE_MARGIN:
        errors["held_at"] = [_("Record a meeting once it has been held.")]
    allowed = set(meeting_staff(transition).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in staff):
        errors["staff"] = [_("Staff present must work in the municipality or at the institution.")]
    if any(parent.family_id != transition.family_id for parent in parents):
        errors["parents"] = [_("Only the receiving family's foster parents can be chosen.")]
    if not (staff or parents or str(values.get("other_participants") or "").strip()):
        errors.setdefault("staff", []).append(_("Say who took part."))
    if errors:
        raise ValidationError(errors)


def _apply(meeting: CollaborationMeeting, values: Mapping[str, Any]) -> None:
    meeting.held_at = values["held_at"]
    meeting.place = str(values.get("place") or "").strip()
    for name in TEXT_FIELDS:
        if name in values:
            setattr(meeting, name, str(values[name] or "").strip())


@transaction.atomic
def add_meeting(
    *,
    actor: User,
    transition: Transition,
    values: Mapping[str, Any],
    staff: Sequence[User] = (),
    parents: Sequence[FosterParent] = (),
    now: dt.datetime | None = None,
) -> CollaborationMeeting:
    """Record a collaboration meeting (`held_at`, `place`, the texts in TEXT_FIELDS) with the
    staff and foster parents present. Contributors, while the transition is open. Audit
    "transitions.meeting.create"."""
    if not rules.can_contribute(actor, transition):
        raise PermissionDeniedError
    _check(transition, values, staff, parents, now or timezone.now())
    meeting = CollaborationMeeting(transition=transition, created_by=actor)
    _apply(meeting, values)
    meeting.save()
    meeting.staff.set(staff)
    meeting.parents.set(parents)
    log_action(
        "transitions.meeting.create",
        actor=actor,
        obj=meeting,
        municipality_id=transition.municipality_id,
        changes=text_changes({}, {name: getattr(meeting, name) for name in TEXT_FIELDS}),
        data={
            "transition": str(transition.uuid),
            "held_at": meeting.held_at.isoformat(),
            "staff": sorted(user.pk for user in staff),
            "parents": sorted(str(parent.uuid) for parent in parents),
            "version": meeting.version,
        },
    )
    return meeting


@transaction.atomic
def update_meeting(
    *,
    actor: User,
    meeting: CollaborationMeeting,
    values: Mapping[str, Any],
    staff: Sequence[User],
    parents: Sequence[FosterParent],
    expected_version: int,
    now: dt.datetime | None = None,
) -> CollaborationMeeting:
    """Change a meeting (e.g. add the minutes), if nobody changed it since
    `expected_version`. Contributors, while the transition is open. Audit
    "transitions.meeting.update"."""
    transition = meeting.transition
    if not rules.can_contribute(actor, transition):
        raise PermissionDeniedError
    _check(transition, values, staff, parents, now or timezone.now())
    claim_version(meeting, expected_version=expected_version)
    before = {name: getattr(meeting, name) for name in TEXT_FIELDS}
    held_before = meeting.held_at
    _apply(meeting, values)
    meeting.save()
    meeting.staff.set(staff)
    meeting.parents.set(parents)
    changes = text_changes(before, {name: getattr(meeting, name) for name in TEXT_FIELDS})
    if held_before != meeting.held_at:
        changes["held_at"] = {
            "before": held_before.isoformat(),
            "after": meeting.held_at.isoformat(),
        }
    log_action(
        "transitions.meeting.update",
        actor=actor,
        obj=meeting,
        municipality_id=transition.municipality_id,
        changes=changes,
        data={
            "transition": str(transition.uuid),
            "staff": sorted(user.pk for user in staff),
            "parents": sorted(str(parent.uuid) for parent in parents),
            "version": meeting.version,
        },
    )
    return meeting
