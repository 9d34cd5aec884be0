"""Access-matrix rows for the calendar, evaluations, the project lead's overview and training
hours (collected by tests/test_access_matrix.py). Every persona × page/API × own/other
municipality; 404 outside scope, 302/401 for anonymous."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

from samspil.competence.enums import Attendance, EnrolmentStatus
from samspil.competence.models import Enrolment
from samspil.competence.services.calendar import create_calendar_feed
from tests.access import Row, expect
from tests.competence.factories import SessionFactory, offering_for

EVERY_LOGIN = {
    "consultant_a": 200,
    "consultant_b": 200,
    "leader_a": 200,
    "case_worker_a": 200,
    "specialist_a": 200,
    "foster_parent_a": 200,
    "evaluator": 200,
    "programme_officer": 200,
    "sysadmin": 200,
}
FAMILY_A = {"consultant_a": 200, "leader_a": 200, "foster_parent_a": 200}


def _url(name: str, query: str = "") -> Callable[[object], str]:
    return lambda w: reverse(name) + query


def _family_query(name: str, attr: str, extra: str = "") -> Callable[[object], str]:
    return lambda w: f"{reverse(name)}?family={getattr(w, attr).uuid}{extra}"


def _feed_of(attr: str) -> Callable[[object], str]:
    """A live feed URL of a persona: the secret is the credential, whoever asks."""

    def url(w: object) -> str:
        _feed, token = create_calendar_feed(user=getattr(w, attr))
        return reverse("competence:calendar_feed", args=[token])

    return url


def _evaluation_of_attended_offering(attr: str) -> Callable[[object], str]:
    def url(w: object) -> str:
        session = SessionFactory(offering=offering_for(w))
        Enrolment.objects.create(
            session=session,
            family=getattr(w, attr),
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.ATTENDED,
        )
        return reverse("competence:evaluation_create") + f"?offering={session.offering.uuid}"

    return url


def _api(template: str, attr: str) -> Callable[[object], str]:
    return lambda w: "/api/v1" + template.format(getattr(w, attr).uuid)


ROWS: list[Row] = [
    # The year calendar shows each login's own items (empty for roles without any).
    *expect("calendar", _url("competence:calendar", "?year=2027"), EVERY_LOGIN, 404),
    # The feed needs no login: a live secret answers 200 to anyone, an unknown one 404.
    *expect("calendar-feed-live", _feed_of("foster_parent_a"), {"anonymous": 200}, 200),
    *expect(
        "calendar-feed-unknown",
        lambda w: reverse("competence:calendar_feed", args=["x" * 43]),
        {"anonymous": 404},
        404,
    ),
    # Evaluations are the family's own.
    *expect("evaluations", _url("competence:evaluation_list"), {"foster_parent_a": 200}, 404),
    *expect(
        "evaluation-create-a",
        _evaluation_of_attended_offering("family_a"),
        {"foster_parent_a": 200},
        404,
    ),
    *expect("evaluation-create-b", _evaluation_of_attended_offering("family_b"), {}, 404),
    # The project lead's overview: leaders of the municipality only.
    *expect("competence-reports", _url("competence:reports"), {"leader_a": 200}, 404),
    *expect("competence-reports-b", _url("competence:reports", "?municipality=630"), {}, 404),
    # Training hours: the family, its municipality's consultants and leaders.
    *expect(
        "training-hours-table",
        _url("competence:training_hours", "?year=2027"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "foster_parent_a": 200},
        404,
    ),
    *expect(
        "training-hours-a", _family_query("competence:training_hours", "family_a"), FAMILY_A, 404
    ),
    *expect(
        "training-hours-a-other",
        _family_query("competence:training_hours", "family_a_other"),
        {"consultant_a": 200, "leader_a": 200},
        404,
    ),
    *expect(
        "training-hours-b",
        _family_query("competence:training_hours", "family_b"),
        {"consultant_b": 200},
        404,
    ),
    *expect(
        "training-hours-export-a",
        _family_query("competence:training_hours_export", "family_a", "&format=csv"),
        FAMILY_A,
        404,
    ),
    *expect(
        "training-hours-export-b",
        _family_query("competence:training_hours_export", "family_b", "&format=xlsx"),
        {"consultant_b": 200},
        404,
    ),
    *expect(
        "training-hours-export-table",
        _url("competence:training_hours_export", "?format=xlsx"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "foster_parent_a": 200},
        404,
    ),
    # API: the same policy.
    *expect(
        "api-training-hours-a",
        _api("/training-hours?family={}", "family_a"),
        FAMILY_A,
        404,
        api=True,
    ),
    *expect(
        "api-training-hours-b",
        _api("/training-hours?family={}", "family_b"),
        {"consultant_b": 200},
        404,
        api=True,
    ),
]
