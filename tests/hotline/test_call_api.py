"""POST /api/v1/hotline-calls: the call, its follow-up and the due date on the next working day,
through the API as a telephony system or a person on duty would use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.families.models import ConsultantAssignment
from samspil.hotline.models import Call, ClosureDay, FollowUp
from tests.hotline.factories import HotlineFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _record, token = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client: Client, user, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/hotline-calls", body, content_type="application/json", **bearer(user)
    )


@pytest.fixture
def hotline(world):  # type: ignore[no-untyped-def]
    return HotlineFactory(municipality=world.a, team_leader=world.leader_a)


def test_a_call_on_a_friday_evening_is_followed_up_on_monday(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client,
        world.consultant_a,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-06T21:40:00+01:00"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["family"] == str(world.family_a.uuid)
    assert body["follow_up"]["due_date"] == "2026-03-09"
    assert body["follow_up"]["assignee"] == world.consultant_a.username
    assert body["hotline"] == str(hotline.uuid)


def test_the_due_date_is_the_danish_local_date_not_utc(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    # 23:30 UTC on Thursday 5 March is 00:30 on Friday in Copenhagen: due Monday, not Friday.
    response = post(
        client,
        world.consultant_a,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-05T23:30:00+00:00"},
    )
    assert response.json()["follow_up"]["due_date"] == "2026-03-09"


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        ("2026-04-01T10:00:00+02:00", "2026-04-07"),  # Easter: Thursday to Monday are holidays
        ("2023-05-04T10:00:00+02:00", "2023-05-08"),  # Store Bededag 2023 (Friday 5 May)
        ("2024-04-25T10:00:00+02:00", "2024-04-26"),  # no Store Bededag from 2024
        (
            "2025-12-23T20:00:00+01:00",
            "2025-12-29",
        ),  # 24 Dec closed (yearly), 25–26 holidays, then the weekend
    ],
)
def test_holidays_and_closure_days_are_skipped(
    client: Client, world, hotline, received_at: str, due: str
) -> None:  # type: ignore[no-untyped-def]
    ClosureDay.objects.create(municipality=world.a, date=dt.date(2020, 12, 24), every_year=True)
    response = post(
        client, world.consultant_a, {"family": str(world.family_a.uuid), "received_at": received_at}
    )
    assert response.json()["follow_up"]["due_date"] == due


def test_a_family_without_a_consultant_goes_to_the_team_leader_at_once(
    client: Client, world, hotline, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    ConsultantAssignment.objects.filter(family=world.family_a).update(ends_on=dt.date(2026, 1, 1))
    world.leader_a.email = "leder@example.dk"
    world.leader_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            world.consultant_a,
            {"family": str(world.family_a.uuid), "received_at": "2026-03-04T10:00:00+01:00"},
        )
    follow_up = response.json()["follow_up"]
    assert follow_up["assignee"] == world.leader_a.username
    assert follow_up["assigned_to_leader"] is True
    assert [m.to for m in mail.outbox] == [["leder@example.dk"]]


def test_the_person_on_duty_registers_a_call_without_naming_the_hotline(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    ShiftFactory(hotline=hotline, person=world.specialist_a)
    response = post(
        client,
        world.specialist_a,
        {
            "family": str(world.family_a.uuid),
            "received_at": "2026-03-04T02:10:00+01:00",
            "urgency": "high",
            "actions": ["police", "on_call_service"],
            "advice": "Ring igen hvis det blusser op.",
        },
    )
    assert response.status_code == 201, response.content
    call = Call.objects.get()
    assert call.registered_by == world.specialist_a
    assert call.actions == ["on_call_service", "police"]


def test_someone_not_on_duty_cannot_find_out_the_family_exists(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    for body in (
        {"family": str(world.family_a.uuid), "received_at": "2026-03-04T02:10:00+01:00"},
        {
            "family": "9a1d1f4e-0000-4000-8000-000000000000",
            "received_at": "2026-03-04T02:10:00+01:00",
        },
    ):
        response = post(client, world.specialist_a, body)
        assert response.status_code == 422
        assert response.json()["errors"] == {"family": ["No family with this id."]}


def test_a_consultant_of_another_municipality_gets_the_same_answer(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client,
        world.consultant_b,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-04T02:10:00+01:00"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"family": ["No family with this id."]}


def test_a_time_without_offset_is_refused(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client,
        world.consultant_a,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-04T02:10:00"},
    )
    assert response.status_code == 422
    assert "offset" in str(response.json())


def test_a_stub_is_completed_and_linked_later_which_creates_the_follow_up(
    client: Client, world, hotline
) -> None:  # type: ignore[no-untyped-def]
    stub = post(
        client,
        world.consultant_a,
        {
            "received_at": "2026-03-04T02:10:00+01:00",
            "hotline": str(hotline.uuid),
            "caller_phone": "40506070",
        },
    ).json()
    assert stub["status"] == "stub"
    assert stub["follow_up"] is None
    response = client.patch(
        f"/api/v1/hotline-calls/{stub['id']}",
        {"version": stub["version"], "family": str(world.family_a.uuid), "urgency": "low"},
        content_type="application/json",
        **bearer(world.consultant_a),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "registered"
    assert response.json()["follow_up"]["due_date"] == "2026-03-05"
    stale = client.patch(
        f"/api/v1/hotline-calls/{stub['id']}",
        {"version": stub["version"], "notes": "x"},
        content_type="application/json",
        **bearer(world.consultant_a),
    )
    assert stale.status_code == 409


def test_completing_a_follow_up_records_what_was_done(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    post(
        client,
        world.consultant_a,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-04T10:00:00+01:00"},
    )
    follow_up = FollowUp.objects.get()
    response = client.post(
        f"/api/v1/follow-ups/{follow_up.uuid}/done",
        {"version": follow_up.version, "outcome": "Ringede til plejemor, aftalt besøg."},
        content_type="application/json",
        **bearer(world.consultant_a),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    assert AuditEntry.objects.filter(action="hotline.follow_up.complete").exists()


def test_registering_a_call_is_audited_on_the_family(client: Client, world, hotline) -> None:  # type: ignore[no-untyped-def]
    post(
        client,
        world.consultant_a,
        {"family": str(world.family_a.uuid), "received_at": "2026-03-04T10:00:00+01:00"},
    )
    entry = AuditEntry.objects.get(action="hotline.call.create")
    assert entry.object_uuid == world.family_a.uuid
    assert entry.actor == world.consultant_a
