"""Reads of transitions: the list (with its audit entry per page), one transition (audited) and
what its page shows to the reader, a plan step, a meeting, the choices of meeting
participants, and the short lists for the child's and the family's pages. Every query starts
from the policy (`rules.transition_filter`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily, FosterParent
from samspil.families.rules import child_filter, family_filter
from samspil.families.selectors import assignable_consultants
from samspil.organisations.models import Institution
from samspil.transitions import rules
from samspil.transitions.enums import (
    OPEN_STATUSES,
    PHASE_ORDER,
    AdviceKind,
    Phase,
    TransitionStatus,
)
from samspil.transitions.models import (
    Advice,
    ChildInvolvement,
    CollaborationMeeting,
    PlanStep,
    Transition,
)

# -- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionFilters:
    status: str = ""  # "" = open, "all", or a TransitionStatus value
    search: str = ""  # the child's name or the family's
    mine: bool = False  # the user is the responsible consultant
    child_id: int | None = None
    family_id: int | None = None


def _step_count(**conditions: object) -> Coalesce:
    counted = (
        PlanStep.objects.filter(plan__transition=OuterRef("pk"), **conditions)
        .order_by()
        .values("plan__transition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def transitions_for(
    user: UserLike, filters: TransitionFilters | None = None
) -> QuerySet[Transition]:
    """The transitions `user` may list, filtered, with what the list shows (the child, the
    family, the institution, the consultant, plan progress) in one query. Not audited: the
    list page audits the page it shows (`audit_list`)."""
    filters = filters or TransitionFilters()
    qs = Transition.objects.filter(rules.transition_filter(user))
    if filters.status == "all":
        pass
    elif filters.status in TransitionStatus.values:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.search.strip():
        term = filters.search.strip()
        qs = qs.filter(
            Q(child__first_name__icontains=term)
            | Q(child__last_name__icontains=term)
            | Q(family__name__icontains=term)
            | Q(institution__name__icontains=term)
        )
    if filters.mine:
        qs = qs.filter(consultant_id=getattr(user, "pk", None))
    if filters.child_id is not None:
        qs = qs.filter(child_id=filters.child_id)
    if filters.family_id is not None:
        qs = qs.filter(family_id=filters.family_id)
    today = timezone.localdate()
    return (
        qs.select_related(
            "child", "family", "institution", "municipality", "consultant", "engagement"
        )
        .annotate(
            steps_total=_step_count(),
            steps_done=_step_count(done=True),
            steps_overdue=_step_count(done=False, due_on__lt=today),
        )
        .order_by("-created_at", "-id")
    )


def page_of(
    user: UserLike, transitions: QuerySet[Transition], number: int | str | None, per_page: int
) -> Page[Transition]:
    """One page of the list. Side effect: the audit entry "transitions.transition.list" with
    the ids of the transitions shown (a list names children)."""
    page = Paginator(transitions, per_page).get_page(number)
    rows = list(page.object_list)
    page.object_list = rows
    audit_list(user, rows, page=page.number, count=page.paginator.count)
    return page


def audit_list(user: UserLike, rows: Sequence[Transition], *, page: int, count: int) -> None:
    """Write "transitions.transition.list": the page number, the total and the ids shown
    (no names). One entry per page read, in the UI and the API alike."""
    municipalities = {row.municipality_id for row in rows}
    log_action(
        "transitions.transition.list",
        actor=user,
        municipality_id=municipalities.pop() if len(municipalities) == 1 else None,
        data={"page": page, "count": count, "transitions": [str(row.uuid) for row in rows]},
    )


def transitions_for_child(user: UserLike, child: Child) -> list[Transition]:
    """The child's transitions `user` may see, newest first (for the child's page, whose read
    is audited there)."""
    return list(transitions_for(user, TransitionFilters(status="all", child_id=child.pk))[:10])


def transitions_for_family(user: UserLike, family: FosterFamily) -> list[Transition]:
    """The transitions to `family` that `user` may see, newest first (for the family's page,
    whose read is audited there)."""
    return list(transitions_for(user, TransitionFilters(status="all", family_id=family.pk))[:10])


# -- one transition ---------------------------------------------------------------------------


def _visible() -> QuerySet[Transition]:
    return Transition.objects.select_related(
        "child",
        "child__case_worker",
        "family",
        "family__municipality",
        "institution",
        "municipality",
        "consultant",
        "engagement",
        "created_by",
    )


def get_transition_for(
    user: UserLike, transition_uuid: uuid.UUID | str, *, audit: bool = True
) -> Transition:
    """One transition, or Http404 when it does not exist or `user` may not see it (existence
    does not leak). Side effect: the audit entry "transitions.transition.read" unless `audit`
    is False (used when the caller is about to change it and logs that instead)."""
    try:
        transition = _visible().filter(rules.transition_filter(user)).get(uuid=transition_uuid)
    except (Transition.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_read(user, transition)
    return transition


def audit_read(user: UserLike, transition: Transition) -> None:
    log_action(
        "transitions.transition.read",
        actor=user,
        obj=transition,
        municipality_id=transition.municipality_id,
        data={"version": transition.version},
    )


@dataclass(frozen=True)
class StepView:
    step: PlanStep
    can_tick: bool
    overdue: bool


@dataclass(frozen=True)
class PhaseView:
    phase: str
    label: str
    steps: list[StepView]

    @property
    def done(self) -> int:
        return sum(view.step.done for view in self.steps)


@dataclass(frozen=True)
class AdviceView:
    entry: Advice
    answered: bool


@dataclass
class TransitionDetail:
    transition: Transition
    can_manage: bool
    can_change: bool
    can_contribute: bool
    sees_internal: bool
    is_parent: bool
    can_add_advice: bool
    phases: list[PhaseView]
    meetings: list[CollaborationMeeting]
    involvement: ChildInvolvement | None
    shows_involvement: bool
    shows_child_views: bool
    advice: list[AdviceView]
    open_requests: list[Advice] = field(default_factory=list)

    @property
    def steps_total(self) -> int:
        return sum(len(phase.steps) for phase in self.phases)

    @property
    def steps_done(self) -> int:
        return sum(phase.done for phase in self.phases)


def transition_detail(
    user: UserLike, transition: Transition, today: dt.date | None = None
) -> TransitionDetail:
    """What the transition's page shows to `user` (see the table in `rules`): a fixed number
    of queries whatever the number of steps, meetings and advice."""
    today = today or timezone.localdate()
    sees_internal = rules.sees_internal(user, transition)
    is_parent = rules.is_receiving_parent(user, transition)
    steps = list(PlanStep.objects.filter(plan__transition=transition).select_related("done_by"))
    labels = dict(Phase.choices)
    phases = [
        PhaseView(
            phase=phase,
            label=str(labels[phase]),
            steps=[
                StepView(
                    step=step,
                    can_tick=rules.can_tick_step(user, step, transition),
                    overdue=step.is_overdue(today),
                )
                for step in steps
                if step.phase == phase
            ],
        )
        for phase in PHASE_ORDER
    ]
    meetings = list(
        transition.meetings.select_related("created_by").prefetch_related(
            Prefetch("staff", queryset=User.objects.order_by("first_name", "last_name")),
            Prefetch("parents", queryset=FosterParent.objects.order_by("first_name")),
        )
    )
    involvement = ChildInvolvement.objects.filter(transition=transition).first()
    shows_child_views = involvement is not None and (
        sees_internal or (is_parent and involvement.views_shared_with_family)
    )
    entries = list(
        transition.advice.select_related("author", "in_reply_to")
        .annotate(reply_count=Count("replies"))
        .order_by("-given_at", "-id")
    )
    advice = [
        AdviceView(
            entry=entry,
            answered=entry.kind == AdviceKind.REQUEST and getattr(entry, "reply_count", 0) > 0,
        )
        for entry in entries
    ]
    return TransitionDetail(
        transition=transition,
        can_manage=rules.can_manage(user, transition),
        can_change=rules.can_change(user, transition),
        can_contribute=rules.can_contribute(user, transition),
        sees_internal=sees_internal,
        is_parent=is_parent,
        can_add_advice=rules.can_add_advice(user, transition),
        phases=phases,
        meetings=meetings,
        involvement=involvement,
        shows_involvement=sees_internal,
        shows_child_views=shows_child_views,
        advice=advice,
        open_requests=[
            view.entry
            for view in advice
            if view.entry.kind == AdviceKind.REQUEST and not view.answered
        ],
    )


# -- parts of a transition ---------------------------------------------------------------------


def get_step_for(user: UserLike, step_uuid: uuid.UUID | str) -> PlanStep:
    """A plan step of a transition `user` may see, with the transition loaded, or Http404.
    Not audited: it is read to be ticked, and ticking is audited."""
    visible = Transition.objects.filter(rules.transition_filter(user)).values("pk")
    try:
        return PlanStep.objects.select_related(
            "plan__transition__family",
            "plan__transition__child",
            "plan__transition__engagement",
        ).get(uuid=step_uuid, plan__transition__in=visible)
    except (PlanStep.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_meeting_for(
    user: UserLike, meeting_uuid: uuid.UUID | str, *, audit: bool = True
) -> CollaborationMeeting:
    """A collaboration meeting of a transition `user` may see, or Http404. Side effect: the
    audit entry "transitions.meeting.read" unless `audit` is False."""
    visible = Transition.objects.filter(rules.transition_filter(user)).values("pk")
    try:
        meeting = CollaborationMeeting.objects.select_related(
            "transition__family",
            "transition__child",
            "transition__engagement",
            "transition__institution",
        ).get(uuid=meeting_uuid, transition__in=visible)
    except (CollaborationMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "transitions.meeting.read",
            actor=user,
            obj=meeting,
            municipality_id=meeting.transition.municipality_id,
            data={"transition": str(meeting.transition.uuid), "version": meeting.version},
        )
    return meeting


def involvement_of(transition: Transition) -> ChildInvolvement:
    """The record of how the child is involved (made with the transition; made here for a
    transition that has none, e.g. from an import)."""
    involvement, _created = ChildInvolvement.objects.get_or_create(transition=transition)
    involvement.transition = transition
    return involvement


def open_requests(transition: Transition) -> list[Advice]:
    """The family's requests for advice not answered yet (to choose the one advice answers)."""
    return list(
        transition.advice.filter(kind=AdviceKind.REQUEST)
        .annotate(reply_count=Count("replies"))
        .filter(reply_count=0)
        .order_by("given_at", "id")
    )


def meeting_staff(transition: Transition) -> QuerySet[User]:
    """Who can be recorded as staff at a collaboration meeting: consultants, leaders and case
    workers of the child's and the family's municipalities, and the from-institution's staff."""
    municipalities = {transition.municipality_id, transition.family.municipality_id}
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role__in=[Role.CONSULTANT, Role.LEADER, Role.CASE_WORKER],
                memberships__municipality_id__in=municipalities,
            )
            | Q(
                memberships__role__in=[Role.SPECIALIST, Role.COORDINATOR],
                memberships__institution_id=transition.institution_id,
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def meeting_parents(transition: Transition) -> QuerySet[FosterParent]:
    """The receiving family's foster parents (who may be recorded as present)."""
    return FosterParent.objects.filter(family_id=transition.family_id).order_by(
        "first_name", "last_name", "id"
    )


# -- choosing the child and the family of a new transition --------------------------------------

CHOICES_SHOWN = 20


@dataclass(frozen=True)
class Found:
    """A short list of search results, and whether more matched."""

    query: str
    records: list[Any]
    more: bool


def _short(qs: QuerySet[Any], query: str) -> Found:
    records = list(qs[: CHOICES_SHOWN + 1])
    return Found(query=query, records=records[:CHOICES_SHOWN], more=len(records) > CHOICES_SHOWN)


def creatable_children(user: UserLike) -> QuerySet[Child]:
    """The children `user` may start a transition for: those they see as a consultant or
    leader (the service checks the municipality again with the family)."""
    if not rules.can_create_transition(user):
        return Child.objects.none()
    return Child.objects.filter(child_filter(user)).select_related("municipality")


def search_children(user: UserLike, query: str) -> Found:
    """Children matching `query` by name; without a query, the children of the user's
    municipalities who are not placed in a foster family now and have no open transition
    (likely to live at an institution)."""
    children = creatable_children(user)
    if query:
        qs = children.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
    else:
        today = timezone.localdate()
        placed = Q(placements__starts_on__lte=today) & (
            Q(placements__ends_on__isnull=True) | Q(placements__ends_on__gte=today)
        )
        qs = children.filter(municipality_id__in=rules.creatable_municipalities(user)).exclude(
            Q(pk__in=Child.objects.filter(placed).values("pk"))
            | Q(transitions__status__in=OPEN_STATUSES)
        )
    return _short(qs.order_by("first_name", "last_name", "id"), query)


def get_creatable_child(user: UserLike, child_uuid: uuid.UUID | str) -> Child:
    try:
        return creatable_children(user).get(uuid=child_uuid)
    except (Child.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def creatable_families(user: UserLike) -> QuerySet[FosterFamily]:
    if not rules.can_create_transition(user):
        return FosterFamily.objects.none()
    return FosterFamily.objects.filter(family_filter(user)).select_related("municipality")


def search_families(user: UserLike, query: str) -> Found:
    """Families matching `query` by name, city or postcode (nothing without a query: a
    municipality may have a thousand)."""
    if not query:
        return Found(query="", records=[], more=False)
    qs = creatable_families(user).filter(
        Q(name__icontains=query) | Q(city__icontains=query) | Q(postcode=query)
    )
    return _short(qs.order_by("name", "id"), query)


def get_creatable_family(user: UserLike, family_uuid: uuid.UUID | str) -> FosterFamily:
    try:
        return creatable_families(user).get(uuid=family_uuid)
    except (FosterFamily.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def institution_choices() -> QuerySet[Institution]:
    """Every institution (not personal data), by name."""
    return Institution.objects.select_related("municipality").order_by("name", "id")


def consultant_choices(*municipality_ids: int) -> QuerySet[User]:
    """Who can be the responsible consultant: consultants of the child's or family's
    municipality."""
    return assignable_consultants(*municipality_ids)
