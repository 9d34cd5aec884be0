"""Helpers for the pool tests: families ready to be composed, pools owned by the world's
municipality A (København) or its institution, and fast optimiser settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samspil.accounts.models import User
from samspil.families.models import FosterFamily
from samspil.networks.models import NetworkSettings, Pool, PoolMember
from samspil.organisations.models import Municipality
from tests import factories
from tests.networks.factories import PoolFactory, PoolMemberFactory


def fast_settings(municipality: Municipality, **fields: Any) -> NetworkSettings:
    """Network settings with a short time limit (small pools solve in well under a second)."""
    fields.setdefault("solver_seconds", 2)
    settings, _created = NetworkSettings.objects.update_or_create(
        municipality=municipality, defaults=fields
    )
    return settings


def families(
    municipality: Municipality,
    count: int,
    *,
    prefix: str = "Familien Pulje",
    postcode: str = "2400",
    city: str = "København NV",
    **fields: Any,
) -> list[FosterFamily]:
    """`count` families of the municipality who can meet on evenings."""
    fields.setdefault("prefers_evenings", True)
    return [
        factories.FamilyFactory(
            municipality=municipality,
            name=f"{prefix} {index:02d}",
            postcode=postcode,
            city=city,
            **fields,
        )
        for index in range(1, count + 1)
    ]


def experienced(family: FosterFamily, years: int = 10) -> FosterFamily:
    family.approved_on = dt.date(dt.date.today().year - years, 1, 1)
    family.save(update_fields=["approved_on"])
    return family


def pool_of(
    owner: User,
    members: list[FosterFamily],
    *,
    municipality: Municipality | None = None,
    **fields: Any,
) -> Pool:
    """A pool of `members` created by `owner` for `municipality` (or `fields["institution"]`)."""
    if "institution" not in fields:
        fields["municipality"] = municipality or members[0].municipality
    fields.setdefault("min_size", 4)
    fields.setdefault("max_size", 6)
    pool: Pool = PoolFactory(created_by=owner, **fields)
    for family in members:
        PoolMemberFactory(pool=pool, family=family)
    return pool


def member(pool: Pool, family: FosterFamily) -> PoolMember:
    return PoolMember.objects.get(pool=pool, family=family)
