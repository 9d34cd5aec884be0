"""Background job of the rota (django-tasks). Thin: it receives the run's id and calls the
service."""

from __future__ import annotations

from django_tasks import task

from samspil.hotline.services import rota


@task()
def generate_rota(run_id: int, allow_gaps: bool = False) -> None:
    """Generate a period's rota with the optimiser (see `services.rota.compute_rota`)."""
    rota.compute_rota(run_id, allow_gaps=allow_gaps)
