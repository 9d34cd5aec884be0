"""SDQ scoring against worked examples derived by hand from the published algorithm
(Youthinmind's scoring document and the official syntax; ../shared/instruments.md).

Every expected value here was computed on paper, not by the code under test. Items are named by
number only; no item text appears in tests."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.measures import catalogue
from samspil.measures.scoring import AnswerError, score

PARENT = "sdq-parent-4-17"
TEACHER = "sdq-teacher-4-17"
SELF = "sdq-self-11-17"
SCALE_ITEMS = {
    "emotional": ["3", "8", "13", "16", "24"],
    "conduct": ["5", "7", "12", "18", "22"],
    "hyperactivity": ["2", "10", "15", "21", "25"],
    "peer": ["6", "11", "14", "19", "23"],
    "prosocial": ["1", "4", "9", "17", "20"],
}
REVERSED = {"7", "11", "14", "21", "25"}


def sdq(code: str) -> Any:
    return catalogue.shipped_by_code()[code]


def all_items(value: int) -> dict[str, int | None]:
    return {str(n): value for n in range(1, 26)}


def printed_for(scale_scores: dict[str, int]) -> dict[str, int | None]:
    """Printed-order answers (0 Not true … 2 Certainly true) that give each subscale the wanted
    score with all five items answered: fill items with 2 (after recoding) until the score is
    reached, then translate back to what the respondent ticks (reversed items tick 2 − x)."""
    answers: dict[str, int | None] = {}
    for scale, wanted in scale_scores.items():
        remaining = wanted
        for item in SCALE_ITEMS[scale]:
            recoded = min(2, remaining)
            remaining -= recoded
            answers[item] = 2 - recoded if item in REVERSED else recoded
    return answers


# -- worked example 1: everyone answers "Not true" ---------------------------------------------


def test_all_not_true_scores_only_the_reversed_items() -> None:
    # Reversed items 7, 11, 14, 21, 25 count 2 each when answered "Not true" (0):
    # conduct = item 7 = 2; hyperactivity = items 21 + 25 = 4; peer = items 11 + 14 = 4.
    result = score(sdq(PARENT), all_items(0))
    assert result.scores == {
        "emotional": 0,
        "conduct": 2,
        "hyperactivity": 4,
        "peer": 4,
        "prosocial": 0,
        "total_difficulties": 10,
        "externalising": 6,
        "internalising": 4,
        "impact": None,
    }
    assert result.bands["peer"] == "abnormal"  # parent peer 4–10
    assert result.bands["prosocial"] == "abnormal"  # prosocial 0–4
    assert result.bands["total_difficulties"] == "normal"  # 0–13
    assert result.bands4["peer"] == "high"  # parent four-band peer: 4
    assert result.bands4["prosocial"] == "very_low"  # 0–5
    assert result.bands["externalising"] is None
    assert result.bands4["internalising"] is None
    assert result.flags == ["impact_not_scored"]


def test_all_certainly_true_gives_the_mirror_image() -> None:
    # All 2: non-reversed items 2 each, reversed 0. emotional 10, conduct 8, hyperactivity 6,
    # peer 6, prosocial 10; total 30.
    result = score(sdq(PARENT), all_items(2))
    assert result.scores["emotional"] == 10
    assert result.scores["conduct"] == 8
    assert result.scores["hyperactivity"] == 6
    assert result.scores["peer"] == 6
    assert result.scores["prosocial"] == 10
    assert result.scores["total_difficulties"] == 30
    assert result.scores["externalising"] == 14
    assert result.scores["internalising"] == 16
    assert result.bands["hyperactivity"] == "borderline"  # parent 6
    assert result.bands4["hyperactivity"] == "slightly_raised"  # parent 6–7


# -- missing items: prorating --------------------------------------------------------------------


def test_three_answered_items_are_prorated_and_rounded() -> None:
    # emotional: items 3=2, 8=1, 24=2, 13 and 16 missing: mean 5/3 × 5 = 8.33 → 8.
    answers = {"3": 2, "8": 1, "13": None, "24": 2}
    assert score(sdq(PARENT), answers).scores["emotional"] == 8


def test_a_half_is_rounded_up_not_to_even() -> None:
    # emotional: four answered summing to 2: 2/4 × 5 = 2.5 → 3 (round() would give 2).
    answers = {"3": 1, "8": 1, "13": 0, "16": 0}
    assert score(sdq(PARENT), answers).scores["emotional"] == 3


def test_the_other_reachable_half_rounds_up_too() -> None:
    # Halves arise only with four answered items summing to 2 or 6 (2.5 and 7.5).
    # prosocial: 2 + 2 + 1 + 1 = 6 of four: 6/4 × 5 = 7.5 → 8.
    answers = {"1": 2, "4": 2, "9": 1, "17": 1}
    assert score(sdq(PARENT), answers).scores["prosocial"] == 8


def test_reversed_items_are_recoded_before_prorating() -> None:
    # conduct: 5=0, 7 ticked 0 (→ 2), 12=0, 18 and 22 missing: 2/3 × 5 = 3.33 → 3.
    answers = {"5": 0, "7": 0, "12": 0}
    assert score(sdq(PARENT), answers).scores["conduct"] == 3


def test_two_answered_items_leave_the_scale_and_the_total_missing() -> None:
    answers = {**printed_for({"conduct": 1, "hyperactivity": 1, "peer": 1}), "3": 2, "8": 2}
    result = score(sdq(PARENT), answers)
    assert result.scores["emotional"] is None
    assert result.scores["total_difficulties"] is None
    assert result.scores["internalising"] is None
    assert result.scores["externalising"] == 2
    assert "emotional_not_scored" in result.flags
    assert result.bands["emotional"] is None
    assert result.bands4["total_difficulties"] is None


def test_missing_is_not_treated_as_zero() -> None:
    # Three answered items of 2 give 10, not 6.
    assert score(sdq(PARENT), {"3": 2, "8": 2, "13": 2}).scores["emotional"] == 10


# -- impact supplement -----------------------------------------------------------------------------


def test_no_difficulties_means_impact_zero_whatever_else_is_ticked() -> None:
    answers = {"impact_difficulties": 0, "impact_distress": 3, "impact_home": 3}
    result = score(sdq(PARENT), answers)
    assert result.scores["impact"] == 0
    assert result.bands["impact"] == "normal"


def test_parent_impact_recodes_and_sums_five_items() -> None:
    # distress 3 → 2, home 2 → 1, friendships 1 → 0, classroom 0 → 0, leisure 3 → 2: 5.
    answers = {
        "impact_difficulties": 2,
        "impact_duration": 3,
        "impact_distress": 3,
        "impact_home": 2,
        "impact_friendships": 1,
        "impact_classroom": 0,
        "impact_leisure": 3,
        "impact_burden": 3,
    }
    result = score(sdq(PARENT), answers)
    assert result.scores["impact"] == 5  # duration and burden are not part of it
    assert result.bands["impact"] == "abnormal"
    assert result.bands4["impact"] == "very_high"


def test_teacher_impact_sums_distress_peers_and_classroom() -> None:
    # distress 2 → 1, peers 3 → 2, classroom 3 → 2: 5 (of 6).
    answers = {
        "impact_difficulties": 1,
        "impact_distress": 2,
        "impact_peers": 3,
        "impact_classroom": 3,
    }
    result = score(sdq(TEACHER), answers)
    assert result.scores["impact"] == 5
    assert result.bands["impact"] == "abnormal"


def test_teacher_form_has_no_home_item() -> None:
    with pytest.raises(AnswerError, match="unknown item 'impact_home'"):
        score(sdq(TEACHER), {"impact_home": 1})


def test_impact_with_only_some_items_sums_what_was_answered() -> None:
    result = score(sdq(SELF), {"impact_difficulties": 1, "impact_distress": 2})
    assert result.scores["impact"] == 1
    assert result.bands["impact"] == "borderline"
    assert result.bands4["impact"] == "slightly_raised"


def test_impact_is_missing_without_the_first_question() -> None:
    result = score(sdq(PARENT), {"impact_distress": 3, "impact_home": 3})
    assert result.scores["impact"] is None
    assert "impact_not_scored" in result.flags


def test_impact_is_missing_when_difficulties_but_no_item_is_answered() -> None:
    assert score(sdq(PARENT), {"impact_difficulties": 3}).scores["impact"] is None


# -- answers that do not fit -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"26": 0}, "unknown item '26'"),
        ({"1": 3}, "item '1': 3 is not one of 0, 1, 2"),
        ({"1": -1}, "item '1': -1 is not one of 0, 1, 2"),
        ({"impact_distress": 4}, "item 'impact_distress': 4 is not one of 0, 1, 2, 3"),
        ({"1": True}, "not a whole number"),
        ({"1": "2"}, "not a whole number"),
    ],
)
def test_answers_out_of_range_or_unknown_are_refused(answers: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        score(sdq(PARENT), answers)


# -- every band edge, per version (the tables of instruments.md, typed in again) ----------------

# (scale, score, three-band, four-band)
EDGES: dict[str, list[tuple[str, int, str, str]]] = {
    PARENT: [
        ("emotional", 3, "normal", "close_to_average"),
        ("emotional", 4, "borderline", "slightly_raised"),
        ("emotional", 5, "abnormal", "high"),
        ("emotional", 6, "abnormal", "high"),
        ("emotional", 7, "abnormal", "very_high"),
        ("conduct", 2, "normal", "close_to_average"),
        ("conduct", 3, "borderline", "slightly_raised"),
        ("conduct", 4, "abnormal", "high"),
        ("conduct", 5, "abnormal", "high"),
        ("conduct", 6, "abnormal", "very_high"),
        ("hyperactivity", 5, "normal", "close_to_average"),
        ("hyperactivity", 6, "borderline", "slightly_raised"),
        ("hyperactivity", 7, "abnormal", "slightly_raised"),
        ("hyperactivity", 8, "abnormal", "high"),
        ("hyperactivity", 9, "abnormal", "very_high"),
        ("peer", 2, "normal", "close_to_average"),
        ("peer", 3, "borderline", "slightly_raised"),
        ("peer", 4, "abnormal", "high"),
        ("peer", 5, "abnormal", "very_high"),
        ("prosocial", 10, "normal", "close_to_average"),
        ("prosocial", 8, "normal", "close_to_average"),
        ("prosocial", 7, "normal", "slightly_lowered"),
        ("prosocial", 6, "normal", "low"),
        ("prosocial", 5, "borderline", "very_low"),
        ("prosocial", 4, "abnormal", "very_low"),
        ("prosocial", 0, "abnormal", "very_low"),
    ],
    TEACHER: [
        ("emotional", 3, "normal", "close_to_average"),
        ("emotional", 4, "normal", "slightly_raised"),
        ("emotional", 5, "borderline", "high"),
        ("emotional", 6, "abnormal", "very_high"),
        ("conduct", 2, "normal", "close_to_average"),
        ("conduct", 3, "borderline", "slightly_raised"),
        ("conduct", 4, "abnormal", "high"),
        ("conduct", 5, "abnormal", "very_high"),
        ("hyperactivity", 5, "normal", "close_to_average"),
        ("hyperactivity", 6, "borderline", "slightly_raised"),
        ("hyperactivity", 7, "abnormal", "slightly_raised"),
        ("hyperactivity", 8, "abnormal", "high"),
        ("hyperactivity", 9, "abnormal", "very_high"),
        ("peer", 2, "normal", "close_to_average"),
        ("peer", 3, "normal", "slightly_raised"),
        ("peer", 4, "borderline", "slightly_raised"),
        ("peer", 5, "abnormal", "high"),
        ("peer", 6, "abnormal", "very_high"),
        ("prosocial", 6, "normal", "close_to_average"),
        ("prosocial", 5, "borderline", "slightly_lowered"),
        ("prosocial", 4, "abnormal", "low"),
        ("prosocial", 3, "abnormal", "very_low"),
    ],
    SELF: [
        ("emotional", 4, "normal", "close_to_average"),
        ("emotional", 5, "normal", "slightly_raised"),
        ("emotional", 6, "borderline", "high"),
        ("emotional", 7, "abnormal", "very_high"),
        ("conduct", 3, "normal", "close_to_average"),
        ("conduct", 4, "borderline", "slightly_raised"),
        ("conduct", 5, "abnormal", "high"),
        ("conduct", 6, "abnormal", "very_high"),
        ("hyperactivity", 5, "normal", "close_to_average"),
        ("hyperactivity", 6, "borderline", "slightly_raised"),
        ("hyperactivity", 7, "abnormal", "high"),
        ("hyperactivity", 8, "abnormal", "very_high"),
        ("peer", 2, "normal", "close_to_average"),
        ("peer", 3, "normal", "slightly_raised"),
        ("peer", 4, "borderline", "high"),
        ("peer", 5, "borderline", "very_high"),
        ("peer", 6, "abnormal", "very_high"),
        ("prosocial", 7, "normal", "close_to_average"),
        ("prosocial", 6, "normal", "slightly_lowered"),
        ("prosocial", 5, "borderline", "low"),
        ("prosocial", 4, "abnormal", "very_low"),
    ],
}


@pytest.mark.parametrize(
    ("code", "scale", "value", "band", "band4"),
    [(code, *edge) for code, edges in EDGES.items() for edge in edges],
)
def test_subscale_band_edges(code: str, scale: str, value: int, band: str, band4: str) -> None:
    result = score(sdq(code), printed_for({scale: value}))
    assert result.scores[scale] == value
    assert (result.bands[scale], result.bands4[scale]) == (band, band4)


# (version, total difficulties, three-band, four-band)
TOTAL_EDGES = [
    (PARENT, 13, "normal", "close_to_average"),
    (PARENT, 14, "borderline", "slightly_raised"),
    (PARENT, 16, "borderline", "slightly_raised"),
    (PARENT, 17, "abnormal", "high"),
    (PARENT, 19, "abnormal", "high"),
    (PARENT, 20, "abnormal", "very_high"),
    (TEACHER, 11, "normal", "close_to_average"),
    (TEACHER, 12, "borderline", "slightly_raised"),
    (TEACHER, 15, "borderline", "slightly_raised"),
    (TEACHER, 16, "abnormal", "high"),
    (TEACHER, 18, "abnormal", "high"),
    (TEACHER, 19, "abnormal", "very_high"),
    (SELF, 14, "normal", "close_to_average"),
    (SELF, 15, "normal", "slightly_raised"),
    (SELF, 16, "borderline", "slightly_raised"),
    (SELF, 17, "borderline", "slightly_raised"),
    (SELF, 18, "borderline", "high"),
    (SELF, 19, "borderline", "high"),
    (SELF, 20, "abnormal", "very_high"),
]


@pytest.mark.parametrize(("code", "total", "band", "band4"), TOTAL_EDGES)
def test_total_difficulties_band_edges(code: str, total: int, band: str, band4: str) -> None:
    parts = {"emotional": 0, "conduct": 0, "hyperactivity": 0, "peer": 0}
    remaining = total
    for scale in parts:
        parts[scale] = min(10, remaining)
        remaining -= parts[scale]
    result = score(sdq(code), printed_for(parts))
    assert result.scores["total_difficulties"] == total
    assert (result.bands["total_difficulties"], result.bands4["total_difficulties"]) == (
        band,
        band4,
    )


def _impact_answers(code: str, impact: int) -> dict[str, int | None]:
    """Answers giving the wanted impact: each scored item ticked "A great deal" (2 points) or
    "Quite a lot" (1 point) until it adds up."""
    scored = (
        ["impact_distress", "impact_peers", "impact_classroom"]
        if code == TEACHER
        else [
            "impact_distress",
            "impact_home",
            "impact_friendships",
            "impact_classroom",
            "impact_leisure",
        ]
    )
    answers: dict[str, int | None] = {"impact_difficulties": 2}
    remaining = impact
    for item in scored:
        points = min(2, remaining)
        remaining -= points
        answers[item] = {0: 0, 1: 2, 2: 3}[points]
    return answers


IMPACT_EDGES = [
    (code, value, band, band4)
    for code, top in ((PARENT, 10), (TEACHER, 6), (SELF, 10))
    for value, band, band4 in (
        (0, "normal", "close_to_average"),
        (1, "borderline", "slightly_raised"),
        (2, "abnormal", "high"),
        (3, "abnormal", "very_high"),
        (top, "abnormal", "very_high"),
    )
]


@pytest.mark.parametrize(("code", "impact", "band", "band4"), IMPACT_EDGES)
def test_impact_band_edges(code: str, impact: int, band: str, band4: str) -> None:
    result = score(sdq(code), _impact_answers(code, impact))
    assert result.scores["impact"] == impact
    assert (result.bands["impact"], result.bands4["impact"]) == (band, band4)


# -- properties ---------------------------------------------------------------------------------


@settings(deadline=None)  # timing is for benchmarks, not tests
@given(
    st.dictionaries(
        st.sampled_from([str(n) for n in range(1, 26)]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2)),
    ),
    st.sampled_from([PARENT, TEACHER, SELF]),
)
def test_scores_stay_in_range_and_follow_the_three_item_rule(
    answers: dict[str, int | None], code: str
) -> None:
    result = score(sdq(code), answers)
    for scale, items in SCALE_ITEMS.items():
        answered = [k for k in items if answers.get(k) is not None]
        value = result.scores[scale]
        if len(answered) < 3:
            assert value is None
        else:
            assert value is not None
            assert 0 <= value <= 10
            recoded = [
                2 - answers[k] if k in REVERSED else answers[k]  # type: ignore[operator]
                for k in answered
            ]
            # floor(0.5 + mean × 5), checked with exact fractions
            exact = Fraction(sum(recoded) * 5, len(recoded))
            assert value == int(exact + Fraction(1, 2))
    total = result.scores["total_difficulties"]
    assert total is None or 0 <= total <= 40
