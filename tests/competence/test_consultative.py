"""Consultative courses (konsulterende forløb, the København variant): the consultant refers a
family to one of the municipality's selected institutions, which accepts (and so gets access
to the family) or declines with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.competence.enums import SupervisionKind, SupervisionLocation, SupervisionStatus
from samspil.competence.models import CompetenceSettings, SupervisionCourse, Theme
from samspil.competence.services import supervision as services
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement
from tests import factories
from tests.competence.factories import at

TODAY = dt.date(2026, 10, 1)
PROBLEM = "Ny adfærd: stjæler fra klassekammerater"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(at(2026, 10, 1, 12), tick=False):
        yield


def select_for_consultative(world: Any, institution: Any = None) -> None:
    settings, _ = CompetenceSettings.objects.get_or_create(municipality=world.a)
    settings.consultative_institutions.add(institution or world.institution_a)


def refer(world: Any, **values: Any) -> SupervisionCourse:
    return services.refer_consultative_course(
        actor=world.consultant_a,
        family=world.family_a,
        institution=world.institution_a,
        values={
            "theme": Theme.objects.get(name="Kriminalitet"),
            "problem": PROBLEM,
            "planned_sessions": 4,
            "consultant_takes_part": False,
            **values,
        },
    )


def accept(world: Any, course: SupervisionCourse, **kwargs: Any) -> SupervisionCourse:
    return services.accept_referral(
        actor=world.specialist_a,
        course=course,
        supervisor=world.specialist_a,
        expected_version=course.version,
        **kwargs,
    )


def page(client: Any, user: Any, url: str) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


# -- referring ----------------------------------------------------------------------------------


def test_refer_creates_a_referred_course_of_two_hour_conversations_in_the_home(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    assert (
        course.kind,
        course.status,
        course.location,
        course.session_hours,
        course.planned_sessions,
        course.supervisor,
        course.opened_on,
        list(course.families.all()),
    ) == (
        SupervisionKind.CONSULTATIVE,
        SupervisionStatus.REFERRED,
        SupervisionLocation.HOME,
        Decimal("2"),
        4,
        None,
        None,
        [world.family_a],
    )


def test_refer_gives_the_institution_no_access_to_the_family(world, client) -> None:
    select_for_consultative(world)
    refer(world)
    assert (
        Engagement.objects.count(),
        page(client, world.specialist_a, reverse("families:detail", args=[world.family_a.uuid]))[0],
    ) == (0, 404)


def test_refer_is_audited(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    entry = AuditEntry.objects.get(action="competence.supervision.refer")
    assert (entry.object_uuid, entry.actor, entry.municipality_id) == (
        course.uuid,
        world.consultant_a,
        world.a.pk,
    )


def test_refer_to_an_institution_not_selected_by_the_municipality_is_refused(world) -> None:
    with pytest.raises(ValidationError) as error:
        refer(world)
    assert list(error.value.message_dict) == ["institution"]


@pytest.mark.parametrize("planned", [3, 7])
def test_refer_outside_four_to_six_conversations_is_refused(world, planned: int) -> None:
    select_for_consultative(world)
    with pytest.raises(ValidationError) as error:
        refer(world, planned_sessions=planned)
    assert list(error.value.message_dict) == ["planned_sessions"]


def test_refer_without_theme_and_problem_is_refused(world) -> None:
    select_for_consultative(world)
    with pytest.raises(ValidationError) as error:
        refer(world, theme=None, problem="")
    assert sorted(error.value.message_dict) == ["problem", "theme"]


def test_refer_with_a_theme_not_meant_for_consultative_courses_is_allowed(world) -> None:
    select_for_consultative(world)
    course = refer(world, theme=Theme.objects.get(name="Tilknytningsteori"))
    assert course.theme.name == "Tilknytningsteori"


def test_refer_by_specialist_is_denied(world) -> None:
    select_for_consultative(world)
    factories.engage(world.family_a, world.institution_a)
    with pytest.raises(PermissionDeniedError):
        services.refer_consultative_course(
            actor=world.specialist_a,
            family=world.family_a,
            institution=world.institution_a,
            values={"theme": Theme.objects.get(name="Misbrug"), "problem": PROBLEM},
        )


def test_referral_page_refers_and_redirects_to_the_course(world, client) -> None:
    select_for_consultative(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:referral_create"),
        {
            "family": world.family_a.uuid,
            "institution": world.institution_a.pk,
            "theme": Theme.objects.get(name="Misbrug").pk,
            "problem": PROBLEM,
            "planned_sessions": 5,
            "session_hours": "2",
        },
    )
    course = SupervisionCourse.objects.get()
    assert (response.status_code, response["Location"], course.planned_sessions) == (
        302,
        reverse("competence:supervision_detail", args=[course.uuid]),
        5,
    )


def test_referral_page_offers_only_the_selected_institutions_and_consultative_themes_first(
    world, client
) -> None:
    select_for_consultative(world)
    factories.InstitutionFactory(municipality=world.a, name="Ikke valgt")
    client.force_login(world.consultant_a)
    form = client.get(reverse("competence:referral_create")).context["form"]
    themes = list(form.fields["theme"].queryset)
    assert (
        [i.name for i in form.fields["institution"].queryset],
        [t.for_consultative_courses for t in themes[:4]],
        themes[4].for_consultative_courses,
    ) == (["Lindehuset"], [True] * 4, False)


def test_referral_page_with_seven_conversations_keeps_input_and_explains(world, client) -> None:
    select_for_consultative(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:referral_create"),
        {
            "family": world.family_a.uuid,
            "institution": world.institution_a.pk,
            "theme": Theme.objects.get(name="Misbrug").pk,
            "problem": PROBLEM,
            "planned_sessions": 7,
            "session_hours": "2",
        },
    )
    assert (response.status_code, list(response.context["form"].errors)) == (
        200,
        ["planned_sessions"],
    )
    assert PROBLEM in response.content.decode()


# -- what the institution sees before it accepts ------------------------------------------------


def test_referral_inbox_shows_the_referral_to_the_institution(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    client.force_login(world.specialist_a)
    response = client.get(reverse("competence:referral_inbox"))
    assert [c.uuid for c in response.context["referrals"]] == [course.uuid]


def test_referral_inbox_shows_only_name_municipality_theme_and_problem(world, client) -> None:
    select_for_consultative(world)
    refer(world)
    status, html = page(client, world.specialist_a, reverse("competence:referral_inbox"))
    shown = {
        text: text in html for text in ("Familien Andersen", "København", "Kriminalitet", PROBLEM)
    }
    hidden = {text: text in html for text in ("Skovvej 1", "Alma", world.family_a.uuid.hex)}
    assert (status, shown, hidden) == (
        200,
        dict.fromkeys(shown, True),
        dict.fromkeys(hidden, False),
    )


def test_referral_page_for_the_institution_shows_only_the_referral(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    status, html = page(
        client,
        world.specialist_a,
        reverse("competence:supervision_detail", args=[course.uuid]),
    )
    assert (status, PROBLEM in html, "Skovvej 1" in html, str(world.family_a.uuid) in html) == (
        200,
        True,
        False,
        False,
    )


def test_referral_inbox_of_another_institution_is_empty(world, client) -> None:
    select_for_consultative(world)
    refer(world)
    other = factories.InstitutionFactory(municipality=world.a)
    outsider = factories.staff(Role.SPECIALIST, institution=other, username="outsider")
    client.force_login(outsider)
    assert client.get(reverse("competence:referral_inbox")).context["referrals"] == []


def test_referral_inbox_for_consultant_answers_404(world, client) -> None:
    assert page(client, world.consultant_a, reverse("competence:referral_inbox"))[0] == 404


def test_open_referrals_show_on_the_consultants_list(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    client.force_login(world.consultant_a2)
    response = client.get(reverse("competence:supervision_list"))
    assert [c.uuid for c in response.context["open_referrals"]] == [course.uuid]


# -- accepting ----------------------------------------------------------------------------------


def test_accept_referral_opens_the_course_with_the_supervisor_today(world) -> None:
    select_for_consultative(world)
    course = accept(world, refer(world), goal="Stop for tyverierne")
    course.refresh_from_db()
    assert (course.status, course.supervisor, course.opened_on, course.goal, course.version) == (
        SupervisionStatus.OPEN,
        world.specialist_a,
        TODAY,
        "Stop for tyverierne",
        2,
    )


def test_accept_referral_records_a_referral_engagement(world, client) -> None:
    select_for_consultative(world)
    course = accept(world, refer(world))
    engagement = Engagement.objects.get(source=f"competence.supervision:{course.uuid}")
    assert (
        engagement.kind,
        engagement.institution,
        engagement.starts_on,
        page(client, world.specialist_a, reverse("families:detail", args=[world.family_a.uuid]))[0],
    ) == (EngagementKind.REFERRAL, world.institution_a, TODAY, 200)


def test_accept_referral_is_audited(world) -> None:
    select_for_consultative(world)
    course = accept(world, refer(world))
    entry = AuditEntry.objects.get(action="competence.supervision.accept")
    assert (entry.actor, entry.object_uuid, entry.changes["status"], entry.data["version"]) == (
        world.specialist_a,
        course.uuid,
        {"before": "referred", "after": "open"},
        2,
    )


def test_accept_referral_emails_the_fixed_consultant(
    world, django_capture_on_commit_callbacks
) -> None:
    select_for_consultative(world)
    course = refer(world)
    with django_capture_on_commit_callbacks(execute=True):
        accept(world, course)
    assert [m.to for m in mail.outbox] == [[world.consultant_a.email]]
    assert PROBLEM in mail.outbox[0].body


def test_accept_referral_with_supervisor_of_other_institution_is_refused(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    other = factories.InstitutionFactory(municipality=world.a)
    outsider = factories.staff(Role.SPECIALIST, institution=other, username="outsider")
    with pytest.raises(ValidationError) as error:
        services.accept_referral(
            actor=world.specialist_a, course=course, supervisor=outsider, expected_version=1
        )
    course.refresh_from_db()
    assert (list(error.value.message_dict), course.status, course.version) == (
        ["supervisor"],
        SupervisionStatus.REFERRED,
        1,
    )


def test_accept_referral_by_the_consultant_is_denied(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    with pytest.raises(PermissionDeniedError):
        services.accept_referral(
            actor=world.consultant_a,
            course=course,
            supervisor=world.specialist_a,
            expected_version=1,
        )


def test_accept_referral_answered_meanwhile_raises_conflict(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    stale = SupervisionCourse.objects.get(pk=course.pk)
    accept(world, course)
    with pytest.raises(ConcurrentEditError) as error:
        services.accept_referral(
            actor=world.specialist_a,
            course=stale,
            supervisor=world.specialist_a,
            expected_version=1,
        )
    assert error.value.current_version == 2


def test_accept_page_opens_the_course_and_redirects(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:referral_accept", args=[course.uuid]),
        {"version": 1, "supervisor": world.specialist_a.pk, "goal": ""},
    )
    course.refresh_from_db()
    assert (response.status_code, course.status) == (302, SupervisionStatus.OPEN)


# -- declining ----------------------------------------------------------------------------------


def test_decline_referral_records_the_reason(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    services.decline_referral(
        actor=world.specialist_a, course=course, reason="Ingen ledig kapacitet", expected_version=1
    )
    course.refresh_from_db()
    assert (course.status, course.decline_reason, Engagement.objects.count()) == (
        SupervisionStatus.DECLINED,
        "Ingen ledig kapacitet",
        0,
    )


def test_decline_referral_without_reason_is_refused(world) -> None:
    select_for_consultative(world)
    course = refer(world)
    with pytest.raises(ValidationError) as error:
        services.decline_referral(
            actor=world.specialist_a, course=course, reason=" ", expected_version=1
        )
    course.refresh_from_db()
    assert (list(error.value.message_dict), course.status) == (
        ["decline_reason"],
        SupervisionStatus.REFERRED,
    )


def test_decline_referral_emails_the_referring_consultant_and_is_audited(
    world, django_capture_on_commit_callbacks
) -> None:
    select_for_consultative(world)
    course = refer(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_referral(
            actor=world.specialist_a, course=course, reason="Ingen kapacitet", expected_version=1
        )
    assert (
        [m.to for m in mail.outbox],
        "Ingen kapacitet" in mail.outbox[0].body,
        AuditEntry.objects.filter(action="competence.supervision.decline").count(),
    ) == ([[world.consultant_a.email]], True, 1)


def test_decline_an_accepted_referral_is_refused(world) -> None:
    select_for_consultative(world)
    course = accept(world, refer(world))
    with pytest.raises(ValidationError):
        services.decline_referral(
            actor=world.specialist_a, course=course, reason="For sent", expected_version=2
        )
    course.refresh_from_db()
    assert course.status == SupervisionStatus.OPEN


def test_decline_page_without_reason_keeps_the_page_and_explains(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:referral_decline", args=[course.uuid]), {"version": 1}
    )
    assert (response.status_code, list(response.context["decline_form"].errors)) == (
        200,
        ["decline_reason"],
    )


def test_declined_referral_shows_the_reason_to_the_consultant(world, client) -> None:
    select_for_consultative(world)
    course = refer(world)
    services.decline_referral(
        actor=world.specialist_a, course=course, reason="Ingen kapacitet", expected_version=1
    )
    status, html = page(
        client, world.consultant_a, reverse("competence:supervision_detail", args=[course.uuid])
    )
    refer_again = f"{reverse('competence:referral_create')}?family={world.family_a.uuid}"
    assert (status, "Ingen kapacitet" in html, refer_again in html) == (200, True, True)


# -- the course's life after accepting ----------------------------------------------------------


def test_extend_consultative_course_beyond_six_conversations_is_refused(world) -> None:
    select_for_consultative(world)
    course = accept(world, refer(world, planned_sessions=5))
    with pytest.raises(ValidationError) as error:
        services.extend_course(
            actor=world.specialist_a,
            course=course,
            added_sessions=2,
            reason="Mere tid",
            expected_version=course.version,
        )
    assert list(error.value.message_dict) == ["added_sessions"]


def test_closed_consultative_course_access_ends_after_the_grace_period(world, client) -> None:
    select_for_consultative(world)
    world.a.engagement_grace_days = 10
    world.a.save()
    course = accept(world, refer(world))
    services.close_course(
        actor=world.specialist_a,
        course=course,
        goal_rating=4,
        closing_summary="Tyverierne er stoppet",
        expected_version=course.version,
    )
    family_url = reverse("families:detail", args=[world.family_a.uuid])
    statuses = []
    for day in (11, 12):  # closed 1 October, 10 days' grace
        with time_machine.travel(at(2026, 10, day, 12), tick=False):
            statuses.append(page(client, world.specialist_a, family_url)[0])
    assert statuses == [200, 404]
