"""The instrument engine's scoring: a pure interpreter of an instrument version's scoring rules.

An instrument version is data (`definitions/*.json`, stored in `InstrumentVersion.definition`):
its items with their allowed values, and a `scoring` block naming scales, each computed by one
of a few methods. This module turns raw answers into scores, bands and flags by following that
block; it knows nothing of SDQ or WHO-5 as such, so a new instrument or version needs data, not
code. No ORM, no I/O, integers only (no floating point in any rounding).

Scale methods:

* ``prorated_sum`` — the SDQ rule: with at least ``min_answered`` of the items answered, the
  mean of the answered items × the number of items, rounded half up (the official syntax's
  ``floor(0.5 + mean * 5)``), done in integers as ``(2·k·s + n) // (2·n)`` for k items;
  otherwise missing.
* ``sum`` — the sum of the items; with ``require_all`` (WHO-5: the published method has no
  missing-item rule) missing unless every item is answered, else missing only when none is.
* ``sum_of_scales`` — the sum of other scales, missing if any of them is missing.
* ``multiply`` — another scale × ``factor`` (WHO-5's percentage).
* ``gated_recoded_sum`` — the SDQ impact score: 0 when the ``gate`` item is answered 0; missing
  when the gate is unanswered; otherwise the sum of the answered items after ``recode``,
  missing when none of them is answered (as the official R syntax: ``rowSums(na.rm=TRUE)``
  unless all are missing, then ``ifelse(ebddiff == 0, 0, …)``).
* ``item`` — one item's value as a score (course evaluation).
* ``mean`` — the mean of the answered items in hundredths (``mean_x100``), rounded half up,
  missing when fewer than ``min_answered`` are answered (burden rating).

Items may be reverse-scored (``reverse``: value → max − value) before any scale is computed.
Bands are inclusive ranges per scale; a scale without bands (or a missing score) has band
``None``. Flags are codes: ``<scale>_not_scored`` when a scale could not be scored, ``incomplete``
when a scale requiring all items was missing items, plus the instrument's own threshold flags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Answers = Mapping[str, int | str | None]


class AnswerError(ValueError):
    """The answers do not fit the instrument: unknown items or values out of range."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Result:
    scores: dict[str, int | None]
    bands: dict[str, str | None]
    bands4: dict[str, str | None]
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": self.scores,
            "bands": self.bands,
            "bands4": self.bands4,
            "flags": self.flags,
        }


def _round_half_up_ratio(numerator: int, denominator: int) -> int:
    """floor(0.5 + numerator / denominator) for non-negative integers, without floats."""
    return (2 * numerator + denominator) // (2 * denominator)


def item_values(definition: Mapping[str, Any]) -> dict[str, tuple[int, ...] | None]:
    """Each item's allowed values; ``None`` for a free-text item."""
    option_sets: Mapping[str, Sequence[Mapping[str, Any]]] = definition.get("option_sets", {})
    allowed: dict[str, tuple[int, ...] | None] = {}
    for item in definition["items"]:
        if item.get("type") == "text":
            allowed[item["key"]] = None
            continue
        options = item.get("options")
        if isinstance(options, str):
            allowed[item["key"]] = tuple(int(o["value"]) for o in option_sets[options])
        else:
            low, high = item["range"]
            allowed[item["key"]] = tuple(range(int(low), int(high) + 1))
    return allowed


def validate(definition: Mapping[str, Any], answers: Answers) -> dict[str, int | str]:
    """The answers without unanswered items, or AnswerError naming every problem.

    ``None`` (and an empty text) means unanswered. Values must be one of the item's options;
    booleans are refused, not read as 0 and 1.
    """
    allowed = item_values(definition)
    problems: list[str] = []
    clean: dict[str, int | str] = {}
    for key, value in answers.items():
        if key not in allowed:
            problems.append(f"unknown item {key!r}")
            continue
        if value is None:
            continue
        options = allowed[key]
        if options is None:
            if not isinstance(value, str):
                problems.append(f"item {key!r} takes text")
            elif value.strip():
                clean[key] = value.strip()
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"item {key!r}: {value!r} is not a whole number")
        elif value not in options:
            choices = ", ".join(str(o) for o in options)
            problems.append(f"item {key!r}: {value} is not one of {choices}")
        else:
            clean[key] = value
    if problems:
        raise AnswerError(problems)
    return clean


def _band(ranges: Sequence[Sequence[Any]] | None, value: int | None) -> str | None:
    if ranges is None or value is None:
        return None
    for name, low, high in ranges:
        if low <= value <= high:
            return str(name)
    return None


def score(definition: Mapping[str, Any], answers: Answers) -> Result:
    """Scores, bands (three-band and four-band where the instrument has them) and flags.

    Raises AnswerError for unknown items or values out of range (see `validate`).
    """
    clean = validate(definition, answers)
    rules: Mapping[str, Any] = definition.get("scoring", {})
    reverse = rules.get("reverse")
    values: dict[str, int] = {k: v for k, v in clean.items() if isinstance(v, int)}
    if reverse:
        top = int(reverse["max"])
        for key in reverse["items"]:
            if key in values:
                values[key] = top - values[key]

    scores: dict[str, int | None] = {}
    flags: list[str] = []
    for scale in rules.get("scales", []):
        code = scale["code"]
        result = _scale(scale, values, scores, flags)
        scores[code] = result
        if result is None and scale["method"] != "sum_of_scales":
            flags.append(f"{code}_not_scored")

    bands_rule: Mapping[str, Any] = rules.get("bands", {})
    bands4_rule: Mapping[str, Any] = rules.get("bands4", {})
    bands = {code: _band(bands_rule.get(code), value) for code, value in scores.items()}
    bands4 = {code: _band(bands4_rule.get(code), value) for code, value in scores.items()}

    for flag in rules.get("flags", []):
        if _flag_raised(flag, scores, values):
            flags.append(flag["code"])
    return Result(scores=scores, bands=bands, bands4=bands4, flags=flags)


def _scale(
    scale: Mapping[str, Any],
    values: Mapping[str, int],
    scores: Mapping[str, int | None],
    flags: list[str],
) -> int | None:
    method = scale["method"]
    if method == "prorated_sum":
        items = scale["items"]
        answered = [values[k] for k in items if k in values]
        if len(answered) < int(scale["min_answered"]):
            return None
        return _round_half_up_ratio(len(items) * sum(answered), len(answered))
    if method == "sum":
        answered = [values[k] for k in scale["items"] if k in values]
        if scale.get("require_all") and len(answered) < len(scale["items"]):
            if "incomplete" not in flags:
                flags.append("incomplete")
            return None
        return sum(answered) if answered else None
    if method == "sum_of_scales":
        parts = [scores.get(code) for code in scale["scales"]]
        if any(part is None for part in parts):
            return None
        return sum(part for part in parts if part is not None)
    if method == "multiply":
        base = scores.get(scale["scale"])
        return None if base is None else base * int(scale["factor"])
    if method == "gated_recoded_sum":
        gate = values.get(scale["gate"])
        if gate is None:
            return None
        if gate == 0:
            return 0
        recode: Mapping[str, int] = scale["recode"]
        answered = [recode[str(values[k])] for k in scale["items"] if k in values]
        return sum(answered) if answered else None
    if method == "item":
        return values.get(scale["item"])
    if method == "mean":
        answered = [values[k] for k in scale["items"] if k in values]
        if len(answered) < int(scale.get("min_answered", 1)):
            return None
        return _round_half_up_ratio(100 * sum(answered), len(answered))
    raise ValueError(f"unknown scoring method {method!r}")


def _flag_raised(
    flag: Mapping[str, Any], scores: Mapping[str, int | None], values: Mapping[str, int]
) -> bool:
    if "scale" in flag:
        value = scores.get(flag["scale"])
        if value is None:
            return False
        if "at_most" in flag and value > int(flag["at_most"]):
            return False
        return not ("at_least" in flag and value < int(flag["at_least"]))
    if "any_item_at_most" in flag:
        limit = int(flag["any_item_at_most"])
        return any(values.get(key, limit + 1) <= limit for key in flag["items"])
    raise ValueError(f"flag {flag.get('code')!r} has no condition")


# -- reliable change ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Change between two scores of one scale and whether it is reliable."""

    difference: int
    index: float | None  # the Jacobson–Truax RCI, when the method is "jacobson_truax"
    reliable: bool
    direction: str  # "better", "worse" or "same"


def reliable_change(rule: Mapping[str, Any] | None, first: int, latest: int) -> Change:
    """Jacobson & Truax (1991): RCI = (x2 − x1) / √(2·(SD·√(1 − r))²), reliable when |RCI| >
    1.96; or a published threshold on the difference (WHO-5: 10 percentage points).

    ``rule`` carries ``method``, ``sd`` and ``reliability`` (or ``threshold``) and
    ``higher_is_better``; without a rule nothing is ever called reliable.
    """
    difference = latest - first
    if difference == 0:
        direction = "same"
    else:
        higher_is_better = bool(rule and rule.get("higher_is_better"))
        direction = "better" if (difference > 0) == higher_is_better else "worse"
    if not rule:
        return Change(difference, None, False, direction)
    if rule["method"] == "threshold":
        return Change(difference, None, abs(difference) >= float(rule["threshold"]), direction)
    sd = float(rule["sd"])
    r = float(rule["reliability"])
    standard_error = sd * (1 - r) ** 0.5
    s_diff = (2 * standard_error**2) ** 0.5
    index = difference / s_diff
    return Change(difference, round(index, 2), abs(index) > 1.96, direction)
