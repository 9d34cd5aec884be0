from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One fact in the append-only audit log: who did what to which record, when, from where.

    The personal fields (`actor_label`, `object_label`, `ip_address`, `user_agent`) are kept
    apart from the facts so that a GDPR removal can pseudonymise them without losing the trail.
    On PostgreSQL a trigger refuses UPDATE and DELETE on the table.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    object_type = models.CharField(_("record type"), max_length=64, blank=True)
    object_uuid = models.UUIDField(_("record"), null=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Personal fields, separable from the facts above.
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    object_label = models.CharField(_("record"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["municipality", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")
