"""Competence development end to end in Chromium (issue 3): a family enrols in a full session
and waits, gets the place another family gives up (and an e-mail), the institution registers
attendance; a supervision course from opening to closing with shared and private notes; axe-core
on the competence pages; and the catalogue and a course page at phone width.

The competence pages are being translated into Danish while these tests are written, so
elements are found by id, name, form action or role, and texts by patterns that accept the
English copy or the likely Danish one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from samspil.accounts.models import User
from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    SupervisionLocation,
    SupervisionStatus,
)
from samspil.competence.models import (
    Enrolment,
    Evaluation,
    Session,
    SupervisionCourse,
    SupervisionSession,
    Theme,
)
from samspil.families.models import FosterFamily
from samspil.organisations.models import Collaboration
from tests import factories
from tests.browser.conftest import (
    BROWSER_MARKS,
    DESKTOP,
    PASSWORD,
    PHONE,
    assert_accessible,
    text_pattern,
)
from tests.competence import factories as competence

pytestmark = BROWSER_MARKS

# The live server's tests empty the database afterwards, the themes of the data migration too.
_load_themes = import_module("samspil.competence.migrations.0002_load_themes").load

# Having a place: the text speaks of a place (plads) and not of the waiting list, because "You
# are on the waiting list. We e-mail you if a place becomes free." speaks of a place too.
PLACE = re.compile(r"\bplace\b|\bplads", re.IGNORECASE)
WAITING_LIST = re.compile(r"waiting list|venteliste", re.IGNORECASE)
SAVE = text_pattern("Gem", "Save")
CLOSED = text_pattern("Closed", "Afsluttet", "Lukket")

Browse = Callable[..., Page]


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _themes(transactional_db: None) -> None:
    """The themes of migration competence.0002, which the offering factory needs."""
    if not Theme.objects.exists():
        _load_themes(django_apps, None)


@pytest.fixture
def browse(browser: Browser, live_server: Any) -> Iterator[Browse]:
    """`browse(user)` → a page in a browser of its own (one per person), logged in with the
    session-cookie shortcut; `browse()` → not logged in. Danish, Copenhagen, desktop width."""
    contexts: list[BrowserContext] = []

    def _browse(user: User | None = None, viewport: dict[str, int] = DESKTOP) -> Page:
        context = browser.new_context(
            locale="da-DK", viewport=viewport, timezone_id="Europe/Copenhagen"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        return context.new_page()

    yield _browse
    for context in contexts:
        context.close()


def log_in_with_form(page: Page, url: Callable[[str], str], username: str) -> None:
    """The real login form; foster parents have no second step."""
    page.goto(url("/accounts/login/"))
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))


def status_message(page: Page) -> Locator:
    return page.locator("main .messages[role=status]")


def own_section(page: Page) -> Locator:
    """The session page's "Your family" section (foster parents only)."""
    return page.locator("section[aria-labelledby=own]")


def expect_has_place(area: Locator) -> None:
    expect(area).to_contain_text(PLACE)
    expect(area).not_to_contain_text(WAITING_LIST)


def submit(page: Page, action: str) -> None:
    """Press the submit button of the form posting to `action` (a path)."""
    page.locator(f"form[action='{action}'] button[type=submit]").click()


def to_consultant(outbox: list[EmailMessage], user: User) -> list[EmailMessage]:
    return [message for message in outbox if message.to == [user.email]]


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth,"
        " body: document.body.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["viewport"] == PHONE["width"]
    assert widths["document"] <= PHONE["width"], (
        f"{page.url} scrolls sideways: {widths}; too wide: {too_wide(page)}"
    )


def too_wide(page: Page) -> list[str]:
    """The innermost elements reaching past the right edge of the viewport (for the message)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("main *")]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(e => ![...e.children].some(
                c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
            .slice(0, 8)
            .map(e => `${e.outerHTML.slice(0, 160)} (right ${e.getBoundingClientRect().right})`)"""
    )


def upcoming_evening(days: int) -> dt.datetime:
    """19:00 Danish time `days` days from today."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return competence.at(day.year, day.month, day.day, 19)


def collaborate(world: Any) -> Collaboration:
    """Municipality A works with the world's institution, so it may supervise A's families."""
    collaboration = factories.CollaborationFactory(name="Samspil København")
    collaboration.municipalities.add(world.a)
    collaboration.institutions.add(world.institution_a)
    return collaboration


def parent_login(family: FosterFamily, username: str, email: str) -> User:
    user = factories.UserFactory(username=username)
    factories.ParentFactory(
        family=family, user=user, first_name="Lars", last_name="Østergaard", email=email
    )
    return user


# -- 1. enrolment with a waiting list -------------------------------------------------------------


def test_enrolment_full_session_waiting_list_promotion_email_and_attendance(
    world, browse: Browse, url, mailoutbox
) -> None:
    offering = competence.offering_for(world, title="Tilknytning i hverdagen")
    competence.in_catalogue(offering, world.a)
    session = competence.SessionFactory(
        offering=offering, starts_at=upcoming_evening(14), capacity=1
    )
    session_path = f"/sessions/{session.uuid}/"
    other_parent = parent_login(
        world.family_a_other, "foster_parent_a_other", "lars.oestergaard@example.dk"
    )

    # The first family finds the offering in its catalogue and signs up: it has the place.
    first = browse()
    log_in_with_form(first, url, "foster_parent_a")
    first.locator("nav a[href='/catalogue/']").click()
    expect(first).to_have_url(url("/catalogue/"))
    card = first.locator("section.card", has_text=offering.title)
    expect(card.get_by_role("heading", level=2, name=offering.title)).to_be_visible()
    row = card.locator("tr", has=first.locator(f"a[href='{session_path}']"))
    submit(first, f"/sessions/{session.uuid}/enrol/")
    expect(first).to_have_url(url("/catalogue/"))
    expect(status_message(first)).to_contain_text("Familien Andersen")
    expect_has_place(status_message(first))
    expect_has_place(row.locator("td").last)

    first.goto(url(session_path))
    expect(first.get_by_role("heading", level=1, name=offering.title)).to_be_visible()
    expect_has_place(own_section(first))

    # The second family finds the session full and joins the waiting list.
    second = browse()
    log_in_with_form(second, url, "foster_parent_a_other")
    second.goto(url("/catalogue/"))
    submit(second, f"/sessions/{session.uuid}/enrol/")
    expect(status_message(second)).to_contain_text("Familien Østergaard")
    expect(status_message(second)).to_contain_text(WAITING_LIST)
    second.goto(url(session_path))
    expect(own_section(second)).to_contain_text(WAITING_LIST)
    waiting = Enrolment.objects.get(session=session, family=world.family_a_other)
    assert waiting.status == EnrolmentStatus.WAITLISTED
    assert mailoutbox == []

    # The first family gives up its place (in good time, so not a late cancellation) …
    place = Enrolment.objects.get(session=session, family=world.family_a)
    first.reload()
    submit(first, f"/enrolments/{place.uuid}/cancel/")
    expect(first).to_have_url(url(session_path))
    expect(status_message(first)).to_be_visible()
    expect(
        own_section(first).locator(f"form[action='/enrolments/{place.uuid}/cancel/']")
    ).to_have_count(0)
    expect(
        own_section(first).locator(f"form[action='/sessions/{session.uuid}/enrol/']")
    ).to_be_visible()
    place.refresh_from_db()
    assert place.status == EnrolmentStatus.CANCELLED
    assert not place.late_cancellation

    # … and the second family has it now, and was told by e-mail (sent on commit, in the live
    # server's thread, into the same locmem outbox).
    second.reload()
    expect_has_place(own_section(second))
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [other_parent.foster_parent.email]
    assert offering.title in mailoutbox[0].subject
    assert offering.title in mailoutbox[0].body

    # The session day: it has started, and the institution's specialist registers who came.
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    specialist = browse(world.specialist_a)
    specialist.goto(url(session_path))
    enrolled = specialist.locator("section[aria-labelledby=enrolled]")
    expect(enrolled).to_contain_text("Familien Østergaard")
    expect(enrolled).not_to_contain_text("Familien Andersen")
    expect(specialist.locator("section[aria-labelledby=cancelled]")).to_contain_text(
        "Familien Andersen"
    )
    marks = enrolled.get_by_role("group", name=re.compile("Familien Østergaard"))
    marks.locator("input[type=radio][value=attended]").check()
    submit(specialist, f"/sessions/{session.uuid}/attendance/")
    expect(specialist).to_have_url(url(session_path))
    expect(status_message(specialist)).to_be_visible()
    expect(marks.locator("input[type=radio][value=attended]")).to_be_checked()
    waiting.refresh_from_db()
    assert waiting.attendance == Attendance.ATTENDED


# -- 2. a supervision course from opening to closing ----------------------------------------------


def test_supervision_course_open_log_extend_close_with_notes_and_emails(
    world, browse: Browse, url, mailoutbox
) -> None:
    collaborate(world)

    # The consultant opens an individual course for the family with the institution.
    consultant = browse(world.consultant_a)
    consultant.goto(url("/supervision/"))
    consultant.locator("main a[href='/supervision/create/']").click()
    expect(consultant).to_have_url(url("/supervision/create/"))
    consultant.locator("#id_family").select_option(str(world.family_a.uuid))
    consultant.locator("#id_institution").select_option(str(world.institution_a.pk))
    consultant.locator("#id_supervisor").select_option(str(world.specialist_a.pk))
    consultant.locator("#id_title").fill("Ro ved sengetid")
    consultant.locator("#id_problem").fill("Konflikter ved sengetid hver aften.")
    consultant.locator("#id_goal").fill("Roligere aftener inden sommerferien.")
    consultant.locator("#id_planned_sessions").fill("5")
    consultant.locator("#id_session_hours").fill("1.5")
    consultant.locator("#id_location").select_option(SupervisionLocation.HOME.value)
    consultant.get_by_role("button", name=SAVE).click()

    expect(consultant).to_have_url(re.compile(r"/supervision/[0-9a-f-]{36}/$"))
    course = SupervisionCourse.objects.get(families=world.family_a)
    course_path = f"/supervision/{course.uuid}/"
    expect(consultant).to_have_url(url(course_path))
    expect(status_message(consultant)).to_be_visible()
    expect(consultant.get_by_role("heading", level=1, name="Ro ved sengetid")).to_be_visible()
    expect(consultant.locator("section[aria-labelledby=aim]")).to_contain_text(
        "Konflikter ved sengetid hver aften."
    )
    assert course.status == SupervisionStatus.OPEN
    assert course.institution == world.institution_a
    assert course.supervisor == world.specialist_a
    assert (course.planned_sessions, course.session_hours) == (5, Decimal("1.5"))
    assert course.location == SupervisionLocation.HOME
    # The fixed consultant is told at the opening, with the problem and the goal.
    opened = to_consultant(mailoutbox, world.consultant_a)
    assert len(opened) == 1
    assert "Familien Andersen" in opened[0].subject
    assert "Roligere aftener inden sommerferien." in opened[0].body
    assert course_path in opened[0].body

    # The specialist logs a session that took place today, with shared and private notes.
    specialist = browse(world.specialist_a)
    specialist.goto(url(course_path))
    now = timezone.localtime().replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0)
    held_at = max(now - dt.timedelta(hours=1), midnight)
    log_form = specialist.locator(f"form[action='{course_path}sessions/']")
    log_form.locator("#id_starts_at").fill(held_at.strftime("%Y-%m-%dT%H:%M"))
    log_form.locator("#id_shared_notes").fill("Aftenrutinen er lagt om; billedskema virker.")
    log_form.locator("#id_private_notes").fill("Plejemor virker presset; følg op næste gang.")
    submit(specialist, f"{course_path}sessions/")
    expect(specialist).to_have_url(url(course_path))
    expect(status_message(specialist)).to_be_visible()
    log = specialist.locator("section[aria-labelledby=log]")
    expect(log).to_contain_text("Aftenrutinen er lagt om; billedskema virker.")
    expect(log).to_contain_text("Plejemor virker presset; følg op næste gang.")
    logged = SupervisionSession.objects.get(course=course)
    assert list(logged.attended.all()) == [world.family_a]
    assert logged.delivered_by == world.specialist_a

    # The consultant reads the shared notes, never the supervisor's own.
    consultant.goto(url(course_path))
    log = consultant.locator("section[aria-labelledby=log]")
    expect(log).to_contain_text("Aftenrutinen er lagt om; billedskema virker.")
    expect(consultant.get_by_text("Plejemor virker presset", exact=False)).to_have_count(0)
    assert "Plejemor" not in consultant.content()

    # The specialist extends the course by two sessions, with a reason.
    specialist.reload()
    extend_form = specialist.locator(f"form[action='{course_path}extend/']")
    extend_form.locator("[name=added_sessions]").fill("2")
    extend_form.locator("[name=reason]").fill("Familien ønsker to samtaler mere om skoleskiftet.")
    submit(specialist, f"{course_path}extend/")
    expect(specialist).to_have_url(url(course_path))
    expect(specialist.locator("section[aria-labelledby=log]")).to_contain_text(
        "Familien ønsker to samtaler mere om skoleskiftet."
    )
    course.refresh_from_db()
    assert course.planned_sessions == 7
    assert course.extensions.get().reason == "Familien ønsker to samtaler mere om skoleskiftet."

    # … and closes it with the goal rating and a closing summary.
    close_form = specialist.locator(f"form[action='{course_path}close/']")
    close_form.locator("[name=goal_rating]").select_option("4")
    close_form.locator("[name=closing_summary]").fill("Aftenerne er blevet roligere.")
    submit(specialist, f"{course_path}close/")
    expect(specialist).to_have_url(url(course_path))
    expect(status_message(specialist)).to_be_visible()
    closing = specialist.locator("section[aria-labelledby=closing]")
    expect(closing).to_contain_text("Aftenerne er blevet roligere.")
    expect(closing).to_contain_text("4")
    # A closed course takes no more sessions, extensions or closing.
    for action in ("sessions/", "extend/", "close/"):
        expect(specialist.locator(f"form[action='{course_path}{action}']")).to_have_count(0)
    course.refresh_from_db()
    assert course.status == SupervisionStatus.CLOSED
    assert course.goal_rating == 4
    assert course.closed_on == timezone.localdate()

    # The consultant sees it closed, in the list and on its page, and was told by e-mail.
    consultant.goto(url("/supervision/"))
    course_row = consultant.locator("tr", has=consultant.locator(f"a[href='{course_path}']"))
    expect(course_row).to_contain_text(CLOSED)
    consultant.goto(url(course_path))
    expect(consultant.locator("main p.muted").first).to_contain_text(CLOSED)
    expect(consultant.locator("section[aria-labelledby=closing]")).to_contain_text(
        "Aftenerne er blevet roligere."
    )
    assert "Plejemor" not in consultant.content()
    mails = to_consultant(mailoutbox, world.consultant_a)
    assert len(mails) == 2
    assert "Familien Andersen" in mails[1].subject
    assert "Aftenerne er blevet roligere." in mails[1].body
    assert "Plejemor" not in mails[0].body + mails[1].body


# -- 3. and 4. accessibility and phone width ------------------------------------------------------


@pytest.fixture
def competence_world(world) -> dict[str, Any]:
    """Something on every competence page: a mandatory offering in A's catalogue with a past
    session family_a attended (so it awaits an evaluation) and an upcoming one it has a place
    at; an evaluation given; an open course with a logged session (shared and private notes)."""
    collaborate(world)
    FosterFamily.objects.filter(pk=world.family_a.pk).update(in_model_since=dt.date(2025, 1, 1))
    offering = competence.offering_for(
        world,
        title="Tilknytning i hverdagen for plejefamilier med teenagere",
        description="Et fagligt oplæg om tilknytning, tryghed og relationer i hverdagen. " * 4,
    )
    competence.in_catalogue(offering, world.a, mandatory=True)
    past = competence.SessionFactory(
        offering=offering,
        starts_at=timezone.now() - dt.timedelta(days=2),
        place="Lindehuset, det store mødelokale på første sal",
    )
    upcoming = competence.SessionFactory(offering=offering, starts_at=upcoming_evening(7))
    competence.SessionFactory(offering=offering, starts_at=upcoming_evening(21), capacity=1)
    Enrolment.objects.create(
        session=past,
        family=world.family_a,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    )
    Enrolment.objects.create(
        session=upcoming, family=world.family_a, status=EnrolmentStatus.ENROLLED
    )
    Enrolment.objects.create(
        session=upcoming, family=world.family_a_other, status=EnrolmentStatus.ENROLLED
    )
    other = competence.offering_for(world, title="Mentalisering i praksis")
    competence.in_catalogue(other, world.a)
    Evaluation.objects.create(
        family=world.family_a,
        offering=other,
        delivery=4,
        usefulness=5,
        behaviour_change=3,
        comment="Godt oplæg.",
    )
    course = competence.course_for(
        world, title="Ro ved sengetid", opened_on=timezone.localdate() - dt.timedelta(days=30)
    )
    logged = SupervisionSession.objects.create(
        course=course,
        starts_at=timezone.now() - dt.timedelta(days=3),
        hours=Decimal("1.5"),
        location=SupervisionLocation.HOME,
        delivered_by=world.specialist_a,
        shared_notes="Aftenrutinen er lagt om; billedskema virker. " * 3,
        private_notes="Plejemor virker presset; følg op næste gang.",
    )
    logged.attended.set([world.family_a])
    return {"session": upcoming, "past_session": past, "course": course}


# (test id, persona, path from the world and its data)
A11Y_PAGES: list[tuple[str, str, Callable[[Any, dict[str, Any]], str]]] = [
    ("catalogue", "foster_parent_a", lambda w, d: "/catalogue/"),
    ("session-specialist", "specialist_a", lambda w, d: f"/sessions/{d['session'].uuid}/"),
    (
        "session-attendance-specialist",
        "specialist_a",
        lambda w, d: f"/sessions/{d['past_session'].uuid}/",
    ),
    ("supervision-list", "consultant_a", lambda w, d: "/supervision/"),
    ("supervision-course", "consultant_a", lambda w, d: f"/supervision/{d['course'].uuid}/"),
    (
        "supervision-course-specialist",
        "specialist_a",
        lambda w, d: f"/supervision/{d['course'].uuid}/",
    ),
    ("calendar", "foster_parent_a", lambda w, d: "/calendar/"),
    ("evaluations", "foster_parent_a", lambda w, d: "/evaluations/"),
    ("reports", "leader_a", lambda w, d: "/competence/reports/"),
]


@pytest.mark.parametrize(
    ("persona", "path"), [(p, f) for _, p, f in A11Y_PAGES], ids=[i for i, _, _ in A11Y_PAGES]
)
def test_competence_page_desktop_and_phone_has_no_serious_accessibility_violations(
    world, competence_world, browse: Browse, url, persona, path
) -> None:
    page = browse(world.persona(persona))
    response = page.goto(url(path(world, competence_world)))
    assert response is not None
    assert response.status == 200, response.status
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)


# (persona, path from the world and its data, a text the page shows)
PHONE_PAGES = [
    pytest.param(
        "foster_parent_a",
        lambda w, d: "/catalogue/",
        "Tilknytning i hverdagen",
        id="catalogue",
    ),
    pytest.param(
        "consultant_a",
        lambda w, d: f"/supervision/{d['course'].uuid}/",
        "billedskema",
        id="supervision-course-consultant",
    ),
    pytest.param(
        "specialist_a",
        lambda w, d: f"/supervision/{d['course'].uuid}/",
        "billedskema",
        id="supervision-course-specialist",
    ),
]


@pytest.mark.parametrize(("persona", "path", "shows"), PHONE_PAGES)
def test_competence_page_phone_width_fits_without_horizontal_scroll(
    world, competence_world, browse: Browse, url, persona, path, shows
) -> None:
    page = browse(world.persona(persona), viewport=PHONE)
    page.goto(url(path(world, competence_world)))
    expect(page.locator("main")).to_contain_text(shows)
    assert_no_horizontal_scroll(page)
