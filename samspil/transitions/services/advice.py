"""Writes of the advice log: the institution's advice to the foster family (mostly after the
move), and the family's requests for advice.

Keyword-only, atomic, permission-checked, validated and audited ("transitions.advice.create"
with the kind, the channel and the request answered; never the text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.transitions import rules
from samspil.transitions.enums import AdviceChannel, AdviceKind
from samspil.transitions.models import Advice, Transition

FUTURE_MARGIN = dt.timedelta(hours=1)


@transaction.atomic
def add_advice(
    *,
    actor: User,
    transition: Transition,
    values: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Advice:
    """Log advice or a request. Contributors (the institution's staff, the municipality's
    consultants and leaders) log advice given (`given_at`, `channel`, `topic`, `text`,
    optionally `in_reply_to`: a request of this transition it answers); the receiving family's
    foster parents log a request for advice (`topic`, `text`; now, as a message in Samspil).
    Only while the transition is open. Audit "transitions.advice.create"."""
    now = now or timezone.now()
    if rules.can_contribute(actor, transition):
        kind = AdviceKind.ADVICE
    elif rules.can_request_advice(actor, transition):
        kind = AdviceKind.REQUEST
    else:
        raise PermissionDeniedError
    errors: dict[str, list[str]] = {}
    topic = str(values.get("topic") or "").strip()
    text = str(values.get("text") or "").strip()
    if not topic:
        errors["topic"] = [_("Give the advice a short topic.")]
    elif len(topic) > 200:
        errors["topic"] = [_("Keep the topic under 200 characters.")]
    if not text:
        errors["text"] = (
            [_("Write what the advice was.")]
            if kind == AdviceKind.ADVICE
            else [_("Write what you would like advice about.")]
        )
    if kind == AdviceKind.ADVICE:
        given_at = values.get("given_at") or now
        channel = values.get("channel") or ""
        if channel not in AdviceChannel.values:
            errors["channel"] = [_("Choose how the advice was given.")]
        if given_at > now + FUTURE_MARGIN:
            errors["given_at"] = [_("Log advice once it has been given.")]
        in_reply_to = values.get("in_reply_to")
        if in_reply_to is not None and (
            in_reply_to.transition_id != transition.pk or in_reply_to.kind != AdviceKind.REQUEST
        ):
            errors["in_reply_to"] = [_("Choose one of the family's requests.")]
    else:
        given_at, channel, in_reply_to = now, AdviceChannel.MESSAGE, None
    if errors:
        raise ValidationError(errors)
    entry = Advice.objects.create(
        transition=transition,
        kind=kind,
        given_at=given_at,
        channel=channel,
        topic=topic,
        text=text,
        author=actor,
        in_reply_to=in_reply_to,
    )
    log_action(
        "transitions.advice.create",
        actor=actor,
        obj=entry,
        municipality_id=transition.municipality_id,
        data={
            "transition": str(transition.uuid),
            "kind": kind,
            "channel": channel,
            "in_reply_to": str(in_reply_to.uuid) if in_reply_to is not None else None,
            "version": entry.version,
        },
    )
    return entry
