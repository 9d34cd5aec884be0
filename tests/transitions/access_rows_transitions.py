"""Access-matrix rows for transitions: every persona × the list, creating, a transition's page
and its edit, involvement, meeting and advice pages, the template pages and the API. Collected
by tests/test_access_matrix.py.

Transition A: Ida (a child of A, case_worker_a's) moving from institution_a to family_a,
created by consultant_a today, so specialist_a's institution is engaged now and
foster_parent_a is a parent of the receiving family. Transition A-old was completed 40 days
ago, past København's 30 days of grace: specialist_a no longer sees it. Transition B is
Vejle's (consultant_b)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.access import Row, expect
from tests.transitions.factories import (
    child_at_institution,
    complete,
    meeting_for,
    move,
    transition_for,
    transition_in_b,
)


def _records(w: Any) -> dict[str, Any]:
    records: dict[str, Any] | None = getattr(w, "_transition_records", None)
    if records is None:
        today = timezone.localdate()
        transition = transition_for(w)
        old = transition_for(
            w,
            child=child_at_institution(w, first_name="Olga"),
            family=w.family_a,
            today=today - dt.timedelta(days=200),
        )
        old = complete(
            w,
            move(w, old, on=today - dt.timedelta(days=150)),
            on=today - dt.timedelta(days=40),
        )
        records = {
            "a": transition,
            "a_old": old,
            "b": transition_in_b(w),
            "meeting": meeting_for(w, transition),
        }
        w._transition_records = records
    return records


def _url(view: str, name: str) -> Callable[[object], str]:
    return lambda w: reverse(view, args=[_records(w)[name].uuid])


def _api(template: str, name: str | None = None) -> Callable[[object], str]:
    def url(w: Any) -> str:
        return "/api/v1" + (template.format(_records(w)[name].uuid) if name else template)

    return url


SEES_A = {
    "consultant_a": 200,
    "leader_a": 200,
    "case_worker_a": 200,
    "specialist_a": 200,
    "foster_parent_a": 200,
}
CONTRIBUTES_A = {
    "consultant_a": 200,
    "leader_a": 200,
    "specialist_a": 200,
    "case_worker_a": 403,
    "foster_parent_a": 403,
}

ROWS: list[Row] = [
    *expect(
        "transitions-list",
        lambda w: reverse("transitions:list"),
        {**SEES_A, "consultant_b": 200},
        404,
    ),
    *expect(
        "transitions-create",
        lambda w: reverse("transitions:create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    *expect("transition-a-detail", _url("transitions:detail", "a"), SEES_A, 404),
    *expect(
        "transition-a-old-detail",
        _url("transitions:detail", "a_old"),
        {**SEES_A, "specialist_a": 404},
        404,
    ),
    *expect("transition-b-detail", _url("transitions:detail", "b"), {"consultant_b": 200}, 404),
    *expect(
        "transition-a-edit",
        _url("transitions:edit", "a"),
        {**CONTRIBUTES_A, "specialist_a": 403},
        404,
    ),
    *expect(
        "transition-a-old-edit",
        _url("transitions:edit", "a_old"),
        {"consultant_a": 403, "leader_a": 403, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect("transition-a-involvement", _url("transitions:involvement", "a"), CONTRIBUTES_A, 404),
    *expect(
        "transition-a-meeting-create", _url("transitions:meeting_create", "a"), CONTRIBUTES_A, 404
    ),
    *expect(
        "transition-a-meeting-edit", _url("transitions:meeting_edit", "meeting"), CONTRIBUTES_A, 404
    ),
    *expect(
        "transition-a-advice-create",
        _url("transitions:advice_create", "a"),
        {**CONTRIBUTES_A, "foster_parent_a": 200},
        404,
    ),
    *expect(
        "transitions-template-index",
        lambda w: reverse("transitions:template_index"),
        {"leader_a": 302},
        404,
    ),
    *expect(
        "transitions-template-101",
        lambda w: reverse("transitions:template", args=["101"]),
        {"leader_a": 200},
        404,
    ),
    *expect("api-transitions-list", _api("/transitions"), {}, 200, api=True),
    *expect("api-transition-a", _api("/transitions/{}", "a"), SEES_A, 404, api=True),
    *expect(
        "api-transition-a-old",
        _api("/transitions/{}", "a_old"),
        {**SEES_A, "specialist_a": 404},
        404,
        api=True,
    ),
    *expect("api-transition-b", _api("/transitions/{}", "b"), {"consultant_b": 200}, 404, api=True),
]
