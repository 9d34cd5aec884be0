"""Factories and helpers for the rota tests; build on the `world` personas from conftest.py and
the hotline factories in tests/hotline/factories.py.

`rota_hotline(world)` is København's 24/7 hotline (shift changes 08:00, 16:00, 23:00, 11 hours'
rest, at most 20 shifts), team leader leader_a, with consultant_a and consultant_a2 on the rota
(pass `members=` for others). Tests of the pure module build plain values with `slot()` and
`person()` instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.hotline import rota
from samspil.hotline.enums import RotaRunStatus
from samspil.hotline.models import Hotline, RotaMember, RotaRun, StaffingRule, Unavailability
from tests import factories
from tests.competence.factories import at
from tests.hotline.factories import HotlineFactory

UTC = dt.UTC
T0 = dt.datetime(2027, 1, 4, 8, tzinfo=UTC)  # a Monday


class RotaMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaMember

    hotline = factory.SubFactory(HotlineFactory)


class StaffingRuleFactory(factory.django.DjangoModelFactory):
    """By default the social on-call service every night 23:00–08:00."""

    class Meta:
        model = StaffingRule

    hotline = factory.SubFactory(HotlineFactory)
    weekdays = "0123456"
    starts = dt.time(23)
    ends = dt.time(8)
    staffed_by = "on_call_service"


class UnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unavailability

    starts_at = factory.LazyFunction(lambda: at(2027, 1, 4, 0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=1))
    reason = "Ferie"


class RotaRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotaRun

    hotline = factory.SubFactory(HotlineFactory)
    period_start = dt.date(2027, 1, 1)
    period_end = dt.date(2027, 3, 31)
    status = RotaRunStatus.DONE


def consultants(world: Any, count: int, prefix: str = "vagt") -> list[User]:
    """`count` more consultants in A, named so they sort in order."""
    return [
        factories.staff(Role.CONSULTANT, municipality=world.a, username=f"{prefix}{n:02d}")
        for n in range(count)
    ]


def rota_hotline(world: Any, members: Sequence[User] | None = None, **fields: Any) -> Hotline:
    hotline: Hotline = HotlineFactory(
        municipality=fields.pop("municipality", world.a),
        team_leader=fields.pop("team_leader", world.leader_a),
        name=fields.pop("name", "Akuttelefonen København"),
        **fields,
    )
    for user in [world.consultant_a, world.consultant_a2] if members is None else members:
        RotaMemberFactory(hotline=hotline, user=user)
    return hotline


# -- plain values for the pure module --------------------------------------------------------------


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def slot(key: Any, start: float, length: float = 8, **flags: bool) -> rota.Slot:
    """A slot from `start` hours after T0 (a Monday 08:00 UTC) lasting `length` hours."""
    return rota.Slot(key, hours(start), hours(start + length), **flags)


def person(key: Any, *, busy: Sequence[tuple[float, float]] = (), **fields: Any) -> rota.Person:
    return rota.Person(key, busy=tuple((hours(a), hours(b)) for a, b in busy), **fields)


def day_slots(days: int, *, start_day: int = 0) -> tuple[rota.Slot, ...]:
    """Three shifts a day (8, 8 and 8 hours) for `days` days, the third a night shift."""
    found = []
    for d in range(start_day, start_day + days):
        for i in range(3):
            found.append(slot(f"{d}.{i}", 24 * d + 8 * i, night=i == 2, weekend=d % 7 >= 5))
    return tuple(found)
