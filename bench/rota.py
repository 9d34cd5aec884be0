"""Hotline rota benchmark: a quarter's rota for 30 staff with the CP-SAT rota generator
(`samspil/hotline/rota.py`), every rule checked on the result by an independent check here, and
the simple greedy baseline (`rota.greedy`) on the same input for comparison.

The input is deterministic and shaped like a real hotline: 24/7 (`cutting.cut`, shift changes
08:00, 16:00 and 23:00, so 270 shifts in the first quarter of 2027 with its DST change and
Easter), the social on-call service on weekday nights 23:00–08:00 (a staffing rule, so those
shifts are not the rota's), 11 hours' minimum rest, at most 12 shifts per person and 6 for the
five part-timers; each person has a week's holiday or course in the quarter with probability one
half, one or two evening appointments a week from their calendar (sessions, supervision,
meetings), and four of them a few shifts on a neighbouring hotline. Pure: no database.

For each method: wall time, status, objective and bound (CP-SAT), gaps, and whether every rule
holds — each shift exactly one person, no busy time, no overlap and the minimum rest (also
against the other hotline's shifts), the maxima — plus the spread of nights, weekend and holiday
shifts per person relative to their share.

    uv run python bench/rota.py [--time-limit 30] [--workers 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from samspil.hotline import cutting, rota  # noqa: E402

SEED = 20270101
FIRST, LAST = dt.date(2027, 1, 1), dt.date(2027, 3, 31)
STAFF = 30
PART_TIMERS = 5
BOUNDARIES = (dt.time(8), dt.time(16), dt.time(23))
WEEKDAY_NIGHTS = cutting.Staffing(
    cutting.Window(frozenset(range(5)), dt.time(23), dt.time(8)), "on_call_service"
)
TIME_LIMIT = 30.0


def _local(day: dt.date, hour: int) -> dt.datetime:
    return cutting.at_local(day, dt.time(hour))


def build_problem(
    *, staff: int = STAFF, seed: int = SEED, time_limit: float = TIME_LIMIT, workers: int = 8
) -> rota.Problem:
    """The quarter as a rota problem, the same for the same arguments."""
    rng = random.Random(f"{seed}:{staff}")  # noqa: S311 - synthetic data
    pieces = cutting.cut(FIRST, LAST, boundaries=BOUNDARIES, staffing=[WEEKDAY_NIGHTS])
    slots = tuple(
        rota.Slot(i, p.starts_at, p.ends_at, p.night, p.weekend, p.holiday)
        for i, p in enumerate(pieces)
        if p.needs_person
    )
    days = (LAST - FIRST).days + 1
    people = []
    for number in range(staff):
        busy: list[tuple[dt.datetime, dt.datetime]] = []
        if rng.random() < 0.5:  # a week away
            start = FIRST + dt.timedelta(days=rng.randrange(days - 7))
            busy.append((_local(start, 0), _local(start + dt.timedelta(days=7), 0)))
        for week in range(days // 7 + 1):
            for _ in range(rng.choice([1, 2])):  # evening appointments from the calendar
                day = FIRST + dt.timedelta(days=7 * week + rng.randrange(5))
                if day <= LAST:
                    hour = rng.choice([17, 18, 19])
                    busy.append((_local(day, hour), _local(day, hour + 2)))
        commitments: list[rota.Commitment] = []
        if number < 4:  # a neighbouring hotline's shifts
            for _ in range(4):
                day = FIRST + dt.timedelta(days=rng.randrange(days))
                commitments.append(rota.Commitment(_local(day, 8), _local(day, 16)))
        people.append(
            rota.Person(
                key=f"staff{number:02d}",
                busy=tuple(busy),
                commitments=tuple(commitments),
                max_shifts=6 if number >= staff - PART_TIMERS else None,
            )
        )
    return rota.Problem(
        slots,
        tuple(people),
        rota.Rules(min_rest_hours=11, max_shifts=12, time_limit=time_limit, workers=workers),
    )


# -- an independent check of every rule ---------------------------------------------------------------


def broken_rules(
    problem: rota.Problem, assignment: Mapping[Hashable, Hashable | None]
) -> list[str]:
    """Every rule checked from scratch (not with the solver's helpers): each slot exactly one
    known person, nobody in their busy time, no overlap and the minimum rest between any two of
    a person's shifts (the other hotline's included), nobody over their maximum."""
    problems: list[str] = []
    rest = dt.timedelta(hours=problem.rules.min_rest_hours)
    people = {p.key: p for p in problem.people}
    mine: dict[Hashable, list[tuple[dt.datetime, dt.datetime]]] = {key: [] for key in people}
    counted: dict[Hashable, int] = dict.fromkeys(people, 0)
    for slot in problem.slots:
        who = assignment.get(slot.key)
        if who is None:
            problems.append(f"slot {slot.key} has nobody")
            continue
        if who not in people:
            problems.append(f"slot {slot.key} has an unknown person {who}")
            continue
        for start, end in people[who].busy:
            if slot.starts_at < end and start < slot.ends_at:
                problems.append(f"{who} is busy during slot {slot.key}")
        mine[who].append((slot.starts_at, slot.ends_at))
        counted[who] += 1
    for key, person in people.items():
        spans = sorted(mine[key] + [(c.starts_at, c.ends_at) for c in person.commitments])
        for (_a_start, a_end), (b_start, _b_end) in itertools.pairwise(spans):
            if b_start < a_end + rest:
                problems.append(f"{key} has less than {rest} between {a_end} and {b_start}")
        maximum = problem.rules.max_shifts if person.max_shifts is None else person.max_shifts
        if counted[key] > maximum:
            problems.append(f"{key} has {counted[key]} shifts, more than {maximum}")
    return problems


@dataclass(frozen=True)
class Spread:
    """Per kind, the largest and smallest count relative to the person's share (1.0 = exactly
    their share of the quarter's total)."""

    low: float
    high: float


def spreads(
    problem: rota.Problem, assignment: Mapping[Hashable, Hashable | None]
) -> dict[str, Spread]:
    weights = {
        p.key: problem.rules.max_shifts if p.max_shifts is None else p.max_shifts
        for p in problem.people
    }
    total_weight = sum(weights.values())
    by_key = {s.key: s for s in problem.slots}
    found = {}
    for kind in ("night", "weekend", "holiday"):
        total = sum(1 for s in problem.slots if getattr(s, kind))
        counts = dict.fromkeys(weights, 0)
        for slot_key, who in assignment.items():
            if who is not None and getattr(by_key[slot_key], kind):
                counts[who] += 1
        ratios = [
            counts[key] / (total * weights[key] / total_weight) if total else 1.0 for key in weights
        ]
        found[kind] = Spread(min(ratios), max(ratios))
    return found


@dataclass(frozen=True)
class Row:
    method: str
    seconds: float
    status: str
    objective: int | None
    bound: int | None
    gaps: int
    broken: list[str]
    spread: dict[str, Spread]


def run(
    *,
    staff: int = STAFF,
    time_limit: float = TIME_LIMIT,
    workers: int = 8,
    log: Callable[[str], None] = lambda message: None,
) -> tuple[rota.Problem, list[Row]]:
    """Generate the quarter with CP-SAT and with greedy; check both."""
    problem = build_problem(staff=staff, time_limit=time_limit, workers=workers)
    rows = []
    log(
        f"Rota: {len(problem.slots)} shifts, {len(problem.people)} staff, CP-SAT "
        f"({time_limit:g} s limit, {workers} workers) …"
    )
    started = time.perf_counter()
    try:
        result = rota.solve(problem)
    except rota.RotaInfeasible as error:
        log(f"  CP-SAT: not possible: {[o.rule for o in error.obstacles]}")
        rows.append(
            Row("CP-SAT", time.perf_counter() - started, "infeasible", None, None, 0, [], {})
        )
    else:
        rows.append(
            Row(
                "CP-SAT",
                time.perf_counter() - started,
                result.status,
                result.objective,
                result.bound,
                len(result.gaps),
                broken_rules(problem, result.assignment),
                spreads(problem, result.assignment),
            )
        )
    log("Rota: greedy …")
    started = time.perf_counter()
    greedy = rota.greedy(problem)
    seconds = time.perf_counter() - started
    rows.append(
        Row(
            "greedy",
            seconds,
            "greedy",
            None,
            None,
            sum(1 for who in greedy.values() if who is None),
            [b for b in broken_rules(problem, greedy) if "has nobody" not in b],
            spreads(problem, greedy),
        )
    )
    return problem, rows


def _spread(row: Row, kind: str) -> str:
    spread = row.spread.get(kind)
    return "—" if spread is None else f"{spread.low:.2f}–{spread.high:.2f}"


def render(problem: rota.Problem, rows: Sequence[Row], cpus: int) -> list[str]:
    """The "Hotline rota" section of BENCHMARKS.md, as lines."""
    table = [
        "| method | time s | status | objective | bound | gaps | all rules hold | nights "
        "| weekend | holidays |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- |",
    ]
    notes = []
    for row in rows:
        holds = "**yes**" if not row.broken else f"**no** ({len(row.broken)} broken)"
        table.append(
            f"| {row.method} | {row.seconds:.2f} | {row.status} "
            f"| {'—' if row.objective is None else f'{row.objective:,}'} "
            f"| {'—' if row.bound is None else f'{row.bound:,}'} | {row.gaps} | {holds} "
            f"| {_spread(row, 'night')} | {_spread(row, 'weekend')} | {_spread(row, 'holiday')} |"
        )
        if row.broken:
            notes.append(f"- {row.method}: {row.broken[0]} (and {len(row.broken) - 1} more)")
    workers = problem.rules.workers
    return [
        "## Hotline rota",
        "",
        "`bench/rota.py`: a quarter's rota (1 January – 31 March 2027) for a 24/7 hotline with "
        f"{len(problem.people)} staff: {len(problem.slots)} shifts for the rota (shift changes "
        "08:00, 16:00, 23:00; weekday nights are the social on-call service's), 11 hours' "
        "minimum rest, at most 12 shifts per person (6 for five part-timers), a week away for "
        "about half of them, one or two evening appointments a week each, and a neighbouring "
        "hotline's shifts for four. CP-SAT (`samspil/hotline/rota.py`) runs with "
        f"{workers} workers on {cpus} CPUs and a {problem.rules.time_limit:g} s limit; greedy "
        "(`rota.greedy`, each shift in time order to the free person with the smallest part of "
        "their maximum used) on the same input; no database.",
        "",
        "**all rules hold** is checked on the result independently of the solver: each shift "
        "exactly one person, nobody in their busy time, no overlap and the minimum rest between "
        "any two of a person's shifts (the other hotline's included), nobody over their maximum "
        "(greedy's gaps are counted, not as broken rules). The objective is the weighted sum of "
        "each person's deviation from their share (their maximum over everyone's) of nights, "
        "weekend shifts, holiday shifts and all shifts; the bound is CP-SAT's proven lower bound. "
        "The last columns give, per kind, the lowest and highest count relative to the person's "
        "share (1.00 = exactly their share).",
        "",
        *table,
        "",
        *([*notes, ""] if notes else []),
    ]


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="CP-SAT seconds")
    parser.add_argument("--workers", type=int, default=8, help="CP-SAT workers")
    parser.add_argument("--staff", type=int, default=STAFF, help="people on the rota")
    args = parser.parse_args()
    problem, rows = run(
        staff=args.staff,
        time_limit=args.time_limit,
        workers=args.workers,
        log=lambda message: print(message, file=sys.stderr, flush=True),
    )
    print("\n".join(render(problem, rows, cpu_count())))


if __name__ == "__main__":
    main()
