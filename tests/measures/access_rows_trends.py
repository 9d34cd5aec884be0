"""Access-matrix rows for measurement answers and the instrument catalogue: every persona × the
trend pages of child_a and family_a, a response by the foster parent and one by the teacher,
the paper form, the catalogue, the licensed-texts import, the burden-rating configuration, and
their API endpoints. Collected by tests/test_access_matrix.py.

Answers are personal data: the municipality's consultants and leaders see all of them, the
child's case worker the child's, the foster parent their own answers as foster parent (not the
teacher's), everyone else nothing (404: the child or family is not visible to them either). The
catalogue is for staff (foster parents 403); importing texts is the system administrator's,
configuring the burden rating a leader's (403 for other signed-in users)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from tests.access import Row, api_url, child_url, expect, family_url
from tests.measures.factories_responses import PARENT, TEACHER, record, sdq_with_total


def _responses(w: Any) -> dict[str, Any]:
    """An SDQ by the foster parent and one by the teacher about child_a, made on first use."""
    records: dict[str, Any] | None = getattr(w, "_measures_responses", None)
    if records is None:
        records = {
            name: record(
                actor=w.consultant_a,
                family=w.family_a,
                child=w.child_a,
                code=code,
                respondent=respondent,
                answers=sdq_with_total(12),
                answered_on=dt.date(2025, 3, 1),
            )
            for name, code, respondent in (
                ("parent", PARENT, "foster_parent"),
                ("teacher", TEACHER, "teacher"),
            )
        }
        w._measures_responses = records
    return records


def _response_url(name: str, *, api: bool = False) -> Callable[[object], str]:
    def url(w: Any) -> str:
        response = _responses(w)[name]
        if api:
            return f"/api/v1/responses/{response.uuid}"
        return reverse("measures:response_detail", args=[response.uuid])

    return url


def _with_responses(url: Callable[[object], str]) -> Callable[[object], str]:
    def made(w: Any) -> str:
        _responses(w)
        return url(w)

    return made


SEES_CHILD_A = {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200}
STAFF_OF_CHILD_A = {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200}
NOT_FOSTER_PARENTS = {"foster_parent_a": 403}

ROWS: list[Row] = [
    *expect(
        "measures-child-trends",
        _with_responses(child_url("child_a", "measures:child_trends")),
        SEES_CHILD_A,
        404,
    ),
    *expect(
        "measures-child-b-trends",
        child_url("child_b", "measures:child_trends"),
        {"consultant_b": 200},
        404,
    ),
    *expect(
        "measures-family-trends",
        _with_responses(family_url("family_a", "measures:family_trends")),
        SEES_CHILD_A,
        404,
    ),
    *expect("measures-response-parent", _response_url("parent"), SEES_CHILD_A, 404),
    *expect("measures-response-teacher", _response_url("teacher"), STAFF_OF_CHILD_A, 404),
    *expect(
        "measures-paper-form",
        family_url("family_a", "measures:response_create"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect(
        "measures-instruments",
        lambda w: reverse("measures:instrument_list"),
        NOT_FOSTER_PARENTS,
        200,
    ),
    *expect(
        "measures-instrument",
        lambda w: reverse("measures:instrument_detail", args=["sdq-self-11-17"]),
        NOT_FOSTER_PARENTS,
        200,
    ),
    *expect(
        "measures-texts-import",
        lambda w: reverse("measures:item_text_import"),
        {"sysadmin": 200},
        403,
    ),
    *expect(
        "measures-rating-configure",
        lambda w: reverse("measures:rating_configure"),
        {"leader_a": 200},
        403,
    ),
    # The API.
    *expect("api-measures-responses", _with_responses(api_url("/responses")), {}, 200, api=True),
    *expect(
        "api-measures-response-parent",
        _response_url("parent", api=True),
        SEES_CHILD_A,
        404,
        api=True,
    ),
    *expect(
        "api-measures-response-teacher",
        _response_url("teacher", api=True),
        STAFF_OF_CHILD_A,
        404,
        api=True,
    ),
    *expect(
        "api-measures-child-trends",
        _with_responses(api_url("/children/{}/trends", "child_a")),
        SEES_CHILD_A,
        404,
        api=True,
    ),
    *expect(
        "api-measures-family-trends",
        _with_responses(api_url("/families/{}/trends", "family_a")),
        SEES_CHILD_A,
        404,
        api=True,
    ),
    *expect("api-measures-instruments", api_url("/instruments"), NOT_FOSTER_PARENTS, 200, api=True),
    *expect(
        "api-measures-instrument", api_url("/instruments/who-5"), NOT_FOSTER_PARENTS, 200, api=True
    ),
]
