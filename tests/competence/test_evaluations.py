"""Families' evaluations: what is pending, giving one (answered in the instrument engine's
`course-evaluation` instrument), what the service refuses, the form rendered from the
instrument's definition, and the data migration giving older evaluations their responses."""

from __future__ import annotations

import copy
import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from samspil.audit.models import AuditEntry
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import Enrolment, Evaluation
from samspil.competence.services.evaluation import submit_evaluation
from samspil.core.exceptions import PermissionDeniedError
from samspil.measures import catalogue
from samspil.measures.models import Instrument, InstrumentVersion, Response, Score
from samspil.measures.services.instruments import store_version, sync_shipped
from tests.competence.factories import SessionFactory, at, course_for, offering_for

migration = importlib.import_module("samspil.competence.migrations.0005_evaluation_responses")

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
        actor=world.foster_parent_a, family=world.family_a, offering=offering, answers=RATINGS
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
        answers={**RATINGS, "comment": "  Meget brugbart  "},
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
            actor=world.foster_parent_a, family=world.family_a, offering=offering, answers=RATINGS
        )
    assert (error.value.code, Evaluation.objects.count(), Response.objects.count()) == (
        "not_attended",
        0,
        0,
    )


def test_submit_evaluation_refuses_an_open_course(world) -> None:
    course = course_for(world)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a, family=world.family_a, course=course, answers=RATINGS
        )
    assert error.value.code == "course_not_closed"


def test_submit_evaluation_accepts_a_closed_course(world) -> None:
    course = _closed_course(world)
    evaluation = submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, course=course, answers=RATINGS
    )
    assert (evaluation.course, evaluation.offering) == (course, None)


def test_submit_evaluation_refuses_a_second_evaluation(world) -> None:
    offering = _attended(world, world.family_a)
    submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, offering=offering, answers=RATINGS
    )
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a, family=world.family_a, offering=offering, answers=RATINGS
        )
    assert (error.value.code, Evaluation.objects.count(), Response.objects.count()) == (
        "duplicate",
        1,
        1,
    )


def test_submit_evaluation_refuses_staff(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(PermissionDeniedError):
        submit_evaluation(
            actor=world.consultant_a, family=world.family_a, offering=offering, answers=RATINGS
        )


def test_submit_evaluation_refuses_a_rating_out_of_range(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a,
            family=world.family_a,
            offering=offering,
            answers={**RATINGS, "delivery": 6},
        )
    assert error.value.message_dict == {"delivery": ["Choose a value from 1 to 5."]}
    assert (Evaluation.objects.count(), Response.objects.count(), Score.objects.count()) == (
        0,
        0,
        0,
    )


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
    submit_evaluation(
        actor=world.foster_parent_a, family=world.family_a, course=course, answers=RATINGS
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:evaluation_create") + f"?course={course.uuid}")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("competence:evaluation_list"),
    )


# -- the answers in the instrument engine ---------------------------------------------------------


def _scores(response: Response) -> dict[str, int | None]:
    return dict(response.scores.order_by("scale").values_list("scale", "value"))


def test_submitted_evaluation_is_a_complete_response_in_course_evaluation_v1(world) -> None:
    offering = _attended(world, world.family_a)
    evaluation = submit_evaluation(
        actor=world.foster_parent_a,
        family=world.family_a,
        offering=offering,
        answers={**RATINGS, "comment": " Godt "},
    )
    response = Response.objects.get()
    assert evaluation.response == response
    assert (
        response.instrument_version.instrument.code,
        response.instrument_version.number,
        response.status,
        response.respondent,
        response.family,
        response.child,
        response.municipality,
        response.answered_on,
    ) == (
        "course-evaluation",
        1,
        "complete",
        "foster_parent",
        world.family_a,
        None,
        world.a,
        timezone.localdate(),
    )
    assert response.answers == {**RATINGS, "comment": "Godt"}
    assert _scores(response) == {"behaviour_change": 3, "delivery": 4, "usefulness": 5}


def _columns(evaluation: Evaluation) -> tuple[dict[str, int], str]:
    return (
        {
            "behaviour_change": evaluation.behaviour_change,
            "delivery": evaluation.delivery,
            "usefulness": evaluation.usefulness,
        },
        evaluation.comment,
    )


def test_evaluation_columns_are_copied_from_the_response_scores(world) -> None:
    evaluation = submit_evaluation(
        actor=world.foster_parent_a,
        family=world.family_a,
        course=_closed_course(world),
        answers={"delivery": 2, "usefulness": 1, "behaviour_change": 5},
    )
    assert _columns(evaluation) == (_scores(evaluation.response), "")


def test_submit_evaluation_audits_the_response_with_ids_only(world) -> None:
    offering = _attended(world, world.family_a)
    submit_evaluation(
        actor=world.foster_parent_a,
        family=world.family_a,
        offering=offering,
        answers={**RATINGS, "comment": "Hemmeligt"},
    )
    entry = AuditEntry.objects.get(action="measures.response.submit")
    assert (entry.actor, entry.object_uuid, entry.data) == (
        world.foster_parent_a,
        Response.objects.get().uuid,
        {"instrument": "course-evaluation", "version": 1, "measurement": None, "channel": "cli"},
    )


def test_submit_evaluation_refuses_a_missing_rating_and_stores_nothing(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a,
            family=world.family_a,
            offering=offering,
            answers={"delivery": 4, "usefulness": None},
        )
    assert error.value.message_dict == {
        "usefulness": ["Please answer this question."],
        "behaviour_change": ["Please answer this question."],
    }
    assert (Evaluation.objects.count(), Response.objects.count()) == (0, 0)


def test_submit_evaluation_refuses_a_question_the_instrument_does_not_have(world) -> None:
    offering = _attended(world, world.family_a)
    with pytest.raises(ValidationError) as error:
        submit_evaluation(
            actor=world.foster_parent_a,
            family=world.family_a,
            offering=offering,
            answers={**RATINGS, "mood": 3},
        )
    assert error.value.messages == ["This evaluation has no question mood."]
    assert Response.objects.count() == 0


def test_evaluation_page_refuses_a_value_out_of_range_and_keeps_the_input(world, client) -> None:
    offering = _attended(world, world.family_a)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:evaluation_create") + f"?offering={offering.uuid}"
    response = client.post(url, {**RATINGS, "delivery": 9, "comment": "Mit svar"})
    form = response.context["form"]
    assert (list(form.errors), Evaluation.objects.count(), Response.objects.count()) == (
        ["delivery"],
        0,
        0,
    )
    assert "Mit svar" in response.content.decode()
    assert 'value="5" required id="id_usefulness_4" checked' in response.content.decode()


# -- the form rendered from the instrument's definition ------------------------------------------


def _form_page(world, client, language: str = "en") -> str:  # type: ignore[no-untyped-def]
    offering = _attended(world, world.family_a)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:evaluation_create") + f"?offering={offering.uuid}"
    with translation.override(language):
        return str(client.get(url, headers={"Accept-Language": language}).content.decode())


def test_evaluation_page_shows_the_instruments_questions_in_english(world, client) -> None:
    body = _form_page(world, client)
    questions = (
        "How was it delivered? (1 = poorly, 5 = very well)",
        "How useful was it? (1 = not useful, 5 = very useful)",
        "Have you changed how you do things? (1 = not at all, 5 = very much)",
    )
    assert [question for question in questions if question not in body] == []
    assert (body.count('type="radio" name="delivery"'), 'name="comment"' in body) == (5, True)


def test_evaluation_page_shows_the_instruments_questions_in_danish(world, client) -> None:
    body = _form_page(world, client, "da")
    assert "Hvordan blev det gennemført? (1 = dårligt, 5 = rigtig godt)" in body
    assert "How was it delivered?" not in body


def _new_version() -> InstrumentVersion:
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["course-evaluation"]))
    definition["items"].insert(
        3,
        {
            "key": "recommend",
            "range": [0, 3],
            "section": "items",
            "required": True,
            "label": {"en": "Would you recommend it?", "da": "Vil I anbefale det?"},
        },
    )
    return store_version(definition=definition)


def test_evaluation_page_follows_a_new_version_of_the_instrument(world, client) -> None:
    _new_version()
    body = _form_page(world, client)
    assert ("Would you recommend it?" in body, body.count('name="recommend"')) == (True, 4)


def test_evaluation_in_a_new_version_keeps_that_version(world, client) -> None:
    version = _new_version()
    offering = _attended(world, world.family_a)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:evaluation_create") + f"?offering={offering.uuid}"
    client.post(url, {**RATINGS, "recommend": 0})
    response = Evaluation.objects.get().response
    assert response is not None
    assert (response.instrument_version, response.answers) == (
        version,
        {**RATINGS, "recommend": 0},
    )


# -- the data migration ---------------------------------------------------------------------------


def _old_evaluation(world, comment: str = "") -> Evaluation:  # type: ignore[no-untyped-def]
    """An evaluation as it was stored before the instrument engine: columns, no response."""
    return Evaluation.objects.create(
        family=world.family_a,
        offering=offering_for(world),
        delivery=5,
        usefulness=2,
        behaviour_change=3,
        comment=comment,
    )


def test_migration_gives_an_old_evaluation_its_response_and_scores(world) -> None:
    evaluation = _old_evaluation(world, comment="Godt")
    migration.create_responses(django_apps, None)
    evaluation.refresh_from_db()
    response = evaluation.response
    assert response is not None
    assert (
        response.instrument_version.instrument.code,
        response.instrument_version.number,
        response.status,
        response.respondent,
        response.family,
        response.municipality,
        response.child,
        response.answered_on,
        response.answers,
    ) == (
        "course-evaluation",
        1,
        "complete",
        "foster_parent",
        world.family_a,
        world.a,
        None,
        timezone.localdate(evaluation.created_at),
        {"delivery": 5, "usefulness": 2, "behaviour_change": 3, "comment": "Godt"},
    )
    assert _scores(response) == {"behaviour_change": 3, "delivery": 5, "usefulness": 2}
    assert list(Score.objects.order_by().values_list("family", "answered_on").distinct()) == [
        (world.family_a.pk, response.answered_on)
    ]


def test_migration_leaves_evaluations_with_a_response_alone(world) -> None:
    _old_evaluation(world)
    migration.create_responses(django_apps, None)
    migration.create_responses(django_apps, None)
    assert (Response.objects.count(), Score.objects.count()) == (1, 3)


def _without_course_evaluation() -> None:
    InstrumentVersion.objects.filter(instrument__code="course-evaluation").delete()
    Instrument.objects.filter(code="course-evaluation").delete()


def test_migration_creates_version_1_from_the_shipped_definition_when_missing(world) -> None:
    _without_course_evaluation()
    _old_evaluation(world)
    migration.create_responses(django_apps, None)
    version = InstrumentVersion.objects.get(instrument__code="course-evaluation")
    shipped = catalogue.shipped_by_code()["course-evaluation"]
    assert (version.number, version.is_current, version.definition) == (1, True, shipped)
    assert sync_shipped() == 0  # what post_migrate does next finds it unchanged


def test_migration_without_evaluations_creates_nothing(db) -> None:
    _without_course_evaluation()
    migration.create_responses(django_apps, None)
    assert (
        Instrument.objects.filter(code="course-evaluation").count(),
        Response.objects.count(),
    ) == (
        0,
        0,
    )


def test_migration_backwards_removes_the_responses_it_linked(world) -> None:
    evaluation = _old_evaluation(world)
    migration.create_responses(django_apps, None)
    migration.remove_responses(django_apps, None)
    evaluation.refresh_from_db()
    assert (evaluation.response, evaluation.delivery, Response.objects.count()) == (None, 5, 0)
