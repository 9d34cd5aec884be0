"""The hotline app's one access policy.

The emergency phone is answered by people who otherwise may not see a family at all (a
specialist from an institution, a consultant of another municipality in a collaboration). They
get a deliberately narrow view, and only while they answer:

| who                                   | hotline, rota           | families (call view)                        | calls, follow-ups                        |
|---------------------------------------|-------------------------|---------------------------------------------|------------------------------------------|
| leader of a hotline municipality      | manage hotline and rota | all families of the hotline's municipalities | all calls; follow-ups of their municipality, escalations |
| consultant of a hotline municipality  | see hotline and rota    | as their own families policy, plus the call view | calls of their municipality's families; their own follow-ups |
| person answering (rota member on a shift now, or staff of the institution staffing it now) | see hotline and rota | **call view** of the hotline's municipalities' families, from 15 minutes before to 2 hours after the shift | the calls they registered in the last 24 hours |
| anyone else                           | nothing                 | nothing                                     | nothing                                  |

The call view is name, address, phone, the children's first names, the fixed consultant and
the family's recent calls: not the case. Every search and every opened family is audited by
the selectors. Deny by default.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.hotline.models import Call, FollowUp, Hotline, Shift
from samspil.organisations.models import Collaboration

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)
INSTITUTION = (Role.SPECIALIST, Role.COORDINATOR)
BEFORE_SHIFT = dt.timedelta(minutes=15)
AFTER_SHIFT = dt.timedelta(hours=2)
OWN_CALLS_FOR = dt.timedelta(hours=24)


_SERVED = "_hotline_served_municipalities"  # (collaboration id, its municipalities) on the instance


def hotline_municipalities(hotline: Hotline) -> frozenset[int]:
    """The municipalities whose families the hotline serves. A collaboration's are read with
    one query and kept on the hotline instance for as long as its collaboration is the same
    (registering one call asks half a dozen times)."""
    if hotline.municipality_id is not None:
        return frozenset({hotline.municipality_id})
    if hotline.collaboration_id is None:
        return frozenset()
    kept: tuple[int, frozenset[int]] | None = getattr(hotline, _SERVED, None)
    if kept is not None and kept[0] == hotline.collaboration_id:
        return kept[1]
    served = frozenset(
        Collaboration.municipalities.through.objects.filter(
            collaboration_id=hotline.collaboration_id
        ).values_list("municipality_id", flat=True)
    )
    setattr(hotline, _SERVED, (hotline.collaboration_id, served))
    return served


def _municipal_hotlines(municipalities: frozenset[int]) -> Q:
    return Q(municipality_id__in=municipalities) | Q(
        collaboration__municipalities__in=municipalities
    )


def hotline_filter(user: UserLike) -> Q:
    """Hotlines the user sees: of their municipality (or a collaboration it is in), those they
    are on the rota of, and those their institution staffs."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_staff_member:
        return NOTHING
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(pk__in=Hotline.objects.filter(_municipal_hotlines(municipalities)).values("pk"))
    q |= Q(pk__in=Hotline.objects.filter(rota_members__user_id=scope.user_id).values("pk"))
    q |= Q(pk__in=Shift.objects.filter(person_id=scope.user_id).values("hotline_id"))
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(
            pk__in=Hotline.objects.filter(staffing_rules__institution_id__in=institutions).values(
                "pk"
            )
        )
    return q


def can_manage_hotline(user: UserLike, hotline: Hotline) -> bool:
    """Leaders of the hotline's municipalities set it up and generate and change the rota."""
    leaders = scope_for(user).municipalities(Role.LEADER)
    return bool(leaders & hotline_municipalities(hotline))


def is_answering(user: UserLike, hotline: Hotline, at: dt.datetime | None = None) -> bool:
    """The user answers the hotline around `at`: a shift of theirs, or of their institution,
    from 15 minutes before until 2 hours after (to finish registering the last calls)."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_staff_member:
        return False
    at = at or timezone.now()
    window = Q(starts_at__lte=at + BEFORE_SHIFT, ends_at__gte=at - AFTER_SHIFT)
    who = Q(person_id=scope.user_id)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        who |= Q(person__isnull=True, institution_id__in=institutions)
    return Shift.objects.filter(window & who, hotline=hotline).exists()


def can_register_calls(
    user: UserLike, hotline: Hotline, *, answering: frozenset[int] | None = None
) -> bool:
    """Whoever answers now, and the consultants and leaders of the hotline's municipalities.
    `answering`, the ids of `answering_hotline_ids(user)`, saves a query per hotline when
    asking about several."""
    scope = scope_for(user)
    if scope.municipalities(*MUNICIPAL) & hotline_municipalities(hotline):
        return True
    if answering is not None:
        return hotline.pk in answering
    return is_answering(user, hotline)


def call_view_family_filter(user: UserLike, hotline: Hotline) -> Q:
    """The families a person may find and open in the call view of `hotline`."""
    if not can_register_calls(user, hotline):
        return NOTHING
    return Q(municipality_id__in=hotline_municipalities(hotline))


def call_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    if not scope.is_staff_member:
        return NOTHING
    q = Q(registered_by_id=scope.user_id, created_at__gte=timezone.now() - OWN_CALLS_FOR)
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(family__municipality_id__in=municipalities)
        q |= Q(
            family__isnull=True,
            hotline__in=Hotline.objects.filter(_municipal_hotlines(municipalities)),
        )
    q |= Q(follow_up__assignee_id=scope.user_id)
    return q


def can_view_call(user: UserLike, call: Call) -> bool:
    return Call.objects.filter(call_filter(user), pk=call.pk).exists()


def can_change_call(user: UserLike, call: Call) -> bool:
    """Complete a stub or link a family: who registered it (within 24 hours), whoever answers
    the hotline now, and the hotline municipalities' consultants and leaders."""
    scope = scope_for(user)
    if call.registered_by_id is not None and call.registered_by_id == scope.user_id:
        return call.created_at >= timezone.now() - OWN_CALLS_FOR
    return can_register_calls(user, call.hotline)


def follow_up_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    if not scope.is_staff_member:
        return NOTHING
    q = Q(assignee_id=scope.user_id) | Q(escalated_to_id=scope.user_id)
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(family__municipality_id__in=municipalities)
    return q


def can_complete_follow_up(user: UserLike, follow_up: FollowUp) -> bool:
    """The assignee, the leader it escalated to, and the municipality's consultants and leaders
    (a colleague can take over)."""
    scope = scope_for(user)
    return (
        follow_up.assignee_id == scope.user_id
        or follow_up.escalated_to_id == scope.user_id
        or follow_up.family.municipality_id in scope.municipalities(*MUNICIPAL)
    )


def can_see_statistics(user: UserLike, hotline: Hotline) -> bool:
    """Statistics for the project lead (leaders) of the hotline's municipalities."""
    return can_manage_hotline(user, hotline)


def answering_hotline_filter(user: UserLike, at: dt.datetime | None = None) -> Q:
    """The hotlines `user` answers around `at`, as a filter on Hotline: the same shifts and
    window as `is_answering` (for listing them, e.g. on the start page)."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_staff_member:
        return NOTHING
    at = at or timezone.now()
    window = Q(starts_at__lte=at + BEFORE_SHIFT, ends_at__gte=at - AFTER_SHIFT)
    who = Q(person_id=scope.user_id)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        who |= Q(person__isnull=True, institution_id__in=institutions)
    return Q(pk__in=Shift.objects.filter(window & who).values("hotline_id"))


def answering_hotline_ids(user: UserLike, at: dt.datetime | None = None) -> frozenset[int]:
    """The ids of the hotlines `user` answers around `at`, in one query: `is_answering` for
    many hotlines at once."""
    answering = Hotline.objects.filter(answering_hotline_filter(user, at))
    return frozenset(answering.values_list("pk", flat=True))


def statistics_filter(user: UserLike) -> Q:
    """Hotlines whose statistics the user may see: the list twin of `can_see_statistics`
    (leaders of a municipality the hotline serves, directly or through a collaboration)."""
    leaders = scope_for(user).municipalities(Role.LEADER)
    if not leaders:
        return NOTHING
    return Q(pk__in=Hotline.objects.filter(_municipal_hotlines(leaders)).values("pk"))


def can_create_hotline(user: UserLike) -> bool:
    """Leaders set up hotlines (for a municipality they lead, or a collaboration it is in)."""
    return bool(scope_for(user).municipalities(Role.LEADER))
