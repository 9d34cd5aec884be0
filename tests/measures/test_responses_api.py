"""`GET /api/v1/responses`, `GET /api/v1/responses/{id}`, `POST /api/v1/responses`."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.measures.models import Response
from tests.measures.factories_responses import (
    TEACHER,
    sdq_series,
    sdq_with_total,
    who5_with_percentage,
)

pytestmark = pytest.mark.django_db


def token(user: Any) -> str:
    return f"Bearer {create_api_token(user=user, name='responses')[1]}"


def get(client: Client, user: Any, path: str) -> Any:
    return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=token(user))


def post(client: Client, user: Any, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/responses",
        data=json.dumps(body, default=str),
        content_type="application/json",
        HTTP_AUTHORIZATION=token(user),
    )


def paper(world: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "family": world.family_a.uuid,
        "child": world.child_a.uuid,
        "instrument": "sdq-parent-4-17",
        "respondent": "foster_parent",
        "answers": sdq_with_total(17),
        "answered_on": "2025-04-01",
    }
    return body | changes


# -- the list ---------------------------------------------------------------------------------


def test_list_gives_scores_bands_and_flags(world: Any, client: Client) -> None:
    (response,) = sdq_series(world, [20])
    body = get(client, world.consultant_a, "/responses").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == str(response.uuid)
    assert item["instrument"] == "sdq-parent-4-17"
    assert item["version"] == 1
    assert item["child"] == str(world.child_a.uuid)
    assert item["scores"]["total_difficulties"] == 20
    assert item["bands"]["total_difficulties"] == "abnormal"
    assert item["bands4"]["total_difficulties"] == "very_high"
    assert item["bands"]["externalising"] is None
    assert item["flags"] == []


def test_list_filters_and_shows_the_foster_parent_only_their_answers(
    world: Any, client: Client
) -> None:
    (parent,) = sdq_series(world, [20])
    (teacher,) = sdq_series(world, [12], code=TEACHER, respondent="teacher")
    mine = get(client, world.foster_parent_a, "/responses").json()["items"]
    assert [i["id"] for i in mine] == [str(parent.uuid)]
    filtered = get(client, world.consultant_a, f"/responses?instrument={TEACHER}").json()
    assert [i["id"] for i in filtered["items"]] == [str(teacher.uuid)]
    other = get(client, world.consultant_a, f"/responses?family={world.family_b.uuid}").json()
    assert other["count"] == 0


def test_list_of_another_municipality_is_empty(world: Any, client: Client) -> None:
    sdq_series(world, [20])
    assert get(client, world.consultant_b, "/responses").json() == {"items": [], "count": 0}


def test_list_read_is_audited_with_ids_only(world: Any, client: Client) -> None:
    responses = sdq_series(world, [20, 12])
    get(client, world.consultant_a, "/responses")
    entry = AuditEntry.objects.get(action="measures.response.list")
    assert entry.data["responses"] == sorted(str(r.uuid) for r in responses)
    assert entry.data["families"] == [str(world.family_a.uuid)]
    assert entry.data["children"] == [str(world.child_a.uuid)]
    assert entry.data["channel"] == "api"


def test_list_queries_do_not_grow_with_rows(world: Any, client: Client) -> None:
    authorization = token(world.consultant_a)
    sdq_series(world, [20])
    client.get("/api/v1/responses", HTTP_AUTHORIZATION=authorization)
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/v1/responses", HTTP_AUTHORIZATION=authorization)
    sdq_series(world, [10, 12], start=dt.date(2023, 1, 1))
    with CaptureQueriesContext(connection) as three:
        second = client.get("/api/v1/responses", HTTP_AUTHORIZATION=authorization)
    assert (first.json()["count"], second.json()["count"]) == (1, 3)
    assert len(three.captured_queries) == len(one.captured_queries)


# -- one response -----------------------------------------------------------------------------


def test_detail_gives_every_answer_with_its_label(world: Any, client: Client) -> None:
    (response,) = sdq_series(world, [20])
    body = get(client, world.consultant_a, f"/responses/{response.uuid}").json()
    answers = {a["item"]: a for a in body["answers"]}
    assert answers["7"]["label"] == "Statement 7 (conduct problems)"
    assert answers["7"]["licensed"] is False
    assert answers["7"]["value"] == 0  # reverse-scored: 0 scores 2
    assert answers["impact_distress"]["value"] is None
    assert body["scores"]["conduct"] == 10
    assert AuditEntry.objects.filter(action="measures.response.read").count() == 1


def test_detail_of_an_invisible_response_answers_404(world: Any, client: Client) -> None:
    (response,) = sdq_series(world, [20])
    for path in (f"/responses/{response.uuid}", f"/responses/{uuid.uuid4()}"):
        answer = get(client, world.consultant_b, path)
        assert answer.status_code == 404
        assert answer.json() == {"detail": "Not found."}


# -- entering a paper form --------------------------------------------------------------------


def test_post_stores_a_paper_form_and_answers_201_with_scores(world: Any, client: Client) -> None:
    answer = post(client, world.consultant_a, paper(world))
    assert answer.status_code == 201
    body = answer.json()
    response = Response.objects.get()
    assert body["id"] == str(response.uuid)
    assert body["entered_by"] == "consultant_a"
    assert body["answered_on"] == "2025-04-01"
    assert body["scores"]["total_difficulties"] == 17
    assert body["bands"]["total_difficulties"] == "abnormal"
    assert body["bands4"]["total_difficulties"] == "high"
    assert body["flags"] == []


def test_post_for_a_family_of_another_municipality_is_like_an_unknown_one(
    world: Any, client: Client
) -> None:
    invisible = post(client, world.consultant_b, paper(world, child=None))
    unknown = post(client, world.consultant_b, paper(world, family=uuid.uuid4(), child=None))
    assert invisible.status_code == unknown.status_code == 422
    assert invisible.json() == unknown.json()
    assert invisible.json()["errors"] == {"family": ["No family with this id."]}
    assert Response.objects.count() == 0


def test_post_by_a_case_worker_who_sees_the_family_answers_403(world: Any, client: Client) -> None:
    answer = post(client, world.case_worker_a, paper(world))
    assert answer.status_code == 403
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"instrument": "sdq-dog-owner"}, "instrument", "No instrument with this code."),
        ({"respondent": "teacher"}, "respondent", "This questionnaire is answered by: foster"),
        ({"child": None}, "child", "This questionnaire is about a child: choose the child."),
        ({"answers": {"1": 3}}, "answers", "item '1': 3 is not one of 0, 1, 2"),
        ({"answered_on": "2999-01-01"}, "answered_on", "The date cannot be in the future."),
    ],
)
def test_post_with_bad_input_answers_422_with_the_reason(
    world: Any, client: Client, changes: dict[str, Any], field: str, message: str
) -> None:
    answer = post(client, world.consultant_a, paper(world, **changes))
    assert answer.status_code == 422
    assert any(message in m for m in answer.json()["errors"][field])
    assert Response.objects.count() == 0


def test_post_of_a_family_instrument_needs_no_child(world: Any, client: Client) -> None:
    body = paper(world, child=None, instrument="who-5", answers=who5_with_percentage(24))
    answer = post(client, world.leader_a, body)
    assert answer.status_code == 201
    assert answer.json()["flags"] == ["poor_wellbeing", "likely_depression", "low_item"]
