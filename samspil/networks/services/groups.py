"""Writes of network groups: creating a group (from an accepted proposal or by hand), members
and their consent to share contact details, meetings with attendance and minutes, topics, the
phase from facilitated to self-running.

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("networks.<object>.<verb>", …)`. A facilitator from an institution gets
an engagement with each member family (source `network-group:<uuid>`), so the institution's
staff see the families while they facilitate, plus the municipality's grace period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.enums import TimeSlot
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import FosterFamily
from samspil.families.services import record_engagement
from samspil.networks import rules
from samspil.networks.models import GroupMembership, NetworkGroup, NetworkSettings, Pool
from samspil.organisations.models import Collaboration, Institution, Municipality


def engagement_source(group: NetworkGroup) -> str:
    return f"network-group:{group.uuid}"


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
) -> NetworkGroup:
    """Create an active group with `families` as members. Refuses a family already in an
    active group (the database enforces it too) and a facilitator who is not staff."""
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
        cadence_days=settings.cadence_days,
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
