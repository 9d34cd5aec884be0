"""The year calendar (årshjul) and the personal iCalendar feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.accounts.tokens import hash_token
from samspil.audit.models import AuditEntry
from samspil.competence.enums import EnrolmentStatus, SupervisionLocation
from samspil.competence.models import CalendarFeed, Enrolment, SupervisionSession
from samspil.competence.selectors import calendar as calendar_selectors
from samspil.competence.selectors.calendar import CalendarItem
from samspil.competence.services.calendar import create_calendar_feed, revoke_calendar_feed
from tests import factories
from tests.competence.factories import SessionFactory, at, course_for, offering_for

SUMMER_2027 = at(2027, 6, 1, 12)
ENGLISH = {"Accept-Language": "en"}


def _enrol(world, family, *, starts_at=None, status=EnrolmentStatus.ENROLLED, **offering):  # type: ignore[no-untyped-def]
    session = SessionFactory(
        offering=offering_for(world, **offering), starts_at=starts_at or at(2027, 3, 2, 19)
    )
    Enrolment.objects.create(session=session, family=family, status=status)
    return session


def _supervision(world, course, *, starts_at=None, attended=()):  # type: ignore[no-untyped-def]
    session = SupervisionSession.objects.create(
        course=course,
        starts_at=starts_at or at(2027, 4, 6, 9),
        hours=Decimal("1.5"),
        location=SupervisionLocation.HOME,
        delivered_by=world.specialist_a,
    )
    session.attended.set(attended)
    return session


def _titles(response) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [
        (month.first_day.strftime("%m"), item.title)
        for month in response.context["months"]
        for item in month.items
    ]


def _feed_lines(client, token: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("competence:calendar_feed", args=[token]), headers=ENGLISH)
    return response.content.decode().replace("\r\n ", "").split("\r\n")


# -- the page ------------------------------------------------------------------------------------


def test_family_calendar_shows_enrolled_and_waitlisted_sessions_by_month(world, client) -> None:
    _enrol(world, world.family_a, title="Tilknytning", starts_at=at(2027, 3, 2, 19))
    _enrol(
        world,
        world.family_a,
        title="Autisme",
        starts_at=at(2027, 9, 8, 19),
        status=EnrolmentStatus.WAITLISTED,
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027}, headers=ENGLISH)
    items = [item for month in response.context["months"] for item in month.items]
    assert _titles(response) == [("03", "Tilknytning"), ("09", "Autisme")]
    assert [item.status for item in items] == ["confirmed", "waitlisted"]
    assert '<span class="badge">On the waiting list</span>' in response.content.decode()


def test_family_calendar_omits_cancelled_enrolments(world, client) -> None:
    _enrol(world, world.family_a, title="Aflyst", status=EnrolmentStatus.CANCELLED)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == []


def test_family_calendar_marks_a_cancelled_session(world, client) -> None:
    session = _enrol(world, world.family_a, title="Tilknytning")
    session.cancelled = True
    session.save()
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert [i.status for m in response.context["months"] for i in m.items] == ["cancelled"]


def test_family_calendar_shows_supervision_of_its_own_courses_only(world, client) -> None:
    _supervision(world, course_for(world, title="Aftener"), starts_at=at(2027, 4, 6, 9))
    _supervision(
        world,
        course_for(world, family=world.family_a_other, title="Andens forløb"),
        starts_at=at(2027, 5, 6, 9),
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == [("04", "Aftener")]


def test_family_calendar_does_not_show_other_families_sessions(world, client) -> None:
    _enrol(world, world.family_a_other, title="Andres oplæg")
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == []


def test_staff_calendar_shows_sessions_of_offerings_they_are_responsible_for(world, client) -> None:
    _enrol(world, world.family_a, title="Mit oplæg")
    other = factories.staff(
        Role.SPECIALIST, institution=world.institution_a, username="other_specialist"
    )
    _enrol(world, world.family_a, title="Kollegas oplæg", responsible=other)
    client.force_login(world.specialist_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027}, headers=ENGLISH)
    items = [i for m in response.context["months"] for i in m.items]
    assert [(i.title, i.note) for i in items] == [("Mit oplæg", "1 of 2 places taken")]


def test_staff_calendar_shows_supervision_sessions_they_deliver(world, client) -> None:
    _supervision(world, course_for(world, title="Aftener"))
    client.force_login(world.specialist_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == [("04", "Aftener")]


def test_consultant_calendar_is_empty(world, client) -> None:
    _enrol(world, world.family_a, title="Tilknytning")
    _supervision(world, course_for(world, title="Aftener"))
    client.force_login(world.consultant_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == []


def test_calendar_groups_items_by_local_month(world, client) -> None:
    # 31 Dec 2026 23:30 UTC is 1 January 2027 in Copenhagen.
    _enrol(
        world,
        world.family_a,
        title="Nytår",
        starts_at=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == [("01", "Nytår")]
    assert len(response.context["months"]) == 12


@time_machine.travel(SUMMER_2027, tick=False)
def test_calendar_without_a_valid_year_shows_the_current_year(world, client) -> None:
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": "abc"})
    assert response.context["year"] == 2027


def test_calendar_shows_items_of_a_provider_added_by_another_app(
    world, client, monkeypatch
) -> None:
    def network_meetings(user, start, end):  # type: ignore[no-untyped-def]
        return [
            CalendarItem(
                uid="network-1@samspil",
                kind="network_meeting",
                kind_label="Netværksmøde",
                title="Netværksgruppe Nord",
                feed_title="Samspil: netværksmøde",
                starts_at=at(2027, 2, 1, 19),
                ends_at=at(2027, 2, 1, 21),
                url="/networks/1/",
            )
        ]

    monkeypatch.setattr(calendar_selectors, "_PROVIDERS", list(calendar_selectors._PROVIDERS))
    calendar_selectors.register_calendar_provider(network_meetings)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert _titles(response) == [("02", "Netværksgruppe Nord")]
    assert '<a href="/networks/1/">Netværksgruppe Nord</a>' in response.content.decode()


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_family_calendar_query_count_does_not_grow_with_items(world, client) -> None:
    client.force_login(world.foster_parent_a)
    url = reverse("competence:calendar") + "?year=2027"
    _enrol(world, world.family_a, starts_at=at(2027, 1, 5, 19))
    _supervision(world, course_for(world), attended=[world.family_a])
    one = _queries(client, url)
    for month in (2, 3, 4):
        _enrol(world, world.family_a, starts_at=at(2027, month, 5, 19))
        _supervision(
            world, course_for(world), starts_at=at(2027, month, 9, 9), attended=[world.family_a]
        )
    assert _queries(client, url) == one


def test_staff_calendar_query_count_does_not_grow_with_items(world, client) -> None:
    client.force_login(world.specialist_a)
    url = reverse("competence:calendar") + "?year=2027"
    _enrol(world, world.family_a, starts_at=at(2027, 1, 5, 19))
    _supervision(world, course_for(world))
    one = _queries(client, url)
    for month in (2, 3, 4):
        _enrol(world, world.family_a_other, starts_at=at(2027, month, 5, 19))
        _supervision(world, course_for(world), starts_at=at(2027, month, 9, 9))
    assert _queries(client, url) == one


# -- the feed ------------------------------------------------------------------------------------


def test_create_feed_shows_the_url_once_and_stores_only_the_hash(world, client) -> None:
    client.force_login(world.foster_parent_a)
    response = client.post(reverse("competence:calendar_feed_create"))
    url = response.context["new_feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.foster_parent_a)
    assert (feed.token_hash, url.startswith("http://testserver/calendar/feed/")) == (
        hash_token(token),
        True,
    )
    assert token in response.content.decode()
    assert token not in client.get(reverse("competence:calendar")).content.decode()


def test_create_feed_revokes_the_previous_feed(world) -> None:
    first, _token = create_calendar_feed(user=world.foster_parent_a)
    second, _token = create_calendar_feed(user=world.foster_parent_a)
    first.refresh_from_db()
    assert (first.revoked_at is not None, second.revoked_at) == (True, None)


def test_feed_create_and_revoke_are_audited(world) -> None:
    feed, _token = create_calendar_feed(user=world.foster_parent_a)
    revoke_calendar_feed(actor=world.foster_parent_a, feed=feed)
    assert list(
        AuditEntry.objects.filter(actor=world.foster_parent_a)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["competence.calendar_feed.create", "competence.calendar_feed.revoke"]


def test_revoke_feed_through_the_page_makes_the_url_answer_404(world, client) -> None:
    feed, token = create_calendar_feed(user=world.foster_parent_a)
    client.force_login(world.foster_parent_a)
    client.post(reverse("competence:calendar_feed_revoke", args=[feed.pk]))
    client.logout()
    response = client.get(reverse("competence:calendar_feed", args=[token]))
    assert response.status_code == 404


def test_revoke_someone_elses_feed_answers_404_and_keeps_it(world, client) -> None:
    feed, _token = create_calendar_feed(user=world.foster_parent_a)
    client.force_login(world.specialist_a)
    response = client.post(reverse("competence:calendar_feed_revoke", args=[feed.pk]))
    feed.refresh_from_db()
    assert (response.status_code, feed.revoked_at) == (404, None)


@time_machine.travel(SUMMER_2027, tick=False)
def test_feed_answers_icalendar_without_a_login(world, client) -> None:
    _enrol(world, world.family_a, title="Tilknytning", starts_at=at(2027, 3, 2, 19))
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    response = client.get(reverse("competence:calendar_feed", args=[token]))
    assert (response.status_code, response["Content-Type"]) == (
        200,
        "text/calendar; charset=utf-8",
    )
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert [line for line in _feed_lines(client, token) if line.startswith("DT")] == [
        "DTSTAMP:20270601T100000Z",
        "DTSTART:20270302T180000Z",
        "DTEND:20270302T200000Z",
    ]


@time_machine.travel(SUMMER_2027, tick=False)
def test_feed_for_a_foster_parent_uses_neutral_titles(world, client) -> None:
    _enrol(world, world.family_a, title="Misbrug i familien", starts_at=at(2027, 3, 2, 19))
    _supervision(world, course_for(world, title="Familien Andersens forløb"))
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    summaries = [line for line in _feed_lines(client, token) if line.startswith("SUMMARY")]
    assert summaries == ["SUMMARY:Samspil: course or talk", "SUMMARY:Samspil: supervision"]


@time_machine.travel(SUMMER_2027, tick=False)
def test_feed_for_a_specialist_never_names_a_family(world, client) -> None:
    _supervision(world, course_for(world, title="Familien Andersen"))
    _feed, token = create_calendar_feed(user=world.specialist_a)
    summaries = [line for line in _feed_lines(client, token) if line.startswith("SUMMARY")]
    assert summaries == ["SUMMARY:Individual supervision course"]


@time_machine.travel(SUMMER_2027, tick=False)
def test_feed_marks_waitlisted_sessions_tentative(world, client) -> None:
    _enrol(world, world.family_a, status=EnrolmentStatus.WAITLISTED)
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    assert "STATUS:TENTATIVE" in _feed_lines(client, token)


@time_machine.travel(SUMMER_2027, tick=False)
def test_feed_covers_the_past_and_the_next_12_months(world, client) -> None:
    for when in (
        at(2026, 5, 20, 19),
        at(2026, 6, 10, 19),
        at(2028, 5, 20, 19),
        at(2028, 6, 10, 19),
    ):
        _enrol(world, world.family_a, starts_at=when)
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    starts = [line for line in _feed_lines(client, token) if line.startswith("DTSTART")]
    assert starts == ["DTSTART:20260610T170000Z", "DTSTART:20280520T170000Z"]


@pytest.mark.parametrize("token", ["x" * 43, "kort", "a%2Fb"])
def test_feed_with_an_unknown_token_answers_404(world, client, token: str) -> None:
    create_calendar_feed(user=world.foster_parent_a)
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 404


def test_feed_of_a_deactivated_user_answers_404(world, client) -> None:
    _feed, token = create_calendar_feed(user=world.foster_parent_a)
    world.foster_parent_a.is_active = False
    world.foster_parent_a.save()
    response = client.get(reverse("competence:calendar_feed", args=[token]))
    assert response.status_code == 404
