"""Scores over time for a child or a foster family: one series per instrument, respondent and
scale, each with its points, the change since the first measurement and whether that change is
reliable (`scoring.reliable_change` with the definition's `reliable_change` rule), and a line
chart (`trendcharts.line_chart`).

What a user sees is `rules.response_filter` applied to the `Score` rows (they carry the
response's family, child and respondent). A child's page shows every instrument about the child;
a family's page the instruments about the family (WHO-5 …) and the burden ratings of the
family's children. Series never mix respondents: an SDQ by the foster parent, the teacher and the
child are three series; a foster parent's answers in two foster families are two series.

Reading a trend writes "measures.trend.read" with the child's or family's id and the ids of the
responses shown (never scores). Two queries for the scores and the versions they were given in,
whatever the number of responses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily
from samspil.measures import rules, scoring, trendcharts
from samspil.measures.enums import Respondent
from samspil.measures.models import InstrumentVersion, Score
from samspil.measures.selectors.responses import (
    band_label,
    scale_divisor,
    scale_label,
    show_value,
)

RESPONDENT_ORDER = {Respondent.FOSTER_PARENT: 0, Respondent.TEACHER: 1, Respondent.CHILD: 2}
FAMILY_PAGE_CHILD_INSTRUMENTS = ("burden-rating",)  # instrument families shown per child there
IMPROVEMENT, DETERIORATION, NO_CHANGE = "reliable_improvement", "reliable_deterioration", "none"


@dataclass(frozen=True)
class TrendPoint:
    response: uuid.UUID
    answered_on: dt.date
    version: int
    value: int | None
    shown: str
    band: str
    band_label: str
    band4: str
    band4_label: str


@dataclass(frozen=True)
class Reliable:
    """Whether the change from the first to the latest score is reliable, and by which rule."""

    verdict: str  # IMPROVEMENT, DETERIORATION or NO_CHANGE
    label: str
    method: str  # "jacobson_truax" or "threshold"
    method_label: str
    index: float | None
    sd: float | None
    reliability: float | None
    threshold: float | None
    source: str


@dataclass(frozen=True)
class ScaleTrend:
    scale: str
    label: str
    points: list[TrendPoint]
    change: int | None  # latest − first scored value, in stored units
    change_shown: str
    reliable: Reliable | None
    chart: trendcharts.LineChart
    has_band4: bool


@dataclass(frozen=True)
class TrendGroup:
    """One instrument answered by one respondent about one subject."""

    id: str
    instrument: str
    name: str
    version: int  # the latest response's version (its rules give bands and reliable change)
    respondent: str
    respondent_label: str
    family: uuid.UUID
    family_name: str  # only when the child's foster parents in several families answered
    child: uuid.UUID | None
    child_name: str
    scales: list[ScaleTrend]
    responses: list[tuple[uuid.UUID, dt.date]]


@dataclass(frozen=True)
class Trends:
    groups: list[TrendGroup] = field(default_factory=list)

    @property
    def response_ids(self) -> list[str]:
        return sorted({str(r) for group in self.groups for r, _d in group.responses})


# -- the scale's range and rules (pure, over the definition) ----------------------------------


def scale_bounds(definition: Mapping[str, Any], code: str) -> tuple[float, float]:
    """The lowest and highest score a scale can take, in displayed units."""
    scoring_rules = definition.get("scoring", {})
    ranges = scoring_rules.get("bands", {}).get(code) or scoring_rules.get("bands4", {}).get(code)
    divisor = scale_divisor(definition, code)
    if ranges:
        return (
            min(float(low) for _n, low, _h in ranges) / divisor,
            max(float(high) for _n, _l, high in ranges) / divisor,
        )
    low, high = _raw_bounds(definition, code, {})
    return low / divisor, high / divisor


def _raw_bounds(
    definition: Mapping[str, Any], code: str, seen: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    if code in seen:
        return seen[code]
    allowed = scoring.item_values(definition)

    def top(key: str) -> float:
        values = allowed.get(key) or (0,)
        return float(max(values))

    def bottom(key: str) -> float:
        values = allowed.get(key) or (0,)
        return float(min(values))

    scale: Mapping[str, Any] = next(
        (s for s in scoring_rules_scales(definition) if s.get("code") == code), {}
    )
    method = scale.get("method")
    items = [str(k) for k in scale.get("items", [])]
    result: tuple[float, float] = (0.0, 1.0)
    if method in ("prorated_sum", "sum"):
        result = (0.0, sum(top(k) for k in items))
    elif method == "sum_of_scales":
        parts = [_raw_bounds(definition, str(s), seen) for s in scale.get("scales", [])]
        result = (sum(p[0] for p in parts), sum(p[1] for p in parts))
    elif method == "multiply":
        low, high = _raw_bounds(definition, str(scale["scale"]), seen)
        result = (low * int(scale["factor"]), high * int(scale["factor"]))
    elif method == "gated_recoded_sum":
        recoded = [int(v) for v in scale.get("recode", {}).values()] or [0]
        result = (0.0, float(len(items) * max(recoded)))
    elif method == "item":
        key = str(scale["item"])
        result = (bottom(key), top(key))
    elif method == "mean" and items:
        result = (min(bottom(k) for k in items) * 100, max(top(k) for k in items) * 100)
    seen[code] = result
    return result


def scoring_rules_scales(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(definition.get("scoring", {}).get("scales", []))


def reliable(
    rule: Mapping[str, Any] | None, first: int, latest: int, divisor: int = 1
) -> Reliable | None:
    """The verdict on the change from `first` to `latest` under `rule` (None without one)."""
    if not rule:
        return None
    change = scoring.reliable_change(rule, first, latest)
    if change.reliable and change.direction == "better":
        verdict, label = IMPROVEMENT, _("reliable improvement")
    elif change.reliable and change.direction == "worse":
        verdict, label = DETERIORATION, _("reliable deterioration")
    else:
        verdict, label = NO_CHANGE, _("no reliable change")
    method = str(rule.get("method", ""))
    if method == "threshold":
        threshold = float(rule["threshold"])
        method_label = _(
            "A change of at least %(threshold)s points counts as reliable (a threshold on the "
            "difference, not an index: see the source)."
        ) % {"threshold": f"{threshold / divisor:g}"}
        return Reliable(
            verdict=verdict,
            label=label,
            method=method,
            method_label=method_label,
            index=None,
            sd=None,
            reliability=None,
            threshold=threshold,
            source=str(rule.get("source", "")),
        )
    sd, reliability_r = float(rule["sd"]), float(rule["reliability"])
    method_label = _(
        "Jacobson & Truax reliable change index: RCI = %(index)s (reliable when |RCI| > 1.96), "
        "with SD %(sd)s and reliability %(r)s."
    ) % {
        "index": f"{change.index:.2f}" if change.index is not None else "—",
        "sd": f"{sd:g}",
        "r": f"{reliability_r:g}",
    }
    return Reliable(
        verdict=verdict,
        label=label,
        method=method,
        method_label=method_label,
        index=change.index,
        sd=sd,
        reliability=reliability_r,
        threshold=None,
        source=str(rule.get("source", "")),
    )


# -- reading ----------------------------------------------------------------------------------


_FIELDS = (
    "response__uuid",
    "response__instrument_version_id",
    "instrument_id",
    "instrument__code",
    "respondent",
    "family__uuid",
    "family__name",
    "child__uuid",
    "child__first_name",
    "scale",
    "value",
    "band",
    "band4",
    "answered_on",
    "response_id",
)


def _rows(user: UserLike, subject: Q) -> list[tuple[Any, ...]]:
    return list(
        Score.objects.filter(rules.score_filter(user))
        .filter(subject)
        .order_by("answered_on", "response_id", "id")
        .values_list(*_FIELDS)
    )


def _versions(rows: Sequence[tuple[Any, ...]]) -> dict[int, InstrumentVersion]:
    ids = {row[1] for row in rows}
    if not ids:
        return {}
    return {
        version.pk: version
        for version in InstrumentVersion.objects.filter(pk__in=ids).select_related("instrument")
    }


def _day(day: dt.date) -> str:
    return date_format(day, "j.n.Y")


def _build(
    rows: Sequence[tuple[Any, ...]], versions: Mapping[int, InstrumentVersion], *, per_family: bool
) -> Trends:
    grouped: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        (_r, _v, instrument_id, _code, respondent, family_uuid, _fn, child_uuid) = row[:8]
        family_key = family_uuid if (per_family or respondent == Respondent.FOSTER_PARENT) else None
        grouped.setdefault((instrument_id, respondent, child_uuid, family_key), []).append(row)
    families_per_child: dict[Any, set[Any]] = {}
    for instrument_id, respondent, child_uuid, family_key in grouped:
        families_per_child.setdefault((instrument_id, respondent, child_uuid), set()).add(
            family_key
        )

    groups: list[TrendGroup] = []
    for number, (key, group_rows) in enumerate(
        sorted(grouped.items(), key=lambda item: _group_order(item[1], versions)), start=1
    ):
        instrument_id, respondent, child_uuid, family_key = key
        latest_version = versions[group_rows[-1][1]]
        definition = latest_version.definition
        responses: dict[uuid.UUID, tuple[dt.date, int]] = {}
        by_scale: dict[str, list[tuple[Any, ...]]] = {}
        for row in group_rows:
            responses[row[0]] = (row[13], versions[row[1]].number)
            by_scale.setdefault(row[9], []).append(row)
        order = {str(s["code"]): n for n, s in enumerate(scoring_rules_scales(definition))}
        group_id = f"trend-{number}"
        name = latest_version.name
        respondent_label = str(Respondent(respondent).label)
        several_families = len(families_per_child[(instrument_id, respondent, child_uuid)]) > 1
        first_row = group_rows[0]
        scales = [
            _scale_trend(
                group_id=group_id,
                title=" – ".join(
                    part
                    for part in (
                        name,
                        respondent_label,
                        first_row[8] if child_uuid and not several_families else "",
                        first_row[6] if several_families else "",
                    )
                    if part
                ),
                scale=scale,
                scale_rows=scale_rows,
                definition=definition,
                versions=versions,
            )
            for scale, scale_rows in sorted(
                by_scale.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
            )
        ]
        groups.append(
            TrendGroup(
                id=group_id,
                instrument=first_row[3],
                name=name,
                version=latest_version.number,
                respondent=respondent,
                respondent_label=respondent_label,
                family=first_row[5],
                family_name=first_row[6] if several_families else "",
                child=child_uuid,
                child_name=first_row[8] or "",
                scales=scales,
                responses=[(r, day) for r, (day, _n) in responses.items()],
            )
        )
    return Trends(groups=groups)


def _group_order(
    rows: Sequence[tuple[Any, ...]], versions: Mapping[int, InstrumentVersion]
) -> tuple[Any, ...]:
    first = rows[0]
    version = versions[first[1]]
    return (
        first[8] or "",  # the child's first name (family page: the family's own first)
        str(first[7] or ""),
        version.instrument.family,
        first[3],
        RESPONDENT_ORDER.get(first[4], 9),
        first[6],
    )


def _scale_trend(
    *,
    group_id: str,
    title: str,
    scale: str,
    scale_rows: Sequence[tuple[Any, ...]],
    definition: Mapping[str, Any],
    versions: Mapping[int, InstrumentVersion],
) -> ScaleTrend:
    divisor = scale_divisor(definition, scale)
    label = scale_label(definition, scale)
    points = [
        TrendPoint(
            response=row[0],
            answered_on=row[13],
            version=versions[row[1]].number,
            value=row[10],
            shown=show_value(row[10], divisor),
            band=row[11],
            band_label=band_label(row[11]),
            band4=row[12],
            band4_label=band_label(row[12]),
        )
        for row in scale_rows
    ]
    scored = [p for p in points if p.value is not None]
    change: int | None = None
    verdict: Reliable | None = None
    if len(scored) >= 2:
        first, latest = scored[0].value or 0, scored[-1].value or 0
        change = latest - first
        verdict = reliable(definition.get("reliable_change", {}).get(scale), first, latest, divisor)
    change_shown = (
        "—" if change is None else (("+" if change > 0 else "") + show_value(change, divisor))
    )
    if change is not None and change < 0:
        change_shown = "−" + show_value(-change, divisor)
    y_min, y_max = scale_bounds(definition, scale)
    bands = definition.get("scoring", {}).get("bands", {}).get(scale) or []
    zones = [
        (str(band), band_label(str(band)), float(low) / divisor, float(high) / divisor)
        for band, low, high in bands
    ]
    desc_points = "; ".join(
        f"{_day(p.answered_on)}: {p.shown}" + (f" ({p.band_label})" if p.band_label else "")
        for p in points
    )
    desc = _("Scores by date: %(points)s.") % {"points": desc_points}
    if change is not None:
        desc += " " + _("Change since the first measurement: %(change)s.") % {
            "change": change_shown
        }
    if verdict is not None:
        desc += " " + verdict.label[:1].upper() + verdict.label[1:] + "."
    chart = trendcharts.line_chart(
        f"{group_id}-{scale}".replace("_", "-"),
        f"{title}: {label}",
        desc,
        [
            (
                p.answered_on,
                None if p.value is None else p.value / divisor,
                _day(p.answered_on),
                f"{_day(p.answered_on)}: {p.shown}"
                + (f" ({p.band_label})" if p.band_label else ""),
            )
            for p in points
        ],
        y_min=y_min,
        y_max=y_max,
        zones=zones,
    )
    return ScaleTrend(
        scale=scale,
        label=label,
        points=points,
        change=change,
        change_shown=change_shown,
        reliable=verdict,
        chart=chart,
        has_band4=any(p.band4 for p in points),
    )


def child_trends(user: UserLike, child: Child) -> Trends:
    """Every instrument about `child` that `user` may see (the child came from the families
    policy: `families.selectors.get_child_for`). Side effect: "measures.trend.read"."""
    rows = _rows(user, Q(child=child))
    trends = _build(rows, _versions(rows), per_family=False)
    log_action(
        "measures.trend.read",
        actor=user,
        obj=child,
        municipality_id=child.municipality_id,
        data={"child": str(child.uuid), "responses": trends.response_ids},
    )
    return trends


def family_trends(user: UserLike, family: FosterFamily) -> Trends:
    """The family's own instruments (WHO-5 …) and the burden ratings of its children, as far as
    `user` may see them (the family came from `families.selectors.get_family_for`). Side
    effect: "measures.trend.read"."""
    rows = _rows(
        user,
        Q(family=family)
        & (Q(child__isnull=True) | Q(instrument__family__in=FAMILY_PAGE_CHILD_INSTRUMENTS)),
    )
    trends = _build(rows, _versions(rows), per_family=True)
    log_action(
        "measures.trend.read",
        actor=user,
        obj=family,
        municipality_id=family.municipality_id,
        data={"family": str(family.uuid), "responses": trends.response_ids},
    )
    return trends
