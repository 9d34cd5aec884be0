"""A leader's page for the municipality's network settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.networks import rules
from samspil.networks.forms.settings import NetworkSettingsForm
from samspil.networks.models import NetworkSettings
from samspil.networks.services import settings as services
from samspil.organisations.models import Municipality


def settings_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, code=code)
    if not rules.can_change_settings(request.user, municipality):
        raise PermissionDenied
    current = NetworkSettings.for_municipality(municipality)
    form = NetworkSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(
                actor=request.user,
                municipality=municipality,
                values=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The network settings were saved."))
            return redirect("networks:settings", municipality.code)
    return render(
        request,
        "networks/settings_form.html",
        {"form": form, "municipality": municipality},
    )


urlpatterns: list[URLPattern] = [
    path("networks/settings/<str:code>/", settings_edit, name="settings"),
]
