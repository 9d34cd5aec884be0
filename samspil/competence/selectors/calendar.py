"""The year calendar (årshjul): what is on one person's calendar, from every app that has
something to put there.

A calendar is assembled from *providers*: small functions `provider(user, start, end)` that
return the `CalendarItem`s of `user` starting in [start, end). This module registers the
competence app's four (a family's sessions and supervision, a specialist's sessions and
supervision); a later app (network meetings, hotline shifts) adds its own with
`register_calendar_provider` from its `AppConfig.ready()`, and the page and the iCalendar feed
show them without change.

Each provider reads only what the user's own role gives (it starts from the competence access
policy) and runs a fixed number of queries, whatever the number of items. Nothing here writes
the audit log: a calendar is the user's own list of their own activities (like a list page),
and the feed carries no one else's names (see `CalendarItem.feed_title`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.accounts.tokens import hash_token
from samspil.competence import rules
from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import (
    CalendarFeed,
    Enrolment,
    Offering,
    Session,
    SupervisionCourse,
    SupervisionSession,
)
from samspil.core.types import UserLike

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class CalendarItem:
    """One thing on a calendar.

    `title` is what the owner sees on the page; `feed_title` is what goes into the iCalendar
    feed, which leaves Samspil (calendar apps, shared calendars): it never names a family, and
    for a foster family it is neutral (no course title that could reveal a child's needs).
    `note` is shown on the page only.
    """

    uid: str
    kind: str
    kind_label: str
    title: str
    feed_title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    url: str = ""
    status: str = CONFIRMED
    note: str = ""

    @property
    def is_waitlisted(self) -> bool:
        return self.status == WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == CANCELLED


CalendarProvider = Callable[[UserLike, dt.datetime, dt.datetime], Iterable[CalendarItem]]

_PROVIDERS: list[CalendarProvider] = []


def register_calendar_provider(provider: CalendarProvider) -> CalendarProvider:
    """Add a source of calendar items (idempotent; usable as a decorator)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def calendar_providers() -> tuple[CalendarProvider, ...]:
    return tuple(_PROVIDERS)


def calendar_items_for(
    user: UserLike, *, start: dt.datetime, end: dt.datetime
) -> list[CalendarItem]:
    """Every item of every provider for `user` starting in [start, end), in time order; an item
    two providers both return (same uid, e.g. a specialist who is also a foster parent) once."""
    items: dict[str, CalendarItem] = {}
    for provider in _PROVIDERS:
        for item in provider(user, start, end):
            items.setdefault(item.uid, item)
    return sorted(items.values(), key=lambda item: (item.starts_at, item.title, item.uid))


# -- the year view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarMonth:
    first_day: dt.date
    items: list[CalendarItem]


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The local-time start of `year` and of the next year."""
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def year_calendar(user: UserLike, year: int) -> list[CalendarMonth]:
    """The twelve months of `year` with `user`'s items, grouped by the local month they start."""
    start, end = year_bounds(year)
    by_month: dict[int, list[CalendarItem]] = {month: [] for month in range(1, 13)}
    for item in calendar_items_for(user, start=start, end=end):
        by_month[timezone.localtime(item.starts_at).month].append(item)
    return [CalendarMonth(dt.date(year, month, 1), items) for month, items in by_month.items()]


def years_from(moment: dt.datetime, years: int) -> dt.datetime:
    """The same moment `years` later (earlier if negative); 29 February becomes the 28th."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def feed_items_for(user: UserLike, *, now: dt.datetime | None = None) -> list[CalendarItem]:
    """What the iCalendar feed carries: the past 12 months and the next 12 months."""
    now = now or timezone.now()
    return calendar_items_for(user, start=years_from(now, -1), end=years_from(now, 1))


# -- calendar feeds -------------------------------------------------------------------------------


def feed_owner(token: str) -> User | None:
    """The active user whose non-revoked feed has this secret, or None."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None


def active_feeds_for(user: User) -> list[CalendarFeed]:
    return list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True))


def get_own_feed(user: User, pk: int) -> CalendarFeed | None:
    """One of `user`'s own feeds, or None (someone else's feed does not exist for them)."""
    return CalendarFeed.objects.filter(user=user, pk=pk).first()


# -- the competence app's providers -------------------------------------------------------------


def _in_range(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _supervision_end(session: SupervisionSession) -> dt.datetime:
    return session.starts_at + dt.timedelta(seconds=int(session.hours * 3600))


def _session_place(session: Session) -> str:
    return session.place or str(session.get_place_kind_display())


@register_calendar_provider
def family_sessions(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """The sessions the user's family is enrolled in or waiting for (not cancelled enrolments)."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return []
    enrolments = (
        Enrolment.objects.filter(
            rules.enrolment_filter(user),
            _in_range("session__starts_at", start, end),
            family_id=family_id,
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
        )
        .select_related("session__offering")
        .order_by("session__starts_at", "pk")
    )
    items = []
    for enrolment in enrolments:
        session = enrolment.session
        status = CONFIRMED
        if session.cancelled:
            status = CANCELLED
        elif enrolment.status == EnrolmentStatus.WAITLISTED:
            status = WAITLISTED
        items.append(
            CalendarItem(
                uid=f"session-{session.uuid}@samspil",
                kind="session",
                kind_label=str(session.offering.get_kind_display()),
                title=session.offering.title,
                feed_title=_("Samspil: course or talk"),
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=_session_place(session),
                status=status,
            )
        )
    return items


@register_calendar_provider
def family_supervision(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """The supervision sessions of the courses the user's family takes part in."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return []
    courses = SupervisionCourse.objects.filter(rules.supervision_filter(user), families=family_id)
    sessions = (
        SupervisionSession.objects.filter(
            _in_range("starts_at", start, end), course__in=courses.values("pk")
        )
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    return [
        CalendarItem(
            uid=f"supervision-{session.uuid}@samspil",
            kind="supervision",
            kind_label=str(session.course.get_kind_display()),
            title=session.course.title or str(session.course.get_kind_display()),
            feed_title=_("Samspil: supervision"),
            starts_at=session.starts_at,
            ends_at=_supervision_end(session),
            place=str(session.get_location_display()),
        )
        for session in sessions
    ]


@register_calendar_provider
def staff_sessions(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """The sessions of the offerings the user is responsible for."""
    if not scope_for(user).is_staff_member:
        return []
    sessions = (
        Session.objects.filter(
            _in_range("starts_at", start, end),
            offering__in=Offering.objects.filter(
                rules.offering_filter(user), responsible_id=user.pk
            ).values("pk"),
        )
        .select_related("offering")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
        )
        .order_by("starts_at", "pk")
    )
    return [
        CalendarItem(
            uid=f"session-{session.uuid}@samspil",
            kind="session",
            kind_label=str(session.offering.get_kind_display()),
            title=session.offering.title,
            feed_title=session.offering.title,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            place=_session_place(session),
            status=CANCELLED if session.cancelled else CONFIRMED,
            note=_("%(enrolled)s of %(capacity)s places taken")
            % {"enrolled": session.enrolled, "capacity": session.capacity},
        )
        for session in sessions
    ]


@register_calendar_provider
def staff_supervision(user: UserLike, start: dt.datetime, end: dt.datetime) -> list[CalendarItem]:
    """The supervision sessions the user delivered or delivers, or supervises as the course's
    supervisor, in courses of their own institution."""
    if not scope_for(user).is_staff_member:
        return []
    sessions = (
        SupervisionSession.objects.filter(
            Q(delivered_by_id=user.pk) | Q(course__supervisor_id=user.pk),
            _in_range("starts_at", start, end),
            course__in=SupervisionCourse.objects.filter(rules.supervision_filter(user)).values(
                "pk"
            ),
        )
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    return [
        CalendarItem(
            uid=f"supervision-{session.uuid}@samspil",
            kind="supervision",
            kind_label=str(session.course.get_kind_display()),
            title=session.course.title or str(session.course.get_kind_display()),
            feed_title=str(session.course.get_kind_display()),
            starts_at=session.starts_at,
            ends_at=_supervision_end(session),
            place=str(session.get_location_display()),
        )
        for session in sessions
    ]
