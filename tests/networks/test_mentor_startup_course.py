"""The mandatory start-up course next to a mentorship: the mentee's sessions of the
municipality's mandatory offerings in the period, "not enrolled yet", and the warning on a
contact that falls on the day of a session the mentee has a place at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from samspil.competence.enums import Attendance, EnrolmentStatus
from samspil.networks.selectors import startup_course
from tests.competence.factories import at
from tests.networks import factories_mentors as m
from tests.networks.factories import MentorContactFactory

COURSE = "Opstartskursus for nye plejefamilier"


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
        yield


def test_no_mandatory_course_in_the_catalogue_gives_nothing_to_show(world) -> None:
    assert startup_course.startup_course(m.new_family(world), m.TODAY) == []


def test_mentee_not_enrolled_yet_sees_the_open_sessions_and_what_to_do(world) -> None:
    session = m.mandatory_session(world, at(2026, 10, 20, 9))
    [course] = startup_course.startup_course(m.new_family(world), m.TODAY)
    assert (course.state, [s.session for s in course.sessions], course.advice) == (
        "not_enrolled",
        [session],
        f"Familien Ny is not enrolled yet in the mandatory start-up course “{COURSE}”. "
        "Enrol the family in one of its sessions first, then plan mentor contacts on other days.",
    )


def test_mentee_enrolled_sees_its_session_and_what_to_coordinate(world) -> None:
    mentee = m.new_family(world)
    session = m.mandatory_session(world, at(2026, 10, 20, 9))
    m.enrol(mentee, session)
    [course] = startup_course.startup_course(mentee, m.TODAY)
    assert (course.state, course.clashes, course.advice) == (
        "enrolled",
        True,
        f"Familien Ny takes part in the mandatory start-up course “{COURSE}” on Oct. 20, "
        "2026. Plan mentor contacts on other days, and tell the mentor family that the course "
        "comes first.",
    )


def test_mentee_on_the_waiting_list_is_asked_to_keep_the_day_free(world) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 10, 20, 9)), EnrolmentStatus.WAITLISTED)
    [course] = startup_course.startup_course(mentee, m.TODAY)
    assert course.state == "waitlisted"


def test_attended_mandatory_course_is_no_clash(world) -> None:
    mentee = m.new_family(world)
    enrolment = m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 2, 9)))
    enrolment.attendance = Attendance.ATTENDED
    enrolment.save()
    [course] = startup_course.startup_course(mentee, m.TODAY)
    assert (course.state, course.clashes) == ("attended", False)


def test_session_after_the_mentorship_ends_is_outside_the_period(world) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2027, 2, 2, 9)))
    [course] = startup_course.startup_course(mentee, dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    assert (course.state, course.clashes) == ("later", False)


def test_open_sessions_outside_the_period_are_not_offered(world) -> None:
    m.mandatory_session(world, at(2027, 2, 2, 9))
    [course] = startup_course.startup_course(
        m.new_family(world), dt.date(2026, 9, 1), dt.date(2026, 12, 31)
    )
    assert (course.state, course.sessions) == ("not_enrolled", [])


def test_cancelled_session_is_not_offered(world) -> None:
    session = m.mandatory_session(world, at(2026, 10, 20, 9))
    session.cancelled = True
    session.save()
    [course] = startup_course.startup_course(m.new_family(world), m.TODAY)
    assert course.sessions == []


def test_contact_on_the_day_of_an_enrolled_mandatory_session_warns(world) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)))
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    contact = MentorContactFactory(
        mentorship=mentorship, happened_on=dt.date(2026, 9, 15), recorded_by=world.consultant_a
    )
    assert startup_course.contact_clashes(mentorship, [contact]) == {
        contact.pk: [
            f"Same day as the mandatory start-up course “{COURSE}” (09:00), where Familien Ny "
            "has a place. Agree with both families that the course comes first and move the "
            "mentor contact to another day."
        ]
    }


def test_contact_on_another_day_does_not_warn(world) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)))
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    contact = MentorContactFactory(
        mentorship=mentorship, happened_on=dt.date(2026, 9, 16), recorded_by=world.consultant_a
    )
    assert startup_course.contact_clashes(mentorship, [contact]) == {}


def test_contact_on_the_day_of_a_waitlisted_session_does_not_warn(world) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)), EnrolmentStatus.WAITLISTED)
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    contact = MentorContactFactory(
        mentorship=mentorship, happened_on=dt.date(2026, 9, 15), recorded_by=world.consultant_a
    )
    assert startup_course.contact_clashes(mentorship, [contact]) == {}


def test_suggestions_page_shows_the_start_up_course_not_enrolled_yet(world, client) -> None:
    m.mandatory_session(world, at(2026, 10, 20, 9))
    mentee = m.new_family(world)
    client.force_login(world.consultant_a)
    response = client.get(
        f"{reverse('networks:mentor_suggestions')}?family={mentee.uuid}&reason=new_family"
    )
    assert f"not enrolled yet in the mandatory start-up course “{COURSE}”" in (
        response.content.decode()
    )


def test_mentorship_page_shows_the_clash_next_to_the_contact(world, client) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)))
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    MentorContactFactory(
        mentorship=mentorship, happened_on=dt.date(2026, 9, 15), recorded_by=world.consultant_a
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:mentorship_detail", args=[mentorship.uuid]))
    [(_contact, warnings)] = response.context["detail"].rows
    assert warnings[0].startswith("Same day as the mandatory start-up course")
