from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.families.models import FosterFamily
from tests import factories


@pytest.fixture
def api(client, world):  # type: ignore[no-untyped-def]
    def call(user, method: str, path: str, payload: object | None = None):  # type: ignore[no-untyped-def]
        _record, token = create_api_token(user=user, name="test")
        return getattr(client, method)(
            f"/api/v1{path}",
            data=payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return call


NEW_FAMILY = {
    "municipality": "101",
    "consultant": "consultant_a2",
    "name": "Familien Vang",
    "approved_on": "2021-06-01",
    "address": "Vangevej 3",
    "postcode": "2400",
    "city": "København NV",
    "prefers_evenings": True,
}


def test_create_family_answers_201_with_the_family(api, world) -> None:
    response = api(world.consultant_a, "post", "/families", NEW_FAMILY)
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["consultant"], body["municipality"], body["version"]) == (
        "Familien Vang",
        "consultant_a2",
        "101",
        1,
    )
    assert (
        AuditEntry.objects.filter(action="families.family.create", object_uuid=body["id"]).count()
        == 1
    )


def test_create_family_with_bad_fields_answers_422_per_field(api, world) -> None:
    response = api(
        world.consultant_a,
        "post",
        "/families",
        {**NEW_FAMILY, "postcode": "12", "approved_on": "not a date"},
    )
    assert response.status_code == 422
    fields = {tuple(error["loc"][-1:]) for error in response.json()["detail"]}
    assert fields == {("postcode",), ("approved_on",)}


def test_create_family_with_consultant_of_other_municipality_answers_422(api, world) -> None:
    response = api(
        world.consultant_a, "post", "/families", {**NEW_FAMILY, "consultant": "consultant_b"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["consultant"]


def test_create_family_in_other_municipality_answers_403(api, world) -> None:
    response = api(world.consultant_a, "post", "/families", {**NEW_FAMILY, "municipality": "630"})
    assert response.status_code == 403


def test_malformed_json_answers_400_not_500(api, world, client) -> None:
    _record, token = create_api_token(user=world.consultant_a, name="t")
    response = client.post(
        "/api/v1/families",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422)


def test_update_family_with_current_version_saves(api, world) -> None:
    response = api(
        world.consultant_a,
        "patch",
        f"/families/{world.family_a.uuid}",
        {"version": 1, "city": "Valby"},
    )
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["version"]) == ("Valby", 2)


def test_update_family_with_stale_version_answers_409_with_changes(api, world) -> None:
    api(
        world.consultant_a,
        "patch",
        f"/families/{world.family_a.uuid}",
        {"version": 1, "city": "Valby"},
    )
    response = api(
        world.leader_a,
        "patch",
        f"/families/{world.family_a.uuid}",
        {"version": 1, "city": "Vanløse"},
    )
    assert response.status_code == 409
    body = response.json()
    assert (
        body["current_version"],
        [(c["field"], c["after"], c["by"]) for c in body["changes"]],
    ) == (2, [("city", "Valby", "consultant_a")])
    assert FosterFamily.objects.get(pk=world.family_a.pk).city == "Valby"


def test_update_family_of_other_municipality_answers_404(api, world) -> None:
    response = api(
        world.consultant_a,
        "patch",
        f"/families/{world.family_b.uuid}",
        {"version": 1, "city": "Valby"},
    )
    assert response.status_code == 404


def test_update_family_seen_but_not_changeable_answers_403(api, world) -> None:
    response = api(
        world.case_worker_a,
        "patch",
        f"/families/{world.family_a.uuid}",
        {"version": 1, "city": "Valby"},
    )
    assert response.status_code == 403


def test_create_child_and_placement(api, world) -> None:
    child = api(
        world.consultant_a,
        "post",
        "/children",
        {
            "municipality": "101",
            "first_name": "Ida",
            "last_name": "Holm",
            "date_of_birth": "2016-04-01",
            "cpr": "010416-4321",
            "case_worker": "case_worker_a",
        },
    )
    assert child.status_code == 201
    assert child.json()["has_cpr"] is True
    assert "cpr" not in child.json()
    placement = api(
        world.consultant_a,
        "post",
        "/placements",
        {
            "child": child.json()["id"],
            "family": str(world.family_a_other.uuid),
            "starts_on": "2024-02-01",
        },
    )
    assert placement.status_code == 201
    ended = api(
        world.consultant_a,
        "patch",
        f"/placements/{placement.json()['id']}",
        {"version": 1, "ends_on": "2025-01-31", "end_reason": "breakdown"},
    )
    assert (ended.status_code, ended.json()["end_reason"]) == (200, "breakdown")


def test_ending_placement_before_it_starts_answers_422(api, world) -> None:
    response = api(
        world.consultant_a,
        "patch",
        f"/placements/{world.placement_a.uuid}",
        {"version": 1, "ends_on": "2000-01-01", "end_reason": "planned"},
    )
    assert response.status_code == 422


def test_family_list_is_paginated_and_filterable(api, world) -> None:
    response = api(world.consultant_a, "get", "/families?q=Østergaard")
    body = response.json()
    assert (body["count"], [item["name"] for item in body["items"]]) == (1, ["Familien Østergaard"])


def test_family_list_query_count_does_not_grow_with_rows(api, world) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            api(world.consultant_a, "get", "/families")
        return len(ctx.captured_queries)

    one = count()
    for _ in range(3):
        family = factories.FamilyFactory(municipality=world.a)
        factories.assign(family, world.consultant_a)
        factories.PlacementFactory(family=family)
    assert count() == one


def test_municipalities_list_has_all_98(api, world) -> None:
    body = api(world.evaluator, "get", "/municipalities").json()
    assert body["count"] == 98
    assert {"code": "410", "name": "Middelfart"}.items() <= next(
        m for m in body["items"] if m["code"] == "410"
    ).items()


def test_openapi_schema_is_published(client, db) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/families" in response.json()["paths"]


def test_interactive_docs_are_served_under_the_csp(client, db) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_unknown_consultant_answers_like_a_consultant_of_another_municipality(api, world) -> None:
    unknown = api(world.consultant_a, "post", "/families", {**NEW_FAMILY, "consultant": "nobody"})
    elsewhere = api(
        world.consultant_a, "post", "/families", {**NEW_FAMILY, "consultant": "consultant_b"}
    )
    assert (unknown.status_code, unknown.json()["errors"]) == (
        elsewhere.status_code,
        elsewhere.json()["errors"],
    )
