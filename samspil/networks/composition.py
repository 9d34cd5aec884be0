"""Composing network groups: a pure optimisation module (no ORM, no I/O).

The problem: split a pool of foster families into groups of `min_size`–`max_size` that can
actually meet, and that a consultant would call harmonious.

Hard constraints (a proposal never breaks them):

* group size within `min_size`–`max_size`;
* every member shares an *area* with the group (its municipality, or a collaboration its
  municipality is in);
* the group has one meeting time (weekday daytime, evening, weekend) every member can attend;
* a family is in at most one group (families already in an active group are not candidates);
* pairs recorded as "must not be together" are never in the same group;
* families the user pinned to the same group stay together, pins to different groups stay apart.

Soft objectives, weighted (all costs are integers, lower is better):

* travel: kilometres from each member to the group's *meeting point*, one member's home;
* similarity: a member sharing no children's age band and no theme with the meeting-point family;
* a mix of experienced and new families: a group with no experienced family, or no new one, while
  the pool has both;
* network foster families together (a member whose kind differs from the meeting-point family's) or
  mixed (a group of only one kind while the pool has both), as the municipality prefers.

The model is a capacitated p-median: every group is "centred" on one member (`x[m, m]`), and a
family may join only the groups centred on one of its `neighbours` nearest compatible families.
That keeps the model linear and small (families × neighbours variables rather than families² ×
groups), so CP-SAT proves good bounds for realistic pools and still answers for 1,000 families.
`greedy()` is the simple baseline the benchmark compares against; `evaluate()` scores any
partition with the same objective, so a proposal the user edited by hand can be compared too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

SLOTS = ("weekday_daytime", "evenings", "weekends")
UNPLACED_COST = 100_000
# Up to this many families every compatible family is a possible meeting point (exact model).
COMPLETE_UP_TO = 80
NO_COORDINATES_KM = 25
MIX_UNIT = 20
SIMILARITY_UNIT = 10
NETWORK_UNIT = 10


class CompositionError(ValueError):
    """The input cannot be composed at all; `reason` says why in words for the user."""

    def __init__(self, reason: str, *, families: Sequence[object] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.families = list(families)


@dataclass(frozen=True)
class Candidate:
    key: object
    areas: frozenset[str]
    slots: frozenset[str] = frozenset()
    lat: float | None = None
    lon: float | None = None
    experienced: bool = False
    age_bands: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    network: bool = False
    pinned: int | None = None

    @property
    def available_slots(self) -> frozenset[str]:
        """A family that has stated no preference can meet at any time."""
        return self.slots or frozenset(SLOTS)


@dataclass(frozen=True)
class Weights:
    travel: int = 2
    mix: int = 3
    similarity: int = 2
    network: int = 1
    network_together: bool = True


@dataclass(frozen=True)
class Problem:
    candidates: tuple[Candidate, ...]
    min_size: int = 4
    max_size: int = 6
    separations: frozenset[frozenset[object]] = frozenset()
    weights: Weights = Weights()
    allow_unplaced: bool = False
    neighbours: int = 24
    time_limit: float = 10.0
    workers: int = 8


@dataclass(frozen=True)
class Reason:
    """Why a group looks the way it does; `code` is translated by the caller."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    members: tuple[object, ...]
    centre: object
    slot: str
    area: str
    cost: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Result:
    groups: tuple[Group, ...]
    unplaced: tuple[tuple[object, Reason], ...]
    objective: int
    bound: int
    status: str
    seconds: float

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the solver's proven bound (0 = optimal)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / self.objective)


Progress = Callable[[int, int, float], None]


# -- geometry and costs -----------------------------------------------------------------------


def distance_km(a: Candidate, b: Candidate) -> int:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return 0 if a.key == b.key else NO_COORDINATES_KM
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6371.0 * math.asin(math.sqrt(h)))


def _similar(a: Candidate, b: Candidate) -> bool:
    return bool(a.age_bands & b.age_bands) or bool(a.themes & b.themes)


def _compatible(a: Candidate, b: Candidate, separations: frozenset[frozenset[object]]) -> bool:
    if a.key == b.key:
        return True
    if not (a.areas & b.areas) or not (a.available_slots & b.available_slots):
        return False
    if a.pinned is not None and b.pinned is not None and a.pinned != b.pinned:
        return False
    return frozenset((a.key, b.key)) not in separations


def assignment_cost(member: Candidate, centre: Candidate, weights: Weights) -> int:
    """What one member adds to the objective when the group meets at `centre`'s home."""
    cost = weights.travel * distance_km(member, centre)
    if member.key != centre.key and not _similar(member, centre):
        cost += weights.similarity * SIMILARITY_UNIT
    if weights.network_together and member.network != centre.network:
        cost += weights.network * NETWORK_UNIT
    return cost


@dataclass(frozen=True)
class _PoolMix:
    experienced_and_new: bool
    network_and_other: bool

    @classmethod
    def of(cls, candidates: Iterable[Candidate]) -> _PoolMix:
        items = list(candidates)
        experienced = {c.experienced for c in items}
        network = {c.network for c in items}
        return cls(len(experienced) == 2, len(network) == 2)


def _group_penalty(members: Sequence[Candidate], weights: Weights, mix: _PoolMix) -> int:
    cost = 0
    if mix.experienced_and_new:
        if not any(m.experienced for m in members):
            cost += weights.mix * MIX_UNIT
        if all(m.experienced for m in members):
            cost += weights.mix * MIX_UNIT
    mixed_wanted = not weights.network_together and mix.network_and_other
    if mixed_wanted and len({m.network for m in members}) == 1:
        cost += weights.network * NETWORK_UNIT
    return cost


# -- validation and diagnosis -----------------------------------------------------------------


def validate(problem: Problem) -> None:
    """Raise CompositionError for input no solver run could help."""
    count = len(problem.candidates)
    if problem.min_size < 2:
        raise CompositionError("A group needs at least 2 families.")
    if problem.max_size < problem.min_size:
        raise CompositionError("The maximum group size is smaller than the minimum.")
    keys = [c.key for c in problem.candidates]
    if len(set(keys)) != count:
        raise CompositionError("A family is in the list more than once.")
    if count < problem.min_size:
        raise CompositionError(
            f"{count} families are fewer than the minimum group size of {problem.min_size}."
        )
    pins: dict[int, list[Candidate]] = {}
    for c in problem.candidates:
        if c.pinned is not None:
            pins.setdefault(c.pinned, []).append(c)
    for pinned in pins.values():
        if len(pinned) > problem.max_size:
            raise CompositionError(
                f"{len(pinned)} families are pinned to one group, more than the maximum size.",
                families=[c.key for c in pinned],
            )
        for a in pinned:
            for b in pinned:
                if not _compatible(a, b, problem.separations):
                    raise CompositionError(
                        "Two families pinned to the same group cannot be together (no common "
                        "area or meeting time, or recorded as not to be together).",
                        families=[a.key, b.key],
                    )


def _why_alone(c: Candidate, problem: Problem) -> Reason:
    """The most specific reason a family could not be placed."""
    others = [o for o in problem.candidates if o.key != c.key]
    same_area = [o for o in others if o.areas & c.areas]
    if len(same_area) + 1 < problem.min_size:
        return Reason("too_few_in_area", {"count": len(same_area)})
    same_time = [o for o in same_area if o.available_slots & c.available_slots]
    if len(same_time) + 1 < problem.min_size:
        return Reason("no_common_time", {"count": len(same_time)})
    allowed = [o for o in same_time if frozenset((o.key, c.key)) not in problem.separations]
    if len(allowed) + 1 < problem.min_size:
        return Reason("separations", {"count": len(allowed)})
    return Reason("sizes_do_not_add_up", {})


# -- the CP-SAT model -------------------------------------------------------------------------


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress | None) -> None:
        super().__init__()
        self.progress = progress
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.progress is not None:
            self.progress(
                int(self.ObjectiveValue()), int(self.BestObjectiveBound()), self.WallTime()
            )


def _compatible_sets(problem: Problem) -> list[list[int]]:
    cands = problem.candidates
    return [
        [j for j, o in enumerate(cands) if j != i and _compatible(c, o, problem.separations)]
        for i, c in enumerate(cands)
    ]


def _neighbour_sets(problem: Problem, compatible: list[list[int]]) -> tuple[list[list[int]], bool]:
    """For each family, the families whose home may be its group's meeting point: itself and,
    for pools up to COMPLETE_UP_TO families, every compatible family (the model is then the
    whole problem); for larger pools its `neighbours` nearest compatible families, ties (many
    families share a postcode) spread by a fixed pseudo-random order so that they do not all
    compete for the same few meeting points. Pinned families: only their pin-mates. Returns the
    sets and whether they are complete."""
    cands = problem.candidates
    n = len(cands)
    by_pin: dict[int, list[int]] = {}
    for index, c in enumerate(cands):
        if c.pinned is not None:
            by_pin.setdefault(c.pinned, []).append(index)
    complete = n <= COMPLETE_UP_TO
    result: list[list[int]] = []
    for i, c in enumerate(cands):
        if c.pinned is not None:
            result.append(list(by_pin[c.pinned]))
            continue
        if complete:
            result.append([i, *compatible[i]])
            continue
        scored = sorted(
            compatible[i], key=lambda j: (distance_km(c, cands[j]), (i * 7919 + j * 104729) % n)
        )
        result.append([i, *scored[: problem.neighbours]])
    return result, complete


def _greedy_partition(problem: Problem) -> list[tuple[int, list[int]]]:
    """The greedy baseline's groups as (meeting point, members) by index, for a warm start."""
    index = {c.key: i for i, c in enumerate(problem.candidates)}
    groups = greedy(problem).groups
    return [(index[g.centre], [index[k] for k in g.members]) for g in groups]


def solve(problem: Problem, *, progress: Progress | None = None) -> Result:
    """Compose groups with CP-SAT. Raises CompositionError when no group can be formed (or, with
    `allow_unplaced=False`, when some family cannot be placed), naming the families and why."""
    started = time.perf_counter()
    validate(problem)
    cands = problem.candidates
    n = len(cands)
    weights = problem.weights
    mix = _PoolMix.of(cands)
    compatible = _compatible_sets(problem)
    allowed, complete = _neighbour_sets(problem, compatible)
    # Warm start from the greedy baseline: its meeting points become allowed and its groups
    # the solver's first hint, so the optimiser is never worse than the baseline.
    warm = [] if any(c.pinned is not None for c in cands) else _greedy_partition(problem)
    for meeting_point, group in warm:
        for i in group:
            if meeting_point not in allowed[i]:
                allowed[i].append(meeting_point)
    centred_on: list[list[int]] = [[] for _ in range(n)]
    for i, medians in enumerate(allowed):
        for m in medians:
            centred_on[m].append(i)

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, medians in enumerate(allowed):
        for m in medians:
            x[i, m] = model.new_bool_var(f"x_{i}_{m}")
    objective: list[cp_model.LinearExprT] = []

    for i in range(n):
        times_placed = sum(x[i, m] for m in allowed[i])
        if problem.allow_unplaced and cands[i].pinned is None:
            left_out = model.new_bool_var(f"u_{i}")
            model.add(times_placed + left_out == 1)
            objective.append(UNPLACED_COST * left_out)
        else:
            model.add(times_placed == 1)
        for m in allowed[i]:
            if m != i:
                model.add_implication(x[i, m], x[m, m])
                objective.append(assignment_cost(cands[i], cands[m], weights) * x[i, m])

    for m in range(n):
        is_centre = x[m, m]
        members = [x[i, m] for i in centred_on[m]]
        size = sum(members)
        model.add(size >= problem.min_size * is_centre)
        model.add(size <= problem.max_size * is_centre)
        centre = cands[m]
        # One meeting time every member can attend.
        slot_vars = {s: model.new_bool_var(f"s_{m}_{s}") for s in sorted(centre.available_slots)}
        model.add(sum(slot_vars.values()) == is_centre)
        # One area all members share.
        area_vars = {a: model.new_bool_var(f"a_{m}_{a}") for a in sorted(centre.areas)}
        model.add(sum(area_vars.values()) == is_centre)
        for i in centred_on[m]:
            if i == m:
                continue
            member = cands[i]
            if member.available_slots != frozenset(SLOTS):
                usable = [v for s, v in slot_vars.items() if s in member.available_slots]
                model.add(x[i, m] <= sum(usable))
            if len(centre.areas) > 1:
                shared = [v for a, v in area_vars.items() if a in member.areas]
                model.add(x[i, m] <= sum(shared))
        # Group-level soft objectives.
        if mix.experienced_and_new:
            experienced = [x[i, m] for i in centred_on[m] if cands[i].experienced]
            new = [x[i, m] for i in centred_on[m] if not cands[i].experienced]
            for label, part in (("exp", experienced), ("new", new)):
                lacking = model.new_bool_var(f"lack_{label}_{m}")
                # lacking ≥ is_centre − Σ part  (1 when the group has none of them)
                model.add(lacking + sum(part) >= is_centre)
                objective.append(weights.mix * MIX_UNIT * lacking)
        if not weights.network_together and mix.network_and_other:
            net = [x[i, m] for i in centred_on[m] if cands[i].network]
            other = [x[i, m] for i in centred_on[m] if not cands[i].network]
            uniform_net = model.new_bool_var(f"un_{m}")
            uniform_other = model.new_bool_var(f"uo_{m}")
            model.add(uniform_net + sum(other) >= is_centre)
            model.add(uniform_other + sum(net) >= is_centre)
            objective.append(weights.network * NETWORK_UNIT * (uniform_net + uniform_other))

    index = {c.key: i for i, c in enumerate(cands)}
    for pair in problem.separations:
        a, b = (index.get(k) for k in pair)
        if a is None or b is None:
            continue
        for m in set(allowed[a]) & set(allowed[b]):
            model.add(x[a, m] + x[b, m] <= 1)

    pins: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        if c.pinned is not None:
            pins.setdefault(c.pinned, []).append(i)
    for pinned in pins.values():
        root = pinned[0]
        for i in pinned[1:]:
            for m in pinned:
                model.add(x[i, m] == x[root, m])
            # Symmetry: a pinned group meets at its first pinned family's home.
            model.add(x[i, i] == 0)

    hinted = {(i, meeting_point) for meeting_point, group in warm for i in group}
    if warm:
        for key, var in x.items():
            model.add_hint(var, key in hinted)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = problem.time_limit
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = 7
    solver.parameters.linearization_level = 2
    callback = _Callback(progress)
    status = solver.solve(model, callback)

    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            raise _infeasible(problem)
        if warm and (problem.allow_unplaced or sum(len(g) for _, g in warm) == n):
            # Out of time before the first solution: the greedy one is still a valid proposal.
            fallback = greedy(problem)
            return Result(
                groups=fallback.groups,
                unplaced=fallback.unplaced,
                objective=fallback.objective,
                bound=_simple_bound(problem, compatible),
                status="feasible",
                seconds=time.perf_counter() - started,
            )
        raise CompositionError(
            "The optimiser found no composition within the time limit; try fewer families or a "
            "longer time limit."
        )

    groups: list[Group] = []
    placed: set[int] = set()
    for m in range(n):
        if not solver.boolean_value(x[m, m]):
            continue
        chosen = [i for i in centred_on[m] if solver.boolean_value(x[i, m])]
        placed.update(chosen)
        groups.append(_describe(problem, [cands[i] for i in chosen], cands[m], mix))
    unplaced = tuple(
        (c.key, _why_alone(c, problem)) for i, c in enumerate(cands) if i not in placed
    )
    if not groups:
        raise _infeasible(problem)
    groups.sort(key=lambda g: str(g.members[0]))
    return Result(
        groups=tuple(groups),
        unplaced=unplaced,
        objective=round(solver.objective_value),
        bound=max(
            math.ceil(solver.best_objective_bound - 1e-6) if complete else 0,
            _simple_bound(problem, compatible),
        ),
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        seconds=time.perf_counter() - started,
    )


def _simple_bound(problem: Problem, compatible: list[list[int]]) -> int:
    """A lower bound on the objective of *any* composition (not only the model's): every family
    but the (at most n / min_size) meeting points pays at least its cheapest assignment to a
    compatible family, or the unplaced cost. CP-SAT's own bound is added only when the model is
    the whole problem (see `_neighbour_sets`)."""
    cands = problem.candidates
    cheapest: list[int] = []
    for i, c in enumerate(cands):
        costs = [assignment_cost(c, cands[m], problem.weights) for m in compatible[i]]
        if problem.allow_unplaced and c.pinned is None:
            costs.append(UNPLACED_COST)
        cheapest.append(min(costs, default=UNPLACED_COST))
    cheapest.sort()
    centres = len(cands) // problem.min_size
    return sum(cheapest[centres:])


def _infeasible(problem: Problem) -> CompositionError:
    stuck = [(c.key, _why_alone(c, problem)) for c in problem.candidates]
    specific = [(key, r) for key, r in stuck if r.code != "sizes_do_not_add_up"]
    if specific:
        return CompositionError(
            "Some families have too few others they could meet with.",
            families=[key for key, _ in specific],
        )
    return CompositionError(
        f"The families cannot be split into groups of {problem.min_size}–{problem.max_size} "
        "under these constraints (sizes, meeting times, areas, pins and separations)."
    )


# -- describing and scoring any partition -----------------------------------------------------


def _best_centre(members: Sequence[Candidate], weights: Weights) -> tuple[Candidate, int]:
    best: tuple[int, Candidate] | None = None
    for centre in members:
        cost = sum(assignment_cost(m, centre, weights) for m in members if m.key != centre.key)
        if best is None or cost < best[0]:
            best = (cost, centre)
    assert best is not None
    return best[1], best[0]


def _common(members: Sequence[Candidate], attr: str) -> frozenset[str]:
    sets = [getattr(m, attr) for m in members]
    common: frozenset[str] = sets[0]
    for s in sets[1:]:
        common &= s
    return common


def _describe(
    problem: Problem, members: Sequence[Candidate], centre: Candidate, mix: _PoolMix
) -> Group:
    weights = problem.weights
    cost = sum(assignment_cost(m, centre, weights) for m in members if m.key != centre.key)
    cost += _group_penalty(members, weights, mix)
    slots = _common(members, "available_slots")
    areas = _common(members, "areas")
    slot = next((s for s in SLOTS if s in slots), "")
    area = sorted(areas)[0] if areas else ""
    distances = [distance_km(m, centre) for m in members if m.key != centre.key]
    reasons = [
        Reason("meeting_time", {"slot": slot}),
        Reason("area", {"area": area}),
        Reason(
            "travel",
            {
                "centre": centre.key,
                "average_km": round(sum(distances) / len(distances)) if distances else 0,
                "max_km": max(distances, default=0),
            },
        ),
        Reason(
            "experience",
            {
                "experienced": sum(1 for m in members if m.experienced),
                "new": sum(1 for m in members if not m.experienced),
            },
        ),
    ]
    bands = _common(members, "age_bands")
    themes = _common(members, "themes")
    if bands:
        reasons.append(Reason("age_bands", {"bands": sorted(bands)}))
    if themes:
        reasons.append(Reason("themes", {"themes": sorted(themes)}))
    network = sum(1 for m in members if m.network)
    if network:
        reasons.append(Reason("network_families", {"count": network}))
    if problem.separations and any(
        frozenset((m.key, o.key)) in problem.separations for m in members for o in members
    ):  # pragma: no cover - the model forbids it; kept so a hand edit shows it
        reasons.append(Reason("separation_broken", {}))
    return Group(
        members=tuple(sorted((m.key for m in members), key=str)),
        centre=centre.key,
        slot=slot,
        area=area,
        cost=cost,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class Violation:
    group: int
    code: str
    params: dict[str, object] = field(default_factory=dict)


def evaluate(
    problem: Problem, partition: Sequence[Sequence[object]]
) -> tuple[tuple[Group, ...], int, list[Violation]]:
    """Score a partition (e.g. one the user edited by hand) with the solver's objective, and
    list the hard constraints it breaks. Families not in any group count as unplaced."""
    by_key = {c.key: c for c in problem.candidates}
    mix = _PoolMix.of(problem.candidates)
    groups: list[Group] = []
    violations: list[Violation] = []
    placed: set[object] = set()
    for number, keys in enumerate(partition):
        members = [by_key[k] for k in keys if k in by_key]
        if not members:
            continue
        placed.update(m.key for m in members)
        if not problem.min_size <= len(members) <= problem.max_size:
            violations.append(Violation(number, "size", {"size": len(members)}))
        if not _common(members, "available_slots"):
            violations.append(Violation(number, "no_common_time"))
        if not _common(members, "areas"):
            violations.append(Violation(number, "no_common_area"))
        for a in members:
            for b in members:
                if str(a.key) < str(b.key) and frozenset((a.key, b.key)) in problem.separations:
                    violations.append(Violation(number, "separated", {"families": [a.key, b.key]}))
        centre, _ = _best_centre(members, problem.weights)
        groups.append(_describe(problem, members, centre, mix))
    total = sum(g.cost for g in groups)
    total += UNPLACED_COST * sum(1 for c in problem.candidates if c.key not in placed)
    return tuple(groups), total, violations


def greedy(problem: Problem) -> Result:
    """The simple baseline: repeatedly take the unplaced family with the fewest compatible
    others and group it with its nearest compatible families that share a meeting time."""
    started = time.perf_counter()
    validate(problem)
    cands = list(problem.candidates)
    free = {c.key for c in cands}
    partition: list[list[object]] = []

    compatible = {
        c.key: [o for o in cands if o.key != c.key and _compatible(c, o, problem.separations)]
        for c in cands
    }
    # The hardest families first: those with the fewest compatible others.
    for seed in sorted(cands, key=lambda c: (len(compatible[c.key]), str(c.key))):
        if seed.key not in free:
            continue
        group = [seed]
        slots = set(seed.available_slots)
        areas = set(seed.areas)
        nearest = sorted(
            (o for o in compatible[seed.key] if o.key in free),
            key=lambda o: (distance_km(seed, o), str(o.key)),
        )
        for other in nearest:
            if len(group) == problem.max_size:
                break
            if not (slots & other.available_slots) or not (areas & other.areas):
                continue
            if any(frozenset((other.key, g.key)) in problem.separations for g in group):
                continue
            group.append(other)
            slots &= other.available_slots
            areas &= other.areas
        free.discard(seed.key)
        if len(group) >= problem.min_size:
            partition.append([g.key for g in group])
            free.difference_update(g.key for g in group)
    groups, total, _ = evaluate(problem, partition)
    placed = {k for g in groups for k in g.members}
    return Result(
        groups=groups,
        unplaced=tuple((c.key, _why_alone(c, problem)) for c in cands if c.key not in placed),
        objective=total,
        bound=0,
        status="greedy",
        seconds=time.perf_counter() - started,
    )
