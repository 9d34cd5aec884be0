"""Reads of responses (a filled-in instrument's raw answers and its scores), always from
`rules.response_filter`, and how an instrument's codes read on a page: item labels (the licensed
text in the active language when the installation imported it, else our neutral label), scale,
band and flag names.

Reading one response writes "measures.response.read"; a list read (a page of the API's list)
writes "measures.response.list" with the ids of the responses, families and children shown,
never answers, scores or names. The instrument catalogue's reads are in `selectors/instruments.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.formats import localize
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily
from samspil.measures import rules
from samspil.measures.enums import ResponseStatus
from samspil.measures.models import (
    InstrumentVersion,
    ItemText,
    Response,
    Score,
    localised,
)

# -- how codes read -----------------------------------------------------------------------------

SCALE_LABELS = {
    "emotional": gettext_lazy("Emotional symptoms"),
    "conduct": gettext_lazy("Conduct problems"),
    "hyperactivity": gettext_lazy("Hyperactivity/inattention"),
    "peer": gettext_lazy("Peer relationship problems"),
    "prosocial": gettext_lazy("Prosocial behaviour"),
    "total_difficulties": gettext_lazy("Total difficulties"),
    "externalising": gettext_lazy("Externalising"),
    "internalising": gettext_lazy("Internalising"),
    "impact": gettext_lazy("Impact"),
    "raw": gettext_lazy("Raw score (0–25)"),
    "percentage": gettext_lazy("Well-being (percentage, 0–100)"),
    "overall": gettext_lazy("Overall burden (0–10)"),
    "areas_mean_x100": gettext_lazy("Mean of the areas (0–4)"),
    "delivery": gettext_lazy("Delivery"),
    "usefulness": gettext_lazy("Usefulness"),
    "behaviour_change": gettext_lazy("Behaviour change"),
}
BAND_LABELS = {
    "normal": gettext_lazy("normal"),
    "borderline": gettext_lazy("borderline"),
    "abnormal": gettext_lazy("abnormal"),
    "close_to_average": gettext_lazy("close to average"),
    "slightly_raised": gettext_lazy("slightly raised"),
    "high": gettext_lazy("high"),
    "very_high": gettext_lazy("very high"),
    "slightly_lowered": gettext_lazy("slightly lowered"),
    "low": gettext_lazy("low"),
    "very_low": gettext_lazy("very low"),
}
FLAG_LABELS = {
    "poor_wellbeing": gettext_lazy(
        "Poor well-being (raw score below 13): an indication for depression screening"
    ),
    "likely_depression": gettext_lazy("Percentage 28 or less: likely depression"),
    "low_item": gettext_lazy("An item answered 0 or 1: a reason to screen for depression"),
    "high_burden": gettext_lazy("High burden (8 or more of 10)"),
    "incomplete": gettext_lazy("Incomplete: a scale needing every item was not scored"),
}


def _scale(definition: Mapping[str, Any], code: str) -> Mapping[str, Any]:
    for scale in definition.get("scoring", {}).get("scales", []):
        if scale.get("code") == code:
            return dict(scale)
    return {}


def scale_label(definition: Mapping[str, Any], code: str) -> str:
    """The scale's own `label` in the definition, else our name for a known code, else the
    code (a new instrument added as data reads sensibly without a translation)."""
    own = _scale(definition, code).get("label")
    if own:
        return localised(own)
    known = SCALE_LABELS.get(code)
    return str(known) if known is not None else code.replace("_", " ")


def scale_divisor(definition: Mapping[str, Any], code: str) -> int:
    """Scores are integers; a `mean` scale is stored in hundredths (shown divided by 100)."""
    return 100 if _scale(definition, code).get("method") == "mean" else 1


def show_value(value: int | None, divisor: int = 1) -> str:
    """A score as the page shows it ("—" when missing; hundredths with two decimals)."""
    if value is None:
        return "—"
    if divisor == 1:
        return str(value)
    return str(localize(Decimal(value) / divisor))


def band_label(code: str | None) -> str:
    if not code:
        return ""
    known = BAND_LABELS.get(code)
    return str(known) if known is not None else code.replace("_", " ")


def flag_label(definition: Mapping[str, Any], code: str) -> str:
    for flag in definition.get("scoring", {}).get("flags", []):
        if flag.get("code") == code and flag.get("label"):
            return localised(flag["label"])
    known = FLAG_LABELS.get(code)
    if known is not None:
        return str(known)
    if code.endswith("_not_scored"):
        scale = code.removesuffix("_not_scored")
        return _("%(scale)s: too few answers to score") % {"scale": scale_label(definition, scale)}
    return code.replace("_", " ")


def licensed_texts(version: InstrumentVersion, language: str | None = None) -> dict[str, str]:
    """Item key → the imported licensed text in `language` (the active one by default), for a
    version whose wording is licensed; empty otherwise or when none was imported. One query."""
    if not version.licensed_texts:
        return {}
    language = (language or get_language() or "da")[:2]
    return dict(
        ItemText.objects.filter(version=version, language=language).values_list("item", "text")
    )


def item_label(item: Mapping[str, Any], texts: Mapping[str, str]) -> str:
    return texts.get(str(item["key"])) or localised(item.get("label"))


def option_labels(definition: Mapping[str, Any], item: Mapping[str, Any]) -> dict[int, str]:
    """An item's values → their labels (a range's values are their own labels)."""
    options = item.get("options")
    if isinstance(options, str):
        return {
            int(o["value"]): localised(o.get("label"))
            for o in definition.get("option_sets", {}).get(options, [])
        }
    if item.get("range"):
        low, high = item["range"]
        return {value: str(value) for value in range(int(low), int(high) + 1)}
    return {}


# -- lists ----------------------------------------------------------------------------------------


def _as_uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def responses_for(
    user: UserLike,
    *,
    family: FosterFamily | uuid.UUID | str | None = None,
    child: Child | uuid.UUID | str | None = None,
    instrument: str | None = None,
) -> QuerySet[Response]:
    """The complete responses `user` may see, newest first, optionally of one family, one
    child (model or UUID) or one instrument (code), with their scores prefetched (a constant
    number of queries whatever the number of rows). An unreadable UUID matches nothing."""
    qs = Response.objects.filter(rules.response_filter(user), status=ResponseStatus.COMPLETE)
    for name, value in (("family", family), ("child", child)):
        if value is None or value == "":
            continue
        if isinstance(value, FosterFamily | Child):
            qs = qs.filter(**{name: value})
            continue
        parsed = _as_uuid(value)
        if parsed is None:
            return qs.none()
        qs = qs.filter(**{f"{name}__uuid": parsed})
    if instrument:
        qs = qs.filter(instrument_version__instrument__code=instrument)
    return (
        qs.select_related("instrument_version__instrument", "family", "child", "entered_by")
        .defer("instrument_version__definition")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("id")))
        .order_by("-answered_on", "-id")
    )


def audit_response_list(user: UserLike, responses: Sequence[Response]) -> None:
    """One entry for a list of responses read (a page of the API's list): the ids of the
    responses, their families and children, nothing else. Under the one municipality they
    belong to, or none when they span several. Nothing for an empty list."""
    if not responses:
        return
    municipalities = {response.municipality_id for response in responses}
    log_action(
        "measures.response.list",
        actor=user,
        municipality_id=municipalities.pop() if len(municipalities) == 1 else None,
        data={
            "responses": sorted(str(r.uuid) for r in responses),
            "families": sorted({str(r.family.uuid) for r in responses}),
            "children": sorted({str(r.child.uuid) for r in responses if r.child is not None}),
        },
    )


# -- one response ---------------------------------------------------------------------------------


def get_response_for(
    user: UserLike, response_uuid: uuid.UUID | str, *, audit: bool = True
) -> Response:
    """One complete response `user` may see, or Http404 (unknown and invisible alike). Side
    effect: "measures.response.read" (ids only) unless `audit` is False."""
    parsed = _as_uuid(response_uuid)
    if parsed is None:
        raise Http404
    try:
        response = (
            Response.objects.filter(rules.response_filter(user), status=ResponseStatus.COMPLETE)
            .select_related(
                "instrument_version__instrument", "family", "child", "entered_by", "municipality"
            )
            .distinct()
            .get(uuid=parsed)
        )
    except Response.DoesNotExist:
        raise Http404 from None
    if audit:
        log_action(
            "measures.response.read",
            actor=user,
            obj=response,
            municipality_id=response.municipality_id,
            data={
                "family": str(response.family.uuid),
                "child": str(response.child.uuid) if response.child else None,
            },
        )
    return response


@dataclass(frozen=True)
class AnswerRow:
    key: str
    label: str
    licensed: bool  # the label is the imported licensed text
    section: str
    value: int | str | None
    shown: str  # the answer as read: the option's label and its value


@dataclass(frozen=True)
class ScoreRow:
    scale: str
    label: str
    value: int | None
    shown: str
    band: str
    band_label: str
    band4: str
    band4_label: str


@dataclass(frozen=True)
class FlagRow:
    code: str
    label: str


@dataclass(frozen=True)
class ResponseDetail:
    response: Response
    name: str
    version: int
    answers: list[AnswerRow]
    scores: list[ScoreRow]
    flags: list[FlagRow]


def answer_rows(version: InstrumentVersion, answers: Mapping[str, Any]) -> list[AnswerRow]:
    """Every item of the version, in its order, with the answer given (one query for the
    licensed texts)."""
    definition = version.definition
    texts = licensed_texts(version)
    rows = []
    for item in definition["items"]:
        key = str(item["key"])
        value = answers.get(key)
        labels = option_labels(definition, item)
        if value is None or value == "":
            shown = "—"
        elif isinstance(value, int) and value in labels and labels[value] != str(value):
            shown = f"{labels[value]} ({value})"
        else:
            shown = str(value)
        rows.append(
            AnswerRow(
                key=key,
                label=item_label(item, texts),
                licensed=key in texts,
                section=str(item.get("section", "items")),
                value=value,
                shown=shown,
            )
        )
    return rows


def score_rows(definition: Mapping[str, Any], scores: Sequence[Score]) -> list[ScoreRow]:
    """The response's scores in the definition's order of scales."""
    order = {s["code"]: n for n, s in enumerate(definition.get("scoring", {}).get("scales", []))}
    return [
        ScoreRow(
            scale=score.scale,
            label=scale_label(definition, score.scale),
            value=score.value,
            shown=show_value(score.value, scale_divisor(definition, score.scale)),
            band=score.band,
            band_label=band_label(score.band),
            band4=score.band4,
            band4_label=band_label(score.band4),
        )
        for score in sorted(scores, key=lambda s: (order.get(s.scale, len(order)), s.scale))
    ]


def response_detail(response: Response) -> ResponseDetail:
    """What the response page and `GET /responses/{id}` show (two queries: the scores and the
    licensed texts)."""
    version = response.instrument_version
    definition = version.definition
    return ResponseDetail(
        response=response,
        name=version.name,
        version=version.number,
        answers=answer_rows(version, response.answers),
        scores=score_rows(definition, list(response.scores.all())),
        flags=[FlagRow(code, flag_label(definition, code)) for code in response.flags],
    )
