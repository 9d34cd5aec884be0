"""Factories for hotline records; build on the `world` personas from conftest.py, e.g.
`HotlineFactory(municipality=world.a, team_leader=world.leader_a)`,
`ShiftFactory(hotline=hotline, person=world.specialist_a)`,
`CallFactory(hotline=hotline, family=world.family_a)`,
`FollowUpFactory(call=call, assignee=world.consultant_a)` (family from the call)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from samspil.hotline.enums import CallerRole, CallStatus, FollowUpStatus, StaffedBy, Urgency
from samspil.hotline.models import Call, CallTopic, ClosureDay, FollowUp, Hotline, Shift
from samspil.organisations.models import Municipality
from tests.competence.factories import at


class HotlineFactory(factory.django.DjangoModelFactory):
    """A municipality's hotline (København unless given); pass `collaboration=…,
    municipality=None` for a collaboration's."""

    class Meta:
        model = Hotline

    name = factory.Sequence(lambda n: f"Akuttelefon {n}")
    phone_number = factory.Sequence(lambda n: f"7010{n:04d}")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="101"))


class ShiftFactory(factory.django.DjangoModelFactory):
    """A rotating consultant's shift around now (one hour ago to seven hours ahead) unless
    `starts_at`/`ends_at` are given."""

    class Meta:
        model = Shift

    hotline = factory.SubFactory(HotlineFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=8))
    staffed_by = StaffedBy.CONSULTANTS


class CallTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallTopic
        django_get_or_create = ("name",)

    name = "Konflikt med barnet"


class CallFactory(factory.django.DjangoModelFactory):
    """A registered call (no follow-up: register it through the service, or add one with
    FollowUpFactory)."""

    class Meta:
        model = Call

    hotline = factory.SubFactory(HotlineFactory)
    status = CallStatus.REGISTERED
    received_at = factory.LazyFunction(lambda: at(2026, 3, 5, 22, 15))
    caller_phone = "20304050"
    caller_role = CallerRole.FOSTER_PARENT
    caller_name = "Mette"
    topic = factory.SubFactory(CallTopicFactory)
    urgency = Urgency.MEDIUM
    advice = "Talte situationen igennem."


class FollowUpFactory(factory.django.DjangoModelFactory):
    """An open follow-up, due the day after the call. Pass `call` (its family is used) or
    `family` (a new call of it is made), and `assignee`."""

    class Meta:
        model = FollowUp

    call = factory.SubFactory(CallFactory, family=factory.SelfAttribute("..family"))
    family = factory.LazyAttribute(lambda o: o.call.family)
    due_date = factory.LazyAttribute(
        lambda o: timezone.localtime(o.call.received_at).date() + dt.timedelta(days=1)
    )
    status = FollowUpStatus.OPEN


class ClosureDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureDay

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="101"))
    date = dt.date(2026, 12, 24)
    every_year = True
    reason = "Juleaften"
