"""Optimistic concurrency for versioned records: an edit names the version it started from, and
a save against a newer version is refused with what changed in between."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.models import AuditEntry


@dataclass(frozen=True)
class InterveningChange:
    field: str
    before: Any
    after: Any
    by: str
    at: str


class ConcurrentEditError(Exception):
    """Someone else saved the record after the editor opened it."""

    def __init__(self, *, current_version: int, changes: list[InterveningChange]) -> None:
        self.current_version = current_version
        self.changes = changes
        super().__init__(
            _(
                "Someone else changed this record after you opened it. Nothing was saved: review the changes below and save again."
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": str(self),
            "current_version": self.current_version,
            "changes": [change.__dict__ for change in self.changes],
        }


def _entries_about(instance: models.Model) -> QuerySet[AuditEntry]:
    uuid = getattr(instance, "uuid", None)
    if uuid is not None:
        return AuditEntry.objects.filter(object_uuid=uuid)
    # Records without a UUID (organisations) name themselves in the entry's data.
    return AuditEntry.objects.filter(object_type=instance._meta.label_lower, data__pk=instance.pk)


def intervening_changes(instance: models.Model, since_version: int) -> list[InterveningChange]:
    """What the audit log says changed on `instance` after `since_version`."""
    entries = (
        _entries_about(instance)
        .filter(data__version__gt=since_version)
        .order_by("created_at", "id")
    )
    changes: list[InterveningChange] = []
    for entry in entries:
        for name, values in entry.changes.items():
            changes.append(
                InterveningChange(
                    field=name,
                    before=values.get("before"),
                    after=values.get("after"),
                    by=entry.actor_label,
                    at=timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            )
    return changes


def save_versioned(instance: models.Model, *, expected_version: int, fields: list[str]) -> int:
    """Write `fields` of `instance` only if the row is still at `expected_version`.

    One conditional UPDATE, so two concurrent saves cannot both win. Returns the new version
    and sets it on the instance; raises ConcurrentEditError when the row had moved on.
    """
    model = type(instance)
    values = {name: getattr(instance, model._meta.get_field(name).attname) for name in fields}  # type: ignore[union-attr]
    new_version = expected_version + 1
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=new_version, updated_at=timezone.now()
    )
    if updated != 1:
        current = (
            model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
            or 0
        )
        raise ConcurrentEditError(
            current_version=current, changes=intervening_changes(instance, expected_version)
        )
    instance.version = new_version  # type: ignore[attr-defined]
    return new_version


def claim_version(instance: models.Model, *, expected_version: int) -> int:
    """For records saved with save() and many-to-many sets: move the row from
    `expected_version` to the next one in one conditional UPDATE (which also locks it until the
    transaction ends), or raise ConcurrentEditError. Call inside the writing transaction."""
    model = type(instance)
    new_version = expected_version + 1
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=new_version
    )
    if updated != 1:
        current = (
            model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
            or 0
        )
        raise ConcurrentEditError(
            current_version=current, changes=intervening_changes(instance, expected_version)
        )
    instance.version = new_version  # type: ignore[attr-defined]
    return new_version
