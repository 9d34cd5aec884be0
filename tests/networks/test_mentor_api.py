"""The mentor API: suggestions, mentorships and contacts; the same policy as the UI, 201 on
writes, 404 outside scope, 403 visible but not allowed, 422 with the reasons (never 500)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.enums import Role
from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.networks.models import Mentorship
from tests import factories
from tests.competence.factories import at
from tests.networks import factories_mentors as m

MENTOR_MESSAGE = (
    "Choose a family of the municipality or its collaboration that consents to be a mentor family."
)


NOT_FOUND = {"detail": "Not found."}
FORBIDDEN = {"detail": "You may see this record but not change it."}


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
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


def _body(mentor, mentee, **extra):  # type: ignore[no-untyped-def]
    return {
        "mentor": str(mentor.uuid),
        "mentee": str(mentee.uuid),
        "reason": "new_family",
        "starts_on": "2026-10-01",
        **extra,
    }


# -- suggestions ----------------------------------------------------------------------------------


def test_suggestions_answer_ranked_families_with_score_and_reasons(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren", years=6, child_born=dt.date(2012, 1, 1))
    m.mentor(world, "Familien Kort", years=1)
    mentee = m.new_family(world)
    response = api(world.consultant_a, "get", f"/mentor-suggestions?family={mentee.uuid}")
    body = response.json()
    first = body["ranked"][0]
    assert (response.status_code, first["family"]["id"], first["rank"], first["score"]) == (
        200,
        str(mentor.uuid),
        1,
        82,
    )
    assert (first["distance_km"], first["current_mentees"], first["reasons"][1]) == (
        0,
        0,
        "has had children aged 6–12",
    )


def test_suggestions_answer_the_ineligible_with_what_they_lack(world, api) -> None:
    m.mentor(world, "Familien Kort", years=1)
    mentee = m.new_family(world)
    body = api(world.consultant_a, "get", f"/mentor-suggestions?family={mentee.uuid}").json()
    assert [(c["family"]["name"], c["rank"], c["lacks"]) for c in body["ineligible"]] == [
        ("Familien Kort", None, ["1 year as foster family (at least 3 required)"])
    ]


def test_suggestions_answer_the_start_up_course(world, api) -> None:
    m.mandatory_session(world, at(2026, 10, 20, 9))
    mentee = m.new_family(world)
    body = api(world.consultant_a, "get", f"/mentor-suggestions?family={mentee.uuid}").json()
    assert [(c["state"], c["clashes"], len(c["sessions"])) for c in body["startup_course"]] == [
        ("not_enrolled", True, 1)
    ]


def test_suggestions_are_audited(world, api) -> None:
    mentee = m.new_family(world)
    api(world.consultant_a, "get", f"/mentor-suggestions?family={mentee.uuid}")
    entry = AuditEntry.objects.get(action="networks.mentor.suggestions")
    assert (entry.object_uuid, entry.data["channel"]) == (mentee.uuid, "api")


def test_suggestions_for_a_family_of_another_municipality_answer_404(world, api) -> None:
    response = api(world.consultant_b, "get", f"/mentor-suggestions?family={world.family_a.uuid}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not AuditEntry.objects.filter(action="networks.mentor.suggestions").exists()


def test_suggestions_for_an_unknown_family_answer_404(world, api) -> None:
    response = api(world.consultant_a, "get", f"/mentor-suggestions?family={uuid.uuid4()}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_suggestions_for_the_own_family_answer_403(world, api) -> None:
    response = api(
        world.foster_parent_a, "get", f"/mentor-suggestions?family={world.family_a.uuid}"
    )
    assert (response.status_code, response.json()) == (403, FORBIDDEN)


def test_suggestions_with_an_unknown_reason_answer_422(world, api) -> None:
    response = api(
        world.consultant_a,
        "get",
        f"/mentor-suggestions?family={world.family_a.uuid}&reason=boredom",
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "reason"]]


# -- mentorships ----------------------------------------------------------------------------------


def test_create_mentorship_answers_201_with_the_ranking(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    mentee = m.new_family(world)
    response = api(world.consultant_a, "post", "/mentorships", _body(mentor, mentee))
    body = response.json()
    assert (response.status_code, body["mentor"]["name"], body["ranking"]["rank"]) == (
        201,
        "Familien Erfaren",
        1,
    )
    assert Mentorship.objects.get().uuid == uuid.UUID(body["id"])


def test_create_mentorship_with_an_ineligible_mentor_answers_422_with_reasons(world, api) -> None:
    short = m.mentor(world, "Familien Kort", years=1)
    response = api(world.consultant_a, "post", "/mentorships", _body(short, m.new_family(world)))
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {
            "mentor": [
                "Familien Kort cannot be a mentor family now: 1 year as foster family (at "
                "least 3 required)."
            ]
        },
    )


def test_create_mentorship_with_an_unknown_or_invisible_mentor_gives_one_message(
    world, api
) -> None:
    mentee = m.new_family(world)
    unknown = api(
        world.consultant_a,
        "post",
        "/mentorships",
        {**_body(mentee, mentee), "mentor": str(uuid.uuid4())},
    )
    invisible = api(world.consultant_a, "post", "/mentorships", _body(world.family_b, mentee))
    assert (unknown.status_code, unknown.json()["errors"]) == (
        invisible.status_code,
        invisible.json()["errors"],
    )
    assert unknown.json()["errors"] == {"mentor": [MENTOR_MESSAGE]}


def test_create_mentorship_for_an_unknown_or_invisible_mentee_gives_one_message(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    unknown = api(
        world.consultant_b,
        "post",
        "/mentorships",
        {**_body(mentor, mentor), "mentee": str(uuid.uuid4())},
    )
    invisible = api(world.consultant_b, "post", "/mentorships", _body(mentor, world.family_a))
    assert [(r.status_code, r.json()["errors"]) for r in (unknown, invisible)] == [
        (422, {"mentee": ["No family with this id."]}),
        (422, {"mentee": ["No family with this id."]}),
    ]


def test_create_mentorship_by_a_case_worker_who_sees_the_mentee_answers_403(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    response = api(world.case_worker_a, "post", "/mentorships", _body(mentor, world.family_a))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert not Mentorship.objects.exists()


def test_create_mentorship_with_end_before_start_answers_422(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    response = api(
        world.consultant_a,
        "post",
        "/mentorships",
        _body(mentor, m.new_family(world), ends_on="2026-09-01"),
    )
    assert (response.status_code, list(response.json()["errors"])) == (422, ["__all__"])
    assert not Mentorship.objects.exists()


def test_list_mentorships_answers_only_the_visible(world, api) -> None:
    mine = m.mentorship(world, world.family_a_other, world.family_a)
    m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    response = api(world.foster_parent_a, "get", "/mentorships")
    assert [item["id"] for item in response.json()["items"]] == [str(mine.uuid)]


def test_list_mentorships_filters_current(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    current = m.mentorship(world, mentor, m.new_family(world, "Familien Nu"))
    m.mentorship(world, mentor, m.new_family(world, "Familien Før"), ends_on=dt.date(2026, 9, 2))
    response = api(world.consultant_a, "get", "/mentorships?current=true")
    assert [item["id"] for item in response.json()["items"]] == [str(current.uuid)]


def test_list_mentorships_query_count_does_not_grow_with_rows(world, api) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    m.mentorship(world, mentor, m.new_family(world, "Familien 0"))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api(world.consultant_a, "get", "/mentorships").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(1, 4):
        m.mentorship(world, m.mentor(world, f"Familien M{n}"), m.new_family(world, f"F {n}"))
    assert count() == one


def test_get_mentorship_answers_the_contact_log_and_is_audited(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    api(
        world.consultant_a,
        "post",
        f"/mentorships/{mentorship.uuid}/contacts",
        {"happened_on": "2026-09-20", "kind": "visit", "minutes": 45},
    )
    response = api(world.foster_parent_a, "get", f"/mentorships/{mentorship.uuid}")
    assert (
        response.status_code,
        [(c["kind"], c["minutes"]) for c in response.json()["contacts"]],
        AuditEntry.objects.filter(action="networks.mentorship.read").count(),
    ) == (200, [("visit", 45)], 1)


def test_get_mentorship_outside_scope_answers_404(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    response = api(world.consultant_b, "get", f"/mentorships/{mentorship.uuid}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_patch_mentorship_sets_the_end(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    response = api(
        world.consultant_a,
        "patch",
        f"/mentorships/{mentorship.uuid}",
        {"ends_on": "2027-01-31", "version": 1},
    )
    assert (response.status_code, response.json()["ends_on"], response.json()["version"]) == (
        200,
        "2027-01-31",
        2,
    )


def test_patch_mentorship_with_a_stale_version_answers_409_with_the_changes(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    api(
        world.consultant_a2,
        "patch",
        f"/mentorships/{mentorship.uuid}",
        {"ends_on": "2027-01-31", "version": 1},
    )
    response = api(
        world.consultant_a,
        "patch",
        f"/mentorships/{mentorship.uuid}",
        {"ends_on": "2027-06-30", "version": 1},
    )
    body = response.json()
    assert (response.status_code, body["current_version"], body["changes"][0]["after"]) == (
        409,
        2,
        "2027-01-31",
    )


def test_patch_mentorship_by_the_mentee_family_answers_403(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    response = api(
        world.foster_parent_a,
        "patch",
        f"/mentorships/{mentorship.uuid}",
        {"ends_on": "2026-10-01", "version": 1},
    )
    mentorship.refresh_from_db()
    assert (response.status_code, response.json(), mentorship.ends_on) == (403, FORBIDDEN, None)


# -- contacts -------------------------------------------------------------------------------------


def test_log_contact_answers_201_with_the_clash_warning(world, api) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)))
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    response = api(
        world.consultant_a,
        "post",
        f"/mentorships/{mentorship.uuid}/contacts",
        {"happened_on": "2026-09-15", "kind": "visit", "minutes": 60, "note": "Kaffe"},
    )
    body = response.json()
    assert (response.status_code, body["recorded_by"], len(body["clashes"])) == (
        201,
        "consultant_a",
        1,
    )


def test_log_contact_in_the_future_answers_422(world, api) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    response = api(
        world.foster_parent_a,
        "post",
        f"/mentorships/{mentorship.uuid}/contacts",
        {"happened_on": "2026-12-24", "kind": "phone", "minutes": 10},
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"happened_on": ["A contact can be logged once it has happened."]},
    )


def test_log_contact_outside_scope_answers_404(world, api) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    response = api(
        world.foster_parent_a,
        "post",
        f"/mentorships/{mentorship.uuid}/contacts",
        {"happened_on": "2026-09-20", "kind": "phone", "minutes": 10},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert not mentorship.contacts.exists()


def test_log_contact_by_the_mentors_municipality_answers_403(world, api) -> None:
    """The mentor family's own municipality sees the mentorship; the brokering one keeps it."""
    frederiksberg = factories.municipality("147")
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a, frederiksberg])
    mentor = m.mentor(world, "Familien Frederiksberg", municipality=frederiksberg, postcode="2000")
    mentorship = m.mentorship(world, mentor, m.new_family(world))
    consultant_f = factories.staff(Role.CONSULTANT, municipality=frederiksberg, username="cf")
    response = api(
        consultant_f,
        "post",
        f"/mentorships/{mentorship.uuid}/contacts",
        {"happened_on": "2026-09-20", "kind": "phone", "minutes": 10},
    )
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert not mentorship.contacts.exists()
