from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.competence.selectors.enrolment import upcoming_for_consultant
from samspil.core.types import AuthenticatedHttpRequest
from samspil.development.selectors import reviews_due_for
from samspil.families import selectors as family_selectors
from samspil.hotline.selectors.followups import start_page_panel
from samspil.measures.selectors.measurements import due_for_consultant


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page: what this person works with, by role."""
    scope = scope_for(request.user)
    if scope.is_foster_parent and not scope.roles:
        family = family_selectors.families_for(request.user).first()
        if family is not None:
            return redirect("families:detail", family.uuid)
    context = {
        "scope": scope,
        "my_families": (
            list(family_selectors.families_of_consultant(request.user)[:50])
            if scope.has_role(Role.CONSULTANT)
            else []
        ),
        "my_children": (
            list(family_selectors.children_for(request.user).filter(case_worker=request.user)[:50])
            if scope.has_role(Role.CASE_WORKER)
            else []
        ),
        "engaged_families": (
            list(family_selectors.families_for(request.user)[:50])
            if scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
            else []
        ),
        "upcoming": (
            upcoming_for_consultant(request.user) if scope.has_role(Role.CONSULTANT) else []
        ),
        "hotline_panel": start_page_panel(request.user),
        "measures_due": (
            due_for_consultant(request.user) if scope.has_role(Role.CONSULTANT) else []
        ),
        "development_reviews": (
            reviews_due_for(request.user) if scope.has_role(Role.CONSULTANT) else []
        ),
        "is_leader": scope.has_role(Role.LEADER),
        "is_specialist": bool(scope.institutions(Role.SPECIALIST, Role.COORDINATOR)),
        "is_overview_only": bool(scope.global_roles)
        and not scope.municipal
        and not scope.institutional,
    }
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def minimal(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the least a Django view can do (see BENCHMARKS.md)."""
    return HttpResponse("ok", content_type="text/plain")
