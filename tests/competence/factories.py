"""Factories for competence records; build on the `world` personas from conftest.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from samspil.competence.enums import (
    OfferingKind,
    PlaceKind,
    SupervisionKind,
    SupervisionLocation,
    SupervisionStatus,
)
from samspil.competence.models import CatalogueEntry, Offering, Session, SupervisionCourse, Theme

CPH = ZoneInfo("Europe/Copenhagen")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware datetime in Danish local time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CPH)


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering
        skip_postgeneration_save = True

    kind = OfferingKind.TALK
    title = factory.Sequence(lambda n: f"Oplæg om tilknytning {n}")
    description = "Et fagligt oplæg for plejefamilier."
    target_group = "Plejefamilier"
    published = True

    @factory.post_generation
    def themes(self, create: bool, extracted: list[Theme] | None, **kwargs: object) -> None:
        if create:
            self.themes.set(extracted or [Theme.objects.get(name="Tilknytningsteori")])


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    offering = factory.SubFactory(OfferingFactory)
    starts_at = factory.LazyFunction(lambda: at(2027, 3, 2, 19))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))
    place_kind = PlaceKind.INSTITUTION
    place = "Lindehuset, mødelokalet"
    capacity = 2


def offering_for(world: object, **kwargs: object) -> Offering:
    """A published offering by the world's institution, with its specialist responsible."""
    kwargs.setdefault("institution", world.institution_a)  # type: ignore[attr-defined]
    kwargs.setdefault("responsible", world.specialist_a)  # type: ignore[attr-defined]
    return OfferingFactory(**kwargs)


def in_catalogue(
    offering: Offering, municipality: object, mandatory: bool = False
) -> CatalogueEntry:
    return CatalogueEntry.objects.create(
        offering=offering, municipality=municipality, mandatory=mandatory
    )


def course_for(world: object, family: object | None = None, **kwargs: object) -> SupervisionCourse:
    """An open individual supervision course for family_a at the world's institution."""
    family = family or world.family_a  # type: ignore[attr-defined]
    defaults: dict[str, object] = {
        "kind": SupervisionKind.INDIVIDUAL,
        "status": SupervisionStatus.OPEN,
        "municipality": family.municipality,  # type: ignore[attr-defined]
        "institution": world.institution_a,  # type: ignore[attr-defined]
        "supervisor": world.specialist_a,  # type: ignore[attr-defined]
        "opened_by": world.consultant_a,  # type: ignore[attr-defined]
        "problem": "Konflikter ved sengetid",
        "goal": "Roligere aftener",
        "planned_sessions": 5,
        "session_hours": Decimal("1.5"),
        "location": SupervisionLocation.HOME,
        "opened_on": dt.date(2026, 9, 1),
    }
    defaults.update(kwargs)
    course = SupervisionCourse.objects.create(**defaults)
    course.families.set([family])
    return course
