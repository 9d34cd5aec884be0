from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.models import PersonalRecord, TimeStampedModel
from samspil.families.enums import EngagementKind, FamilyKind, PlacementEndReason
from samspil.organisations.models import Institution, Municipality, postcode_validator


class FosterFamily(PersonalRecord):
    """A foster family (plejefamilie), approved by and working with one municipality."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. “Familien Hansen”."))
    kind = models.CharField(
        _("kind"), max_length=16, choices=FamilyKind.choices, default=FamilyKind.GENERAL
    )
    approved_on = models.DateField(_("approved since"))
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    prefers_weekday_daytime = models.BooleanField(_("weekday daytime"), default=False)
    prefers_evenings = models.BooleanField(_("evenings"), default=False)
    prefers_weekends = models.BooleanField(_("weekends"), default=False)
    in_model_since = models.DateField(_("in the collaboration model since"), null=True, blank=True)
    in_model_until = models.DateField(_("in the collaboration model until"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("foster family")
        verbose_name_plural = _("foster families")
        indexes = [models.Index(fields=["municipality", "name"])]
        constraints = [
            models.CheckConstraint(
                name="family_model_period_ordered",
                condition=Q(in_model_until__isnull=True)
                | Q(in_model_since__isnull=False, in_model_until__gte=models.F("in_model_since")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def years_of_experience(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        years = today.year - self.approved_on.year
        if (today.month, today.day) < (self.approved_on.month, self.approved_on.day):
            years -= 1
        return max(years, 0)


class FosterParent(PersonalRecord):
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="parents")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="foster_parent",
        verbose_name=_("login"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "id"]
        verbose_name = _("foster parent")
        verbose_name_plural = _("foster parents")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Child(PersonalRecord):
    """A child in care (plejebarn). The CPR number is optional, encrypted, and found by hash."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("acting municipality"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    cpr_encrypted = models.TextField(blank=True, editable=False)
    cpr_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_children",
        verbose_name=_("case worker"),
    )

    class Meta:
        ordering = ["first_name", "last_name", "id"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_cpr(self) -> bool:
        return bool(self.cpr_encrypted)

    def age(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        years = today.year - self.date_of_birth.year
        if (today.month, today.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


class Placement(PersonalRecord):
    """A child placed in a foster family for a period, ended for a reason."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    family = models.ForeignKey(FosterFamily, on_delete=models.PROTECT, related_name="placements")
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=PlacementEndReason.choices, blank=True
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                name="placement_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
            models.CheckConstraint(
                name="placement_end_reason_with_end",
                condition=Q(ends_on__isnull=True, end_reason="")
                | Q(ends_on__isnull=False) & ~Q(end_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["family", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.child} → {self.family}"

    def is_current(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class ConsultantAssignment(TimeStampedModel):
    """A family's fixed consultant for a period. The database allows one current per family."""

    family = models.ForeignKey(
        FosterFamily, on_delete=models.CASCADE, related_name="consultant_assignments"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultant_assignments"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason for change"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("fixed consultant")
        verbose_name_plural = _("fixed consultants")
        constraints = [
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(ends_on__isnull=True),
                name="one_current_consultant_per_family",
            ),
            models.CheckConstraint(
                name="assignment_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["consultant", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.consultant} – {self.family}"


class Engagement(TimeStampedModel):
    """An institution delivering something to a family: the only thing that lets the
    institution's staff see the family, until `access_until` (end plus the municipality's grace)."""

    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="engagements")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="engagements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EngagementKind.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    access_until = models.DateField(_("access until"), null=True, blank=True, editable=False)
    source = models.CharField(
        max_length=80,
        blank=True,
        db_index=True,
        help_text="What the engagement comes from, e.g. 'competence.enrolment:<uuid>'.",
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        indexes = [models.Index(fields=["institution", "access_until"])]

    def __str__(self) -> str:
        return f"{self.institution} – {self.family}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.ends_on is None:
            self.access_until = None
        else:
            grace = self.family.municipality.engagement_grace_days
            self.access_until = self.ends_on + dt.timedelta(days=grace)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
