"""The pure composition module: hard constraints always hold, soft objectives pull the right
way, and impossible input is refused with the reason."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.networks.composition import (
    SLOTS,
    Candidate,
    CompositionError,
    Problem,
    Weights,
    distance_km,
    evaluate,
    greedy,
    solve,
)

# Rough coordinates: Vejle, Fredericia, Aalborg.
VEJLE = (55.709, 9.536)
FREDERICIA = (55.565, 9.752)
AALBORG = (57.048, 9.919)


def family(key: str, *, area: str = "m:630", slots: tuple[str, ...] = (), at=VEJLE, **kw):  # type: ignore[no-untyped-def]
    return Candidate(
        key=key, areas=frozenset({area}), slots=frozenset(slots), lat=at[0], lon=at[1], **kw
    )


def quick(*candidates: Candidate, **kw) -> Problem:  # type: ignore[no-untyped-def]
    kw.setdefault("time_limit", 5)
    return Problem(candidates=tuple(candidates), **kw)


def test_distance_between_postcode_points_is_in_kilometres() -> None:
    assert 150 <= distance_km(family("a", at=VEJLE), family("b", at=AALBORG)) <= 160


def test_fewer_families_than_the_minimum_is_refused_with_the_reason() -> None:
    with pytest.raises(CompositionError, match="fewer than the minimum group size of 4"):
        solve(quick(*(family(str(i)) for i in range(3))))


def test_maximum_below_minimum_is_refused() -> None:
    with pytest.raises(CompositionError, match="maximum group size is smaller"):
        solve(quick(*(family(str(i)) for i in range(6)), min_size=5, max_size=4))


def test_every_family_is_placed_in_groups_within_the_sizes() -> None:
    result = solve(quick(*(family(str(i)) for i in range(10))))
    sizes = sorted(len(g.members) for g in result.groups)
    assert sum(sizes) == 10
    assert all(4 <= s <= 6 for s in sizes)
    assert {k for g in result.groups for k in g.members} == {str(i) for i in range(10)}


def test_seven_families_cannot_be_split_into_groups_of_four_to_six() -> None:
    with pytest.raises(CompositionError, match="cannot be split into groups of 4–6"):
        solve(quick(*(family(str(i)) for i in range(7))))


def test_with_unplaced_allowed_the_leftover_family_is_named_with_a_reason() -> None:
    result = solve(quick(*(family(str(i)) for i in range(7)), allow_unplaced=True))
    assert len(result.unplaced) == 1
    assert result.unplaced[0][1].code == "sizes_do_not_add_up"


def test_families_without_a_common_meeting_time_are_never_grouped() -> None:
    evenings = [family(f"e{i}", slots=("evenings",)) for i in range(4)]
    weekends = [family(f"w{i}", slots=("weekends",)) for i in range(4)]
    result = solve(quick(*evenings, *weekends))
    assert sorted(sorted(g.members) for g in result.groups) == [
        ["e0", "e1", "e2", "e3"],
        ["w0", "w1", "w2", "w3"],
    ]
    assert {g.slot for g in result.groups} == {"evenings", "weekends"}


def test_a_family_without_stated_preferences_can_meet_at_any_time() -> None:
    result = solve(quick(*(family(f"e{i}", slots=("evenings",)) for i in range(3)), family("any")))
    assert result.groups[0].slot == "evenings"


def test_families_of_different_municipalities_are_grouped_only_through_a_collaboration() -> None:
    vejle = [family(f"v{i}", area="m:630") for i in range(2)]
    fredericia = [family(f"f{i}", area="m:607", at=FREDERICIA) for i in range(2)]
    with pytest.raises(CompositionError):
        solve(quick(*vejle, *fredericia))
    together = [
        Candidate(key=c.key, areas=c.areas | {"c:trekant"}, lat=c.lat, lon=c.lon)
        for c in [*vejle, *fredericia]
    ]
    result = solve(quick(*together))
    assert len(result.groups) == 1
    assert result.groups[0].area == "c:trekant"


def test_a_pair_that_must_not_be_together_is_split() -> None:
    families = [family(str(i)) for i in range(8)]
    result = solve(quick(*families, separations=frozenset({frozenset({"0", "1"})})))
    for group in result.groups:
        assert not {"0", "1"} <= set(group.members)


def test_a_separation_that_leaves_too_few_partners_is_refused_naming_the_families() -> None:
    families = [family(str(i)) for i in range(4)]
    with pytest.raises(CompositionError) as caught:
        solve(quick(*families, separations=frozenset({frozenset({"0", "1"})})))
    assert set(caught.value.families) == {"0", "1"}


def test_pinned_families_stay_together_and_pins_to_different_groups_stay_apart() -> None:
    families = [
        family(str(i), pinned=(1 if i in (0, 5) else 2 if i in (1, 6) else None)) for i in range(10)
    ]
    result = solve(quick(*families))
    group_of = {k: n for n, g in enumerate(result.groups) for k in g.members}
    assert group_of["0"] == group_of["5"]
    assert group_of["1"] == group_of["6"]
    assert group_of["0"] != group_of["1"]


def test_travel_keeps_near_families_together() -> None:
    vejle = [family(f"v{i}", area="c:x") for i in range(4)]
    aalborg = [family(f"a{i}", area="c:x", at=AALBORG) for i in range(4)]
    result = solve(quick(*vejle, *aalborg))
    assert sorted(sorted(g.members) for g in result.groups) == [
        ["a0", "a1", "a2", "a3"],
        ["v0", "v1", "v2", "v3"],
    ]
    assert result.status == "optimal"
    assert result.objective == result.bound


def test_experienced_families_are_mixed_with_new_ones() -> None:
    experienced = [family(f"x{i}", experienced=True) for i in range(4)]
    new = [family(f"n{i}") for i in range(4)]
    result = solve(quick(*experienced, *new))
    for group in result.groups:
        assert any(k.startswith("x") for k in group.members)
        assert any(k.startswith("n") for k in group.members)


def test_similar_age_bands_are_grouped_when_travel_is_equal() -> None:
    small = [family(f"s{i}", age_bands=frozenset({"0-5"})) for i in range(4)]
    teens = [family(f"t{i}", age_bands=frozenset({"13-17"})) for i in range(4)]
    result = solve(quick(*small, *teens))
    assert sorted(sorted(g.members) for g in result.groups) == [
        ["s0", "s1", "s2", "s3"],
        ["t0", "t1", "t2", "t3"],
    ]


def test_network_foster_families_are_mixed_when_the_municipality_prefers_it() -> None:
    network = [family(f"n{i}", network=True) for i in range(4)]
    general = [family(f"g{i}") for i in range(4)]
    mixed = solve(quick(*network, *general, weights=Weights(network_together=False, network=5)))
    for group in mixed.groups:
        assert {k[0] for k in group.members} == {"n", "g"}
    together = solve(quick(*network, *general, weights=Weights(network_together=True, network=5)))
    assert sorted({k[0] for k in g.members} for g in together.groups) == [{"g"}, {"n"}]


def test_a_group_explains_its_composition() -> None:
    result = solve(quick(*(family(str(i), slots=("evenings",)) for i in range(4))))
    codes = {r.code for r in result.groups[0].reasons}
    assert {"meeting_time", "area", "travel", "experience"} <= codes


def test_evaluate_lists_broken_hard_constraints_of_a_hand_edit() -> None:
    problem = quick(
        *(family(str(i), slots=("evenings",)) for i in range(4)),
        family("w", slots=("weekends",)),
        separations=frozenset({frozenset({"0", "1"})}),
    )
    _, _, violations = evaluate(problem, [["0", "1", "2", "3", "w"], []])
    assert {v.code for v in violations} == {"no_common_time", "separated"}


def test_the_optimiser_is_never_worse_than_the_greedy_baseline() -> None:
    rng = random.Random(4)
    families = [
        family(
            str(i),
            area=f"m:{i % 2}",
            slots=tuple(rng.sample(SLOTS, rng.choice([2, 3]))),
            at=(55.5 + rng.random(), 9 + rng.random()),
            experienced=rng.random() < 0.4,
        )
        for i in range(40)
    ]
    problem = quick(*families, allow_unplaced=True, time_limit=10)
    assert solve(problem).objective <= greedy(problem).objective


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    slots=st.lists(st.sets(st.sampled_from(SLOTS)), min_size=4, max_size=14),
    separated=st.sets(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=4),
)
def test_hard_constraints_hold_for_any_pool(
    slots: list[set[str]], separated: set[tuple[int, int]]
) -> None:
    families = [family(str(i), slots=tuple(s)) for i, s in enumerate(slots)]
    separations = frozenset(
        frozenset({str(a), str(b)}) for a, b in separated if a != b and max(a, b) < len(families)
    )
    problem = quick(*families, separations=separations, allow_unplaced=True, time_limit=2)
    try:
        result = solve(problem)
    except CompositionError:
        return
    seen: set[object] = set()
    for group in result.groups:
        assert 4 <= len(group.members) <= 6
        assert not seen & set(group.members)
        seen |= set(group.members)
        common = set(SLOTS)
        for key in group.members:
            common &= families[int(str(key))].available_slots
        assert group.slot in common
        for pair in separations:
            assert not pair <= set(group.members)


def test_a_large_pool_at_one_postcode_is_composed_no_worse_than_greedy_and_bound_holds() -> None:
    rng = random.Random(9)
    families = [
        family(
            str(i),
            slots=tuple(rng.sample(SLOTS, 2)),
            at=VEJLE if i % 3 else FREDERICIA,
            experienced=rng.random() < 0.4,
        )
        for i in range(100)
    ]
    problem = quick(*families, allow_unplaced=True, time_limit=10)
    optimised, baseline = solve(problem), greedy(problem)
    assert optimised.objective <= baseline.objective
    assert optimised.bound <= min(optimised.objective, baseline.objective)
