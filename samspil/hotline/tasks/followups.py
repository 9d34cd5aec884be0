"""Background jobs of hotline follow-ups (django-tasks): the morning e-mail to the assignee on
the due day, and the escalation to the team leader of a follow-up not done by the end of its
due day. Thin: each calls a service in `services/calls.py`; both services are idempotent, so
running them often (or twice at once) is harmless.

How production runs them, either:

* a timer runs `manage.py hotline_jobs` every few minutes (cron, a systemd timer or the
  platform's scheduler); or
* `manage.py hotline_jobs --schedule` once (e.g. on deploy) queues `hotline_tick`, which runs
  both jobs and queues itself again five minutes later, as long as a `manage.py db_worker` is
  running. It needs a backend that can defer (`django_tasks_db`); with the immediate backend
  (tests) it runs once and does not reschedule.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from samspil.hotline.services import calls as services

TICK = dt.timedelta(minutes=5)
logger = logging.getLogger(__name__)


def run_jobs(now: dt.datetime | None = None) -> dict[str, int]:
    """Both jobs once: how many e-mails were sent and follow-ups escalated."""
    return {
        "notified": services.send_due_notifications(now),
        "escalated": services.escalate_overdue(now),
    }


@task()
def send_follow_up_notifications() -> int:
    """The morning e-mail of the follow-ups due today (see `services.send_due_notifications`)."""
    return services.send_due_notifications()


@task()
def escalate_overdue_follow_ups() -> int:
    """Escalate follow-ups not done by the end of their due day (`services.escalate_overdue`)."""
    return services.escalate_overdue()


@task()
def hotline_tick() -> dict[str, int]:
    """Both jobs, then this task again in five minutes (see the module's docstring)."""
    try:
        return run_jobs()
    finally:
        schedule_tick()


def tick_waiting() -> bool:
    """A `hotline_tick` is queued and not started yet (database backend only)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(hotline_tick.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=hotline_tick.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_tick(delay: dt.timedelta = TICK) -> bool:
    """Queue the next `hotline_tick` to run after `delay`, unless one is waiting already.
    False when nothing was queued (one is waiting, or the backend cannot defer)."""
    if not hotline_tick.get_backend().supports_defer:
        return False
    if tick_waiting():
        return False
    hotline_tick.using(run_after=timezone.now() + delay).enqueue()
    logger.info("hotline_tick queued to run in %s", delay)
    return True
