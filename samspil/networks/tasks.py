"""Background jobs of the networks app (django-tasks). Thin: they receive ids and call a
service."""

from __future__ import annotations

from django_tasks import task

from samspil.networks.services import proposals


@task()
def compute_proposal(pool_id: int) -> None:
    """Compose the pool's network groups with the optimiser (see
    `services.proposals.compute_proposal`)."""
    proposals.compute_proposal(pool_id)
