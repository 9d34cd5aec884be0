"""Filling a hotline rota with CP-SAT: a pure module (plain values in and out, no ORM, no I/O;
the services read the database and store the answer). The shifts come from `cutting.cut`; the
ones for the rota are its *slots*.

Hard rules (`solve` never breaks them):

* every slot gets exactly one person (so every hour of the hotline is covered exactly once), or,
  with `Rules.allow_gaps`, at most one (a slot without a person is a gap);
* nobody gets a slot overlapping a busy period of theirs (unavailability, their calendar);
* nobody gets two shifts, here or on another hotline, that overlap or leave less than the minimum
  rest between the end of one and the start of the next (`Rules.min_rest_hours`);
* nobody gets more slots than their maximum for the period (`Person.max_shifts`, else
  `Rules.max_shifts`), counting the shifts they already have in the period.

**The objective** (minimised; integers): first, with gaps allowed, `GAP_COST` per gap; then
fairness: for nights, weekend shifts, holiday shifts and all shifts, each person's count should
be their *share* of the period's total, the share being their maximum shifts relative to
everyone's (a person allowed 10 shifts takes half the nights of one allowed 20). Each person's
deviation from their share (scaled by the sum of the maxima, to stay integral) is weighted per
kind (`WEIGHTS`: holidays weigh most, all shifts least) and summed.

**When the period cannot be covered** `solve` raises `RotaInfeasible` with `Obstacle`s naming
the slots (hours) and the rule: first by direct checks (`obstacles`: slots nobody is free for;
more slots than the members' maxima allow; runs of slots closer together than the rest time that
need more different people than are free), then, if those find nothing, by CP-SAT's infeasible
core over one assumption per slot ("covered"), per person's rest rule and per person's maximum,
shrunk by deletion while time allows.

`verify` checks every rule on any assignment (tests, the benchmark, hand edits).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

GAP_COST = 1_000_000_000
KINDS = ("night", "weekend", "holiday", "all")
WEIGHTS: Mapping[str, int] = {"night": 4, "weekend": 4, "holiday": 6, "all": 1}
DIAGNOSIS_SECONDS = 10.0

Interval = tuple[dt.datetime, dt.datetime]
Progress = Callable[[int, int, float], None]


# -- the filling problem -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A shift for the rota to fill."""

    key: Hashable
    starts_at: dt.datetime
    ends_at: dt.datetime
    night: bool = False
    weekend: bool = False
    holiday: bool = False

    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in KINDS if k == "all" or getattr(self, k))


@dataclass(frozen=True)
class Commitment:
    """A shift a person already has (here, kept; or on another hotline). The rest rule applies
    to it; `in_period` ones (this hotline, this period) also count towards the maximum and the
    fairness."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    night: bool = False
    weekend: bool = False
    holiday: bool = False
    in_period: bool = False


@dataclass(frozen=True)
class Person:
    key: Hashable
    busy: tuple[Interval, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    max_shifts: int | None = None


@dataclass(frozen=True)
class Rules:
    min_rest_hours: int = 11
    max_shifts: int = 20
    allow_gaps: bool = False
    time_limit: float = 20.0
    workers: int = 8

    @property
    def rest(self) -> dt.timedelta:
        return dt.timedelta(hours=self.min_rest_hours)


@dataclass(frozen=True)
class Problem:
    slots: tuple[Slot, ...]
    people: tuple[Person, ...]
    rules: Rules = Rules()


@dataclass(frozen=True)
class Obstacle:
    """Why (part of) a period cannot be covered. `rule` is one of "no_members",
    "nobody_available", "max_shifts", "rest", "rules" (a combination found by the solver, with
    the rules involved in `params["rules"]`), "time_limit"; `slots` are the hours concerned and
    `people` whose rules are involved."""

    rule: str
    slots: tuple[Hashable, ...] = ()
    people: tuple[Hashable, ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)


class RotaInfeasible(ValueError):
    def __init__(self, obstacles: Sequence[Obstacle]) -> None:
        super().__init__("; ".join(o.rule for o in obstacles))
        self.obstacles = list(obstacles)


@dataclass(frozen=True)
class Counts:
    shifts: int = 0
    night: int = 0
    weekend: int = 0
    holiday: int = 0


@dataclass(frozen=True)
class Result:
    assignment: Mapping[Hashable, Hashable | None]  # slot key → person key (None: a gap)
    status: str
    objective: int
    bound: int
    seconds: float
    counts: Mapping[Hashable, Counts]
    obstacles: tuple[Obstacle, ...] = ()  # why the gaps (with allow_gaps)

    @property
    def gaps(self) -> tuple[Hashable, ...]:
        return tuple(key for key, person in self.assignment.items() if person is None)


# -- single rules, also used for hand edits ------------------------------------------------------


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def too_close(a: Interval, b: Interval, rest: dt.timedelta) -> bool:
    """One person may not work both: they overlap, or the rest between them is too short."""
    first, second = sorted((a, b))
    return second[0] < first[1] + rest


def why_not(person: Person, slot: Slot | Interval, rest: dt.timedelta) -> str | None:
    """Why `person` cannot take the slot: "busy" (unavailable or in their calendar), "overlap"
    (another shift at the same time), "rest" (too close to another shift), or None."""
    span = (slot.starts_at, slot.ends_at) if isinstance(slot, Slot) else slot
    if any(overlaps(span, busy) for busy in person.busy):
        return "busy"
    committed = [(c.starts_at, c.ends_at) for c in person.commitments]
    if any(overlaps(span, c) for c in committed):
        return "overlap"
    if any(too_close(span, c, rest) for c in committed):
        return "rest"
    return None


def limit_of(person: Person, rules: Rules) -> int:
    """How many slots of this period the person may still take."""
    maximum = rules.max_shifts if person.max_shifts is None else person.max_shifts
    return max(0, maximum - sum(1 for c in person.commitments if c.in_period))


def _share(person: Person, rules: Rules) -> int:
    return rules.max_shifts if person.max_shifts is None else person.max_shifts


# -- direct checks -----------------------------------------------------------------------------


def _available(problem: Problem) -> list[list[int]]:
    """For each slot, the indexes of the people who can take it."""
    rest = problem.rules.rest
    return [
        [p for p, person in enumerate(problem.people) if why_not(person, slot, rest) is None]
        for slot in problem.slots
    ]


def _cliques(spans: Sequence[Interval], rest: dt.timedelta) -> list[list[int]]:
    """Groups of spans pairwise too close for one person, by index: a span extended by the
    rest time meets another exactly when one person cannot take both, so these are intervals,
    and the largest groups lie at their starts (one group per distinct start)."""
    order = sorted(range(len(spans)), key=lambda s: spans[s][0])
    longest = max((end - start for start, end in spans), default=dt.timedelta(0))
    found: list[list[int]] = []
    seen: set[frozenset[int]] = set()
    for position, s in enumerate(order):
        moment = spans[s][0]
        group = []
        for t in order[position::-1]:  # back in time from here …
            if spans[t][0] + longest + rest <= moment:
                break
            if moment < spans[t][1] + rest:
                group.append(t)
        for t in order[position + 1 :]:  # … and others starting at the same moment
            if spans[t][0] != moment:
                break
            group.append(t)
        key = frozenset(group)
        if key not in seen:
            seen.add(key)
            found.append(sorted(group, key=lambda t: spans[t][0]))
    return found


def _matching(group: Sequence[int], available: Sequence[Sequence[int]]) -> int:
    """The most slots of `group` that can get different people (augmenting paths)."""
    owner: dict[int, int] = {}

    def place(slot: int, visited: set[int]) -> bool:
        for person in available[slot]:
            if person in visited:
                continue
            visited.add(person)
            if person not in owner or place(owner[person], visited):
                owner[person] = slot
                return True
        return False

    return sum(1 for slot in group if place(slot, set()))


def obstacles(problem: Problem) -> list[Obstacle]:
    """The reasons a solver is not needed to see: slots nobody can take, more slots than the
    maxima allow, and runs of slots closer than the rest time needing more different people
    than are free for them."""
    slots, people, rules = problem.slots, problem.people, problem.rules
    if not slots:
        return []
    if not people:
        return [Obstacle("no_members", tuple(s.key for s in slots))]
    found: list[Obstacle] = []
    available = _available(problem)
    nobody = [s for s, who in enumerate(available) if not who]
    if nobody:
        reasons = {why_not(person, slots[s], rules.rest) for person in people for s in nobody}
        found.append(
            Obstacle(
                "nobody_available",
                tuple(slots[s].key for s in nobody),
                params={"reasons": sorted(r for r in reasons if r is not None)},
            )
        )
    capacity = sum(limit_of(person, rules) for person in people)
    if capacity < len(slots):
        found.append(
            Obstacle(
                "max_shifts",
                people=tuple(p.key for p in people),
                params={"capacity": capacity, "needed": len(slots)},
            )
        )
    blocked = set(nobody)
    for group in _cliques([(s.starts_at, s.ends_at) for s in slots], rules.rest):
        if blocked & set(group) or len(group) < 2:
            continue
        matched = _matching(group, available)
        if matched < len(group):
            blocked.update(group)
            found.append(
                Obstacle(
                    "rest",
                    tuple(slots[s].key for s in group),
                    params={
                        "needed": len(group),
                        "free": matched,
                        "rest_hours": rules.min_rest_hours,
                    },
                )
            )
    return found


# -- the CP-SAT model --------------------------------------------------------------------------


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress | None) -> None:
        super().__init__()
        self.progress = progress

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            self.progress(
                round(self.objective_value), round(self.best_objective_bound), self.wall_time
            )


@dataclass(frozen=True)
class _Deviation:
    """|scale·(fixed + Σ x[s, person] over slots) − target| ≤ var, for hinting."""

    var: cp_model.IntVar
    person: int
    slots: tuple[int, ...]
    fixed: int
    scale: int
    target: int


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    cover: list[cp_model.IntVar]  # assumption literals (diagnosis only)
    rest: list[cp_model.IntVar]
    maximum: list[cp_model.IntVar]
    deviations: list[_Deviation] = field(default_factory=list)


def _by_person(available: Sequence[Sequence[int]], people: int) -> list[list[int]]:
    mine: list[list[int]] = [[] for _ in range(people)]
    for s, who in enumerate(available):
        for p in who:
            mine[p].append(s)
    return mine


def _build(problem: Problem, available: Sequence[Sequence[int]], *, diagnose: bool) -> _Model:
    """The model; with `diagnose`, every rule is enforced by an assumption literal (no
    objective), so an infeasible core names the slots and the rules."""
    slots, people, rules = problem.slots, problem.people, problem.rules
    model = cp_model.CpModel()
    x = {(s, p): model.new_bool_var(f"x_{s}_{p}") for s, who in enumerate(available) for p in who}
    literals: dict[str, list[cp_model.IntVar]] = {"cover": [], "rest": [], "maximum": []}
    if diagnose:
        literals = {
            "cover": [model.new_bool_var(f"cover_{s}") for s in range(len(slots))],
            "rest": [model.new_bool_var(f"rest_{p}") for p in range(len(people))],
            "maximum": [model.new_bool_var(f"max_{p}") for p in range(len(people))],
        }

    for s, who in enumerate(available):
        taken = [x[s, p] for p in who]
        if diagnose:
            model.add(sum(taken) <= 1)
            model.add(sum(taken) >= 1).only_enforce_if(literals["cover"][s])
        elif rules.allow_gaps:
            model.add_at_most_one(taken)
        else:
            model.add_exactly_one(taken)

    for p, mine in enumerate(_by_person(available, len(people))):
        spans = [(slots[s].starts_at, slots[s].ends_at) for s in mine]
        for group in _cliques(spans, rules.rest):
            if len(group) < 2:
                continue
            chosen = [x[mine[g], p] for g in group]
            if diagnose:
                model.add(sum(chosen) <= 1).only_enforce_if(literals["rest"][p])
            else:
                model.add_at_most_one(chosen)
        total = sum(x[s, p] for s in mine)
        limit = limit_of(people[p], rules)
        if diagnose:
            model.add(total <= limit).only_enforce_if(literals["maximum"][p])
        else:
            model.add(total <= limit)
    return _Model(model, x, literals["cover"], literals["rest"], literals["maximum"])


def _fairness(problem: Problem, built: _Model) -> list[cp_model.LinearExprT]:
    """Each person's deviation from their share, per kind, weighted (see the module docstring).
    With n = the person's count, T = the period's total of the kind (every slot covered), w = the
    person's share weight and W = the sum of the weights, the deviation is |W·n − w·T|."""
    slots, people, rules = problem.slots, problem.people, problem.rules
    model, x = built.model, built.x
    weights = [_share(p, rules) for p in people]
    scale = sum(weights) or 1
    terms: list[cp_model.LinearExprT] = []
    for kind in KINDS:
        fixed = [
            sum(
                1 for c in person.commitments if c.in_period and (kind == "all" or getattr(c, kind))
            )
            for person in people
        ]
        of_kind = [s for s, slot in enumerate(slots) if kind in slot.kinds()]
        total = len(of_kind) + sum(fixed)
        if not total:
            continue
        bound = (scale + max(weights, default=0)) * total
        for p in range(len(people)):
            mine = tuple(s for s in of_kind if (s, p) in x)
            count = sum(x[s, p] for s in mine) + fixed[p]
            target = weights[p] * total
            deviation = model.new_int_var(0, bound, f"dev_{kind}_{p}")
            model.add(deviation >= scale * count - target)
            model.add(deviation >= target - scale * count)
            built.deviations.append(_Deviation(deviation, p, mine, fixed[p], scale, target))
            terms.append(WEIGHTS[kind] * deviation)
    return terms


def _hint(built: _Model, chosen: set[tuple[int, int]]) -> None:
    """Start the search from a known rota: every variable hinted (the deviations computed), so
    CP-SAT has a first solution at once and improves on it."""
    for key, var in built.x.items():
        built.model.add_hint(var, key in chosen)
    for d in built.deviations:
        count = d.fixed + sum(1 for s in d.slots if (s, d.person) in chosen)
        built.model.add_hint(d.var, abs(d.scale * count - d.target))


def _greedy_pairs(problem: Problem, available: Sequence[Sequence[int]]) -> set[tuple[int, int]]:
    """Each slot in time order to the free person with the smallest part of their maximum used
    so far (a slot nobody is free for stays empty), as (slot, person) indexes."""
    rules = problem.rules
    limits = [limit_of(person, rules) for person in problem.people]
    chosen: list[list[Interval]] = [[] for _ in problem.people]
    pairs: set[tuple[int, int]] = set()
    order = sorted(range(len(problem.slots)), key=lambda s: problem.slots[s].starts_at)
    for s in order:
        slot = problem.slots[s]
        span = (slot.starts_at, slot.ends_at)
        free = [
            p
            for p in available[s]
            if len(chosen[p]) < limits[p]
            and not any(too_close(span, other, rules.rest) for other in chosen[p][-3:])
        ]
        if free:
            best = min(free, key=lambda p: (len(chosen[p]) / max(limits[p], 1), p))
            chosen[best].append(span)
            pairs.add((s, best))
    return pairs


def _feasible(
    problem: Problem, available: Sequence[Sequence[int]], seconds: float, workers: int
) -> set[tuple[int, int]]:
    """Any rota keeping the hard rules (no objective: fast), or RotaInfeasible."""
    built = _build(problem, available, diagnose=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    status = solver.solve(built.model)
    if status == cp_model.INFEASIBLE:
        raise RotaInfeasible(diagnose(problem, available))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RotaInfeasible([Obstacle("time_limit", params={"seconds": seconds})])
    return {key for key, var in built.x.items() if solver.boolean_value(var)}


def _counts(
    problem: Problem, assignment: Mapping[Hashable, Hashable | None]
) -> dict[Hashable, Counts]:
    by_key = {slot.key: slot for slot in problem.slots}
    counts: dict[Hashable, dict[str, int]] = {}
    for person in problem.people:
        mine = counts.setdefault(person.key, {"shifts": 0, "night": 0, "weekend": 0, "holiday": 0})
        for c in person.commitments:
            if c.in_period:
                mine["shifts"] += 1
                for kind in ("night", "weekend", "holiday"):
                    mine[kind] += int(getattr(c, kind))
    for key, who in assignment.items():
        if who is None:
            continue
        slot = by_key[key]
        mine = counts[who]
        mine["shifts"] += 1
        for kind in ("night", "weekend", "holiday"):
            mine[kind] += int(getattr(slot, kind))
    return {key: Counts(**values) for key, values in counts.items()}


def solve(problem: Problem, *, progress: Progress | None = None) -> Result:
    """Fill the slots (see the module docstring for the rules and the objective). Raises
    RotaInfeasible naming the slots and the rule when they cannot all be filled (without
    `allow_gaps`), or when the time limit passes before any rota is found.

    The search starts from the greedy rota when it fills every slot (or gaps are allowed), else
    from a first solve without the objective (which also proves an impossible period quickly)."""
    started = time.perf_counter()
    rules = problem.rules
    direct = obstacles(problem)
    if direct and not rules.allow_gaps:
        raise RotaInfeasible(direct)
    if not problem.slots:
        return Result({}, "optimal", 0, 0, time.perf_counter() - started, _counts(problem, {}))
    available = _available(problem)
    start = _greedy_pairs(problem, available)
    if len(start) < len(problem.slots) and not rules.allow_gaps:
        start = _feasible(problem, available, rules.time_limit, rules.workers)
    built = _build(problem, available, diagnose=False)
    objective = _fairness(problem, built)
    if rules.allow_gaps:
        for s, who in enumerate(available):
            objective.append(GAP_COST * (1 - sum(built.x[s, p] for p in who)))
    built.model.minimize(sum(objective))
    _hint(built, start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(
        0.5, rules.time_limit - (time.perf_counter() - started)
    )
    solver.parameters.num_workers = rules.workers
    solver.parameters.random_seed = 7
    status = solver.solve(built.model, _Callback(progress))
    if status == cp_model.INFEASIBLE:  # pragma: no cover - the hinted rota is feasible
        raise RotaInfeasible(diagnose(problem, available))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {key for key, var in built.x.items() if solver.boolean_value(var)}
        objective_value, bound = round(solver.objective_value), round(solver.best_objective_bound)
        answer = "optimal" if status == cp_model.OPTIMAL else "feasible"
    else:  # out of time before improving on the start: the start is still a valid rota
        chosen, objective_value, bound, answer = start, -1, 0, "start"
    assignment: dict[Hashable, Hashable | None] = {slot.key: None for slot in problem.slots}
    for s, p in chosen:
        assignment[problem.slots[s].key] = problem.people[p].key
    why: tuple[Obstacle, ...] = ()
    if None in assignment.values():  # gaps (allowed): say why
        why = tuple(direct or diagnose(problem, available))
    return Result(
        assignment=assignment,
        status=answer,
        objective=objective_value,
        bound=bound,
        seconds=time.perf_counter() - started,
        counts=_counts(problem, assignment),
        obstacles=why,
    )


# -- explaining an infeasible period -------------------------------------------------------------


def _infeasible_with(
    problem: Problem,
    available: Sequence[Sequence[int]],
    assumptions: Sequence[int],
    seconds: float,
) -> tuple[bool | None, list[int]]:
    """Solve the diagnosis model with only these assumption literals (by index into
    cover + rest + maximum). (True, core) when infeasible, (False, []) when feasible, (None, [])
    when undecided in time."""
    built = _build(problem, available, diagnose=True)
    literals = [*built.cover, *built.rest, *built.maximum]
    built.model.add_assumptions([literals[i] for i in assumptions])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = 1
    status = solver.solve(built.model)
    if status == cp_model.INFEASIBLE:
        positions = {literals[i].index: i for i in assumptions}
        core = [positions[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        return True, core or list(assumptions)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, []
    return None, []


def diagnose(
    problem: Problem,
    available: Sequence[Sequence[int]] | None = None,
    *,
    seconds: float = DIAGNOSIS_SECONDS,
) -> list[Obstacle]:
    """Which slots and which people's rules together make the period impossible: CP-SAT's
    infeasible core over one assumption per slot, per person's rest and per person's maximum,
    shrunk by dropping one assumption at a time while `seconds` last."""
    available = _available(problem) if available is None else available
    slots_n, people_n = len(problem.slots), len(problem.people)
    deadline = time.perf_counter() + seconds
    everything = list(range(slots_n + 2 * people_n))
    infeasible, core = _infeasible_with(problem, available, everything, seconds)
    if not infeasible:
        return [Obstacle("time_limit", params={"seconds": seconds})]
    # Deletion: an assumption the rest stay infeasible without is not needed. Rules first (fewer
    # and more telling), then slots.
    for candidate in sorted(core, key=lambda i: (i < slots_n, i)):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        if candidate not in core:
            continue
        trial = [i for i in core if i != candidate]
        still, smaller = _infeasible_with(problem, available, trial, min(left, 2.0))
        if still:
            core = smaller if set(smaller) <= set(trial) else trial
    slots = sorted((i for i in core if i < slots_n), key=lambda i: problem.slots[i].starts_at)
    rest = sorted(i - slots_n for i in core if slots_n <= i < slots_n + people_n)
    maximum = sorted(i - slots_n - people_n for i in core if i >= slots_n + people_n)
    involved = [name for name, found in (("rest", rest), ("max_shifts", maximum)) if found]
    return [
        Obstacle(
            "rules",
            tuple(problem.slots[i].key for i in slots),
            tuple(problem.people[p].key for p in sorted({*rest, *maximum})),
            params={
                "rules": involved,
                "rest_of": [problem.people[p].key for p in rest],
                "max_of": [problem.people[p].key for p in maximum],
                "rest_hours": problem.rules.min_rest_hours,
            },
        )
    ]


# -- checking any assignment ---------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    rule: str  # "uncovered", "unknown_person", "busy", "overlap", "rest", "max_shifts"
    slot: Hashable | None = None
    person: Hashable | None = None


def verify(problem: Problem, assignment: Mapping[Hashable, Hashable | None]) -> list[Violation]:
    """Every hard rule checked on `assignment` (slot key → person key or None); an empty list
    means the rota keeps them all. Gaps are violations unless the rules allow them."""
    rules = problem.rules
    people = {p.key: p for p in problem.people}
    found: list[Violation] = []
    taken: dict[Hashable, list[Slot]] = {}
    for slot in problem.slots:
        who = assignment.get(slot.key)
        if who is None:
            if not rules.allow_gaps:
                found.append(Violation("uncovered", slot.key))
            continue
        person = people.get(who)
        if person is None:
            found.append(Violation("unknown_person", slot.key, who))
            continue
        reason = why_not(person, slot, rules.rest)
        if reason is not None:
            found.append(Violation(reason, slot.key, who))
        taken.setdefault(who, []).append(slot)
    for who, mine in taken.items():
        mine.sort(key=lambda s: s.starts_at)
        for a, b in itertools.pairwise(mine):
            span_a, span_b = (a.starts_at, a.ends_at), (b.starts_at, b.ends_at)
            if overlaps(span_a, span_b):
                found.append(Violation("overlap", b.key, who))
            elif too_close(span_a, span_b, rules.rest):
                found.append(Violation("rest", b.key, who))
        if len(mine) > limit_of(people[who], rules):
            found.append(Violation("max_shifts", None, who))
    return found


def greedy(problem: Problem) -> dict[Hashable, Hashable | None]:
    """The simple baseline the benchmark compares: each slot in time order to the free person
    with the smallest part of their maximum used so far; a slot nobody is free for is a gap."""
    pairs = _greedy_pairs(problem, _available(problem))
    assignment: dict[Hashable, Hashable | None] = {slot.key: None for slot in problem.slots}
    for s, p in pairs:
        assignment[problem.slots[s].key] = problem.people[p].key
    return assignment
