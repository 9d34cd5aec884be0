"""Answering and scoring through the services: raw answers kept in their version, scores beside
them, partial answers, works once, staff typing in paper forms."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.measures import catalogue
from samspil.measures.enums import Respondent, ResponseStatus
from samspil.measures.models import Instrument, InstrumentVersion, Response, Score
from samspil.measures.services import instruments as instrument_services
from samspil.measures.services import responses as services

pytestmark = pytest.mark.django_db

ALL_ZERO = {str(n): 0 for n in range(1, 26)}


def record(world: Any, code: str = "sdq-parent-4-17", **kwargs: Any) -> Response:
    defaults: dict[str, Any] = {
        "actor": world.consultant_a,
        "family": world.family_a,
        "child": world.child_a,
        "respondent": Respondent.FOSTER_PARENT,
        "answers": ALL_ZERO,
    }
    return services.record_response(code=code, **(defaults | kwargs))


def test_the_shipped_instruments_are_in_the_database_after_migrate() -> None:
    codes = set(Instrument.objects.values_list("code", flat=True))
    assert {d["code"] for d in catalogue.shipped()} <= codes
    assert InstrumentVersion.objects.get(instrument__code="who-5", is_current=True).number == 1


def test_syncing_again_stores_nothing_new() -> None:
    assert instrument_services.sync_shipped() == 0


def test_a_paper_form_is_stored_raw_with_a_score_row_per_scale(world: Any) -> None:
    response = record(world, answered_on=dt.date(2026, 5, 1))
    assert response.status == ResponseStatus.COMPLETE
    assert response.answers == ALL_ZERO
    assert response.entered_by == world.consultant_a
    scores = {s.scale: (s.value, s.band, s.band4) for s in Score.objects.filter(response=response)}
    assert scores["total_difficulties"] == (10, "normal", "close_to_average")
    assert scores["peer"] == (4, "abnormal", "high")
    assert scores["impact"] == (None, "", "")
    row = Score.objects.get(response=response, scale="peer")
    assert (row.child, row.family, row.answered_on) == (
        world.child_a,
        world.family_a,
        dt.date(2026, 5, 1),
    )


def test_answers_keep_the_version_they_were_given_in(world: Any) -> None:
    first = record(world)
    changed = copy.deepcopy(catalogue.shipped_by_code()["sdq-parent-4-17"])
    changed["scoring"]["bands"]["peer"] = [
        ["normal", 0, 4],
        ["borderline", 5, 5],
        ["abnormal", 6, 10],
    ]
    version = instrument_services.store_version(definition=changed)
    second = record(world)
    assert (first.instrument_version.number, second.instrument_version.number) == (
        1,
        version.number,
    )
    assert version.number == 2
    assert Score.objects.get(response=first, scale="peer").band == "abnormal"
    assert Score.objects.get(response=second, scale="peer").band == "normal"


def test_staff_of_another_municipality_cannot_enter_answers(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        record(world, actor=world.consultant_b)
    assert Response.objects.count() == 0


def test_a_child_not_placed_in_the_family_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="not been placed"):
        record(world, child=world.child_b)


def test_the_respondent_must_be_the_one_the_version_is_for(world: Any) -> None:
    with pytest.raises(ValidationError, match="answered by"):
        record(world, respondent=Respondent.TEACHER)


def test_a_course_evaluation_needs_its_required_items(world: Any) -> None:
    response = Response.objects.create(
        instrument_version=services.current_version("course-evaluation"),
        municipality=world.a,
        family=world.family_a,
        respondent=Respondent.FOSTER_PARENT,
    )
    with pytest.raises(ValidationError, match="Please answer: usefulness"):
        services.submit_response(response=response, answers={"delivery": 4, "behaviour_change": 3})
    assert Response.objects.filter(status=ResponseStatus.COMPLETE).count() == 0


def test_an_answer_out_of_range_is_refused_and_nothing_is_stored(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        record(world, answers={"1": 5})
    assert error.value.message_dict["answers"] == ["item '1': 5 is not one of 0, 1, 2"]
    assert Score.objects.count() == 0


def test_partial_answers_are_merged_and_a_submit_works_once(world: Any) -> None:
    response = Response.objects.create(
        instrument_version=services.current_version("who-5"),
        municipality=world.a,
        family=world.family_a,
        respondent=Respondent.FOSTER_PARENT,
    )
    services.save_answers(response=response, answers={"1": 3, "2": 4})
    services.save_answers(response=response, answers={"2": 2, "3": None})
    response.refresh_from_db()
    assert response.answers == {"1": 3, "2": 2}
    assert response.status == ResponseStatus.IN_PROGRESS
    services.submit_response(response=response, answers={"3": 3, "4": 3, "5": 3})
    response.refresh_from_db()
    assert Score.objects.get(response=response, scale="percentage").value == 56
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_response(response=response, answers={})
    with pytest.raises(ValidationError, match="already been submitted"):
        services.save_answers(response=response, answers={"1": 0})


def test_the_audit_entry_names_ids_not_answers(world: Any) -> None:
    response = record(world)
    entry = AuditEntry.objects.get(action="measures.response.submit")
    assert entry.object_uuid == response.uuid
    assert entry.data["instrument"] == "sdq-parent-4-17"
    assert "answers" not in entry.data
    assert "scores" not in entry.data


def test_staff_cannot_enter_a_course_evaluation_for_a_family(world: Any) -> None:
    answers = {"delivery": 5, "usefulness": 5, "behaviour_change": 5}
    with pytest.raises(ValidationError, match="Staff cannot enter answers"):
        record(world, code="course-evaluation", child=None, answers=answers)
    assert Response.objects.count() == 0
