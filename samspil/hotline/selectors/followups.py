"""Reads of hotline follow-ups: the list a user may see, one follow-up with the call and the
family's basic details, and the start page's panel (the consultant's open follow-ups, the
leader's escalations). Every read starts from `rules.follow_up_filter`; opening a follow-up
writes "hotline.follow_up.read" and reading a page of the list "hotline.follow_up.list" (ids
only) here. The start page's panel (the follow-ups assigned or escalated to the user) is not
audited: it is the user's own work."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families import rules as family_rules
from samspil.families.models import ConsultantAssignment
from samspil.families.selectors import current_placements
from samspil.hotline import rules
from samspil.hotline.enums import FollowUpStatus
from samspil.hotline.models import FollowUp, Hotline
from samspil.hotline.selectors.calls import action_labels, answering_hotlines

START_PAGE_LIMIT = 50


@dataclass(frozen=True)
class FollowUpFilters:
    status: str = FollowUpStatus.OPEN  # "" for every status
    mine: bool = False  # assigned or escalated to the user


def follow_ups_for(user: UserLike, filters: FollowUpFilters | None = None) -> QuerySet[FollowUp]:
    """The follow-ups `user` may see, with what a row shows (the call's time, topic and
    urgency, the family, the assignee, the escalation) in the same query."""
    filters = filters or FollowUpFilters()
    qs = FollowUp.objects.filter(rules.follow_up_filter(user))
    if filters.status in FollowUpStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        user_id = getattr(user, "pk", None)
        qs = qs.filter(Q(assignee_id=user_id) | Q(escalated_to_id=user_id))
    return qs.select_related(
        "call__topic", "call__hotline", "call__registered_by", "family", "assignee", "escalated_to"
    ).order_by("due_date", "call__received_at", "id")


def follow_up_page(
    user: UserLike, filters: FollowUpFilters, number: str | int | None
) -> Page[FollowUp]:
    """Page `number` of `follow_ups_for(user, filters)` (the rows read once). Side effect:
    "hotline.follow_up.list" with the ids of the follow-ups and families shown."""
    page = Paginator(follow_ups_for(user, filters), settings.SAMSPIL_PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    audit_follow_up_list(user, page.object_list)
    return page


def audit_follow_up_list(user: UserLike, follow_ups: Sequence[FollowUp]) -> None:
    """One entry for a list of follow-ups read (a page of the list, UI or API): the
    follow-ups' and their families' ids, nothing else (no names, no outcomes). Under the one
    municipality the families belong to, or none when they span several. Nothing for an
    empty list."""
    if not follow_ups:
        return
    municipalities = {follow_up.family.municipality_id for follow_up in follow_ups}
    log_action(
        "hotline.follow_up.list",
        actor=user,
        municipality_id=municipalities.pop() if len(municipalities) == 1 else None,
        data={
            "follow_ups": sorted(str(follow_up.uuid) for follow_up in follow_ups),
            "families": sorted({str(follow_up.family.uuid) for follow_up in follow_ups}),
        },
    )


def get_follow_up_for(
    user: UserLike, follow_up_uuid: uuid.UUID | str, *, audit: bool = True
) -> FollowUp:
    """One follow-up, or Http404 when it does not exist or `user` may not see it. Side effect:
    "hotline.follow_up.read" about the family unless `audit` is False (the caller is about to
    change it and logs that instead)."""
    try:
        follow_up = follow_ups_for(user, FollowUpFilters(status="")).get(uuid=follow_up_uuid)
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_follow_up_read(user, follow_up)
    return follow_up


def audit_follow_up_read(user: UserLike, follow_up: FollowUp) -> None:
    log_action(
        "hotline.follow_up.read",
        actor=user,
        obj=follow_up.family,
        municipality_id=follow_up.family.municipality_id,
        data={"follow_up": str(follow_up.uuid), "call": str(follow_up.call.uuid)},
    )


def due_state(follow_up: FollowUp, today: dt.date | None = None) -> str:
    """ "done", "overdue" (its due day is over), "today" or "later"."""
    if follow_up.status == FollowUpStatus.DONE:
        return "done"
    today = today or timezone.localdate()
    if follow_up.due_date < today:
        return "overdue"
    return "today" if follow_up.due_date == today else "later"


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    state: str  # see due_state

    @property
    def escalated(self) -> bool:
        return self.follow_up.escalated_at is not None


def rows(follow_ups: QuerySet[FollowUp] | list[FollowUp]) -> list[FollowUpRow]:
    today = timezone.localdate()
    return [FollowUpRow(follow_up=f, state=due_state(f, today)) for f in follow_ups]


@dataclass(frozen=True)
class FollowUpDetail:
    follow_up: FollowUp
    state: str
    can_complete: bool
    # The family's basic details, as the families policy lets `user` see them.
    family_visible: bool
    consultant: User | None
    children: list[str]
    actions: list[str]  # the call's further actions, as labels


def follow_up_detail(user: UserLike, follow_up: FollowUp) -> FollowUpDetail:
    """What the follow-up page shows: the call, and the family's name, address, phone,
    children's first names and fixed consultant (the link to the family page only when the
    families policy lets `user` open it)."""
    family = follow_up.family
    assignment = (
        ConsultantAssignment.objects.filter(family=family, ends_on__isnull=True)
        .select_related("consultant")
        .first()
    )
    children = [p.child.first_name for p in current_placements().filter(family=family)]
    return FollowUpDetail(
        follow_up=follow_up,
        state=due_state(follow_up),
        can_complete=follow_up.status == FollowUpStatus.OPEN
        and rules.can_complete_follow_up(user, follow_up),
        family_visible=family_rules.can_view_family(user, family),
        consultant=assignment.consultant if assignment else None,
        children=children,
        actions=action_labels(follow_up.call.actions),
    )


@dataclass(frozen=True)
class StartPagePanel:
    """The start page's "Hotline follow-ups": open ones assigned to the user (any due date,
    overdue first), open ones escalated to the user, and the hotlines the user answers now
    (to register a call)."""

    mine: list[FollowUpRow]
    escalated: list[FollowUpRow]
    answering: list[Hotline]

    def __bool__(self) -> bool:
        return bool(self.mine or self.escalated or self.answering)


def start_page_panel(user: User) -> StartPagePanel:
    """Three queries (none for a user without a staff role)."""
    if not scope_for(user).is_staff_member:
        return StartPagePanel(mine=[], escalated=[], answering=[])
    base = FollowUp.objects.filter(
        rules.follow_up_filter(user), status=FollowUpStatus.OPEN
    ).select_related("call__topic", "family", "assignee", "escalated_to")
    mine = base.filter(assignee=user).order_by("due_date", "call__received_at", "id")
    escalated = (
        base.filter(escalated_to=user, escalated_at__isnull=False)
        .exclude(assignee=user)
        .order_by("due_date", "call__received_at", "id")
    )
    return StartPagePanel(
        mine=rows(list(mine[:START_PAGE_LIMIT])),
        escalated=rows(list(escalated[:START_PAGE_LIMIT])),
        answering=answering_hotlines(user),
    )
