"""Writing the audit log. Services call `log_action`; views never do."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from samspil.accounts.models import User
from samspil.audit.context import current_origin
from samspil.audit.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, ready to compare and store in an audit entry."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _jsonable(getattr(instance, attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in after
        if before.get(name) != after.get(name)
    }


def log_action(
    action: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model | None = None,
    municipality_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry: `action` is "app.object.verb", e.g. "families.family.read".

    Side effect: one INSERT into the audit table; never updates or deletes.
    """
    origin = current_origin()
    user = actor if (actor is not None and actor.is_authenticated) else None
    assert user is None or isinstance(user, User)
    entry_data = dict(data or {})
    entry_data.setdefault("channel", origin.channel if origin else "cli")
    return AuditEntry.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else ""),
        municipality_id=municipality_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_uuid=getattr(obj, "uuid", None),
        object_label=str(obj)[:200] if obj is not None else "",
        changes={
            key: {k: _jsonable(v) for k, v in val.items()} for key, val in (changes or {}).items()
        },
        data={key: _jsonable(value) for key, value in entry_data.items()},
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
    )
