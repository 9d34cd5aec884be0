"""Access-matrix rows for supervision: every persona × the supervision pages and API × own /
other municipality. Collected by tests/test_access_matrix.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from samspil.competence.enums import SupervisionKind, SupervisionStatus
from samspil.competence.models import SupervisionCourse
from tests.access import Row, expect
from tests.competence.factories import course_for
from tests.factories import InstitutionFactory


def _course_a(w: Any) -> SupervisionCourse:
    return course_for(w)


def _course_b(w: Any) -> SupervisionCourse:
    institution_b = InstitutionFactory(name="Bøgely", municipality=w.b)
    return course_for(
        w, w.family_b, institution=institution_b, supervisor=None, opened_by=w.consultant_b
    )


def _course_a_other_institution(w: Any) -> SupervisionCourse:
    return course_for(w, w.family_a_other, institution=InstitutionFactory(municipality=w.a))


def _referral_a(w: Any) -> SupervisionCourse:
    return course_for(
        w,
        kind=SupervisionKind.CONSULTATIVE,
        status=SupervisionStatus.REFERRED,
        supervisor=None,
        opened_on=None,
        goal="",
    )


def _page(make: Callable[[Any], SupervisionCourse]) -> Callable[[object], str]:
    return lambda w: reverse("competence:supervision_detail", args=[make(w).uuid])


def _api(make: Callable[[Any], SupervisionCourse]) -> Callable[[object], str]:
    return lambda w: f"/api/v1/supervision-courses/{make(w).uuid}"


def _with_family(name: str, attr: str) -> Callable[[object], str]:
    return lambda w: f"{reverse(name)}?family={getattr(w, attr).uuid}"


SEES_COURSE_A = {"consultant_a": 200, "leader_a": 200, "specialist_a": 200, "foster_parent_a": 200}

ROWS: list[Row] = [
    # The list answers everyone logged in, with what they may see (tested in test_supervision).
    *expect("supervision-list", lambda w: reverse("competence:supervision_list"), {}, 200),
    # A course: the municipality's staff, the delivering institution, the family itself.
    *expect("supervision-a-detail", _page(_course_a), SEES_COURSE_A, 404),
    *expect("supervision-b-detail", _page(_course_b), {"consultant_b": 200}, 404),
    *expect(
        "supervision-a-other-institution",
        _page(_course_a_other_institution),
        {"consultant_a": 200, "leader_a": 200},
        404,
    ),
    # A referral the institution has not answered: it sees the referral (basics only).
    *expect("referral-a-detail", _page(_referral_a), SEES_COURSE_A, 404),
    # Opening: roles that may open courses; a family out of sight is 404, in sight but not
    # allowed (case worker, the family itself) 403.
    *expect(
        "supervision-create",
        lambda w: reverse("competence:supervision_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "specialist_a": 200},
        403,
    ),
    *expect(
        "supervision-create-family-a",
        _with_family("competence:supervision_create", "family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect(
        "supervision-create-family-b",
        _with_family("competence:supervision_create", "family_b"),
        {"consultant_b": 200},
        404,
    ),
    *expect(
        "supervision-group-create",
        lambda w: reverse("competence:supervision_group_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "specialist_a": 200},
        403,
    ),
    # Referring: the municipality's consultants and leaders only.
    *expect(
        "referral-create",
        lambda w: reverse("competence:referral_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    *expect(
        "referral-create-family-a",
        _with_family("competence:referral_create", "family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect(
        "referral-create-family-b",
        _with_family("competence:referral_create", "family_b"),
        {"consultant_b": 200},
        404,
    ),
    # The referral inbox is the institution's.
    *expect(
        "referral-inbox", lambda w: reverse("competence:referral_inbox"), {"specialist_a": 200}, 404
    ),
    # API: the same policy.
    *expect("api-supervision-list", lambda w: "/api/v1/supervision-courses", {}, 200, api=True),
    *expect("api-supervision-a", _api(_course_a), SEES_COURSE_A, 404, api=True),
    *expect("api-supervision-b", _api(_course_b), {"consultant_b": 200}, 404, api=True),
    *expect("api-referral-a", _api(_referral_a), SEES_COURSE_A, 404, api=True),
]
