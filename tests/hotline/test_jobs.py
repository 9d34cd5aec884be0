"""The follow-up jobs, with the clock moved: the e-mail at the start of the due day, the
escalation to the team leader after its end, both idempotent; the `hotline_jobs` command and
the django-tasks tasks (the self-rescheduling `hotline_tick` on the database backend)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from samspil.hotline.enums import FollowUpStatus
from samspil.hotline.models import FollowUp
from samspil.hotline.services import calls as services
from samspil.hotline.tasks import followups as tasks

CPH = dt.timezone(dt.timedelta(hours=1))  # March 2026, before summer time


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=CPH)


@pytest.fixture
def follow_up(world, hotline) -> FollowUp:  # type: ignore[no-untyped-def]
    """A call on Tuesday 3 March 2026 at 21:00 for family_a: due Wednesday 4 March."""
    with time_machine.travel(local(3, 21, 5), tick=False):
        call = services.register_call(
            actor=world.consultant_a2,
            hotline=hotline,
            family=world.family_a,
            received_at=local(3, 21),
        )
    return FollowUp.objects.get(call=call)


def run(job, at: dt.datetime, capture) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False), capture(execute=True):
        return int(job())


def test_follow_up_is_due_on_wednesday(follow_up) -> None:  # type: ignore[no-untyped-def]
    assert follow_up.due_date == dt.date(2026, 3, 4)


def test_no_email_the_evening_before_the_due_day(
    follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    sent = run(
        services.send_due_notifications, local(3, 23, 59), django_capture_on_commit_callbacks
    )
    assert (sent, len(mail.outbox)) == (0, 0)


def test_email_to_the_consultant_at_the_start_of_the_due_day(
    world, follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    sent = run(services.send_due_notifications, local(4, 0, 5), django_capture_on_commit_callbacks)
    url = reverse("hotline:follow_up_detail", args=[follow_up.uuid])
    assert (sent, [m.to for m in mail.outbox], url in mail.outbox[0].body) == (
        1,
        [[world.consultant_a.email]],
        True,
    )


def test_email_does_not_name_the_family(
    world, follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run(services.send_due_notifications, local(4, 0, 5), django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert "Andersen" not in message.subject + message.body


def test_email_is_sent_once(follow_up, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    run(services.send_due_notifications, local(4, 0, 5), django_capture_on_commit_callbacks)
    again = run(services.send_due_notifications, local(4, 7, 0), django_capture_on_commit_callbacks)
    assert (again, len(mail.outbox)) == (0, 1)


def test_no_escalation_before_the_end_of_the_due_day(
    follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    escalated = run(services.escalate_overdue, local(4, 23, 59), django_capture_on_commit_callbacks)
    follow_up.refresh_from_db()
    assert (escalated, follow_up.escalated_at) == (0, None)


def test_escalation_to_the_team_leader_after_the_due_day(
    world, follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    escalated = run(services.escalate_overdue, local(5, 0, 1), django_capture_on_commit_callbacks)
    follow_up.refresh_from_db()
    assert (
        escalated,
        follow_up.escalated_to,
        follow_up.escalated_at,
        [m.to for m in mail.outbox],
    ) == (
        1,
        world.leader_a,
        local(5, 0, 1),
        [[world.leader_a.email]],
    )


def test_escalation_happens_once(follow_up, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    run(services.escalate_overdue, local(5, 0, 1), django_capture_on_commit_callbacks)
    again = run(services.escalate_overdue, local(5, 9, 0), django_capture_on_commit_callbacks)
    assert (again, len(mail.outbox)) == (0, 1)


def test_completed_follow_up_is_not_escalated(
    world, follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(local(4, 10), tick=False):
        services.complete_follow_up(
            actor=world.consultant_a,
            follow_up=follow_up,
            outcome="Ringede.",
            expected_version=follow_up.version,
        )
    escalated = run(services.escalate_overdue, local(5, 0, 1), django_capture_on_commit_callbacks)
    assert (escalated, FollowUp.objects.get().status) == (0, FollowUpStatus.DONE)


def test_escalated_follow_up_shows_on_the_leaders_start_page(
    world, follow_up, login, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run(services.escalate_overdue, local(5, 0, 1), django_capture_on_commit_callbacks)
    with time_machine.travel(local(5, 8), tick=False):
        panel = login(world.leader_a).get(reverse("core:home")).context["hotline_panel"]
    assert [(row.follow_up, row.state, row.escalated) for row in panel.escalated] == [
        (follow_up, "overdue", True)
    ]


def test_command_runs_both_jobs(follow_up, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    with (
        time_machine.travel(local(5, 0, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("hotline_jobs", stdout=out)
    assert (out.getvalue(), len(mail.outbox)) == ("1 follow-up e-mail(s) sent, 1 escalated.\n", 2)


def test_command_is_idempotent(follow_up, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    with (
        time_machine.travel(local(5, 0, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("hotline_jobs", stdout=StringIO())
        call_command("hotline_jobs", stdout=out)
    assert (out.getvalue(), len(mail.outbox)) == ("0 follow-up e-mail(s) sent, 0 escalated.\n", 2)


def test_command_schedule_needs_a_backend_that_can_defer() -> None:
    with pytest.raises(CommandError):
        call_command("hotline_jobs", "--schedule", stdout=StringIO())


def test_tick_task_runs_both_jobs_on_the_immediate_backend(
    follow_up, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with (
        time_machine.travel(local(5, 0, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.hotline_tick.enqueue()
    assert (result.return_value, len(mail.outbox)) == ({"notified": 1, "escalated": 1}, 2)


def test_single_job_tasks_run_the_services(follow_up, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with (
        time_machine.travel(local(5, 0, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        results = (
            tasks.send_follow_up_notifications.enqueue().return_value,
            tasks.escalate_overdue_follow_ups.enqueue().return_value,
        )
    assert results == (1, 1)


@pytest.fixture
def database_backend(settings, db):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_schedule_queues_the_tick_five_minutes_ahead(database_backend) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(local(5, 0, 1), tick=False):
        queued = tasks.schedule_tick()
    row = DBTaskResult.objects.get()
    assert (queued, row.task_path, row.run_after) == (
        True,
        "samspil.hotline.tasks.followups.hotline_tick",
        local(5, 0, 6),
    )


def test_schedule_does_not_queue_a_second_tick(database_backend) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    tasks.schedule_tick()
    assert (tasks.schedule_tick(), DBTaskResult.objects.count()) == (False, 1)


def test_command_schedule_queues_the_tick_now(database_backend) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    with time_machine.travel(local(5, 0, 1), tick=False):
        call_command("hotline_jobs", "--schedule", stdout=out)
    assert (DBTaskResult.objects.get().run_after, "queued" in out.getvalue()) == (
        local(5, 0, 1),
        True,
    )


def test_tick_queues_the_next_tick_when_it_has_run(database_backend, follow_up) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    with time_machine.travel(local(5, 0, 1), tick=False):
        tasks.hotline_tick.call()
    assert list(DBTaskResult.objects.values_list("run_after", flat=True)) == [local(5, 0, 6)]
