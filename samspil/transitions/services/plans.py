"""Writes of discharge plans and their templates: copying the template into a new plan, adding
a step to a plan, ticking a step done (or not), and a municipality's leaders saving or
resetting the municipality's template.

Each public function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("transitions.<object>.<verb>", …)`. Plan steps and templates are
versioned (`core/concurrency.py`): a stale version raises `ConcurrentEditError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.concurrency import ConcurrentEditError, claim_version, save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.organisations.models import Municipality
from samspil.transitions import rules
from samspil.transitions.default_plan import StepSpec
from samspil.transitions.enums import PHASE_ORDER, Party, Phase
from samspil.transitions.models import (
    DischargePlan,
    DischargePlanTemplate,
    PlanStep,
    TemplateStep,
    Transition,
)
from samspil.transitions.selectors.plans import template_for

MAX_OFFSET = 365
MAX_STEPS = 60


def due_date(planned_move_on: dt.date | None, offset_days: int | None) -> dt.date | None:
    if planned_move_on is None or offset_days is None:
        return None
    return planned_move_on + dt.timedelta(days=offset_days)


def _ordered(steps: Sequence[StepSpec]) -> list[StepSpec]:
    """Steps by phase (before, during, after), keeping their order within a phase."""
    return [step for phase in PHASE_ORDER for step in steps if step.phase == phase]


def copy_template(transition: Transition) -> DischargePlan:
    """Create the transition's plan from its municipality's template (or the shipped default)
    as it is now: the steps are copied, so later template edits leave the plan as it is. Due
    dates follow from the planned moving day. Called by `create_transition` (which checks and
    audits); no audit entry of its own."""
    view = template_for(transition.municipality)
    plan = DischargePlan.objects.create(
        transition=transition,
        from_template=view.template,
        template_version=view.template.version if view.template is not None else None,
    )
    PlanStep.objects.bulk_create(
        PlanStep(
            plan=plan,
            phase=spec.phase,
            position=position,
            text=str(spec.text),
            responsible=spec.responsible,
            offset_days=spec.offset_days,
            due_on=due_date(transition.planned_move_on, spec.offset_days),
        )
        for position, spec in enumerate(_ordered(view.steps), 1)
    )
    return plan


def _check_step(errors: dict[str, list[str]], values: Mapping[str, Any]) -> None:
    if values.get("phase") not in Phase.values:
        errors.setdefault("phase", []).append(_("Choose the phase."))
    text = str(values.get("text") or "").strip()
    if not text:
        errors.setdefault("text", []).append(_("Say what is to be done."))
    elif len(text) > 500:
        errors.setdefault("text", []).append(_("Keep a step under 500 characters."))
    if values.get("responsible") not in Party.values:
        errors.setdefault("responsible", []).append(_("Choose who is responsible."))
    offset = values.get("offset_days")
    if offset is not None and not -MAX_OFFSET <= int(offset) <= MAX_OFFSET:
        errors.setdefault("offset_days", []).append(
            _("Give a number of days between -365 and 365.")
        )


@transaction.atomic
def add_step(*, actor: User, transition: Transition, values: Mapping[str, Any]) -> PlanStep:
    """Add a step to the transition's plan (`phase`, `text`, `responsible`, optionally
    `due_on`), after the phase's other steps. The municipality's consultants and leaders, while
    the transition is open. Audit "transitions.step.create"."""
    if not rules.can_change(actor, transition):
        raise PermissionDeniedError
    errors: dict[str, list[str]] = {}
    _check_step(errors, values)
    if errors:
        raise ValidationError(errors)
    plan, _created = DischargePlan.objects.get_or_create(transition=transition)
    phase = str(values["phase"])
    last_of_phase = plan.steps.filter(phase__in=PHASE_ORDER[: PHASE_ORDER.index(Phase(phase)) + 1])
    position = (last_of_phase.aggregate(n=Max("position"))["n"] or 0) + 1
    plan.steps.filter(position__gte=position).update(position=F("position") + 1)
    step = PlanStep.objects.create(
        plan=plan,
        phase=phase,
        position=position,
        text=str(values["text"]).strip(),
        responsible=str(values["responsible"]),
        due_on=values.get("due_on"),
    )
    log_action(
        "transitions.step.create",
        actor=actor,
        obj=step,
        municipality_id=transition.municipality_id,
        data={
            "transition": str(transition.uuid),
            "phase": step.phase,
            "responsible": step.responsible,
            "version": step.version,
        },
    )
    return step


@transaction.atomic
def set_step_done(
    *,
    actor: User,
    step: PlanStep,
    done: bool,
    expected_version: int,
    now: dt.datetime | None = None,
) -> PlanStep:
    """Tick a plan step done (with who and when) or undo it, if nobody changed it since
    `expected_version`. Contributors tick any step, the foster parents the foster family's
    (rules.can_tick_step). Audit "transitions.step.done" or "transitions.step.undone"."""
    transition = step.plan.transition
    if not rules.can_tick_step(actor, step, transition):
        raise PermissionDeniedError
    before = step.done
    step.done = done
    step.done_at = (now or timezone.now()) if done else None
    step.done_by = actor if done else None
    version = save_versioned(
        step, expected_version=expected_version, fields=["done", "done_at", "done_by"]
    )
    log_action(
        f"transitions.step.{'done' if done else 'undone'}",
        actor=actor,
        obj=step,
        municipality_id=transition.municipality_id,
        changes={"done": {"before": before, "after": done}} if before != done else {},
        data={"transition": str(transition.uuid), "version": version},
    )
    return step


# -- the municipality's template ----------------------------------------------------------------


def _check_template(steps: Sequence[StepSpec]) -> None:
    if not steps:
        raise ValidationError({"steps": [_("A template needs at least one step.")]})
    if len(steps) > MAX_STEPS:
        raise ValidationError(
            {"steps": [_("A template has at most %(n)d steps.") % {"n": MAX_STEPS}]}
        )
    for number, spec in enumerate(steps, 1):
        errors: dict[str, list[str]] = {}
        _check_step(
            errors,
            {
                "phase": spec.phase,
                "text": spec.text,
                "responsible": spec.responsible,
                "offset_days": spec.offset_days,
            },
        )
        if errors:
            messages = [message for field in errors.values() for message in field]
            raise ValidationError(
                {
                    "steps": [
                        _("Step %(number)d: %(problems)s")
                        % {"number": number, "problems": " ".join(messages)}
                    ]
                }
            )


def _log_template(
    verb: str,
    *,
    actor: User,
    municipality: Municipality,
    template: DischargePlanTemplate | None,
    version: int,
    before: int,
    after: int,
) -> None:
    log_action(
        f"transitions.template.{verb}",
        actor=actor,
        obj=template,
        municipality_id=municipality.pk,
        changes={"steps": {"before": before, "after": after}} if before != after else {},
        data={
            "municipality": municipality.code,
            "pk": template.pk if template is not None else None,
            "version": version,
        },
    )


def _template_conflict(template: DischargePlanTemplate) -> ConcurrentEditError:
    return ConcurrentEditError(current_version=template.version, changes=[])


@transaction.atomic
def save_template(
    *,
    actor: User,
    municipality: Municipality,
    steps: Sequence[StepSpec],
    expected_version: int,
) -> DischargePlanTemplate:
    """Replace the municipality's template with `steps` (ordered by phase, keeping their order
    within a phase). `expected_version` is the version the editor started from, 0 when the
    shipped default applied. Existing plans are not changed. The municipality's leaders only.
    Audit "transitions.template.update" (the number of steps before and after)."""
    if not rules.can_edit_template(actor, municipality.pk):
        raise PermissionDeniedError
    _check_template(steps)
    template = DischargePlanTemplate.objects.filter(municipality=municipality).first()
    if template is None:
        if expected_version != 0:
            raise ConcurrentEditError(current_version=0, changes=[])
        template = DischargePlanTemplate.objects.create(municipality=municipality, updated_by=actor)
        before = 0
    else:
        if expected_version == 0:
            raise _template_conflict(template)
        claim_version(template, expected_version=expected_version)
        before = template.steps.count()
        template.steps.all().delete()
        template.updated_by = actor
        template.save(update_fields=["updated_by", "updated_at"])
    TemplateStep.objects.bulk_create(
        TemplateStep(
            template=template,
            phase=spec.phase,
            position=position,
            text=str(spec.text).strip(),
            responsible=spec.responsible,
            offset_days=spec.offset_days,
        )
        for position, spec in enumerate(_ordered(steps), 1)
    )
    _log_template(
        "update",
        actor=actor,
        municipality=municipality,
        template=template,
        version=template.version,
        before=before,
        after=len(steps),
    )
    return template


@transaction.atomic
def reset_template(*, actor: User, municipality: Municipality, expected_version: int) -> None:
    """Delete the municipality's template, so new plans use the shipped default again.
    Existing plans are not changed. The municipality's leaders only. Audit
    "transitions.template.reset"."""
    if not rules.can_edit_template(actor, municipality.pk):
        raise PermissionDeniedError
    template = DischargePlanTemplate.objects.filter(municipality=municipality).first()
    if template is None:
        return
    claim_version(template, expected_version=expected_version)
    before = template.steps.count()
    _log_template(
        "reset",
        actor=actor,
        municipality=municipality,
        template=template,
        version=template.version,
        before=before,
        after=0,
    )
    template.delete()
