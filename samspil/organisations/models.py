from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.core.models import TimeStampedModel
from samspil.organisations.enums import InstitutionKind, OwnerKind, Region

postcode_validator = RegexValidator(r"^[0-9]{4}$", _("A Danish postcode has four digits."))


class Municipality(TimeStampedModel):
    """One of the 98 Danish municipalities (shipped as data), with its own settings."""

    code = models.CharField(_("municipality number"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.CharField(_("region"), max_length=4, choices=Region.choices)
    engagement_grace_days = models.PositiveSmallIntegerField(
        _("access after an engagement ends (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("How long an institution keeps access to a family after its last delivery."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class CompetenceArea(TimeStampedModel):
    """A managed tag for what an institution is specialised in."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")

    def __str__(self) -> str:
        return self.name


class Institution(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    owner_kind = models.CharField(_("owner"), max_length=16, choices=OwnerKind.choices)
    owner_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_institutions",
        verbose_name=_("owning municipality"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="located_institutions",
        verbose_name=_("located in"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=4, blank=True, validators=[postcode_validator]
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    places = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    competence_areas = models.ManyToManyField(
        CompetenceArea, blank=True, related_name="institutions", verbose_name=_("competence areas")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                name="institution_owner_matches_kind",
                condition=Q(owner_kind=OwnerKind.MUNICIPAL, owner_municipality__isnull=False)
                | Q(owner_kind=OwnerKind.PRIVATE, owner_municipality__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["name", "municipality"], name="institution_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Collaboration(TimeStampedModel):
    """One or more municipalities working with one or more institutions in the model."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="collaborations", verbose_name=_("municipalities")
    )
    institutions = models.ManyToManyField(
        Institution, related_name="collaborations", verbose_name=_("institutions")
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        constraints = [
            models.CheckConstraint(
                name="collaboration_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return self.name
