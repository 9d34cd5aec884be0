"""Access-matrix rows for measurement plans, due measurements and the answering page: every
persona × the plan (page, edit, API), the measurement list, a foster parent's and a teacher's
measurement (page and API), the extra-measurement page, and the answer page with a valid token
(open to everyone, signed in or not). Collected by tests/test_access_matrix.py.

København (world.a) has the default plan. The WHO-5 of family_a is answered by a foster parent
(foster_parent_a sees it); the teacher's SDQ is about child_a (case_worker_a's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from tests.access import ALL_PERSONAS, Row, expect
from tests.measures.factories import MeasurementFactory, make_link, plan_for


def _records(w: Any) -> dict[str, Any]:
    records: dict[str, Any] | None = getattr(w, "_measures_records", None)
    if records is None:
        plan_for(w.a)
        who5 = MeasurementFactory(family=w.family_a, code="who-5")
        sdq = MeasurementFactory(family=w.family_a, child=w.child_a)
        _link, token = make_link(sdq, by=w.consultant_a)
        records = {"who5": who5, "sdq": sdq, "token": token}
        w._measures_records = records
    return records


def _measurement(name: str, view: str = "measures:measurement_detail") -> Callable[[object], str]:
    return lambda w: reverse(view, args=[_records(w)[name].uuid])


def _api(template: str, name: str | None = None) -> Callable[[object], str]:
    return lambda w: "/api/v1" + (template.format(_records(w)[name].uuid) if name else template)


def _plan(view: str) -> Callable[[object], str]:
    def url(w: Any) -> str:
        _records(w)
        return reverse(view, args=[w.a.code])

    return url


MUNICIPALITY_A = {"consultant_a": 200, "leader_a": 200}
CAN_LIST = {
    "consultant_a": 200,
    "consultant_b": 200,
    "leader_a": 200,
    "case_worker_a": 200,
    "foster_parent_a": 200,
}

ROWS: list[Row] = [
    *expect("measures-plan", _plan("measures:plan_detail"), MUNICIPALITY_A, 404),
    *expect(
        "measures-plan-edit",
        _plan("measures:plan_edit"),
        {"leader_a": 200, "consultant_a": 403},
        404,
    ),
    *expect(
        "measures-plan-index",
        lambda w: reverse("measures:plan_index"),
        {"consultant_a": 302, "consultant_b": 302, "leader_a": 302},
        404,
    ),
    *expect("measures-list", lambda w: reverse("measures:measurement_list"), CAN_LIST, 404),
    *expect(
        "measures-who5",
        _measurement("who5"),
        {**MUNICIPALITY_A, "foster_parent_a": 200},
        404,
    ),
    *expect(
        "measures-teacher-sdq",
        _measurement("sdq"),
        {**MUNICIPALITY_A, "case_worker_a": 200},
        404,
    ),
    *expect(
        "measures-extra",
        lambda w: reverse("measures:measurement_create") + f"?family={w.family_a.uuid}",
        {**MUNICIPALITY_A, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect("api-measurements", _api("/measurements"), {}, 200, api=True),
    *expect(
        "api-measurement-who5",
        _api("/measurements/{}", "who5"),
        {**MUNICIPALITY_A, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect(
        "api-measurement-teacher-sdq",
        _api("/measurements/{}", "sdq"),
        {**MUNICIPALITY_A, "case_worker_a": 200},
        404,
        api=True,
    ),
    *expect(
        "api-measurement-plan",
        lambda w: (_records(w), f"/api/v1/measurement-plans/{w.a.code}")[1],
        MUNICIPALITY_A,
        404,
        api=True,
    ),
    # The answer page: the token is the key, whoever holds it (no account needed).
    *expect(
        "measures-answer",
        lambda w: reverse("measures:answer", args=[_records(w)["token"]]),
        dict.fromkeys(ALL_PERSONAS, 200),
        200,
    ),
]
