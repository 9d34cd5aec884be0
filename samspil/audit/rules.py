"""Who may read the audit log: leaders, for their own municipalities only."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership
from samspil.accounts.scopes import scope_for

NOTHING = Q(pk__in=[])


def audit_filter(user: AbstractBaseUser | AnonymousUser) -> Q:
    """Entries about the leader's municipalities' records, and what their staff did
    (logins included)."""
    municipalities = scope_for(user).municipalities(Role.LEADER)
    if not municipalities:
        return NOTHING
    staff = Membership.objects.filter(municipality_id__in=municipalities)
    return (
        Q(municipality_id__in=municipalities)
        | Q(municipality_id__isnull=True, actor_id__in=staff.values("user_id"))
        | Q(
            municipality_id__isnull=True,
            actor__isnull=True,
            action="accounts.login_failed",
            actor_label__in=staff.values("user__username"),
        )
    )


def can_read_audit_log(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(scope_for(user).municipalities(Role.LEADER))
