"""`manage.py compose_groups <pool uuid>`: compute a pool's proposal in the foreground, with a
progress bar, exactly as the background job does (services.proposals.compute_proposal)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from samspil.audit.services import log_action
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.models import Pool
from samspil.networks.selectors import pools as selectors
from samspil.networks.services import proposals as proposal_services


class Command(BaseCommand):
    help = "Compose a pool's network groups with the optimiser, showing its progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pool", help="The pool's id (uuid).")
        parser.add_argument(
            "--time-limit", type=float, default=None, help="Seconds (default: the setting)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pool = Pool.objects.get(uuid=options["pool"])
        except (Pool.DoesNotExist, ValueError) as error:
            raise CommandError(f"No pool with id {options['pool']}.") from error
        if pool.status != PoolStatus.OPEN:
            raise CommandError("The groups of this pool have been created already.")
        limit = options["time_limit"] or float(
            selectors.settings_for_municipality(
                selectors.owner_municipality_id(pool)
            ).solver_seconds
        )
        # Act as a new request, so a job queued earlier does not overwrite this answer.
        pool.proposal_status = ProposalStatus.QUEUED
        pool.proposal_requested_at = timezone.now()
        pool.proposal_progress = {}
        pool.save(update_fields=["proposal_status", "proposal_requested_at", "proposal_progress"])
        log_action(
            "networks.pool.compose",
            actor=None,
            actor_label="manage.py compose_groups",
            obj=pool,
            municipality_id=selectors.owner_municipality_id(pool),
            data={"version": pool.version},
        )
        total = max(1, round(limit))
        with tqdm(total=total, unit="s", desc="CP-SAT", leave=True) as bar:

            def report(progress: dict[str, Any]) -> None:
                bar.n = min(round(progress["seconds"]), total)
                bar.set_postfix(
                    solutions=progress["solutions"],
                    objective=progress["objective"],
                    bound=progress["bound"],
                )

            result = proposal_services.compute_proposal(pool.pk, report=report, time_limit=limit)
            bar.n = total
            bar.refresh()
        if result is None:
            raise CommandError("Another request superseded this computation.")
        if result.proposal_status == ProposalStatus.FAILED:
            raise CommandError(result.proposal_error)
        proposal = result.proposal
        self.stdout.write(
            f"{len(proposal['groups'])} groups, {len(proposal['unplaced'])} families unplaced; "
            f"objective {proposal['objective']}, bound {proposal['bound']} "
            f"({proposal['status']}, {proposal['seconds']} s)."
        )
