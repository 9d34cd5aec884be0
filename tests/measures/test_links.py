"""Answer links: only the hash is stored, the expiry follows the plan, the e-mail names nobody,
a link works once, expires, can be revoked; unknown → 404, spent → 410; who may make them;
the audit."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.measures.enums import MeasurementStatus
from samspil.measures.models import AnswerLink, Measurement
from samspil.measures.services import links
from tests.measures.factories import MeasurementFactory, make_link, plan_for, sdq_answers

pytestmark = pytest.mark.django_db

NAMES = ("Alma", "Jensen", "Familien Andersen", "Andersen", "København")


@pytest.fixture
def measurement(world: Any) -> Measurement:
    """A teacher's SDQ about child_a (Alma Jensen) of family_a (Familien Andersen, København)."""
    return MeasurementFactory(family=world.family_a, child=world.child_a)


def create(world: Any, measurement: Measurement, **kwargs: Any) -> tuple[AnswerLink, str]:
    values = {"recipient_name": "Lærer Hansen", "recipient_email": "laerer@skole.example"}
    return links.create_link(actor=world.consultant_a, measurement=measurement, **values | kwargs)


def test_only_the_hash_of_the_token_is_stored(world: Any, measurement: Measurement) -> None:
    link, token = create(world, measurement)
    stored = AnswerLink.objects.values_list("token_hash", flat=True).get(pk=link.pk)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43
    assert not AnswerLink.objects.filter(token_hash=token).exists()


def test_link_expires_after_the_plans_days(world: Any, measurement: Measurement) -> None:
    plan_for(world.a, (), link_valid_days=10)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        link, _token = create(world, measurement)
    assert link.expires_at == dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC)


def test_link_expires_after_21_days_without_a_plan(world: Any, measurement: Measurement) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        link, _token = create(world, measurement)
    assert link.expires_at == dt.datetime(2026, 3, 23, 9, tzinfo=dt.UTC)


def test_creating_a_link_marks_the_measurement_sent(world: Any, measurement: Measurement) -> None:
    create(world, measurement)
    measurement.refresh_from_db()
    assert measurement.status == MeasurementStatus.SENT


def test_the_email_has_the_link_and_names_no_child_family_or_municipality(
    world: Any, measurement: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _link, token = create(world, measurement)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    assert message.to == ["laerer@skole.example"]
    assert links.answer_url(token) in message.body
    assert [name for name in NAMES if name in text] == []


def test_a_child_link_is_not_emailed_and_needs_no_address(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    measurement = MeasurementFactory(
        family=world.family_a, child=world.child_a, code="sdq-self-11-17"
    )
    with django_capture_on_commit_callbacks(execute=True):
        link, _token = create(world, measurement, recipient_name="Alma", recipient_email="")
    assert (link.recipient_email, len(mail.outbox)) == ("", 0)


def test_a_teacher_link_to_send_needs_an_email_address(
    world: Any, measurement: Measurement
) -> None:
    with pytest.raises(ValidationError) as error:
        create(world, measurement, recipient_email="")
    assert list(error.value.message_dict) == ["recipient_email"]


def test_consultant_of_another_municipality_cannot_make_a_link(
    world: Any, measurement: Measurement
) -> None:
    with pytest.raises(PermissionDeniedError):
        links.create_link(
            actor=world.consultant_b, measurement=measurement, recipient_name="X", send=False
        )


def test_case_worker_cannot_make_a_link(world: Any, measurement: Measurement) -> None:
    with pytest.raises(PermissionDeniedError):
        links.create_link(
            actor=world.case_worker_a, measurement=measurement, recipient_name="X", send=False
        )


def test_creating_a_link_is_audited_without_names(world: Any, measurement: Measurement) -> None:
    link, _token = create(world, measurement)
    entry = AuditEntry.objects.get(action="measures.link.create")
    assert (entry.actor, entry.data["link"], entry.data["emailed"]) == (
        world.consultant_a,
        link.pk,
        True,
    )
    assert "Hansen" not in str(entry.data)
    assert "skole" not in str(entry.data)


def test_unknown_token_is_none(world: Any) -> None:
    assert links.link_for_token("not-a-real-token") is None


def test_unknown_link_page_is_404_and_says_what_to_do(client: Any, world: Any) -> None:
    response = client.get(reverse("measures:answer", args=["x" * 43]))
    assert response.status_code == 404
    assert "contact the foster-care consultant" in response.content.decode()


def test_expired_link_is_410(client: Any, world: Any, measurement: Measurement) -> None:
    _link, token = make_link(
        measurement, by=world.consultant_a, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.get(reverse("measures:answer", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_a_link_works_once(client: Any, world: Any, measurement: Measurement) -> None:
    link, token = make_link(measurement, by=world.consultant_a)
    links.submit_by_link(link=link, answers=sdq_answers())
    response = client.get(reverse("measures:answer", args=[token]))
    link.refresh_from_db()
    assert link.used_at is not None
    assert response.status_code == 410
    assert "Your answers have been submitted" in response.content.decode()


def test_a_spent_link_cannot_submit_again(world: Any, measurement: Measurement) -> None:
    link, _token = make_link(measurement, by=world.consultant_a)
    links.submit_by_link(link=link, answers=sdq_answers())
    with pytest.raises(ValidationError):
        links.submit_by_link(link=link, answers=sdq_answers(2))


def test_revoked_link_is_410(client: Any, world: Any, measurement: Measurement) -> None:
    link, token = make_link(measurement, by=world.consultant_a)
    links.revoke_link(actor=world.consultant_a, link=link)
    response = client.get(reverse("measures:answer", args=[token]))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_revoking_the_only_link_makes_the_measurement_due_again(
    world: Any, measurement: Measurement
) -> None:
    link, _token = make_link(measurement, by=world.consultant_a)
    links.revoke_link(actor=world.consultant_a, link=link)
    measurement.refresh_from_db()
    assert measurement.status == MeasurementStatus.DUE


def test_revoking_is_audited(world: Any, measurement: Measurement) -> None:
    link, _token = make_link(measurement, by=world.consultant_a)
    links.revoke_link(actor=world.consultant_a, link=link)
    entry = AuditEntry.objects.get(action="measures.link.revoke")
    assert (entry.object_uuid, entry.data["link"]) == (measurement.uuid, link.pk)


def test_consultant_of_another_municipality_cannot_revoke(
    world: Any, measurement: Measurement
) -> None:
    link, _token = make_link(measurement, by=world.consultant_a)
    with pytest.raises(PermissionDeniedError):
        links.revoke_link(actor=world.consultant_b, link=link)


def test_link_of_a_cancelled_measurement_is_410(
    client: Any, world: Any, measurement: Measurement
) -> None:
    from samspil.measures.services import measurements as services

    _link, token = make_link(measurement, by=world.consultant_a)
    services.cancel_measurement(
        actor=world.consultant_a, measurement=measurement, expected_version=measurement.version
    )
    response = client.get(reverse("measures:answer", args=[token]))
    assert response.status_code == 410
    assert "no longer needed" in response.content.decode()


# -- the consultant's pages ---------------------------------------------------------------------


def test_consultant_sends_a_link_from_the_measurement_page(
    world: Any, login: Any, measurement: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world.consultant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("measures:link_create", args=[measurement.uuid]),
            {"recipient_name": "Lærer Hansen", "recipient_email": "l@skole.example", "send": "on"},
        )
    page = client.get(response["Location"]).content.decode()
    assert (response.status_code, len(mail.outbox)) == (302, 1)
    assert "Lærer Hansen" in page
    assert "The link was sent by e-mail." in page


def test_a_link_not_emailed_is_shown_once_to_the_consultant(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(
        family=world.family_a, child=world.child_a, code="sdq-self-11-17"
    )
    response = login(world.consultant_a).post(
        reverse("measures:link_create", args=[measurement.uuid]), {"recipient_name": "Alma"}
    )
    html = response.content.decode()
    link = AnswerLink.objects.get(measurement=measurement)
    token = html.split("/answer/")[1].split("/")[0]
    assert response["Cache-Control"] == "no-store"
    assert links.hash_token(token) == link.token_hash


def test_the_link_form_suggests_a_foster_parent_with_an_email(world: Any, login: Any) -> None:
    parent = world.family_a.parents.get()
    parent.email = "mette@example.dk"
    parent.save()
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    html = (
        login(world.consultant_a)
        .get(reverse("measures:measurement_detail", args=[measurement.uuid]))
        .content.decode()
    )
    assert 'value="mette@example.dk"' in html


def test_consultant_revokes_from_the_measurement_page(
    world: Any, login: Any, measurement: Measurement
) -> None:
    link, _token = make_link(measurement, by=world.consultant_a)
    login(world.consultant_a).post(
        reverse("measures:link_revoke", args=[measurement.uuid, link.pk])
    )
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_consultant_of_another_municipality_cannot_post_a_link(
    world: Any, login: Any, measurement: Measurement
) -> None:
    response = login(world.consultant_b).post(
        reverse("measures:link_create", args=[measurement.uuid]),
        {"recipient_name": "X", "recipient_email": "x@example.dk", "send": "on"},
    )
    assert (response.status_code, AnswerLink.objects.count()) == (404, 0)


def test_foster_parent_cannot_post_a_link(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    response = login(world.foster_parent_a).post(
        reverse("measures:link_create", args=[measurement.uuid]),
        {"recipient_name": "X", "recipient_email": "x@example.dk", "send": "on"},
    )
    assert (response.status_code, AnswerLink.objects.count()) == (403, 0)


def test_a_link_for_another_person_starts_from_an_empty_questionnaire(
    world: Any, measurement: Measurement
) -> None:
    from samspil.measures.services import responses

    create(world, measurement)
    partial = responses.start_response(measurement=measurement)
    responses.save_answers(response=partial, answers={"1": 2, "2": 1})
    create(world, measurement, recipient_name="Pædagog Berg", recipient_email="berg@skole.example")
    partial.refresh_from_db()
    assert partial.answers == {}


def test_a_new_link_for_the_same_person_keeps_their_answers(
    world: Any, measurement: Measurement
) -> None:
    from samspil.measures.services import responses

    create(world, measurement)
    partial = responses.start_response(measurement=measurement)
    responses.save_answers(response=partial, answers={"1": 2})
    create(world, measurement)
    partial.refresh_from_db()
    assert partial.answers == {"1": 2}
