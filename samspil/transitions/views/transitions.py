"""Views of transitions: the list, creating one (choose the child and the family by search,
then the institution and the rest), the transition's page with what the user may do there,
editing it, changing its status, and the child's involvement. Thin: form → service or
selector → template; the services check permissions again and write the audit log."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.transitions import rules
from samspil.transitions.forms import plans as plan_forms
from samspil.transitions.forms import transitions as forms
from samspil.transitions.models import Transition
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.services import transitions as services
from samspil.transitions.services.transitions import NEXT_STATUSES

SERVICE_ERRORS = (ValidationError, ConcurrentEditError)


# -- the list -----------------------------------------------------------------------------------


def transition_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.transitions_nav(request.user):
        raise Http404
    form = forms.TransitionFilterForm(request.GET or None)
    filters = selectors.TransitionFilters()
    if form.is_valid():
        filters = selectors.TransitionFilters(
            status=form.cleaned_data["status"],
            search=form.cleaned_data["q"],
            mine=form.cleaned_data["mine"],
        )
    page = selectors.page_of(
        request.user,
        selectors.transitions_for(request.user, filters),
        request.GET.get("page"),
        settings.SAMSPIL_PAGE_SIZE,
    )
    template = "transitions/transition_list.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": _querystring(request),
            "can_create": rules.can_create_transition(request.user),
            "can_edit_template": bool(rules.template_municipalities(request.user)),
        },
    )


def _querystring(request: AuthenticatedHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# -- creating -----------------------------------------------------------------------------------


def transition_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Three steps on one page: find the child (`?child=`), find the family (`?family=`),
    then the institution, the planned moving day and the consultant. Coming from a child's or
    a family's page, that one is chosen already."""
    if not rules.can_create_transition(request.user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    child = (
        selectors.get_creatable_child(request.user, params["child"])
        if params.get("child")
        else None
    )
    family = (
        selectors.get_creatable_family(request.user, params["family"])
        if params.get("family")
        else None
    )
    context: dict[str, Any] = {"child": child, "family": family}
    if child is None:
        search = forms.SearchForm(request.GET, prefix="child")
        context.update(
            child_search=search, children=selectors.search_children(request.user, search.query())
        )
    if family is None:
        search = forms.SearchForm(request.GET, prefix="family")
        context.update(
            family_search=search, families=selectors.search_families(request.user, search.query())
        )
    if child is not None and family is not None:
        form = forms.TransitionCreateForm(
            request.POST if request.method == "POST" else None,
            institutions=selectors.institution_choices(),
            consultants=selectors.consultant_choices(child.municipality_id, family.municipality_id),
            initial={"consultant": request.user.pk},
        )
        if request.method == "POST" and form.is_valid():
            try:
                transition = services.create_transition(
                    actor=request.user,
                    child=child,
                    family=family,
                    institution=form.cleaned_data["institution"],
                    planned_move_on=form.cleaned_data["planned_move_on"],
                    consultant=form.cleaned_data["consultant"],
                    internal_notes=form.cleaned_data["internal_notes"],
                )
            except PermissionDeniedError:
                raise PermissionDenied from None
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The transition was created with its plan."))
                return redirect("transitions:detail", transition.uuid)
        context["form"] = form
    return render(request, "transitions/transition_create.html", context)


# -- one transition -----------------------------------------------------------------------------


def transition_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid)
    return render_detail(request, transition)


def render_detail(
    request: AuthenticatedHttpRequest, transition: Transition, **bound: Any
) -> HttpResponse:
    """The transition's page with the forms `request.user` may use; `bound` replaces an empty
    form with the one just submitted (so the input and the errors stay)."""
    detail = selectors.transition_detail(request.user, transition)
    context: dict[str, Any] = {"detail": detail, "transition": transition}
    if detail.can_manage and transition.is_open:
        statuses = [*NEXT_STATUSES[transition.status], "cancelled"]
        context["status_form"] = forms.StatusForm(transition=transition, statuses=statuses)
        context["step_form"] = plan_forms.StepForm(auto_id="step-%s")
    context.update(bound)
    return render(request, "transitions/transition_detail.html", context)


def _to_change(request: AuthenticatedHttpRequest, uuid: str) -> Transition:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    if not rules.can_change(request.user, transition):
        raise PermissionDenied
    return transition


def transition_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = _to_change(request, uuid)
    consultants = selectors.consultant_choices(
        transition.municipality_id, transition.family.municipality_id
    )
    form = forms.TransitionEditForm(
        request.POST or None, instance=copy.copy(transition), consultants=consultants
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_transition(
                actor=request.user,
                transition=transition,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The transition was saved."))
            return redirect("transitions:detail", transition.uuid)
    else:
        selectors.audit_read(request.user, transition)
    return render(
        request, "transitions/transition_form.html", {"form": form, "transition": transition}
    )


@require_POST
def transition_status(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    if not (rules.can_manage(request.user, transition) and transition.is_open):
        raise PermissionDenied
    statuses = [*NEXT_STATUSES[transition.status], "cancelled"]
    form = forms.StatusForm(request.POST, transition=transition, statuses=statuses)
    if form.is_valid():
        try:
            services.change_status(
                actor=request.user,
                transition=transition,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("transitions:detail", transition.uuid)
    transition.refresh_from_db()
    selectors.audit_read(request.user, transition)
    return render_detail(request, transition, status_form=form)


def involvement_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    transition = selectors.get_transition_for(request.user, uuid, audit=False)
    if not rules.can_contribute(request.user, transition):
        raise PermissionDenied
    involvement = selectors.involvement_of(transition)
    form = forms.InvolvementForm(request.POST or None, instance=copy.copy(involvement))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_involvement(
                actor=request.user,
                involvement=involvement,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The involvement of the child was saved."))
            return redirect("transitions:detail", transition.uuid)
    else:
        selectors.audit_read(request.user, transition)
    return render(
        request,
        "transitions/involvement_form.html",
        {"form": form, "transition": transition},
    )


urlpatterns: list[URLPattern] = [
    path("transitions/", transition_list, name="list"),
    path("transitions/create/", transition_create, name="create"),
    path("transitions/<uuid:uuid>/", transition_detail, name="detail"),
    path("transitions/<uuid:uuid>/edit/", transition_edit, name="edit"),
    path("transitions/<uuid:uuid>/status/", transition_status, name="status"),
    path("transitions/<uuid:uuid>/involvement/", involvement_edit, name="involvement"),
]
