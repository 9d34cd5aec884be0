"""Factories for measurement records; build on the `world` personas from conftest.py, e.g.
`plan_for(world.a)` (the default plan), `MeasurementFactory(family=world.family_a,
child=world.child_a, code="sdq-teacher-4-17")`, `make_link(measurement, by=world.consultant_a)`
→ (link, token). The shipped instruments are in the test database (post_migrate)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import factory
from django.utils import timezone

from samspil.accounts.models import User
from samspil.measures.enums import MeasurementReason, MeasurementStatus
from samspil.measures.models import (
    AnswerLink,
    Instrument,
    InstrumentVersion,
    Measurement,
    MeasurementPlan,
    PlanPoint,
)
from samspil.measures.services.links import hash_token
from samspil.measures.services.plans import DEFAULT_POINTS
from samspil.organisations.models import Municipality


def instrument(code: str) -> Instrument:
    return Instrument.objects.get(code=code)


def plan_for(
    municipality: Municipality,
    points: tuple[tuple[str, str, bool, int | None, bool], ...] = DEFAULT_POINTS,
    **values: Any,
) -> MeasurementPlan:
    """A plan with `points` (code, respondent, at entry, every n months, at the end); the
    default plan unless given."""
    plan = MeasurementPlan.objects.create(municipality=municipality, **values)
    for code, respondent, at_entry, every, at_end in points:
        PlanPoint.objects.create(
            plan=plan,
            instrument=instrument(code),
            respondent=respondent,
            at_entry=at_entry,
            every_months=every,
            at_end=at_end,
        )
    return plan


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A due measurement of `code` (the SDQ teacher version unless given) for `family`; the
    respondent is the instrument's."""

    class Meta:
        model = Measurement
        exclude = ("code",)

    code = "sdq-teacher-4-17"
    instrument = factory.LazyAttribute(lambda o: Instrument.objects.get(code=o.code))
    municipality = factory.LazyAttribute(lambda o: o.family.municipality)
    respondent = factory.LazyAttribute(
        lambda o: InstrumentVersion.objects.get(instrument=o.instrument, is_current=True).respondent
    )
    reason = MeasurementReason.EXTRA
    occurrence = factory.Sequence(lambda n: 1000 + n)
    due_on = factory.LazyFunction(timezone.localdate)
    status = MeasurementStatus.DUE


def make_link(
    measurement: Measurement,
    *,
    by: User,
    expires_at: dt.datetime | None = None,
    recipient_name: str = "Lærer Hansen",
    recipient_email: str = "laerer@skole.example",
    created_at: dt.datetime | None = None,
) -> tuple[AnswerLink, str]:
    """An open answer link (21 days) and its token, made directly (no e-mail, no audit)."""
    token = secrets.token_urlsafe(32)
    link = AnswerLink.objects.create(
        measurement=measurement,
        token_hash=hash_token(token),
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        expires_at=expires_at or timezone.now() + dt.timedelta(days=21),
        created_by=by,
    )
    if created_at is not None:
        AnswerLink.objects.filter(pk=link.pk).update(created_at=created_at)
        link.created_at = created_at
    if measurement.status == MeasurementStatus.DUE:
        Measurement.objects.filter(pk=measurement.pk).update(status=MeasurementStatus.SENT)
        measurement.status = MeasurementStatus.SENT
    return link, token


def sdq_answers(value: int = 1) -> dict[str, int]:
    """All 25 SDQ items answered `value`, and no difficulties in the impact question."""
    return {**{str(n): value for n in range(1, 26)}, "impact_difficulties": 0}
