"""Views for enrolment: a session's page (places, waiting list, attendance), enrolling and
cancelling."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.competence import rules
from samspil.competence.enums import EnrolmentStatus
from samspil.competence.forms.enrolment import AttendanceForm, EnrolForm
from samspil.competence.models import Session
from samspil.competence.selectors import enrolment as selectors
from samspil.competence.selectors.offerings import get_session_for
from samspil.competence.services import enrolment as services
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest


def _back(request: AuthenticatedHttpRequest, session: Session) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("competence:session_detail", session.uuid)


def _session_page(
    request: AuthenticatedHttpRequest,
    session: Session,
    *,
    enrol_form: EnrolForm | None = None,
    attendance_form: AttendanceForm | None = None,
) -> HttpResponse:
    roster = selectors.session_roster(request.user, session)
    family = selectors.own_family(request.user)
    own = None
    if family is not None:
        own = next(
            (e for e in [*roster.enrolled, *roster.waitlisted] if e.family_id == family.pk), None
        )
    can_manage = rules.can_register_attendance(request.user, session)
    started = session.starts_at <= timezone.now()
    if attendance_form is None and can_manage and started and not session.cancelled:
        attendance_form = AttendanceForm(enrolments=roster.enrolled)
    if family is not None:
        enrol_form = None  # a foster parent enrols their own family with one button
    elif enrol_form is None:
        families = selectors.enrollable_families(request.user)
        enrol_form = EnrolForm(families=families) if families.exists() else None
    return render(
        request,
        "competence/session_detail.html",
        {
            "session": session,
            "offering": session.offering,
            "roster": roster,
            "family": family,
            "own": own,
            "enrol_form": enrol_form,
            "attendance_form": attendance_form,
            "can_manage": can_manage,
            "open": not session.cancelled and not started,
        },
    )


def session_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    return _session_page(request, get_session_for(request.user, uuid))


@require_POST
def enrol(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    session = get_session_for(request.user, uuid)
    form = EnrolForm(request.POST, families=selectors.enrollable_families(request.user))
    if not form.is_valid():
        if selectors.own_family(request.user) is not None:  # a button, not a form: say why
            messages.error(request, " ".join(str(e) for e in form.errors.get("family", [])))
            return _back(request, session)
        return _session_page(request, session, enrol_form=form)
    family = form.cleaned_data["family"]
    try:
        enrolment = services.enrol_family(actor=request.user, session=session, family=family)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        if "next" in request.POST:
            messages.error(request, " ".join(error.messages))
            return _back(request, session)
        add_service_error(form, error)
        return _session_page(request, session, enrol_form=form)
    if enrolment.status == EnrolmentStatus.ENROLLED:
        messages.success(request, _("%(family)s has a place.") % {"family": family})
    else:
        messages.success(
            request,
            _("The session is full: %(family)s is on the waiting list.") % {"family": family},
        )
    return _back(request, session)


@require_POST
def cancel_enrolment(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    enrolment = selectors.get_enrolment_for(request.user, uuid, audit=False)
    try:
        enrolment = services.cancel_enrolment(actor=request.user, enrolment=enrolment)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = (
            _("The enrolment was cancelled. It was late, so it is recorded as a late cancellation.")
            if enrolment.late_cancellation
            else _("The enrolment was cancelled.")
        )
        messages.success(request, text)
    return _back(request, enrolment.session)


@require_POST
def session_attendance(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    session = get_session_for(request.user, uuid)
    if not rules.can_register_attendance(request.user, session):
        raise PermissionDenied
    roster = selectors.session_roster(request.user, session)
    form = AttendanceForm(request.POST, enrolments=roster.enrolled)
    if form.is_valid():
        try:
            services.register_attendance(actor=request.user, session=session, marks=form.marks())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Attendance was saved."))
            return redirect("competence:session_detail", session.uuid)
    return _session_page(request, session, attendance_form=form)


urlpatterns: list[URLPattern] = [
    path("sessions/<uuid:uuid>/", session_detail, name="session_detail"),
    path("sessions/<uuid:uuid>/enrol/", enrol, name="enrol"),
    path("sessions/<uuid:uuid>/attendance/", session_attendance, name="session_attendance"),
    path("enrolments/<uuid:uuid>/cancel/", cancel_enrolment, name="cancel_enrolment"),
]
