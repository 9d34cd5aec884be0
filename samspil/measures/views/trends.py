"""Trend pages (a child's and a foster family's scores over time) and one response's page.
Thin: the families policy finds the child or family (404 when not visible), the measures policy
decides whether the user may see answers at all (403 otherwise) and which (`response_filter`),
and the selectors write the audit log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from samspil.core.types import AuthenticatedHttpRequest
from samspil.families import selectors as family_selectors
from samspil.measures import rules
from samspil.measures.selectors import responses as response_selectors
from samspil.measures.selectors import trends as selectors


def child_trends(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Every instrument about the child, per respondent: charts, tables, change."""
    child = family_selectors.get_child_for(request.user, uuid, audit=False)
    if not rules.can_see_responses(request.user):
        raise PermissionDenied
    trends = selectors.child_trends(request.user, child)
    families = [
        placement.family
        for placement in family_selectors.current_placements()
        .filter(child=child)
        .select_related("family")
        .order_by("starts_on", "id")
    ]
    enter_links = [
        (
            family,
            reverse("measures:response_create", args=[family.uuid]) + f"?child={child.uuid}",
        )
        for family in families
        if rules.can_manage_measurements(request.user, family.municipality_id)
    ]
    return _render(
        request,
        {
            "subject": "child",
            "child": child,
            "trends": trends,
            "enter_links": enter_links,
            "back": reverse("families:child_detail", args=[child.uuid]),
        },
    )


def family_trends(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The family's own instruments (WHO-5 …) and the burden ratings of its children."""
    family = family_selectors.get_family_for(request.user, uuid, audit=False)
    if not rules.can_see_responses(request.user):
        raise PermissionDenied
    trends = selectors.family_trends(request.user, family)
    enter_links = (
        [(family, reverse("measures:response_create", args=[family.uuid]))]
        if rules.can_manage_measurements(request.user, family.municipality_id)
        else []
    )
    return _render(
        request,
        {
            "subject": "family",
            "family": family,
            "trends": trends,
            "enter_links": enter_links,
            "back": reverse("families:detail", args=[family.uuid]),
        },
    )


def _render(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> HttpResponse:
    context["can_read_instruments"] = rules.can_read_instruments(request.user)
    return render(request, "measures/trend_page.html", context)


def response_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """One response: its scores, bands and flags, and every answer with its item's label."""
    response = response_selectors.get_response_for(request.user, uuid)
    detail = response_selectors.response_detail(response)
    trend_url = (
        reverse("measures:child_trends", args=[response.child.uuid])
        if response.child is not None
        else reverse("measures:family_trends", args=[response.family.uuid])
    )
    return render(
        request,
        "measures/response_detail.html",
        {
            "detail": detail,
            "response": response,
            "trend_url": trend_url,
            "can_read_instruments": rules.can_read_instruments(request.user),
        },
    )


urlpatterns: list[URLPattern] = [
    path("children/<uuid:uuid>/measures/", child_trends, name="child_trends"),
    path("families/<uuid:uuid>/measures/", family_trends, name="family_trends"),
    path("responses/<uuid:uuid>/", response_detail, name="response_detail"),
]
