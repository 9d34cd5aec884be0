"""The project lead's overview: evaluation aggregates, mandatory programme, cadence."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from samspil.accounts.enums import Role
from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    OfferingKind,
    SupervisionKind,
    SupervisionLocation,
    SupervisionStatus,
)
from samspil.competence.models import (
    CompetenceSettings,
    Enrolment,
    Evaluation,
    SupervisionSession,
)
from samspil.competence.selectors import reports
from samspil.competence.services.evaluation import submit_evaluation
from samspil.measures.models import Score
from tests import factories
from tests.competence.factories import SessionFactory, at, course_for, in_catalogue, offering_for

NOW = at(2027, 6, 1, 12)


def _evaluate(world, family, offering=None, course=None, ratings=(4, 4, 4), comment=""):  # type: ignore[no-untyped-def]
    """An evaluation with only its report columns (what the aggregates read); the answers in the
    instrument engine are tested with `_submit` and in test_evaluations.py."""
    return Evaluation.objects.create(
        family=family,
        offering=offering,
        course=course,
        delivery=ratings[0],
        usefulness=ratings[1],
        behaviour_change=ratings[2],
        comment=comment,
    )


def _submit(world, family, offering, ratings, comment=""):  # type: ignore[no-untyped-def]
    """An evaluation given as a family gives it: attended, then answered through the service
    (a `measures.Response` with its scores; the columns copied from them)."""
    parent = factories.UserFactory()
    factories.ParentFactory(family=family, user=parent)
    _attend(world, family, offering)
    answers = dict(zip(("delivery", "usefulness", "behaviour_change"), ratings, strict=True))
    return submit_evaluation(
        actor=parent, family=family, offering=offering, answers={**answers, "comment": comment}
    )


def _families(world, count: int, **kwargs):  # type: ignore[no-untyped-def]
    families = []
    for _ in range(count):
        family = factories.FamilyFactory(municipality=world.a, **kwargs)
        factories.assign(family, world.consultant_a)
        families.append(family)
    return families


def _attend(world, family, offering) -> None:  # type: ignore[no-untyped-def]
    Enrolment.objects.create(
        session=SessionFactory(offering=offering),
        family=family,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    )


def _group_course(world, families, **kwargs):  # type: ignore[no-untyped-def]
    course = course_for(world, kind=SupervisionKind.GROUP, title="Gruppe Nord", **kwargs)
    course.families.set(families)
    return course


def _group_session(world, course, when, attended) -> None:  # type: ignore[no-untyped-def]
    session = SupervisionSession.objects.create(
        course=course,
        starts_at=when,
        hours=Decimal("2.5"),
        location=SupervisionLocation.INSTITUTION,
        delivered_by=world.specialist_a,
    )
    session.attended.set(attended)


# -- evaluation aggregates ------------------------------------------------------------------------


def test_evaluation_summary_gives_average_and_distribution_per_offering(world) -> None:
    offering = offering_for(world, title="Tilknytning")
    for family, ratings in zip(
        [world.family_a, world.family_a_other, *_families(world, 1)],
        [(5, 4, 2), (4, 4, 3), (5, 2, 3)],
        strict=True,
    ):
        _evaluate(world, family, offering, ratings=ratings)
    [group] = reports.evaluation_summary(world.leader_a, world.a).by_offering
    assert (group.label, group.answers) == ("Tilknytning", 3)
    assert [(r.average, r.distribution) for r in group.ratings] == [
        (Decimal("4.7"), (0, 0, 0, 1, 2)),
        (Decimal("3.3"), (0, 1, 0, 2, 0)),
        (Decimal("2.7"), (0, 1, 2, 0, 0)),
    ]


def test_evaluation_summary_of_submitted_evaluations_matches_their_scores(world) -> None:
    offering = offering_for(world, title="Tilknytning")
    for family, ratings, comment in zip(
        [world.family_a, world.family_a_other, *_families(world, 1)],
        [(5, 4, 2), (4, 4, 3), (5, 2, 3)],
        ["Godt", "", "Fint"],
        strict=True,
    ):
        _submit(world, family, offering, ratings, comment)
    [group] = reports.evaluation_summary(world.leader_a, world.a).by_offering
    assert [(r.average, r.distribution) for r in group.ratings] == [
        (Decimal("4.7"), (0, 0, 0, 1, 2)),
        (Decimal("3.3"), (0, 1, 0, 2, 0)),
        (Decimal("2.7"), (0, 1, 2, 0, 0)),
    ]
    assert group.comments == ("Fint", "Godt")
    from_scores = [
        (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        for values in (
            list(Score.objects.filter(scale=scale).values_list("value", flat=True))
            for scale in ("delivery", "usefulness", "behaviour_change")
        )
    ]
    assert from_scores == [r.average for r in group.ratings]


def test_evaluation_summary_groups_per_specialist_institution_and_form(world) -> None:
    talk = offering_for(world, title="Oplæg", kind=OfferingKind.TALK)
    _evaluate(world, world.family_a, offering=talk)
    course = course_for(
        world, status=SupervisionStatus.CLOSED, closed_on=dt.date(2027, 1, 1), goal_rating=4
    )
    _evaluate(world, world.family_a, course=course, ratings=(2, 2, 2))
    with translation.override("en"):
        summary = reports.evaluation_summary(world.leader_a, world.a)
    specialist = str(world.specialist_a)
    assert [(g.label, g.answers) for g in summary.by_specialist] == [(specialist, 2)]
    assert [(g.label, g.answers) for g in summary.by_institution] == [("Lindehuset", 2)]
    assert [(g.label, g.answers, g.ratings[0].average) for g in summary.by_form] == [
        ("Individual supervision course", 1, Decimal("2.0")),
        ("Talk (1–2 hours)", 1, Decimal("4.0")),
    ]


def test_evaluation_summary_counts_only_the_municipalitys_families(world) -> None:
    offering = offering_for(world)
    _evaluate(world, world.family_a, offering)
    _evaluate(world, world.family_b, offering)
    assert reports.evaluation_summary(world.leader_a, world.a).answers == 1


def test_evaluation_comments_are_hidden_below_three_answers(world) -> None:
    offering = offering_for(world)
    _evaluate(world, world.family_a, offering, comment="Fint")
    _evaluate(world, world.family_a_other, offering, comment="Godt")
    [group] = reports.evaluation_summary(world.leader_a, world.a).by_offering
    assert (group.comments, group.comments_suppressed) == ((), True)


def test_evaluation_comments_are_shown_from_three_answers_sorted(world) -> None:
    offering = offering_for(world)
    third = _families(world, 1)[0]
    _evaluate(world, world.family_a, offering, comment="Godt")
    _evaluate(world, world.family_a_other, offering, comment="")
    _evaluate(world, third, offering, comment="Fint")
    [group] = reports.evaluation_summary(world.leader_a, world.a).by_offering
    assert (group.comments, group.comments_suppressed) == (("Fint", "Godt"), False)


def test_reports_page_never_names_a_family_next_to_the_evaluations(world, client) -> None:
    offering = offering_for(world, title="Tilknytning")
    for family in [world.family_a, world.family_a_other, *_families(world, 1, name="Familien Z")]:
        _evaluate(world, family, offering, comment="Konkret og brugbart")
    client.force_login(world.leader_a)
    body = client.get(reverse("competence:reports")).content.decode()
    evaluations = body.split('id="evaluations"')[1].split('id="mandatory"')[0]
    assert "Konkret og brugbart" in evaluations
    assert [name for name in ("Andersen", "Østergaard", "Familien Z") if name in evaluations] == []


def test_reports_page_says_that_small_groups_hide_comments(world, client) -> None:
    client.force_login(world.leader_a)
    body = client.get(reverse("competence:reports"), headers={"Accept-Language": "en"})
    assert (
        "Comments are shown only for groups with at least 3 answers (small-cell suppression)"
        in body.content.decode()
    )


# -- mandatory programme --------------------------------------------------------------------------


def test_mandatory_gaps_list_families_in_the_model_who_have_not_attended(world) -> None:
    since = dt.date(2026, 1, 1)
    for family in (world.family_a, world.family_a_other):
        family.in_model_since = since
        family.save()
    ended = _families(world, 1, in_model_since=since, in_model_until=dt.date(2026, 6, 1))[0]
    _families(world, 1)  # never in the model
    mandatory = offering_for(world, title="Grundkursus")
    in_catalogue(mandatory, world.a, mandatory=True)
    in_catalogue(offering_for(world, title="Frivilligt"), world.a)
    in_catalogue(offering_for(world, title="Vejles"), world.b, mandatory=True)
    _attend(world, world.family_a, mandatory)
    gaps = reports.mandatory_gaps(world.leader_a, world.a)
    assert [(g.offering_title, [f.name for f in g.families]) for g in gaps] == [
        ("Grundkursus", ["Familien Østergaard"])
    ]
    assert ended.name not in [f.name for g in gaps for f in g.families]


def test_mandatory_gaps_do_not_count_a_no_show(world) -> None:
    world.family_a.in_model_since = dt.date(2026, 1, 1)
    world.family_a.save()
    mandatory = offering_for(world, title="Grundkursus")
    in_catalogue(mandatory, world.a, mandatory=True)
    Enrolment.objects.create(
        session=SessionFactory(offering=mandatory),
        family=world.family_a,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.NO_SHOW,
    )
    [gap] = reports.mandatory_gaps(world.leader_a, world.a)
    assert [f.name for f in gap.families] == ["Familien Andersen"]


# -- group-supervision cadence -------------------------------------------------------------------


def test_cadence_gaps_list_families_below_the_default_target(world) -> None:
    course = _group_course(world, [world.family_a, world.family_a_other])
    for when in (at(2026, 9, 1), at(2026, 12, 1), at(2027, 3, 1)):
        _group_session(world, course, when, [world.family_a])
    _group_session(world, course, at(2026, 5, 1), [world.family_a_other])  # over a year ago
    _group_session(world, course, at(2027, 3, 1), [world.family_a_other])
    report = reports.cadence_gaps(world.leader_a, world.a, now=NOW)
    assert (report.target, report.since) == (3, dt.date(2026, 6, 1))
    assert [(g.family.name, g.courses, g.attended) for g in report.gaps] == [
        ("Familien Østergaard", ("Gruppe Nord",), 1)
    ]


def test_cadence_gaps_use_the_municipalitys_own_target(world) -> None:
    CompetenceSettings.objects.create(municipality=world.a, group_sessions_per_year=1)
    course = _group_course(world, [world.family_a, world.family_a_other])
    _group_session(world, course, at(2027, 3, 1), [world.family_a])
    report = reports.cadence_gaps(world.leader_a, world.a, now=NOW)
    assert [g.family.name for g in report.gaps] == ["Familien Østergaard"]


def test_cadence_gaps_create_the_settings_with_the_default(world) -> None:
    reports.cadence_gaps(world.leader_a, world.a, now=NOW)
    assert CompetenceSettings.objects.get(municipality=world.a).group_sessions_per_year == 3


def test_cadence_gaps_ignore_closed_and_individual_courses(world) -> None:
    _group_course(
        world,
        [world.family_a],
        status=SupervisionStatus.CLOSED,
        closed_on=dt.date(2027, 1, 1),
        goal_rating=3,
    )
    course_for(world, family=world.family_a_other)
    assert reports.cadence_gaps(world.leader_a, world.a, now=NOW).gaps == ()


# -- the page -----------------------------------------------------------------------------------


def test_reports_page_for_a_municipality_the_leader_does_not_lead_answers_404(
    world, client
) -> None:
    client.force_login(world.leader_a)
    response = client.get(reverse("competence:reports"), {"municipality": world.b.code})
    assert response.status_code == 404


def test_reports_page_lets_a_leader_of_two_municipalities_choose(world, client) -> None:
    leader = factories.staff(Role.LEADER, municipality=world.a, username="leader_ab")
    leader.memberships.create(role=Role.LEADER, municipality=world.b)
    client.force_login(leader)
    response = client.get(reverse("competence:reports"), {"municipality": world.b.code})
    assert (response.context["municipality"], len(response.context["municipalities"])) == (
        world.b,
        2,
    )


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_report_rows(world, families) -> None:  # type: ignore[no-untyped-def]
    """Per family: in the model, an evaluation of a new offering, a mandatory item missed, a
    group course with too few sessions."""
    for family in families:
        family.in_model_since = dt.date(2026, 1, 1)
        family.save()
        offering = offering_for(world)
        in_catalogue(offering, world.a, mandatory=True)
        _evaluate(world, family, offering, comment="Godt")
        _group_session(world, _group_course(world, [family]), at(2027, 3, 1), [family])


@time_machine.travel(NOW, tick=False)
def test_reports_page_query_count_does_not_grow_with_rows(world, client) -> None:
    client.force_login(world.leader_a)
    url = reverse("competence:reports")
    _add_report_rows(world, [world.family_a])
    _queries(client, url)  # the first visit creates the municipality's settings
    one = _queries(client, url)
    _add_report_rows(world, _families(world, 3))
    assert _queries(client, url) == one
