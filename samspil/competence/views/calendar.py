"""The year calendar (årshjul) and the personal iCalendar feed."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from samspil.competence.icalendar import Event, EventStatus, render_calendar
from samspil.competence.selectors import calendar as selectors
from samspil.competence.selectors.reports import own_family_training_hours
from samspil.competence.services import calendar as services
from samspil.core.types import AuthenticatedHttpRequest

FIRST_YEAR, LAST_YEAR = 2000, 2100
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
FEED_STATUS: dict[str, EventStatus] = {
    selectors.CONFIRMED: "CONFIRMED",
    selectors.WAITLISTED: "TENTATIVE",
    selectors.CANCELLED: "CANCELLED",
}


def year_param(request: HttpRequest) -> int:
    """`?year=` when it is a plausible year, else the current one."""
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    return timezone.localdate().year


def _calendar_page(
    request: AuthenticatedHttpRequest, year: int, new_feed_url: str = ""
) -> HttpResponse:
    context: dict[str, Any] = {
        "year": year,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "months": selectors.year_calendar(request.user, year),
        "hours": own_family_training_hours(request.user, year),
        "feeds": selectors.active_feeds_for(request.user),
        "new_feed_url": new_feed_url,
    }
    return render(request, "competence/calendar_year.html", context)


def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _calendar_page(request, year_param(request))


@require_POST
def calendar_feed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Creates the feed and shows its URL once (only the hash is kept)."""
    _feed, token = services.create_calendar_feed(user=request.user)
    url = request.build_absolute_uri(reverse("competence:calendar_feed", args=[token]))
    return _calendar_page(request, timezone.localdate().year, new_feed_url=url)


@require_POST
def calendar_feed_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    feed = selectors.get_own_feed(request.user, pk)
    if feed is None:
        raise Http404
    services.revoke_calendar_feed(actor=request.user, feed=feed)
    messages.success(request, _("The calendar link was revoked. Calendars using it stop updating."))
    return redirect("competence:calendar")


def _event(item: selectors.CalendarItem, url: str) -> Event:
    summary = item.feed_title
    if item.is_waitlisted:
        summary = _("%(title)s (waiting list)") % {"title": summary}
    return Event(
        uid=item.uid,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        summary=summary,
        location=item.place,
        url=url,
        status=FEED_STATUS.get(item.status, "CONFIRMED"),
    )


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's items of the past and next 12 months as iCalendar, for calendar apps that
    subscribe without a login: the secret in the URL is the credential (404 when unknown or
    revoked)."""
    owner = selectors.feed_owner(token) if TOKEN.fullmatch(token) else None
    if owner is None:
        raise Http404
    calendar_path = reverse("competence:calendar")
    body = render_calendar(
        [
            _event(item, request.build_absolute_uri(item.url or calendar_path))
            for item in selectors.feed_items_for(owner)
        ],
        name="Samspil",
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="samspil.ics"'
    return response


urlpatterns: list[URLPattern] = [
    path("calendar/", calendar, name="calendar"),
    path("calendar/feeds/create/", calendar_feed_create, name="calendar_feed_create"),
    path("calendar/feeds/<int:pk>/revoke/", calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/feed/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
