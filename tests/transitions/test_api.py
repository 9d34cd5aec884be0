"""The transitions API: the same policy as the UI (404 for what the caller may not see, 403 for
what they may see but not do), what the foster family gets of a transition, 201 on creating,
meetings and advice, 422 per field, and 409 on a stale step."""

from __future__ import annotations

import pytest

from samspil.accounts.services import create_api_token
from samspil.transitions.models import Advice, CollaborationMeeting, PlanStep, Transition
from tests.transitions.factories import (
    child_at_institution,
    meeting_for,
    move,
    step_of,
    transition_for,
    transition_in_b,
)


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


# -- reading --------------------------------------------------------------------------------------


def test_list_answers_the_visible_transitions(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    transition_in_b(world)
    response = api(world.consultant_a, "get", "/transitions")
    body = response.json()
    [item] = body["items"]
    assert (body["count"], item["id"], item["child_name"], item["status"], item["steps_total"]) == (
        1,
        str(transition.uuid),
        "Ida Jensen",
        "planning",
        PlanStep.objects.filter(plan__transition=transition).count(),
    )


def test_list_filters_by_status(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = move(world, transition_for(world))
    assert api(world.consultant_a, "get", "/transitions?status=planning").json()["count"] == 0
    items = api(world.consultant_a, "get", "/transitions?status=after_move").json()["items"]
    assert [item["id"] for item in items] == [str(transition.uuid)]


def test_detail_for_staff_has_notes_minutes_and_methods(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="Internal note")
    meeting_for(world, transition, minutes="Staff minutes")
    body = api(world.specialist_a, "get", f"/transitions/{transition.uuid}").json()
    assert (
        body["internal_notes"],
        body["meetings"][0]["minutes"],
        body["involvement"]["methods"],
    ) == (
        "Internal note",
        "Staff minutes",
        [],
    )
    assert [step["phase"] for step in body["steps"][:1]] == ["before"]


def test_detail_for_the_foster_parent_leaves_out_internal_things(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="Internal note")
    meeting_for(world, transition, minutes="Staff minutes")
    response = api(world.foster_parent_a, "get", f"/transitions/{transition.uuid}")
    body = response.json()
    assert (
        body["internal_notes"],
        body["meetings"][0]["minutes"],
        body["involvement"]["methods"],
    ) == (
        None,
        None,
        None,
    )
    assert body["meetings"][0]["shared_about_child"] == "Loves drawing; needs a night light."
    assert "Internal note" not in response.content.decode()


def test_detail_of_another_municipality_answers_404_like_an_unknown_id(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    hidden = api(world.consultant_b, "get", f"/transitions/{transition.uuid}")
    unknown = api(world.consultant_b, "get", "/transitions/5a2c3b3c-1111-4222-8333-444455556666")
    assert (hidden.status_code, hidden.json()) == (unknown.status_code, unknown.json())
    assert hidden.status_code == 404


# -- creating ------------------------------------------------------------------------------------------


def test_create_answers_201_with_the_plan(world, api) -> None:  # type: ignore[no-untyped-def]
    child = child_at_institution(world)
    response = api(
        world.consultant_a,
        "post",
        "/transitions",
        {
            "child": str(child.uuid),
            "family": str(world.family_a.uuid),
            "institution": world.institution_a.pk,
            "planned_move_on": "2027-01-15",
            "consultant": "consultant_a",
        },
    )
    body = response.json()
    transition = Transition.objects.get(child=child)
    assert (response.status_code, body["id"], body["consultant"], len(body["steps"])) == (
        201,
        str(transition.uuid),
        "consultant_a",
        PlanStep.objects.filter(plan__transition=transition).count(),
    )


def test_create_with_a_child_of_another_municipality_answers_422_like_an_unknown_one(
    world, api
) -> None:  # type: ignore[no-untyped-def]
    payload = {
        "child": str(world.child_b.uuid),
        "family": str(world.family_b.uuid),
        "institution": 999999,
    }
    response = api(world.consultant_a, "post", "/transitions", payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "child": ["No child with this id."],
        "family": ["No family with this id."],
        "institution": ["No institution with this id."],
    }
    assert Transition.objects.count() == 0


def test_create_by_a_specialist_answers_422_for_the_child(world, api) -> None:  # type: ignore[no-untyped-def]
    child = child_at_institution(world)
    response = api(
        world.specialist_a,
        "post",
        "/transitions",
        {
            "child": str(child.uuid),
            "family": str(world.family_a.uuid),
            "institution": world.institution_a.pk,
        },
    )
    assert (response.status_code, sorted(response.json()["errors"])) == (
        422,
        ["child", "family"],
    )


# -- meetings, advice, steps -------------------------------------------------------------------------


def test_add_meeting_answers_201(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    parent = world.family_a.parents.get()
    response = api(
        world.specialist_a,
        "post",
        f"/transitions/{transition.uuid}/meetings",
        {
            "held_at": "2026-11-20T14:00:00+01:00",
            "staff": ["specialist_a", "consultant_a"],
            "parents": [str(parent.uuid)],
            "other_participants": ["Biological mother"],
            "shared_about_child": "Football",
        },
    )
    meeting = CollaborationMeeting.objects.get()
    assert (response.status_code, response.json()["id"], sorted(response.json()["staff"])) == (
        201,
        str(meeting.uuid),
        ["consultant_a", "specialist_a"],
    )


def test_add_meeting_with_unknown_staff_answers_422(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    response = api(
        world.consultant_a,
        "post",
        f"/transitions/{transition.uuid}/meetings",
        {"held_at": "2026-11-20T14:00:00+01:00", "staff": ["consultant_b"]},
    )
    assert (response.status_code, list(response.json()["errors"])) == (422, ["staff"])


def test_add_meeting_by_the_case_worker_answers_403(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    response = api(
        world.case_worker_a,
        "post",
        f"/transitions/{transition.uuid}/meetings",
        {"held_at": "2026-11-20T14:00:00+01:00", "other_participants": ["x"]},
    )
    assert (response.status_code, CollaborationMeeting.objects.count()) == (403, 0)


def test_add_meeting_to_an_invisible_transition_answers_404(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    response = api(
        world.consultant_b,
        "post",
        f"/transitions/{transition.uuid}/meetings",
        {"held_at": "2026-11-20T14:00:00+01:00", "other_participants": ["x"]},
    )
    assert (response.status_code, CollaborationMeeting.objects.count()) == (404, 0)


def test_advice_and_request_answer_201(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    request = api(
        world.foster_parent_a,
        "post",
        f"/transitions/{transition.uuid}/advice",
        {"topic": "Meals", "text": "Help?"},
    )
    answer = api(
        world.specialist_a,
        "post",
        f"/transitions/{transition.uuid}/advice",
        {
            "topic": "Meals",
            "text": "Short meals.",
            "channel": "phone",
            "in_reply_to": request.json()["id"],
        },
    )
    assert (request.status_code, request.json()["kind"], request.json()["answered"]) == (
        201,
        "request",
        False,
    )
    assert (answer.status_code, answer.json()["in_reply_to"], answer.json()["by"]) == (
        201,
        request.json()["id"],
        "specialist_a",
    )


def test_advice_without_channel_answers_422(world, api) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    response = api(
        world.specialist_a,
        "post",
        f"/transitions/{transition.uuid}/advice",
        {"topic": "Sleep", "text": "x"},
    )
    assert (response.status_code, list(response.json()["errors"]), Advice.objects.count()) == (
        422,
        ["channel"],
        0,
    )


def test_tick_step_answers_200_and_then_409_on_the_old_version(world, api) -> None:  # type: ignore[no-untyped-def]
    step = step_of(transition_for(world))
    first = api(
        world.consultant_a, "patch", f"/transition-steps/{step.uuid}", {"version": 1, "done": True}
    )
    second = api(
        world.specialist_a, "patch", f"/transition-steps/{step.uuid}", {"version": 1, "done": False}
    )
    assert (
        first.status_code,
        first.json()["done"],
        first.json()["done_by"],
        first.json()["version"],
    ) == (
        200,
        True,
        "consultant_a",
        2,
    )
    assert (second.status_code, second.json()["current_version"]) == (409, 2)
    assert second.json()["changes"][0]["field"] == "done"


def test_tick_step_by_the_case_worker_answers_403(world, api) -> None:  # type: ignore[no-untyped-def]
    step = step_of(transition_for(world))
    response = api(
        world.case_worker_a, "patch", f"/transition-steps/{step.uuid}", {"version": 1, "done": True}
    )
    step.refresh_from_db()
    assert (response.status_code, step.done) == (403, False)


def test_tick_step_of_an_invisible_transition_answers_404(world, api) -> None:  # type: ignore[no-untyped-def]
    step = step_of(transition_for(world))
    response = api(
        world.consultant_b, "patch", f"/transition-steps/{step.uuid}", {"version": 1, "done": True}
    )
    assert response.status_code == 404


def test_tick_step_without_version_answers_422(world, api) -> None:  # type: ignore[no-untyped-def]
    step = step_of(transition_for(world))
    response = api(world.consultant_a, "patch", f"/transition-steps/{step.uuid}", {"done": True})
    assert response.status_code == 422
    step.refresh_from_db()
    assert (step.done, step.version) == (False, 1)


def test_openapi_lists_the_transitions_endpoints_under_their_tag(world, api) -> None:  # type: ignore[no-untyped-def]
    schema = api(world.consultant_a, "get", "/openapi.json").json()
    tagged = sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "transitions" in operation.get("tags", [])
    )
    assert tagged == [
        "GET /api/v1/transitions",
        "GET /api/v1/transitions/{transition_id}",
        "PATCH /api/v1/transition-steps/{step_id}",
        "POST /api/v1/transitions",
        "POST /api/v1/transitions/{transition_id}/advice",
        "POST /api/v1/transitions/{transition_id}/meetings",
    ]
