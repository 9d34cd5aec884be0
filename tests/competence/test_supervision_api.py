"""The supervision API: the same policy as the UI, private notes only for the institution,
201 on opening a course, 4xx with reasons (never 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.competence.enums import SupervisionLocation
from samspil.competence.models import SupervisionCourse, SupervisionSession
from tests import factories
from tests.competence.factories import at, course_for

TODAY = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(at(2026, 10, 1, 12), tick=False):
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


def with_session(world: Any, course: SupervisionCourse) -> SupervisionSession:
    session = SupervisionSession.objects.create(
        course=course,
        starts_at=at(2026, 9, 15, 10),
        hours=Decimal("1.5"),
        location=SupervisionLocation.HOME,
        delivered_by=world.specialist_a,
        shared_notes="Faste rutiner aftalt",
        private_notes="Mor virker presset",
    )
    session.attended.set([world.family_a])
    return session


def collaborate(world: Any) -> None:
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])


def new_course(world: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "family": str(world.family_a.uuid),
        "institution": world.institution_a.pk,
        "supervisor": "specialist_a",
        "problem": "Konflikter ved sengetid",
        "goal": "Roligere aftener",
        "planned_sessions": 5,
        "session_hours": "1.5",
        "location": "home",
        "consultant_takes_part": True,
        "theme": "Tilknytningsteori",
        **overrides,
    }


# -- reading ----------------------------------------------------------------------------------


def test_list_supervision_courses_shows_the_municipality_courses(api, world) -> None:
    a = course_for(world)
    course_for(world, world.family_b, opened_by=world.consultant_b)
    body = api(world.consultant_a, "get", "/supervision-courses").json()
    assert (body["count"], [item["id"] for item in body["items"]]) == (1, [str(a.uuid)])


def test_list_supervision_courses_for_foster_parent_shows_own_courses(api, world) -> None:
    own = course_for(world)
    course_for(world, world.family_a_other)
    body = api(world.foster_parent_a, "get", "/supervision-courses").json()
    assert [item["id"] for item in body["items"]] == [str(own.uuid)]


def test_list_supervision_courses_has_no_notes(api, world) -> None:
    with_session(world, course_for(world))
    item = api(world.specialist_a, "get", "/supervision-courses").json()["items"][0]
    assert (
        "sessions" in item,
        item["sessions_held"],
        item["families"],
        item["supervisor"],
    ) == (False, 1, [{"id": str(world.family_a.uuid), "name": "Familien Andersen"}], "specialist_a")


def test_get_supervision_course_hides_private_notes_from_the_consultant(api, world) -> None:
    course = course_for(world)
    with_session(world, course)
    body = api(world.consultant_a, "get", f"/supervision-courses/{course.uuid}").json()
    assert [(s["shared_notes"], s["private_notes"]) for s in body["sessions"]] == [
        ("Faste rutiner aftalt", None)
    ]


def test_get_supervision_course_hides_private_notes_from_the_family(api, world) -> None:
    course = course_for(world)
    with_session(world, course)
    body = api(world.foster_parent_a, "get", f"/supervision-courses/{course.uuid}").json()
    assert [(s["shared_notes"], s["private_notes"]) for s in body["sessions"]] == [
        ("Faste rutiner aftalt", None)
    ]


def test_get_supervision_course_shows_private_notes_to_the_institution(api, world) -> None:
    course = course_for(world)
    with_session(world, course)
    body = api(world.specialist_a, "get", f"/supervision-courses/{course.uuid}").json()
    assert [(s["private_notes"], s["attended"]) for s in body["sessions"]] == [
        ("Mor virker presset", [str(world.family_a.uuid)])
    ]


def test_get_supervision_course_of_other_municipality_answers_404(api, world) -> None:
    course = course_for(world)
    response = api(world.consultant_b, "get", f"/supervision-courses/{course.uuid}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_get_supervision_course_is_audited_as_an_api_read(api, world) -> None:
    course = course_for(world)
    api(world.consultant_a, "get", f"/supervision-courses/{course.uuid}")
    entry = AuditEntry.objects.get(action="competence.supervision.read")
    assert (entry.actor, entry.object_uuid, entry.data["channel"]) == (
        world.consultant_a,
        course.uuid,
        "api",
    )


def test_list_supervision_courses_query_count_does_not_grow_with_rows(api, world) -> None:
    with_session(world, course_for(world))
    _record, token = create_api_token(user=world.consultant_a, name="count")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = Client().get(
                "/api/v1/supervision-courses", headers={"Authorization": f"Bearer {token}"}
            )
        assert response.status_code == 200
        return len(ctx.captured_queries)

    count()  # the token's first use is stamped once
    one = count()
    for _ in range(3):
        family = factories.FamilyFactory(municipality=world.a)
        with_session(world, course_for(world, family))
    assert count() == one


# -- opening a course ---------------------------------------------------------------------------


def test_open_supervision_course_answers_201_with_the_course(api, world) -> None:
    collaborate(world)
    response = api(world.consultant_a, "post", "/supervision-courses", new_course(world))
    body = response.json()
    assert (
        response.status_code,
        body["status"],
        body["kind"],
        body["goal"],
        body["theme"],
        body["session_hours"],
        body["opened_on"],
        body["sessions"],
    ) == (
        201,
        "open",
        "individual",
        "Roligere aftener",
        "Tilknytningsteori",
        "1.50",
        "2026-10-01",
        [],
    )
    assert (
        AuditEntry.objects.filter(
            action="competence.supervision.open", object_uuid=body["id"]
        ).count()
        == 1
    )


def test_open_supervision_course_with_unknown_references_answers_422_per_field(api, world) -> None:
    response = api(
        world.consultant_a,
        "post",
        "/supervision-courses",
        new_course(world, institution=999999, supervisor="nobody", theme="Ukendt"),
    )
    assert (response.status_code, sorted(response.json()["errors"])) == (
        422,
        ["institution", "supervisor", "theme"],
    )


def test_open_supervision_course_with_institution_outside_collaboration_answers_422(
    api, world
) -> None:
    response = api(world.consultant_a, "post", "/supervision-courses", new_course(world))
    assert (response.status_code, list(response.json()["errors"])) == (422, ["institution"])


def test_open_supervision_course_with_bad_schema_answers_422(api, world) -> None:
    response = api(
        world.consultant_a,
        "post",
        "/supervision-courses",
        new_course(world, planned_sessions=0, session_hours="9", location="moon"),
    )
    locations = sorted(error["loc"][-1] for error in response.json()["detail"])
    assert (response.status_code, locations) == (
        422,
        ["location", "planned_sessions", "session_hours"],
    )


def test_open_supervision_course_for_family_out_of_sight_answers_404(api, world) -> None:
    collaborate(world)
    response = api(world.consultant_b, "post", "/supervision-courses", new_course(world))
    assert (response.status_code, SupervisionCourse.objects.count()) == (404, 0)


def test_open_supervision_course_as_the_foster_parent_answers_403(api, world) -> None:
    collaborate(world)
    response = api(world.foster_parent_a, "post", "/supervision-courses", new_course(world))
    assert (response.status_code, SupervisionCourse.objects.count()) == (403, 0)


def test_open_supervision_course_without_token_answers_401(client, world) -> None:
    response = client.post(
        "/api/v1/supervision-courses", data=new_course(world), content_type="application/json"
    )
    assert response.status_code == 401
