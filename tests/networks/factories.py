"""Factories for network records; build on the `world` personas from conftest.py."""

from __future__ import annotations

import datetime as dt

import factory

from samspil.competence.enums import TimeSlot
from samspil.networks.enums import ContactKind, MeetingMode, MentorReason
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    MentorContact,
    MentorProfile,
    Mentorship,
    NetworkGroup,
    Pool,
    PoolMember,
)
from tests.competence.factories import at


class NetworkGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkGroup

    name = factory.Sequence(lambda n: f"Netværksgruppe {n}")
    meeting_slot = TimeSlot.EVENINGS
    started_on = dt.date(2026, 1, 10)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(NetworkGroupFactory)
    joined_on = factory.SelfAttribute("group.started_on")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    starts_at = factory.LazyFunction(lambda: at(2026, 2, 3, 19))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    mode = MeetingMode.PHYSICAL
    place = "Lindehuset, mødelokale 1"


class PoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pool

    name = factory.Sequence(lambda n: f"Pulje {n}")


class PoolMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolMember


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    consents = True


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    reason = MentorReason.NEW_FAMILY
    starts_on = dt.date(2026, 9, 1)


class MentorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorContact

    happened_on = dt.date(2026, 9, 15)
    kind = ContactKind.PHONE
    minutes = 30
