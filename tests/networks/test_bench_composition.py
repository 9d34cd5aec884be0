"""The composition benchmark's synthetic pools (`bench/composition.py`): deterministic, shaped
as documented, and its report section renders from a quick run."""

from __future__ import annotations

from bench.composition import SCENARIOS, Area, Scenario, build_problem, render, run
from samspil.networks import geography

QUICK = Scenario("12 families", 12, (Area("630", "Vejle", ("7100", "7120"), 1.0),), None, 2.0)


def test_bench_pools_are_the_same_for_the_same_scenario() -> None:
    for scenario in SCENARIOS:
        assert build_problem(scenario) == build_problem(scenario)


def test_bench_pools_have_the_documented_size_areas_and_postcodes() -> None:
    points = {geography.coordinates(p) for p in geography.known_postcodes()}
    for scenario in SCENARIOS:
        problem = build_problem(scenario)
        codes = {f"m:{area.code}" for area in scenario.areas}
        assert len(problem.candidates) == scenario.families
        assert len({c.key for c in problem.candidates}) == scenario.families
        assert {a for c in problem.candidates for a in c.areas} == codes | (
            {scenario.collaboration} if scenario.collaboration else set()
        )
        assert all((c.lat, c.lon) in points for c in problem.candidates)
        assert len(problem.separations) == scenario.families // 50
        assert problem.allow_unplaced is True
        assert problem.time_limit == scenario.time_limit


def test_bench_section_reports_both_methods_and_the_ratio() -> None:
    rows = run([QUICK], workers=2)
    lines = render(rows, cpus=2)
    assert lines[0] == "## Network-group composition"
    assert [line.split(" | ")[1] for line in lines if line.startswith("| 12 families")] == [
        "CP-SAT",
        "greedy",
    ]
    solver = rows[0].solver
    assert solver is not None
    assert rows[0].ratio == rows[0].greedy.objective / solver.objective
