"""GET /api/v1/hotline-calls and GET /api/v1/follow-ups: what they answer, that their query
counts do not grow with rows, that a list read is audited (ids only), and that registering a
call costs the same number of queries whichever municipality the family lives in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.hotline.models import Call, FollowUp
from tests import factories
from tests.hotline.factories import CallFactory, FollowUpFactory, HotlineFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _record, token = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def hotline(world):  # type: ignore[no-untyped-def]
    return HotlineFactory(municipality=world.a, team_leader=world.leader_a)


def call_with_follow_up(world, hotline, *, family=None, escalated: bool = False) -> Call:  # type: ignore[no-untyped-def]
    """A call for `family` (family_a) with consultant_a's open follow-up; `escalated` to
    leader_a."""
    call = CallFactory(hotline=hotline, family=family or world.family_a)
    FollowUpFactory(
        call=call,
        assignee=world.consultant_a,
        escalated_at=timezone.now() if escalated else None,
        escalated_to=world.leader_a if escalated else None,
    )
    return call


def stub(hotline) -> Call:  # type: ignore[no-untyped-def]
    return CallFactory(hotline=hotline, family=None, status="stub", topic=None)


# -- GET /api/v1/hotline-calls -------------------------------------------------------------------


def test_call_list_answers_each_call_with_its_follow_up(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    call = call_with_follow_up(world, hotline, escalated=True)
    unlinked = stub(hotline)
    response = client.get("/api/v1/hotline-calls", **bearer(world.leader_a))
    items = {item["id"]: item for item in response.json()["items"]}
    assert set(items) == {str(call.uuid), str(unlinked.uuid)}
    follow_up = items[str(call.uuid)]["follow_up"]
    assert (follow_up["assignee"], follow_up["escalated"], follow_up["escalated_to"]) == (
        world.consultant_a.username,
        True,
        world.leader_a.username,
    )
    assert items[str(unlinked.uuid)]["follow_up"] is None


def test_call_list_does_not_show_another_municipalitys_calls(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    call_with_follow_up(world, hotline)
    response = client.get("/api/v1/hotline-calls", **bearer(world.consultant_b))
    assert response.json() == {"items": [], "count": 0}


def test_call_list_queries_do_not_grow_with_rows(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(world.leader_a)
    call_with_follow_up(world, hotline)
    client.get("/api/v1/hotline-calls", **headers)  # the token's last use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/hotline-calls", **headers).json()["count"] == 1
    other = factories.FamilyFactory(municipality=world.a)
    call_with_follow_up(world, hotline, family=other, escalated=True)
    stub(hotline)
    with CaptureQueriesContext(connection) as three:
        assert client.get("/api/v1/hotline-calls", **headers).json()["count"] == 3
    assert len(three) == len(one)


def test_call_list_read_is_audited_with_ids_only(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    call = call_with_follow_up(world, hotline)
    unlinked = stub(hotline)
    client.get("/api/v1/hotline-calls", **bearer(world.leader_a))
    entry = AuditEntry.objects.get(action="hotline.call.list")
    assert entry.actor == world.leader_a
    assert entry.municipality_id == world.a.pk
    assert entry.data == {
        "calls": sorted([str(call.uuid), str(unlinked.uuid)]),
        "families": [str(world.family_a.uuid)],
        "channel": "api",
    }
    assert (entry.object_uuid, entry.object_label) == (None, "")


def test_an_empty_call_list_is_not_audited(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    call_with_follow_up(world, hotline)
    client.get("/api/v1/hotline-calls", **bearer(world.consultant_b))
    assert not AuditEntry.objects.filter(action="hotline.call.list").exists()


# -- GET /api/v1/follow-ups ----------------------------------------------------------------------


def test_follow_up_list_answers_assignee_and_escalation(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    call = call_with_follow_up(world, hotline, escalated=True)
    response = client.get("/api/v1/follow-ups", **bearer(world.leader_a))
    [item] = response.json()["items"]
    assert (item["id"], item["assignee"], item["escalated_to"]) == (
        str(call.follow_up.uuid),
        world.consultant_a.username,
        world.leader_a.username,
    )


def test_follow_up_list_queries_do_not_grow_with_rows(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(world.leader_a)
    call_with_follow_up(world, hotline)
    client.get("/api/v1/follow-ups", **headers)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/follow-ups", **headers).json()["count"] == 1
    other = factories.FamilyFactory(municipality=world.a)
    call_with_follow_up(world, hotline, family=other, escalated=True)
    call_with_follow_up(world, hotline, family=world.family_a_other)
    with CaptureQueriesContext(connection) as three:
        assert client.get("/api/v1/follow-ups", **headers).json()["count"] == 3
    assert len(three) == len(one)


def test_follow_up_list_read_is_audited_with_ids_only(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    call = call_with_follow_up(world, hotline)
    client.get("/api/v1/follow-ups", **bearer(world.consultant_a))
    entry = AuditEntry.objects.get(action="hotline.follow_up.list")
    assert entry.actor == world.consultant_a
    assert entry.municipality_id == world.a.pk
    assert entry.data == {
        "follow_ups": [str(FollowUp.objects.get(call=call).uuid)],
        "families": [str(world.family_a.uuid)],
        "channel": "api",
    }


# -- POST /api/v1/hotline-calls ------------------------------------------------------------------


def _register(client: Client, headers: dict[str, str], family) -> int:  # type: ignore[no-untyped-def]
    """The queries of registering a call for `family` (the answer must be 201)."""
    received_at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/hotline-calls",
            {"family": str(family.uuid), "received_at": received_at},
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201, response.content
    assert response.json()["follow_up"]["assignee"]
    return len(queries)


def test_registering_a_call_costs_the_same_queries_in_every_municipality(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    HotlineFactory(municipality=world.b, team_leader=None)  # Vejle: the leader by membership
    a, b = bearer(world.consultant_a), bearer(world.consultant_b)
    _register(client, a, world.family_a)  # the tokens' last use is recorded once
    _register(client, b, world.family_b)
    assert _register(client, a, world.family_a) == _register(client, b, world.family_b)


def test_registering_a_call_costs_the_same_queries_however_many_hotlines_one_answers(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    ShiftFactory(hotline=hotline, person=world.specialist_a)
    headers = bearer(world.specialist_a)
    _register(client, headers, world.family_a)
    one = _register(client, headers, world.family_a)
    for name in ("Akuttelefon B", "Akuttelefon C"):  # seen (a past shift), not answered now
        earlier = timezone.now() - dt.timedelta(days=2)
        ShiftFactory(
            hotline=HotlineFactory(name=name, municipality=world.a),
            person=world.specialist_a,
            starts_at=earlier,
            ends_at=earlier + dt.timedelta(hours=8),
        )
    assert _register(client, headers, world.family_a) == one
    assert Call.objects.filter(hotline=hotline).count() == 3
