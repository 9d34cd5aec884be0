"""Reads of development plans. Every query starts from the policy in `development/rules.py`;
reading one plan (page or API) or one goal (its edit page) writes the audit log here
("development.plan.read", "development.goal.read"). Lists are not audited, like the families
list. Query counts do not depend on the number of plans, goals, notes or courses."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence import rules as competence_rules
from samspil.competence.enums import SupervisionStatus
from samspil.competence.models import SupervisionCourse
from samspil.core.types import UserLike
from samspil.development import rules
from samspil.development.enums import OPEN_STATUSES, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import ConsultantAssignment, Engagement, FosterFamily
from samspil.families.selectors import current_assignments

# A review is "due" from this many days before its date (and stays due until it is done).
REVIEW_HORIZON = dt.timedelta(days=7)
# At most this many reviews on the start page; the list page has them all.
START_PANEL_LIMIT = 20

_OPEN = sorted(str(status) for status in OPEN_STATUSES)


def _open_goals(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": _OPEN})


def _due(today: dt.date, prefix: str = "") -> Q:
    return _open_goals(prefix) & Q(**{f"{prefix}review_on__lte": today + REVIEW_HORIZON})


# -- the list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilters:
    search: str = ""
    consultant_id: int | None = None  # "my families": the current fixed consultant
    due: bool = False  # a goal's review is due within REVIEW_HORIZON (or overdue)


def plans_for(
    user: UserLike, filters: PlanFilters | None = None, *, today: dt.date | None = None
) -> QuerySet[DevelopmentPlan]:
    """The plans `user` may list, filtered, each with its family, the family's current fixed
    consultant (`family.current_assignment_list`), and `goals_total`, `open_goals`,
    `reviews_due` and `next_review` (the earliest review date of an open goal). Two queries
    for any number of rows (the page and the consultants)."""
    filters = filters or PlanFilters()
    today = today or timezone.localdate()
    qs = DevelopmentPlan.objects.filter(rules.plan_filter(user))
    if filters.search.strip():
        qs = qs.filter(family__name__icontains=filters.search.strip())
    if filters.consultant_id:
        qs = qs.filter(
            Exists(
                ConsultantAssignment.objects.filter(
                    family=OuterRef("family_id"),
                    ends_on__isnull=True,
                    consultant_id=filters.consultant_id,
                )
            )
        )
    if filters.due:
        qs = qs.filter(Exists(Goal.objects.filter(_due(today), plan=OuterRef("pk"))))
    return (
        qs.select_related("family", "family__municipality")
        .annotate(
            goals_total=Count("goals"),
            open_goals=Count("goals", filter=_open_goals("goals__")),
            reviews_due=Count("goals", filter=_due(today, "goals__")),
            next_review=Min("goals__review_on", filter=_open_goals("goals__")),
        )
        .prefetch_related(
            Prefetch(
                "family__consultant_assignments",
                queryset=current_assignments(),
                to_attr="current_assignment_list",
            )
        )
        .order_by("family__name", "id")
    )


# -- one plan -----------------------------------------------------------------------------------


def log_plan_read(user: UserLike, plan: DevelopmentPlan) -> None:
    """Side effect: the audit entry "development.plan.read" (for a page that shows the plan
    after a permission check, e.g. its edit form)."""
    log_action(
        "development.plan.read",
        actor=user,
        obj=plan,
        municipality_id=plan.family.municipality_id,
    )


def get_plan_for(
    user: UserLike, plan_uuid: uuid.UUID | str, *, audit: bool = True
) -> DevelopmentPlan:
    """One plan, or Http404 when it does not exist or `user` may not see it. Side effect: the
    audit entry "development.plan.read" unless `audit` is False (the caller is about to change
    the plan and logs that instead)."""
    try:
        plan = (
            DevelopmentPlan.objects.filter(rules.plan_filter(user))
            .select_related("family", "family__municipality", "created_by")
            .get(uuid=plan_uuid)
        )
    except (DevelopmentPlan.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit:
        log_plan_read(user, plan)
    return plan


def family_plan_for(
    user: UserLike, family_uuid: uuid.UUID | str, *, audit: bool = True
) -> tuple[FosterFamily, DevelopmentPlan | None]:
    """The family and its plan (None while it has none), in one query; Http404 when the family
    does not exist or `user` may not see its plan (a case worker sees the family, not the plan).
    Side effect: "development.plan.read" when there is a plan, unless `audit` is False."""
    try:
        family = (
            FosterFamily.objects.filter(rules.plan_family_filter(user))
            .select_related("municipality", "development_plan", "development_plan__created_by")
            .get(uuid=family_uuid)
        )
    except (FosterFamily.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    try:
        plan: DevelopmentPlan | None = family.development_plan
    except ObjectDoesNotExist:
        plan = None
    if plan is not None and audit:
        log_plan_read(user, plan)
    return family, plan


@dataclass(frozen=True)
class GoalView:
    """A goal as the plan page shows it to one user."""

    goal: Goal
    notes: list[ProgressNote]
    links: list[CourseLink]  # only the courses the user may see
    can_review: bool
    can_note: bool
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class PlanDetail:
    plan: DevelopmentPlan
    goals: list[GoalView]
    can_change: bool
    is_family: bool
    linkable: list[SupervisionCourse]  # courses an editor may still link to a goal

    @property
    def open_goals(self) -> list[GoalView]:
        return [view for view in self.goals if view.goal.is_open]

    @property
    def closed_goals(self) -> list[GoalView]:
        return [view for view in self.goals if not view.goal.is_open]

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        """(status label, number of goals) for the statuses that occur, in the status order."""
        counts: dict[str, int] = defaultdict(int)
        for view in self.goals:
            counts[view.goal.status] += 1
        return [(str(status.label), counts[status]) for status in GoalStatus if counts[status]]


def _goals(plan: DevelopmentPlan) -> QuerySet[Goal]:
    return plan.goals.select_related("owner").prefetch_related(
        Prefetch(
            "notes",
            queryset=ProgressNote.objects.select_related("author").order_by("-written_at", "-id"),
        )
    )


def visible_links(user: UserLike, plan: DevelopmentPlan) -> QuerySet[CourseLink]:
    """The plan's course links whose course `user` may see under the competence policy."""
    courses = SupervisionCourse.objects.filter(competence_rules.supervision_filter(user))
    return (
        CourseLink.objects.filter(plan=plan, course__in=courses.values("pk"))
        .select_related("course", "course__institution")
        .order_by("created_at", "id")
    )


def linkable_courses(user: UserLike, plan: DevelopmentPlan) -> QuerySet[SupervisionCourse]:
    """The family's supervision courses `user` may see that are not declined and work on no
    goal of this plan yet, newest first."""
    return (
        SupervisionCourse.objects.filter(
            competence_rules.supervision_filter(user), families=plan.family_id
        )
        .exclude(status=SupervisionStatus.DECLINED)
        .exclude(pk__in=CourseLink.objects.filter(plan=plan).values("course_id"))
        .select_related("institution")
        .order_by("-created_at", "-id")
    )


def plan_detail(
    user: UserLike, plan: DevelopmentPlan, *, today: dt.date | None = None
) -> PlanDetail:
    """What the plan page (and the API's plan) shows to `user`, who read the plan through the
    policy: the goals in order with their notes (newest first), the courses linked to each that
    `user` may see, and what `user` may do. Four queries (three for anyone who may not change
    the plan)."""
    today = today or timezone.localdate()
    can_change = rules.can_change_plan(user, plan.family)
    links: dict[int, list[CourseLink]] = defaultdict(list)
    for link in visible_links(user, plan):
        links[link.goal_id].append(link)
    views = [
        GoalView(
            goal=goal,
            notes=list(goal.notes.all()),
            links=links.get(goal.pk, []),
            can_review=rules.can_review_goal(user, goal, plan_visible=True),
            can_note=rules.can_add_note(user, goal, plan_visible=True),
            overdue=goal.is_overdue(today),
            due_soon=goal.is_open
            and goal.review_on is not None
            and today <= goal.review_on <= today + REVIEW_HORIZON,
        )
        for goal in _goals(plan)
    ]
    return PlanDetail(
        plan=plan,
        goals=views,
        can_change=can_change,
        is_family=scope_for(user).foster_family_id == plan.family_id,
        linkable=list(linkable_courses(user, plan)) if can_change else [],
    )


# -- one goal -----------------------------------------------------------------------------------


def get_goal_for(user: UserLike, goal_uuid: uuid.UUID | str, *, audit: bool = True) -> Goal:
    """One goal, or Http404 when it does not exist or `user` may not see its plan. Side effect:
    the audit entry "development.goal.read" unless `audit` is False (the caller is about to
    change the goal or add to it, and logs that instead)."""
    try:
        goal = (
            Goal.objects.filter(rules.goal_filter(user))
            .select_related("plan", "plan__family", "plan__family__municipality", "owner")
            .get(uuid=goal_uuid)
        )
    except (Goal.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit:
        log_goal_read(user, goal)
    return goal


def log_goal_read(user: UserLike, goal: Goal) -> None:
    """Side effect: the audit entry "development.goal.read"."""
    log_action(
        "development.goal.read",
        actor=user,
        obj=goal,
        municipality_id=goal.plan.family.municipality_id,
    )


def goal_log(user: UserLike, goal: Goal) -> tuple[list[ProgressNote], list[CourseLink]]:
    """A goal's progress notes (newest first) and the linked courses `user` may see."""
    notes = list(goal.notes.select_related("author").order_by("-written_at", "-id"))
    links = list(visible_links(user, goal.plan).filter(goal=goal))
    return notes, links


def active_user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def assignable_owners(family: FosterFamily, *, today: dt.date | None = None) -> QuerySet[User]:
    """Who may be responsible for a goal of `family`'s plan: the active consultants and
    leaders of its municipality and the active specialists and coordinators of institutions
    engaged with it now."""
    today = today or timezone.localdate()
    engaged = (
        Engagement.objects.filter(family=family, starts_on__lte=today)
        .filter(Q(access_until__isnull=True) | Q(access_until__gte=today))
        .values("institution_id")
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role__in=rules.MUNICIPAL,
                memberships__municipality_id=family.municipality_id,
            )
            | Q(
                memberships__role__in=rules.INSTITUTION,
                memberships__institution_id__in=engaged,
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def course_for_link(user: UserLike, course_uuid: uuid.UUID | str) -> SupervisionCourse | None:
    """A supervision course `user` may see, for linking (the service checks the rest)."""
    try:
        return (
            SupervisionCourse.objects.filter(competence_rules.supervision_filter(user))
            .filter(uuid=course_uuid)
            .first()
        )
    except (ValueError, ValidationError):
        return None


def get_link(goal: Goal, course_uuid: uuid.UUID | str) -> CourseLink:
    """The link of a course to `goal` (a goal the caller read through the policy), or 404."""
    try:
        link = CourseLink.objects.select_related("course").get(goal=goal, course__uuid=course_uuid)
    except (CourseLink.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    link.goal = goal
    return link


# -- the start page and the course page --------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    goal: Goal
    overdue: bool

    @property
    def family(self) -> FosterFamily:
        return self.goal.plan.family


def reviews_due_for(
    user: UserLike, today: dt.date | None = None, *, limit: int = START_PANEL_LIMIT
) -> list[ReviewDue]:
    """The consultant's start-page task: open goals (not achieved or dropped) whose review is
    due within REVIEW_HORIZON or overdue, on the plans of the families whose current fixed
    consultant `user` is, earliest first, at most `limit`. One query (none for a user without a
    consultant or leader role)."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.municipalities(*rules.MUNICIPAL):
        return []
    today = today or timezone.localdate()
    mine = ConsultantAssignment.objects.filter(
        family=OuterRef("plan__family"), consultant_id=scope.user_id, ends_on__isnull=True
    )
    goals = (
        Goal.objects.filter(rules.goal_filter(user), _due(today))
        .filter(Exists(mine))
        .select_related("plan", "plan__family")
        .order_by("review_on", "plan__family__name", "position", "id")[:limit]
    )
    return [ReviewDue(goal=goal, overdue=goal.is_overdue(today)) for goal in goals]


def goal_links_for_course(user: UserLike, course: SupervisionCourse) -> list[CourseLink]:
    """The goals a supervision course works on, in the plans `user` may see (for the course
    page), with their families. One query."""
    return list(
        CourseLink.objects.filter(
            course=course,
            plan__in=DevelopmentPlan.objects.filter(rules.plan_filter(user)).values("pk"),
        )
        .select_related("goal", "plan__family")
        .order_by("plan__family__name", "id")
    )
