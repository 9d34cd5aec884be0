"""Who the current user is, in the terms the access policies need, computed once per request.

`scope_for(user)` reads the user's memberships and foster-parent record once and caches the
result on the user object (Django gives each request its own user instance), so every policy
filter in the request is a plain queryset filter built from these sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from samspil.accounts.enums import Role

_CACHE_ATTR = "_samspil_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    municipal: dict[str, frozenset[int]] = field(default_factory=dict)
    institutional: dict[str, frozenset[int]] = field(default_factory=dict)
    global_roles: frozenset[str] = frozenset()
    foster_family_id: int | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def municipalities(self, *roles: Role) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.municipal.get(role.value, frozenset())
        return frozenset(ids)

    def institutions(self, *roles: Role) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.institutional.get(role.value, frozenset())
        return frozenset(ids)

    def has_role(self, role: Role) -> bool:
        return (
            bool(self.municipal.get(role.value))
            or bool(self.institutional.get(role.value))
            or role.value in self.global_roles
        )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.municipal) | frozenset(self.institutional) | self.global_roles

    @property
    def is_staff_member(self) -> bool:
        """Holds any staff role (and so must use two-factor authentication)."""
        return bool(self.roles)

    @property
    def is_foster_parent(self) -> bool:
        return self.foster_family_id is not None


ANONYMOUS = Scope()


def scope_for(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached: Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from samspil.accounts.models import Membership
    from samspil.families.models import FosterParent

    municipal: dict[str, set[int]] = {}
    institutional: dict[str, set[int]] = {}
    global_roles: set[str] = set()
    for role, municipality_id, institution_id in Membership.objects.filter(
        user_id=user.pk
    ).values_list("role", "municipality_id", "institution_id"):
        if municipality_id is not None:
            municipal.setdefault(role, set()).add(municipality_id)
        elif institution_id is not None:
            institutional.setdefault(role, set()).add(institution_id)
        else:
            global_roles.add(role)
    family_id = (
        FosterParent.objects.filter(user_id=user.pk).values_list("family_id", flat=True).first()
    )
    scope = Scope(
        user_id=user.pk,
        municipal={role: frozenset(ids) for role, ids in municipal.items()},
        institutional={role: frozenset(ids) for role, ids in institutional.items()},
        global_roles=frozenset(global_roles),
        foster_family_id=family_id,
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: AbstractBaseUser) -> None:
    """Drop the cached scope, e.g. after memberships changed within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
