"""Views of due measurements: the list (filters: status, mine), one measurement with its answer
links, an extra measurement, sending and revoking a link, cancelling. Thin: form → service or
selector → template; the services check permissions again and write the audit log."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.families import selectors as family_selectors
from samspil.measures import rules
from samspil.measures.enums import Respondent
from samspil.measures.forms import measurements as forms
from samspil.measures.models import Measurement
from samspil.measures.selectors import measurements as selectors
from samspil.measures.services import links as link_services
from samspil.measures.services import measurements as services


def measurement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Measurements the user may see: due or link sent by default, due date first."""
    if not rules.can_list_measurements(request.user):
        raise Http404
    form = forms.MeasurementFilterForm(request.GET or None)
    filters = selectors.MeasurementFilters()
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        filters = selectors.MeasurementFilters(
            status="" if status == "all" else status, mine=form.cleaned_data["mine"]
        )
    current = selectors.measurement_page(request.user, filters, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "measures/measurement_list.html",
        {
            "form": form,
            "page": current,
            "rows": selectors.rows(list(current.object_list)),
            "query": params.urlencode(),
        },
    )


def measurement_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    measurement = selectors.get_measurement_for(request.user, uuid)
    return _render_detail(request, measurement)


def _render_detail(
    request: AuthenticatedHttpRequest,
    measurement: Measurement,
    link_form: forms.LinkForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.measurement_detail(request.user, measurement)
    if link_form is None:
        link_form = forms.LinkForm(
            initial={
                "recipient_name": detail.suggested_name,
                "recipient_email": detail.suggested_email,
                "send": measurement.respondent != Respondent.CHILD,
            }
        )
    return render(
        request,
        "measures/measurement_detail.html",
        {
            "detail": detail,
            "measurement": measurement,
            "link_form": link_form,
            "cancel_form": forms.CancelForm(initial={"version": measurement.version}),
        },
        status=status,
    )


def measurement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An extra measurement for the family in `?family=`."""
    try:
        family_uuid = uuid_module.UUID(request.GET.get("family", ""))
    except ValueError:
        raise Http404 from None
    family = family_selectors.get_family_for(request.user, family_uuid, audit=False)
    if not rules.can_manage_measurements(request.user, family.municipality_id):
        raise PermissionDenied
    form = forms.ExtraMeasurementForm(
        request.POST or None,
        initial={"due_on": timezone.localdate()},
        instruments=selectors.extra_instruments(family),
        children=selectors.children_placed(family),
    )
    if request.method == "POST" and form.is_valid():
        try:
            measurement = services.add_measurement(
                actor=request.user,
                family=family,
                instrument=form.cleaned_data["instrument"],
                child=form.cleaned_data["child"],
                due_on=form.cleaned_data["due_on"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The measurement was added."))
            return redirect("measures:measurement_detail", measurement.uuid)
    return render(request, "measures/measurement_form.html", {"form": form, "family": family})


@require_POST
def link_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Create (and by default e-mail) an answer link. A link that was not e-mailed is shown
    once, on the page this answers with, for the consultant to hand over."""
    measurement = selectors.get_measurement_for(request.user, uuid, audit=False)
    form = forms.LinkForm(request.POST)
    if form.is_valid():
        try:
            link, token = link_services.create_link(
                actor=request.user,
                measurement=measurement,
                recipient_name=form.cleaned_data["recipient_name"],
                recipient_email=form.cleaned_data["recipient_email"],
                send=form.cleaned_data["send"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            emailed = bool(form.cleaned_data["send"] and link.recipient_email)
            if emailed:
                messages.success(request, _("The link was sent by e-mail."))
                return redirect("measures:measurement_detail", measurement.uuid)
            response = render(
                request,
                "measures/measurement_link_created.html",
                {
                    "measurement": measurement,
                    "link": link,
                    "url": link_services.answer_url(token),
                },
            )
            response["Cache-Control"] = "no-store"
            return response
    # The measurement's page is shown again: a read like any other (audited).
    measurement = selectors.get_measurement_for(request.user, uuid)
    return _render_detail(request, measurement, form, status=422)


@require_POST
def link_revoke(request: AuthenticatedHttpRequest, uuid: str, link_id: int) -> HttpResponse:
    measurement = selectors.get_measurement_for(request.user, uuid, audit=False)
    link = next((link for link in measurement.links.all() if link.pk == link_id), None)
    if link is None:
        raise Http404
    try:
        link_services.revoke_link(actor=request.user, link=link)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The link no longer works."))
    return redirect("measures:measurement_detail", measurement.uuid)


@require_POST
def measurement_cancel(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    measurement = selectors.get_measurement_for(request.user, uuid, audit=False)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The measurement was not cancelled: reload the page and try again.")
        )
        return redirect("measures:measurement_detail", measurement.uuid)
    try:
        services.cancel_measurement(
            actor=request.user,
            measurement=measurement,
            expected_version=form.cleaned_data["version"],
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ValidationError, ConcurrentEditError) as error:
        text = str(error) if isinstance(error, ConcurrentEditError) else " ".join(error.messages)
        messages.error(request, text)
    else:
        messages.success(request, _("The measurement was cancelled."))
    return redirect("measures:measurement_detail", measurement.uuid)


urlpatterns: list[URLPattern] = [
    path("measurements/", measurement_list, name="measurement_list"),
    path("measurements/create/", measurement_create, name="measurement_create"),
    path("measurements/<uuid:uuid>/", measurement_detail, name="measurement_detail"),
    path("measurements/<uuid:uuid>/links/", link_create, name="link_create"),
    path("measurements/<uuid:uuid>/links/<int:link_id>/revoke/", link_revoke, name="link_revoke"),
    path("measurements/<uuid:uuid>/cancel/", measurement_cancel, name="measurement_cancel"),
]
