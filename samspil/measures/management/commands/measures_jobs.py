"""`manage.py measures_jobs`: run the measurement jobs once — schedule the due measurements from
every municipality's plan, e-mail the consultants' daily summary, and remind unanswered answer
links — exactly as the background tasks do. Idempotent: production runs it every hour (cron or
a systemd timer), or runs `manage.py measures_jobs --schedule` once to queue the
self-rescheduling `measures_tick` (every hour) for a running `manage.py db_worker`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samspil.measures import tasks


class Command(BaseCommand):
    help = (
        "Schedule due measurements, send the consultants' summaries and remind unanswered "
        "answer links (once), or with --schedule queue the task that does so every hour."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue measures_tick (every hour) for db_worker instead of running now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if not tasks.measures_tick.get_backend().supports_defer:
                raise CommandError(
                    "The task backend cannot run tasks later: use the database backend, or run "
                    "this command without --schedule from a timer."
                )
            if tasks.schedule_tick(delay=dt.timedelta(0)):
                self.stdout.write("measures_tick queued: it runs every hour in db_worker.")
            else:
                self.stdout.write("measures_tick is queued already.")
            return
        counts = tasks.run_jobs()
        self.stdout.write(
            f"{counts['scheduled']} measurement(s) scheduled, {counts['summaries']} summary "
            f"e-mail(s) sent, {counts['reminders']} reminder(s) sent."
        )
