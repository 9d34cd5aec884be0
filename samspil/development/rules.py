"""The development app's one access policy.

A development plan is personal data about a foster family, so it never reaches further than the
families policy (`samspil/families/rules.py`), and it is narrower: a case worker sees the family
but not its plan.

| who                                   | see the plan | create / edit plan and goals, link courses | review a goal (status, next review) | add progress notes |
|---------------------------------------|--------------|--------------------------------------------|-------------------------------------|--------------------|
| consultant, leader of the family's municipality | yes | yes                                    | every goal                          | every goal         |
| specialist, coordinator of an institution engaged with the family | while engaged (started, `access_until` empty or today or later) | no | goals they are responsible for | goals they are responsible for |
| the family's foster parents           | their own    | no                                         | no                                  | every goal of their plan |
| case worker, evaluator, programme officer, system administrator | no | no                | no                                  | no                 |

* "Engaged" is the families policy's engagement rule (an `Engagement` of the user's institution
  that has started and whose `access_until` is empty or not passed), read here as a subquery on
  engagements so that no other part of the families policy (a case-worker role, say) widens it.
  When the engagement runs out, the institution's staff lose the plan, also the goals they are
  responsible for; those goals keep their owner until the consultant changes it.
* A goal's responsible person is chosen among the municipality's consultants and leaders and the
  staff of institutions engaged with the family now (`selectors.assignable_owners`).
* The supervision courses linked to a goal are shown to a viewer only when the competence
  policy lets them see the course (`competence.rules.supervision_filter`): a specialist sees only
  their own institution's courses, the family its own, the municipality all of them.
* Progress notes are read by everyone who sees the plan (the family included); the forms say so.

Deny by default: no matching role gives `Q(pk__in=[])`. `*_filter` answers the list question,
`can_*` the yes/no question, both from the same `Scope`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.scopes import Scope, scope_for
from samspil.core.types import UserLike
from samspil.development.models import DevelopmentPlan, Goal
from samspil.families.models import Engagement, FosterFamily

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)
INSTITUTION = (Role.SPECIALIST, Role.COORDINATOR)


def engaged_family_ids(institutions: frozenset[int]) -> QuerySet[Engagement, Any]:
    """The ids of the families these institutions are engaged with today, as a subquery (the
    families policy's rule: started, and `access_until` empty or today or later)."""
    today = timezone.localdate()
    return (
        Engagement.objects.filter(institution_id__in=institutions, starts_on__lte=today)
        .filter(Q(access_until__isnull=True) | Q(access_until__gte=today))
        .values("family_id")
    )


def _families(scope: Scope, path: str) -> Q:
    """The families whose plan the scope may see, as a filter through `path` ("" on
    FosterFamily, "family" on DevelopmentPlan, "plan__family" on Goal)."""
    prefix = f"{path}__" if path else ""
    key = path or "pk"
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(**{f"{prefix}municipality_id__in": municipalities})
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(**{f"{key}__in": engaged_family_ids(institutions)})
    if scope.foster_family_id is not None:
        q |= Q(**{key: scope.foster_family_id})
    return q


def plan_family_filter(user: UserLike) -> Q:
    """The families whose plan `user` may see (whether or not it exists yet), on FosterFamily."""
    return _families(scope_for(user), "")


def plan_filter(user: UserLike) -> Q:
    """The plans `user` may see, on DevelopmentPlan."""
    return _families(scope_for(user), "family")


def goal_filter(user: UserLike) -> Q:
    """The goals `user` may see (those of the plans they may see), on Goal."""
    return _families(scope_for(user), "plan__family")


def can_view_plan(user: UserLike, plan: DevelopmentPlan) -> bool:
    return DevelopmentPlan.objects.filter(plan_filter(user), pk=plan.pk).exists()


def can_view_family_plan(user: UserLike, family: FosterFamily) -> bool:
    return FosterFamily.objects.filter(plan_family_filter(user), pk=family.pk).exists()


def can_change_plan(user: UserLike, family: FosterFamily) -> bool:
    """Create the plan, change its purpose, add and edit goals, link and unlink courses: the
    consultants and leaders of the family's municipality."""
    return family.municipality_id in scope_for(user).municipalities(*MUNICIPAL)


def can_list_plans(user: UserLike) -> bool:
    """The list of plans is a consultant's and a leader's overview of their municipality."""
    return bool(scope_for(user).municipalities(*MUNICIPAL))


def _is_family(user: UserLike, goal: Goal) -> bool:
    own = scope_for(user).foster_family_id
    return own is not None and own == goal.plan.family_id


def _is_owner(user: UserLike, goal: Goal, plan_visible: bool | None) -> bool:
    scope = scope_for(user)
    if scope.user_id is None or goal.owner_id != scope.user_id:
        return False
    return plan_visible if plan_visible is not None else can_view_plan(user, goal.plan)


def can_review_goal(user: UserLike, goal: Goal, *, plan_visible: bool | None = None) -> bool:
    """Set a goal's status and next review date: whoever may change the plan, and the goal's
    responsible person while they see the plan. `plan_visible` spares the query when the caller
    already read the plan through `plan_filter`."""
    return can_change_plan(user, goal.plan.family) or _is_owner(user, goal, plan_visible)


def can_add_note(user: UserLike, goal: Goal, *, plan_visible: bool | None = None) -> bool:
    """Add a progress note: whoever may change the plan, the family's foster parents, and the
    goal's responsible person while they see the plan."""
    return (
        can_change_plan(user, goal.plan.family)
        or _is_family(user, goal)
        or _is_owner(user, goal, plan_visible)
    )
