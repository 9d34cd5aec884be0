from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.competence import rules as competence_rules
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.development import rules as development_rules
from samspil.families import forms, rules, selectors, services
from samspil.measures import rules as measures_rules
from samspil.measures.selectors.measurements import measurements_for_family
from samspil.organisations.models import Municipality
from samspil.transitions import rules as transition_rules
from samspil.transitions.selectors.transitions import transitions_for_child, transitions_for_family


def family_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.FamilyFilterForm(request.GET or None)
    filters = selectors.FamilyFilters()
    if form.is_valid():
        filters = selectors.FamilyFilters(
            search=form.cleaned_data["q"],
            kind=form.cleaned_data["kind"],
            preference=form.cleaned_data["preference"],
            consultant_id=request.user.pk if form.cleaned_data["mine"] else None,
        )
    page = Paginator(
        selectors.families_for(request.user, filters), settings.SAMSPIL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    template = "families/family_list.html#results" if request.htmx else "families/family_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_create": rules.can_create_family(request.user),
            "query": _querystring(request),
        },
    )


def _querystring(request: AuthenticatedHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def family_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    detail = selectors.family_detail(request.user, family)
    return render(
        request,
        "families/family_detail.html",
        {
            "detail": detail,
            "family": family,
            "can_change": rules.can_change_family(request.user, family),
            "can_add_placement": rules.can_create_child(request.user) and detail.case_details,
            "can_open_supervision": competence_rules.can_open_course(request.user, family),
            "can_see_plan": development_rules.can_view_family_plan(request.user, family),
            "can_see_measures": measures_rules.can_see_responses(request.user),
            "measures_panel": measurements_for_family(request.user, family),
            "transitions": transitions_for_family(request.user, family),
            "transition_create_url": (
                f"{reverse('transitions:create')}?family={family.uuid}"
                if transition_rules.can_create_transition(request.user)
                and rules.can_change_family(request.user, family)
                else ""
            ),
        },
    )


def family_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality_ids = rules.creatable_family_municipalities(request.user)
    if not municipality_ids:
        raise PermissionDenied
    municipalities = Municipality.objects.filter(pk__in=municipality_ids)
    consultants = selectors.assignable_consultants(*municipality_ids)
    form = forms.FamilyCreateForm(
        request.POST or None, municipalities=municipalities, consultants=consultants
    )
    if request.method == "POST" and form.is_valid():
        try:
            family = services.create_family(
                actor=request.user,
                municipality=form.cleaned_data["municipality"],
                consultant=form.cleaned_data["consultant"],
                values=form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The family was created."))
            return redirect("families:detail", family.uuid)
    return render(
        request, "families/family_form.html", {"form": form, "title": _("New foster family")}
    )


def family_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    if not rules.can_change_family(request.user, family):
        raise PermissionDenied
    form = forms.FamilyForm(request.POST or None, instance=copy.copy(family))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_family(
                actor=request.user,
                family=family,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The family was saved."))
            return redirect("families:detail", family.uuid)
    return render(
        request,
        "families/family_form.html",
        {"form": form, "family": family, "title": _("Edit %(name)s") % {"name": family.name}},
    )


def reassign_consultant(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    if not rules.can_reassign_consultant(request.user, family):
        raise PermissionDenied
    form = forms.ReassignConsultantForm(
        request.POST or None, consultants=selectors.assignable_consultants(family.municipality_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign_consultant(
                actor=request.user,
                family=family,
                consultant=form.cleaned_data["consultant"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The fixed consultant was changed."))
            return redirect("families:detail", family.uuid)
    return render(request, "families/reassign_form.html", {"form": form, "family": family})


def parent_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    if not rules.can_change_family(request.user, family):
        raise PermissionDenied
    form = forms.ParentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_parent(actor=request.user, family=family, values=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The foster parent was added."))
            return redirect("families:detail", family.uuid)
    return render(
        request,
        "families/simple_form.html",
        {"form": form, "family": family, "title": _("Add foster parent")},
    )


def parent_edit(request: AuthenticatedHttpRequest, uuid: str, parent_uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    if not rules.can_change_family(request.user, family):
        raise PermissionDenied
    parent = selectors.get_parent_for(request.user, family, parent_uuid)
    form = forms.ParentForm(request.POST or None, instance=copy.copy(parent))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_parent(
                actor=request.user,
                parent=parent,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The foster parent was saved."))
            return redirect("families:detail", family.uuid)
    return render(
        request,
        "families/simple_form.html",
        {"form": form, "family": family, "title": _("Edit %(name)s") % {"name": parent}},
    )


@require_POST
def parent_invite(request: AuthenticatedHttpRequest, uuid: str, parent_uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid, audit=False)
    parent = selectors.get_parent_for(request.user, family, parent_uuid)
    try:
        user = services.invite_foster_parent(actor=request.user, parent=parent, request=request)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "%(name)s can now log in as “%(username)s” and was e-mailed a link to choose a password."
            )
            % {"name": parent, "username": user.username},
        )
    return redirect("families:detail", family.uuid)


def placement_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    family = selectors.get_family_for(request.user, uuid)
    if not (
        rules.can_create_child(request.user) and rules.can_see_case_details(request.user, family)
    ):
        raise PermissionDenied
    children = selectors.children_for(request.user)
    form = forms.PlacementCreateForm(
        request.POST or None, children=children, initial={"child": request.GET.get("child")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_placement(
                actor=request.user,
                child=form.cleaned_data["child"],
                family=family,
                values=form.cleaned_data,
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The placement was created."))
            return redirect("families:detail", family.uuid)
    return render(
        request,
        "families/simple_form.html",
        {
            "form": form,
            "family": family,
            "title": _("New placement in %(name)s") % {"name": family.name},
        },
    )


def placement_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    placement = selectors.get_placement_for(request.user, uuid, audit=request.method == "GET")
    if not rules.can_change_placement(request.user, placement):
        raise PermissionDenied
    form = forms.PlacementForm(request.POST or None, instance=copy.copy(placement))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_placement(
                actor=request.user,
                placement=placement,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The placement was saved."))
            return redirect("families:detail", placement.family.uuid)
    return render(
        request,
        "families/simple_form.html",
        {
            "form": form,
            "family": placement.family,
            "title": _("Edit placement of %(child)s") % {"child": placement.child},
        },
    )


def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.children_for(request.user, search), settings.SAMSPIL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "families/child_list.html",
        {
            "page": page,
            "q": search,
            "can_create": rules.can_create_child(request.user),
            "query": _querystring(request),
        },
    )


def child_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    child = selectors.get_child_for(request.user, uuid)
    context: dict[str, Any] = {
        "child": child,
        "placements": selectors.child_placements(request.user, child),
        "can_change": rules.can_change_child(request.user, child),
        "can_see_cpr": rules.can_see_cpr(request.user, child),
        "cpr": None,
        "can_see_measures": measures_rules.can_see_responses(request.user),
        "transitions": transitions_for_child(request.user, child),
        "transition_create_url": (
            f"{reverse('transitions:create')}?child={child.uuid}"
            if transition_rules.can_create_transition(request.user)
            and rules.can_change_child(request.user, child)
            else ""
        ),
    }
    if request.GET.get("show_cpr") == "1":
        context["cpr"] = selectors.reveal_cpr(request.user, child)
    return render(request, "families/child_detail.html", context)


def _case_workers_for(request: AuthenticatedHttpRequest) -> Any:
    scope = scope_for(request.user)
    return selectors.assignable_case_workers(
        scope.municipalities(Role.CONSULTANT, Role.LEADER, Role.CASE_WORKER)
    )


def child_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality_ids = rules.creatable_family_municipalities(request.user)
    if not municipality_ids:
        raise PermissionDenied
    form = forms.ChildCreateForm(
        request.POST or None,
        municipalities=Municipality.objects.filter(pk__in=municipality_ids),
        case_workers=_case_workers_for(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_child(
                actor=request.user,
                municipality=form.cleaned_data["municipality"],
                values=form.cleaned_data,
                cpr=form.cpr_value(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The child was registered."))
            return redirect("families:child_detail", child.uuid)
    return render(
        request, "families/simple_form.html", {"form": form, "title": _("Register child")}
    )


def child_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    child = selectors.get_child_for(request.user, uuid)
    if not rules.can_change_child(request.user, child):
        raise PermissionDenied
    form = forms.ChildForm(
        request.POST or None, instance=copy.copy(child), case_workers=_case_workers_for(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_child(
                actor=request.user,
                child=child,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                cpr=form.cpr_value(),
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The child was saved."))
            return redirect("families:child_detail", child.uuid)
    return render(
        request,
        "families/simple_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": child},
            "back": reverse("families:child_detail", args=[child.uuid]),
        },
    )
