"""Views of the development plan: the list for consultants and leaders, the plan page of a
family (or "no plan yet"), creating and editing the plan, adding and editing goals, and the POST
endpoints for reviewing a goal, adding a progress note and linking or unlinking a supervision
course. Thin: form → service or selector → template; the services check permissions again and
write the audit log. 404 when the plan is not visible, 403 when it is but the action is not
allowed."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.development import forms, rules, selectors, services
from samspil.development.models import DevelopmentPlan, Goal
from samspil.families.models import FosterFamily

# -- the list -----------------------------------------------------------------------------------


def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The municipality's plans with their goals' state and next review; ?mine= the user's own
    families, ?due= those with a review due within a week. An HTMX request gets the results."""
    if not rules.can_list_plans(request.user):
        raise Http404
    form = forms.PlanFilterForm(request.GET or None)
    filters = selectors.PlanFilters()
    if form.is_valid():
        filters = selectors.PlanFilters(
            search=form.cleaned_data["q"],
            consultant_id=request.user.pk if form.cleaned_data["mine"] else None,
            due=form.cleaned_data["due"],
        )
    page = Paginator(
        selectors.plans_for(request.user, filters), settings.SAMSPIL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    template = (
        "development/plan_list.html#results" if request.htmx else "development/plan_list.html"
    )
    return render(request, template, {"form": form, "page": page, "query": params.urlencode()})


# -- the plan -----------------------------------------------------------------------------------


def _plan_url(family: FosterFamily, goal: Goal | None = None) -> str:
    url = reverse("development:plan", args=[family.uuid])
    return f"{url}#goal-{goal.uuid}" if goal is not None else url


def _render_plan(
    request: AuthenticatedHttpRequest,
    family: FosterFamily,
    plan: DevelopmentPlan | None,
    *,
    bound: dict[int, dict[str, Any]] | None = None,
) -> HttpResponse:
    """The plan page. `bound` replaces a goal's empty form with the one the user just submitted
    (by goal id and form name), so their input and the errors stay."""
    context: dict[str, Any] = {
        "family": family,
        "plan": plan,
        "can_change": rules.can_change_plan(request.user, family),
    }
    if plan is not None:
        detail = selectors.plan_detail(request.user, plan)
        bound = bound or {}
        panels = []
        for view in detail.goals:
            goal = view.goal
            forms_for: dict[str, Any] = {}
            if view.can_review:
                forms_for["review_form"] = forms.ReviewForm(goal=goal)
            if view.can_note:
                forms_for["note_form"] = forms.NoteForm(goal=goal)
            if detail.can_change and detail.linkable:
                forms_for["link_form"] = forms.LinkCourseForm(goal=goal, courses=detail.linkable)
            forms_for.update(bound.get(goal.pk, {}))
            panels.append({"view": view, "open": goal.pk in bound, **forms_for})
        context.update(detail=detail, panels=panels)
    return render(request, "development/plan_detail.html", context)


def plan_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family, plan = selectors.family_plan_for(request.user, uuid)
    return _render_plan(request, family, plan)


def plan_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family, plan = selectors.family_plan_for(request.user, uuid, audit=False)
    if not rules.can_change_plan(request.user, family):
        raise PermissionDenied
    if plan is not None:
        return redirect(_plan_url(family))
    form = forms.PlanForm(request.POST or None, instance=DevelopmentPlan(family=family))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_plan(
                actor=request.user,
                family=family,
                purpose=form.cleaned_data["purpose"],
                agreed_on=form.cleaned_data["agreed_on"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The development plan was created. Add its goals."))
            return redirect("development:goal_create", family.uuid)
    return render(
        request,
        "development/plan_form.html",
        {"form": form, "family": family, "title": _("New development plan")},
    )


def plan_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family, plan = selectors.family_plan_for(request.user, uuid, audit=False)
    if plan is None:
        raise Http404
    if not rules.can_change_plan(request.user, family):
        raise PermissionDenied
    if request.method != "POST":
        selectors.log_plan_read(request.user, plan)
    form = forms.PlanForm(request.POST or None, instance=copy.copy(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                actor=request.user,
                plan=plan,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The development plan was saved."))
            return redirect(_plan_url(family))
    return render(
        request,
        "development/plan_form.html",
        {"form": form, "family": family, "plan": plan, "title": _("Edit the development plan")},
    )


# -- goals --------------------------------------------------------------------------------------


def goal_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family, plan = selectors.family_plan_for(request.user, uuid, audit=False)
    if plan is None:
        raise Http404
    if not rules.can_change_plan(request.user, family):
        raise PermissionDenied
    form = forms.GoalForm(
        request.POST or None,
        instance=Goal(plan=plan),
        owners=selectors.assignable_owners(family),
    )
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.add_goal(actor=request.user, plan=plan, values=form.goal_values())
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The goal was added to the plan."))
            if "another" in request.POST:
                return redirect("development:goal_create", family.uuid)
            return redirect(_plan_url(family, goal))
    return render(
        request,
        "development/goal_form.html",
        {"form": form, "family": family, "plan": plan, "title": _("New goal")},
    )


def goal_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    goal = selectors.get_goal_for(request.user, uuid, audit=False)
    family = goal.plan.family
    if not rules.can_change_plan(request.user, family):
        raise PermissionDenied
    if request.method != "POST":
        selectors.log_goal_read(request.user, goal)
    form = forms.GoalForm(
        request.POST or None,
        instance=copy.copy(goal),
        owners=selectors.assignable_owners(family),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(
                actor=request.user,
                goal=goal,
                values=form.goal_values(),
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(_plan_url(family, goal))
    return render(
        request,
        "development/goal_form.html",
        {
            "form": form,
            "family": family,
            "plan": goal.plan,
            "goal": goal,
            "title": _("Edit the goal"),
        },
    )


def _goal_for_post(request: AuthenticatedHttpRequest, uuid: str) -> Goal:
    return selectors.get_goal_for(request.user, uuid, audit=False)


def _rerender(request: AuthenticatedHttpRequest, goal: Goal, name: str, form: Any) -> HttpResponse:
    """The plan page again, with `form` (and its errors) on the goal it was sent for."""
    # The whole plan is shown again, so this is a read like any other (audited).
    family, plan = selectors.family_plan_for(request.user, goal.plan.family.uuid)
    return _render_plan(request, family, plan, bound={goal.pk: {name: form}})


@require_POST
def goal_review(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    goal = _goal_for_post(request, uuid)
    if not rules.can_review_goal(request.user, goal):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            services.review_goal(
                actor=request.user,
                goal=goal,
                status=form.cleaned_data["status"],
                review_on=form.cleaned_data["review_on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
            goal = _goal_for_post(request, uuid)
        else:
            messages.success(request, _("The review was saved."))
            return redirect(_plan_url(goal.plan.family, goal))
    return _rerender(request, goal, "review_form", form)


@require_POST
def goal_note(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    goal = _goal_for_post(request, uuid)
    if not rules.can_add_note(request.user, goal):
        raise PermissionDenied
    form = forms.NoteForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            services.add_progress_note(
                actor=request.user, goal=goal, text=form.cleaned_data["text"]
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The progress note was added."))
            return redirect(_plan_url(goal.plan.family, goal))
    return _rerender(request, goal, "note_form", form)


@require_POST
def goal_link_course(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    goal = _goal_for_post(request, uuid)
    if not rules.can_change_plan(request.user, goal.plan.family):
        raise PermissionDenied
    courses = selectors.linkable_courses(request.user, goal.plan)
    form = forms.LinkCourseForm(request.POST, goal=goal, courses=courses)
    if form.is_valid():
        course = selectors.course_for_link(request.user, form.cleaned_data["course"])
        try:
            if course is None:
                raise ValidationError({"course": [services.unknown_course_message()]})
            services.link_course(actor=request.user, goal=goal, course=course)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The course %(course)s now works on the goal.")
                % {"course": course.title or course.get_kind_display()},
            )
            return redirect(_plan_url(goal.plan.family, goal))
    return _rerender(request, goal, "link_form", form)


@require_POST
def goal_unlink_course(request: AuthenticatedHttpRequest, uuid: str, course: str) -> HttpResponse:
    goal = _goal_for_post(request, uuid)
    if not rules.can_change_plan(request.user, goal.plan.family):
        raise PermissionDenied
    link = selectors.get_link(goal, course)
    try:
        services.unlink_course(actor=request.user, link=link)
    except PermissionDeniedError:
        raise PermissionDenied from None
    messages.success(request, _("The course no longer works on the goal."))
    return redirect(_plan_url(goal.plan.family, goal))


urlpatterns: list[URLPattern] = [
    path("development-plans/", plan_list, name="plan_list"),
    path("families/<uuid:uuid>/development-plan/", plan_detail, name="plan"),
    path("families/<uuid:uuid>/development-plan/create/", plan_create, name="plan_create"),
    path("families/<uuid:uuid>/development-plan/edit/", plan_edit, name="plan_edit"),
    path("families/<uuid:uuid>/development-plan/goals/create/", goal_create, name="goal_create"),
    path("development-goals/<uuid:uuid>/edit/", goal_edit, name="goal_edit"),
    path("development-goals/<uuid:uuid>/review/", goal_review, name="goal_review"),
    path("development-goals/<uuid:uuid>/notes/", goal_note, name="goal_note"),
    path("development-goals/<uuid:uuid>/courses/", goal_link_course, name="goal_link_course"),
    path(
        "development-goals/<uuid:uuid>/courses/<uuid:course>/unlink/",
        goal_unlink_course,
        name="goal_unlink_course",
    ),
]
