"""The network-group API: the same policy as the UI, members per the consent rule, 201 on
planning a meeting, attendance, the cadence gaps, 4xx with reasons (never 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.networks.models import GroupMembership, Meeting
from samspil.networks.services import meetings as meeting_services
from tests.competence.factories import at
from tests.networks.factories_groups import NOW, group_for, meeting_for, parent_family

HIDDEN = "A member family (has not shared contact details)"
PLAN = {
    "starts_at": "2026-10-20T19:00:00+02:00",
    "ends_at": "2026-10-20T21:00:00+02:00",
    "mode": "physical",
    "place": "Lindehuset",
    "agenda": "Søvn",
}


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client, world):  # type: ignore[no-untyped-def]
    def call(user, method: str, path: str, payload: object | None = None):  # type: ignore[no-untyped-def]
        _record, token = create_api_token(user=user, name="test")
        return getattr(client, method)(
            f"/api/v1{path}",
            data=payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        )

    return call


# -- reading ------------------------------------------------------------------------------------


def test_group_list_answers_the_visible_groups_with_cadence(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 8, 1, 19), attendees=[world.family_a])
    group_for(world, [world.family_b], municipality=world.b, facilitator=world.consultant_b)
    response = api(world.consultant_a, "get", "/network-groups")
    [item] = response.json()["items"]
    assert (item["id"], item["member_count"], item["last_meeting"], item["days_overdue"]) == (
        str(group.uuid),
        2,
        "2026-08-01",
        31,
    )
    assert (item["gap"], item["facilitator"], item["phase"]) == (
        True,
        "specialist_a",
        "facilitated",
    )


def test_group_list_query_count_does_not_grow_with_rows(world, api) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])
    with CaptureQueriesContext(connection) as one:
        api(world.consultant_a, "get", "/network-groups")
    for i in range(3):
        family, _user = parent_family(world, f"Familien Nr{i}", f"nr{i}")
        meeting_for(group_for(world, [family]), attendees=[family])
    with CaptureQueriesContext(connection) as three:
        api(world.consultant_a, "get", "/network-groups")
    assert len(three) == len(one)


def test_group_detail_hides_members_without_consent_from_a_member(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(world.foster_parent_a, "get", f"/network-groups/{group.uuid}")
    members = response.json()["members"]
    assert [(m["name"], m["family"], m["phone"]) for m in members] == [
        ("Familien Andersen", str(world.family_a.uuid), world.family_a.phone),
        (HIDDEN, None, None),
    ]


def test_group_detail_shows_a_consenting_member_with_parents(world, api) -> None:  # type: ignore[no-untyped-def]
    other, _parent = parent_family(world, "Familien Holm", "holm")
    group = group_for(world, [world.family_a, other])
    GroupMembership.objects.filter(family=other).update(shares_contact_details=True)
    response = api(world.foster_parent_a, "get", f"/network-groups/{group.uuid}")
    holm = response.json()["members"][1]
    assert (holm["name"], holm["parents"][0]["email"]) == ("Familien Holm", "holm@example.org")


def test_group_detail_names_the_families_present_the_caller_may_see(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a, world.family_a_other])
    response = api(world.foster_parent_a, "get", f"/network-groups/{group.uuid}")
    [meeting] = response.json()["meetings"]
    assert (meeting["families_present"], meeting["attendees"]) == (2, [str(world.family_a.uuid)])


def test_group_detail_query_count_does_not_grow_with_meetings(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with CaptureQueriesContext(connection) as bare:
        api(world.consultant_a, "get", f"/network-groups/{group.uuid}")
    for day in (1, 2, 3):
        meeting_for(group, at(2026, 9, day, 19), attendees=[world.family_a])
    with CaptureQueriesContext(connection) as three:
        api(world.consultant_a, "get", f"/network-groups/{group.uuid}")
    assert len(three) == len(bare)


def test_group_detail_is_audited(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    api(world.consultant_a, "get", f"/network-groups/{group.uuid}")
    entry = AuditEntry.objects.get(action="networks.group.read")
    assert (entry.actor, entry.object_uuid, entry.data["channel"]) == (
        world.consultant_a,
        group.uuid,
        "api",
    )


def test_group_detail_out_of_scope_is_404(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(world.consultant_b, "get", f"/network-groups/{group.uuid}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_group_meetings_list_the_groups_meetings_latest_first(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    held = meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a, world.family_a_other])
    planned = meeting_for(group, at(2026, 10, 20, 19))
    response = api(world.foster_parent_a, "get", f"/network-groups/{group.uuid}/meetings")
    first, second = response.json()
    assert (first["id"], second["id"]) == (str(planned.uuid), str(held.uuid))
    assert (second["families_present"], second["attendees"]) == (2, [str(world.family_a.uuid)])


# -- planning a meeting ----------------------------------------------------------------------------


def test_plan_meeting_answers_201(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(world.specialist_a, "post", f"/network-groups/{group.uuid}/meetings", PLAN)
    meeting = Meeting.objects.get(group=group)
    body = response.json()
    assert (response.status_code, body["id"], body["facilitated"], body["facilitator"]) == (
        201,
        str(meeting.uuid),
        True,
        "specialist_a",
    )


def test_plan_meeting_by_a_member_family_is_403(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(world.foster_parent_a, "post", f"/network-groups/{group.uuid}/meetings", PLAN)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You may see this record but not change it."},
    )
    assert not Meeting.objects.filter(group=group).exists()


def test_plan_meeting_out_of_scope_is_404(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(world.consultant_b, "post", f"/network-groups/{group.uuid}/meetings", PLAN)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    assert not Meeting.objects.filter(group=group).exists()


def test_plan_meeting_virtual_without_link_is_422_per_field(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    response = api(
        world.specialist_a,
        "post",
        f"/network-groups/{group.uuid}/meetings",
        {**PLAN, "mode": "virtual", "place": ""},
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"link": ["Give the link to the virtual meeting."]},
    )


# -- attendance ---------------------------------------------------------------------------------------


def test_attendance_is_recorded_with_minutes(world, api) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world), at(2026, 9, 30, 19))
    response = api(
        world.specialist_a,
        "post",
        f"/network-meetings/{meeting.uuid}/attendance",
        {"families": [str(world.family_a.uuid)], "minutes": "Godt møde", "version": 1},
    )
    body = response.json()
    assert (response.status_code, body["attendance_recorded"], body["minutes"]) == (
        200,
        True,
        "Godt møde",
    )
    assert (body["families_present"], body["version"]) == (1, 2)


def test_attendance_of_a_family_not_in_the_group_is_422(world, api) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world, [world.family_a]), at(2026, 9, 30, 19))
    response = api(
        world.specialist_a,
        "post",
        f"/network-meetings/{meeting.uuid}/attendance",
        {"families": [str(world.family_a_other.uuid)]},
    )
    assert (response.status_code, list(response.json()["errors"])) == (422, ["families"])


def test_attendance_before_the_meeting_is_422(world, api) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world), at(2026, 10, 20, 19))
    response = api(
        world.specialist_a,
        "post",
        f"/network-meetings/{meeting.uuid}/attendance",
        {"families": [str(world.family_a.uuid)]},
    )
    assert response.json()["errors"] == {
        "attendees": ["Attendance can be recorded once the meeting has begun."]
    }


def test_attendance_with_a_stale_version_is_409(world, api) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world), at(2026, 9, 30, 19))
    meeting_services.update_meeting(
        actor=world.consultant_a, meeting=meeting, values={"agenda": "Nyt"}, expected_version=1
    )
    response = api(
        world.specialist_a,
        "post",
        f"/network-meetings/{meeting.uuid}/attendance",
        {"families": [str(world.family_a.uuid)], "version": 1},
    )
    assert (response.status_code, response.json()["current_version"]) == (409, 2)


def test_attendance_by_a_member_family_is_403(world, api) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_for(group_for(world), at(2026, 9, 30, 19))
    response = api(
        world.foster_parent_a,
        "post",
        f"/network-meetings/{meeting.uuid}/attendance",
        {"families": [str(world.family_a.uuid)]},
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You may see this record but not change it."},
    )
    meeting.refresh_from_db()
    assert (meeting.attendance_recorded, list(meeting.attendees.all())) == (False, [])


# -- gaps -----------------------------------------------------------------------------------------------


def test_gaps_answer_the_overdue_groups(world, api) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, started_on=dt.date(2026, 8, 17))
    planned = meeting_for(group, at(2026, 10, 15, 19))
    response = api(world.leader_a, "get", "/network-gaps")
    assert response.json() == [
        {
            "group": str(group.uuid),
            "name": group.name,
            "municipality": "101",
            "facilitator": "specialist_a",
            "last_meeting": None,
            "days_overdue": 15,
            "next_meeting": str(planned.uuid),
            "next_meeting_at": "2026-10-15T17:00:00Z",
        }
    ]


def test_gaps_of_another_municipality_are_empty(world, api) -> None:  # type: ignore[no-untyped-def]
    group_for(world, started_on=dt.date(2026, 1, 1))
    assert api(world.consultant_b, "get", "/network-gaps").json() == []


# Which groups each persona lists (UI and API share `groups_for`): the list and the detail
# page must agree with the access matrix (tests/networks/access_rows_groups.py).
LIST_ROWS = {
    "consultant_a": {"A", "A2"},
    "consultant_b": {"B"},
    "leader_a": {"A", "A2"},
    "case_worker_a": set(),
    "specialist_a": {"A"},
    "foster_parent_a": {"A"},
    "evaluator": set(),
    "programme_officer": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize(("persona", "expected"), LIST_ROWS.items(), ids=list(LIST_ROWS))
def test_group_list_shows_exactly_the_visible_groups(world, api, persona, expected) -> None:  # type: ignore[no-untyped-def]
    group_for(world, name="A")
    group_for(world, [], name="A2", facilitator=world.consultant_a, institution=None)
    group_for(
        world,
        [world.family_b],
        name="B",
        municipality=world.b,
        facilitator=world.consultant_b,
        institution=None,
    )
    response = api(getattr(world, persona), "get", "/network-groups")
    assert {item["name"] for item in response.json()["items"]} == expected
