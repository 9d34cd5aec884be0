"""Writes of a municipality's network settings (group sizes, cadence, optimiser weights, mentor
eligibility). Leaders of the municipality only; versioned and audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from samspil.accounts.models import User
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks import rules
from samspil.networks.models import NetworkSettings
from samspil.organisations.models import Municipality

FIELDS = [
    "min_group_size",
    "max_group_size",
    "cadence_days",
    "cadence_tolerance_days",
    "facilitated_meetings",
    "experienced_years",
    "network_families",
    "weight_travel",
    "weight_mix",
    "weight_similarity",
    "weight_network",
    "solver_seconds",
    "mentor_min_years",
    "mentor_requires_course",
    "mentor_max_mentees",
]


@transaction.atomic
def update_settings(
    *,
    actor: User,
    municipality: Municipality,
    values: Mapping[str, Any],
    expected_version: int,
) -> NetworkSettings:
    """Save the municipality's settings (creating them from the defaults the first time)."""
    if not rules.can_change_settings(actor, municipality):
        raise PermissionDeniedError
    settings, _created = NetworkSettings.objects.get_or_create(municipality=municipality)
    before = snapshot(settings, FIELDS)
    for name in FIELDS:
        if name in values:
            setattr(settings, name, values[name])
    settings.full_clean()
    version = save_versioned(settings, expected_version=expected_version, fields=FIELDS)
    log_action(
        "networks.settings.update",
        actor=actor,
        obj=settings,
        municipality_id=municipality.pk,
        changes=diff(before, snapshot(settings, FIELDS)),
        data={"version": version},
    )
    return settings
