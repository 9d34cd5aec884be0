"""The wording of a proposal: why a group was composed as it is, why a family was left out,
which hard constraint a hand-edited proposal breaks, and why the optimiser refused, as
sentences in the active language. The optimiser (`composition.py`) and the stored proposal keep
codes with parameters; these functions turn them into text when a page or the API shows them.
A pure module: plain values in, text out (no ORM, no I/O)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.competence.enums import TimeSlot
from samspil.networks import composition

if TYPE_CHECKING:
    from samspil.families.models import FosterFamily
    from samspil.organisations.models import Collaboration


@dataclass(frozen=True)
class Names:
    """Family names by key and area labels, to put in the sentences."""

    families: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, families: Iterable[FosterFamily], collaboration: Collaboration | None) -> Names:
        """`families` must have their municipality fetched."""
        names: dict[str, str] = {}
        areas: dict[str, str] = {}
        for family in families:
            names[str(family.uuid)] = family.name
            areas[f"m:{family.municipality.code}"] = family.municipality.name
        if collaboration is not None:
            areas[f"c:{collaboration.pk}"] = collaboration.name
        return cls(families=names, areas=areas)

    def family(self, key: object) -> str:
        return self.families.get(str(key), _("a family"))

    def join(self, keys: Iterable[object]) -> str:
        return ", ".join(sorted(self.family(k) for k in keys))


SLOT_SENTENCES = {
    TimeSlot.WEEKDAY_DAYTIME.value: lambda: _("All can meet on weekdays in the daytime"),
    TimeSlot.EVENINGS.value: lambda: _("All can meet on weekday evenings"),
    TimeSlot.WEEKENDS.value: lambda: _("All can meet at weekends"),
}


def _count(params: Mapping[str, Any], name: str) -> int:
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def reason_text(code: str, params: Mapping[str, Any], names: Names) -> str:
    """One reason of a group's composition, or why a family was left out, as a sentence in
    the active language."""
    if code == "meeting_time":
        sentence = SLOT_SENTENCES.get(str(params.get("slot", "")))
        return sentence() if sentence else _("No common meeting time")
    if code == "area":
        area = str(params.get("area", ""))
        label = names.areas.get(area, area)
        if area.startswith("c:"):
            return _("Within the collaboration %(name)s") % {"name": label}
        return _("All live in %(municipality)s Kommune") % {"municipality": label}
    if code == "travel":
        if _count(params, "max_km") == 0:
            return _("Meets at %(family)s's home: all live within walking distance") % {
                "family": names.family(params.get("centre"))
            }
        return _("Meets at %(family)s's home: on average %(average)d km, at most %(max)d km") % {
            "family": names.family(params.get("centre")),
            "average": _count(params, "average_km"),
            "max": _count(params, "max_km"),
        }
    if code == "experience":
        return _("%(experienced)d experienced and %(new)d new families") % {
            "experienced": _count(params, "experienced"),
            "new": _count(params, "new"),
        }
    if code == "age_bands":
        bands = [str(b) for b in params.get("bands", [])]
        return _("Share children aged %(bands)s") % {"bands": _(" and ").join(bands)}
    if code == "themes":
        themes = [str(t) for t in params.get("themes", [])]
        return ngettext(
            "Share the theme %(themes)s", "Share the themes %(themes)s", len(themes)
        ) % {"themes": ", ".join(themes)}
    if code == "network_families":
        count = _count(params, "count")
        return ngettext(
            "%(count)d network foster family", "%(count)d network foster families", count
        ) % {"count": count}
    if code == "separation_broken":
        return _("Includes families recorded as not to be together")
    if code == "too_few_in_area":
        count = _count(params, "count")
        return ngettext(
            "Only %(count)d other family in the area",
            "Only %(count)d other families in the area",
            count,
        ) % {"count": count}
    if code == "no_common_time":
        return _("No meeting time in common with enough others")
    if code == "separations":
        return _("Too many recorded separations")
    if code == "sizes_do_not_add_up":
        return _("Group sizes do not add up")
    if code == "not_in_proposal":
        return _("Added or included after the proposal: compute again to place the family")
    return code


def violation_text(
    violation: Mapping[str, Any], names: Names, *, min_size: int, max_size: int
) -> str:
    """A hard constraint a hand-edited proposal breaks, as a warning."""
    code = violation.get("code")
    params = violation.get("params") or {}
    number = int(violation.get("group", 0)) + 1
    if code == "size":
        return _("Group %(group)d has %(size)d families; a group has %(min)d–%(max)d.") % {
            "group": number,
            "size": _count(params, "size"),
            "min": min_size,
            "max": max_size,
        }
    if code == "no_common_time":
        return _("The families of group %(group)d have no meeting time in common.") % {
            "group": number
        }
    if code == "no_common_area":
        return _(
            "The families of group %(group)d do not live in one municipality or collaboration."
        ) % {"group": number}
    if code == "separated":
        return _(
            "Group %(group)d puts %(families)s together, who are recorded as not to be together."
        ) % {
            "group": number,
            "families": _(" and ").join(
                sorted(names.family(k) for k in params.get("families", []))
            ),
        }
    if code == "busy":
        return _("%(family)s joined another network group meanwhile.") % {
            "family": names.family(params.get("family"))
        }
    if code == "unavailable":
        return _("%(family)s is no longer available (removed, excluded or in another group).") % {
            "family": names.family(params.get("family"))
        }
    return str(code)


def classify_error(
    error: composition.CompositionError, problem: composition.Problem
) -> dict[str, Any]:
    """Why the optimiser refused, as {code, params, families} to store and translate later.
    Checks in the order `composition.validate` does, then the solver's own refusals."""
    count = len(problem.candidates)
    families = [str(f) for f in error.families]
    keys = [c.key for c in problem.candidates]
    pins: dict[int, int] = defaultdict(int)
    for c in problem.candidates:
        if c.pinned is not None:
            pins[c.pinned] += 1
    code: str
    params: dict[str, Any] = {"min": problem.min_size, "max": problem.max_size, "count": count}
    if problem.min_size < 2:
        code = "min_too_small"
    elif problem.max_size < problem.min_size:
        code = "max_below_min"
    elif len(set(keys)) != count:
        code = "duplicates"
    elif count < problem.min_size:
        code = "too_few_families"
    elif families and any(n > problem.max_size for n in pins.values()):
        code = "too_many_pinned"
    elif (
        len(families) == 2
        and len({c.pinned for c in problem.candidates if c.key in families} - {None}) == 1
        and all(c.pinned is not None for c in problem.candidates if c.key in families)
    ):
        code = "pinned_apart"
    elif families:
        code = "too_few_others"
    elif "time limit" in error.reason:
        code = "time_limit"
    else:
        code = "cannot_split"
    return {"code": code, "params": params, "families": families}


def error_text(error: Mapping[str, Any], names: Names) -> str:
    """Why no proposal could be made, in the active language, naming the families."""
    code = error.get("code")
    params = error.get("params") or {}
    count = _count(params, "count")
    values: dict[str, object] = {
        "min": _count(params, "min"),
        "max": _count(params, "max"),
        "count": count,
        "families": names.join(error.get("families") or []),
    }
    if code == "min_too_small":
        return _("A group needs at least 2 families.")
    if code == "max_below_min":
        return _("The largest group size is smaller than the smallest.")
    if code == "duplicates":
        return _("A family is in the list more than once.")
    if code == "too_few_families":
        return (
            ngettext(
                "%(count)d family is fewer than the smallest group size of %(min)d.",
                "%(count)d families are fewer than the smallest group size of %(min)d.",
                count,
            )
            % values
        )
    if code == "too_many_pinned":
        return _("More families are pinned to one group than a group may have: %(families)s.") % (
            values
        )
    if code == "pinned_apart":
        return (
            _(
                "%(families)s are pinned to the same group but cannot be together (no common area "
                "or meeting time, or recorded as not to be together)."
            )
            % values
        )
    if code == "too_few_others":
        return _("Too few others these families could meet with: %(families)s.") % values
    if code == "time_limit":
        return _(
            "The optimiser found no composition within the time limit; try fewer families or a "
            "longer time limit."
        )
    return (
        _(
            "The families cannot be split into groups of %(min)d–%(max)d under these constraints "
            "(sizes, meeting times, areas, pins and separations)."
        )
        % values
    )
