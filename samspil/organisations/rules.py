"""Access policy for organisations. Municipalities, institutions and collaborations are not
personal data: every staff role, evaluators and programme officers may list them. Changing an
institution or collaboration is for leaders of a municipality involved."""

from __future__ import annotations

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.organisations.models import Collaboration, Institution

NOTHING = Q(pk__in=[])


def can_list_organisations(user: UserLike) -> bool:
    scope = scope_for(user)
    return scope.is_staff_member


def institution_change_filter(user: UserLike) -> Q:
    """Institutions `user` may change: owned by, located in, or collaborating with a
    municipality where the user is leader."""
    municipalities = scope_for(user).municipalities(Role.LEADER)
    if not municipalities:
        return NOTHING
    return (
        Q(owner_municipality_id__in=municipalities)
        | Q(municipality_id__in=municipalities)
        | Q(
            pk__in=Collaboration.objects.filter(municipalities__in=municipalities).values(
                "institutions"
            )
        )
    )


def can_change_institution(user: UserLike, institution: Institution) -> bool:
    return Institution.objects.filter(institution_change_filter(user), pk=institution.pk).exists()


def can_create_institution(user: UserLike) -> bool:
    return bool(scope_for(user).municipalities(Role.LEADER))


def can_change_collaboration(user: UserLike, collaboration: Collaboration) -> bool:
    municipalities = scope_for(user).municipalities(Role.LEADER)
    return (
        bool(municipalities) and collaboration.municipalities.filter(pk__in=municipalities).exists()
    )


def can_create_collaboration(user: UserLike) -> bool:
    return bool(scope_for(user).municipalities(Role.LEADER))
