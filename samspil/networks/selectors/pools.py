"""Reads of pools for network groups: the pools a user may list, one pool (audited), its
members and whether they are still available, the families that may be added, the "must not
be together" records, who may facilitate the pool's groups, and the owner's network settings.
The optimiser's input and the stored proposal as the page shows it are in
`selectors/proposals.py`; the wording of reasons and errors in `networks/reasons.py`.

Every query starts from the networks policy (`rules.pool_filter`,
`rules.composable_family_filter`, `rules.separation_filter`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.enums import FamilyKind
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.models import (
    GroupMembership,
    NetworkSettings,
    Pool,
    PoolMember,
    Separation,
)
from samspil.organisations.models import Collaboration, Institution, Municipality

# -- lists ----------------------------------------------------------------------------------


def can_list_pools(user: UserLike) -> bool:
    """Staff who may see any pool: municipal consultants and leaders, institution staff."""
    scope = scope_for(user)
    return bool(scope.municipalities(*rules.MUNICIPAL) or scope.institutions(*rules.INSTITUTION))


def pools_for(user: UserLike) -> QuerySet[Pool]:
    """The pools `user` may list, with the owner and the number of families prefetched."""
    return (
        Pool.objects.filter(rules.pool_filter(user))
        .select_related("municipality", "institution", "collaboration", "created_by")
        .annotate(
            family_count=Count("members", filter=Q(members__excluded=False), distinct=True),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def owner_municipality_id(pool: Pool) -> int:
    """The municipality whose settings apply (an institution's pool: the institution's)."""
    if pool.municipality_id is not None:
        return pool.municipality_id
    assert pool.institution is not None
    return pool.institution.municipality_id


# -- one pool -------------------------------------------------------------------------------


def get_pool_for(user: UserLike, pool_uuid: uuid.UUID | str, *, audit: bool = True) -> Pool:
    """One pool, or Http404 when it does not exist or `user` may not see it. Side effect: the
    audit entry "networks.pool.read" with the families it lists, unless `audit` is False (the
    caller is about to change the pool and logs that, or shows no family)."""
    try:
        pool = (
            Pool.objects.filter(rules.pool_filter(user))
            .select_related("municipality", "institution", "collaboration", "created_by")
            .get(uuid=pool_uuid)
        )
    except (Pool.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit:
        log_action(
            "networks.pool.read",
            actor=user,
            obj=pool,
            municipality_id=owner_municipality_id(pool),
            data={
                "families": [str(u) for u in pool.members.values_list("family__uuid", flat=True)]
            },
        )
    return pool


def pool_family(pool: Pool, family_uuid: uuid.UUID | str) -> FosterFamily:
    """A family of the pool, or Http404."""
    member = (
        pool.members.select_related("family__municipality").filter(family__uuid=family_uuid).first()
    )
    if member is None:
        raise Http404
    return member.family


@dataclass(frozen=True)
class Owners:
    """Whom `user` may build pools for, and the collaborations those take part in."""

    municipalities: QuerySet[Municipality]
    institutions: QuerySet[Institution]
    collaborations: QuerySet[Collaboration]


def owners_for(user: UserLike) -> Owners:
    municipality_ids, institution_ids = rules.pool_owners(user)
    institutions = Institution.objects.filter(pk__in=institution_ids).order_by("name")
    return Owners(
        municipalities=Municipality.objects.filter(pk__in=municipality_ids).order_by("name"),
        institutions=institutions,
        collaborations=Collaboration.objects.filter(
            Q(municipalities__in=municipality_ids)
            | Q(institutions__in=institution_ids)
            | Q(municipalities__in=institutions.values("municipality_id"))
        )
        .distinct()
        .order_by("name"),
    )


def in_active_group() -> Exists:
    """Whether the pool member's family is in an active network group (for annotations)."""
    return Exists(GroupMembership.objects.filter(family=OuterRef("family"), left_on__isnull=True))


@dataclass(frozen=True)
class MemberView:
    """A family in the pool as the pool page shows it."""

    member: PoolMember
    family: FosterFamily
    busy: bool  # already in an active network group: not available
    years: int
    experienced: bool

    @property
    def key(self) -> str:
        return str(self.family.uuid)

    @property
    def available(self) -> bool:
        return not self.busy and not self.member.excluded

    @property
    def kind_label(self) -> str:
        return str(FamilyKind(self.family.kind).label)


def pool_members(
    pool: Pool, *, experienced_years: int, today: dt.date | None = None
) -> list[MemberView]:
    """The pool's families (one query), each with whether it is in an active group."""
    today = today or timezone.localdate()
    members = (
        pool.members.select_related("family__municipality")
        .annotate(busy=in_active_group())
        .order_by("family__name", "id")
    )
    views = []
    for member in members:
        years = member.family.years_of_experience(today)
        views.append(
            MemberView(
                member=member,
                family=member.family,
                busy=bool(getattr(member, "busy", False)),
                years=years,
                experienced=years >= experienced_years,
            )
        )
    return views


def busy_families(families: Iterable[FosterFamily]) -> list[FosterFamily]:
    """Those of `families` already in an active network group (one query)."""
    by_pk = {f.pk: f for f in families}
    busy = GroupMembership.objects.filter(family_id__in=by_pk, left_on__isnull=True)
    return [by_pk[pk] for pk in busy.values_list("family_id", flat=True)]


def available_families(user: UserLike, pool: Pool) -> QuerySet[FosterFamily]:
    """The families `user` may add to `pool` now: composable, not in it, not in an active
    network group."""
    return addable_families(user, pool).filter(
        ~Exists(GroupMembership.objects.filter(family=OuterRef("pk"), left_on__isnull=True))
    )


def composable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may put in a pool or send to the proposal API."""
    return FosterFamily.objects.filter(rules.composable_family_filter(user)).select_related(
        "municipality"
    )


ADD_LIMIT = 50  # families the add page lists at once; a search narrows them


def addable_families(user: UserLike, pool: Pool, search: str = "") -> QuerySet[FosterFamily]:
    """Families `user` may add to `pool` (not in it yet), each annotated `busy` when it is in
    an active network group already (shown as not available)."""
    qs = (
        composable_families(user)
        .exclude(pk__in=pool.members.values("family_id"))
        .annotate(
            busy=Exists(GroupMembership.objects.filter(family=OuterRef("pk"), left_on__isnull=True))
        )
        .order_by("name", "id")
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(postcode__startswith=search)
        )
    return qs


def separations_for(user: UserLike, pool: Pool) -> QuerySet[Separation]:
    """The "must not be together" records between two families of the pool."""
    family_ids = pool.members.values("family_id")
    return (
        Separation.objects.filter(
            rules.separation_filter(user), family_a__in=family_ids, family_b__in=family_ids
        )
        .select_related("family_a", "family_b", "recorded_by")
        .order_by("created_at", "id")
    )


def get_separation_for(user: UserLike, separation_uuid: uuid.UUID | str) -> Separation:
    try:
        return Separation.objects.filter(rules.separation_filter(user)).get(uuid=separation_uuid)
    except (Separation.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def facilitators_for(pool: Pool) -> QuerySet[User]:
    """Who may facilitate the pool's groups: the owner municipality's consultants and leaders
    and the specialists and coordinators of the owner institution, of the institutions in the
    pool's collaboration, or of those collaborating with the owner municipality."""
    municipality_id = owner_municipality_id(pool)
    institutions = Q(
        memberships__institution__collaborations__municipalities=municipality_id,
    )
    if pool.institution_id is not None:
        institutions |= Q(memberships__institution=pool.institution_id)
    if pool.collaboration_id is not None:
        institutions |= Q(memberships__institution__collaborations=pool.collaboration_id)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role__in=[Role.CONSULTANT, Role.LEADER],
                memberships__municipality=municipality_id,
            )
            | (Q(memberships__role__in=[Role.SPECIALIST, Role.COORDINATOR]) & institutions)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# -- the owner's network settings -----------------------------------------------------------


def settings_for_municipality(municipality_id: int) -> NetworkSettings:
    found = NetworkSettings.objects.filter(municipality_id=municipality_id).first()
    return found if found is not None else NetworkSettings(municipality_id=municipality_id)


def settings_for_user(user: UserLike) -> NetworkSettings | None:
    """The settings of the municipality `user` composes for (the first, if several); None for
    users who may not compose."""
    municipalities, institutions = rules.pool_owners(user)
    if municipalities:
        return settings_for_municipality(min(municipalities))
    if institutions:
        institution = Institution.objects.filter(pk=min(institutions)).first()
        if institution is not None:
            return settings_for_municipality(institution.municipality_id)
    return None
