"""Individual and group supervision: opening, the session log, extensions, closing, the
knowledge sharing with the consultant, engagements (access) and the group cadence check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.competence.enums import SupervisionKind, SupervisionLocation, SupervisionStatus
from samspil.competence.models import CompetenceSettings, SupervisionCourse, SupervisionSession
from samspil.competence.selectors.supervision import group_cadence_gaps
from samspil.competence.services import supervision as services
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement
from tests import factories
from tests.competence.factories import at, course_for

TODAY = dt.date(2026, 10, 1)

COURSE_VALUES: dict[str, Any] = {
    "problem": "Konflikter ved sengetid",
    "goal": "Roligere aftener",
    "planned_sessions": 5,
    "session_hours": Decimal("1.5"),
    "location": SupervisionLocation.HOME,
    "consultant_takes_part": True,
}


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(at(2026, 10, 1, 12), tick=False):
        yield


# -- helpers shared by the supervision tests ----------------------------------------------------


def collaborate(world: Any, institution: Any = None, municipality: Any = None) -> Any:
    """Put the institution (default: the world's) in a collaboration with the municipality."""
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([municipality or world.a])
    collaboration.institutions.set([institution or world.institution_a])
    return collaboration


def open_course(world: Any, **values: Any) -> SupervisionCourse:
    """An individual course for family_a opened by consultant_a through the service."""
    return services.open_supervision_course(
        actor=world.consultant_a,
        family=world.family_a,
        institution=world.institution_a,
        supervisor=world.specialist_a,
        values={**COURSE_VALUES, **values},
    )


def log_session(world: Any, course: SupervisionCourse, **values: Any) -> SupervisionSession:
    return services.log_supervision_session(
        actor=world.specialist_a,
        course=course,
        values={
            "starts_at": at(2026, 10, 1, 9),
            "hours": Decimal("1.5"),
            "location": SupervisionLocation.HOME,
            "consultant_present": False,
            "shared_notes": "Faste rutiner aftalt",
            "private_notes": "Mor virker presset",
            **values,
        },
        attended=list(course.families.all()),
    )


def family_page_status(client: Any, user: Any, family: Any) -> int:
    client.force_login(user)
    status: int = client.get(reverse("families:detail", args=[family.uuid])).status_code
    return status


# -- opening an individual course ---------------------------------------------------------------


def test_open_course_by_consultant_opens_it_today_for_the_family(world) -> None:
    collaborate(world)
    course = open_course(world)
    assert (
        course.kind,
        course.status,
        course.opened_on,
        course.municipality_id,
        list(course.families.all()),
        course.version,
    ) == (
        SupervisionKind.INDIVIDUAL,
        SupervisionStatus.OPEN,
        TODAY,
        world.a.pk,
        [world.family_a],
        1,
    )


def test_open_course_records_an_engagement_for_the_institution(world) -> None:
    collaborate(world)
    course = open_course(world)
    engagement = Engagement.objects.get(source=f"competence.supervision:{course.uuid}")
    assert (
        engagement.family,
        engagement.institution,
        engagement.kind,
        engagement.starts_on,
        engagement.ends_on,
    ) == (world.family_a, world.institution_a, EngagementKind.SUPERVISION, TODAY, None)


def test_open_course_is_audited(world) -> None:
    collaborate(world)
    course = open_course(world)
    entry = AuditEntry.objects.get(action="competence.supervision.open")
    assert (entry.object_uuid, entry.municipality_id, entry.actor, entry.data["version"]) == (
        course.uuid,
        world.a.pk,
        world.consultant_a,
        1,
    )


def test_open_course_emails_the_fixed_consultant_the_problem_and_goal(
    world, django_capture_on_commit_callbacks
) -> None:
    collaborate(world)
    with django_capture_on_commit_callbacks(execute=True):
        open_course(world)
    assert [m.to for m in mail.outbox] == [[world.consultant_a.email]]
    body = mail.outbox[0].body
    assert ("Konflikter ved sengetid" in body, "Roligere aftener" in body) == (True, True)


def test_open_course_sends_no_email_before_commit(
    world, django_capture_on_commit_callbacks
) -> None:
    collaborate(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_course(world)
    assert (len(callbacks), mail.outbox) == (1, [])


def test_open_course_with_institution_outside_collaboration_is_refused(world) -> None:
    with pytest.raises(ValidationError) as error:
        open_course(world)
    assert list(error.value.message_dict) == ["institution"]
    assert SupervisionCourse.objects.count() == 0


def test_open_course_with_consultative_institution_is_allowed(world) -> None:
    settings, _ = CompetenceSettings.objects.get_or_create(municipality=world.a)
    settings.consultative_institutions.add(world.institution_a)
    assert open_course(world).institution == world.institution_a


def test_open_course_with_ended_collaboration_is_refused(world) -> None:
    collaboration = collaborate(world)
    collaboration.ends_on = dt.date(2025, 12, 31)
    collaboration.save()
    with pytest.raises(ValidationError) as error:
        open_course(world)
    assert list(error.value.message_dict) == ["institution"]


def test_open_course_with_supervisor_from_another_institution_is_refused(world) -> None:
    collaborate(world)
    other = factories.InstitutionFactory(municipality=world.a)
    outsider = factories.staff(Role.SPECIALIST, institution=other, username="specialist_other")
    with pytest.raises(ValidationError) as error:
        services.open_supervision_course(
            actor=world.consultant_a,
            family=world.family_a,
            institution=world.institution_a,
            supervisor=outsider,
            values=COURSE_VALUES,
        )
    assert list(error.value.message_dict) == ["supervisor"]


def test_open_course_without_goal_is_refused(world) -> None:
    collaborate(world)
    with pytest.raises(ValidationError) as error:
        open_course(world, goal="  ")
    assert list(error.value.message_dict) == ["goal"]


def test_open_course_by_consultant_of_other_municipality_is_denied(world) -> None:
    collaborate(world)
    with pytest.raises(PermissionDeniedError):
        services.open_supervision_course(
            actor=world.consultant_b,
            family=world.family_a,
            institution=world.institution_a,
            supervisor=world.specialist_a,
            values=COURSE_VALUES,
        )


def test_open_course_by_specialist_without_engagement_is_denied(world) -> None:
    collaborate(world)
    with pytest.raises(PermissionDeniedError):
        services.open_supervision_course(
            actor=world.specialist_a,
            family=world.family_a,
            institution=world.institution_a,
            supervisor=world.specialist_a,
            values=COURSE_VALUES,
        )


def test_open_course_by_specialist_whose_institution_sees_the_family_is_allowed(world) -> None:
    collaborate(world)
    factories.engage(world.family_a, world.institution_a, kind="enrolment")
    course = services.open_supervision_course(
        actor=world.specialist_a,
        family=world.family_a,
        institution=world.institution_a,
        supervisor=world.specialist_a,
        values=COURSE_VALUES,
    )
    assert (course.status, course.opened_by) == (SupervisionStatus.OPEN, world.specialist_a)


# -- engagements: access while the course runs, then the grace period ---------------------------


def test_open_course_gives_the_institution_access_to_the_family(world, client) -> None:
    collaborate(world)
    before = family_page_status(client, world.specialist_a, world.family_a)
    open_course(world)
    assert (before, family_page_status(client, world.specialist_a, world.family_a)) == (404, 200)


def test_close_course_access_lasts_the_grace_period_then_ends(world, client) -> None:
    collaborate(world)
    course = open_course(world)
    with time_machine.travel(at(2026, 11, 2, 12), tick=False):
        services.close_course(
            actor=world.specialist_a,
            course=course,
            goal_rating=4,
            closing_summary="Roligere aftener opnået",
            expected_version=course.version,
        )
    statuses = []
    for day in (dt.date(2026, 12, 2), dt.date(2026, 12, 3)):  # 30 days' grace, then none
        with time_machine.travel(at(day.year, day.month, day.day, 12), tick=False):
            statuses.append(family_page_status(client, world.specialist_a, world.family_a))
    assert statuses == [200, 404]


def test_close_course_ends_the_engagement_on_the_closing_day(world) -> None:
    collaborate(world)
    course = open_course(world)
    services.close_course(
        actor=world.specialist_a,
        course=course,
        goal_rating=3,
        closing_summary="Delvist nået",
        expected_version=course.version,
    )
    engagement = Engagement.objects.get(source=f"competence.supervision:{course.uuid}")
    assert (engagement.ends_on, engagement.access_until) == (TODAY, TODAY + dt.timedelta(days=30))


# -- the session log ------------------------------------------------------------------------------


def test_log_session_records_when_where_who_and_attendance(world) -> None:
    collaborate(world)
    course = open_course(world)
    session = log_session(world, course)
    assert (
        session.starts_at,
        session.hours,
        session.delivered_by,
        list(session.attended.all()),
        session.shared_notes,
        session.private_notes,
    ) == (
        at(2026, 10, 1, 9),
        Decimal("1.5"),
        world.specialist_a,
        [world.family_a],
        "Faste rutiner aftalt",
        "Mor virker presset",
    )


def test_log_session_audit_entry_does_not_contain_the_notes(world) -> None:
    collaborate(world)
    course = open_course(world)
    log_session(world, course)
    entry = AuditEntry.objects.get(action="competence.supervision.log_session")
    assert (entry.data["shared_notes"], entry.data["private_notes"], entry.object_uuid) == (
        True,
        True,
        course.uuid,
    )
    assert "Mor virker presset" not in str(entry.data)


def test_log_session_by_consultant_is_denied(world) -> None:
    course = course_for(world, opened_on=TODAY)
    with pytest.raises(PermissionDeniedError):
        services.log_supervision_session(
            actor=world.consultant_a,
            course=course,
            values={"starts_at": at(2026, 10, 1, 9), "hours": 1, "location": "home"},
            attended=[],
        )


def test_log_session_beyond_the_planned_sessions_is_refused(world) -> None:
    course = course_for(world, planned_sessions=1, opened_on=TODAY)
    log_session(world, course)
    with pytest.raises(ValidationError) as error:
        log_session(world, course, starts_at=at(2026, 10, 1, 11))
    assert list(error.value.message_dict) == ["__all__"]


def test_log_session_in_the_future_is_refused(world) -> None:
    course = course_for(world, opened_on=TODAY)
    with pytest.raises(ValidationError) as error:
        log_session(world, course, starts_at=at(2026, 10, 2, 9))
    assert list(error.value.message_dict) == ["starts_at"]


def test_log_session_on_a_closed_course_is_refused(world) -> None:
    course = course_for(
        world, status=SupervisionStatus.CLOSED, goal_rating=3, closed_on=TODAY, opened_on=TODAY
    )
    with pytest.raises(ValidationError):
        log_session(world, course)
    assert course.sessions.count() == 0


def test_log_session_with_family_outside_the_course_is_refused(world) -> None:
    course = course_for(world, opened_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.log_supervision_session(
            actor=world.specialist_a,
            course=course,
            values={"starts_at": at(2026, 10, 1, 9), "hours": 1, "location": "home"},
            attended=[world.family_a_other],
        )
    assert list(error.value.message_dict) == ["attended"]


# -- extending and closing ----------------------------------------------------------------------


def test_extend_course_adds_sessions_with_the_reason(world) -> None:
    course = course_for(world, planned_sessions=1, opened_on=TODAY)
    log_session(world, course)
    services.extend_course(
        actor=world.specialist_a,
        course=course,
        added_sessions=2,
        reason="Ny problematik i skolen",
        expected_version=course.version,
    )
    log_session(world, course, starts_at=at(2026, 10, 1, 11))
    course.refresh_from_db()
    assert (
        course.planned_sessions,
        course.version,
        list(course.extensions.values_list("added_sessions", "reason")),
        course.sessions.count(),
    ) == (3, 2, [(2, "Ny problematik i skolen")], 2)


def test_extend_course_without_reason_is_refused(world) -> None:
    course = course_for(world)
    with pytest.raises(ValidationError) as error:
        services.extend_course(
            actor=world.specialist_a,
            course=course,
            added_sessions=2,
            reason="",
            expected_version=course.version,
        )
    assert list(error.value.message_dict) == ["reason"]


def test_close_course_records_rating_summary_and_date(world) -> None:
    course = course_for(world)
    services.close_course(
        actor=world.specialist_a,
        course=course,
        goal_rating=4,
        closing_summary="Roligere aftener opnået",
        expected_version=course.version,
    )
    course.refresh_from_db()
    assert (course.status, course.goal_rating, course.closing_summary, course.closed_on) == (
        SupervisionStatus.CLOSED,
        4,
        "Roligere aftener opnået",
        TODAY,
    )


def test_close_course_emails_the_closing_summary_to_the_fixed_consultant(
    world, django_capture_on_commit_callbacks
) -> None:
    course = course_for(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_course(
            actor=world.specialist_a,
            course=course,
            goal_rating=5,
            closing_summary="Målet er nået",
            expected_version=course.version,
        )
    assert [m.to for m in mail.outbox] == [[world.consultant_a.email]]
    assert "Målet er nået" in mail.outbox[0].body


def test_close_course_without_rating_is_refused_and_stays_open(world) -> None:
    course = course_for(world)
    with pytest.raises(ValidationError) as error:
        services.close_course(
            actor=world.specialist_a,
            course=course,
            goal_rating=None,
            closing_summary="",
            expected_version=course.version,
        )
    course.refresh_from_db()
    assert (sorted(error.value.message_dict), course.status, course.version) == (
        ["closing_summary", "goal_rating"],
        SupervisionStatus.OPEN,
        1,
    )


def test_close_course_with_stale_version_raises_conflict_with_the_change(world) -> None:
    course = course_for(world)
    services.extend_course(
        actor=world.specialist_a,
        course=SupervisionCourse.objects.get(pk=course.pk),
        added_sessions=1,
        reason="Mere tid",
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.close_course(
            actor=world.specialist_a,
            course=course,
            goal_rating=3,
            closing_summary="Slut",
            expected_version=1,
        )
    assert (error.value.current_version, [(c.field, c.after) for c in error.value.changes]) == (
        2,
        [("planned_sessions", 6)],
    )


def test_close_course_by_consultant_is_denied(world) -> None:
    course = course_for(world)
    with pytest.raises(PermissionDeniedError):
        services.close_course(
            actor=world.consultant_a,
            course=course,
            goal_rating=3,
            closing_summary="Slut",
            expected_version=1,
        )


# -- group supervision and the cadence check --------------------------------------------------


def open_group(world: Any, families: list[Any] | None = None, **values: Any) -> SupervisionCourse:
    return services.open_group_course(
        actor=world.consultant_a,
        families=families or [world.family_a, world.family_a_other],
        institution=world.institution_a,
        supervisor=world.specialist_a,
        values={
            "title": "Gruppesupervision, Amager",
            "goal": "Fælles sprog om tilknytning",
            "planned_sessions": 4,
            "session_hours": Decimal("2.5"),
            "location": SupervisionLocation.INSTITUTION,
            **values,
        },
    )


def test_open_group_course_engages_every_family(world) -> None:
    collaborate(world)
    course = open_group(world)
    engaged = Engagement.objects.filter(source=f"competence.supervision:{course.uuid}")
    assert (course.kind, sorted(e.family.name for e in engaged)) == (
        SupervisionKind.GROUP,
        ["Familien Andersen", "Familien Østergaard"],
    )


def test_group_create_page_opens_the_group_and_redirects(world, client) -> None:
    collaborate(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:supervision_group_create"),
        {
            "title": "Gruppe Amager",
            "families": [world.family_a.uuid, world.family_a_other.uuid],
            "institution": world.institution_a.pk,
            "supervisor": world.specialist_a.pk,
            "planned_sessions": 4,
            "session_hours": "2.5",
            "location": "municipal",
        },
    )
    course = SupervisionCourse.objects.get()
    assert (
        response.status_code,
        course.kind,
        course.location,
        [f.name for f in course.families.order_by("name")],
    ) == (302, SupervisionKind.GROUP, "municipal", ["Familien Andersen", "Familien Østergaard"])


def test_open_group_course_with_four_hour_sessions_in_the_home_is_refused(world) -> None:
    collaborate(world)
    with pytest.raises(ValidationError) as error:
        open_group(world, session_hours=Decimal("4"), location=SupervisionLocation.HOME)
    assert sorted(error.value.message_dict) == ["location", "session_hours"]


def test_open_group_course_with_one_family_is_refused(world) -> None:
    collaborate(world)
    with pytest.raises(ValidationError) as error:
        open_group(world, families=[world.family_a])
    assert list(error.value.message_dict) == ["families"]


def test_open_group_course_with_family_of_other_municipality_is_denied(world) -> None:
    collaborate(world)
    with pytest.raises(PermissionDeniedError):
        open_group(world, families=[world.family_a, world.family_b])


def group_course(world: Any, families: list[Any], **kwargs: Any) -> SupervisionCourse:
    course = course_for(
        world,
        kind=SupervisionKind.GROUP,
        location=SupervisionLocation.INSTITUTION,
        session_hours=Decimal("2.5"),
        opened_on=dt.date(2025, 1, 1),
        planned_sessions=20,
        **kwargs,
    )
    course.families.set(families)
    return course


def group_session(
    world: Any, course: SupervisionCourse, when: dt.datetime, families: list[Any]
) -> None:
    session = SupervisionSession.objects.create(
        course=course,
        starts_at=when,
        hours=Decimal("2.5"),
        location=SupervisionLocation.INSTITUTION,
        delivered_by=world.specialist_a,
    )
    session.attended.set(families)


def test_group_cadence_gaps_lists_families_below_the_minimum_with_their_count(world) -> None:
    course = group_course(world, [world.family_a, world.family_a_other])
    for month in (3, 6, 9):
        group_session(world, course, at(2026, month, 1), [world.family_a, world.family_a_other])
    group_session(world, course, at(2026, 9, 15), [world.family_a])
    CompetenceSettings.objects.create(municipality=world.a, group_sessions_per_year=4)
    gaps = group_cadence_gaps(world.a, today=TODAY)
    assert [(g.family.name, g.attended, g.required) for g in gaps] == [
        ("Familien Østergaard", 3, 4)
    ]


def test_group_cadence_gaps_default_minimum_is_three(world) -> None:
    course = group_course(world, [world.family_a, world.family_a_other])
    group_session(world, course, at(2026, 9, 1), [world.family_a])
    gaps = group_cadence_gaps(world.a, today=TODAY)
    assert [(g.family.name, g.attended, g.required) for g in gaps] == [
        ("Familien Østergaard", 0, 3),
        ("Familien Andersen", 1, 3),
    ]
    assert CompetenceSettings.objects.get(municipality=world.a).group_sessions_per_year == 3


def test_group_cadence_gaps_count_only_the_last_12_months(world) -> None:
    course = group_course(world, [world.family_a, world.family_a_other])
    for when in (at(2025, 10, 1), at(2025, 10, 2), at(2026, 5, 1), at(2026, 9, 30)):
        group_session(world, course, when, [world.family_a])
    group_session(world, course, at(2026, 1, 1), [world.family_a_other])
    counts = []
    for day in (at(2026, 10, 1, 12), at(2026, 10, 2, 12)):
        with time_machine.travel(day, tick=False):
            counts.append({g.family.name: g.attended for g in group_cadence_gaps(world.a)})
    # On 1 October 2026 the window starts on 2 October 2025; a day later 2 October drops out.
    assert counts == [
        {"Familien Østergaard": 1},
        {"Familien Andersen": 2, "Familien Østergaard": 1},
    ]


def test_group_cadence_gaps_count_sessions_of_closed_group_courses(world) -> None:
    old = group_course(
        world, [world.family_a], status=SupervisionStatus.CLOSED, goal_rating=3, closed_on=TODAY
    )
    for month in (2, 4, 6):
        group_session(world, old, at(2026, month, 1), [world.family_a])
    group_course(world, [world.family_a, world.family_a_other])
    assert [g.family.name for g in group_cadence_gaps(world.a, today=TODAY)] == [
        "Familien Østergaard"
    ]


def test_group_cadence_gaps_ignore_individual_sessions_and_closed_groups(world) -> None:
    individual = course_for(world, opened_on=dt.date(2026, 1, 1), planned_sessions=10)
    for month in (2, 4, 6):
        group_session(world, individual, at(2026, month, 1), [world.family_a])
    group_course(
        world,
        [world.family_a_other],
        status=SupervisionStatus.CLOSED,
        goal_rating=3,
        closed_on=TODAY,
    )
    group_course(world, [world.family_a])
    assert [(g.family.name, g.attended) for g in group_cadence_gaps(world.a, today=TODAY)] == [
        ("Familien Andersen", 0)
    ]


def test_group_cadence_gaps_of_other_municipality_are_separate(world) -> None:
    group_course(world, [world.family_a, world.family_a_other])
    assert group_cadence_gaps(world.b, today=TODAY) == []


# -- the pages ----------------------------------------------------------------------------------


def test_supervision_detail_shows_private_notes_to_the_institution_only(world, client) -> None:
    course = course_for(world, opened_on=TODAY)
    log_session(world, course)
    url = reverse("competence:supervision_detail", args=[course.uuid])
    seen = {}
    for persona in ("specialist_a", "consultant_a", "foster_parent_a"):
        client.force_login(getattr(world, persona))
        page = client.get(url).content.decode()
        seen[persona] = ("Faste rutiner aftalt" in page, "Mor virker presset" in page)
    assert seen == {
        "specialist_a": (True, True),
        "consultant_a": (True, False),
        "foster_parent_a": (True, False),
    }


def test_supervision_detail_read_is_audited(world, client) -> None:
    course = course_for(world)
    client.force_login(world.consultant_a)
    client.get(reverse("competence:supervision_detail", args=[course.uuid]))
    entry = AuditEntry.objects.get(action="competence.supervision.read")
    assert (entry.actor, entry.object_uuid, entry.municipality_id) == (
        world.consultant_a,
        course.uuid,
        world.a.pk,
    )


def test_supervision_detail_shows_the_consultant_to_the_specialist(world, client) -> None:
    course = course_for(world)
    client.force_login(world.specialist_a)
    response = client.get(reverse("competence:supervision_detail", args=[course.uuid]))
    assert [
        (v.family.name, v.consultant.username, v.visible)
        for v in response.context["detail"].families
    ] == [("Familien Andersen", "consultant_a", False)]


def test_create_page_opens_the_course_and_redirects_to_it(world, client) -> None:
    collaborate(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:supervision_create"),
        {
            "family": world.family_a.uuid,
            "institution": world.institution_a.pk,
            "supervisor": world.specialist_a.pk,
            "problem": "Skoleskift",
            "goal": "Tryg overgang",
            "planned_sessions": 3,
            "session_hours": "2.5",
            "location": "institution",
        },
    )
    course = SupervisionCourse.objects.get()
    assert (response.status_code, response["Location"], course.goal, course.planned_sessions) == (
        302,
        reverse("competence:supervision_detail", args=[course.uuid]),
        "Tryg overgang",
        3,
    )


def test_create_page_with_supervisor_of_other_institution_keeps_input_and_explains(
    world, client
) -> None:
    collaborate(world)
    other = factories.InstitutionFactory(municipality=world.a)
    collaborate(world, institution=other)
    factories.staff(Role.SPECIALIST, institution=other, username="specialist_other")
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:supervision_create"),
        {
            "family": world.family_a.uuid,
            "institution": other.pk,
            "supervisor": world.specialist_a.pk,
            "problem": "Skoleskift",
            "goal": "Tryg overgang",
            "planned_sessions": 3,
            "session_hours": "2.5",
            "location": "institution",
        },
    )
    assert (response.status_code, list(response.context["form"].errors)) == (200, ["supervisor"])
    assert "Tryg overgang" in response.content.decode()
    assert SupervisionCourse.objects.count() == 0


def test_create_page_preselects_the_family_from_the_query(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("competence:supervision_create") + f"?family={world.family_a_other.uuid}"
    )
    assert response.context["form"]["family"].value() == world.family_a_other.uuid


def test_log_session_page_logs_and_redirects(world, client) -> None:
    course = course_for(world, opened_on=TODAY)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:supervision_log_session", args=[course.uuid]),
        {
            "starts_at": "2026-10-01T09:00",
            "hours": "1.5",
            "location": "home",
            "delivered_by": world.specialist_a.pk,
            "attended": [world.family_a.uuid],
            "shared_notes": "Godt møde",
        },
    )
    session = course.sessions.get()
    assert (response.status_code, session.starts_at, list(session.attended.all())) == (
        302,
        at(2026, 10, 1, 9),
        [world.family_a],
    )


def test_log_session_page_with_future_time_keeps_input_and_explains(world, client) -> None:
    course = course_for(world, opened_on=TODAY)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:supervision_log_session", args=[course.uuid]),
        {
            "starts_at": "2026-10-05T09:00",
            "hours": "1.5",
            "location": "home",
            "delivered_by": world.specialist_a.pk,
            "shared_notes": "Skrevet for tidligt",
        },
    )
    assert (response.status_code, list(response.context["session_form"].errors)) == (
        200,
        ["starts_at"],
    )
    assert "Skrevet for tidligt" in response.content.decode()


def test_close_page_with_stale_version_shows_the_conflict_and_keeps_input(world, client) -> None:
    course = course_for(world)
    services.extend_course(
        actor=world.specialist_a, course=course, added_sessions=1, reason="Mere", expected_version=1
    )
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:supervision_close", args=[course.uuid]),
        {"version": 1, "goal_rating": 4, "closing_summary": "Mit resumé"},
    )
    form = response.context["close_form"]
    assert (response.status_code, form.conflict.current_version, form.data["version"]) == (
        200,
        2,
        "2",
    )
    assert "Mit resumé" in response.content.decode()


def test_post_endpoints_answer_403_to_the_consultant_and_404_to_other_municipality(
    world, client
) -> None:
    course = course_for(world)
    statuses = {}
    for persona in ("consultant_a", "consultant_b", "foster_parent_a"):
        client.force_login(getattr(world, persona))
        statuses[persona] = [
            client.post(reverse(f"competence:{name}", args=[course.uuid]), {}).status_code
            for name in (
                "supervision_log_session",
                "supervision_extend",
                "supervision_close",
                "referral_accept",
                "referral_decline",
            )
        ]
    assert statuses == {
        "consultant_a": [403] * 5,
        "consultant_b": [404] * 5,
        "foster_parent_a": [403] * 5,
    }


# -- the list page ------------------------------------------------------------------------------


def _listed(client: Any, user: Any, query: str = "") -> list[str]:
    client.force_login(user)
    response = client.get(reverse("competence:supervision_list") + query)
    return [
        ", ".join(f.name for f in row.course.families.all()) for row in response.context["rows"]
    ]


def test_supervision_list_for_specialist_shows_the_courses_they_supervise(world, client) -> None:
    course_for(world, goal="Roligere aftener")
    colleague = factories.staff(
        Role.SPECIALIST, institution=world.institution_a, username="colleague"
    )
    course_for(world, world.family_a_other, supervisor=colleague)
    assert (
        _listed(client, world.specialist_a),
        _listed(client, world.specialist_a, "?whose=institution"),
    ) == (["Familien Andersen"], ["Familien Østergaard", "Familien Andersen"])


def test_supervision_list_for_specialist_shows_each_goal(world, client) -> None:
    course_for(world, goal="Roligere aftener")
    client.force_login(world.specialist_a)
    assert "Roligere aftener" in client.get(reverse("competence:supervision_list")).content.decode()


def test_supervision_list_for_consultant_shows_the_municipality_courses(world, client) -> None:
    course_for(world)
    course_for(world, world.family_a_other)
    course_for(world, world.family_b, opened_by=world.consultant_b)
    assert (_listed(client, world.consultant_a), _listed(client, world.consultant_b)) == (
        ["Familien Østergaard", "Familien Andersen"],
        ["Familien Bæk"],
    )


def test_supervision_list_for_foster_parent_shows_own_courses_with_shared_notes(
    world, client
) -> None:
    course = course_for(world, opened_on=TODAY)
    log_session(world, course)
    course_for(world, world.family_a_other)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:supervision_list"))
    page = response.content.decode()
    assert (
        [r.course.uuid for r in response.context["rows"]],
        "Faste rutiner aftalt" in page,
        "Mor virker presset" in page,
        "Roligere aftener" in page,
    ) == ([course.uuid], True, False, True)


def test_supervision_list_shows_cadence_gaps_to_the_leader_only(world, client) -> None:
    group_course(world, [world.family_a, world.family_a_other])
    seen = {}
    for persona in ("leader_a", "consultant_a"):
        client.force_login(getattr(world, persona))
        response = client.get(reverse("competence:supervision_list"))
        seen[persona] = [g.family.name for g in response.context["cadence_gaps"]]
    assert seen == {
        "leader_a": ["Familien Andersen", "Familien Østergaard"],
        "consultant_a": [],
    }


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_courses(world: Any, count: int) -> None:
    for _ in range(count):
        family = factories.FamilyFactory(municipality=world.a)
        factories.assign(family, world.consultant_a)
        factories.ParentFactory(family=family)
        course = group_course(world, [family, world.family_a])
        group_session(world, course, at(2026, 9, 1), [family])
        log_session(world, course_for(world, opened_on=TODAY))


@pytest.mark.parametrize("persona", ["consultant_a", "leader_a", "specialist_a", "foster_parent_a"])
def test_supervision_list_query_count_does_not_grow_with_rows(world, client, persona) -> None:
    course = course_for(world, opened_on=TODAY)
    log_session(world, course)
    group_course(world, [world.family_a])
    CompetenceSettings.objects.create(municipality=world.a)  # else the first request creates it
    client.force_login(getattr(world, persona))
    url = reverse("competence:supervision_list")
    one = _queries(client, url)
    _add_courses(world, 3)
    assert _queries(client, url) == one


def test_course_page_for_the_institution_has_unique_element_ids(world, client) -> None:
    import re
    from collections import Counter

    from tests.competence.factories import course_for

    course = course_for(world)
    client.force_login(world.specialist_a)
    html = client.get(reverse("competence:supervision_detail", args=[course.uuid])).content.decode()
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]
    assert repeated == []
