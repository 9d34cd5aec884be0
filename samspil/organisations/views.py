from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.organisations import forms, rules, selectors, services
from samspil.organisations.models import Collaboration, Institution


def municipality_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(selectors.municipalities_for(request.user, search), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "organisations/municipality_list.html", {"page": page, "q": search})


def institution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.institutions_for(request.user, search), settings.SAMSPIL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/institution_list.html",
        {"page": page, "q": search, "can_create": rules.can_create_institution(request.user)},
    )


def institution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    institution = selectors.get_institution_for(request.user, pk)
    return render(
        request,
        "organisations/institution_detail.html",
        {
            "institution": institution,
            "can_change": rules.can_change_institution(request.user, institution),
        },
    )


def institution_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    institution = selectors.get_institution_for(request.user, pk) if pk else Institution()
    allowed = (
        rules.can_change_institution(request.user, institution)
        if pk
        else rules.can_create_institution(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = forms.InstitutionForm(request.POST or None, instance=copy.copy(institution))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_institution(
                actor=request.user,
                institution=institution,
                values=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The institution was saved."))
            return redirect("organisations:institution_detail", saved.pk)
    title = _("Edit %(name)s") % {"name": institution.name} if pk else _("New institution")
    return render(request, "organisations/form.html", {"form": form, "title": title})


def collaboration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/collaboration_list.html",
        {
            "collaborations": selectors.collaborations_for(request.user),
            "can_create": rules.can_create_collaboration(request.user),
        },
    )


def collaboration_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    collaboration = selectors.get_collaboration_for(request.user, pk) if pk else Collaboration()
    allowed = (
        rules.can_change_collaboration(request.user, collaboration)
        if pk
        else rules.can_create_collaboration(request.user)
    )
    if not allowed:
        raise PermissionDenied
    form = forms.CollaborationForm(request.POST or None, instance=copy.copy(collaboration))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_collaboration(
                actor=request.user,
                collaboration=collaboration,
                values=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The collaboration was saved."))
            return redirect("organisations:collaboration_list")
    title = _("Edit %(name)s") % {"name": collaboration.name} if pk else _("New collaboration")
    return render(request, "organisations/form.html", {"form": form, "title": title})
