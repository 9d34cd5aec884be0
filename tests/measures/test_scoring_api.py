"""`POST /api/v1/instruments/{code}/score`: the contract for integrations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.measures.models import Response, Score

pytestmark = pytest.mark.django_db


def post(client: Client, user: Any, code: str, body: Any) -> Any:
    token = create_api_token(user=user, name="integration")[1]
    return client.post(
        f"/api/v1/instruments/{code}/score",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_sdq_answers_are_scored_with_both_band_schemes(client: Client, world: Any) -> None:
    answers = {str(n): 0 for n in range(1, 26)}
    answers |= {"impact_difficulties": 1, "impact_distress": 2}
    response = post(client, world.consultant_a, "sdq-parent-4-17", {"answers": answers})
    assert response.status_code == 200
    body = response.json()
    assert body["instrument"] == "sdq-parent-4-17"
    assert body["scores"]["total_difficulties"] == 10
    assert body["scores"]["impact"] == 1
    assert body["bands"]["peer"] == "abnormal"
    assert body["bands"]["impact"] == "borderline"
    assert body["bands4"]["prosocial"] == "very_low"
    assert body["bands"]["externalising"] is None
    assert body["flags"] == []


def test_a_scale_with_too_few_answers_is_null_and_flagged(client: Client, world: Any) -> None:
    response = post(client, world.consultant_a, "sdq-teacher-4-17", {"answers": {"3": 2, "8": 1}})
    body = response.json()
    assert response.status_code == 200
    assert body["scores"]["emotional"] is None
    assert body["bands"]["emotional"] is None
    assert "emotional_not_scored" in body["flags"]


def test_who5_is_scored_with_its_flags(client: Client, world: Any) -> None:
    answers = {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1}
    body = post(client, world.foster_parent_a, "who-5", {"answers": answers}).json()
    assert body["scores"] == {"raw": 6, "percentage": 24}
    assert body["flags"] == ["poor_wellbeing", "likely_depression", "low_item"]


def test_an_unknown_code_answers_404(client: Client, world: Any) -> None:
    response = post(client, world.consultant_a, "sdq-dog-owner", {"answers": {}})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"26": 1}, "unknown item '26'"),
        ({"1": 3}, "item '1': 3 is not one of 0, 1, 2"),
        ({"impact_classroom": 7}, "item 'impact_classroom': 7 is not one of 0, 1, 2, 3"),
    ],
)
def test_bad_answers_answer_422_with_the_reason(
    client: Client, world: Any, answers: dict[str, int], reason: str
) -> None:
    response = post(client, world.consultant_a, "sdq-self-11-17", {"answers": answers})
    assert response.status_code == 422
    assert reason in response.json()["errors"]["answers"]


def test_an_answer_that_is_not_a_number_answers_422(client: Client, world: Any) -> None:
    response = post(client, world.consultant_a, "who-5", {"answers": {"1": [1]}})
    assert response.status_code == 422
    assert "answers" in str(response.json()["detail"])


def test_scoring_stores_nothing(client: Client, world: Any) -> None:
    token = create_api_token(user=world.consultant_a, name="integration")[1]
    audit_before = AuditEntry.objects.count()
    response = client.post(
        "/api/v1/instruments/who-5/score",
        data=json.dumps({"answers": {"1": 5}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["scores"]["raw"] is None
    assert Response.objects.count() == 0
    assert Score.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_scoring_needs_a_token(client: Client, world: Any) -> None:
    response = client.post(
        "/api/v1/instruments/who-5/score",
        data=json.dumps({"answers": {}}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
