"""Views of collaboration meetings: recording one and changing it (e.g. adding the minutes).
The meetings are shown on the transition's page. Thin: form → service → redirect."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.transitions import rules
from samspil.transitions.forms.meetings import MeetingForm
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.services import meetings as services

SERVICE_ERRORS = (ValidationError, ConcurrentEditError)


def meeting_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    if not rules.can_contribute(request.user, transition):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None,
        staff=selectors.meeting_staff(transition),
        parents=selectors.meeting_parents(transition),
        initial={
            "held_at": timezone.localtime().replace(second=0, microsecond=0),
            "staff": [request.user.pk],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_meeting(
                actor=request.user,
                transition=transition,
                values=form.cleaned_data,
                staff=list(form.cleaned_data["staff"]),
                parents=list(form.cleaned_data["parents"]),
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("transitions:detail", transition.uuid)
    return render(
        request,
        "transitions/meeting_form.html",
        {"form": form, "transition": transition, "title": _("Record a collaboration meeting")},
    )


def meeting_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, uuid, audit=False)
    transition = meeting.transition
    if not rules.can_contribute(request.user, transition):
        raise PermissionDenied
    form = MeetingForm(
        request.POST or None,
        instance=copy.copy(meeting),
        staff=selectors.meeting_staff(transition),
        parents=selectors.meeting_parents(transition),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                actor=request.user,
                meeting=meeting,
                values=form.cleaned_data,
                staff=list(form.cleaned_data["staff"]),
                parents=list(form.cleaned_data["parents"]),
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("transitions:detail", transition.uuid)
    elif request.method != "POST":
        selectors.get_meeting_for(request.user, uuid)  # the page shows the meeting: audited
    return render(
        request,
        "transitions/meeting_form.html",
        {
            "form": form,
            "transition": transition,
            "meeting": meeting,
            "title": _("Change the collaboration meeting"),
        },
    )


urlpatterns: list[URLPattern] = [
    path("transitions/<uuid:uuid>/meetings/create/", meeting_create, name="meeting_create"),
    path("transitions/meetings/<uuid:uuid>/edit/", meeting_edit, name="meeting_edit"),
]
