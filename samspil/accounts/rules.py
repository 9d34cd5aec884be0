"""Access policy for accounts: leaders manage the staff of their own municipalities."""

from __future__ import annotations

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike

NOTHING = Q(pk__in=[])


def staff_municipalities(user: UserLike) -> frozenset[int]:
    """The municipalities whose staff `user` manages."""
    return scope_for(user).municipalities(Role.LEADER)


def can_manage_staff(user: UserLike) -> bool:
    return bool(staff_municipalities(user))


def staff_filter(user: UserLike) -> Q:
    """The people `user` may list and manage: those with a role in the leader's municipalities."""
    municipalities = staff_municipalities(user)
    if not municipalities:
        return NOTHING
    return Q(memberships__municipality_id__in=municipalities)
