"""Personal iCalendar feeds: a secret URL a calendar app subscribes to without logging in.

The secret is random, shown once, and stored only as its SHA-256 hash (like API tokens). A
person has at most one active feed: creating a new link revokes the old one, so "I shared my
link by mistake" is fixed by one click.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from samspil.accounts.models import User
from samspil.accounts.tokens import hash_token
from samspil.audit.services import log_action
from samspil.competence.models import CalendarFeed
from samspil.core.exceptions import PermissionDeniedError

TOKEN_BYTES = 32


def _revoke(feed: CalendarFeed, *, actor: User) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at", "updated_at"])
    log_action("competence.calendar_feed.revoke", actor=actor, obj=feed, data={"feed": feed.pk})


@transaction.atomic
def create_calendar_feed(*, user: User) -> tuple[CalendarFeed, str]:
    """Create `user`'s calendar feed. Returns the record and the secret token, which the caller
    shows once; only its hash is stored.

    Side effects: revokes `user`'s earlier active feeds; audit entries
    "competence.calendar_feed.revoke" (per revoked feed) and "competence.calendar_feed.create".
    """
    for old in CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        _revoke(old, actor=user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    log_action("competence.calendar_feed.create", actor=user, obj=feed, data={"feed": feed.pk})
    return feed, token


@transaction.atomic
def revoke_calendar_feed(*, actor: User, feed: CalendarFeed) -> None:
    """Revoke one of `actor`'s own feeds; its URL answers 404 from now on. Idempotent.

    Side effect: audit entry "competence.calendar_feed.revoke" (only when it was active).
    Raises PermissionDeniedError for someone else's feed.
    """
    if feed.user_id != actor.pk:
        raise PermissionDeniedError
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        _revoke(feed, actor=actor)
