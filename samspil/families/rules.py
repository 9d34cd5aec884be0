"""The families app's one access policy.

Every read or write of a family, foster parent, child or placement, from a view, the API, an
export or a command, asks this module. It answers both questions a permission policy must
answer, from the same rules so that they cannot disagree:

* which records may this user list?  (`*_filter`, a `Q` applied to a queryset)
* may this user see / change this record?  (`can_*`)

Deny by default: a user with no matching role gets `Q(pk__in=[])`.

Who sees which families:

| role                     | families                                                            |
|--------------------------|---------------------------------------------------------------------|
| consultant, leader       | all families of their municipality                                  |
| case worker              | families where a child they are case worker for is placed now      |
| specialist, coordinator  | families their institution is engaged with (until access_until)     |
| foster parent            | their own family                                                    |
| evaluator, programme officer, system administrator | none (no personal data)                   |
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.scopes import Scope, scope_for
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily, Placement

NOTHING = Q(pk__in=[])

MUNICIPAL_FAMILY_ROLES = (Role.CONSULTANT, Role.LEADER)
INSTITUTION_ROLES = (Role.SPECIALIST, Role.COORDINATOR)


def _current_placement(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def _engaged(scope: Scope, prefix: str = "") -> Q:
    institutions = scope.institutions(*INSTITUTION_ROLES)
    if not institutions:
        return NOTHING
    today = timezone.localdate()
    return Q(
        **{
            f"{prefix}engagements__institution_id__in": institutions,
            f"{prefix}engagements__starts_on__lte": today,
        }
    ) & (
        Q(**{f"{prefix}engagements__access_until__isnull": True})
        | Q(**{f"{prefix}engagements__access_until__gte": today})
    )


# -- families ---------------------------------------------------------------------------------


def family_filter(user: UserLike) -> Q:
    """The families `user` may see, as a filter on FosterFamily."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL_FAMILY_ROLES)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    if scope.has_role(Role.CASE_WORKER):
        q |= Q(
            pk__in=Placement.objects.filter(
                _current_placement(), child__case_worker_id=scope.user_id
            ).values("family_id")
        )
    if scope.institutions(*INSTITUTION_ROLES):
        q |= Q(pk__in=FosterFamily.objects.filter(_engaged(scope)).values("pk"))
    if scope.foster_family_id is not None:
        q |= Q(pk=scope.foster_family_id)
    return q


def can_view_family(user: UserLike, family: FosterFamily) -> bool:
    return FosterFamily.objects.filter(family_filter(user), pk=family.pk).exists()


def can_change_family(user: UserLike, family: FosterFamily) -> bool:
    return family.municipality_id in scope_for(user).municipalities(*MUNICIPAL_FAMILY_ROLES)


def can_create_family(user: UserLike) -> bool:
    return bool(scope_for(user).municipalities(*MUNICIPAL_FAMILY_ROLES))


def creatable_family_municipalities(user: UserLike) -> frozenset[int]:
    return scope_for(user).municipalities(*MUNICIPAL_FAMILY_ROLES)


def can_see_case_details(user: UserLike, family: FosterFamily) -> bool:
    """Placements, case workers, consultant history and contact details beyond the basics are
    for the municipality's own staff; an institution sees only what the work needs."""
    scope = scope_for(user)
    return family.municipality_id in scope.municipalities(*MUNICIPAL_FAMILY_ROLES) or (
        scope.has_role(Role.CASE_WORKER) and can_view_family(user, family)
    )


def can_reassign_consultant(user: UserLike, family: FosterFamily) -> bool:
    return can_change_family(user, family)


# -- children ---------------------------------------------------------------------------------


def child_filter(user: UserLike) -> Q:
    """The children `user` may see, as a filter on Child."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL_FAMILY_ROLES)
    if municipalities:
        q |= Q(municipality_id__in=municipalities) | Q(
            pk__in=Placement.objects.filter(family__municipality_id__in=municipalities).values(
                "child_id"
            )
        )
    if scope.has_role(Role.CASE_WORKER):
        q |= Q(case_worker_id=scope.user_id)
    engaged_or_own = NOTHING
    if scope.institutions(*INSTITUTION_ROLES):
        engaged_or_own |= Q(family__in=FosterFamily.objects.filter(_engaged(scope)))
    if scope.foster_family_id is not None:
        engaged_or_own |= Q(family_id=scope.foster_family_id)
    if engaged_or_own != NOTHING:
        q |= Q(
            pk__in=Placement.objects.filter(_current_placement(), engaged_or_own).values("child_id")
        )
    return q


def can_view_child(user: UserLike, child: Child) -> bool:
    return Child.objects.filter(child_filter(user), pk=child.pk).exists()


def can_change_child(user: UserLike, child: Child) -> bool:
    scope = scope_for(user)
    if child.case_worker_id is not None and child.case_worker_id == scope.user_id:
        return True
    municipalities = scope.municipalities(*MUNICIPAL_FAMILY_ROLES)
    if not municipalities:
        return False
    return (
        child.municipality_id in municipalities
        or Placement.objects.filter(
            child=child, family__municipality_id__in=municipalities
        ).exists()
    )


def can_create_child(user: UserLike) -> bool:
    return bool(scope_for(user).municipalities(*MUNICIPAL_FAMILY_ROLES))


def can_see_cpr(user: UserLike, child: Child) -> bool:
    """The CPR number is for the case worker and the acting municipality's consultants/leaders."""
    scope = scope_for(user)
    if scope.user_id is None:
        return False
    return child.case_worker_id == scope.user_id or child.municipality_id in scope.municipalities(
        *MUNICIPAL_FAMILY_ROLES
    )


# -- placements -------------------------------------------------------------------------------


def placement_filter(user: UserLike) -> Q:
    """Placements are seen by whoever sees both the case details of the family and the child."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL_FAMILY_ROLES)
    if municipalities:
        q |= Q(family__municipality_id__in=municipalities) | Q(
            child__municipality_id__in=municipalities
        )
    if scope.has_role(Role.CASE_WORKER):
        q |= Q(child__case_worker_id=scope.user_id)
    if scope.foster_family_id is not None:
        q |= Q(family_id=scope.foster_family_id)
    return q


def can_change_placement(user: UserLike, placement: Placement) -> bool:
    return can_change_child(user, placement.child) and can_view_family(user, placement.family)
