"""`manage.py hotline_jobs`: run the hotline's follow-up jobs once — the morning e-mail of the
follow-ups due today and the escalation of those not done by the end of their due day — exactly
as the background tasks do. Idempotent: production runs it every few minutes (cron or a systemd
timer), or runs `manage.py hotline_jobs --schedule` once to queue the self-rescheduling
`hotline_tick` (every five minutes) for a running `manage.py db_worker`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samspil.hotline.tasks import followups as tasks


class Command(BaseCommand):
    help = (
        "Send the hotline follow-up e-mails due today and escalate overdue follow-ups (once), "
        "or with --schedule queue the task that does so every five minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue hotline_tick (every five minutes) for db_worker instead of running now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if not tasks.hotline_tick.get_backend().supports_defer:
                raise CommandError(
                    "The task backend cannot run tasks later: use the database backend, or run "
                    "this command without --schedule from a timer."
                )
            if tasks.schedule_tick(delay=dt.timedelta(0)):
                self.stdout.write("hotline_tick queued: it runs every five minutes in db_worker.")
            else:
                self.stdout.write("hotline_tick is queued already.")
            return
        counts = tasks.run_jobs()
        self.stdout.write(
            f"{counts['notified']} follow-up e-mail(s) sent, {counts['escalated']} escalated."
        )
