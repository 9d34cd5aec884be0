"""The shipped default discharge plan (udslusningsplan), used by a municipality that has no
template of its own. Pure: plain values, no ORM. The texts are translatable; a plan copies them
in the language of whoever creates the transition (like any text they would type)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samspil.transitions.enums import Party, Phase


@dataclass(frozen=True)
class StepSpec:
    """One step of a template: the phase, what to do, who does it, and when (days from the
    moving day, negative before it; None when it has no set time)."""

    phase: str
    text: str | Promise
    responsible: str
    offset_days: int | None = None


DEFAULT_STEPS: tuple[StepSpec, ...] = (
    # Before the move.
    StepSpec(
        Phase.BEFORE,
        _("First collaboration meeting: the child's interests, needs and routines"),
        Party.CONSULTANT,
        -42,
    ),
    StepSpec(
        Phase.BEFORE,
        _("Talk with the child about the move and write down the child's wishes"),
        Party.INSTITUTION,
        -35,
    ),
    StepSpec(
        Phase.BEFORE,
        _("The foster family visits the child at the institution"),
        Party.FOSTER_FAMILY,
        -28,
    ),
    StepSpec(
        Phase.BEFORE,
        _("The child visits the foster family (first a day, then overnight)"),
        Party.INSTITUTION,
        -21,
    ),
    StepSpec(
        Phase.BEFORE,
        _("Make a photo book or life book with the child"),
        Party.INSTITUTION,
        -14,
    ),
    StepSpec(
        Phase.BEFORE,
        _("School or day care: arrange the change or the transport"),
        Party.CASE_WORKER,
        -14,
    ),
    StepSpec(
        Phase.BEFORE,
        _("Agree on contact with the biological parents and siblings after the move"),
        Party.CASE_WORKER,
        -10,
    ),
    StepSpec(
        Phase.BEFORE,
        _("Pack the child's belongings together with the child"),
        Party.INSTITUTION,
        -3,
    ),
    # During the move.
    StepSpec(
        Phase.DURING,
        _("A familiar adult from the institution comes along on the moving day"),
        Party.INSTITUTION,
        0,
    ),
    StepSpec(
        Phase.DURING,
        _("Hand over medicine, health information and everyday routines"),
        Party.INSTITUTION,
        0,
    ),
    StepSpec(
        Phase.DURING,
        _("The child says goodbye to the other children and the staff"),
        Party.INSTITUTION,
        0,
    ),
    StepSpec(
        Phase.DURING,
        _("Call the foster family in the evening of the moving day"),
        Party.CONSULTANT,
        0,
    ),
    # After the move.
    StepSpec(
        Phase.AFTER,
        _("Follow-up call with the foster family after the first week"),
        Party.CONSULTANT,
        7,
    ),
    StepSpec(
        Phase.AFTER,
        _("The institution's contact person visits the child in the foster family"),
        Party.INSTITUTION,
        14,
    ),
    StepSpec(
        Phase.AFTER,
        _("Agree how and when the foster family can ask the institution for advice"),
        Party.INSTITUTION,
        14,
    ),
    StepSpec(
        Phase.AFTER,
        _("Review meeting after the first month: how is the child doing?"),
        Party.CONSULTANT,
        30,
    ),
    StepSpec(
        Phase.AFTER,
        _("Final review: end the transition and the institution's follow-up"),
        Party.CASE_WORKER,
        90,
    ),
)


def default_steps() -> list[StepSpec]:
    """The default steps with their texts in the active language."""
    return [
        StepSpec(step.phase, str(step.text), step.responsible, step.offset_days)
        for step in DEFAULT_STEPS
    ]
