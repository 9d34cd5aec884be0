"""Pools for network groups, the services and selectors: building a pool, the optimiser's input
(candidates), the proposal as a background job, editing it by hand, accepting it, and the
optimistic concurrency on the pool."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import Enrolment, Theme
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import FamilyKind
from samspil.networks import composition, reasons
from samspil.networks.enums import NetworkFamilies, PoolStatus, ProposalStatus
from samspil.networks.models import GroupMembership, NetworkGroup, Pool, PoolMember, Separation
from samspil.networks.selectors import pools as selectors
from samspil.networks.selectors import proposals as proposal_selectors
from samspil.networks.services import pools as services
from samspil.networks.services import proposals as proposal_services
from tests import factories
from tests.competence.factories import SessionFactory, offering_for
from tests.networks.factories import MembershipFactory, NetworkGroupFactory
from tests.networks.factories_pools import experienced, families, fast_settings, member, pool_of


@pytest.fixture(autouse=True)
def _fast(world: Any) -> None:
    fast_settings(world.a)
    fast_settings(world.b)


def _eight(world: Any) -> tuple[Pool, list[Any]]:
    found = families(world.a, 8)
    return pool_of(world.consultant_a, found), found


def _proposed(world: Any, pool: Pool) -> Pool:
    return proposal_services.request_proposal(actor=world.consultant_a, pool=pool)


def _group_of(pool: Pool, family: Any) -> int:
    for number, group in enumerate(pool.proposal["groups"], start=1):
        if str(family.uuid) in group["members"]:
            return number
    raise AssertionError(f"{family} is in no group")


def _busy(world: Any, family: Any) -> GroupMembership:
    group = NetworkGroupFactory(municipality=world.a, facilitator=world.consultant_a)
    return MembershipFactory(group=group, family=family)


# -- building a pool --------------------------------------------------------------------------


def test_create_pool_sizes_default_from_network_settings(world: Any) -> None:
    fast_settings(world.a, min_group_size=3, max_group_size=5)
    pool = services.create_pool(actor=world.consultant_a, name="Efterår", municipality=world.a)
    assert (pool.min_size, pool.max_size, pool.municipality, pool.created_by) == (
        3,
        5,
        world.a,
        world.consultant_a,
    )


def test_create_pool_writes_the_audit_entry(world: Any) -> None:
    pool = services.create_pool(actor=world.consultant_a, name="Efterår", municipality=world.a)
    entry = AuditEntry.objects.get(action="networks.pool.create")
    assert (entry.object_uuid, entry.data["name"], entry.data["version"]) == (
        pool.uuid,
        "Efterår",
        1,
    )


def test_create_pool_for_another_municipality_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.create_pool(actor=world.consultant_a, name="X", municipality=world.b)


def test_create_pool_with_a_collaboration_the_owner_is_not_in_is_refused(world: Any) -> None:
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.b])
    with pytest.raises(ValidationError) as error:
        services.create_pool(
            actor=world.consultant_a, name="X", municipality=world.a, collaboration=collaboration
        )
    assert error.value.message_dict["collaboration"] == [
        "Choose a collaboration the owner takes part in."
    ]


def test_create_pool_with_max_below_min_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_pool(
            actor=world.consultant_a, name="X", municipality=world.a, min_size=5, max_size=4
        )
    assert error.value.message_dict["max_size"] == [
        "The largest group cannot be smaller than the smallest."
    ]


def test_coordinator_creates_a_pool_for_their_institution(world: Any) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    pool = services.create_pool(
        actor=coordinator, name="Lindehusets netværk", institution=world.institution_a
    )
    assert (pool.institution, pool.municipality) == (world.institution_a, None)


def test_specialist_may_not_create_a_pool(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.create_pool(actor=world.specialist_a, name="X", institution=world.institution_a)


def test_add_families_adds_members_and_audits_them(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    services.add_families(
        actor=world.consultant_a,
        pool=pool,
        families=[world.family_a_other],
        expected_version=1,
    )
    entry = AuditEntry.objects.get(action="networks.pool.add_families")
    assert (
        sorted(pool.members.values_list("family__name", flat=True)),
        entry.data["families"],
        pool.version,
    ) == (
        ["Familien Andersen", "Familien Østergaard"],
        [str(world.family_a_other.uuid)],
        2,
    )


def test_add_families_refuses_a_family_already_in_an_active_group(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    _busy(world, world.family_a_other)
    with pytest.raises(ValidationError) as error:
        services.add_families(
            actor=world.consultant_a,
            pool=pool,
            families=[world.family_a_other],
            expected_version=1,
        )
    assert error.value.message_dict["families"] == [
        "Already in an active network group: Familien Østergaard."
    ]


def test_add_families_refuses_a_family_of_another_municipality(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    with pytest.raises(ValidationError) as error:
        services.add_families(
            actor=world.consultant_a, pool=pool, families=[world.family_b], expected_version=1
        )
    assert error.value.message_dict["families"] == [
        "You can only add families you may compose groups from."
    ]


def test_record_separation_stores_the_lower_id_first(world: Any) -> None:
    separation = services.record_separation(
        actor=world.consultant_a,
        family_a=world.family_a_other,
        family_b=world.family_a,
        reason="Konflikt mellem børnene",
    )
    low, high = sorted([world.family_a, world.family_a_other], key=lambda f: f.pk)
    assert (separation.family_a, separation.family_b, separation.reason) == (
        low,
        high,
        "Konflikt mellem børnene",
    )


def test_record_separation_twice_is_refused(world: Any) -> None:
    services.record_separation(
        actor=world.consultant_a, family_a=world.family_a, family_b=world.family_a_other, reason="x"
    )
    with pytest.raises(ValidationError) as error:
        services.record_separation(
            actor=world.consultant_a,
            family_a=world.family_a_other,
            family_b=world.family_a,
            reason="y",
        )
    assert error.value.message_dict["family_b"] == [
        "These two families are already recorded as not to be together."
    ]


def test_record_separation_with_a_family_out_of_reach_is_refused(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.record_separation(
            actor=world.consultant_a, family_a=world.family_a, family_b=world.family_b, reason="x"
        )


def test_remove_separation_deletes_it_and_audits(world: Any) -> None:
    separation = services.record_separation(
        actor=world.consultant_a, family_a=world.family_a, family_b=world.family_a_other, reason="x"
    )
    services.remove_separation(actor=world.consultant_a, separation=separation)
    assert (
        Separation.objects.count(),
        AuditEntry.objects.filter(action="networks.separation.delete").count(),
    ) == (0, 1)


def test_pool_read_is_audited_with_its_families(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    selectors.get_pool_for(world.consultant_a, pool.uuid)
    entry = AuditEntry.objects.get(action="networks.pool.read")
    assert entry.data["families"] == [str(world.family_a.uuid)]


# -- candidates -------------------------------------------------------------------------------


def _candidate(pool: Pool, family: Any) -> composition.Candidate:
    data = proposal_selectors.pool_input(pool)
    return next(c for c in data.problem.candidates if c.key == str(family.uuid))


def test_candidate_has_its_municipality_as_area(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    assert _candidate(pool, world.family_a).areas == frozenset({"m:101"})


def test_candidate_shares_the_collaboration_area_when_its_municipality_is_in_it(
    world: Any,
) -> None:
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a, world.b])
    pool = pool_of(
        world.consultant_a, [world.family_a, world.family_b], collaboration=collaboration
    )
    assert (_candidate(pool, world.family_a).areas, _candidate(pool, world.family_b).areas) == (
        frozenset({"m:101", f"c:{collaboration.pk}"}),
        frozenset({"m:630", f"c:{collaboration.pk}"}),
    )


def test_candidate_outside_the_collaboration_keeps_only_its_municipality(world: Any) -> None:
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    pool = pool_of(
        world.consultant_a, [world.family_a, world.family_b], collaboration=collaboration
    )
    assert _candidate(pool, world.family_b).areas == frozenset({"m:630"})


def test_candidate_age_bands_come_from_children_placed_now(world: Any) -> None:
    today = dt.date.today()
    small = factories.ChildFactory(date_of_birth=today.replace(year=today.year - 3))
    teen = factories.ChildFactory(date_of_birth=today.replace(year=today.year - 14))
    gone = factories.ChildFactory(date_of_birth=today.replace(year=today.year - 8))
    family = factories.FamilyFactory()
    factories.PlacementFactory(child=small, family=family)
    factories.PlacementFactory(child=teen, family=family)
    factories.PlacementFactory(
        child=gone,
        family=family,
        starts_on=dt.date(2019, 1, 1),
        ends_on=dt.date(2020, 1, 1),
        end_reason="home",
    )
    pool = pool_of(world.consultant_a, [family])
    assert _candidate(pool, family).age_bands == frozenset({"0–5", "13–17"})


def test_candidate_themes_come_from_offerings_the_family_is_enrolled_in(world: Any) -> None:
    autism = Theme.objects.get(name="Mentalisering")
    enrolled = SessionFactory(offering=offering_for(world, themes=[autism]))
    waiting = SessionFactory(offering=offering_for(world))
    Enrolment.objects.create(
        session=enrolled, family=world.family_a, status=EnrolmentStatus.ENROLLED
    )
    Enrolment.objects.create(
        session=waiting, family=world.family_a, status=EnrolmentStatus.WAITLISTED
    )
    pool = pool_of(world.consultant_a, [world.family_a])
    assert _candidate(pool, world.family_a).themes == frozenset({"Mentalisering"})


def test_candidate_reads_times_experience_kind_coordinates_and_pin(world: Any) -> None:
    family = factories.FamilyFactory(
        prefers_evenings=True,
        prefers_weekends=True,
        kind=FamilyKind.NETWORK,
        approved_on=dt.date.today().replace(year=dt.date.today().year - 1),
    )
    pool = pool_of(world.consultant_a, [family])
    PoolMember.objects.filter(pool=pool).update(pinned_to=2)
    candidate = _candidate(pool, family)
    assert (
        candidate.slots,
        candidate.experienced,
        candidate.network,
        candidate.pinned,
        (candidate.lat, candidate.lon),
    ) == (frozenset({"evenings", "weekends"}), False, True, 2, (55.7086, 12.5263))


def test_excluded_and_busy_members_are_not_candidates(world: Any) -> None:
    pool = pool_of(world.consultant_a, [world.family_a, world.family_a_other])
    PoolMember.objects.filter(pool=pool, family=world.family_a).update(excluded=True)
    _busy(world, world.family_a_other)
    data = proposal_selectors.pool_input(pool)
    assert (data.problem.candidates, [f.name for f in data.busy]) == ((), ["Familien Østergaard"])


def test_weights_and_time_limit_follow_the_network_settings(world: Any) -> None:
    fast_settings(
        world.a,
        weight_travel=7,
        weight_mix=1,
        weight_similarity=0,
        weight_network=4,
        network_families=NetworkFamilies.MIXED,
        solver_seconds=3,
    )
    pool = pool_of(world.consultant_a, [world.family_a])
    problem = proposal_selectors.pool_input(pool).problem
    assert (problem.weights, problem.time_limit) == (
        composition.Weights(travel=7, mix=1, similarity=0, network=4, network_together=False),
        3.0,
    )


def test_building_candidates_takes_the_same_queries_for_one_or_three_families(
    world: Any,
) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    with CaptureQueriesContext(connection) as one:
        proposal_selectors.pool_input(pool)
    for family in families(world.a, 2):
        factories.PlacementFactory(family=family)
        PoolMember.objects.create(pool=pool, family=family)
    with CaptureQueriesContext(connection) as three:
        data = proposal_selectors.pool_input(pool)
    assert (len(data.problem.candidates), len(three)) == (3, len(one))


# -- the proposal: a background job ----------------------------------------------------------


def test_request_proposal_computes_groups_through_the_task_backend(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    sizes = sorted(len(g["members"]) for g in pool.proposal["groups"])
    placed = {k for g in pool.proposal["groups"] for k in g["members"]}
    assert (pool.proposal_status, sizes, placed, pool.proposal["unplaced"]) == (
        ProposalStatus.READY,
        [4, 4],
        {str(f.uuid) for f in found},
        [],
    )


def test_proposal_groups_carry_slot_area_cost_and_reason_codes(world: Any) -> None:
    pool, _found = _eight(world)
    group = _proposed(world, pool).proposal["groups"][0]
    assert (
        group["slot"],
        group["area"],
        [r["code"] for r in group["reasons"]],
    ) == ("evenings", "m:101", ["meeting_time", "area", "travel", "experience"])


def test_proposal_stores_objective_bound_gap_and_status(world: Any) -> None:
    pool, _found = _eight(world)
    proposal = _proposed(world, pool).proposal
    assert (proposal["objective"], proposal["bound"], proposal["gap"], proposal["status"]) == (
        proposal["bound"],
        proposal["objective"],
        0.0,
        "optimal",
    )


def test_proposal_writes_its_progress(world: Any) -> None:
    pool, _found = _eight(world)
    pool = _proposed(world, pool)
    progress = pool.proposal_progress
    assert (progress["objective"], progress["bound"], progress["limit"]) == (
        pool.proposal["objective"],
        pool.proposal["bound"],
        2.0,
    )
    assert progress["solutions"] >= 1


def test_solver_run_reports_progress_while_it_searches_and_at_the_end() -> None:
    reports: list[dict[str, Any]] = []

    def slow_solve(problem: composition.Problem, *, progress: Any) -> composition.Result:
        for objective in (30, 20, 10):
            progress(objective, 5, 0.0)
            time.sleep(0.06)
        return composition.Result((), (), 10, 10, "optimal", 0.2)

    problem = composition.Problem(candidates=(), time_limit=1)
    result = proposal_services.SolverRun(problem, solve=slow_solve, interval=0.05).run(
        reports.append
    )
    assert (result.objective, reports[-1]["solutions"], reports[-1]["objective"]) == (10, 3, 10)
    assert len(reports) >= 2


def test_request_proposal_audits_and_moves_the_version(world: Any) -> None:
    pool, _found = _eight(world)
    pool = proposal_services.request_proposal(
        actor=world.consultant_a, pool=pool, expected_version=1
    )
    entry = AuditEntry.objects.get(action="networks.pool.propose")
    assert (pool.version, entry.data["version"]) == (2, 2)


def test_too_few_families_fail_with_the_reason(world: Any) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 3))
    pool = _proposed(world, pool)
    assert (pool.proposal_status, pool.proposal_error) == (
        ProposalStatus.FAILED,
        "3 families are fewer than the smallest group size of 4.",
    )


def test_pinned_families_that_cannot_be_together_fail_naming_them(world: Any) -> None:
    found = families(world.a, 8)
    pool = pool_of(world.consultant_a, found)
    services.record_separation(
        actor=world.consultant_a, family_a=found[0], family_b=found[1], reason="x"
    )
    PoolMember.objects.filter(pool=pool, family__in=found[:2]).update(pinned_to=1)
    pool = _proposed(world, pool)
    assert pool.proposal_error == (
        "Familien Pulje 01, Familien Pulje 02 are pinned to the same group but cannot be "
        "together (no common area or meeting time, or recorded as not to be together)."
    )


def test_a_family_that_cannot_be_placed_is_unplaced_with_the_reason(world: Any) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 9), min_size=4, max_size=4)
    pool = _proposed(world, pool)
    members = selectors.pool_members(pool, experienced_years=3)
    view = proposal_selectors.proposal_view(pool, members)
    assert [reason for _view, reason in view.unplaced] == ["Group sizes do not add up"]


def test_a_family_without_others_in_its_area_gets_that_reason(world: Any) -> None:
    pool = pool_of(world.consultant_a, [*families(world.a, 4), world.family_b])
    pool = _proposed(world, pool)
    assert pool.proposal["unplaced"] == [
        {
            "family": str(world.family_b.uuid),
            "reason": {"code": "too_few_in_area", "params": {"count": 0}},
        }
    ]


def test_compute_does_nothing_once_the_groups_are_created(world: Any) -> None:
    pool, _found = _eight(world)
    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.ACCEPTED)
    assert proposal_services.compute_proposal(pool.pk) is None


def test_a_computation_superseded_by_a_newer_request_stores_nothing(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool, _found = _eight(world)
    Pool.objects.filter(pk=pool.pk).update(
        proposal_status=ProposalStatus.QUEUED,
        proposal_requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    pool_input = proposal_selectors.pool_input

    def newer_request_arrives(*args: Any, **kwargs: Any) -> proposal_selectors.PoolInput:
        Pool.objects.filter(pk=pool.pk).update(
            proposal_status=ProposalStatus.QUEUED,
            proposal_requested_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        )
        return pool_input(*args, **kwargs)

    monkeypatch.setattr(proposal_selectors, "pool_input", newer_request_arrives)
    proposal_services.compute_proposal(pool.pk)
    pool.refresh_from_db()
    assert (pool.proposal_status, pool.proposal) == (ProposalStatus.QUEUED, {})


# -- the reasons as sentences -----------------------------------------------------------------


NAMES = reasons.Names(
    families={"k1": "Familien Holm"}, areas={"m:630": "Vejle", "c:7": "Trekantområdet"}
)


@pytest.mark.parametrize(
    ("code", "params", "sentence"),
    [
        ("meeting_time", {"slot": "evenings"}, "All can meet on weekday evenings"),
        ("area", {"area": "m:630"}, "All live in Vejle Kommune"),
        ("area", {"area": "c:7"}, "Within the collaboration Trekantområdet"),
        (
            "travel",
            {"centre": "k1", "average_km": 7, "max_km": 15},
            "Meets at Familien Holm's home: on average 7 km, at most 15 km",
        ),
        ("experience", {"experienced": 2, "new": 3}, "2 experienced and 3 new families"),
        ("age_bands", {"bands": ["6–12"]}, "Share children aged 6–12"),
        ("themes", {"themes": ["Autisme"]}, "Share the theme Autisme"),
        ("network_families", {"count": 2}, "2 network foster families"),
        ("too_few_in_area", {"count": 2}, "Only 2 other families in the area"),
        ("no_common_time", {"count": 1}, "No meeting time in common with enough others"),
        ("separations", {"count": 1}, "Too many recorded separations"),
        ("sizes_do_not_add_up", {}, "Group sizes do not add up"),
    ],
)
def test_reason_text_turns_a_code_into_a_sentence(
    code: str, params: dict[str, Any], sentence: str
) -> None:
    assert reasons.reason_text(code, params, NAMES) == sentence


# -- editing the proposal ---------------------------------------------------------------------


def test_pin_family_pins_it_to_its_current_group(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.pin_family(
        actor=world.consultant_a, pool=pool, family=found[0], pinned=True, expected_version=2
    )
    assert member(pool, found[0]).pinned_to == _group_of(pool, found[0])


def test_unpin_family_clears_the_pin(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.pin_family(
        actor=world.consultant_a, pool=pool, family=found[0], pinned=True, expected_version=2
    )
    services.pin_family(
        actor=world.consultant_a, pool=pool, family=found[0], pinned=False, expected_version=3
    )
    assert member(pool, found[0]).pinned_to is None


def test_move_family_edits_the_proposal_in_place_and_pins_it_there(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    source = _group_of(pool, found[0])
    target = 2 if source == 1 else 1
    services.move_family(
        actor=world.consultant_a, pool=pool, family=found[0], group=target, expected_version=2
    )
    pool.refresh_from_db()
    sizes = sorted(len(g["members"]) for g in pool.proposal["groups"])
    assert (
        _group_of(pool, found[0]),
        member(pool, found[0]).pinned_to,
        sizes,
        pool.proposal["edited"],
    ) == (target, target, [3, 5], True)


def test_a_move_that_breaks_a_size_shows_as_a_warning(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    target = 2 if _group_of(pool, found[0]) == 1 else 1
    services.move_family(
        actor=world.consultant_a, pool=pool, family=found[0], group=target, expected_version=2
    )
    pool.refresh_from_db()
    view = proposal_selectors.proposal_view(
        pool,
        selectors.pool_members(pool, experienced_years=3),
        data=proposal_selectors.pool_input(pool),
    )
    small = 1 if target == 2 else 2
    assert view.warnings == [f"Group {small} has 3 families; a group has 4–6."]


def test_a_move_is_rescored_with_the_optimisers_objective(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    target = 2 if _group_of(pool, found[0]) == 1 else 1
    proposal = services.move_family(
        actor=world.consultant_a, pool=pool, family=found[0], group=target, expected_version=2
    )
    data = proposal_selectors.pool_input(pool)
    _groups, total, _violations = composition.evaluate(
        data.problem, [g["members"] for g in proposal["groups"]]
    )
    assert proposal["objective"] == total


def test_rerun_keeps_pinned_families_together(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    first = found[0]
    other = next(f for f in found if _group_of(pool, f) != _group_of(pool, first))
    services.pin_family(
        actor=world.consultant_a, pool=pool, family=first, pinned=True, expected_version=2
    )
    services.move_family(
        actor=world.consultant_a,
        pool=pool,
        family=other,
        group=_group_of(pool, first),
        expected_version=3,
    )
    pool = proposal_services.request_proposal(
        actor=world.consultant_a, pool=pool, expected_version=4
    )
    assert (
        _group_of(pool, first) == _group_of(pool, other),
        member(pool, first).pinned_to,
        pool.proposal["edited"],
    ) == (True, _group_of(pool, first), False)


def test_exclude_family_drops_it_from_the_proposal_and_its_pin(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.pin_family(
        actor=world.consultant_a, pool=pool, family=found[0], pinned=True, expected_version=2
    )
    services.set_excluded(
        actor=world.consultant_a, pool=pool, family=found[0], excluded=True, expected_version=3
    )
    pool.refresh_from_db()
    placed = {k for g in pool.proposal["groups"] for k in g["members"]}
    assert (str(found[0].uuid) in placed, member(pool, found[0]).pinned_to) == (False, None)


def test_an_included_family_shows_as_not_in_the_proposal(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.set_excluded(
        actor=world.consultant_a, pool=pool, family=found[0], excluded=True, expected_version=2
    )
    services.set_excluded(
        actor=world.consultant_a, pool=pool, family=found[0], excluded=False, expected_version=3
    )
    pool.refresh_from_db()
    view = proposal_selectors.proposal_view(pool, selectors.pool_members(pool, experienced_years=3))
    assert [m.family for m in view.not_in_proposal] == [found[0]]


def test_remove_family_takes_it_out_of_the_pool_and_the_proposal(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.remove_family(actor=world.consultant_a, pool=pool, family=found[0], expected_version=2)
    pool.refresh_from_db()
    placed = {k for g in pool.proposal["groups"] for k in g["members"]}
    assert (pool.members.count(), str(found[0].uuid) in placed) == (7, False)


def test_an_edit_with_a_stale_version_is_refused_with_the_changes(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    services.pin_family(
        actor=world.consultant_a2, pool=pool, family=found[0], pinned=True, expected_version=2
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.set_excluded(
            actor=world.consultant_a,
            pool=Pool.objects.get(pk=pool.pk),
            family=found[1],
            excluded=True,
            expected_version=2,
        )
    assert error.value.current_version == 3


def test_a_consultant_of_another_municipality_may_not_change_the_pool(world: Any) -> None:
    pool, found = _eight(world)
    with pytest.raises(PermissionDeniedError):
        services.set_excluded(
            actor=world.consultant_b, pool=pool, family=found[0], excluded=True, expected_version=1
        )


# -- accepting --------------------------------------------------------------------------------


def test_accept_creates_one_group_per_proposal_group(world: Any) -> None:
    pool, _found = _eight(world)
    pool = _proposed(world, pool)
    created = services.accept_proposal(
        actor=world.consultant_a,
        pool=pool,
        facilitator=world.consultant_a2,
        expected_version=2,
    )
    pool.refresh_from_db()
    group = NetworkGroup.objects.get(pk=created[0].pk)
    assert (
        sorted(g.name for g in created),
        pool.status,
        group.facilitator,
        group.meeting_slot,
        group.pool,
        group.memberships.count(),
        GroupMembership.objects.filter(left_on__isnull=True).count(),
    ) == (
        [f"{pool.name} – group 1", f"{pool.name} – group 2"],
        PoolStatus.ACCEPTED,
        world.consultant_a2,
        "evenings",
        pool,
        4,
        8,
    )


def test_accepted_groups_keep_the_reasons_as_sentences(world: Any) -> None:
    pool, _found = _eight(world)
    pool = _proposed(world, pool)
    created = services.accept_proposal(
        actor=world.consultant_a,
        pool=pool,
        facilitator=world.consultant_a,
        expected_version=2,
        names=["Nord", "Syd"],
    )
    assert (created[0].name, created[0].composition[:2]) == (
        "Nord",
        ["All can meet on weekday evenings", "All live in København Kommune"],
    )


def test_accept_is_refused_while_the_proposal_breaks_a_rule(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    target = 2 if _group_of(pool, found[0]) == 1 else 1
    services.move_family(
        actor=world.consultant_a, pool=pool, family=found[0], group=target, expected_version=2
    )
    with pytest.raises(ValidationError) as error:
        services.accept_proposal(
            actor=world.consultant_a,
            pool=Pool.objects.get(pk=pool.pk),
            facilitator=world.consultant_a,
            expected_version=3,
        )
    assert (error.value.messages, NetworkGroup.objects.count()) == (
        [f"Group {1 if target == 2 else 2} has 3 families; a group has 4–6."],
        0,
    )


def test_accept_is_refused_when_a_family_joined_another_group_meanwhile(world: Any) -> None:
    pool, found = _eight(world)
    pool = _proposed(world, pool)
    _busy(world, found[3])
    with pytest.raises(ValidationError) as error:
        services.accept_proposal(
            actor=world.consultant_a, pool=pool, facilitator=world.consultant_a, expected_version=2
        )
    number = _group_of(pool, found[3])
    assert (error.value.messages, NetworkGroup.objects.filter(pool=pool).count()) == (
        [
            "Familien Pulje 04 joined another network group meanwhile.",
            f"Group {number} has 3 families; a group has 4–6.",
        ],
        0,
    )


def test_accept_is_refused_without_a_finished_proposal(world: Any) -> None:
    pool, _found = _eight(world)
    with pytest.raises(ValidationError) as error:
        services.accept_proposal(
            actor=world.consultant_a, pool=pool, facilitator=world.consultant_a, expected_version=1
        )
    assert error.value.messages == ["There is no finished proposal yet."]


def test_accept_refuses_a_facilitator_from_elsewhere(world: Any) -> None:
    pool, _found = _eight(world)
    pool = _proposed(world, pool)
    with pytest.raises(ValidationError) as error:
        services.accept_proposal(
            actor=world.consultant_a, pool=pool, facilitator=world.consultant_b, expected_version=2
        )
    assert list(error.value.message_dict) == ["facilitator"]


def test_two_people_accepting_at_once_get_a_conflict(world: Any) -> None:
    pool, _found = _eight(world)
    pool = _proposed(world, pool)
    services.accept_proposal(
        actor=world.consultant_a2,
        pool=Pool.objects.get(pk=pool.pk),
        facilitator=world.consultant_a2,
        expected_version=2,
    )
    with pytest.raises(ConcurrentEditError):
        services.accept_proposal(
            actor=world.consultant_a, pool=pool, facilitator=world.consultant_a, expected_version=2
        )
    assert NetworkGroup.objects.count() == 2


def test_a_mixed_pool_puts_experienced_and_new_families_in_every_group(world: Any) -> None:
    today = dt.date.today()
    found = families(world.a, 8, approved_on=today.replace(year=today.year - 1))
    for family in found[:4]:
        experienced(family)
    pool = _proposed(world, pool_of(world.consultant_a, found))
    for group in pool.proposal["groups"]:
        experience = next(r for r in group["reasons"] if r["code"] == "experience")
        assert experience["params"]["experienced"] >= 1
        assert experience["params"]["new"] >= 1


# -- the command ------------------------------------------------------------------------------


def test_compose_groups_command_stores_the_proposal_and_reports(
    world: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    pool, _found = _eight(world)
    call_command("compose_groups", str(pool.uuid), "--time-limit", "2")
    pool.refresh_from_db()
    out = capsys.readouterr().out
    assert (pool.proposal_status, out.splitlines()[-1]) == (
        ProposalStatus.READY,
        f"2 groups, 0 families unplaced; objective {pool.proposal['objective']}, bound "
        f"{pool.proposal['bound']} (optimal, {pool.proposal['seconds']} s).",
    )


def test_compose_groups_command_fails_with_the_reason(world: Any) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 3))
    with pytest.raises(CommandError, match="3 families are fewer than the smallest group size"):
        call_command("compose_groups", str(pool.uuid))


def test_a_coordinators_pool_becomes_groups_facilitated_by_the_institution(world: Any) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    found = families(world.a, 8)
    for family in found:
        factories.engage(family, world.institution_a)
    pool = pool_of(coordinator, found, institution=world.institution_a)
    pool = proposal_services.request_proposal(actor=coordinator, pool=pool)
    created = services.accept_proposal(
        actor=coordinator, pool=pool, facilitator=coordinator, expected_version=2
    )
    assert [(g.municipality, g.facilitator_institution) for g in created] == [
        (world.a, world.institution_a)
    ] * 2
