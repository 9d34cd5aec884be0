"""Writes in the families app: each a use case, keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.services import invitation_link, send_invitation
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.families import rules, selectors
from samspil.families.cpr import cpr_lookup_hash, encrypt_cpr
from samspil.families.enums import EngagementKind
from samspil.families.models import (
    Child,
    ConsultantAssignment,
    Engagement,
    FosterFamily,
    FosterParent,
    Placement,
)
from samspil.organisations.models import Institution, Municipality

FAMILY_FIELDS = [
    "name",
    "kind",
    "approved_on",
    "address",
    "postcode",
    "city",
    "phone",
    "email",
    "prefers_weekday_daytime",
    "prefers_evenings",
    "prefers_weekends",
    "in_model_since",
    "in_model_until",
]
PARENT_FIELDS = ["first_name", "last_name", "phone", "email"]
CHILD_FIELDS = ["first_name", "last_name", "date_of_birth", "case_worker"]
PLACEMENT_FIELDS = ["starts_on", "ends_on", "end_reason"]


def _apply(instance: Any, values: dict[str, Any], fields: list[str]) -> None:
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False)


# -- families ---------------------------------------------------------------------------------


@transaction.atomic
def create_family(
    *, actor: User, municipality: Municipality, consultant: User, values: dict[str, Any]
) -> FosterFamily:
    """Create a foster family with its first fixed consultant. Audited."""
    if municipality.pk not in rules.creatable_family_municipalities(actor):
        raise PermissionDeniedError
    if not selectors.assignable_consultants(municipality.pk).filter(pk=consultant.pk).exists():
        raise ValidationError(
            {"consultant": _("The consultant must work in the family's municipality.")}
        )
    family = FosterFamily(municipality=municipality)
    _apply(family, values, FAMILY_FIELDS)
    _full_clean(family)
    family.save()
    ConsultantAssignment.objects.create(
        family=family, consultant=consultant, starts_on=timezone.localdate()
    )
    log_action(
        "families.family.create",
        actor=actor,
        obj=family,
        municipality_id=municipality.pk,
        changes=diff({}, snapshot(family, FAMILY_FIELDS)),
        data={"consultant": consultant.username, "version": family.version},
    )
    return family


@transaction.atomic
def update_family(
    *, actor: User, family: FosterFamily, values: dict[str, Any], expected_version: int
) -> FosterFamily:
    """Change a family's fields if nobody else did since `expected_version`. Audited with
    before/after of the changed fields; raises ConcurrentEditError otherwise."""
    if not rules.can_change_family(actor, family):
        raise PermissionDeniedError
    before = snapshot(family, FAMILY_FIELDS)
    _apply(family, values, FAMILY_FIELDS)
    _full_clean(family)
    changes = diff(before, snapshot(family, FAMILY_FIELDS))
    version = save_versioned(family, expected_version=expected_version, fields=FAMILY_FIELDS)
    log_action(
        "families.family.update",
        actor=actor,
        obj=family,
        municipality_id=family.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return family


@transaction.atomic
def reassign_consultant(
    *,
    actor: User,
    family: FosterFamily,
    consultant: User,
    reason: str = "",
    on: dt.date | None = None,
) -> ConsultantAssignment:
    """Make `consultant` the family's fixed consultant from `on` (today), ending the current
    assignment; the database guarantees one current assignment per family. Audited."""
    if not rules.can_reassign_consultant(actor, family):
        raise PermissionDeniedError
    if (
        not selectors.assignable_consultants(family.municipality_id)
        .filter(pk=consultant.pk)
        .exists()
    ):
        raise ValidationError(
            {"consultant": _("The consultant must work in the family's municipality.")}
        )
    on = on or timezone.localdate()
    current = (
        ConsultantAssignment.objects.select_for_update()
        .filter(family=family, ends_on__isnull=True)
        .first()
    )
    if current is not None and current.consultant_id == consultant.pk:
        raise ValidationError(
            {"consultant": _("This consultant is already the family's fixed consultant.")}
        )
    if current is not None:
        if on < current.starts_on:
            raise ValidationError(
                {"on": _("The change cannot be dated before the current consultant started.")}
            )
        current.ends_on = on
        current.save(update_fields=["ends_on", "updated_at"])
    try:
        with transaction.atomic():
            assignment = ConsultantAssignment.objects.create(
                family=family, consultant=consultant, starts_on=on, reason=reason
            )
    except IntegrityError:
        raise ValidationError(
            _("Another change of consultant was saved at the same time. Try again.")
        ) from None
    log_action(
        "families.family.reassign_consultant",
        actor=actor,
        obj=family,
        municipality_id=family.municipality_id,
        changes={
            "consultant": {
                "before": current.consultant.username if current else None,
                "after": consultant.username,
            }
        },
        data={"reason": reason, "on": on},
    )
    return assignment


# -- foster parents -----------------------------------------------------------------------------


@transaction.atomic
def add_parent(*, actor: User, family: FosterFamily, values: dict[str, Any]) -> FosterParent:
    if not rules.can_change_family(actor, family):
        raise PermissionDeniedError
    parent = FosterParent(family=family)
    _apply(parent, values, PARENT_FIELDS)
    _full_clean(parent, exclude=["user"])
    parent.save()
    log_action(
        "families.parent.create",
        actor=actor,
        obj=parent,
        municipality_id=family.municipality_id,
        changes=diff({}, snapshot(parent, PARENT_FIELDS)),
        data={"family": family.uuid, "version": parent.version},
    )
    return parent


@transaction.atomic
def update_parent(
    *, actor: User, parent: FosterParent, values: dict[str, Any], expected_version: int
) -> FosterParent:
    if not rules.can_change_family(actor, parent.family):
        raise PermissionDeniedError
    before = snapshot(parent, PARENT_FIELDS)
    _apply(parent, values, PARENT_FIELDS)
    _full_clean(parent, exclude=["user"])
    changes = diff(before, snapshot(parent, PARENT_FIELDS))
    version = save_versioned(parent, expected_version=expected_version, fields=PARENT_FIELDS)
    log_action(
        "families.parent.update",
        actor=actor,
        obj=parent,
        municipality_id=parent.family.municipality_id,
        changes=changes,
        data={"family": parent.family.uuid, "version": version},
    )
    return parent


def _ascii_slug(text: str) -> str:
    danish = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    return slugify(text.lower().translate(danish))


@transaction.atomic
def invite_foster_parent(
    *, actor: User, parent: FosterParent, request: HttpRequest | None = None
) -> User:
    """Give a foster parent a login to see their own family, and e-mail them a link to choose a
    password. Foster parents may turn on two-factor authentication; it is not required."""
    if not rules.can_change_family(actor, parent.family):
        raise PermissionDeniedError
    if parent.user_id is not None:
        raise ValidationError(_("This foster parent already has a login."))
    if not parent.email:
        raise ValidationError({"email": _("Register the foster parent's e-mail address first.")})
    base = ".".join(_ascii_slug(part) for part in (parent.first_name, parent.last_name) if part)
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    user = User(
        username=username,
        first_name=parent.first_name,
        last_name=parent.last_name,
        email=parent.email,
    )
    user.set_unusable_password()
    user.save()
    FosterParent.objects.filter(pk=parent.pk).update(user=user)
    parent.user = user
    log_action(
        "families.parent.invite",
        actor=actor,
        obj=parent,
        municipality_id=parent.family.municipality_id,
        data={"username": username, "family": parent.family.uuid},
    )
    link = invitation_link(user, request)
    transaction.on_commit(lambda: send_invitation(user=user, link=link))
    return user


# -- children ---------------------------------------------------------------------------------


def _set_cpr(child: Child, cpr: str | None) -> bool:
    """Set (or with "" clear) the CPR number; None leaves it. Returns whether it changed."""
    if cpr is None:
        return False
    if cpr == "":
        changed = bool(child.cpr_encrypted)
        child.cpr_encrypted, child.cpr_hash = "", ""
        return changed
    new_hash = cpr_lookup_hash(cpr)
    if new_hash == child.cpr_hash:
        return False
    child.cpr_encrypted, child.cpr_hash = encrypt_cpr(cpr), new_hash
    return True


def _check_case_worker(child: Child) -> None:
    if child.case_worker_id is None:
        return
    if (
        not selectors.assignable_case_workers({child.municipality_id})
        .filter(pk=child.case_worker_id)
        .exists()
    ):
        raise ValidationError(
            {"case_worker": _("The case worker must work in the child's municipality.")}
        )


@transaction.atomic
def create_child(
    *, actor: User, municipality: Municipality, values: dict[str, Any], cpr: str | None = None
) -> Child:
    """Register a child. The CPR number, if given, is stored encrypted and never logged."""
    if municipality.pk not in rules.creatable_family_municipalities(actor):
        raise PermissionDeniedError
    child = Child(municipality=municipality)
    _apply(child, values, CHILD_FIELDS)
    _full_clean(child)
    _check_case_worker(child)
    cpr_changed = _set_cpr(child, cpr)
    child.save()
    log_action(
        "families.child.create",
        actor=actor,
        obj=child,
        municipality_id=municipality.pk,
        changes=diff({}, snapshot(child, CHILD_FIELDS)),
        data={"cpr_set": cpr_changed, "version": child.version},
    )
    return child


@transaction.atomic
def update_child(
    *,
    actor: User,
    child: Child,
    values: dict[str, Any],
    expected_version: int,
    cpr: str | None = None,
) -> Child:
    if not rules.can_change_child(actor, child):
        raise PermissionDeniedError
    before = snapshot(child, CHILD_FIELDS)
    _apply(child, values, CHILD_FIELDS)
    _full_clean(child)
    _check_case_worker(child)
    changes = diff(before, snapshot(child, CHILD_FIELDS))
    fields = list(CHILD_FIELDS)
    if _set_cpr(child, cpr):
        fields += ["cpr_encrypted", "cpr_hash"]
        changes["cpr"] = {"before": "***", "after": "***"}
    version = save_versioned(child, expected_version=expected_version, fields=fields)
    log_action(
        "families.child.update",
        actor=actor,
        obj=child,
        municipality_id=child.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return child


# -- placements -------------------------------------------------------------------------------


def _check_overlap(placement: Placement) -> None:
    others = Placement.objects.filter(child_id=placement.child_id).exclude(pk=placement.pk)
    end = placement.ends_on or dt.date.max
    for other in others:
        other_end = other.ends_on or dt.date.max
        if other.starts_on <= end and placement.starts_on <= other_end:
            raise ValidationError(
                {
                    "starts_on": _("The child has another placement in this period (%(family)s).")
                    % {"family": other.family}
                }
            )


@transaction.atomic
def create_placement(
    *, actor: User, child: Child, family: FosterFamily, values: dict[str, Any]
) -> Placement:
    if not (rules.can_change_child(actor, child) and rules.can_view_family(actor, family)):
        raise PermissionDeniedError
    # Serialise placement writes for one child so overlap checks cannot race.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    placement = Placement(child=child, family=family)
    _apply(placement, values, PLACEMENT_FIELDS)
    _full_clean(placement)
    _check_overlap(placement)
    placement.save()
    log_action(
        "families.placement.create",
        actor=actor,
        obj=placement,
        municipality_id=family.municipality_id,
        changes=diff({}, snapshot(placement, PLACEMENT_FIELDS)),
        data={"child": child.uuid, "family": family.uuid, "version": placement.version},
    )
    return placement


@transaction.atomic
def update_placement(
    *, actor: User, placement: Placement, values: dict[str, Any], expected_version: int
) -> Placement:
    if not rules.can_change_placement(actor, placement):
        raise PermissionDeniedError
    Child.objects.select_for_update().filter(pk=placement.child_id).first()
    before = snapshot(placement, PLACEMENT_FIELDS)
    _apply(placement, values, PLACEMENT_FIELDS)
    if placement.ends_on is None:
        placement.end_reason = ""
    _full_clean(placement)
    _check_overlap(placement)
    changes = diff(before, snapshot(placement, PLACEMENT_FIELDS))
    version = save_versioned(placement, expected_version=expected_version, fields=PLACEMENT_FIELDS)
    log_action(
        "families.placement.update",
        actor=actor,
        obj=placement,
        municipality_id=placement.family.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return placement


# -- engagements (institutions delivering to a family) ------------------------------------------


@transaction.atomic
def record_engagement(
    *,
    family: FosterFamily,
    institution: Institution,
    kind: EngagementKind,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    actor: User | None = None,
    source: str = "",
) -> Engagement:
    """Record that `institution` delivers something to `family`, which gives the institution's
    staff access to the family until the end plus the municipality's grace period. Called by the
    services of later capabilities (enrolment, supervision, referral). Audited."""
    engagement = Engagement.objects.create(
        family=family,
        institution=institution,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        source=source,
    )
    log_action(
        "families.engagement.create",
        actor=actor,
        obj=family,
        municipality_id=family.municipality_id,
        data={
            "institution": institution.name,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    return engagement


@transaction.atomic
def end_engagements(*, source: str, on: dt.date, family: FosterFamily | None = None) -> int:
    """End the engagements recorded for `source` (e.g. a closed supervision course, a cancelled
    enrolment) on `on`; access then lasts the municipality's grace period. Returns how many."""
    engagements = Engagement.objects.filter(source=source).select_related(
        "family__municipality", "institution"
    )
    if family is not None:
        engagements = engagements.filter(family=family)
    count = 0
    for engagement in engagements:
        engagement.ends_on = on if engagement.starts_on <= on else engagement.starts_on
        engagement.save()
        log_action(
            "families.engagement.end",
            actor=None,
            actor_label="system",
            obj=engagement.family,
            municipality_id=engagement.family.municipality_id,
            data={
                "institution": engagement.institution.name,
                "source": source,
                "ends_on": engagement.ends_on,
                "access_until": engagement.access_until,
            },
        )
        count += 1
    return count
