"""The answering page: what it shows (a teacher sees the child's first name and nothing else),
the questions and their follow-ups, partial answers kept across visits, submitting (scored,
Score rows, the link spent), bad values, headers, CSRF without a login, the language switch,
the audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.measures.enums import MeasurementStatus, ResponseStatus
from samspil.measures.models import AnswerLink, InstrumentVersion, ItemText, Response, Score
from tests.measures.factories import MeasurementFactory, make_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_link(world: Any) -> tuple[AnswerLink, str]:
    """A teacher's SDQ link about child_a (Alma Jensen, family_a: Familien Andersen, København)."""
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    return make_link(measurement, by=world.consultant_a)


def url(token: str) -> str:
    return reverse("measures:answer", args=[token])


def checked(html: str, key: str) -> str | None:
    """The value ticked for item `key` on the page, or None."""
    match = re.search(rf'name="item_{re.escape(key)}" value="(\d+)" id="[^"]+" checked', html)
    return match.group(1) if match else None


def all_items(value: int = 1) -> dict[str, str]:
    return {f"item_{n}": str(value) for n in range(1, 26)}


def test_teacher_page_shows_the_first_name_and_nothing_else(
    client: Client, world: Any, teacher_link: Any
) -> None:
    _link, token = teacher_link
    response = client.get(url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "About Alma" in html
    assert "SDQ, teacher, 4–17 years" in html
    assert [
        name for name in ("Jensen", "Familien Andersen", "Andersen", "København") if name in html
    ] == []


def test_a_family_questionnaire_says_your_family(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    _link, token = make_link(measurement, by=world.consultant_a)
    html = client.get(url(token)).content.decode()
    assert "About your family" in html
    assert "Over the last two weeks:" in html
    assert ("Alma" in html, "Andersen" in html) == (False, False)


def test_questions_are_radio_groups_with_a_legend(
    client: Client, world: Any, teacher_link: Any
) -> None:
    html = client.get(url(teacher_link[1])).content.decode()
    assert html.count("<fieldset") == 26  # items 1–25 and the first impact question
    assert "<legend>Statement 1 (prosocial behaviour)</legend>" in html
    assert 'type="radio" name="item_1" value="2"' in html


def test_licensed_texts_replace_the_neutral_labels_in_the_active_language(
    client: Client, world: Any, teacher_link: Any
) -> None:
    version = InstrumentVersion.objects.get(instrument__code="sdq-teacher-4-17", is_current=True)
    ItemText.objects.create(version=version, item="1", language="en", text="Text 1 in English")
    ItemText.objects.create(version=version, item="1", language="da", text="Tekst 1 på dansk")
    html = client.get(url(teacher_link[1])).content.decode()
    assert ("Text 1 in English" in html, "Tekst 1 på dansk" in html) == (True, False)
    assert "Statement 2 (hyperactivity/inattention)" in html


def test_follow_up_impact_questions_are_hidden_until_difficulties_are_reported(
    client: Client, world: Any, teacher_link: Any
) -> None:
    token = teacher_link[1]
    before = client.get(url(token)).content.decode()
    client.post(url(token), {"item_impact_difficulties": "1", "action": "save"})
    after = client.get(url(token)).content.decode()
    assert ('name="item_impact_distress"' in before, 'name="item_impact_distress"' in after) == (
        False,
        True,
    )


def test_partial_answers_are_shown_again_when_the_link_is_reopened(
    client: Client, world: Any, teacher_link: Any
) -> None:
    token = teacher_link[1]
    client.post(url(token), {"item_1": "2", "item_2": "0", "action": "save"})
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(url(token)).content.decode()
    assert (checked(html, "1"), checked(html, "2"), checked(html, "3")) == ("2", "0", None)


def test_save_and_continue_later_says_the_answers_are_saved(
    client: Client, world: Any, teacher_link: Any
) -> None:
    response = client.post(url(teacher_link[1]), {"item_1": "2", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your answers are saved" in html
    assert checked(html, "1") == "2"


def test_submit_scores_and_stores_score_rows(client: Client, world: Any, teacher_link: Any) -> None:
    link, token = teacher_link
    data = all_items(1) | {"item_impact_difficulties": "0", "action": "submit"}
    response = client.post(url(token), data)
    stored = Response.objects.get(measurement=link.measurement)
    scores = dict(Score.objects.filter(response=stored).values_list("scale", "value"))
    link.refresh_from_db()
    link.measurement.refresh_from_db()
    assert response["Location"] == reverse("measures:answer_thanks")
    assert (stored.status, stored.answers["1"]) == (ResponseStatus.COMPLETE, 1)
    assert (scores["emotional"], scores["total_difficulties"], scores["impact"]) == (5, 20, 0)
    assert Score.objects.filter(response=stored, child=world.child_a).count() == len(scores)
    assert link.used_at is not None
    assert link.measurement.status == MeasurementStatus.ANSWERED


def test_the_thank_you_page_is_public(client: Client, world: Any) -> None:
    response = client.get(reverse("measures:answer_thanks"))
    assert response.status_code == 200
    assert "Thank you for your answers" in response.content.decode()


def test_a_bad_value_re_renders_with_the_error_and_keeps_every_answer(
    client: Client, world: Any, teacher_link: Any
) -> None:
    token = teacher_link[1]
    client.post(url(token), {"item_3": "1", "action": "save"})
    response = client.post(url(token), {"item_1": "2", "item_2": "7", "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Select a valid choice" in html
    assert (checked(html, "1"), checked(html, "3")) == ("2", "1")
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_a_required_answer_missing_is_refused_and_answers_kept(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="course-evaluation")
    _link, token = make_link(measurement, by=world.consultant_a)
    response = client.post(url(token), {"item_delivery": "4", "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Please answer: usefulness, behaviour_change." in html
    assert checked(html, "delivery") == "4"


def test_without_scripts_follow_ups_are_shown_before_submitting(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    data = all_items(0) | {"item_impact_difficulties": "2", "action": "submit"}
    response = client.post(url(token), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please answer the follow-up questions" in html
    assert 'name="item_impact_distress"' in html
    assert Response.objects.get(measurement=link.measurement).status == ResponseStatus.IN_PROGRESS


def test_follow_ups_answered_on_the_page_are_submitted(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    data = all_items(0) | {
        "item_impact_difficulties": "2",
        "item_impact_distress": "3",
        "item_impact_classroom": "2",
        "shown": "impact_difficulties",
        "action": "submit",
    }
    client.post(url(token), data)
    stored = Response.objects.get(measurement=link.measurement)
    assert stored.status == ResponseStatus.COMPLETE
    assert Score.objects.get(response=stored, scale="impact").value == 3


def test_a_hidden_follow_up_answer_is_cleared(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    client.post(url(token), {"item_impact_difficulties": "2", "item_impact_distress": "3"})
    client.post(url(token), {"item_impact_difficulties": "0", "action": "save"})
    assert Response.objects.get(measurement=link.measurement).answers == {"impact_difficulties": 0}


def test_htmx_change_of_the_gate_saves_and_returns_the_follow_ups(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    response = client.post(
        url(token),
        {"item_impact_difficulties": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="q-impact_difficulties",
    )
    html = response.content.decode()
    assert html.strip().startswith('<div id="after-impact_difficulties"')
    assert 'name="item_impact_classroom"' in html
    assert Response.objects.get(measurement=link.measurement).answers == {"impact_difficulties": 1}


def test_htmx_change_of_another_question_saves_and_swaps_nothing(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    response = client.post(url(token), {"item_4": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert Response.objects.get(measurement=link.measurement).answers == {"4": 2}


@pytest.mark.parametrize("kind", ["open", "unknown", "used"])
def test_every_answer_page_carries_the_private_headers(
    client: Client, world: Any, teacher_link: Any, kind: str
) -> None:
    link, token = teacher_link
    if kind == "unknown":
        token = "y" * 43
    if kind == "used":
        AnswerLink.objects.filter(pk=link.pk).update(used_at=link.created_at)
    response = client.get(url(token))
    assert (
        response["Cache-Control"],
        response["Referrer-Policy"],
        response["X-Robots-Tag"],
    ) == ("no-store", "strict-origin", "noindex")


def test_opening_the_link_is_audited_with_ids_only(
    client: Client, world: Any, teacher_link: Any
) -> None:
    link, token = teacher_link
    client.get(url(token))
    entry = AuditEntry.objects.get(action="measures.link.open")
    assert (entry.actor, entry.actor_label, entry.municipality_id) == (
        None,
        "answer link",
        world.a.pk,
    )
    assert entry.data == {
        "measurement": str(link.measurement.uuid),
        "link": link.pk,
        "channel": "ui",
    }


def test_submitting_is_audited_by_the_answer_link(
    client: Client, world: Any, teacher_link: Any
) -> None:
    token = teacher_link[1]
    client.post(url(token), all_items(1) | {"item_impact_difficulties": "0", "action": "submit"})
    entry = AuditEntry.objects.get(action="measures.response.submit")
    assert (entry.actor, entry.actor_label) == (None, "answer link")


def test_csrf_works_without_a_login(world: Any, teacher_link: Any) -> None:
    link, token = teacher_link
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.get(url(token))
    csrf = client.cookies["csrftoken"].value
    refused = client.post(url(token), {"item_1": "1", "action": "save"})
    accepted = client.post(
        url(token), {"item_1": "1", "action": "save", "csrfmiddlewaretoken": csrf}
    )
    assert (refused.status_code, accepted.status_code) == (403, 200)
    assert Response.objects.get(measurement=link.measurement).answers == {"1": 1}


def test_the_language_switch_works_on_the_page(world: Any, teacher_link: Any) -> None:
    token = teacher_link[1]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    english = client.get(url(token)).content.decode()
    switched = client.post(reverse("set_language"), {"language": "da", "next": url(token)})
    danish = client.get(url(token)).content.decode()
    assert switched["Location"] == url(token)
    assert ('lang="en"' in english, "Not true" in english) == (True, True)
    assert ('lang="da"' in danish, "Passer ikke" in danish, "Udsagn 1" in danish) == (
        True,
        True,
        True,
    )


def test_a_signed_in_foster_parent_can_open_a_link_too(
    world: Any, login: Any, teacher_link: Any
) -> None:
    response = login(world.foster_parent_a).get(url(teacher_link[1]))
    assert (response.status_code, "About Alma" in response.content.decode()) == (200, True)
