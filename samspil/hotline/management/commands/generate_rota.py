"""`manage.py generate_rota <hotline uuid> [--start YYYY-MM-DD] [--end YYYY-MM-DD]`: generate a
hotline's rota for a period (default: the next quarter) in the foreground, with a progress bar,
exactly as the background job does (`services.rota.compute_rota`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.hotline.enums import RotaRunStatus
from samspil.hotline.models import Hotline, RotaRun
from samspil.hotline.selectors import rota as selectors
from samspil.hotline.services import rota as services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = "Generate a hotline's rota for a period with the optimiser, showing its progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("hotline", help="The hotline's id (uuid).")
        parser.add_argument("--start", type=_date, help="First day (default: next quarter's).")
        parser.add_argument("--end", type=_date, help="Last day (default: next quarter's).")
        parser.add_argument(
            "--allow-gaps",
            action="store_true",
            help="Leave hours nobody can take as gaps instead of failing.",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=services.SOLVER_SECONDS,
            help="Seconds for the optimiser.",
        )
        parser.add_argument(
            "--requested-by",
            help="Username recorded on the run (default: the hotline's team leader).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            hotline = Hotline.objects.select_related("team_leader").get(uuid=options["hotline"])
        except (Hotline.DoesNotExist, ValueError, ValidationError) as error:
            raise CommandError(f"No hotline with id {options['hotline']}.") from error
        first, last = services.next_quarter()
        first = options["start"] or first
        last = options["end"] or last
        try:
            services.check_period(first, last)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        username = options["requested_by"]
        requester = self._user(username) if username else hotline.team_leader
        if requester is None:
            raise CommandError("The hotline has no team leader: name one with --requested-by.")
        run = RotaRun.objects.create(
            hotline=hotline, period_start=first, period_end=last, requested_by=requester
        )
        log_action(
            "hotline.rota.generate",
            actor=None,
            actor_label="manage.py generate_rota",
            obj=hotline,
            municipality_id=hotline.municipality_id,
            data={"run": str(run.uuid), "from": first, "until": last},
        )
        limit = options["time_limit"]
        total = max(1, round(limit))
        with tqdm(total=total, unit="s", desc="CP-SAT", leave=True) as bar:

            def report(progress: dict[str, Any]) -> None:
                bar.n = min(round(progress["seconds"]), total)
                bar.set_postfix(
                    shifts=progress["shifts"],
                    people=progress["people"],
                    solutions=progress["solutions"],
                    objective=progress["objective"],
                )

            done = services.compute_rota(
                run.pk, allow_gaps=options["allow_gaps"], report=report, time_limit=limit
            )
            bar.n = total
            bar.refresh()
        if done is None:
            raise CommandError("The run did not start.")
        if done.status == RotaRunStatus.FAILED:
            view = selectors.run_view(done)
            raise CommandError(
                "\n".join(view.reasons) or f"Not stored: {done.result.get('error', 'failed')}."
            )
        result = done.result
        self.stdout.write(
            f"{result['created']} shifts ({result['rota_shifts']} for the rota, "
            f"{result['gaps']} gaps) from {first} to {last}; objective {result['objective']}, "
            f"bound {result['bound']} ({result['status']}, {result['seconds']} s)."
        )
        for row in result["counts"]:
            self.stdout.write(
                f"  {row['name']:<30} {row['shifts']:3d} shifts  {row['night']:3d} nights  "
                f"{row['weekend']:3d} weekend  {row['holiday']:3d} holiday"
            )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username}.")
        return user
