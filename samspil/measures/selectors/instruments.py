"""Reads of the instrument catalogue: the instruments a user may look up (`rules.instrument_filter`:
the shipped ones and their own municipalities' configured versions), one instrument's page (a
version's items, option sets, scales, band tables, reliable-change figures with their sources),
the questionnaires a paper form may be typed in for, the licensed texts imported, and the burden
rating a leader configures. Definitions are not personal data: nothing here is audited."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.measures import rules
from samspil.measures.models import Instrument, InstrumentVersion, ItemText, localised
from samspil.measures.selectors.responses import (
    band_label,
    flag_label,
    scale_divisor,
    scale_label,
)
from samspil.organisations.models import Municipality

RATING_BASE = "burden-rating"


def instruments_for(user: UserLike) -> QuerySet[Instrument]:
    """The instruments in `user`'s catalogue, shipped first, each with its current version
    prefetched (`current_list`): two queries whatever their number."""
    current = InstrumentVersion.objects.filter(is_current=True)
    return (
        Instrument.objects.filter(rules.instrument_filter(user))
        .select_related("municipality")
        .prefetch_related(Prefetch("versions", queryset=current, to_attr="current_list"))
        .order_by(F("municipality__name").asc(nulls_first=True), "code")
    )


def get_instrument_for(user: UserLike, code: str) -> Instrument:
    """One instrument in `user`'s catalogue, or Http404 (unknown and not in it alike)."""
    try:
        return (
            Instrument.objects.filter(rules.instrument_filter(user))
            .select_related("municipality", "based_on")
            .get(code=code)
        )
    except Instrument.DoesNotExist:
        raise Http404 from None


def paper_form_versions(user: UserLike, family: FosterFamily) -> list[InstrumentVersion]:
    """The current versions a paper form about `family` may be typed in for: the shipped
    instruments and the family's municipality's own, in `user`'s catalogue."""
    return list(
        InstrumentVersion.objects.filter(
            is_current=True,
            instrument__in=Instrument.objects.filter(rules.instrument_filter(user))
            .filter(Q(municipality__isnull=True) | Q(municipality_id=family.municipality_id))
            .exclude(family__in=rules.AGGREGATE_ONLY),
        )
        .select_related("instrument")
        .order_by("instrument__family", "instrument__code")
    )


# -- one instrument's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    key: str
    label: str  # our neutral label in the active language
    label_da: str
    label_en: str
    answer: str  # the option set's name or the range
    section: str
    reverse: bool
    condition: str
    texts: dict[str, str]  # language → the imported licensed text


@dataclass(frozen=True)
class OptionSetRow:
    name: str
    options: list[tuple[int, str]]


@dataclass(frozen=True)
class ScaleRow:
    code: str
    label: str
    rule: str


@dataclass(frozen=True)
class BandRow:
    scale: str
    label: str
    bands: list[tuple[str, str]]  # band label, range as text


@dataclass(frozen=True)
class ReliableRow:
    scale: str
    label: str
    method: str
    sd: float | None
    reliability: float | None
    threshold: float | None
    smallest: str  # the smallest difference that is reliable
    higher_is_better: bool
    source: str


@dataclass(frozen=True)
class InstrumentPage:
    instrument: Instrument
    version: InstrumentVersion
    versions: list[InstrumentVersion]
    name: str
    intro: str
    items: list[ItemRow]
    option_sets: list[OptionSetRow]
    scales: list[ScaleRow]
    bands: list[BandRow]
    bands4: list[BandRow]
    reliable: list[ReliableRow]
    flags: list[tuple[str, str]]
    texts_imported: int


def _range(low: int, high: int, divisor: int) -> str:
    if divisor != 1:
        return f"{low / divisor:g}–{high / divisor:g}"
    return str(low) if low == high else f"{low}–{high}"


def _scale_rule(definition: Mapping[str, Any], scale: Mapping[str, Any]) -> str:
    method = scale.get("method")
    items = ", ".join(str(k) for k in scale.get("items", []))
    if method == "prorated_sum":
        return _(
            "Items %(items)s: with at least %(min)s of %(n)s answered, the mean of the answered "
            "items × %(n)s, rounded half up; otherwise not scored."
        ) % {"items": items, "min": scale.get("min_answered"), "n": len(scale.get("items", []))}
    if method == "sum":
        if scale.get("require_all"):
            return _("Items %(items)s: their sum; every item must be answered.") % {"items": items}
        return _("Items %(items)s: their sum.") % {"items": items}
    if method == "sum_of_scales":
        parts = " + ".join(scale_label(definition, str(s)) for s in scale.get("scales", []))
        return _("The sum of: %(parts)s; not scored if any of them is missing.") % {"parts": parts}
    if method == "multiply":
        return _("%(scale)s × %(factor)s.") % {
            "scale": scale_label(definition, str(scale.get("scale"))),
            "factor": scale.get("factor"),
        }
    if method == "gated_recoded_sum":
        recode = ", ".join(f"{k}→{v}" for k, v in scale.get("recode", {}).items())
        return _(
            "0 when item %(gate)s is answered 0; otherwise items %(items)s recoded (%(recode)s) "
            "and summed; not scored when %(gate)s is unanswered."
        ) % {"gate": scale.get("gate"), "items": items, "recode": recode}
    if method == "item":
        return _("The answer to item %(item)s.") % {"item": scale.get("item")}
    if method == "mean":
        return _(
            "Items %(items)s: the mean of the answered items (at least %(min)s), stored in "
            "hundredths."
        ) % {"items": items, "min": scale.get("min_answered", 1)}
    return str(method)


def _band_rows(definition: Mapping[str, Any], scheme: str) -> list[BandRow]:
    rows = []
    for code, ranges in definition.get("scoring", {}).get(scheme, {}).items():
        divisor = scale_divisor(definition, code)
        rows.append(
            BandRow(
                scale=code,
                label=scale_label(definition, code),
                bands=[
                    (band_label(str(name)), _range(int(low), int(high), divisor))
                    for name, low, high in ranges
                ],
            )
        )
    return rows


def _reliable_rows(definition: Mapping[str, Any]) -> list[ReliableRow]:
    rows = []
    for code, rule in definition.get("reliable_change", {}).items():
        divisor = scale_divisor(definition, code)
        if rule.get("method") == "threshold":
            threshold = float(rule["threshold"])
            rows.append(
                ReliableRow(
                    scale=code,
                    label=scale_label(definition, code),
                    method=_("threshold on the difference"),
                    sd=None,
                    reliability=None,
                    threshold=threshold,
                    smallest=f"{threshold / divisor:g}",
                    higher_is_better=bool(rule.get("higher_is_better")),
                    source=str(rule.get("source", "")),
                )
            )
            continue
        sd, r = float(rule["sd"]), float(rule["reliability"])
        s_diff = math.sqrt(2 * (sd * math.sqrt(1 - r)) ** 2)
        rows.append(
            ReliableRow(
                scale=code,
                label=scale_label(definition, code),
                method=_("Jacobson & Truax reliable change index"),
                sd=sd,
                reliability=r,
                threshold=None,
                smallest=_("more than %(points)s points") % {"points": f"{1.96 * s_diff:.1f}"},
                higher_is_better=bool(rule.get("higher_is_better")),
                source=str(rule.get("source", "")),
            )
        )
    return rows


def instrument_page(instrument: Instrument, number: int | None = None) -> InstrumentPage:
    """The catalogue page of `instrument` in version `number` (the current one by default);
    Http404 for a version it does not have. Three queries."""
    versions = list(instrument.versions.order_by("-number"))
    chosen = [v for v in versions if (v.number == number if number else v.is_current)]
    if not chosen:
        if number is not None or not versions:
            raise Http404
        chosen = versions[:1]
    version = chosen[0]
    definition = version.definition
    texts: dict[str, dict[str, str]] = {}
    for key, language, text in ItemText.objects.filter(version=version).values_list(
        "item", "language", "text"
    ):
        texts.setdefault(key, {})[language] = text
    reverse = {str(k) for k in definition.get("scoring", {}).get("reverse", {}).get("items", [])}
    items = []
    for item in definition["items"]:
        options = item.get("options")
        if item.get("type") == "text":
            answer = _("free text")
        elif isinstance(options, str):
            answer = options
        else:
            answer = "–".join(str(v) for v in item.get("range", []))
        shown_when = item.get("shown_when")
        items.append(
            ItemRow(
                key=str(item["key"]),
                label=localised(item.get("label")),
                label_da=localised(item.get("label"), "da"),
                label_en=localised(item.get("label"), "en"),
                answer=answer,
                section=str(item.get("section", "items")),
                reverse=str(item["key"]) in reverse,
                condition=(
                    _("only when item %(item)s is answered %(value)s or more")
                    % {"item": shown_when["item"], "value": shown_when["at_least"]}
                    if shown_when
                    else ""
                ),
                texts=texts.get(str(item["key"]), {}),
            )
        )
    option_sets = [
        OptionSetRow(
            name=name,
            options=[(int(o["value"]), localised(o.get("label"))) for o in options],
        )
        for name, options in definition.get("option_sets", {}).items()
    ]
    scales = [
        ScaleRow(
            str(s["code"]), scale_label(definition, str(s["code"])), _scale_rule(definition, s)
        )
        for s in definition.get("scoring", {}).get("scales", [])
    ]
    flags = [
        (str(flag["code"]), flag_label(definition, str(flag["code"])))
        for flag in definition.get("scoring", {}).get("flags", [])
    ]
    return InstrumentPage(
        instrument=instrument,
        version=version,
        versions=versions,
        name=version.name,
        intro=localised(definition.get("intro")),
        items=items,
        option_sets=option_sets,
        scales=scales,
        bands=_band_rows(definition, "bands"),
        bands4=_band_rows(definition, "bands4"),
        reliable=_reliable_rows(definition),
        flags=flags,
        texts_imported=sum(len(t) for t in texts.values()),
    )


def imported_texts() -> list[dict[str, Any]]:
    """How many licensed texts are imported per instrument version and language (the import
    page's overview)."""
    return list(
        ItemText.objects.values(
            code=F("version__instrument__code"), number=F("version__number"), lang=F("language")
        )
        .annotate(count=Count("id"))
        .order_by("code", "number", "lang")
    )


# -- the burden rating a leader configures ------------------------------------------------------


@dataclass(frozen=True)
class RatingState:
    municipality: Municipality
    base: InstrumentVersion  # the shipped burden rating's current version
    current: InstrumentVersion | None  # the municipality's own current version, if any

    @property
    def code(self) -> str:
        return f"{RATING_BASE}-{self.municipality.code}"


def rating_state(municipality: Municipality) -> RatingState:
    """The shipped burden rating and the municipality's own current version of it."""
    versions = {
        version.instrument.code: version
        for version in InstrumentVersion.objects.filter(
            is_current=True,
            instrument__code__in=[RATING_BASE, f"{RATING_BASE}-{municipality.code}"],
        ).select_related("instrument")
    }
    base = versions.get(RATING_BASE)
    if base is None:
        raise Http404
    return RatingState(
        municipality=municipality,
        base=base,
        current=versions.get(f"{RATING_BASE}-{municipality.code}"),
    )


def configurable_municipalities(user: UserLike) -> list[Municipality]:
    ids = rules.configurable_municipalities(user)
    if not ids:
        return []
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))
