"""The daily jobs, with the clock moved: the consultant's summary (once a day, from 06:00, a
count and a link, no names), the reminder of an unanswered link (once, a fresh link, the old one
revoked), the `measures_jobs` command and the self-rescheduling `measures_tick`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.families.models import FosterFamily
from samspil.measures import tasks
from samspil.measures.enums import MeasurementStatus, Respondent
from samspil.measures.models import AnswerLink, Measurement
from samspil.measures.services import links
from samspil.measures.services import measurements as services
from tests.measures.factories import MeasurementFactory, make_link, plan_for

pytestmark = pytest.mark.django_db

CPH = dt.timezone(dt.timedelta(hours=1))  # March 2026, before summer time
NAMES = ("Alma", "Jensen", "Familien Andersen", "Andersen", "København")


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CPH)


def run(job: Any, at: dt.datetime, capture: Any) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return int(job(at))


@pytest.fixture
def due_today(world: Any) -> Measurement:
    """A WHO-5 of family_a (consultant_a's) due on 4 March, created that morning."""
    with time_machine.travel(local(4, 5), tick=False):
        return MeasurementFactory(family=world.family_a, code="who-5", due_on=dt.date(2026, 3, 4))


# -- the consultant's summary ---------------------------------------------------------------------


def test_summary_goes_to_the_fixed_consultant_with_a_count_and_no_names(
    world: Any, due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    sent = run(services.send_consultant_digests, local(4, 6, 5), django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert (sent, message.to) == (1, [world.consultant_a.email])
    assert "1 måling er blevet aktuel" in message.body  # e-mails go out in Danish
    assert reverse("measures:measurement_list") + "?mine=on" in message.body
    assert [name for name in NAMES if name in message.subject + message.body] == []


def test_no_summary_before_six_in_the_morning(
    due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    sent = run(
        services.send_consultant_digests, local(4, 5, 59), django_capture_on_commit_callbacks
    )
    assert (sent, len(mail.outbox)) == (0, 0)


def test_summary_is_sent_once_a_day(
    due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    run(services.send_consultant_digests, local(4, 7), django_capture_on_commit_callbacks)
    again = run(services.send_consultant_digests, local(4, 15), django_capture_on_commit_callbacks)
    assert (again, len(mail.outbox)) == (0, 1)


def test_next_days_summary_counts_only_the_newly_due(
    world: Any, due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    run(services.send_consultant_digests, local(4, 7), django_capture_on_commit_callbacks)
    MeasurementFactory(family=world.family_a, child=world.child_a, due_on=dt.date(2026, 3, 5))
    MeasurementFactory(
        family=world.family_a,
        code="burden-rating",
        child=world.child_a,
        due_on=dt.date(2026, 3, 20),
    )
    sent = run(services.send_consultant_digests, local(5, 7), django_capture_on_commit_callbacks)
    assert sent == 1
    assert "1 måling er blevet aktuel" in mail.outbox[1].body


def test_a_link_sent_measurement_is_not_in_the_summary(
    world: Any, due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    make_link(due_today, by=world.consultant_a)
    sent = run(services.send_consultant_digests, local(4, 7), django_capture_on_commit_callbacks)
    assert sent == 0


def test_the_summary_is_audited_with_the_consultant_and_count(
    world: Any, due_today: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    run(services.send_consultant_digests, local(4, 7), django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="measures.digest.send")
    assert (entry.data["consultant"], entry.data["count"], entry.actor_label) == (
        world.consultant_a.pk,
        1,
        "samspil",
    )


# -- the reminder ---------------------------------------------------------------------------------


@pytest.fixture
def sent_link(world: Any) -> tuple[AnswerLink, str]:
    """A teacher's link about Alma, made on 1 March at 10:00 (reminder after 7 days)."""
    plan_for(world.a, (), reminder_days=7, link_valid_days=21)
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    with time_machine.travel(local(1, 10), tick=False):
        return make_link(measurement, by=world.consultant_a)


def test_no_reminder_before_the_plans_days(
    sent_link: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent = run(links.send_link_reminders, local(8, 9), django_capture_on_commit_callbacks)
    assert (sent, len(mail.outbox)) == (0, 0)


def test_reminder_sends_a_fresh_link_and_revokes_the_old(
    sent_link: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old, _old_token = sent_link
    sent = run(links.send_link_reminders, local(8, 11), django_capture_on_commit_callbacks)
    old.refresh_from_db()
    fresh = AnswerLink.objects.exclude(pk=old.pk).get()
    message = mail.outbox[0]
    new_token = message.body.split("/answer/")[1].split("/")[0]
    assert (sent, message.to) == (1, ["laerer@skole.example"])
    assert old.revoked_at is not None
    assert fresh.token_hash == links.hash_token(new_token)
    assert fresh.expires_at == local(8, 11) + dt.timedelta(days=21)
    assert [name for name in NAMES if name in message.subject + message.body] == []


def test_after_the_reminder_the_old_link_points_to_the_newer_one(
    sent_link: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _old, old_token = sent_link
    run(links.send_link_reminders, local(8, 11), django_capture_on_commit_callbacks)
    new_token = mail.outbox[0].body.split("/answer/")[1].split("/")[0]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(local(9, 9), tick=False):
        old_page = client.get(reverse("measures:answer", args=[old_token]))
        new_page = client.get(reverse("measures:answer", args=[new_token]))
    assert (old_page.status_code, new_page.status_code) == (410, 200)
    assert "A newer link has been sent to you" in old_page.content.decode()


def test_reminder_is_sent_once(sent_link: Any, django_capture_on_commit_callbacks: Any) -> None:
    run(links.send_link_reminders, local(8, 11), django_capture_on_commit_callbacks)
    again = run(links.send_link_reminders, local(20, 11), django_capture_on_commit_callbacks)
    assert (again, len(mail.outbox)) == (0, 1)


def test_no_reminder_while_the_respondent_is_answering(
    sent_link: Any, django_capture_on_commit_callbacks: Any
) -> None:
    link, _token = sent_link
    with time_machine.travel(local(8, 10, 30), tick=False):
        links.save_by_link(link=link, answers={"1": 2})
    sent = run(links.send_link_reminders, local(8, 11), django_capture_on_commit_callbacks)
    assert sent == 0


def test_no_reminder_for_a_link_handed_over_without_email(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    measurement = MeasurementFactory(
        family=world.family_a, child=world.child_a, code="sdq-self-11-17"
    )
    with time_machine.travel(local(1, 10), tick=False):
        make_link(measurement, by=world.consultant_a, recipient_email="")
    sent = run(links.send_link_reminders, local(10, 11), django_capture_on_commit_callbacks)
    assert sent == 0


def test_reminder_is_audited(sent_link: Any, django_capture_on_commit_callbacks: Any) -> None:
    old, _token = sent_link
    run(links.send_link_reminders, local(8, 11), django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="measures.link.remind")
    assert (entry.data["replaces"], entry.actor_label) == (old.pk, "samspil")


# -- the command and the tasks --------------------------------------------------------------------


@pytest.fixture
def family_in_model(world: Any) -> FosterFamily:
    plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 6, True),))
    FosterFamily.objects.filter(pk=world.family_a.pk).update(in_model_since=dt.date(2026, 3, 4))
    return world.family_a


def test_command_runs_the_jobs(
    family_in_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with (
        time_machine.travel(local(4, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("measures_jobs", stdout=out)
    assert out.getvalue() == (
        "1 measurement(s) scheduled, 1 summary e-mail(s) sent, 0 reminder(s) sent.\n"
    )
    assert Measurement.objects.get().status == MeasurementStatus.DUE


def test_command_is_idempotent(
    family_in_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with (
        time_machine.travel(local(4, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("measures_jobs", stdout=StringIO())
        call_command("measures_jobs", stdout=out)
    assert (out.getvalue(), len(mail.outbox)) == (
        "0 measurement(s) scheduled, 0 summary e-mail(s) sent, 0 reminder(s) sent.\n",
        1,
    )


def test_command_schedule_needs_a_backend_that_can_defer() -> None:
    with pytest.raises(CommandError):
        call_command("measures_jobs", "--schedule", stdout=StringIO())


def test_tick_task_runs_the_jobs_on_the_immediate_backend(
    family_in_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        time_machine.travel(local(4, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.measures_tick.enqueue()
    assert result.return_value == {"scheduled": 1, "summaries": 1, "reminders": 0}


def test_single_job_tasks_run_the_services(
    family_in_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        time_machine.travel(local(4, 7), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        results = (
            tasks.schedule_measurements.enqueue().return_value,
            tasks.send_measurement_summaries.enqueue().return_value,
            tasks.send_link_reminders.enqueue().return_value,
        )
    assert results == (1, 1, 0)


@pytest.fixture
def database_backend(settings: Any, db: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_schedule_queues_the_tick_an_hour_ahead(database_backend: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(local(5, 0, 1), tick=False):
        queued = tasks.schedule_tick()
    row = DBTaskResult.objects.get()
    assert (queued, row.task_path, row.run_after) == (
        True,
        "samspil.measures.tasks.measures_tick",
        local(5, 1, 1),
    )


def test_schedule_does_not_queue_a_second_tick(database_backend: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    tasks.schedule_tick()
    assert (tasks.schedule_tick(), DBTaskResult.objects.count()) == (False, 1)


def test_command_schedule_queues_the_tick_now(database_backend: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    with time_machine.travel(local(5, 0, 1), tick=False):
        call_command("measures_jobs", "--schedule", stdout=out)
    assert (DBTaskResult.objects.get().run_after, "queued" in out.getvalue()) == (
        local(5, 0, 1),
        True,
    )


def test_tick_queues_the_next_tick_when_it_has_run(database_backend: Any, world: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(local(5, 0, 1), tick=False):
        tasks.measures_tick.call()
    assert list(DBTaskResult.objects.values_list("run_after", flat=True)) == [local(5, 1, 1)]
