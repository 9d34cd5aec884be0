"""Reads of single hotline records for the API and the services: hotlines, calls and
follow-ups under the policy in `hotline/rules.py`, and the family a call is about. Detail reads
of a family's calls are audited here; the API's list pages with the UI's
`calls.audit_call_list` and `followups.audit_follow_up_list` (one entry for UI and API)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.hotline import rules
from samspil.hotline.models import Call, FollowUp, Hotline


def hotlines_for(user: UserLike) -> QuerySet[Hotline]:
    return (
        Hotline.objects.filter(rules.hotline_filter(user), active=True)
        .select_related("municipality", "collaboration")
        .distinct()
        .order_by("name", "id")
    )


def get_hotline_for(user: UserLike, hotline_uuid: uuid.UUID | str) -> Hotline:
    hotline = hotlines_for(user).filter(uuid=hotline_uuid).first()
    if hotline is None:
        raise Http404
    return hotline


def call_family(user: UserLike, hotline: Hotline, family_uuid: uuid.UUID | str) -> FosterFamily:
    """A family the user may register a call about on `hotline` (Http404 otherwise). Not
    audited here: registering the call is."""
    family = (
        FosterFamily.objects.filter(rules.call_view_family_filter(user, hotline))
        .filter(uuid=family_uuid)
        .first()
    )
    if family is None:
        raise Http404
    return family


def family_and_hotline_for_call(
    user: UserLike, family_uuid: uuid.UUID | str
) -> tuple[FosterFamily, Hotline | None]:
    """For a call registered without naming the hotline: the family, if the user may register
    a call about it on one of their hotlines (Http404 otherwise, as for an unknown id), and
    the hotline the call most likely came in on: the one serving the family's municipality
    that the user answers now, else the only one serving it that the user may register calls
    on (None when it is not one). Not audited here: registering the call is.

    The same queries however many hotlines the user has: the hotlines, the ones answered now
    and the family, once each (and a collaboration's municipalities once per its hotline)."""
    answering = rules.answering_hotline_ids(user)
    allowed = [
        hotline
        for hotline in hotlines_for(user)
        if rules.can_register_calls(user, hotline, answering=answering)
    ]
    served: set[int] = set()
    for hotline in allowed:
        served |= rules.hotline_municipalities(hotline)
    family = FosterFamily.objects.filter(municipality_id__in=served, uuid=family_uuid).first()
    if family is None:
        raise Http404
    serving = [h for h in allowed if family.municipality_id in rules.hotline_municipalities(h)]
    answered = [h for h in serving if h.pk in answering]
    if len(answered) == 1:
        return family, answered[0]
    return family, serving[0] if len(serving) == 1 else None


def calls_for(user: UserLike) -> QuerySet[Call]:
    """The calls `user` may see, with everything `CallOut` shows in the same query: the
    follow-up (a reverse one-to-one: absent for a stub) with its assignee and whom it was
    escalated to. Not audited here: the API audits the page it answers (`audit_call_list`)."""
    return (
        Call.objects.filter(rules.call_filter(user))
        .select_related(
            "hotline",
            "family",
            "topic",
            "registered_by",
            "follow_up__assignee",
            "follow_up__escalated_to",
        )
        .distinct()
        .order_by("-received_at", "id")
    )


def get_call_for(user: UserLike, call_uuid: uuid.UUID | str) -> Call:
    call = calls_for(user).filter(uuid=call_uuid).first()
    if call is None:
        raise Http404
    if call.family is not None:
        log_action(
            "hotline.call.read",
            actor=user,
            obj=call.family,
            municipality_id=call.family.municipality_id,
            data={"call": str(call.uuid)},
        )
    return call


def follow_ups_for(user: UserLike) -> QuerySet[FollowUp]:
    """The follow-ups `user` may see, with what `FollowUpOut` shows. Not audited here: the API
    audits the page it answers (`audit_follow_up_list`)."""
    return (
        FollowUp.objects.filter(rules.follow_up_filter(user))
        .select_related("call__hotline", "call__topic", "family", "assignee", "escalated_to")
        .distinct()
        .order_by("due_date", "id")
    )


def get_follow_up_for(user: UserLike, follow_up_uuid: uuid.UUID | str) -> FollowUp:
    follow_up = follow_ups_for(user).filter(uuid=follow_up_uuid).first()
    if follow_up is None:
        raise Http404
    log_action(
        "hotline.follow_up.read",
        actor=user,
        obj=follow_up.family,
        municipality_id=follow_up.family.municipality_id,
        data={"follow_up": str(follow_up.uuid)},
    )
    return follow_up
