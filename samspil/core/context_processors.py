from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for


def _codes(municipality_ids: frozenset[int]) -> list[str]:
    """Municipality codes for the leader's links; no query when there are none."""
    if not municipality_ids:
        return []
    from samspil.organisations.models import Municipality

    return list(
        Municipality.objects.filter(pk__in=municipality_ids)
        .order_by("code")
        .values_list("code", flat=True)
    )


def samspil(request: HttpRequest) -> dict[str, Any]:
    """Navigation flags for the layout, from the request's (cached) scope."""
    scope = scope_for(getattr(request, "user", None))
    municipal_staff = bool(scope.municipalities(Role.CONSULTANT, Role.LEADER, Role.CASE_WORKER))
    return {
        "demo_mode": settings.DEMO_MODE,
        "nav": {
            "families": municipal_staff
            or bool(scope.institutions(Role.SPECIALIST, Role.COORDINATOR)),
            "children": municipal_staff,
            "organisations": scope.is_staff_member,
            "leader": bool(scope.municipalities(Role.LEADER)),
            # Called by the template only when it shows the leader's links.
            "leader_municipality_codes": lambda: _codes(scope.municipalities(Role.LEADER)),
            "catalogue": municipal_staff or scope.is_foster_parent,
            "offerings": bool(scope.institutions(Role.SPECIALIST, Role.COORDINATOR)),
            "supervision": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER)
                or scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
                or scope.is_foster_parent
            ),
            "calendar": scope.is_staff_member or scope.is_foster_parent,
            "evaluations": scope.is_foster_parent,
            "network_groups": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER)
                or scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
                or scope.is_foster_parent
            ),
            "network_pools": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER)
                or scope.institutions(Role.COORDINATOR)
            ),
            "hotlines": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER)
                or scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
            ),
            "mentors": bool(scope.municipalities(Role.CONSULTANT, Role.LEADER))
            or scope.is_foster_parent,
            "development_plans": bool(scope.municipalities(Role.CONSULTANT, Role.LEADER)),
            "transitions": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER, Role.CASE_WORKER)
                or scope.institutions(Role.SPECIALIST, Role.COORDINATOR)
                or scope.is_foster_parent
            ),
            "measurements": bool(
                scope.municipalities(Role.CONSULTANT, Role.LEADER)
                or scope.has_role(Role.CASE_WORKER)
            ),
            "instruments": scope.is_staff_member,
            "own_family": scope.is_foster_parent,
        },
    }
