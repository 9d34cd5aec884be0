"""Building blocks for the mentor-family tests, on top of the `world` personas: a new family that
needs a mentor, mentor candidates with consent, experience, courses and children, the mandatory
start-up course, and mentorships. Dates are relative to NOW (tests freeze time there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import Enrolment, Session, SupervisionCourse
from samspil.families.models import FosterFamily
from samspil.networks.models import MentorProfile, Mentorship
from tests import factories
from tests.competence import factories as competence
from tests.networks.factories import MentorProfileFactory, MentorshipFactory

NOW = competence.at(2026, 10, 1, 12)
TODAY = NOW.date()


def years_ago(years: int, days: int = 30) -> dt.date:
    """A day a little more than `years` years before TODAY."""
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=days)


def consent(family: FosterFamily, consents: bool = True) -> MentorProfile:
    return MentorProfileFactory(family=family, consents=consents, consent_changed_at=NOW)  # type: ignore[no-any-return]


def place_child(family: FosterFamily, born: dt.date, starts_on: dt.date, **kwargs: Any) -> None:
    child = factories.ChildFactory(municipality=family.municipality, date_of_birth=born)
    factories.PlacementFactory(child=child, family=family, starts_on=starts_on, **kwargs)


def completed_supervision(
    world: Any, family: FosterFamily, title: str = "Tilknytning i praksis"
) -> SupervisionCourse:
    return competence.course_for(
        world,
        family,
        title=title,
        status=SupervisionStatus.CLOSED,
        goal_rating=4,
        closing_summary="Godt forløb",
        opened_on=dt.date(2024, 9, 1),
        closed_on=dt.date(2025, 3, 1),
    )


def attended(
    world: Any,
    family: FosterFamily,
    *,
    title: str = "Traumeforståelse",
    starts_at: dt.datetime | None = None,
    later_session: dt.datetime | None = None,
) -> Enrolment:
    """An enrolment with attendance "attended" at a past session of an offering; with
    `later_session`, the offering has another session still to come."""
    offering = competence.offering_for(world, title=title)
    session = competence.SessionFactory(
        offering=offering, starts_at=starts_at or competence.at(2026, 3, 2, 9)
    )
    if later_session is not None:
        competence.SessionFactory(offering=offering, starts_at=later_session)
    return Enrolment.objects.create(
        session=session,
        family=family,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    )


def new_family(
    world: Any,
    name: str = "Familien Ny",
    *,
    postcode: str = "2400",
    child_born: dt.date | None = dt.date(2018, 5, 1),
) -> FosterFamily:
    """A family of A approved this summer with, by default, a child aged 8 placed now."""
    family: FosterFamily = factories.FamilyFactory(
        municipality=world.a, name=name, approved_on=dt.date(2026, 6, 1), postcode=postcode
    )
    factories.assign(family, world.consultant_a)
    if child_born is not None:
        place_child(family, child_born, dt.date(2026, 8, 1))
    return family


def mentor(
    world: Any,
    name: str,
    *,
    years: int = 6,
    postcode: str = "2400",
    course: bool = True,
    consents: bool | None = True,
    child_born: dt.date | None = None,
    municipality: Any = None,
) -> FosterFamily:
    """A candidate mentor family with `years` of experience, a completed supervision course
    (unless `course` is False), consent (None: no profile at all) and optionally a child placed
    from its approval until now."""
    family: FosterFamily = factories.FamilyFactory(
        municipality=municipality or world.a,
        name=name,
        approved_on=years_ago(years),
        postcode=postcode,
    )
    if consents is not None:
        consent(family, consents)
    if course:
        completed_supervision(world, family)
    if child_born is not None:
        place_child(family, child_born, family.approved_on)
    return family


def mandatory_session(
    world: Any, starts_at: dt.datetime, *, title: str = "Opstartskursus for nye plejefamilier"
) -> Session:
    """A session of an offering in A's catalogue marked mandatory (the start-up course)."""
    offering = competence.offering_for(world, title=title)
    competence.in_catalogue(offering, world.a, mandatory=True)
    return competence.SessionFactory(offering=offering, starts_at=starts_at, capacity=10)  # type: ignore[no-any-return]


def enrol(
    family: FosterFamily, session: Session, status: str = EnrolmentStatus.ENROLLED
) -> Enrolment:
    return Enrolment.objects.create(session=session, family=family, status=status)


def mentorship(world: Any, mentor: FosterFamily, mentee: FosterFamily, **kwargs: Any) -> Mentorship:
    kwargs.setdefault("brokered_by", world.consultant_a)
    kwargs.setdefault("starts_on", dt.date(2026, 9, 1))
    return MentorshipFactory(mentor=mentor, mentee=mentee, **kwargs)  # type: ignore[no-any-return]


def candidates(world: Any, count: int, *, start: int = 0) -> list[FosterFamily]:
    """`count` consenting families of A, numbered from `start`, as varied as the pages meet
    them: every one with a child placed and a closed supervision course; every third also with
    an attended offering, every third (another) mentoring a new family (which then waits on the
    list as a current mentorship), every fifth with a past mentorship, and every fourth lacking
    the years and the course (not eligible)."""
    found = []
    for n in range(start, start + count):
        lacking = n % 4 == 3
        family = mentor(
            world,
            f"Familien Kandidat {n}",
            years=1 if lacking else 6,
            course=not lacking,
            child_born=dt.date(2010 + n % 12, 1, 1),
            postcode=("2400", "2800", "3400", "9999")[n % 4],
        )
        if n % 3 == 1:
            attended(world, family, title=f"Kursus {n}")
        if n % 3 == 2:
            mentorship(world, family, new_family(world, f"Familien Mentee {n}"))
        if n % 5 == 0:
            mentorship(
                world,
                family,
                new_family(world, f"Familien Tidligere {n}", child_born=None),
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2025, 12, 31),
            )
        found.append(family)
    return found
