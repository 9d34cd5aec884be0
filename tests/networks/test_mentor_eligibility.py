"""Who may be a mentor family: consent, years as foster family, a completed training or
supervision course, capacity, per the mentee's municipality's NetworkSettings (and the mentor's
own for capacity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from samspil.accounts.enums import Role
from samspil.competence.enums import SupervisionStatus
from samspil.networks.models import NetworkSettings
from samspil.networks.selectors import mentors as selectors
from tests import factories
from tests.competence import factories as competence
from tests.networks import factories_mentors as m


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
        yield


def _assess(world: Any, mentee: Any, user: Any = None) -> dict[str, selectors.Candidate]:
    found = selectors.assess(user or world.consultant_a, mentee, "new_family", today=m.TODAY)
    return {c.family.name: c for c in found}


def _checks(candidate: selectors.Candidate) -> dict[str, bool]:
    return {check.code: check.met for check in candidate.checks}


def test_family_with_enough_years_consent_and_a_closed_course_is_eligible(world) -> None:
    m.mentor(world, "Familien Erfaren", years=6)
    found = _assess(world, m.new_family(world))["Familien Erfaren"]
    assert (found.eligible, _checks(found)) == (
        True,
        {"consent": True, "years": True, "course": True, "capacity": True},
    )


def test_family_with_too_few_years_is_not_eligible_and_says_so(world) -> None:
    m.mentor(world, "Familien Kort", years=2)
    found = _assess(world, m.new_family(world))["Familien Kort"]
    assert found.lacks == ["2 years as foster family (at least 3 required)"]


def test_municipality_requiring_more_years_makes_the_family_ineligible(world) -> None:
    m.mentor(world, "Familien Erfaren", years=6)
    NetworkSettings.objects.create(municipality=world.a, mentor_min_years=8)
    found = _assess(world, m.new_family(world))["Familien Erfaren"]
    assert found.lacks == ["6 years as foster family (at least 8 required)"]


def test_municipality_requiring_fewer_years_makes_the_family_eligible(world) -> None:
    m.mentor(world, "Familien Kort", years=2)
    NetworkSettings.objects.create(municipality=world.a, mentor_min_years=1)
    assert _assess(world, m.new_family(world))["Familien Kort"].eligible is True


def test_family_without_a_completed_course_lacks_it(world) -> None:
    m.mentor(world, "Familien Uden Kursus", course=False)
    found = _assess(world, m.new_family(world))["Familien Uden Kursus"]
    assert found.lacks == ["no completed training or supervision course"]


def test_municipality_not_requiring_a_course_makes_the_family_eligible(world) -> None:
    m.mentor(world, "Familien Uden Kursus", course=False)
    NetworkSettings.objects.create(municipality=world.a, mentor_requires_course=False)
    found = _assess(world, m.new_family(world))["Familien Uden Kursus"]
    assert (found.eligible, [c.text for c in found.checks if c.code == "course"]) == (
        True,
        ["no course required"],
    )


def test_open_supervision_course_is_not_a_completed_course(world) -> None:
    family = m.mentor(world, "Familien I Gang", course=False)
    competence.course_for(world, family, status=SupervisionStatus.OPEN)
    assert _assess(world, m.new_family(world))["Familien I Gang"].courses == []


def test_attended_offering_whose_sessions_have_all_ended_is_a_completed_course(world) -> None:
    family = m.mentor(world, "Familien Kursist", course=False)
    m.attended(world, family, title="Traumeforståelse")
    found = _assess(world, m.new_family(world))["Familien Kursist"]
    assert (found.eligible, found.courses) == (True, ["Traumeforståelse"])


def test_attended_offering_with_a_session_still_to_come_is_not_completed(world) -> None:
    family = m.mentor(world, "Familien Kursist", course=False)
    m.attended(world, family, later_session=competence.at(2026, 11, 5, 9))
    assert _assess(world, m.new_family(world))["Familien Kursist"].courses == []


def test_enrolment_without_attendance_is_not_a_completed_course(world) -> None:
    family = m.mentor(world, "Familien Udeblevet", course=False)
    enrolment = m.attended(world, family)
    enrolment.attendance = "no_show"
    enrolment.save()
    assert _assess(world, m.new_family(world))["Familien Udeblevet"].courses == []


def test_family_without_consent_is_not_a_candidate(world) -> None:
    m.mentor(world, "Familien Nej", consents=False)
    m.mentor(world, "Familien Aldrig Spurgt", consents=None)
    assert _assess(world, m.new_family(world)) == {}


def test_family_at_capacity_is_not_eligible(world) -> None:
    busy = m.mentor(world, "Familien Travl")
    m.mentorship(world, busy, m.new_family(world, "Familien En"))
    m.mentorship(world, busy, m.new_family(world, "Familien To"))
    found = _assess(world, m.new_family(world))["Familien Travl"]
    assert found.lacks == ["already has 2 mentees, the most allowed"]


def test_municipality_allowing_more_mentees_makes_the_busy_family_eligible(world) -> None:
    busy = m.mentor(world, "Familien Travl")
    m.mentorship(world, busy, m.new_family(world, "Familien En"))
    m.mentorship(world, busy, m.new_family(world, "Familien To"))
    NetworkSettings.objects.create(municipality=world.a, mentor_max_mentees=3)
    found = _assess(world, m.new_family(world))["Familien Travl"]
    assert [c.text for c in found.checks if c.code == "capacity"] == [
        "2 current mentees of at most 3"
    ]


def test_ended_mentorship_does_not_count_against_capacity(world) -> None:
    busy = m.mentor(world, "Familien Travl")
    m.mentorship(world, busy, m.new_family(world, "Familien En"), ends_on=dt.date(2026, 9, 30))
    m.mentorship(world, busy, m.new_family(world, "Familien To"))
    assert _assess(world, m.new_family(world))["Familien Travl"].current_mentees == 1


def test_mentorship_starting_later_counts_against_capacity(world) -> None:
    busy = m.mentor(world, "Familien Travl")
    m.mentorship(world, busy, m.new_family(world, "Familien En"), starts_on=dt.date(2026, 11, 1))
    assert _assess(world, m.new_family(world))["Familien Travl"].current_mentees == 1


def test_family_already_mentoring_the_mentee_is_not_eligible_again(world) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    mentee = m.new_family(world)
    m.mentorship(world, mentor, mentee)
    assert _assess(world, mentee)["Familien Erfaren"].lacks == ["is already mentor for Familien Ny"]


def test_mentee_itself_is_never_a_candidate(world) -> None:
    mentee = m.new_family(world)
    m.consent(mentee)
    assert _assess(world, mentee) == {}


def test_family_of_another_municipality_is_not_a_candidate(world) -> None:
    m.mentor(world, "Familien Vejle", municipality=world.b, postcode="7100")
    assert _assess(world, m.new_family(world)) == {}


def test_family_of_a_collaborating_municipality_is_a_candidate_for_staff_who_see_it(
    world,
) -> None:
    frederiksberg = factories.municipality("147")
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a, frederiksberg])
    m.mentor(world, "Familien Frederiksberg", municipality=frederiksberg, postcode="2000")
    both = factories.staff(Role.CONSULTANT, municipality=world.a, username="both")
    both.memberships.create(role=Role.CONSULTANT, municipality=frederiksberg)
    mentee = m.new_family(world)
    assert (list(_assess(world, mentee, both)), list(_assess(world, mentee))) == (
        ["Familien Frederiksberg"],
        [],
    )


def test_capacity_is_set_by_the_mentors_own_municipality(world) -> None:
    frederiksberg = factories.municipality("147")
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a, frederiksberg])
    mentor = m.mentor(world, "Familien Frederiksberg", municipality=frederiksberg, postcode="2000")
    m.mentorship(world, mentor, m.new_family(world, "Familien En"))
    NetworkSettings.objects.create(municipality=frederiksberg, mentor_max_mentees=1)
    both = factories.staff(Role.CONSULTANT, municipality=world.a, username="both")
    both.memberships.create(role=Role.CONSULTANT, municipality=frederiksberg)
    found = _assess(world, m.new_family(world), both)["Familien Frederiksberg"]
    assert found.lacks == ["already has 1 mentee, the most allowed"]
