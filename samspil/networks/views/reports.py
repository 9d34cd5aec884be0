"""The cadence report of network groups: groups that have not met within their cadence plus
the municipality's tolerance, for the municipality's consultants and project lead."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from samspil.core.types import AuthenticatedHttpRequest
from samspil.networks.selectors import reports as selectors


def gap_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.can_see_gap_report(request.user):
        raise Http404
    return render(request, "networks/gaps.html", {"gaps": selectors.cadence_gaps(request.user)})


urlpatterns: list[URLPattern] = [
    path("networks/gaps/", gap_report, name="gap_report"),
]
