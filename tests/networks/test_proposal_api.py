"""POST /api/v1/network-group-proposals: the optimiser on demand, nothing stored. The contract
(names exactly), the 422 reasons, 401 and 403, and the audit entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.networks.models import Pool
from samspil.networks.services import pools as services
from tests.networks.factories import MembershipFactory, NetworkGroupFactory
from tests.networks.factories_pools import families, fast_settings

URL = "/api/v1/network-group-proposals"


@pytest.fixture(autouse=True)
def _fast(world: Any) -> None:
    fast_settings(world.a)
    fast_settings(world.b)


def _post(client: Client, user: Any, body: dict[str, Any]) -> Any:
    _record, token = create_api_token(user=user, name="test")
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
    )


def _ids(found: list[Any]) -> list[str]:
    return [str(f.uuid) for f in found]


def _messages(response: Any, field: str = "families") -> list[str]:
    assert response.status_code == 422
    return list(response.json()["errors"][field])


def test_proposal_answers_the_contract_names_exactly(world: Any, client: Client) -> None:
    response = _post(client, world.consultant_a, {"families": _ids(families(world.a, 8))})
    assert (response.status_code, sorted(response.json())) == (
        200,
        ["bound", "gap", "groups", "objective", "reasons", "seconds", "status", "unplaced"],
    )


def test_proposal_groups_are_lists_of_the_family_ids(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    body = _post(client, world.consultant_a, {"families": _ids(found)}).json()
    assert (
        sorted(len(g) for g in body["groups"]),
        sorted(k for g in body["groups"] for k in g),
    ) == (
        [4, 4],
        sorted(_ids(found)),
    )


def test_proposal_answers_objective_and_bound_as_integers(world: Any, client: Client) -> None:
    body = _post(client, world.consultant_a, {"families": _ids(families(world.a, 8))}).json()
    assert (
        type(body["objective"]),
        type(body["bound"]),
        body["objective"] == body["bound"],
        body["status"],
        body["gap"],
    ) == (int, int, True, "optimal", 0.0)


def test_proposal_answers_translated_reasons_per_group(world: Any, client: Client) -> None:
    body = _post(client, world.consultant_a, {"families": _ids(families(world.a, 8))}).json()
    assert [reasons[:2] for reasons in body["reasons"]] == [
        ["All can meet on weekday evenings", "All live in København Kommune"]
    ] * 2


def test_proposal_stores_nothing_and_writes_one_audit_entry(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    _post(client, world.consultant_a, {"families": _ids(found)})
    entry = AuditEntry.objects.get(action="networks.proposal.compute")
    assert (Pool.objects.count(), sorted(entry.data["families"]), entry.data["channel"]) == (
        0,
        sorted(_ids(found)),
        "api",
    )


def test_proposal_sizes_are_respected(world: Any, client: Client) -> None:
    body = _post(
        client,
        world.consultant_a,
        {"families": _ids(families(world.a, 9)), "min_size": 3, "max_size": 3},
    ).json()
    assert sorted(len(g) for g in body["groups"]) == [3, 3, 3]


def test_proposal_honours_the_separations_sent(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    body = _post(
        client,
        world.consultant_a,
        {"families": _ids(found), "separations": [[str(found[0].uuid), str(found[1].uuid)]]},
    ).json()
    together = [g for g in body["groups"] if str(found[0].uuid) in g and str(found[1].uuid) in g]
    assert together == []


def test_proposal_honours_recorded_separations(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    services.record_separation(
        actor=world.consultant_a, family_a=found[2], family_b=found[3], reason="x"
    )
    body = _post(client, world.consultant_a, {"families": _ids(found)}).json()
    together = [g for g in body["groups"] if str(found[2].uuid) in g and str(found[3].uuid) in g]
    assert together == []


def test_proposal_keeps_pinned_families_together(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    pinned = {str(found[0].uuid): 1, str(found[7].uuid): 1}
    body = _post(client, world.consultant_a, {"families": _ids(found), "pinned": pinned}).json()
    together = [g for g in body["groups"] if str(found[0].uuid) in g and str(found[7].uuid) in g]
    assert len(together) == 1


def test_proposal_with_unplaced_allowed_names_the_leftover_with_a_reason(
    world: Any, client: Client
) -> None:
    body = _post(
        client,
        world.consultant_a,
        {
            "families": _ids(families(world.a, 9)),
            "min_size": 4,
            "max_size": 4,
            "allow_unplaced": True,
        },
    ).json()
    assert [u["reason"] for u in body["unplaced"]] == ["Group sizes do not add up"]


# -- 422 --------------------------------------------------------------------------------------


def test_fewer_families_than_the_minimum_answer_422(world: Any, client: Client) -> None:
    response = _post(client, world.consultant_a, {"families": _ids(families(world.a, 3))})
    assert _messages(response) == ["3 families are fewer than the smallest group size of 4."]


def test_max_below_min_answers_422(world: Any, client: Client) -> None:
    response = _post(
        client,
        world.consultant_a,
        {"families": _ids(families(world.a, 8)), "min_size": 5, "max_size": 4},
    )
    assert _messages(response, "max_size") == [
        "The largest group cannot be smaller than the smallest."
    ]


@pytest.mark.parametrize(("field", "size"), [("min_size", 1), ("max_size", 31)])
def test_sizes_outside_2_to_30_answer_422(
    world: Any, client: Client, field: str, size: int
) -> None:
    response = _post(client, world.consultant_a, {"families": [], field: size})
    assert _messages(response, field) == ["A group has between 2 and 30 families."]


def test_time_limit_outside_1_to_60_answers_422(world: Any, client: Client) -> None:
    response = _post(
        client, world.consultant_a, {"families": _ids(families(world.a, 8)), "time_limit": 61}
    )
    assert _messages(response, "time_limit") == ["The time limit is 1–60 seconds."]


def test_duplicate_ids_answer_422(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    response = _post(client, world.consultant_a, {"families": [*_ids(found), _ids(found)[0]]})
    assert _messages(response) == [f"A family is in the list more than once: {found[0].uuid}."]


def test_a_family_of_another_municipality_answers_like_an_unknown_id(
    world: Any, client: Client
) -> None:
    found = _ids(families(world.a, 7))
    unknown = "00000000-0000-4000-8000-000000000000"
    other = _post(client, world.consultant_a, {"families": [*found, str(world.family_b.uuid)]})
    missing = _post(client, world.consultant_a, {"families": [*found, unknown]})
    assert _messages(other) == [
        f"No family you may compose groups from has the id(s): {world.family_b.uuid}."
    ]
    assert _messages(missing) == [
        f"No family you may compose groups from has the id(s): {unknown}."
    ]


def test_a_family_in_an_active_group_answers_422(world: Any, client: Client) -> None:
    found = families(world.a, 8)
    group = NetworkGroupFactory(municipality=world.a, facilitator=world.consultant_a)
    MembershipFactory(group=group, family=found[0])
    response = _post(client, world.consultant_a, {"families": _ids(found)})
    assert _messages(response) == ["Already in an active network group: Familien Pulje 01."]


def test_an_infeasible_combination_answers_422_with_the_reason(world: Any, client: Client) -> None:
    response = _post(client, world.consultant_a, {"families": _ids(families(world.a, 7))})
    assert _messages(response) == [
        "The families cannot be split into groups of 4–6 under these constraints (sizes, "
        "meeting times, areas, pins and separations)."
    ]


def test_families_without_enough_others_are_named_in_the_422(world: Any, client: Client) -> None:
    evenings = families(world.a, 4)
    weekends = families(
        world.a, 2, prefix="Familien Weekend", prefers_evenings=False, prefers_weekends=True
    )
    response = _post(client, world.consultant_a, {"families": _ids([*evenings, *weekends])})
    assert _messages(response) == [
        "Too few others these families could meet with: Familien Weekend 01, Familien Weekend 02."
    ]


def test_separations_naming_families_outside_the_list_answer_422(
    world: Any, client: Client
) -> None:
    found = families(world.a, 8)
    response = _post(
        client,
        world.consultant_a,
        {"families": _ids(found), "separations": [[str(found[0].uuid), str(world.family_a.uuid)]]},
    )
    assert _messages(response, "separations") == [
        "Each separation names two different families from the list."
    ]


# -- who may ----------------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401(world: Any, client: Client) -> None:
    response = client.post(URL, {"families": []}, content_type="application/json")
    assert (response.status_code, response.json()) == (
        401,
        {
            "detail": "Authentication required: send a valid token as 'Authorization: Bearer <token>'."
        },
    )


@pytest.mark.parametrize(
    "persona", ["specialist_a", "foster_parent_a", "evaluator", "case_worker_a"]
)
def test_users_who_may_not_compose_get_403(world: Any, client: Client, persona: str) -> None:
    response = _post(client, getattr(world, persona), {"families": _ids(families(world.a, 8))})
    assert (
        response.status_code,
        AuditEntry.objects.filter(action__startswith="networks").count(),
    ) == (
        403,
        0,
    )


def test_a_consultant_of_another_municipality_gets_422_not_the_families(
    world: Any, client: Client
) -> None:
    found = families(world.a, 8)
    response = _post(client, world.consultant_b, {"families": _ids(found)})
    assert response.status_code == 422
    assert "Familien Pulje" not in response.content.decode()
