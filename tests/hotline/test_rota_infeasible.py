"""When a period cannot be covered, `rota.solve` says which hours (slots) and which rule: by
direct checks (nobody on the rota, nobody free, the maxima, runs closer than the rest time) and
by CP-SAT's infeasible core for the rest. Plain values: no database."""

from __future__ import annotations

import pytest

from samspil.hotline import rota
from tests.hotline.factories_rota import day_slots, person, slot


def reasons(
    slots: tuple[rota.Slot, ...], people: tuple[rota.Person, ...], **fields: object
) -> list[rota.Obstacle]:
    problem = rota.Problem(slots, people, rota.Rules(**{"time_limit": 5, "workers": 2, **fields}))  # type: ignore[arg-type]
    with pytest.raises(rota.RotaInfeasible) as raised:
        rota.solve(problem)
    return raised.value.obstacles


def test_no_members_names_every_slot() -> None:
    assert reasons((slot("a", 0), slot("b", 8)), ()) == [rota.Obstacle("no_members", ("a", "b"))]


def test_nobody_available_names_the_hours_and_why() -> None:
    slots = (slot("mon", 0), slot("tue", 24))
    people = (person("x", busy=[(20, 40)]), person("y", busy=[(22, 30)]))
    assert reasons(slots, people) == [
        rota.Obstacle("nobody_available", ("tue",), params={"reasons": ["busy"]})
    ]


def test_nobody_available_because_of_shifts_elsewhere_names_overlap_and_rest() -> None:
    elsewhere = (rota.Commitment(slot("x", 0).starts_at, slot("x", 0).ends_at),)
    slots = (slot("same", 2), slot("after", 10))
    people = (rota.Person("x", commitments=elsewhere),)
    found = reasons(slots, people)
    assert (found[0].rule, found[0].slots, found[0].params) == (
        "nobody_available",
        ("same", "after"),
        {"reasons": ["overlap", "rest"]},
    )


def test_max_shifts_names_the_capacity_and_the_need() -> None:
    slots = tuple(slot(n, 24 * n) for n in range(5))
    found = reasons(slots, (person("x", max_shifts=2), person("y", max_shifts=2)))
    assert [(o.rule, dict(o.params)) for o in found] == [
        ("max_shifts", {"capacity": 4, "needed": 5})
    ]


def test_rest_names_a_run_of_shifts_needing_more_people() -> None:
    # Three 8-hour shifts in a row, 11 hours' rest: three different people, only two free.
    found = reasons(day_slots(1), (person("x"), person("y")))
    assert [(o.rule, o.slots, dict(o.params)) for o in found] == [
        ("rest", ("0.0", "0.1", "0.2"), {"needed": 3, "free": 2, "rest_hours": 11})
    ]


def test_rest_counts_only_people_free_for_the_run() -> None:
    slots = day_slots(1)
    people = (person("x"), person("y"), person("z", busy=[(0, 24)]))
    found = reasons(slots, people)
    assert [(o.rule, o.params["free"]) for o in found] == [("rest", 2)]


def test_the_solver_names_a_persons_maximum_and_the_hours_it_blocks() -> None:
    # Only x is free on Monday and Tuesday, and x may take one shift; the others are busy then.
    slots = tuple(slot(n, 24 * n) for n in range(4))
    x = person("x", busy=[(48, 96)], max_shifts=1)
    others = (person("y", busy=[(0, 48)]), person("z", busy=[(0, 48)]))
    found = reasons(slots, (x, *others))
    assert [(o.rule, o.slots, o.people, o.params["max_of"]) for o in found] == [
        ("rules", (0, 1), ("x",), ["x"])
    ]


def test_the_solver_names_the_rest_rule_of_a_person() -> None:
    # x alone is free for two shifts 7 hours apart; y only for a third shift elsewhere.
    slots = (slot("day", 0), slot("night", 15), slot("later", 100))
    x = person("x", busy=[(90, 120)])
    y = person("y", busy=[(0, 30)])
    found = reasons(slots, (x, y))
    assert found[0].rule == "rest"
    assert set(found[0].slots) == {"day", "night"}


def test_infeasible_reasons_are_direct_when_a_check_finds_them() -> None:
    # A direct reason is found without the solver: its time is that of the checks.
    found = reasons(tuple(slot(n, 24 * n) for n in range(3)), ())
    assert [o.rule for o in found] == ["no_members"]


def test_gaps_allowed_say_why_there_are_gaps() -> None:
    slots = (slot("mon", 0), slot("tue", 24))
    problem = rota.Problem(
        slots, (person("x", busy=[(20, 40)]),), rota.Rules(allow_gaps=True, time_limit=5, workers=2)
    )
    result = rota.solve(problem)
    assert [(o.rule, o.slots) for o in result.obstacles] == [("nobody_available", ("tue",))]


def test_gaps_allowed_explain_gaps_by_the_solver_when_no_check_does() -> None:
    slots = tuple(slot(n, 24 * n) for n in range(4))
    x = person("x", busy=[(48, 96)], max_shifts=1)
    others = (person("y", busy=[(0, 48)]), person("z", busy=[(0, 48)]))
    problem = rota.Problem(
        slots, (x, *others), rota.Rules(allow_gaps=True, time_limit=5, workers=2)
    )
    result = rota.solve(problem)
    assert (len(result.gaps), [o.rule for o in result.obstacles]) == (1, ["rules"])


def test_diagnose_says_time_limit_when_the_period_is_possible() -> None:
    problem = rota.Problem((slot("a", 0),), (person("x"),), rota.Rules(workers=2))
    assert [o.rule for o in rota.diagnose(problem)] == ["time_limit"]


def test_gaps_allowed_without_members_leave_every_slot_a_gap() -> None:
    problem = rota.Problem(
        (slot("a", 0), slot("b", 8)), (), rota.Rules(allow_gaps=True, time_limit=2, workers=2)
    )
    result = rota.solve(problem)
    assert (result.gaps, [o.rule for o in result.obstacles]) == (("a", "b"), ["no_members"])
