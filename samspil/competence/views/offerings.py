"""Views for offerings, their sessions and the municipalities' catalogues."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.competence import rules
from samspil.competence.forms.offerings import (
    CatalogueFilterForm,
    CatalogueManageForm,
    OfferingCreateForm,
    OfferingForm,
    SessionForm,
)
from samspil.competence.models import Offering
from samspil.competence.selectors import enrolment as enrolment_selectors
from samspil.competence.selectors import offerings as selectors
from samspil.competence.services import offerings as services
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.organisations.models import Municipality


def _querystring(request: AuthenticatedHttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _preferred_slots(request: AuthenticatedHttpRequest) -> list[str]:
    family = enrolment_selectors.own_family(request.user)
    if family is None:
        return []
    return [
        slot
        for slot, wanted in (
            ("weekday_daytime", family.prefers_weekday_daytime),
            ("evenings", family.prefers_evenings),
            ("weekends", family.prefers_weekends),
        )
        if wanted
    ]


def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = selectors.catalogue_municipalities(request.user)
    if not municipalities:
        raise Http404
    data: Any = request.GET.copy()
    if not set(data) - {"page"}:
        data.setlist("slot", _preferred_slots(request))  # the family's own preferences
    form = CatalogueFilterForm(data, municipalities=municipalities, themes=selectors.themes())
    municipality, filters = municipalities[0], selectors.CatalogueFilters()
    if form.is_valid():
        municipality = form.cleaned_data.get("municipality") or municipality
        theme = form.cleaned_data["theme"]
        filters = selectors.CatalogueFilters(
            theme_id=theme.pk if theme else None, slots=tuple(form.cleaned_data["slot"])
        )
    family = enrolment_selectors.own_family(request.user)
    offerings = selectors.catalogue_for(
        request.user, municipality, filters, family_id=family.pk if family else None
    )
    page = Paginator(offerings, settings.SAMSPIL_PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "competence/catalogue_list.html#results"
        if request.htmx
        else "competence/catalogue_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "municipality": municipality,
            "family": family,
            "can_manage": rules.can_manage_catalogue(request.user, municipality.pk),
            "query": _querystring(request),
            "next": request.get_full_path(),
            "now": timezone.now(),
        },
    )


def catalogue_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipalities = list(selectors.managed_catalogue_municipalities(request.user))
    if not municipalities:
        raise Http404
    code = request.POST.get("municipality") or request.GET.get("municipality")
    municipality = next((m for m in municipalities if m.code == code), municipalities[0])
    if request.method == "POST":
        _manage_entry(request, municipality)
        return redirect(request.get_full_path())
    search = request.GET.get("q", "")[:100]
    page = Paginator(
        selectors.catalogue_manage_list(request.user, municipality, search),
        settings.SAMSPIL_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "competence/catalogue_manage.html",
        {
            "page": page,
            "q": search,
            "municipality": municipality,
            "municipalities": municipalities,
            "query": _querystring(request),
        },
    )


def _manage_entry(request: AuthenticatedHttpRequest, municipality: Municipality) -> None:
    form = CatalogueManageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an offering and what to do with it."))
        return
    offering = selectors.get_offering_for(request.user, form.cleaned_data["offering"])
    action = form.cleaned_data["action"]
    try:
        if action == "unlink":
            services.unlink_offering(
                actor=request.user, municipality=municipality, offering=offering
            )
            messages.success(
                request, _("“%(title)s” was removed from the catalogue.") % {"title": offering}
            )
        else:
            entry = services.link_offering(
                actor=request.user,
                municipality=municipality,
                offering=offering,
                mandatory=action == "mandatory",
            )
            text = (
                _("“%(title)s” is in the catalogue as mandatory.")
                if entry.mandatory
                else _("“%(title)s” is in the catalogue.")
            )
            messages.success(request, text % {"title": offering})
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


def offering_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.can_create_offering(request.user):
        raise Http404
    page = Paginator(selectors.own_offerings(request.user), settings.SAMSPIL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "competence/offering_list.html", {"page": page, "query": _querystring(request)}
    )


def _offering_form_querysets(request: AuthenticatedHttpRequest, offering: Offering | None) -> Any:
    institution_ids = (
        [offering.institution_id] if offering else selectors.managed_institution_ids(request.user)
    )
    return {
        "themes": selectors.themes(),
        "responsible": selectors.responsible_candidates(institution_ids),
        "follows": selectors.followable_offerings(institution_ids, exclude=offering),
    }


def offering_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.can_create_offering(request.user):
        raise PermissionDenied
    form = OfferingCreateForm(
        request.POST or None,
        institutions=selectors.institutions_of(request.user),
        **_offering_form_querysets(request, None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.create_offering(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                values=form.cleaned_data,
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The offering was saved. Add its sessions."))
            return redirect("competence:offering_detail", offering.uuid)
    return render(
        request, "competence/offering_form.html", {"form": form, "title": _("New offering")}
    )


def offering_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    offering = selectors.get_offering_for(request.user, uuid)
    family = enrolment_selectors.own_family(request.user)
    return render(
        request,
        "competence/offering_detail.html",
        {
            "offering": offering,
            "sessions": selectors.offering_sessions(
                request.user, offering, family_id=family.pk if family else None
            ),
            "chain": selectors.offering_chain(request.user, offering),
            "catalogues": selectors.offering_catalogues(offering),
            "family": family,
            "can_manage": rules.can_manage_offering(request.user, offering),
            "next": request.get_full_path(),
            "now": timezone.now(),
        },
    )


def offering_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    offering = selectors.get_offering_for(request.user, uuid)
    if not rules.can_manage_offering(request.user, offering):
        raise PermissionDenied
    form = OfferingForm(
        request.POST or None,
        instance=copy.copy(offering),
        **_offering_form_querysets(request, offering),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_offering(
                actor=request.user,
                offering=offering,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The offering was saved."))
            return redirect("competence:offering_detail", offering.uuid)
    return render(
        request,
        "competence/offering_form.html",
        {"form": form, "offering": offering, "title": _("Edit %(title)s") % {"title": offering}},
    )


def session_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    offering = selectors.get_offering_for(request.user, uuid)
    if not rules.can_manage_offering(request.user, offering):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.add_session(
                actor=request.user, offering=offering, values=form.values()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The session was added."))
            return redirect("competence:session_detail", session.uuid)
    return render(
        request,
        "competence/session_form.html",
        {
            "form": form,
            "offering": offering,
            "title": _("New session of %(title)s") % {"title": offering},
        },
    )


@require_POST
def session_cancel(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    session = selectors.get_session_for(request.user, uuid)
    try:
        services.cancel_session(actor=request.user, session=session)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session was cancelled."))
    return redirect("competence:session_detail", session.uuid)


urlpatterns: list[URLPattern] = [
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/manage/", catalogue_manage, name="catalogue_manage"),
    path("offerings/", offering_list, name="offering_list"),
    path("offerings/create/", offering_create, name="offering_create"),
    path("offerings/<uuid:uuid>/", offering_detail, name="offering_detail"),
    path("offerings/<uuid:uuid>/edit/", offering_edit, name="offering_edit"),
    path("offerings/<uuid:uuid>/sessions/create/", session_create, name="session_create"),
    path("sessions/<uuid:uuid>/cancel/", session_cancel, name="session_cancel"),
]
