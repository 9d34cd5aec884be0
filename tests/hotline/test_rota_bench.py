"""The rota benchmark (`bench/rota.py`): its input is deterministic and shaped as documented,
its independent rule check finds broken rules, and its report section renders from a quick run
in which CP-SAT keeps every rule."""

from __future__ import annotations

from bench.rota import PART_TIMERS, broken_rules, build_problem, render, run


def test_bench_input_is_the_same_every_time() -> None:
    assert build_problem() == build_problem()


def test_bench_input_has_thirty_staff_and_the_quarters_rota_shifts() -> None:
    problem = build_problem()
    assert (len(problem.people), len(problem.slots)) == (30, 206)
    assert sum(1 for p in problem.people if p.max_shifts == 6) == PART_TIMERS


def test_bench_rule_check_finds_a_double_booking() -> None:
    problem = build_problem(staff=3)
    first, second = problem.slots[:2]
    broken = broken_rules(problem, {first.key: "staff00", second.key: "staff00"})
    assert any("less than" in b for b in broken)


def test_bench_rule_check_finds_a_shift_with_nobody() -> None:
    problem = build_problem(staff=3)
    assert broken_rules(problem, {})[0] == f"slot {problem.slots[0].key} has nobody"


def test_bench_quick_run_keeps_every_rule_and_renders() -> None:
    problem, rows = run(time_limit=3, workers=2)
    solver = rows[0]
    lines = render(problem, rows, cpus=2)
    assert (solver.method, solver.gaps, solver.broken) == ("CP-SAT", 0, [])
    assert lines[0] == "## Hotline rota"
    assert [line.split(" | ")[0] for line in lines if line.startswith("| CP-SAT")] == ["| CP-SAT"]
