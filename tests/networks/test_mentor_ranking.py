"""The pure mentor ranking (samspil/networks/mentor_ranking.py): ages and bands, distance, the
documented score, the rule checks and reasons in words, and the order. Plain values, no
database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samspil.networks import mentor_ranking as ranking
from samspil.networks.mentor_ranking import MenteeNeeds, PlacementSpan

TODAY = dt.date(2026, 10, 1)
NEEDS = MenteeNeeds(
    name="Familien Ny", reason="new_family", bands=["6–12"], min_years=3, requires_course=True
)


@dataclass(frozen=True)
class Family:
    pk: int
    name: str


def _by_name(family: Family) -> tuple[str, int]:
    return family.name, family.pk


def _candidate(
    name: str = "Familien Erfaren",
    *,
    pk: int = 1,
    needs: MenteeNeeds = NEEDS,
    **facts: object,
) -> ranking.Candidate[Family]:
    values: dict[str, object] = {
        "consents": True,
        "already_mentor": False,
        "years": 6,
        "distance_km": 0,
        "current_mentees": 0,
        "max_mentees": 2,
        "age_bands": ["6–12"],
        "courses": ["Tilknytning i praksis"],
    }
    values.update(facts)
    return ranking.assess_candidate(Family(pk, name), needs, **values)  # type: ignore[arg-type]


# -- ages and distance ----------------------------------------------------------------------------


def test_age_counts_whole_years_to_the_day_before_the_birthday() -> None:
    born = dt.date(2018, 10, 2)
    assert (ranking.age(born, TODAY), ranking.age(born, dt.date(2026, 10, 2))) == (7, 8)


def test_bands_between_cover_every_band_the_ages_touch() -> None:
    assert ranking.bands_between(2, 13) == ["0–2", "3–5", "6–12", "13–17"]


def test_experience_bands_run_from_the_age_at_the_start_to_the_end_of_each_placement() -> None:
    placements = [
        PlacementSpan(dt.date(2020, 1, 1), dt.date(2022, 1, 1), born=dt.date(2016, 1, 1)),
        PlacementSpan(dt.date(2025, 1, 1), None, born=dt.date(2024, 6, 1)),
    ]
    assert ranking.experience_bands(placements, TODAY) == ["0–2", "3–5", "6–12"]


def test_placement_starting_after_today_is_no_experience_yet() -> None:
    later = [PlacementSpan(dt.date(2026, 12, 1), None, born=dt.date(2010, 1, 1))]
    assert ranking.experience_bands(later, TODAY) == []


def test_current_bands_are_the_childrens_ages_today_youngest_first() -> None:
    births = [dt.date(2010, 1, 1), dt.date(2025, 1, 1), dt.date(2011, 5, 5)]
    assert ranking.current_bands(births, TODAY) == ["0–2", "13–17"]


def test_distance_is_unknown_without_coordinates() -> None:
    assert ranking.distance_km(None, (55.7, 12.5)) is None


def test_distance_between_points_is_whole_kilometres() -> None:
    # One degree of latitude along a meridian: 6371 km × π / 180 = 111.19 km.
    assert ranking.distance_km((55.0, 12.0), (56.0, 12.0)) == 111


# -- the score ------------------------------------------------------------------------------------


def test_score_adds_the_weighted_parts_for_a_new_family() -> None:
    # distance 0 km → 10 × 3, children 1 of 1 bands → 10 × 2, 6 years → 6 × 2, 0 of 2 → 10 × 2.
    assert ranking.score(
        reason="new_family",
        distance_km=0,
        shared_bands=1,
        mentee_bands=1,
        years=6,
        current_mentees=0,
        max_mentees=2,
    ) == (30 + 20 + 12 + 20)


def test_score_weighs_years_more_for_a_child_with_particular_needs() -> None:
    # distance 29 km → 5 × 1, no children → 0, 10 years → 10 × 4, 1 of 2 → 5 × 2.
    assert ranking.score(
        reason="particular_needs",
        distance_km=29,
        shared_bands=0,
        mentee_bands=1,
        years=12,
        current_mentees=1,
        max_mentees=2,
    ) == (5 + 0 + 40 + 10)


def test_score_gives_unknown_distance_three_points_and_none_from_50_km() -> None:
    parts = {"shared_bands": 0, "mentee_bands": 0, "years": 0, "current_mentees": 2}
    assert (
        ranking.score(reason="extra_child", distance_km=None, max_mentees=2, **parts),
        ranking.score(reason="extra_child", distance_km=50, max_mentees=2, **parts),
    ) == (3 * 2, 0)


# -- checks and reasons ---------------------------------------------------------------------------


def test_family_meeting_every_rule_is_eligible_with_each_check_in_words() -> None:
    candidate = _candidate()
    assert (candidate.eligible, [(c.code, c.text) for c in candidate.checks]) == (
        True,
        [
            ("consent", "consents to be a mentor family"),
            ("years", "6 years as foster family (at least 3 required)"),
            ("course", "completed: Tilknytning i praksis"),
            ("capacity", "no current mentees (at most 2)"),
        ],
    )


def test_family_lacking_rules_says_what_it_lacks() -> None:
    candidate = _candidate(
        consents=False, years=1, courses=[], current_mentees=2, already_mentor=True
    )
    assert candidate.lacks == [
        "has not consented",
        "1 year as foster family (at least 3 required)",
        "no completed training or supervision course",
        "already has 2 mentees, the most allowed",
        "is already mentor for Familien Ny",
    ]


def test_no_course_is_needed_where_the_municipality_does_not_require_one() -> None:
    needs = MenteeNeeds("Familien Ny", "new_family", [], min_years=3, requires_course=False)
    candidate = _candidate(needs=needs, courses=[])
    assert [c.text for c in candidate.checks if c.code == "course"] == ["no course required"]


def test_reasons_name_distance_shared_ages_mentees_years_and_courses() -> None:
    candidate = _candidate(distance_km=8, current_mentees=1, age_bands=["3–5", "6–12"])
    assert (candidate.shared_bands, candidate.score, candidate.reasons) == (
        ["6–12"],
        3 * 9 + 2 * 10 + 2 * 6 + 2 * 5,
        [
            "8 km away",
            "has had children aged 6–12",
            "1 current mentee of at most 2",
            "6 years as foster family",
            "completed: Tilknytning i praksis",
        ],
    )


def test_reasons_say_when_the_family_lacks_the_mentees_ages_or_the_distance() -> None:
    candidate = _candidate(distance_km=None, age_bands=["0–2"])
    assert candidate.reasons[:2] == [
        "distance unknown (postcode not found)",
        "no experience with children aged 6–12",
    ]


def test_snapshot_keeps_why_the_family_was_suggested() -> None:
    [candidate] = ranking.rank([_candidate()], by_name=_by_name)
    snapshot = candidate.snapshot(reason="new_family", of=1, today=TODAY)
    assert (snapshot["rank"], snapshot["of"], snapshot["score"], snapshot["computed_on"]) == (
        1,
        1,
        82,
        "2026-10-01",
    )


# -- the order ------------------------------------------------------------------------------------


def test_rank_puts_the_highest_score_first_and_the_ineligible_last_unranked() -> None:
    candidates = [
        _candidate("Familien Uegnet", pk=1, consents=False),
        _candidate("Familien Langt Væk", pk=2, distance_km=40),
        _candidate("Familien Nabo", pk=3),
    ]
    ranked = ranking.rank(candidates, by_name=_by_name)
    assert [(c.rank, c.family.name, c.score) for c in ranked] == [
        (1, "Familien Nabo", 82),
        (2, "Familien Langt Væk", 58),
        (None, "Familien Uegnet", 82),
    ]


def test_equal_scores_go_to_the_nearer_then_the_more_experienced_family_then_by_name() -> None:
    candidates = [
        _candidate("Familien Ni Km", pk=1, distance_km=9, years=5),
        _candidate("Familien Fem Km", pk=2, distance_km=5, years=5),
        _candidate("Familien Ti År", pk=3, years=10),
        _candidate("Familien B", pk=4, years=12),
        _candidate("Familien A", pk=5, years=12),
    ]
    ranked = ranking.rank(candidates, by_name=_by_name)
    assert [(c.family.name, c.score) for c in ranked] == [
        ("Familien A", 90),
        ("Familien B", 90),
        ("Familien Ti År", 90),
        ("Familien Fem Km", 77),
        ("Familien Ni Km", 77),
    ]


def test_same_inputs_give_the_same_order() -> None:
    def build() -> list[ranking.Candidate[Family]]:
        return [_candidate(f"Familien {n % 3}", pk=n, distance_km=n % 4) for n in range(12)]

    first = [c.family.pk for c in ranking.rank(build(), by_name=_by_name)]
    again = [c.family.pk for c in ranking.rank(reversed(build()), by_name=_by_name)]
    assert first == again
