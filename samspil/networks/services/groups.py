"""Writes of network groups: creating a group (from an accepted proposal or by hand), members
and their consent to share contact details, the group's settings and contact family, the phase
from facilitated to self-running, ending a group, meetings with attendance and minutes, topics
(set by the facilitator, later suggested, supported and chosen by the families).

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("networks.<object>.<verb>", …)`. A facilitator from an institution gets
an engagement with each member family (source `networks.group:<uuid>`), so the institution's
staff see the families while they facilitate, plus the municipality's grace period; removing
a member ends that family's engagement, ending the group ends them all.

Group-level changes claim `NetworkGroup.version` and meeting changes `Meeting.version`
(optimistic concurrency, `core/concurrency.py`); their audit entries carry the version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import diff, log_action, snapshot
from samspil.competence.enums import TimeSlot
from samspil.core.concurrency import claim_version, save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import FosterFamily
from samspil.families.rules import family_filter
from samspil.families.services import end_engagements, record_engagement
from samspil.networks import rules
from samspil.networks.enums import GroupPhase, MeetingMode, TopicStatus
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    NetworkGroup,
    NetworkSettings,
    Pool,
    Topic,
)
from samspil.networks.selectors import groups as selectors
from samspil.organisations.models import Collaboration, Institution, Municipality

CADENCE_DAYS = (7, 365)


def engagement_source(group: NetworkGroup) -> str:
    return f"networks.group:{group.uuid}"


def facilitator_institution(facilitator: User) -> Institution | None:
    """The institution a facilitator works for (None for a consultant)."""
    scope = scope_for(facilitator)
    institutions = scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
    if not institutions or scope.municipalities(Role.CONSULTANT, Role.LEADER):
        return None
    return Institution.objects.filter(pk__in=institutions).order_by("pk").first()


@transaction.atomic
def create_group(
    *,
    actor: User,
    name: str,
    municipality: Municipality,
    families: Sequence[FosterFamily],
    facilitator: User,
    meeting_slot: TimeSlot | str,
    started_on: dt.date | None = None,
    collaboration: Collaboration | None = None,
    pool: Pool | None = None,
    composition: Sequence[str] = (),
    cadence_days: int | None = None,
) -> NetworkGroup:
    """Create an active group with `families` as members. Refuses a family already in an
    active group (the database enforces it too) and a facilitator who is not staff.
    `cadence_days` defaults to the municipality's `NetworkSettings.cadence_days`."""
    if not (
        municipality.pk in scope_for(actor).municipalities(*rules.MUNICIPAL)
        or (pool is not None and rules.can_change_pool(actor, pool))
    ):
        raise PermissionDeniedError
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the group a name.")]
    if not families:
        errors["families"] = [_("A group needs at least one family.")]
    busy = list(
        GroupMembership.objects.filter(family__in=families, left_on__isnull=True).select_related(
            "family"
        )
    )
    if busy:
        errors.setdefault("families", []).append(
            _("Already in an active network group: %(families)s.")
            % {"families": ", ".join(sorted(m.family.name for m in busy))}
        )
    if not scope_for(facilitator).is_staff_member:
        errors["facilitator"] = [_("The facilitator must be a consultant or institution staff.")]
    if meeting_slot not in TimeSlot.values:
        errors["meeting_slot"] = [_("Choose a meeting time.")]
    if cadence_days is not None and not CADENCE_DAYS[0] <= cadence_days <= CADENCE_DAYS[1]:
        errors["cadence_days"] = [_("Meet every 7 to 365 days.")]
    if errors:
        raise ValidationError(errors)
    settings = NetworkSettings.for_municipality(municipality)
    started_on = started_on or timezone.localdate()
    institution = facilitator_institution(facilitator)
    group = NetworkGroup.objects.create(
        name=name.strip(),
        municipality=municipality,
        collaboration=collaboration,
        pool=pool,
        facilitator=facilitator,
        facilitator_institution=institution,
        meeting_slot=meeting_slot,
        cadence_days=cadence_days if cadence_days is not None else settings.cadence_days,
        facilitated_meetings=settings.facilitated_meetings,
        started_on=started_on,
        composition=list(composition),
    )
    try:
        with transaction.atomic():
            GroupMembership.objects.bulk_create(
                GroupMembership(group=group, family=family, joined_on=started_on)
                for family in families
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"families": [_("A family joined another network group meanwhile; try again.")]}
        ) from exc
    if institution is not None:
        for family in families:
            record_engagement(
                family=family,
                institution=institution,
                kind=EngagementKind.NETWORK_GROUP,
                starts_on=started_on,
                actor=actor,
                source=engagement_source(group),
            )
    log_action(
        "networks.group.create",
        actor=actor,
        obj=group,
        municipality_id=municipality.pk,
        data={
            "name": group.name,
            "families": [str(f.uuid) for f in families],
            "facilitator": facilitator.username,
            "pool": str(pool.uuid) if pool else None,
        },
    )
    return group


# -- helpers --------------------------------------------------------------------------------------


GROUP_FIELDS = ["name", "cadence_days", "facilitated_meetings", "meeting_slot"]
MEETING_FIELDS = ["starts_at", "ends_at", "mode", "place", "link", "agenda"]


class _Errors:
    """Collects field errors so a form shows every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def clean(
        self, instance: Any, exclude: list[str] | None = None, *, constraints: bool = True
    ) -> None:
        try:
            instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=constraints
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    if message not in self.errors.get(name, []):
                        self.add(name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _log_group(
    verb: str,
    *,
    actor: User,
    group: NetworkGroup,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    log_action(
        f"networks.{verb}",
        actor=actor,
        obj=group,
        municipality_id=group.municipality_id,
        changes=changes,
        data={"version": group.version, **(data or {})},
    )


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


def _log_topic(
    verb: str, *, actor: User, topic: Topic, data: Mapping[str, Any] | None = None
) -> None:
    log_action(
        f"networks.topic.{verb}",
        actor=actor,
        obj=topic,
        municipality_id=topic.group.municipality_id,
        data={"group": str(topic.group.uuid), "status": topic.status, **(data or {})},
    )


def _lock_group(group: NetworkGroup, expected_version: int) -> None:
    """Move the group to its next version (or raise ConcurrentEditError) and reload it, so the
    checks that follow see the row as it is now, locked until the transaction ends."""
    claim_version(group, expected_version=expected_version)
    group.refresh_from_db()


def _require_manager(actor: User, group: NetworkGroup) -> None:
    if not rules.can_manage_group(actor, group):
        raise PermissionDeniedError


def _require_active(group: NetworkGroup) -> None:
    if not group.is_active:
        raise ValidationError(_("The group has ended."))


def _active_membership(group: NetworkGroup, family: FosterFamily) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, family=family, left_on__isnull=True).first()


# -- members and their consent -------------------------------------------------------------------


@transaction.atomic
def add_member(
    *,
    actor: User,
    group: NetworkGroup,
    family: FosterFamily,
    expected_version: int,
    joined_on: dt.date | None = None,
) -> GroupMembership:
    """Add `family` to an active group. The family must be one `actor` may see and in no other
    active group. Side effects: an engagement of the facilitator's institution with the family
    (when an institution facilitates), the audit entry "networks.membership.add"."""
    _require_manager(actor, group)
    _lock_group(group, expected_version)
    _require_active(group)
    joined_on = joined_on or timezone.localdate()
    errors = _Errors()
    if not FosterFamily.objects.filter(family_filter(actor), pk=family.pk).exists():
        errors.add("family", _("Choose a family you can see."))
    if GroupMembership.objects.filter(family=family, left_on__isnull=True).exists():
        errors.add("family", _("The family is already in an active network group."))
    if joined_on < group.started_on:
        errors.add("joined_on", _("A family cannot join before the group started."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            membership = GroupMembership.objects.create(
                group=group, family=family, joined_on=joined_on
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"family": [_("The family joined another network group meanwhile.")]}
        ) from exc
    if group.facilitator_institution is not None:
        record_engagement(
            family=family,
            institution=group.facilitator_institution,
            kind=EngagementKind.NETWORK_GROUP,
            starts_on=joined_on,
            actor=actor,
            source=engagement_source(group),
        )
    _log_group(
        "membership.add",
        actor=actor,
        group=group,
        changes={"member": {"before": None, "after": family.name}},
        data={"family": str(family.uuid), "joined_on": joined_on},
    )
    return membership


@transaction.atomic
def remove_member(
    *,
    actor: User,
    group: NetworkGroup,
    family: FosterFamily,
    expected_version: int,
    left_on: dt.date | None = None,
) -> GroupMembership:
    """The family leaves the group on `left_on` (default today). Side effects: the
    facilitating institution's engagement with the family for this group ends then (access
    lasts the grace period), the family stops being the contact family, the audit entry
    "networks.membership.remove"."""
    _require_manager(actor, group)
    _lock_group(group, expected_version)
    membership = _active_membership(group, family)
    if membership is None:
        raise ValidationError({"family": [_("The family is not a member of the group.")]})
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": [_("A family cannot leave before it joined.")]})
    membership.left_on = left_on
    membership.save(update_fields=["left_on", "updated_at"])
    end_engagements(source=engagement_source(group), on=left_on, family=family)
    changes: dict[str, Any] = {"member": {"before": family.name, "after": None}}
    if group.contact_family_id == family.pk:
        group.contact_family = None
        group.save(update_fields=["contact_family", "updated_at"])
        changes["contact_family"] = {"before": family.name, "after": None}
    _log_group(
        "membership.remove",
        actor=actor,
        group=group,
        changes=changes,
        data={"family": str(family.uuid), "left_on": left_on},
    )
    return membership


@transaction.atomic
def set_consent(
    *, actor: User, membership: GroupMembership, shares: bool, now: dt.datetime | None = None
) -> GroupMembership:
    """The family gives (`shares`) or withdraws its consent to show its names and contact
    details to the other members. Only the family itself (rules.can_change_consent). Side
    effect: the audit entry "networks.membership.consent" with when and what changed."""
    if not rules.can_change_consent(actor, membership):
        raise PermissionDeniedError
    before = membership.shares_contact_details
    membership.shares_contact_details = shares
    membership.consent_changed_at = now or timezone.now()
    membership.save(update_fields=["shares_contact_details", "consent_changed_at", "updated_at"])
    log_action(
        "networks.membership.consent",
        actor=actor,
        obj=membership.group,
        municipality_id=membership.group.municipality_id,
        changes={"shares_contact_details": {"before": before, "after": shares}},
        data={"family": str(membership.family.uuid), "shares": shares},
    )
    return membership


# -- the group's settings, contact family, phase, end ---------------------------------------------


@transaction.atomic
def update_group(
    *, actor: User, group: NetworkGroup, values: Mapping[str, Any], expected_version: int
) -> NetworkGroup:
    """Change the group's name, cadence (days between meetings), the number of facilitated
    meetings and the meeting time (`values`, see GROUP_FIELDS). Audit "networks.group.update"."""
    _require_manager(actor, group)
    _require_active(group)
    before = snapshot(group, GROUP_FIELDS)
    for name in GROUP_FIELDS:
        if name in values and values[name] is not None:
            setattr(group, name, values[name])
    if isinstance(group.name, str):
        group.name = group.name.strip()
    errors = _Errors()
    errors.clean(group)
    errors.raise_if_any()
    save_versioned(group, expected_version=expected_version, fields=GROUP_FIELDS)
    _log_group(
        "group.update",
        actor=actor,
        group=group,
        changes=diff(before, snapshot(group, GROUP_FIELDS)),
    )
    return group


@transaction.atomic
def set_contact_family(
    *,
    actor: User,
    group: NetworkGroup,
    family: FosterFamily | None,
    expected_version: int,
) -> NetworkGroup:
    """Make a current member the group's contact family (None: no contact family), who runs
    the meetings once the group runs itself. Audit "networks.group.contact_family"."""
    _require_manager(actor, group)
    _require_active(group)
    if family is not None and _active_membership(group, family) is None:
        raise ValidationError({"family": [_("The contact family must be a member of the group.")]})
    if family is None and group.phase == GroupPhase.SELF_RUNNING:
        raise ValidationError({"family": [_("A self-running group needs a contact family.")]})
    before = group.contact_family.name if group.contact_family else None
    group.contact_family = family
    save_versioned(group, expected_version=expected_version, fields=["contact_family"])
    _log_group(
        "group.contact_family",
        actor=actor,
        group=group,
        changes={"contact_family": {"before": before, "after": family.name if family else None}},
        data={"family": str(family.uuid) if family else None},
    )
    return group


@transaction.atomic
def start_self_running(*, actor: User, group: NetworkGroup, expected_version: int) -> NetworkGroup:
    """Move the group from the facilitated to the self-running phase. It needs a contact
    family (a current member); the page suggests it once `facilitated_meetings` meetings were
    held, but the facilitator decides. Audit "networks.group.phase"."""
    _require_manager(actor, group)
    _lock_group(group, expected_version)
    _require_active(group)
    if group.phase != GroupPhase.FACILITATED:
        raise ValidationError(_("The group already runs itself."))
    if group.contact_family is None or _active_membership(group, group.contact_family) is None:
        raise ValidationError(
            {"contact_family": [_("Choose a contact family before the group runs itself.")]}
        )
    group.phase = GroupPhase.SELF_RUNNING
    group.save(update_fields=["phase", "updated_at"])
    _log_group(
        "group.phase",
        actor=actor,
        group=group,
        changes={"phase": {"before": GroupPhase.FACILITATED, "after": GroupPhase.SELF_RUNNING}},
        data={"held": selectors.held_meetings(group)},
    )
    return group


@transaction.atomic
def end_group(
    *,
    actor: User,
    group: NetworkGroup,
    expected_version: int,
    ended_on: dt.date | None = None,
) -> NetworkGroup:
    """End the group on `ended_on` (default today). Side effects: every current membership
    ends then, the facilitating institution's engagements for the group end then (access lasts
    the grace period), meetings planned after that day are cancelled, audit
    "networks.group.end"."""
    _require_manager(actor, group)
    _lock_group(group, expected_version)
    _require_active(group)
    ended_on = ended_on or timezone.localdate()
    if ended_on < group.started_on:
        raise ValidationError({"ended_on": [_("A group cannot end before it started.")]})
    group.ended_on = ended_on
    group.save(update_fields=["ended_on", "updated_at"])
    left = 0
    for membership in GroupMembership.objects.filter(group=group, left_on__isnull=True):
        membership.left_on = max(ended_on, membership.joined_on)
        membership.save(update_fields=["left_on", "updated_at"])
        left += 1
    end_engagements(source=engagement_source(group), on=ended_on, family=None)
    after_end = dt.datetime.combine(
        ended_on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    planned = group.meetings.filter(cancelled=False, starts_at__gte=after_end)
    cancelled = [str(u) for u in planned.values_list("uuid", flat=True)]
    planned.update(cancelled=True, version=F("version") + 1, updated_at=timezone.now())
    _log_group(
        "group.end",
        actor=actor,
        group=group,
        changes={"ended_on": {"before": None, "after": ended_on}},
        data={"members_left": left, "cancelled_meetings": cancelled},
    )
    return group


# -- meetings ---------------------------------------------------------------------------------------


def _check_meeting(errors: _Errors, meeting: Meeting) -> None:
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
    _require_active(group)
    facilitated = group.phase == GroupPhase.FACILITATED
    meeting = Meeting(
        group=group,
        facilitated=facilitated,
        facilitator_id=group.facilitator_id if facilitated else None,
    )
    _apply_meeting(meeting, values)
    errors = _Errors()
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
    errors = _Errors()
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
    errors = _Errors()
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


# -- topics -----------------------------------------------------------------------------------------


def _check_topic(errors: _Errors, title: str) -> None:
    if not title.strip():
        errors.add("title", _("Give the topic a title."))
    elif len(title.strip()) > 200:
        errors.add("title", _("Keep the title under 200 characters."))


def _check_topic_meeting(errors: _Errors, group: NetworkGroup, meeting: Meeting | None) -> None:
    if meeting is not None and (
        meeting.group_id != group.pk or meeting.cancelled or meeting.attendance_recorded
    ):
        errors.add("meeting", _("Choose a planned meeting of the group."))


@transaction.atomic
def add_topic(
    *,
    actor: User,
    group: NetworkGroup,
    title: str,
    description: str = "",
    meeting: Meeting | None = None,
) -> Topic:
    """Staff who manage the group set a topic (chosen at once), optionally for a planned
    meeting: how topics start in the facilitated phase. Audit "networks.topic.create"."""
    _require_manager(actor, group)
    _require_active(group)
    errors = _Errors()
    _check_topic(errors, title)
    _check_topic_meeting(errors, group, meeting)
    errors.raise_if_any()
    topic = Topic.objects.create(
        group=group,
        title=title.strip(),
        description=description.strip(),
        status=TopicStatus.CHOSEN,
        suggested_by=actor,
        meeting=meeting,
    )
    _log_topic("create", actor=actor, topic=topic, data={"title": topic.title})
    return topic


@transaction.atomic
def suggest_topic(*, actor: User, group: NetworkGroup, title: str, description: str = "") -> Topic:
    """A member family suggests a topic once the group runs itself (rules.can_suggest_topics).
    Audit "networks.topic.suggest"."""
    if not rules.can_suggest_topics(actor, group):
        raise PermissionDeniedError
    family_id = rules.member_family_id(actor, group)
    errors = _Errors()
    _check_topic(errors, title)
    errors.raise_if_any()
    topic = Topic.objects.create(
        group=group,
        title=title.strip(),
        description=description.strip(),
        status=TopicStatus.SUGGESTED,
        suggested_by=actor,
        suggested_by_family_id=family_id,
    )
    _log_topic("suggest", actor=actor, topic=topic, data={"title": topic.title})
    return topic


@transaction.atomic
def support_topic(*, actor: User, topic: Topic, supports: bool = True) -> Topic:
    """A member family supports another family's suggestion (or withdraws its support).
    Audit "networks.topic.support"."""
    group = topic.group
    if not rules.can_suggest_topics(actor, group):
        raise PermissionDeniedError
    family_id = rules.member_family_id(actor, group)
    if topic.status != TopicStatus.SUGGESTED:
        raise ValidationError(_("Only suggestions can be supported."))
    if topic.suggested_by_family_id == family_id:
        raise ValidationError(_("Your family suggested this topic."))
    if supports:
        topic.supporters.add(family_id)  # type: ignore[arg-type]
    else:
        topic.supporters.remove(family_id)  # type: ignore[arg-type]
    _log_topic("support", actor=actor, topic=topic, data={"supports": supports})
    return topic


@transaction.atomic
def choose_topic(*, actor: User, topic: Topic, meeting: Meeting | None = None) -> Topic:
    """Choose a topic (optionally for a planned meeting): staff who manage the group, or the
    contact family in the self-running phase. Audit "networks.topic.choose"."""
    group = topic.group
    if not rules.can_run_meetings(actor, group):
        raise PermissionDeniedError
    _require_active(group)
    errors = _Errors()
    if topic.status == TopicStatus.COVERED:
        errors.add("topic", _("The topic was covered already."))
    _check_topic_meeting(errors, group, meeting)
    errors.raise_if_any()
    topic.status = TopicStatus.CHOSEN
    topic.meeting = meeting
    topic.save(update_fields=["status", "meeting", "updated_at"])
    _log_topic(
        "choose",
        actor=actor,
        topic=topic,
        data={"meeting": str(meeting.uuid) if meeting else None},
    )
    return topic


@transaction.atomic
def cover_topic(*, actor: User, topic: Topic) -> Topic:
    """Mark a chosen topic covered. Audit "networks.topic.cover"."""
    if not rules.can_run_meetings(actor, topic.group):
        raise PermissionDeniedError
    if topic.status != TopicStatus.CHOSEN:
        raise ValidationError(_("Choose the topic before marking it covered."))
    topic.status = TopicStatus.COVERED
    topic.save(update_fields=["status", "updated_at"])
    _log_topic("cover", actor=actor, topic=topic)
    return topic
