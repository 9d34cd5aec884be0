"""Writes of network groups: creating a group (from an accepted proposal or by hand), members
and their consent to share contact details, the group's settings and contact family, the phase
from facilitated to self-running, and ending a group. Meetings are in `services/meetings.py`,
topics in `services/topics.py`; both share this module's checks (`FieldErrors`,
`require_manager`, `require_active`).

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("networks.<object>.<verb>", …)`. A facilitator from an institution gets
an engagement with each member family (source `networks.group:<uuid>`), so the institution's
staff see the families while they facilitate, plus the municipality's grace period; removing
a member ends that family's engagement, ending the group ends them all.

Group-level changes claim `NetworkGroup.version` (optimistic concurrency,
`core/concurrency.py`); their audit entries carry the version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
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
from samspil.networks.enums import GroupPhase
from samspil.networks.models import (
    GroupMembership,
    NetworkGroup,
    NetworkSettings,
    Pool,
)
from samspil.networks.selectors import meetings as meeting_selectors
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


# -- helpers (also for services/meetings.py and services/topics.py) -------------------------------


GROUP_FIELDS = ["name", "cadence_days", "facilitated_meetings", "meeting_slot"]


class FieldErrors:
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


def _lock_group(group: NetworkGroup, expected_version: int) -> None:
    """Move the group to its next version (or raise ConcurrentEditError) and reload it, so the
    checks that follow see the row as it is now, locked until the transaction ends."""
    claim_version(group, expected_version=expected_version)
    group.refresh_from_db()


def require_manager(actor: User, group: NetworkGroup) -> None:
    if not rules.can_manage_group(actor, group):
        raise PermissionDeniedError


def require_active(group: NetworkGroup) -> None:
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
    require_manager(actor, group)
    _lock_group(group, expected_version)
    require_active(group)
    joined_on = joined_on or timezone.localdate()
    errors = FieldErrors()
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
    require_manager(actor, group)
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
    require_manager(actor, group)
    require_active(group)
    before = snapshot(group, GROUP_FIELDS)
    for name in GROUP_FIELDS:
        if name in values and values[name] is not None:
            setattr(group, name, values[name])
    if isinstance(group.name, str):
        group.name = group.name.strip()
    errors = FieldErrors()
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
    require_manager(actor, group)
    require_active(group)
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
    require_manager(actor, group)
    _lock_group(group, expected_version)
    require_active(group)
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
        data={"held": meeting_selectors.held_meetings(group)},
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
    require_manager(actor, group)
    _lock_group(group, expected_version)
    require_active(group)
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
