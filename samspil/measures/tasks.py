"""Background jobs of measurements (django-tasks): scheduling the due measurements from every
municipality's plan, the consultants' daily summary e-mail, and the reminder of unanswered answer
links. Thin: each calls a service; all three are idempotent, so running them often (or twice at
once) is harmless.

How production runs them, either:

* a timer runs `manage.py measures_jobs` every hour or once a day (cron, a systemd timer or the
  platform's scheduler); or
* `manage.py measures_jobs --schedule` once (e.g. on deploy) queues `measures_tick`, which runs
  the jobs and queues itself again an hour later, as long as a `manage.py db_worker` is
  running. It needs a backend that can defer (`django_tasks_db`); with the immediate backend
  (tests) it runs once and does not reschedule.

The summary goes out once a day per consultant, on the first run from 06:00 Danish time.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from samspil.measures.services import links
from samspil.measures.services import measurements as services

TICK = dt.timedelta(hours=1)
logger = logging.getLogger(__name__)


def run_jobs(now: dt.datetime | None = None) -> dict[str, int]:
    """The three jobs once: measurements created, summaries e-mailed, reminders sent."""
    now = now or timezone.now()
    return {
        "scheduled": services.schedule_all(timezone.localtime(now).date()),
        "summaries": services.send_consultant_digests(now),
        "reminders": links.send_link_reminders(now),
    }


@task()
def schedule_measurements() -> int:
    """Create the measurements due from every plan (see `services.schedule_all`)."""
    return services.schedule_all()


@task()
def send_measurement_summaries() -> int:
    """The consultants' daily summary (see `services.send_consultant_digests`)."""
    return services.send_consultant_digests()


@task()
def send_link_reminders() -> int:
    """Remind unanswered answer links (see `links.send_link_reminders`)."""
    return links.send_link_reminders()


@task()
def measures_tick() -> dict[str, int]:
    """The three jobs, then this task again in an hour (see the module's docstring)."""
    try:
        return run_jobs()
    finally:
        schedule_tick()


def tick_waiting() -> bool:
    """A `measures_tick` is queued and not started yet (database backend only)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(measures_tick.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=measures_tick.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_tick(delay: dt.timedelta = TICK) -> bool:
    """Queue the next `measures_tick` to run after `delay`, unless one is waiting already.
    False when nothing was queued (one is waiting, or the backend cannot defer)."""
    if not measures_tick.get_backend().supports_defer:
        return False
    if tick_waiting():
        return False
    measures_tick.using(run_after=timezone.now() + delay).enqueue()
    logger.info("measures_tick queued to run in %s", delay)
    return True
