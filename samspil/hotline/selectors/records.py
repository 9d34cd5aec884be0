"""Reads of single hotline records for the API and the services: hotlines, calls and
follow-ups under the policy in `hotline/rules.py`, and the family a call is about. Detail reads
of a family's calls are audited here."""

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


def hotline_for_call(user: UserLike, family: FosterFamily) -> Hotline | None:
    """The hotline a call about `family` most likely came in on, when the caller did not say:
    one serving the family's municipality that the user answers now, else the only one serving
    it that the user may register calls for."""
    candidates = [
        h for h in hotlines_for(user) if family.municipality_id in rules.hotline_municipalities(h)
    ]
    answering = [h for h in candidates if rules.is_answering(user, h)]
    if len(answering) == 1:
        return answering[0]
    allowed = [h for h in candidates if rules.can_register_calls(user, h)]
    return allowed[0] if len(allowed) == 1 else None


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


def any_call_family(user: UserLike, family_uuid: uuid.UUID | str) -> FosterFamily:
    """A family the user may register a call about on some hotline (Http404 otherwise)."""
    for hotline in hotlines_for(user):
        try:
            return call_family(user, hotline, family_uuid)
        except Http404:
            continue
    raise Http404


def calls_for(user: UserLike) -> QuerySet[Call]:
    return (
        Call.objects.filter(rules.call_filter(user))
        .select_related("hotline", "family", "topic", "registered_by", "follow_up__assignee")
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
