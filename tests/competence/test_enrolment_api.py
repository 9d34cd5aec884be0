"""The enrolment and offerings API: the same policy and services as the UI."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.competence.models import Session
from samspil.competence.services.enrolment import enrol_family
from tests.competence.factories import SessionFactory, at, in_catalogue, offering_for
from tests.factories import FamilyFactory

NOW = at(2027, 2, 1, 9)


@pytest.fixture(autouse=True)
def _frozen_time():  # type: ignore[no-untyped-def]
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
            headers={"Authorization": f"Bearer {token}"},
        )

    return call


@pytest.fixture
def session(world) -> Session:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    return SessionFactory(offering=offering, capacity=1)


def _body(session, family) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"session": str(session.uuid), "family": str(family.uuid)}


# -- POST /enrolments ------------------------------------------------------------------------


def test_post_enrolment_with_a_free_place_answers_201_enrolled(api, world, session) -> None:  # type: ignore[no-untyped-def]
    response = api(world.foster_parent_a, "post", "/enrolments", _body(session, world.family_a))
    body = response.json()
    assert (response.status_code, body["status"], body["family"], body["session"]) == (
        201,
        "enrolled",
        str(world.family_a.uuid),
        str(session.uuid),
    )


def test_post_enrolment_in_a_full_session_answers_201_waitlisted(api, world, session) -> None:  # type: ignore[no-untyped-def]
    api(world.consultant_a, "post", "/enrolments", _body(session, world.family_a_other))
    response = api(world.consultant_a, "post", "/enrolments", _body(session, world.family_a))
    assert (response.status_code, response.json()["status"]) == (201, "waitlisted")


def test_post_enrolment_twice_answers_422_for_the_family(api, world, session) -> None:  # type: ignore[no-untyped-def]
    api(world.consultant_a, "post", "/enrolments", _body(session, world.family_a))
    response = api(world.consultant_a, "post", "/enrolments", _body(session, world.family_a))
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"family": ["The family is already enrolled in this session."]},
    )


def test_post_enrolment_in_a_cancelled_session_answers_422(api, world, session) -> None:  # type: ignore[no-untyped-def]
    session.cancelled = True
    session.save()
    response = api(world.consultant_a, "post", "/enrolments", _body(session, world.family_a))
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"session": ["The session is cancelled."]},
    )


def test_post_enrolment_in_an_unknown_session_answers_422(api, world) -> None:  # type: ignore[no-untyped-def]
    response = api(
        world.consultant_a,
        "post",
        "/enrolments",
        {"session": str(uuid.uuid4()), "family": str(world.family_a.uuid)},
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"session": ["No session with this id."]},
    )


def test_post_enrolment_of_a_family_outside_scope_answers_422(api, world, session) -> None:  # type: ignore[no-untyped-def]
    response = api(world.consultant_b, "post", "/enrolments", _body(session, world.family_a))
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"family": ["No family with this id."]},
    )


def test_post_enrolment_with_a_malformed_id_answers_422(api, world, session) -> None:  # type: ignore[no-untyped-def]
    response = api(world.consultant_a, "post", "/enrolments", {"session": "nope", "family": "x"})
    fields = sorted(error["loc"][-1] for error in response.json()["detail"])
    assert (response.status_code, fields) == (422, ["family", "session"])


def test_post_enrolment_by_the_engaged_institution_answers_403(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    other = SessionFactory(offering=session.offering, starts_at=at(2027, 3, 9, 19))
    response = api(world.specialist_a, "post", "/enrolments", _body(other, world.family_a))
    assert response.status_code == 403


# -- DELETE /enrolments/{id} -----------------------------------------------------------------


def test_delete_enrolment_answers_200_with_the_cancelled_enrolment(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    response = api(world.foster_parent_a, "delete", f"/enrolments/{enrolment.uuid}")
    body = response.json()
    assert (response.status_code, body["status"], body["late_cancellation"]) == (
        200,
        "cancelled",
        False,
    )


def test_delete_enrolment_promotes_the_waiting_family(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    waiting = enrol_family(actor=world.consultant_a, session=session, family=world.family_a_other)
    api(world.consultant_a, "delete", f"/enrolments/{enrolment.uuid}")
    response = api(world.consultant_a, "get", f"/enrolments/{waiting.uuid}")
    assert response.json()["status"] == "enrolled"


def test_delete_enrolment_of_another_municipality_answers_404(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    response = api(world.consultant_b, "delete", f"/enrolments/{enrolment.uuid}")
    enrolment.refresh_from_db()
    assert (response.status_code, enrolment.status) == (404, "enrolled")


def test_delete_enrolment_twice_answers_422(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    api(world.consultant_a, "delete", f"/enrolments/{enrolment.uuid}")
    response = api(world.consultant_a, "delete", f"/enrolments/{enrolment.uuid}")
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"__all__": ["The enrolment is already cancelled."]},
    )


# -- reads -----------------------------------------------------------------------------------


def test_get_enrolments_filters_by_family(api, world, session) -> None:  # type: ignore[no-untyped-def]
    mine = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a_other)
    response = api(world.consultant_a, "get", f"/enrolments?family={world.family_a.uuid}")
    assert [item["id"] for item in response.json()["items"]] == [str(mine.uuid)]


def test_get_enrolments_shows_a_foster_parent_only_their_own(api, world, session) -> None:  # type: ignore[no-untyped-def]
    mine = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a_other)
    response = api(world.foster_parent_a, "get", f"/enrolments?session={session.uuid}")
    assert [item["id"] for item in response.json()["items"]] == [str(mine.uuid)]


def test_get_enrolment_is_audited(api, world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    api(world.leader_a, "get", f"/enrolments/{enrolment.uuid}")
    entry = AuditEntry.objects.get(action="competence.enrolment.read")
    assert (entry.actor, entry.object_uuid, entry.data["channel"]) == (
        world.leader_a,
        enrolment.uuid,
        "api",
    )


def test_get_offerings_lists_published_offerings(api, world, session) -> None:  # type: ignore[no-untyped-def]
    offering_for(world, title="Kladde", published=False)
    response = api(world.consultant_b, "get", "/offerings")
    body = response.json()
    assert (body["count"], body["items"][0]["id"], body["items"][0]["themes"]) == (
        1,
        str(session.offering.uuid),
        ["Tilknytningsteori"],
    )


def test_get_offering_shows_sessions_and_chain(api, world, session) -> None:  # type: ignore[no-untyped-def]
    follower = offering_for(world, title="Gruppesupervision", follows=session.offering)
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    response = api(world.foster_parent_a, "get", f"/offerings/{session.offering.uuid}")
    body = response.json()
    assert (
        body["before"],
        body["after"],
        [(s["id"], s["enrolled"], s["free_places"]) for s in body["sessions"]],
    ) == ([], [str(follower.uuid)], [(str(session.uuid), 1, 0)])


def test_get_draft_offering_of_another_institution_answers_404(api, world) -> None:  # type: ignore[no-untyped-def]
    draft = offering_for(world, published=False)
    response = api(world.consultant_a, "get", f"/offerings/{draft.uuid}")
    assert response.status_code == 404


def test_get_sessions_filters_by_offering_and_date(api, world, session) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=session.offering, starts_at=at(2027, 2, 20, 10))
    SessionFactory(offering=offering_for(world), starts_at=at(2027, 3, 20, 10))
    response = api(
        world.consultant_a,
        "get",
        f"/sessions?offering={session.offering.uuid}&from=2027-03-01",
    )
    items = response.json()["items"]
    assert [(item["id"], item["time_slot"], item["capacity"]) for item in items] == [
        (str(session.uuid), "evenings", 1)
    ]


def _queries(api, user, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert api(user, "get", path).status_code == 200
    return len(ctx.captured_queries)


def test_get_sessions_query_count_does_not_grow_with_rows(api, world, session) -> None:  # type: ignore[no-untyped-def]
    one = _queries(api, world.consultant_a, "/sessions")
    for day in (3, 4):
        SessionFactory(offering=offering_for(world), starts_at=at(2027, 3, day, 19))
    assert _queries(api, world.consultant_a, "/sessions") == one


def test_get_enrolments_query_count_does_not_grow_with_rows(api, world, session) -> None:  # type: ignore[no-untyped-def]
    session.capacity = 5
    session.save()
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    one = _queries(api, world.consultant_a, "/enrolments")
    enrol_family(actor=world.consultant_a, session=session, family=world.family_a_other)
    enrol_family(actor=world.leader_a, session=session, family=FamilyFactory(municipality=world.a))
    assert _queries(api, world.consultant_a, "/enrolments") == one


def test_get_offerings_query_count_does_not_grow_with_rows(api, world, session) -> None:  # type: ignore[no-untyped-def]
    one = _queries(api, world.consultant_a, "/offerings")
    offering_for(world)
    offering_for(world, follows=session.offering)
    assert _queries(api, world.consultant_a, "/offerings") == one
