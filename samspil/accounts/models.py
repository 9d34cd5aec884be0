from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.accounts.enums import GLOBAL_ROLES, INSTITUTION_ROLES, MUNICIPAL_ROLES, Role


class User(AbstractUser):
    """A person who logs in: staff of a municipality or institution, a foster parent, an
    evaluator, a programme officer or an administrator. What they may do comes from their
    memberships (staff) or their foster-parent record, never from Django's permission flags."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_demo = models.BooleanField(
        _("demo user"),
        default=False,
        help_text=_("Demo users may log in without two-factor authentication, in demo mode only."),
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A role held by a person in an organisation. One person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    institution = models.ForeignKey(
        "organisations.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_organisation_matches_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in MUNICIPAL_ROLES),
                        municipality__isnull=False,
                        institution__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in INSTITUTION_ROLES),
                        municipality__isnull=True,
                        institution__isnull=False,
                    )
                    | Q(
                        role__in=sorted(r.value for r in GLOBAL_ROLES),
                        municipality__isnull=True,
                        institution__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_municipal",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "institution"],
                condition=Q(institution__isnull=False),
                name="membership_unique_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(municipality__isnull=True, institution__isnull=True),
                name="membership_unique_global",
            ),
        ]

    def __str__(self) -> str:
        place = self.municipality or self.institution or ""
        return f"{self.get_role_display()} {place}".strip()


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
