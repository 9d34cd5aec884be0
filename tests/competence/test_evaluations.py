"""Families' evaluations: what is pending, giving one, and what the service refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import Enrolment, Evaluation
from samspil.competence.services.evaluation import submit_evaluation
from samspil.core.exceptions import PermissionDeniedError
from tests.competence.factories import SessionFactory, at, course_for, offering_for

RATINGS = {"delivery": 4, "usefulness": 5, "behaviour_change": 3}


def _attended(world, family, *, attendance=Attendance.ATTENDED, **offering):  # type: ignore[no-untyped-def]
    session = SessionFactory(offering=offering_for(world, **offering), starts_at=at(2027, 3, 2, 19))
    Enrolment.objects.create(
        session=session, family=family, status=EnrolmentStatus.ENROLLED, attendance=attendance
    )
    return session.offering


def _closed_course(world, family=None, **kwargs):  # type: ignore[no-untyped-def]
    return course_for(
        world,
        family=family,
        status=SupervisionStatus.CLOSED,
        closed_on=dt.date(2027, 2, 1),
        goal_rating=4,
        **kwargs,
    )


def _pending_titles(client) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("competence:evaluation_list"))
    return [target.title for target in response.context["pending"]]


def test_evaluation_list_shows_an_attended_offering_as_pending(world, client) -> None:
    _attended(world, world.family_a, title="Tilknytning")
    _attended(world, world.family_a, title="Udeblev", attendance=Attendance.NO_SHOW)
    _attended(world, world.family_a_other, title="Andens")
    client.force_login(world.foster_parent_a)
    assert _pending_titles(client) == ["Tilknytning"]


def test_evaluation_list_shows_a_closed_course_but_not_an_open_one(world, client) -> None:
    _closed_course(world, title="Afsluttet")
    course_for(world, title="Åbent")
    client.force_login(world.foster_parent_a)
    assert _pending_titles(client) == ["Afsluttet"]


def test_evaluation_list_moves_an_evaluated_offering_to_given(world, client) -> None:
    offering = _attended(world, world.family_a, title="Tilknytning")
    submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, offering=offering, **RATINGS
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:evaluation_list"))
    assert (
        response.context["pending"],
        [(e.offering.title, e.usefulness) for e in response.context["given"]],
    ) == ([], [("Tilknytning", 5)])


def test_submit_evaluation_saves_and_audits_without_the_answers(world) -> None:
    offering = _attended(world, world.family_a)
    evaluation = submit_evaluation(
        actor=world.foster_parent_a,
        family=world.family_a,
        offering=offering,
        comment="  Meget brugbart  ",
        **RATINGS,
    )
    entry = AuditEntry.objects.get(action="competence.evaluation.create")
    assert (evaluation.delivery, evaluation.comment) == (4, "Meget brugbart")
    assert (entry.object_uuid, entry.municipality_id, entry.data, entry.changes) == (
        world.family_a.uuid,
        world.a.pk,
        {"offering": str(offering.uuid), "channel": "cli"},
        {},
    )


def test_submit_evaluation_refuses_when_the_family_did_not_attend(world) -> None:
    offering = _attended(world, world.family_a, attendance=Attendance.NO_SHOW)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a, family=world.family_a, offering=offering, **RATINGS
        )
    assert (error.value.code, Evaluation.objects.count()) == ("not_attended", 0)


def test_submit_evaluation_refuses_an_open_course(world) -> None:
    course = course_for(world)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a, family=world.family_a, course=course, **RATINGS
        )
    assert error.value.code == "course_not_closed"


def test_submit_evaluation_accepts_a_closed_course(world) -> None:
    course = _closed_course(world)
    evaluation = submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, course=course, **RATINGS
    )
    assert (evaluation.course, evaluation.offering) == (course, None)


def test_submit_evaluation_refuses_a_second_evaluation(world) -> None:
    offering = _attended(world, world.family_a)
    submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, offering=offering, **RATINGS
    )
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a, family=world.family_a, offering=offering, **RATINGS
        )
    assert (error.value.code, Evaluation.objects.count()) == ("duplicate", 1)


def test_submit_evaluation_refuses_staff(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(PermissionDeniedError):
        submit_evaluation(
            actor=world.consultant_a, family=world.family_a, offering=offering, **RATINGS
        )


def test_submit_evaluation_refuses_a_rating_out_of_range(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a,
            family=world.family_a,
            offering=offering,
            **{**RATINGS, "delivery": 6},
        )
    assert list(error.value.message_dict) == ["delivery"]


def test_evaluation_page_saves_and_returns_to_the_list(world, client) -> None:
    offering = _attended(world, world.family_a)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:evaluation_create") + f"?offering={offering.uuid}"
    response = client.post(url, {**RATINGS, "comment": "Godt"})
    evaluation = Evaluation.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("competence:evaluation_list"),
    )
    assert (evaluation.family, evaluation.offering, evaluation.behaviour_change) == (
        world.family_a,
        offering,
        3,
    )


def test_evaluation_page_with_a_missing_rating_keeps_the_input(world, client) -> None:
    offering = _attended(world, world.family_a)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:evaluation_create") + f"?offering={offering.uuid}"
    response = client.post(url, {"delivery": 4, "usefulness": 5, "comment": "Mit svar"})
    form = response.context["form"]
    assert (response.status_code, list(form.errors), Evaluation.objects.count()) == (
        200,
        ["behaviour_change"],
        0,
    )
    assert "Mit svar" in response.content.decode()
    assert 'value="4" required id="id_delivery_3" checked' in response.content.decode()


def test_evaluation_page_for_an_offering_not_attended_answers_404(world, client) -> None:
    offering = _attended(world, world.family_a_other)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:evaluation_create") + f"?offering={offering.uuid}")
    assert response.status_code == 404


def test_evaluation_page_for_another_familys_course_answers_404(world, client) -> None:
    course = _closed_course(world, family=world.family_a_other)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:evaluation_create") + f"?course={course.uuid}")
    assert response.status_code == 404


def test_evaluation_page_when_already_evaluated_goes_back_to_the_list(world, client) -> None:
    course = _closed_course(world)
    submit_evaluation(actor=world.foster_parent_a, family=world.family_a, course=course, **RATINGS)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:evaluation_create") + f"?course={course.uuid}")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("competence:evaluation_list"),
    )
