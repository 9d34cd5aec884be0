"""Views of supervision: the list (by role), opening individual and group courses, referrals
and the institution's inbox, the course page with its session log, and the POST endpoints
that log sessions, extend, close, accept and decline. Thin: form → service or selector →
template; the services check permissions again and write the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.competence import rules
from samspil.competence.enums import SupervisionStatus
from samspil.competence.forms import supervision as forms
from samspil.competence.models import SupervisionCourse
from samspil.competence.selectors import supervision as selectors
from samspil.competence.services import supervision as services
from samspil.core.types import AuthenticatedHttpRequest
from samspil.core.views_helpers import run_form_action
from samspil.development import selectors as development_selectors
from samspil.families import selectors as family_selectors
from samspil.families.models import FosterFamily

# -- the list -----------------------------------------------------------------------------------


def supervision_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Specialists: the courses they supervise (or their institution's); consultants and
    leaders: the municipality's courses and open referrals, leaders also the cadence gaps;
    foster parents: their own courses with dates, goal and shared notes."""
    scope = scope_for(request.user)
    is_institution = selectors.is_institution_staff(request.user)
    default_whose = "mine" if scope.institutions(Role.SPECIALIST) else "institution"
    form = forms.CourseFilterForm(request.GET or None, initial={"whose": default_whose})
    filters = selectors.CourseFilters()
    whose = default_whose
    if form.is_valid():
        whose = form.cleaned_data["whose"] or default_whose
        filters = selectors.CourseFilters(
            status=form.cleaned_data["status"], kind=form.cleaned_data["kind"]
        )
    if is_institution and whose == "mine":
        filters = selectors.CourseFilters(
            status=filters.status, kind=filters.kind, supervisor_id=request.user.pk
        )
    courses = selectors.courses_for(request.user, filters, with_sessions=scope.is_foster_parent)
    page = Paginator(courses, settings.SAMSPIL_PAGE_SIZE).get_page(request.GET.get("page"))
    municipal = bool(scope.municipalities(Role.CONSULTANT, Role.LEADER))
    return render(
        request,
        "competence/supervision_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.course_rows(request.user, page.object_list),
            "query": _querystring(request),
            "is_institution": is_institution,
            "is_foster_parent": scope.is_foster_parent,
            "open_referrals": list(selectors.open_referrals_for(request.user)) if municipal else [],
            "cadence_gaps": selectors.cadence_gaps_for(request.user),
            "is_leader": bool(rules.report_municipalities(request.user)),
            "inbox_count": selectors.referral_inbox_for(request.user).count()
            if is_institution
            else 0,
            "can_open": municipal or is_institution,
            "can_refer": municipal,
        },
    )


def _querystring(request: AuthenticatedHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# -- opening ------------------------------------------------------------------------------------


def _family_from_query(request: AuthenticatedHttpRequest) -> FosterFamily | None:
    """The family named by ?family=<uuid>: 404 when it is not visible."""
    family_uuid = request.GET.get("family")
    if not family_uuid:
        return None
    return family_selectors.get_family_for(request.user, family_uuid, audit=False)


def supervision_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    family = _family_from_query(request)
    if family is not None and not rules.can_open_course(request.user, family):
        raise PermissionDenied
    if family is None and not selectors.can_open_any_course(request.user):
        raise PermissionDenied
    institutions = selectors.course_institutions(
        request.user, {family.municipality_id} if family else None
    )
    form = forms.SupervisionCourseForm(
        request.POST or None,
        initial={"family": family.uuid if family else None},
        families=selectors.openable_families(request.user),
        institutions=institutions,
        supervisors=selectors.supervisors_for(*[i.pk for i in institutions]),
    )
    opened = run_form_action(
        form,
        lambda data: services.open_supervision_course(
            actor=request.user,
            family=data["family"],
            institution=data["institution"],
            supervisor=data["supervisor"],
            values=data,
        ),
    )
    if opened is not None:
        messages.success(request, _("The supervision course was opened."))
        return redirect("competence:supervision_detail", opened.value.uuid)
    return render(
        request,
        "competence/supervision_form.html",
        {"form": form, "title": _("New individual supervision course")},
    )


def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_open_any_course(request.user):
        raise PermissionDenied
    institutions = selectors.course_institutions(request.user, None)
    form = forms.GroupCourseForm(
        request.POST or None,
        families=selectors.openable_families(request.user),
        institutions=institutions,
        supervisors=selectors.supervisors_for(*[i.pk for i in institutions]),
    )
    opened = run_form_action(
        form,
        lambda data: services.open_group_course(
            actor=request.user,
            families=list(data["families"]),
            institution=data["institution"],
            supervisor=data["supervisor"],
            values=data,
        ),
    )
    if opened is not None:
        messages.success(request, _("The group supervision was opened."))
        return redirect("competence:supervision_detail", opened.value.uuid)
    return render(
        request,
        "competence/supervision_form.html",
        {"form": form, "title": _("New group supervision")},
    )


# -- consultative courses ----------------------------------------------------------------------


def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    family = _family_from_query(request)
    if family is not None and not rules.can_refer(request.user, family):
        raise PermissionDenied
    municipality_ids = selectors.referring_municipalities(request.user)
    if not municipality_ids:
        raise PermissionDenied
    institutions = selectors.consultative_institutions(municipality_ids)
    form = forms.ReferralForm(
        request.POST or None,
        initial={"family": family.uuid if family else None},
        families=selectors.referable_families(request.user),
        institutions=institutions,
    )
    referred = run_form_action(
        form,
        lambda data: services.refer_consultative_course(
            actor=request.user,
            family=data["family"],
            institution=data["institution"],
            values=data,
        ),
    )
    if referred is not None:
        messages.success(request, _("The family was referred to a consultative course."))
        return redirect("competence:supervision_detail", referred.value.uuid)
    return render(
        request,
        "competence/supervision_form.html",
        {
            "form": form,
            "title": _("Refer to a consultative course"),
            "no_institutions": not institutions.exists(),
        },
    )


def referral_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals to the user's institution awaiting an answer (institution staff only)."""
    if not selectors.is_institution_staff(request.user):
        raise Http404
    return render(
        request,
        "competence/supervision_inbox.html",
        {"referrals": list(selectors.referral_inbox_for(request.user))},
    )


# -- one course ---------------------------------------------------------------------------------


def supervision_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = selectors.get_course_for(request.user, uuid)
    return _render_detail(request, course)


def _render_detail(
    request: AuthenticatedHttpRequest, course: SupervisionCourse, **bound: Any
) -> HttpResponse:
    """The course page, with the actions `request.user` may take; `bound` replaces an empty
    form with the one the user just submitted (so their input and the errors stay)."""
    detail = selectors.course_detail(request.user, course)
    context: dict[str, Any] = {
        "detail": detail,
        "course": course,
        "refer_again": [
            view.family
            for view in detail.families
            if course.status == SupervisionStatus.DECLINED
            and rules.can_refer(request.user, view.family)
        ],
        "development_links": development_selectors.goal_links_for_course(request.user, course),
    }
    if detail.can_deliver and detail.is_referred:
        context["accept_form"] = forms.AcceptReferralForm(
            course=course, supervisors=selectors.supervisors_for(course.institution_id)
        )
        context["decline_form"] = forms.DeclineReferralForm(course=course)
    elif detail.can_deliver and detail.is_open:
        context["session_form"] = _session_form(request, course)
        context["extend_form"] = forms.ExtendForm(course=course)
        context["close_form"] = forms.CloseForm(course=course)
    context.update(bound)
    return render(request, "competence/supervision_detail.html", context)


def _course_to_change(request: AuthenticatedHttpRequest, uuid: str) -> SupervisionCourse:
    course = selectors.get_course_for(request.user, uuid, audit=False)
    if not rules.can_deliver_course(request.user, course):
        raise PermissionDenied
    return course


def _session_form(
    request: AuthenticatedHttpRequest, course: SupervisionCourse, data: Any = None
) -> forms.SessionForm:
    return forms.SessionForm(
        data,
        course=course,
        families=course.families.order_by("name"),
        staff=selectors.institution_staff(course.institution_id),
        actor=request.user,
    )


@require_POST
def session_log(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = _course_to_change(request, uuid)
    form = _session_form(request, course, request.POST)
    logged = run_form_action(
        form,
        lambda data: services.log_supervision_session(
            actor=request.user,
            course=course,
            values=data,
            attended=data["attended"],
            delivered_by=data["delivered_by"],
        ),
    )
    if logged is not None:
        messages.success(request, _("The session was logged."))
        return redirect("competence:supervision_detail", course.uuid)
    return _render_detail(request, course, session_form=form)


@require_POST
def course_extend(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = _course_to_change(request, uuid)
    form = forms.ExtendForm(request.POST, course=course)
    extended = run_form_action(
        form,
        lambda data: services.extend_course(
            actor=request.user,
            course=course,
            added_sessions=data["added_sessions"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
    )
    if extended is not None:
        messages.success(request, _("The course was extended."))
        return redirect("competence:supervision_detail", course.uuid)
    return _render_detail(request, course, extend_form=form)


@require_POST
def course_close(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = _course_to_change(request, uuid)
    form = forms.CloseForm(request.POST, course=course)
    closed = run_form_action(
        form,
        lambda data: services.close_course(
            actor=request.user,
            course=course,
            goal_rating=data["goal_rating"],
            closing_summary=data["closing_summary"],
            expected_version=data["version"],
        ),
    )
    if closed is not None:
        messages.success(request, _("The course was closed."))
        return redirect("competence:supervision_detail", course.uuid)
    return _render_detail(request, course, close_form=form)


@require_POST
def referral_accept(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = _course_to_change(request, uuid)
    form = forms.AcceptReferralForm(
        request.POST,
        course=course,
        supervisors=selectors.supervisors_for(course.institution_id),
    )
    accepted = run_form_action(
        form,
        lambda data: services.accept_referral(
            actor=request.user,
            course=course,
            supervisor=data["supervisor"],
            goal=data["goal"],
            expected_version=data["version"],
        ),
    )
    if accepted is not None:
        messages.success(request, _("The referral was accepted and the course opened."))
        return redirect("competence:supervision_detail", course.uuid)
    return _render_detail(request, course, accept_form=form)


@require_POST
def referral_decline(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    course = _course_to_change(request, uuid)
    form = forms.DeclineReferralForm(request.POST, course=course)
    declined = run_form_action(
        form,
        lambda data: services.decline_referral(
            actor=request.user,
            course=course,
            reason=data["decline_reason"],
            expected_version=data["version"],
        ),
    )
    if declined is not None:
        messages.success(request, _("The referral was declined."))
        return redirect("competence:referral_inbox")
    return _render_detail(request, course, decline_form=form)


urlpatterns: list[URLPattern] = [
    path("supervision/", supervision_list, name="supervision_list"),
    path("supervision/create/", supervision_create, name="supervision_create"),
    path("supervision/groups/create/", group_create, name="supervision_group_create"),
    path("supervision/referrals/", referral_inbox, name="referral_inbox"),
    path("supervision/referrals/create/", referral_create, name="referral_create"),
    path("supervision/<uuid:uuid>/", supervision_detail, name="supervision_detail"),
    path("supervision/<uuid:uuid>/sessions/", session_log, name="supervision_log_session"),
    path("supervision/<uuid:uuid>/extend/", course_extend, name="supervision_extend"),
    path("supervision/<uuid:uuid>/close/", course_close, name="supervision_close"),
    path("supervision/<uuid:uuid>/accept/", referral_accept, name="referral_accept"),
    path("supervision/<uuid:uuid>/decline/", referral_decline, name="referral_decline"),
]
