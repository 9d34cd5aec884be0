"""`rota.solve`: every hard rule holds on the rotas it makes (checked with `rota.verify`, also
on small random instances), and nights, weekends and holidays are shared by each person's
share. Plain values: no database."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.hotline import rota
from tests.hotline.factories_rota import day_slots, hours, person, slot

FAST = rota.Rules(time_limit=5, workers=2)


def rules(**fields: object) -> rota.Rules:
    return rota.Rules(**{"time_limit": 5, "workers": 2, **fields})  # type: ignore[arg-type]


def solve(
    slots: tuple[rota.Slot, ...], people: tuple[rota.Person, ...], **fields: object
) -> rota.Result:
    return rota.solve(rota.Problem(slots, people, rules(**fields)))


def test_solve_gives_every_slot_exactly_one_person() -> None:
    result = solve(day_slots(7), tuple(person(k) for k in "abcd"), time_limit=1)
    assert (sorted(result.assignment), None in result.assignment.values()) == (
        sorted(s.key for s in day_slots(7)),
        False,
    )


def test_solve_keeps_every_rule_on_a_fortnight() -> None:
    problem = rota.Problem(day_slots(14), tuple(person(k) for k in "abcdef"), rules(time_limit=1))
    assert rota.verify(problem, rota.solve(problem).assignment) == []


def test_solve_does_not_give_a_busy_person_a_shift_in_their_busy_time() -> None:
    slots = (slot("mon", 0), slot("tue", 24))
    people = (person("a", busy=[(20, 40)]), person("b"))
    assert solve(slots, people).assignment["tue"] == "b"


def test_solve_keeps_the_minimum_rest_between_two_shifts() -> None:
    # 08–16 and 23–07 leave 7 hours between them: not the same person with 11 hours' rest.
    slots = (slot("day", 0), slot("night", 15))
    result = solve(slots, (person("a"), person("b")))
    assert result.assignment["day"] != result.assignment["night"]


def test_solve_may_give_one_person_two_shifts_with_enough_rest() -> None:
    slots = (slot("day", 0), slot("night", 15))
    result = solve(slots, (person("a"),), min_rest_hours=6)
    assert set(result.assignment.values()) == {"a"}


def test_solve_keeps_the_rest_against_a_shift_on_another_hotline() -> None:
    other = rota.Commitment(hours(9), hours(14))  # ends 5 hours before the slot
    slots = (slot("evening", 19),)
    result = solve(slots, (rota.Person("a", commitments=(other,)), person("b")))
    assert result.assignment["evening"] == "b"


def test_solve_keeps_each_persons_maximum() -> None:
    slots = tuple(slot(n, 24 * n) for n in range(6))
    result = solve(slots, (person("a", max_shifts=1), person("b", max_shifts=5)))
    assert Counter(result.assignment.values()) == {"a": 1, "b": 5}


def test_solve_counts_shifts_already_in_the_period_towards_the_maximum() -> None:
    kept = rota.Commitment(hours(-48), hours(-40), in_period=True)
    slots = tuple(slot(n, 24 * n) for n in range(4))
    people = (rota.Person("a", commitments=(kept,), max_shifts=2), person("b", max_shifts=3))
    assert Counter(solve(slots, people).assignment.values()) == {"a": 1, "b": 3}


def test_solve_shares_nights_evenly_between_equals() -> None:
    result = solve(day_slots(12), tuple(person(k) for k in "abcd"))
    assert sorted(c.night for c in result.counts.values()) == [3, 3, 3, 3]


def test_solve_shares_weekend_shifts_evenly_between_equals() -> None:
    result = solve(day_slots(14), tuple(person(k) for k in "abcdef"))
    assert sorted(c.weekend for c in result.counts.values()) == [2, 2, 2, 2, 2, 2]


def test_solve_shares_holiday_shifts_evenly_between_equals() -> None:
    slots = tuple(slot(n, 24 * n, holiday=n < 4) for n in range(8))
    result = solve(slots, tuple(person(k) for k in "ab"), min_rest_hours=0)
    assert sorted(c.holiday for c in result.counts.values()) == [2, 2]


def test_solve_shares_nights_by_each_persons_maximum() -> None:
    # a may take twice as many shifts as b and c: a gets twice their nights.
    people = (person("a", max_shifts=20), person("b", max_shifts=10), person("c", max_shifts=10))
    result = solve(day_slots(8), people, min_rest_hours=0)
    assert {k: (c.shifts, c.night) for k, c in result.counts.items()} == {
        "a": (12, 4),
        "b": (6, 2),
        "c": (6, 2),
    }


def test_solve_counts_shifts_per_person() -> None:
    result = solve(day_slots(2), tuple(person(k) for k in "abc"))
    assert sum(c.shifts for c in result.counts.values()) == 6


def test_solve_with_gaps_allowed_fills_what_it_can() -> None:
    slots = (slot("mon", 0), slot("tue", 24))
    result = solve(slots, (person("a", busy=[(20, 40)]),), allow_gaps=True)
    assert (result.assignment, result.gaps) == ({"mon": "a", "tue": None}, ("tue",))


def test_solve_of_no_slots_is_empty() -> None:
    assert solve((), (person("a"),)).assignment == {}


def test_solve_reports_progress() -> None:
    seen: list[tuple[int, int, float]] = []
    problem = rota.Problem(day_slots(4), tuple(person(k) for k in "abc"), FAST)
    rota.solve(
        problem, progress=lambda objective, bound, seconds: seen.append((objective, bound, seconds))
    )
    assert seen


def test_greedy_keeps_every_rule_it_can() -> None:
    problem = rota.Problem(day_slots(7), tuple(person(k) for k in "abcd"), rules(allow_gaps=True))
    assert rota.verify(problem, rota.greedy(problem)) == []


def test_verify_finds_a_double_booking() -> None:
    problem = rota.Problem((slot("a", 0), slot("b", 4)), (person("x"),), FAST)
    assert [v.rule for v in rota.verify(problem, {"a": "x", "b": "x"})] == ["overlap"]


def test_verify_finds_too_little_rest() -> None:
    problem = rota.Problem((slot("a", 0), slot("b", 12)), (person("x"),), FAST)
    assert [v.rule for v in rota.verify(problem, {"a": "x", "b": "x"})] == ["rest"]


def test_verify_finds_an_uncovered_slot() -> None:
    problem = rota.Problem((slot("a", 0),), (person("x"),), FAST)
    assert [v.rule for v in rota.verify(problem, {"a": None})] == ["uncovered"]


def test_verify_finds_a_busy_person_and_a_broken_maximum() -> None:
    problem = rota.Problem(
        (slot("a", 0), slot("b", 48)), (person("x", busy=[(0, 1)], max_shifts=1),), FAST
    )
    assert [v.rule for v in rota.verify(problem, {"a": "x", "b": "x"})] == ["busy", "max_shifts"]


# -- small random instances ------------------------------------------------------------------------


@st.composite
def instances(draw: st.DrawFn) -> rota.Problem:
    count = draw(st.integers(min_value=1, max_value=10))
    slots = []
    start = 0.0
    for n in range(count):
        length = draw(st.sampled_from([4, 7, 8, 9, 12]))
        slots.append(slot(n, start, length, night=draw(st.booleans()), weekend=draw(st.booleans())))
        start += length
    people = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        busy = draw(st.lists(st.tuples(st.integers(0, int(start)), st.integers(1, 24)), max_size=2))
        people.append(
            person(
                f"p{n}",
                busy=[(a, a + length) for a, length in busy],
                max_shifts=draw(st.one_of(st.none(), st.integers(0, 6))),
            )
        )
    return rota.Problem(
        tuple(slots),
        tuple(people),
        rules(
            min_rest_hours=draw(st.sampled_from([0, 4, 8, 11])),
            max_shifts=draw(st.integers(1, 6)),
            allow_gaps=draw(st.booleans()),
        ),
    )


def attempt(problem: rota.Problem) -> rota.Result | rota.RotaInfeasible:
    try:
        return rota.solve(problem)
    except rota.RotaInfeasible as error:
        return error


def with_gaps(problem: rota.Problem, allowed: bool) -> rota.Problem:
    return rota.Problem(
        problem.slots, problem.people, rules(**{**problem.rules.__dict__, "allow_gaps": allowed})
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=instances())
def test_solve_keeps_every_rule_on_random_instances(problem: rota.Problem) -> None:
    outcome = attempt(problem)
    if isinstance(outcome, rota.Result):
        assert rota.verify(problem, outcome.assignment) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=instances())
def test_solve_fails_only_without_gaps_and_never_for_lack_of_time(problem: rota.Problem) -> None:
    outcome = attempt(problem)
    if isinstance(outcome, rota.RotaInfeasible):
        assert (problem.rules.allow_gaps, outcome.obstacles != []) == (False, True)
        assert all(o.rule != "time_limit" for o in outcome.obstacles)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=instances())
def test_solve_is_infeasible_exactly_when_gaps_cannot_be_avoided(problem: rota.Problem) -> None:
    strict = attempt(with_gaps(problem, False))
    relaxed = rota.solve(with_gaps(problem, True))
    assert isinstance(strict, rota.RotaInfeasible) == bool(relaxed.gaps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=instances())
def test_infeasibility_reasons_name_slots_of_the_problem(problem: rota.Problem) -> None:
    outcome = attempt(with_gaps(problem, False))
    obstacles = outcome.obstacles if isinstance(outcome, rota.RotaInfeasible) else []
    keys = {s.key for s in problem.slots}
    assert all(set(o.slots) <= keys for o in obstacles)
    assert all(o.slots or o.rule == "max_shifts" for o in obstacles)


def test_day_slots_cover_consecutive_hours() -> None:
    slots = day_slots(2)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(slots))
    assert slots[0].starts_at + dt.timedelta(hours=48) == slots[-1].ends_at
