"""Ranking mentor families: the eligibility checks, the score, the reasons in words and the
order, as plain functions over values (no ORM, no I/O). `selectors/mentors.py` reads the facts
from the database and calls `assess_candidate` once per family, then `rank`.

**Eligibility** (what the facts mean is documented in `selectors/mentors.py`): consent; years
as foster family at least the mentee's municipality's minimum; a completed training or
supervision course when that municipality requires one; fewer active mentorships as mentor than
the mentor's own municipality allows; not already mentor for the mentee.

**Score** (higher is better; eligible candidates only). Four parts of 0–10 points each:

* distance: 10 − km / 5 (rounded down, at least 0; 10 at the door, 0 from 50 km); 3 when a
  postcode has no coordinates (km between the postcodes' points, by haversine);
* similar children: 10 × the share of the mentee's current children's age bands (0–2, 3–5,
  6–12, 13–17, 18+) the mentor has or had children in (any placement, from the child's age at its
  start to its age at the end or today); 0 when the mentee has no child placed;
* years: the years as foster family, at most 10;
* free capacity: 10 × (max mentees − active mentorships) / max mentees, rounded.

weighted by the reason: a new family distance 3, children 2, years 2, capacity 2; an extra child
2, 3, 2, 2; a child with particular needs 1, 3, 4, 2. Ties go to the nearer family, then the more
experienced, then by name. The same inputs always give the same order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.networks import composition
from samspil.networks.enums import MentorReason

AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 2, "0–2"),
    (3, 5, "3–5"),
    (6, 12, "6–12"),
    (13, 17, "13–17"),
    (18, 200, "18+"),
)
UNKNOWN_DISTANCE_POINTS = 3
# Weights of (distance, similar children, years, free capacity) per reason.
WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    MentorReason.NEW_FAMILY: (3, 2, 2, 2),
    MentorReason.EXTRA_CHILD: (2, 3, 2, 2),
    MentorReason.PARTICULAR_NEEDS: (1, 3, 4, 2),
}


FamilyT = TypeVar("FamilyT")  # what a candidate stands for: a FosterFamily in the selectors


# -- ages and distance --------------------------------------------------------------------------


def age(born: dt.date, on: dt.date) -> int:
    """Whole years from `born` to `on` (0 before the first birthday, never negative)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)


def bands_between(youngest: int, oldest: int) -> list[str]:
    """The age bands covering ages `youngest`..`oldest` (inclusive), youngest first."""
    return [label for low, high, label in AGE_BANDS if low <= oldest and youngest <= high]


def band_order(labels: Iterable[str]) -> list[str]:
    """`labels` once each, youngest band first."""
    wanted = set(labels)
    return [label for _low, _high, label in AGE_BANDS if label in wanted]


class PlacementSpan(NamedTuple):
    """A child's placement with a family: from `starts_on` to `ends_on` (None: still placed)."""

    starts_on: dt.date
    ends_on: dt.date | None
    born: dt.date


def experience_bands(placements: Iterable[PlacementSpan], today: dt.date) -> list[str]:
    """The age bands a family has or had children in, from each child's age at the start of its
    placement to its age at the end (or today); placements starting after today do not count."""
    bands: set[str] = set()
    for placement in placements:
        if placement.starts_on > today:
            continue
        end = min(placement.ends_on or today, today)
        bands.update(
            bands_between(age(placement.born, placement.starts_on), age(placement.born, end))
        )
    return band_order(bands)


def current_bands(birthdays: Iterable[dt.date], today: dt.date) -> list[str]:
    """The age bands of children born on `birthdays`, today."""
    bands: set[str] = set()
    for born in birthdays:
        years = age(born, today)
        bands.update(bands_between(years, years))
    return band_order(bands)


def distance_km(here: tuple[float, float] | None, there: tuple[float, float] | None) -> int | None:
    """Kilometres between two (latitude, longitude) points (haversine, as the group composition
    measures them), or None when one is unknown."""
    if here is None or there is None:
        return None
    return composition.distance_km(
        composition.Candidate(key=0, areas=frozenset(), lat=here[0], lon=here[1]),
        composition.Candidate(key=1, areas=frozenset(), lat=there[0], lon=there[1]),
    )


# -- the score ----------------------------------------------------------------------------------


def score(
    *,
    reason: str,
    distance_km: int | None,
    shared_bands: int,
    mentee_bands: int,
    years: int,
    current_mentees: int,
    max_mentees: int,
) -> int:
    """The documented score (see the module docstring): a pure function of its inputs."""
    w_distance, w_children, w_years, w_capacity = WEIGHTS.get(reason, WEIGHTS["new_family"])
    distance = UNKNOWN_DISTANCE_POINTS if distance_km is None else max(0, 10 - distance_km // 5)
    children = round(10 * shared_bands / mentee_bands) if mentee_bands else 0
    experience = min(years, 10)
    free = max(max_mentees - current_mentees, 0)
    capacity = round(10 * free / max_mentees) if max_mentees else 0
    return (
        w_distance * distance + w_children * children + w_years * experience + w_capacity * capacity
    )


# -- candidates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCheck:
    """One eligibility rule for one family: `code` is consent, years, course, capacity or
    pair; `text` says in words what was found."""

    code: str
    met: bool
    text: str


@dataclass(frozen=True)
class MenteeNeeds:
    """The mentee's side of an assessment: why it needs a mentor, the age bands of its children
    placed now, and what its municipality asks of a mentor."""

    name: str
    reason: str
    bands: Sequence[str]
    min_years: int
    requires_course: bool


@dataclass
class Candidate(Generic[FamilyT]):
    family: FamilyT
    checks: list[RuleCheck]
    years: int
    distance_km: int | None
    current_mentees: int
    max_mentees: int
    age_bands: list[str]
    shared_bands: list[str]
    courses: list[str]
    score: int = 0
    rank: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def lacks(self) -> list[str]:
        return [check.text for check in self.checks if not check.met]

    def snapshot(self, *, reason: str, of: int, today: dt.date) -> dict[str, Any]:
        """What Mentorship.ranking stores: why this family was suggested, as it was then."""
        return {
            "rank": self.rank,
            "of": of,
            "score": self.score,
            "reason": reason,
            "distance_km": self.distance_km,
            "current_mentees": self.current_mentees,
            "max_mentees": self.max_mentees,
            "years": self.years,
            "age_bands": self.age_bands,
            "shared_bands": self.shared_bands,
            "courses": self.courses,
            "reasons": self.reasons,
            "computed_on": today.isoformat(),
        }


def mentees_text(current: int, maximum: int) -> str:
    if current == 0:
        return _("no current mentees (at most %(max)d)") % {"max": maximum}
    return ngettext(
        "%(count)d current mentee of at most %(max)d",
        "%(count)d current mentees of at most %(max)d",
        current,
    ) % {"count": current, "max": maximum}


def _years_text(years: int) -> str:
    return ngettext(
        "%(years)d year as foster family", "%(years)d years as foster family", years
    ) % {"years": years}


def rule_checks(
    needs: MenteeNeeds,
    *,
    consents: bool,
    years: int,
    courses: Sequence[str],
    current: int,
    maximum: int,
    already_mentor: bool,
) -> list[RuleCheck]:
    """The eligibility rules for one family, each with what was found in words."""
    checks = [
        RuleCheck(
            "consent",
            consents,
            _("consents to be a mentor family") if consents else _("has not consented"),
        )
    ]
    required = needs.min_years
    checks.append(
        RuleCheck(
            "years",
            years >= required,
            _("%(found)s (at least %(required)d required)")
            % {"found": _years_text(years), "required": required},
        )
    )
    if not needs.requires_course:
        checks.append(RuleCheck("course", True, _("no course required")))
    elif courses:
        checks.append(
            RuleCheck("course", True, _("completed: %(courses)s") % {"courses": ", ".join(courses)})
        )
    else:
        checks.append(RuleCheck("course", False, _("no completed training or supervision course")))
    if current < maximum:
        checks.append(RuleCheck("capacity", True, mentees_text(current, maximum)))
    else:
        text = ngettext(
            "already has %(count)d mentee, the most allowed",
            "already has %(count)d mentees, the most allowed",
            current,
        ) % {"count": current}
        checks.append(RuleCheck("capacity", False, text))
    if already_mentor:
        checks.append(
            RuleCheck("pair", False, _("is already mentor for %(mentee)s") % {"mentee": needs.name})
        )
    return checks


def reasons(candidate: Candidate[Any], mentee_bands: Sequence[str]) -> list[str]:
    """Why the candidate ranks where it does, in words: distance, children, mentees, years and
    courses."""
    found = []
    if candidate.distance_km is None:
        found.append(_("distance unknown (postcode not found)"))
    else:
        found.append(_("%(km)d km away") % {"km": candidate.distance_km})
    if candidate.shared_bands:
        found.append(
            _("has had children aged %(bands)s") % {"bands": ", ".join(candidate.shared_bands)}
        )
    elif mentee_bands:
        found.append(
            _("no experience with children aged %(bands)s") % {"bands": ", ".join(mentee_bands)}
        )
    elif candidate.age_bands:
        found.append(
            _("has had children aged %(bands)s") % {"bands": ", ".join(candidate.age_bands)}
        )
    found.append(mentees_text(candidate.current_mentees, candidate.max_mentees))
    found.append(_years_text(candidate.years))
    if candidate.courses:
        found.append(_("completed: %(courses)s") % {"courses": ", ".join(candidate.courses)})
    return found


def assess_candidate(
    family: FamilyT,
    needs: MenteeNeeds,
    *,
    consents: bool,
    already_mentor: bool,
    years: int,
    distance_km: int | None,
    current_mentees: int,
    max_mentees: int,
    age_bands: list[str],
    courses: list[str],
) -> Candidate[FamilyT]:
    """One family as a candidate mentor for the mentee: its rule checks, score and reasons."""
    candidate = Candidate(
        family=family,
        checks=rule_checks(
            needs,
            consents=consents,
            years=years,
            courses=courses,
            current=current_mentees,
            maximum=max_mentees,
            already_mentor=already_mentor,
        ),
        years=years,
        distance_km=distance_km,
        current_mentees=current_mentees,
        max_mentees=max_mentees,
        age_bands=age_bands,
        shared_bands=[band for band in age_bands if band in needs.bands],
        courses=courses,
    )
    candidate.score = score(
        reason=needs.reason,
        distance_km=distance_km,
        shared_bands=len(candidate.shared_bands),
        mentee_bands=len(needs.bands),
        years=years,
        current_mentees=current_mentees,
        max_mentees=max_mentees,
    )
    candidate.reasons = reasons(candidate, needs.bands)
    return candidate


def rank(
    candidates: Iterable[Candidate[FamilyT]], *, by_name: Callable[[FamilyT], tuple[str, int]]
) -> list[Candidate[FamilyT]]:
    """The eligible candidates ranked 1, 2, … (highest score first; ties to the nearer, then
    the more experienced family, then by `by_name`: the family's name and id), then the others
    in the order given."""
    given = list(candidates)
    eligible = sorted(
        (c for c in given if c.eligible),
        key=lambda c: (
            -c.score,
            c.distance_km if c.distance_km is not None else 10**6,
            -c.years,
            by_name(c.family),
        ),
    )
    for number, candidate in enumerate(eligible, 1):
        candidate.rank = number
    return eligible + [c for c in given if not c.eligible]
