"""The transitions app's one access policy.

A transition is about a child and a foster family, so it never shows more than the parties
need. Deny by default; `transition_filter` answers the list question, the `can_*` predicates
the yes/no questions, both from the same `Scope`.

Who sees what:

| who | transition overview | plan steps | meetings (shared about the child, division of work) | meeting minutes, internal notes | involvement of the child | advice log | may do |
|---|---|---|---|---|---|---|---|
| consultant, leader of the child's acting municipality or of the receiving family's | yes | yes | yes | yes | yes | yes | everything: create, edit, change status, meetings, add and tick steps, methods, advice |
| the child's case worker | yes | yes | yes | yes | yes | yes | nothing (read only) |
| specialist, coordinator of the from-institution, while the transition's engagement gives access (until `access_until`: the end plus the municipality's grace) | yes | yes | yes | yes | yes | yes | meetings, tick steps, methods, advice (while the transition is open) |
| foster parent of the receiving family | yes | yes | yes | no | only the child's views, and only if shared with the family | yes | tick the foster family's steps, ask for advice (while open) |
| everyone else (other municipalities, other institutions, evaluator, programme officer, administrator) | no | no | no | no | no | no | nothing |

A completed or cancelled transition is read only for everyone. The discharge plan template of
a municipality is edited by its leaders (and read by its consultants)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily
from samspil.transitions.enums import Party
from samspil.transitions.models import PlanStep, Transition

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)
INSTITUTION = (Role.SPECIALIST, Role.COORDINATOR)


def _engagement_gives_access(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}engagement__starts_on__lte": today}) & (
        Q(**{f"{prefix}engagement__access_until__isnull": True})
        | Q(**{f"{prefix}engagement__access_until__gte": today})
    )


def transition_filter(user: UserLike) -> Q:
    """The transitions `user` may see, as a filter on Transition."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities) | Q(family__municipality_id__in=municipalities)
    if scope.has_role(Role.CASE_WORKER):
        q |= Q(child__case_worker_id=scope.user_id)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(institution_id__in=institutions) & _engagement_gives_access()
    if scope.foster_family_id is not None:
        q |= Q(family_id=scope.foster_family_id)
    return q


def can_view_transition(user: UserLike, transition: Transition) -> bool:
    return Transition.objects.filter(transition_filter(user), pk=transition.pk).exists()


# The predicates below take a transition read through `transition_filter` (so `user` may see
# it) with its family and engagement loaded; they run no query.


def can_manage(user: UserLike, transition: Transition) -> bool:
    """Consultants and leaders of the child's acting municipality or the family's."""
    municipalities = scope_for(user).municipalities(*MUNICIPAL)
    return (
        transition.municipality_id in municipalities
        or transition.family.municipality_id in municipalities
    )


def is_engaged_institution_staff(user: UserLike, transition: Transition) -> bool:
    """Staff of the from-institution while the transition's engagement gives access."""
    if transition.institution_id not in scope_for(user).institutions(*INSTITUTION):
        return False
    engagement = transition.engagement
    if engagement is None:
        return False
    today = timezone.localdate()
    return engagement.starts_on <= today and (
        engagement.access_until is None or engagement.access_until >= today
    )


def is_case_worker(user: UserLike, transition: Transition) -> bool:
    scope = scope_for(user)
    return (
        scope.has_role(Role.CASE_WORKER)
        and scope.user_id is not None
        and transition.child.case_worker_id == scope.user_id
    )


def is_receiving_parent(user: UserLike, transition: Transition) -> bool:
    return scope_for(user).foster_family_id == transition.family_id


def sees_internal(user: UserLike, transition: Transition) -> bool:
    """Meeting minutes, internal notes and the methods of involving the child are for the
    professionals: everyone who may see the transition except the foster family."""
    return (
        can_manage(user, transition)
        or is_case_worker(user, transition)
        or is_engaged_institution_staff(user, transition)
    )


def can_contribute(user: UserLike, transition: Transition) -> bool:
    """Hold meetings, tick any step, record the methods and give advice: the municipality's
    consultants and leaders and the engaged institution's staff, while the transition is open."""
    return transition.is_open and (
        can_manage(user, transition) or is_engaged_institution_staff(user, transition)
    )


def can_change(user: UserLike, transition: Transition) -> bool:
    """Edit the dates, the consultant and the notes, change the status, add steps."""
    return transition.is_open and can_manage(user, transition)


def can_tick_step(user: UserLike, step: PlanStep, transition: Transition) -> bool:
    """Contributors tick any step; the foster parents tick the foster family's own steps."""
    if not transition.is_open:
        return False
    if can_contribute(user, transition):
        return True
    return step.responsible == Party.FOSTER_FAMILY and is_receiving_parent(user, transition)


def can_request_advice(user: UserLike, transition: Transition) -> bool:
    return transition.is_open and is_receiving_parent(user, transition)


def can_add_advice(user: UserLike, transition: Transition) -> bool:
    return can_contribute(user, transition) or can_request_advice(user, transition)


# -- creating ----------------------------------------------------------------------------------


def creatable_municipalities(user: UserLike) -> frozenset[int]:
    return scope_for(user).municipalities(*MUNICIPAL)


def can_create_transition(user: UserLike) -> bool:
    return bool(creatable_municipalities(user))


def can_create_for(user: UserLike, child: Child, family: FosterFamily) -> bool:
    """Consultants and leaders of the child's acting municipality or the family's."""
    municipalities = creatable_municipalities(user)
    return child.municipality_id in municipalities or family.municipality_id in municipalities


def transitions_nav(user: UserLike) -> bool:
    """Whether the navigation shows the transitions list."""
    scope = scope_for(user)
    return bool(
        scope.municipalities(*MUNICIPAL)
        or scope.has_role(Role.CASE_WORKER)
        or scope.institutions(*INSTITUTION)
        or scope.is_foster_parent
    )


# -- the municipality's template ---------------------------------------------------------------


def template_municipalities(user: UserLike) -> frozenset[int]:
    """The municipalities whose discharge plan template `user` may edit: their leaders'."""
    return scope_for(user).municipalities(Role.LEADER)


def can_edit_template(user: UserLike, municipality_id: int) -> bool:
    return municipality_id in template_municipalities(user)
