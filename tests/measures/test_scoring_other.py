"""WHO-5, the burden rating, the course evaluation and reliable change, against worked examples
computed by hand from the published rules (../shared/instruments.md)."""

from __future__ import annotations

import pytest

from samspil.measures import catalogue
from samspil.measures.scoring import AnswerError, reliable_change, score

WHO5 = catalogue.shipped_by_code()["who-5"]


def who5(*values: int | None) -> dict[str, int | None]:
    return {str(n): v for n, v in enumerate(values, 1)}


def test_who5_raw_score_and_percentage() -> None:
    result = score(WHO5, who5(5, 4, 3, 4, 5))  # 21 → 84 %
    assert result.scores == {"raw": 21, "percentage": 84}
    assert result.flags == []


def test_who5_raw_twelve_is_poor_wellbeing_but_not_likely_depression() -> None:
    result = score(WHO5, who5(3, 3, 2, 2, 2))  # 12 → 48 %
    assert result.scores["percentage"] == 48
    assert result.flags == ["poor_wellbeing"]


def test_who5_raw_thirteen_is_above_the_cut_off() -> None:
    result = score(WHO5, who5(3, 3, 3, 2, 2))  # 13 → 52 %
    assert "poor_wellbeing" not in result.flags


def test_who5_twenty_eight_percent_is_likely_depression() -> None:
    result = score(WHO5, who5(2, 2, 1, 1, 1))  # 7 → 28 %
    assert result.scores["percentage"] == 28
    assert result.flags == ["poor_wellbeing", "likely_depression", "low_item"]


def test_who5_thirty_two_percent_is_not_likely_depression() -> None:
    result = score(WHO5, who5(2, 2, 2, 2, 0))  # 8 → 32 %
    assert "likely_depression" not in result.flags
    assert "low_item" in result.flags  # an item answered 0 is a reason to screen


def test_who5_scores_only_complete_answers() -> None:
    result = score(WHO5, who5(5, 5, 5, 5, None))
    assert result.scores == {"raw": None, "percentage": None}
    assert "incomplete" in result.flags
    assert "poor_wellbeing" not in result.flags


def test_who5_refuses_six() -> None:
    with pytest.raises(AnswerError, match="item '1': 6 is not one of"):
        score(WHO5, who5(6, 0, 0, 0, 0))


def test_burden_rating_overall_and_mean_of_areas() -> None:
    burden = catalogue.shipped_by_code()["burden-rating"]
    result = score(burden, {"overall": 8, "everyday": 3, "behaviour": 4, "school": 1})
    assert result.scores == {"overall": 8, "areas_mean_x100": 267}  # 8 / 3 = 2.666… → 2.67
    assert result.flags == ["high_burden"]


def test_course_evaluation_keeps_the_comment_out_of_the_scores() -> None:
    course = catalogue.shipped_by_code()["course-evaluation"]
    result = score(
        course, {"delivery": 5, "usefulness": 4, "behaviour_change": 3, "comment": " Godt "}
    )
    assert result.scores == {"delivery": 5, "usefulness": 4, "behaviour_change": 3}


def test_reliable_change_by_jacobson_truax() -> None:
    # SD 5.8, r = .82: SE = 5.8 × √0.18 = 2.4607; S_diff = √2 × 2.4607 = 3.4799.
    # 18 → 10: RCI = −8 / 3.4799 = −2.30 (reliable, better because lower is better);
    # 18 → 13: −5 / 3.4799 = −1.44 (not reliable).
    rule = {"method": "jacobson_truax", "sd": 5.8, "reliability": 0.82}
    change = reliable_change(rule, 18, 10)
    assert (change.difference, change.index, change.reliable, change.direction) == (
        -8,
        -2.30,
        True,
        "better",
    )
    assert reliable_change(rule, 18, 13).reliable is False


def test_who5_reliable_change_is_ten_percentage_points() -> None:
    rule = WHO5["reliable_change"]["percentage"]
    assert reliable_change(rule, 40, 52).reliable is True
    assert reliable_change(rule, 40, 52).direction == "better"
    assert reliable_change(rule, 40, 48).reliable is False


@pytest.mark.parametrize("definition", catalogue.shipped(), ids=lambda d: d["code"])
def test_every_shipped_definition_passes_the_check(definition: dict[str, object]) -> None:
    assert catalogue.check(definition) == []


def test_the_check_names_what_is_wrong() -> None:
    broken = {**WHO5, "scoring": {"scales": [{"code": "x", "method": "sum", "items": ["9"]}]}}
    assert catalogue.check(broken) == ["scale 'x': unknown item '9'"]
