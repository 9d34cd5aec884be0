"""The instruments Samspil ships (`definitions/*.json`) and the structural check every
definition passes before it is stored, whether shipped, configured by a municipality or added by
an installation. Pure: reads only the package's own files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from samspil.measures import scoring

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
RESPONDENTS = {"foster_parent", "teacher", "child"}
SUBJECTS = {"child", "family"}
METHODS = {
    "prorated_sum",
    "sum",
    "sum_of_scales",
    "multiply",
    "gated_recoded_sum",
    "item",
    "mean",
}


@cache
def shipped() -> tuple[Mapping[str, Any], ...]:
    """The shipped definitions, in code order."""
    definitions = [json.loads(p.read_text("utf-8")) for p in sorted(DEFINITIONS.glob("*.json"))]
    return tuple(definitions)


def shipped_by_code() -> dict[str, Mapping[str, Any]]:
    return {d["code"]: d for d in shipped()}


def check(definition: Mapping[str, Any]) -> list[str]:
    """What is wrong with a definition (empty when it can be stored and scored)."""
    problems: list[str] = []
    for key in ("code", "version", "name", "respondent", "subject", "items", "scoring"):
        if key not in definition:
            problems.append(f"missing {key!r}")
    if problems:
        return problems
    if definition["respondent"] not in RESPONDENTS:
        problems.append(f"respondent must be one of {sorted(RESPONDENTS)}")
    if definition["subject"] not in SUBJECTS:
        problems.append(f"subject must be one of {sorted(SUBJECTS)}")
    keys = [item.get("key") for item in definition["items"]]
    if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
        problems.append("item keys must be unique, non-empty strings")
    option_sets = definition.get("option_sets", {})
    for item in definition["items"]:
        options = item.get("options")
        if item.get("type") == "text":
            continue
        if isinstance(options, str):
            if options not in option_sets:
                problems.append(f"item {item.get('key')!r}: unknown option set {options!r}")
        elif not (isinstance(item.get("range"), list) and len(item["range"]) == 2):
            problems.append(f"item {item.get('key')!r} needs options or a range")
    if problems:
        return problems
    known_items = set(keys)
    known_scales: set[str] = set()
    for scale in definition["scoring"].get("scales", []):
        method = scale.get("method")
        if method not in METHODS:
            problems.append(f"scale {scale.get('code')!r}: unknown method {method!r}")
            continue
        referenced = list(scale.get("items", []))
        for key in ("item", "gate"):
            if key in scale:
                referenced.append(scale[key])
        problems += [
            f"scale {scale['code']!r}: unknown item {key!r}"
            for key in referenced
            if key not in known_items
        ]
        for other in [*scale.get("scales", []), *([scale["scale"]] if "scale" in scale else [])]:
            if other not in known_scales:
                problems.append(f"scale {scale['code']!r} uses {other!r} before it is defined")
        known_scales.add(scale["code"])
    for scheme in ("bands", "bands4"):
        for code in definition["scoring"].get(scheme, {}):
            if code not in known_scales:
                problems.append(f"{scheme}: unknown scale {code!r}")
    if not problems:
        try:  # an empty answer set must score without error
            scoring.score(definition, {})
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"scoring fails: {error}")
    return problems
