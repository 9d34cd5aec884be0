"""factory_boy factories: plain records, no surprises. Personas are built from these in
conftest.py."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.families.enums import FamilyKind
from samspil.families.models import (
    Child,
    ConsultantAssignment,
    Engagement,
    FosterFamily,
    FosterParent,
    Placement,
)
from samspil.organisations.enums import InstitutionKind, OwnerKind
from samspil.organisations.models import Collaboration, Institution, Municipality


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    password = factory.django.Password("correct-horse-battery")


def with_totp(user: User) -> User:
    """Give `user` an activated TOTP authenticator, as every staff member must have."""
    TOTP.activate(user, generate_totp_secret())
    return user


def staff(
    role: Role,
    *,
    municipality: Municipality | None = None,
    institution: Institution | None = None,
    username: str | None = None,
) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    Membership.objects.create(
        user=user, role=role, municipality=municipality, institution=institution
    )
    return with_totp(user)


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = InstitutionKind.DOEGNINSTITUTION
    owner_kind = OwnerKind.PRIVATE
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="101"))
    postcode = "2400"


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collaboration

    name = factory.Sequence(lambda n: f"Samarbejde {n}")
    starts_on = dt.date(2020, 1, 1)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FosterFamily

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="101"))
    name = factory.Sequence(lambda n: f"Familien Hansen {n}")
    kind = FamilyKind.GENERAL
    approved_on = dt.date(2015, 3, 1)
    address = "Skovvej 1"
    postcode = "2400"
    city = "København NV"


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FosterParent

    family = factory.SubFactory(FamilyFactory)
    first_name = "Mette"
    last_name = "Hansen"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="101"))
    first_name = factory.Sequence(lambda n: f"Alma{n}")
    last_name = "Jensen"
    date_of_birth = dt.date(2014, 5, 17)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    family = factory.SubFactory(FamilyFactory)
    starts_on = dt.date(2022, 1, 1)


def assign(
    family: FosterFamily, consultant: User, starts_on: dt.date = dt.date(2020, 1, 1)
) -> ConsultantAssignment:
    return ConsultantAssignment.objects.create(
        family=family, consultant=consultant, starts_on=starts_on
    )


def engage(family: FosterFamily, institution: Institution, **kwargs: object) -> Engagement:
    kwargs.setdefault("kind", "supervision")
    kwargs.setdefault("starts_on", dt.date(2020, 1, 1))
    return Engagement.objects.create(family=family, institution=institution, **kwargs)
