"""Reading responses (`selectors.responses`), the response page, and typing in a paper form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.measures.models import InstrumentVersion, ItemText, Response
from samspil.measures.selectors import responses as selectors
from tests.measures.factories_responses import (
    TEACHER,
    record,
    sdq_series,
    sdq_with_total,
    who5_with_percentage,
)

pytestmark = pytest.mark.django_db


def _teacher_and_parent(world: Any) -> tuple[Response, Response]:
    (parent,) = sdq_series(world, [20])
    (teacher,) = sdq_series(world, [12], code=TEACHER, respondent="teacher")
    return parent, teacher


# -- responses_for --------------------------------------------------------------------------------


def test_consultant_lists_every_response_of_the_municipality(world: Any) -> None:
    parent, teacher = _teacher_and_parent(world)
    assert set(selectors.responses_for(world.consultant_a)) == {parent, teacher}


def test_consultant_of_another_municipality_lists_none(world: Any) -> None:
    _teacher_and_parent(world)
    assert list(selectors.responses_for(world.consultant_b)) == []


def test_foster_parent_lists_own_answers_not_the_teachers(world: Any) -> None:
    parent, _teacher = _teacher_and_parent(world)
    assert list(selectors.responses_for(world.foster_parent_a)) == [parent]


def test_case_worker_lists_their_childs_answers_only(world: Any) -> None:
    parent, teacher = _teacher_and_parent(world)
    record(
        actor=world.consultant_a,
        family=world.family_a,
        code="who-5",
        answers=who5_with_percentage(60),
        answered_on=dt.date(2025, 3, 1),
    )
    assert set(selectors.responses_for(world.case_worker_a)) == {parent, teacher}


@pytest.mark.parametrize("persona", ["specialist_a", "evaluator", "sysadmin"])
def test_staff_without_a_role_in_measuring_list_nothing(world: Any, persona: str) -> None:
    _teacher_and_parent(world)
    assert list(selectors.responses_for(getattr(world, persona))) == []


def test_responses_filter_by_family_child_and_instrument(world: Any) -> None:
    parent, teacher = _teacher_and_parent(world)
    user = world.consultant_a
    assert list(selectors.responses_for(user, instrument=TEACHER)) == [teacher]
    assert set(selectors.responses_for(user, child=world.child_a.uuid)) == {parent, teacher}
    assert list(selectors.responses_for(user, family=world.family_a_other.uuid)) == []
    assert list(selectors.responses_for(user, family="not-a-uuid")) == []


# -- one response ---------------------------------------------------------------------------------


def test_response_page_shows_scores_bands_flags_and_neutral_labels(world: Any, login: Any) -> None:
    response = record(
        actor=world.consultant_a,
        family=world.family_a,
        child=world.child_a,
        code="sdq-parent-4-17",
        answers={**sdq_with_total(20), "3": None, "8": None, "13": None},
        answered_on=dt.date(2025, 2, 1),
    )
    page = login(world.consultant_a).get(reverse("measures:response_detail", args=[response.uuid]))
    assert page.status_code == 200
    detail = page.context["detail"]
    scores = {row.scale: (row.value, row.band, row.band4) for row in detail.scores}
    assert scores["emotional"] == (None, "", "")
    assert scores["conduct"] == (10, "abnormal", "very_high")
    assert [flag.code for flag in detail.flags] == ["emotional_not_scored"]
    html = page.content.decode()
    assert "Emotional symptoms: too few answers to score" in html
    assert "Statement 7 (conduct problems)" in html
    assert "Certainly true (2)" in html


def test_response_page_shows_the_imported_licensed_text_in_the_active_language(
    world: Any, login: Any
) -> None:
    (response,) = sdq_series(world, [10])
    version = InstrumentVersion.objects.get(instrument__code="sdq-parent-4-17", is_current=True)
    ItemText.objects.create(version=version, item="7", language="en", text="LICENSED-EN-7")
    ItemText.objects.create(version=version, item="7", language="da", text="LICENSED-DA-7")
    client = login(world.consultant_a)
    url = reverse("measures:response_detail", args=[response.uuid])
    html = client.get(url).content.decode()
    assert "LICENSED-EN-7" in html
    assert "LICENSED-DA-7" not in html
    assert "Statement 7 (conduct problems)" not in html
    assert "Statement 8 (emotional symptoms)" in html  # not imported: the neutral label
    danish = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "LICENSED-DA-7" in danish


def test_response_read_is_audited_with_ids_only(world: Any, login: Any) -> None:
    (response,) = sdq_series(world, [20])
    login(world.consultant_a).get(reverse("measures:response_detail", args=[response.uuid]))
    entry = AuditEntry.objects.get(action="measures.response.read")
    assert entry.object_uuid == response.uuid
    assert entry.municipality_id == world.a.pk
    assert set(entry.data) == {"family", "child", "channel"}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("consultant_a", 200),
        ("case_worker_a", 200),
        ("foster_parent_a", 404),
        ("consultant_b", 404),
        ("specialist_a", 404),
    ],
)
def test_teachers_response_page_is_for_staff_of_the_child(
    world: Any, login: Any, persona: str, status: int
) -> None:
    _parent, teacher = _teacher_and_parent(world)
    page = login(getattr(world, persona)).get(
        reverse("measures:response_detail", args=[teacher.uuid])
    )
    assert page.status_code == status
    assert (b"Total difficulties" in page.content) == (status == 200)


def test_get_response_for_unknown_and_invisible_alike(world: Any) -> None:
    (response,) = sdq_series(world, [20])
    with pytest.raises(Http404):
        selectors.get_response_for(world.consultant_b, response.uuid)
    with pytest.raises(Http404):
        selectors.get_response_for(world.consultant_a, "not-a-uuid")


# -- the paper form -------------------------------------------------------------------------------


def enter_url(world: Any, query: str = "") -> str:
    return reverse("measures:response_create", args=[world.family_a.uuid]) + query


def test_paper_form_first_asks_for_the_questionnaire(world: Any, login: Any) -> None:
    page = login(world.consultant_a).get(enter_url(world))
    assert page.status_code == 200
    choices = dict(page.context["chooser"].fields["instrument"].choices)
    assert "sdq-teacher-4-17" in choices
    assert "who-5" in choices
    assert b"Alma" in page.content


def test_paper_form_stores_and_scores_the_answers(world: Any, login: Any) -> None:
    data = {
        "instrument": "sdq-parent-4-17",
        "child": str(world.child_a.uuid),
        "respondent": "foster_parent",
        "answered_on": "2025-05-01",
        **{f"item_{k}": "" if v is None else str(v) for k, v in sdq_with_total(14).items()},
    }
    page = login(world.consultant_a).post(enter_url(world), data)
    response = Response.objects.get()
    assert page.status_code == 302
    assert page.url == reverse("measures:response_detail", args=[response.uuid])
    assert response.entered_by == world.consultant_a
    assert response.answered_on == dt.date(2025, 5, 1)
    assert response.scores.get(scale="total_difficulties").band == "borderline"


def test_paper_form_errors_keep_what_was_typed(world: Any, login: Any) -> None:
    data = {
        "instrument": "sdq-parent-4-17",
        "child": str(world.child_a.uuid),
        "respondent": "teacher",
        "answered_on": "2025-05-01",
        "item_1": "2",
        "item_7": "0",
    }
    page = login(world.consultant_a).post(enter_url(world), data)
    assert page.status_code == 200
    assert Response.objects.count() == 0
    html = page.content.decode()
    assert "This questionnaire is answered by: foster parent." in html
    assert 'name="item_1" value="2" id="id_item_1_2" checked' in html
    assert 'name="item_7" value="0" id="id_item_7_0" checked' in html


def test_paper_form_refuses_a_future_date(world: Any, login: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = login(world.consultant_a).post(
        enter_url(world),
        {"instrument": "who-5", "respondent": "foster_parent", "answered_on": tomorrow},
    )
    assert "The date cannot be in the future." in page.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(("persona", "status"), [("case_worker_a", 403), ("consultant_b", 404)])
def test_paper_form_is_for_the_municipalitys_consultants(
    world: Any, login: Any, persona: str, status: int
) -> None:
    page = login(getattr(world, persona)).post(
        enter_url(world),
        {"instrument": "who-5", "respondent": "foster_parent", "answered_on": "2025-01-01"},
    )
    assert page.status_code == status
    assert Response.objects.count() == 0
