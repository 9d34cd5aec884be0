"""Views of network-group meetings: planning a meeting, the meeting page (attendance as the
user may see it), changing and cancelling it, and recording attendance and minutes. Thin: form
→ service or selector → template; the services check permissions again and write the audit
log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.networks import rules
from samspil.networks.forms import groups as forms
from samspil.networks.models import Meeting, NetworkGroup
from samspil.networks.selectors import groups as selectors
from samspil.networks.selectors import meetings as meeting_selectors
from samspil.networks.services import meetings as meeting_services

SERVICE_ERRORS = (ValidationError, ConcurrentEditError)


def meeting_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    group = selectors.get_group_for(request.user, uuid, audit=False)
    if not rules.can_run_meetings(request.user, group) or not group.is_active:
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, initial={"place": _last_place(group)})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_services.plan_meeting(
                actor=request.user, group=group, values=form.cleaned_data
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was planned."))
            return redirect("networks:meeting_detail", meeting.uuid)
    return render(
        request,
        "networks/meeting_form.html",
        {"form": form, "group": group, "title": _("Plan a meeting")},
    )


def _last_place(group: NetworkGroup) -> str:
    last = meeting_selectors.group_meetings(group).exclude(place="").first()
    return last.place if last is not None else ""


def meeting_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    meeting = meeting_selectors.get_meeting_for(request.user, uuid)
    return _render_meeting(request, meeting)


def _render_meeting(
    request: AuthenticatedHttpRequest, meeting: Meeting, **bound: Any
) -> HttpResponse:
    group = meeting.group
    can_run = rules.can_run_meetings(request.user, group) and group.is_active
    context: dict[str, Any] = {
        "meeting": meeting,
        "group": group,
        "view": meeting_selectors.meeting_view(request.user, meeting),
        "can_run": can_run,
    }
    if can_run and not meeting.cancelled:
        families, labels = meeting_selectors.attendance_choices(request.user, meeting)
        context["attendance_form"] = forms.AttendanceForm(
            meeting=meeting, families=families, labels=labels
        )
        if not meeting.attendance_recorded:
            context["cancel_form"] = forms.CancelMeetingForm(meeting=meeting)
    context.update(bound)
    return render(request, "networks/meeting_detail.html", context)


def _meeting_to_run(request: AuthenticatedHttpRequest, uuid: str) -> Meeting:
    meeting = meeting_selectors.get_meeting_for(request.user, uuid, audit=False)
    if not rules.can_run_meetings(request.user, meeting.group):
        raise PermissionDenied
    return meeting


def meeting_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    meeting = _meeting_to_run(request, uuid)
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.update_meeting(
                actor=request.user,
                meeting=meeting,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was changed."))
            return redirect("networks:meeting_detail", meeting.uuid)
    return render(
        request,
        "networks/meeting_form.html",
        {
            "form": form,
            "group": meeting.group,
            "meeting": meeting,
            "title": _("Change the meeting"),
        },
    )


@require_POST
def meeting_cancel(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    meeting = _meeting_to_run(request, uuid)
    form = forms.CancelMeetingForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            meeting_services.cancel_meeting(
                actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"]
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The meeting was cancelled."))
            return redirect("networks:group_detail", meeting.group.uuid)
    meeting.refresh_from_db()
    meeting_selectors.audit_meeting_read(request.user, meeting)
    return _render_meeting(request, meeting, cancel_form=form)


@require_POST
def meeting_attendance(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    meeting = _meeting_to_run(request, uuid)
    families, labels = meeting_selectors.attendance_choices(request.user, meeting)
    form = forms.AttendanceForm(request.POST, meeting=meeting, families=families, labels=labels)
    if form.is_valid():
        try:
            meeting_services.record_attendance(
                actor=request.user,
                meeting=meeting,
                attendees=list(form.cleaned_data["attendees"]),
                minutes=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
            meeting.refresh_from_db()
        else:
            messages.success(request, _("The attendance and minutes were saved."))
            return redirect("networks:meeting_detail", meeting.uuid)
    meeting_selectors.audit_meeting_read(request.user, meeting)
    return _render_meeting(request, meeting, attendance_form=form)


urlpatterns: list[URLPattern] = [
    path("networks/groups/<uuid:uuid>/meetings/create/", meeting_create, name="meeting_create"),
    path("networks/meetings/<uuid:uuid>/", meeting_detail, name="meeting_detail"),
    path("networks/meetings/<uuid:uuid>/edit/", meeting_edit, name="meeting_edit"),
    path("networks/meetings/<uuid:uuid>/cancel/", meeting_cancel, name="meeting_cancel"),
    path(
        "networks/meetings/<uuid:uuid>/attendance/",
        meeting_attendance,
        name="meeting_attendance",
    ),
]
