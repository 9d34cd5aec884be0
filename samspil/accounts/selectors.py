from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from samspil.accounts import rules
from samspil.accounts.models import Membership, User
from samspil.core.types import UserLike


def staff_for(user: UserLike, search: str = "") -> QuerySet[User]:
    """The staff of the municipalities where `user` is leader, with their memberships there."""
    municipalities = rules.staff_municipalities(user)
    qs = User.objects.filter(rules.staff_filter(user)).distinct()
    if search:
        qs = (
            qs.filter(username__icontains=search)
            | qs.filter(first_name__icontains=search)
            | qs.filter(last_name__icontains=search)
        )
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(municipality_id__in=municipalities).select_related(
                "municipality"
            ),
            to_attr="local_memberships",
        )
    ).order_by("first_name", "last_name", "username")


def get_staff_for(user: UserLike, user_uuid: str) -> User:
    try:
        return staff_for(user).get(uuid=user_uuid)
    except (User.DoesNotExist, ValueError):
        raise Http404 from None
