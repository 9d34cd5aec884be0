"""Views of a municipality's measurement plan: choosing the municipality (a leader or consultant
of several), the plan (consultants and leaders see it), creating it from the default and editing
it (leaders). Not visible → 404; visible but not a leader → 403."""

from __future__ import annotations

from typing import Any

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
from samspil.measures.enums import Respondent
from samspil.measures.forms import plans as forms
from samspil.measures.models import Instrument
from samspil.measures.selectors import plans as selectors
from samspil.measures.services import plans as services
from samspil.organisations.models import Municipality


def plan_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's municipality's plan, or the choice when they work in several."""
    municipalities = list(selectors.plan_municipalities_for(request.user))
    if not municipalities:
        raise Http404
    if len(municipalities) == 1:
        return redirect("measures:plan_detail", municipalities[0].code)
    return render(request, "measures/plan_choose.html", {"municipalities": municipalities})


def plan_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    municipality = selectors.get_plan_municipality(request.user, code)
    view = selectors.plan_view(request.user, municipality)
    return render(
        request,
        "measures/plan_detail.html",
        {"view": view, "default_points": _default_rows(view)},
    )


def _default_rows(view: selectors.PlanView) -> list[dict[str, Any]]:
    """The default plan, described, for the page of a municipality without a plan."""
    if view.plan is not None:
        return []
    names = {i.code: name for i, name in _instrument_names(view.municipality)}
    return [
        {
            "name": names.get(code, code),
            "respondent": Respondent(respondent).label,
            "at_entry": at_entry,
            "every_months": every,
            "at_end": at_end,
        }
        for code, respondent, at_entry, every, at_end in services.DEFAULT_POINTS
    ]


def _instrument_names(municipality: Municipality) -> list[tuple[Instrument, str]]:
    instruments = list(selectors.plan_instruments(municipality))
    names = selectors.instrument_names([i.pk for i in instruments])
    return [(i, names.get(i.pk, i.code)) for i in instruments]


@require_POST
def plan_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Create the plan from the default (leaders)."""
    municipality = selectors.get_plan_municipality(request.user, code)
    try:
        services.create_default_plan(actor=request.user, municipality=municipality)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The measurement plan was created from the default."))
    return redirect("measures:plan_detail", municipality.code)


def plan_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The plan's settings and all its points in one form (versioned)."""
    municipality = selectors.get_plan_municipality(request.user, code)
    view = selectors.plan_view(request.user, municipality)
    if not view.can_edit:
        raise PermissionDenied
    plan = view.plan
    if plan is None:
        return redirect("measures:plan_detail", municipality.code)
    choices = _instrument_names(municipality)
    instruments = selectors.plan_instruments(municipality)
    names = {i.pk: name for i, name in choices}
    initial = [
        {
            "instrument": row.point.instrument_id,
            "respondent": row.point.respondent,
            "at_entry": row.point.at_entry,
            "every_months": row.point.every_months,
            "at_end": row.point.at_end,
        }
        for row in view.points
    ]
    data = request.POST if request.method == "POST" else None
    # The form validates into its own copy: the service compares with the plan as stored.
    form = forms.PlanSettingsForm(data, instance=selectors.plan_for(municipality))
    formset = forms.point_formset(data, initial=initial, instruments=instruments, names=names)
    point_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        specs = [spec for f in formset.forms if (spec := f.spec()) is not None]
        try:
            services.save_plan(
                actor=request.user,
                plan=plan,
                values=form.cleaned_data,
                points=specs,
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ConcurrentEditError as error:
            add_service_error(form, error)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "points" in error.error_dict:
                point_errors = [str(m) for e in error.error_dict.pop("points") for m in e.messages]
            if not hasattr(error, "error_dict") or error.error_dict:
                add_service_error(form, error)
        else:
            messages.success(request, _("The measurement plan was saved."))
            return redirect("measures:plan_detail", municipality.code)
    return render(
        request,
        "measures/plan_form.html",
        {
            "municipality": municipality,
            "form": form,
            "formset": formset,
            "point_errors": point_errors,
        },
    )


urlpatterns: list[URLPattern] = [
    path("measurement-plan/", plan_index, name="plan_index"),
    path("measurement-plan/<str:code>/", plan_detail, name="plan_detail"),
    path("measurement-plan/<str:code>/create/", plan_create, name="plan_create"),
    path("measurement-plan/<str:code>/edit/", plan_edit, name="plan_edit"),
]
