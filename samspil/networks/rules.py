"""The networks app's one access policy.

Pools, proposals, network groups, meetings, topics, mentor profiles and mentorships are about
families, so they follow the families policy and never widen it:

| who                      | pools / proposals               | network groups                          | mentorships                        |
|--------------------------|---------------------------------|-----------------------------------------|------------------------------------|
| consultant, leader       | their municipality's            | those with a member family (or home) in their municipality | mentor or mentee in their municipality |
| specialist, coordinator  | their institution's (coordinator builds) | those they or their institution facilitate | none                          |
| foster parent            | none                            | their own family's current group        | their own family's, as mentor or mentee |
| case worker, evaluator, programme officer, administrator | none | none                       | none                               |

Within a group, a foster parent sees another member family's names and contact details only
while that family consents (`GroupMembership.shares_contact_details`); staff who may manage the
group see them always. Deny by default; `*_filter` answers the list question, `can_*` the
yes/no question, both from the same `Scope`.
"""

from __future__ import annotations

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.families.rules import family_filter
from samspil.networks.enums import GroupPhase
from samspil.networks.models import (
    GroupMembership,
    Mentorship,
    NetworkGroup,
    Pool,
)

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)
INSTITUTION = (Role.SPECIALIST, Role.COORDINATOR)


# -- pools and proposals ----------------------------------------------------------------------


def pool_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(institution_id__in=institutions)
    return q


def can_view_pool(user: UserLike, pool: Pool) -> bool:
    return Pool.objects.filter(pool_filter(user), pk=pool.pk).exists()


def can_change_pool(user: UserLike, pool: Pool) -> bool:
    """Consultants and leaders of the pool's municipality, coordinators of its institution."""
    scope = scope_for(user)
    if pool.municipality_id is not None:
        return pool.municipality_id in scope.municipalities(*MUNICIPAL)
    return pool.institution_id in scope.institutions(Role.COORDINATOR)


def pool_owners(user: UserLike) -> tuple[frozenset[int], frozenset[int]]:
    """(municipality ids, institution ids) the user may build pools for."""
    scope = scope_for(user)
    return scope.municipalities(*MUNICIPAL), scope.institutions(Role.COORDINATOR)


def can_compose(user: UserLike) -> bool:
    municipalities, institutions = pool_owners(user)
    return bool(municipalities or institutions)


def composable_family_filter(user: UserLike) -> Q:
    """The families `user` may put in a pool or send to the proposal API: families they may see
    as consultant/leader or as an engaged institution's coordinator. Never more than the
    families policy allows."""
    scope = scope_for(user)
    municipalities, institutions = pool_owners(user)
    if not (municipalities or institutions):
        return NOTHING
    q = NOTHING
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    if institutions:
        q |= family_filter(user) & Q(
            pk__in=FosterFamily.objects.filter(
                engagements__institution_id__in=scope.institutions(Role.COORDINATOR)
            ).values("pk")
        )
    return q & family_filter(user)


def separation_filter(user: UserLike) -> Q:
    """The "must not be together" records `user` may see and change: both families are ones
    they may compose groups from."""
    composable = FosterFamily.objects.filter(composable_family_filter(user)).values("pk")
    return Q(family_a__in=composable, family_b__in=composable)


# -- network groups ---------------------------------------------------------------------------


def group_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities) | Q(
            pk__in=GroupMembership.objects.filter(
                family__municipality_id__in=municipalities
            ).values("group_id")
        )
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(facilitator_institution_id__in=institutions)
    if scope.is_staff_member:
        q |= Q(facilitator_id=scope.user_id)
    if scope.foster_family_id is not None:
        q |= Q(
            pk__in=GroupMembership.objects.filter(
                family_id=scope.foster_family_id, left_on__isnull=True
            ).values("group_id")
        )
    return q


def can_view_group(user: UserLike, group: NetworkGroup) -> bool:
    return NetworkGroup.objects.filter(group_filter(user), pk=group.pk).exists()


def can_manage_group(user: UserLike, group: NetworkGroup) -> bool:
    """Plan meetings, record attendance and minutes, set topics, change members and phase:
    the municipality's consultants and leaders, the facilitator, and the coordinators of the
    facilitating institution."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_staff_member:
        return False
    return (
        group.municipality_id in scope.municipalities(*MUNICIPAL)
        or group.facilitator_id == scope.user_id
        or (
            group.facilitator_institution_id is not None
            and group.facilitator_institution_id in scope.institutions(Role.COORDINATOR)
        )
    )


def member_family_id(user: UserLike, group: NetworkGroup) -> int | None:
    """The user's own family if it is a current member of `group`, else None."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    is_member = GroupMembership.objects.filter(
        group=group, family_id=family_id, left_on__isnull=True
    ).exists()
    return family_id if is_member else None


def can_see_member_details(user: UserLike, membership: GroupMembership) -> bool:
    """Names and contact details of a member family: staff who manage the group always; a
    foster parent for their own family, and for others only while those consent."""
    if can_manage_group(user, membership.group):
        return True
    own = scope_for(user).foster_family_id
    if own is None:
        return False
    if membership.family_id == own:
        return True
    return membership.shares_contact_details and membership.left_on is None


def gap_report_filter(user: UserLike) -> Q:
    """Cadence gaps are for the consultants and the project lead (leader) of the municipality,
    and for the facilitator."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    if scope.is_staff_member:
        q |= Q(facilitator_id=scope.user_id)
    return q


def manageable_group_filter(user: UserLike) -> Q:
    """The groups `user` may manage (the list question of `can_manage_group`)."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_staff_member:
        return NOTHING
    q = Q(facilitator_id=scope.user_id)
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    coordinated = scope.institutions(Role.COORDINATOR)
    if coordinated:
        q |= Q(facilitator_institution_id__in=coordinated)
    return q


def group_municipalities(user: UserLike) -> frozenset[int]:
    """The municipalities `user` may create network groups for by hand (as `create_group`
    allows without a pool): those where they are consultant or leader."""
    return scope_for(user).municipalities(*MUNICIPAL)


def is_contact_family_parent(user: UserLike, group: NetworkGroup) -> bool:
    """Whether `user` is a foster parent of the group's contact family while it runs itself."""
    own = scope_for(user).foster_family_id
    return (
        own is not None
        and group.is_active
        and group.phase == GroupPhase.SELF_RUNNING
        and group.contact_family_id == own
    )


def can_run_meetings(user: UserLike, group: NetworkGroup) -> bool:
    """Plan and change meetings, record attendance and minutes, choose topics and mark them
    covered: whoever manages the group, and in the self-running phase the contact family's
    foster parents."""
    return can_manage_group(user, group) or is_contact_family_parent(user, group)


def can_suggest_topics(user: UserLike, group: NetworkGroup) -> bool:
    """Member families' foster parents suggest and support topics once the group runs
    itself (the facilitator sets the topics before)."""
    return (
        group.is_active
        and group.phase == GroupPhase.SELF_RUNNING
        and member_family_id(user, group) is not None
    )


def can_change_consent(user: UserLike, membership: GroupMembership) -> bool:
    """Only the family itself gives or withdraws its consent to share names and contact
    details with the other members (not its consultant, not the facilitator)."""
    own = scope_for(user).foster_family_id
    return own is not None and own == membership.family_id and membership.left_on is None


# -- mentor families --------------------------------------------------------------------------


def mentorship_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(mentee__municipality_id__in=municipalities) | Q(
            mentor__municipality_id__in=municipalities
        )
    if scope.foster_family_id is not None:
        q |= Q(mentor_id=scope.foster_family_id) | Q(mentee_id=scope.foster_family_id)
    return q


def can_broker_mentorship(user: UserLike, mentee: FosterFamily) -> bool:
    """Consultants and leaders of the mentee's municipality broker mentorships."""
    return mentee.municipality_id in scope_for(user).municipalities(*MUNICIPAL)


def can_change_mentorship(user: UserLike, mentorship: Mentorship) -> bool:
    return can_broker_mentorship(user, mentorship.mentee)


def can_log_mentor_contact(user: UserLike, mentorship: Mentorship) -> bool:
    """The brokering municipality's staff and the two families themselves keep the log."""
    if can_change_mentorship(user, mentorship):
        return True
    own = scope_for(user).foster_family_id
    return own is not None and own in (mentorship.mentor_id, mentorship.mentee_id)


def can_change_mentor_consent(user: UserLike, family: FosterFamily) -> bool:
    """The family itself gives or withdraws consent; the consultant may record it for them."""
    scope = scope_for(user)
    return scope.foster_family_id == family.pk or family.municipality_id in scope.municipalities(
        *MUNICIPAL
    )


# -- settings ---------------------------------------------------------------------------------


def can_change_settings(user: UserLike, municipality: object) -> bool:
    """A municipality's network settings are set by its leaders (the project lead)."""
    pk = getattr(municipality, "pk", None)
    return pk is not None and pk in scope_for(user).municipalities(Role.LEADER)
