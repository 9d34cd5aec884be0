"""What can be chosen when a network group is composed by hand or gets a member: the families
that may join (those `user` may see that are in no active group), found by a search that
returns a short list, the facilitators, and the municipalities. The services check every
choice again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from samspil.accounts.models import User
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.families.rules import family_filter
from samspil.networks import rules
from samspil.networks.models import GroupMembership
from samspil.organisations.models import Institution, Municipality

SEARCH_LIMIT = 20  # families a search shows at once


def addable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """Families `user` may see that are not in an active network group."""
    busy = GroupMembership.objects.filter(left_on__isnull=True).values("family_id")
    return (
        FosterFamily.objects.filter(family_filter(user))
        .exclude(pk__in=busy)
        .select_related("municipality")
        .order_by("name", "id")
    )


@dataclass(frozen=True)
class FamilySearch:
    """Families found by a search (at most `SEARCH_LIMIT`, by name); `more` when others match
    too. An empty `query` found nothing: the pages list families only once searched."""

    query: str = ""
    families: list[FosterFamily] = field(default_factory=list)
    more: bool = False


def _uuids(values: Iterable[object]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def search_addable_families(
    user: UserLike,
    query: str,
    *,
    exclude: Iterable[object] = (),
    limit: int = SEARCH_LIMIT,
) -> FamilySearch:
    """The first `limit` families by name that `user` may put in a network group
    (`addable_families`: the families policy, not in an active group) whose name or city
    contains `query` or whose postcode starts with it, leaving out the uuids in `exclude` (those
    chosen already). One query; none for an empty query."""
    query = query.strip()
    if not query:
        return FamilySearch()
    qs = addable_families(user).filter(
        Q(name__icontains=query) | Q(city__icontains=query) | Q(postcode__startswith=query)
    )
    excluded = _uuids(exclude)
    if excluded:
        qs = qs.exclude(uuid__in=excluded)
    found = list(qs[: limit + 1])
    return FamilySearch(query=query, families=found[:limit], more=len(found) > limit)


def chosen_families(user: UserLike, uuids: Iterable[object]) -> list[FosterFamily]:
    """Those of the families `uuids` that `user` may put in a network group, by name (the
    families ticked on the create page, shown again). One query; none when none are chosen."""
    wanted = _uuids(uuids)
    if not wanted:
        return []
    return list(addable_families(user).filter(uuid__in=wanted))


def municipalities(ids: Iterable[int]) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=list(ids)).order_by("name")


def _current_collaboration(today: dt.date) -> Q:
    return Q(collaborations__starts_on__lte=today) & (
        Q(collaborations__ends_on__isnull=True) | Q(collaborations__ends_on__gte=today)
    )


def facilitators_for(
    municipality_ids: Iterable[int], today: dt.date | None = None
) -> QuerySet[User]:
    """Who may facilitate a group of these municipalities: their consultants and leaders, and
    the specialists and coordinators of institutions in a current collaboration with them."""
    today = today or timezone.localdate()
    ids = list(municipality_ids)
    institutions = Institution.objects.filter(
        _current_collaboration(today), collaborations__municipalities__in=ids
    ).values("pk")
    return (
        User.objects.filter(
            Q(
                memberships__role__in=rules.MUNICIPAL,
                memberships__municipality_id__in=ids,
            )
            | Q(
                memberships__role__in=rules.INSTITUTION,
                memberships__institution_id__in=institutions,
            ),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username", "id")
    )
