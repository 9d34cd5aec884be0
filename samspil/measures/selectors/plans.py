"""Reads of measurement plans: which municipalities' plans a user may see (consultants and
leaders of the municipality, `rules.plan_municipalities`), and one plan with its points and the
instruments' names. A plan is not personal data: reading it is not audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from samspil.core.types import UserLike
from samspil.measures import rules
from samspil.measures.models import (
    Instrument,
    InstrumentVersion,
    MeasurementPlan,
    PlanPoint,
    localised,
)
from samspil.organisations.models import Municipality


def plan_municipalities_for(user: UserLike) -> QuerySet[Municipality]:
    """The municipalities whose plan `user` may see, by name."""
    return Municipality.objects.filter(pk__in=rules.plan_municipalities(user)).order_by("name")


def get_plan_municipality(user: UserLike, code: str) -> Municipality:
    """The municipality `code` if `user` may see its plan; Http404 otherwise (unknown and not
    visible answer alike)."""
    municipality = plan_municipalities_for(user).filter(code=code).first()
    if municipality is None:
        raise Http404
    return municipality


def plan_instruments(municipality: Municipality) -> QuerySet[Instrument]:
    """Instruments a plan of `municipality` may use: the shipped ones and the municipality's
    own versions (its configured burden rating), each with a current version."""
    return (
        Instrument.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
        .exclude(family__in=rules.AGGREGATE_ONLY)  # answered by the family itself, unasked
        .filter(versions__is_current=True)
        .distinct()
        .order_by("code")
    )


def instrument_names(instrument_ids: list[int] | None = None) -> dict[int, str]:
    """Each instrument's name in the active language, from its current version (one query that
    reads only the name out of the definition)."""
    qs = InstrumentVersion.objects.filter(is_current=True)
    if instrument_ids is not None:
        qs = qs.filter(instrument_id__in=instrument_ids)
    return {
        instrument_id: localised(name)
        for instrument_id, name in qs.values_list("instrument_id", "definition__name")
    }


@dataclass(frozen=True)
class PointRow:
    point: PlanPoint
    name: str


@dataclass(frozen=True)
class PlanView:
    municipality: Municipality
    plan: MeasurementPlan | None
    points: list[PointRow]
    can_edit: bool


def plan_for(municipality: Municipality) -> MeasurementPlan | None:
    return MeasurementPlan.objects.filter(municipality=municipality).first()


def plan_view(user: UserLike, municipality: Municipality) -> PlanView:
    """The plan page: the plan (None when the municipality has none yet), its points with the
    instruments' names, and whether `user` may edit it. Three queries."""
    plan = plan_for(municipality)
    points: list[PlanPoint] = (
        list(plan.points.select_related("instrument").order_by("instrument__code", "respondent"))
        if plan is not None
        else []
    )
    names = instrument_names([p.instrument_id for p in points]) if points else {}
    return PlanView(
        municipality=municipality,
        plan=plan,
        points=[
            PointRow(point=p, name=names.get(p.instrument_id, p.instrument.code)) for p in points
        ],
        can_edit=rules.can_edit_plan(user, municipality.pk),
    )
