"""Writes of transitions: creating one (with the institution's engagement with the family, the
discharge plan copied from the template, and an empty record of the child's involvement),
changing its dates, consultant and notes, moving it through its statuses (planning → moving →
after the move → completed, or cancelled), and recording how the child is involved.

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("transitions.<object>.<verb>", …)`. Free text (notes, the child's
views, a reason) is never written to the audit log: only that it changed.

The institution gets an engagement with the family (source `transitions.transition:<uuid>`,
through `families.services.record_engagement`) from the day the transition is created; it ends
when the transition is completed or cancelled (`end_engagements`), and the institution's staff
keep access for the municipality's grace period after that."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import Child, FosterFamily
from samspil.families.rules import can_view_child, can_view_family
from samspil.families.services import end_engagements, record_engagement
from samspil.organisations.models import Institution
from samspil.transitions import rules
from samspil.transitions.enums import (
    OPEN_STATUSES,
    InvolvementMethod,
    TransitionStatus,
)
from samspil.transitions.models import ChildInvolvement, PlanStep, Transition
from samspil.transitions.services.plans import copy_template, due_date

# The closest existing kind; `EngagementKind.TRANSITION` is to be added to families.
ENGAGEMENT_KIND = EngagementKind.TRANSITION

# Which status may follow which (cancelling is possible from every open status).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    TransitionStatus.PLANNING: (TransitionStatus.MOVING, TransitionStatus.AFTER_MOVE),
    TransitionStatus.MOVING: (TransitionStatus.PLANNING, TransitionStatus.AFTER_MOVE),
    TransitionStatus.AFTER_MOVE: (TransitionStatus.COMPLETED,),
    TransitionStatus.COMPLETED: (),
    TransitionStatus.CANCELLED: (),
}


def text_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Changed free-text fields, without their text."""
    return {
        name: {"before": "…", "after": "…"}
        for name in after
        if (before.get(name) or "") != (after.get(name) or "")
    }


def value_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, dt.date) else value

    return {
        name: {"before": plain(before.get(name)), "after": plain(after.get(name))}
        for name in after
        if before.get(name) != after.get(name)
    }


def _check_consultant(
    errors: dict[str, list[str]], consultant: User | None, municipality_ids: set[int]
) -> None:
    if consultant is None:
        return
    works_there = consultant.memberships.filter(
        role__in=[Role.CONSULTANT, Role.LEADER], municipality_id__in=municipality_ids
    ).exists()
    if not (consultant.is_active and works_there):
        errors.setdefault("consultant", []).append(
            _("The responsible consultant must work in the child's or the family's municipality.")
        )


def require_open(transition: Transition) -> None:
    if not transition.is_open:
        raise ValidationError(_("The transition is closed: it can no longer be changed."))


@transaction.atomic
def create_transition(
    *,
    actor: User,
    child: Child,
    institution: Institution,
    family: FosterFamily,
    planned_move_on: dt.date | None = None,
    consultant: User | None = None,
    internal_notes: str = "",
    today: dt.date | None = None,
) -> Transition:
    """Start a transition of `child` from `institution` to `family` in the planning status.

    Consultants and leaders of the child's acting municipality or the family's, who may see
    both. Side effects: an engagement of the institution with the family from `today` (source
    `transitions.transition:<uuid>`, audited as "families.engagement.create"), the discharge
    plan copied from the municipality's template (or the default), an empty record of the
    child's involvement, and the audit entry "transitions.transition.create". A child has at
    most one open transition."""
    if not (
        rules.can_create_for(actor, child, family)
        and can_view_child(actor, child)
        and can_view_family(actor, family)
    ):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if Transition.objects.filter(child=child, status__in=OPEN_STATUSES).exists():
        errors.setdefault("child", []).append(
            _("The child already has an open transition: complete or cancel it first.")
        )
    _check_consultant(errors, consultant, {child.municipality_id, family.municipality_id})
    if errors:
        raise ValidationError(errors)
    transition = Transition(
        child=child,
        institution=institution,
        family=family,
        municipality_id=child.municipality_id,
        planned_move_on=planned_move_on,
        consultant=consultant,
        internal_notes=internal_notes.strip(),
        created_by=actor,
    )
    transition.full_clean(exclude=["engagement", "created_by"], validate_unique=False)
    transition.engagement = record_engagement(
        family=family,
        institution=institution,
        kind=ENGAGEMENT_KIND,
        starts_on=today,
        actor=actor,
        source=transition.engagement_source,
    )
    try:
        with transaction.atomic():
            transition.save()
    except IntegrityError:
        raise ValidationError(
            {"child": [_("Another transition of the child was started at the same time.")]}
        ) from None
    plan = copy_template(transition)
    ChildInvolvement.objects.create(transition=transition)
    log_action(
        "transitions.transition.create",
        actor=actor,
        obj=transition,
        municipality_id=transition.municipality_id,
        changes=value_changes(
            {},
            {
                "status": transition.status,
                "planned_move_on": planned_move_on,
                "consultant": consultant.username if consultant else None,
            },
        ),
        data={
            "child": str(child.uuid),
            "family": str(family.uuid),
            "institution": institution.pk,
            "template_version": plan.template_version,
            "steps": plan.steps.count(),
            "version": transition.version,
        },
    )
    return transition


EDIT_FIELDS = ["planned_move_on", "consultant", "internal_notes"]


@transaction.atomic
def update_transition(
    *,
    actor: User,
    transition: Transition,
    values: Mapping[str, Any],
    expected_version: int,
) -> Transition:
    """Change the planned moving day, the responsible consultant and the internal notes, if
    nobody changed the transition since `expected_version`. A new planned moving day moves the
    due dates of the steps not done yet that are set relative to it. Audit
    "transitions.transition.update"."""
    if not rules.can_change(actor, transition):
        raise PermissionDeniedError
    errors: dict[str, list[str]] = {}
    consultant = values.get("consultant", transition.consultant)
    _check_consultant(
        errors, consultant, {transition.municipality_id, transition.family.municipality_id}
    )
    if errors:
        raise ValidationError(errors)
    before = {
        "planned_move_on": transition.planned_move_on,
        "consultant": transition.consultant.username if transition.consultant else None,
    }
    notes_before = transition.internal_notes
    if "planned_move_on" in values:
        transition.planned_move_on = values["planned_move_on"]
    transition.consultant = consultant
    if "internal_notes" in values:
        transition.internal_notes = str(values["internal_notes"] or "").strip()
    version = save_versioned(transition, expected_version=expected_version, fields=EDIT_FIELDS)
    changes = value_changes(
        before,
        {
            "planned_move_on": transition.planned_move_on,
            "consultant": consultant.username if consultant else None,
        },
    )
    changes.update(
        text_changes(
            {"internal_notes": notes_before}, {"internal_notes": transition.internal_notes}
        )
    )
    if before["planned_move_on"] != transition.planned_move_on:
        _move_due_dates(transition)
    log_action(
        "transitions.transition.update",
        actor=actor,
        obj=transition,
        municipality_id=transition.municipality_id,
        changes=changes,
        data={"version": version},
    )
    return transition


def _move_due_dates(transition: Transition) -> None:
    steps = PlanStep.objects.filter(
        plan__transition=transition, done=False, offset_days__isnull=False
    )
    for step in steps:
        PlanStep.objects.filter(pk=step.pk).update(
            due_on=due_date(transition.planned_move_on, step.offset_days),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )


@transaction.atomic
def change_status(
    *,
    actor: User,
    transition: Transition,
    status: str,
    expected_version: int,
    on: dt.date | None = None,
    reason: str = "",
) -> Transition:
    """Move the transition on: to "moving" or straight to "after the move" (`on` is the moving
    day), back to "planning" (the move is postponed), to "completed" (`on` is the last day of
    the institution's follow-up) or "cancelled" (with a `reason`). Completing or cancelling ends
    the institution's engagement on `on` (its staff keep access for the grace period). The
    municipality's consultants and leaders. Audit "transitions.transition.status"."""
    if not rules.can_manage(actor, transition):
        raise PermissionDeniedError
    require_open(transition)
    on = on or timezone.localdate()
    before = transition.status
    errors: dict[str, list[str]] = {}
    cancelling = status == TransitionStatus.CANCELLED
    if not cancelling and status not in NEXT_STATUSES[before]:
        errors.setdefault("status", []).append(
            _("A transition cannot go from “%(before)s” to “%(after)s”.")
            % {
                "before": TransitionStatus(before).label,
                "after": TransitionStatus(status).label
                if status in TransitionStatus.values
                else status,
            }
        )
    if cancelling and not reason.strip():
        errors.setdefault("reason", []).append(_("Say why the transition is cancelled."))
    if status == TransitionStatus.COMPLETED and transition.moved_on and on < transition.moved_on:
        errors.setdefault("on", []).append(_("The transition cannot end before the move."))
    if errors:
        raise ValidationError(errors)
    fields = ["status"]
    transition.status = status
    if status in (TransitionStatus.MOVING, TransitionStatus.AFTER_MOVE):
        if status == TransitionStatus.MOVING or transition.moved_on is None:
            transition.moved_on = on
        fields.append("moved_on")
    elif status == TransitionStatus.PLANNING:
        transition.moved_on = None
        fields.append("moved_on")
    elif status == TransitionStatus.COMPLETED:
        transition.completed_on = on
        fields.append("completed_on")
    else:
        transition.cancelled_on = on
        transition.cancel_reason = reason.strip()[:300]
        fields += ["cancelled_on", "cancel_reason"]
    version = save_versioned(transition, expected_version=expected_version, fields=fields)
    if status in (TransitionStatus.COMPLETED, TransitionStatus.CANCELLED):
        end_engagements(source=transition.engagement_source, on=on, family=transition.family)
        if transition.engagement_id is not None:
            transition.engagement.refresh_from_db()  # type: ignore[union-attr]
    log_action(
        "transitions.transition.status",
        actor=actor,
        obj=transition,
        municipality_id=transition.municipality_id,
        changes={"status": {"before": before, "after": status}},
        data={"on": on, "version": version},
    )
    return transition


INVOLVEMENT_FIELDS = ["methods", "other_methods", "child_views", "views_shared_with_family"]


@transaction.atomic
def update_involvement(
    *,
    actor: User,
    involvement: ChildInvolvement,
    values: Mapping[str, Any],
    expected_version: int,
) -> ChildInvolvement:
    """Record the methods used to involve the child, other methods, the child's own views and
    whether the foster family may read those views. Contributors (the municipality's
    consultants and leaders, the engaged institution's staff) while the transition is open.
    Audit "transitions.involvement.update" (the methods' codes; only whether the texts
    changed)."""
    transition = involvement.transition
    if not rules.can_contribute(actor, transition):
        raise PermissionDeniedError
    methods = [str(m) for m in values.get("methods", involvement.methods)]
    unknown = [m for m in methods if m not in InvolvementMethod.values]
    if unknown:
        raise ValidationError({"methods": [_("Choose methods from the list.")]})
    before = {
        "methods": list(involvement.methods),
        "shared": involvement.views_shared_with_family,
    }
    texts_before = {
        "other_methods": involvement.other_methods,
        "child_views": involvement.child_views,
    }
    involvement.methods = [m for m in InvolvementMethod.values if m in methods]
    for name in ("other_methods", "child_views"):
        if name in values:
            setattr(involvement, name, str(values[name] or "").strip())
    if "views_shared_with_family" in values:
        involvement.views_shared_with_family = bool(values["views_shared_with_family"])
    involvement.updated_by = actor
    version = save_versioned(
        involvement,
        expected_version=expected_version,
        fields=[*INVOLVEMENT_FIELDS, "updated_by"],
    )
    changes = value_changes(
        {"methods": before["methods"], "views_shared_with_family": before["shared"]},
        {
            "methods": involvement.methods,
            "views_shared_with_family": involvement.views_shared_with_family,
        },
    )
    changes.update(
        text_changes(
            texts_before,
            {"other_methods": involvement.other_methods, "child_views": involvement.child_views},
        )
    )
    log_action(
        "transitions.involvement.update",
        actor=actor,
        obj=involvement,
        municipality_id=transition.municipality_id,
        changes=changes,
        data={"transition": str(transition.uuid), "version": version},
    )
    return involvement
