"""Writes of a municipality's measurement plan: creating it from the default, and saving it (its
reminder and link settings and all its points at once, versioned).

A plan is not personal data, but it decides what is asked of families, teachers and children,
so every change is audited ("measures.plan.create", "measures.plan.update", with the points
before and after as instrument codes, never names). Only the municipality's leaders write it
(`rules.can_edit_plan`); a save names the plan version it started from and a concurrent save is
refused with `ConcurrentEditError` (the form shows what changed, the API answers 409).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.measures import rules
from samspil.measures.enums import Respondent
from samspil.measures.models import Instrument, InstrumentVersion, MeasurementPlan, PlanPoint
from samspil.measures.selectors.plans import plan_instruments
from samspil.organisations.models import Municipality

SETTINGS_FIELDS = ("reminder_days", "link_valid_days")


@dataclass(frozen=True)
class PointSpec:
    """One point of a plan as the editor gives it."""

    instrument: Instrument
    respondent: str
    at_entry: bool = True
    every_months: int | None = None
    at_end: bool = True

    def summary(self) -> str:
        """How the audit log names the point: no personal data, just the rule."""
        return (
            f"{self.instrument.code}/{self.respondent}"
            f"/entry={int(self.at_entry)}/every={self.every_months or 0}/end={int(self.at_end)}"
        )


# The default plan a municipality may start from (domain: WHO-5 for the foster parents' own
# well-being, the SDQ from three informants, and the short burden rating).
DEFAULT_POINTS: tuple[tuple[str, str, bool, int | None, bool], ...] = (
    ("who-5", Respondent.FOSTER_PARENT, True, 6, True),
    ("sdq-parent-4-17", Respondent.FOSTER_PARENT, True, 6, True),
    ("sdq-teacher-4-17", Respondent.TEACHER, True, 12, True),
    ("sdq-self-11-17", Respondent.CHILD, True, 12, True),
    ("burden-rating", Respondent.FOSTER_PARENT, True, 3, False),
)


def _current_versions(instruments: Sequence[Instrument]) -> dict[int, InstrumentVersion]:
    return {
        version.instrument_id: version
        for version in InstrumentVersion.objects.filter(
            instrument__in=[i.pk for i in instruments], is_current=True
        ).only("id", "instrument_id", "respondent", "definition")
    }


def _check_points(municipality: Municipality, points: Sequence[PointSpec]) -> None:
    """Every problem of the points at once, as ValidationError({"points": [...]})."""
    allowed = set(plan_instruments(municipality).values_list("pk", flat=True))
    versions = _current_versions([p.instrument for p in points])
    problems: list[str] = []
    seen: set[tuple[int, str]] = set()
    for number, point in enumerate(points, start=1):
        version = versions.get(point.instrument.pk)
        if point.instrument.pk not in allowed or version is None:
            problems.append(
                _("Point %(number)d: this questionnaire cannot be used in the plan.")
                % {"number": number}
            )
            continue
        if point.respondent != version.respondent:
            problems.append(
                _("Point %(number)d: %(name)s is answered by %(who)s, not by %(chosen)s.")
                % {
                    "number": number,
                    "name": version.name,
                    "who": version.get_respondent_display(),
                    "chosen": Respondent(point.respondent).label
                    if point.respondent in Respondent.values
                    else point.respondent,
                }
            )
        if not (point.at_entry or point.every_months or point.at_end):
            problems.append(
                _(
                    "Point %(number)d: choose when it is measured (at entry, every few months "
                    "or at the end)."
                )
                % {"number": number}
            )
        if point.every_months is not None and not 1 <= point.every_months <= 36:
            problems.append(
                _("Point %(number)d: repeat every 1 to 36 months.") % {"number": number}
            )
        key = (point.instrument.pk, point.respondent)
        if key in seen:
            problems.append(
                _("Point %(number)d: %(name)s is in the plan twice.")
                % {"number": number, "name": version.name}
            )
        seen.add(key)
    if problems:
        raise ValidationError({"points": problems})


def _summaries(plan: MeasurementPlan) -> list[str]:
    return sorted(
        PointSpec(
            instrument=p.instrument,
            respondent=p.respondent,
            at_entry=p.at_entry,
            every_months=p.every_months,
            at_end=p.at_end,
        ).summary()
        for p in plan.points.select_related("instrument")
    )


def _write_points(plan: MeasurementPlan, points: Sequence[PointSpec]) -> None:
    """Make the plan's points exactly `points` (kept, changed, added, removed)."""
    existing = {(p.instrument_id, p.respondent): p for p in plan.points.all()}
    wanted = {(p.instrument.pk, p.respondent): p for p in points}
    plan.points.filter(pk__in=[p.pk for key, p in existing.items() if key not in wanted]).delete()
    for key, spec in wanted.items():
        point = existing.get(key) or PlanPoint(
            plan=plan, instrument=spec.instrument, respondent=spec.respondent
        )
        point.at_entry = spec.at_entry
        point.every_months = spec.every_months
        point.at_end = spec.at_end
        point.full_clean(exclude=["plan", "instrument"])
        point.save()


@transaction.atomic
def create_default_plan(*, actor: UserLike, municipality: Municipality) -> MeasurementPlan:
    """The municipality's plan from the default (see DEFAULT_POINTS; the municipality's own
    burden rating instead of the shipped one when it has configured one). Reminder after 7
    days, links valid for 21.

    Raises PermissionDeniedError unless `actor` leads the municipality; ValidationError when
    it has a plan already. Side effect: "measures.plan.create".
    """
    if not rules.can_edit_plan(actor, municipality.pk):
        raise PermissionDeniedError
    if MeasurementPlan.objects.filter(municipality=municipality).exists():
        raise ValidationError(_("The municipality has a measurement plan already."))
    instruments = {i.code: i for i in plan_instruments(municipality)}
    own_rating = (
        plan_instruments(municipality)
        .filter(municipality=municipality, based_on__code="burden-rating")
        .order_by("-pk")
        .first()
    )
    specs: list[PointSpec] = []
    for code, respondent, at_entry, every, at_end in DEFAULT_POINTS:
        instrument = own_rating if code == "burden-rating" and own_rating else instruments.get(code)
        if instrument is None:
            continue
        specs.append(PointSpec(instrument, respondent, at_entry, every, at_end))
    plan = MeasurementPlan.objects.create(municipality=municipality)
    _check_points(municipality, specs)
    _write_points(plan, specs)
    log_action(
        "measures.plan.create",
        actor=actor,
        obj=plan,
        municipality_id=municipality.pk,
        changes={"points": {"before": [], "after": _summaries(plan)}},
        data={"pk": plan.pk, "version": plan.version, "from": "default"},
    )
    return plan


@transaction.atomic
def save_plan(
    *,
    actor: UserLike,
    plan: MeasurementPlan,
    values: Mapping[str, Any],
    points: Sequence[PointSpec],
    expected_version: int,
) -> MeasurementPlan:
    """Save the plan's settings (`reminder_days`, `link_valid_days` from `values`) and make its
    points exactly `points`.

    Raises PermissionDeniedError unless `actor` leads the plan's municipality; ValidationError
    naming every problem (a respondent the instrument is not answered by, a point without any
    time, an instrument twice, settings out of range); ConcurrentEditError when someone saved
    the plan after `expected_version`. Side effect: "measures.plan.update" with the changes.
    """
    if not rules.can_edit_plan(actor, plan.municipality_id):
        raise PermissionDeniedError
    before = {name: getattr(plan, name) for name in SETTINGS_FIELDS}
    before_points = _summaries(plan)
    for name in SETTINGS_FIELDS:
        if name in values and values[name] is not None:
            setattr(plan, name, values[name])
    plan.full_clean(exclude=["municipality"])
    _check_points(plan.municipality, points)
    version = claim_version(plan, expected_version=expected_version)
    plan.save(update_fields=[*SETTINGS_FIELDS, "updated_at"])
    _write_points(plan, points)
    after_points = _summaries(plan)
    changes: dict[str, dict[str, Any]] = {
        name: {"before": before[name], "after": getattr(plan, name)}
        for name in SETTINGS_FIELDS
        if before[name] != getattr(plan, name)
    }
    if before_points != after_points:
        changes["points"] = {"before": before_points, "after": after_points}
    log_action(
        "measures.plan.update",
        actor=actor,
        obj=plan,
        municipality_id=plan.municipality_id,
        changes=changes,
        data={"pk": plan.pk, "version": version},
    )
    return plan
