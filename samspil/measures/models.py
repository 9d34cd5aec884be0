"""Measurement with validated instruments (issue 6).

An `Instrument` (WHO-5, the three SDQ versions, the burden rating, the course evaluation) has
numbered `InstrumentVersion`s whose `definition` is the whole instrument as data: items,
response options, respondent, age range and scoring rules (`scoring.py` interprets them). A
`Response` keeps the version it was given in and the raw answers; its `Score` rows (one per
scale: value, three-band and four-band band) sit beside it with the subject denormalised, so
change over time is a query. Licensed item texts (the SDQ's) are imported per installation as
`ItemText`.

A municipality's `MeasurementPlan` says which instruments are due when (`PlanPoint`: at entry,
every n months, at the end) for which respondent; `Measurement` is one due measurement, and an
`AnswerLink` lets a foster parent, teacher or child answer it once, without an account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samspil.core.models import PersonalRecord, TimeStampedModel
from samspil.families.models import Child, FosterFamily
from samspil.measures.enums import (
    MeasurementReason,
    MeasurementStatus,
    Respondent,
    ResponseStatus,
    Subject,
)
from samspil.organisations.models import Municipality


def localised(labels: Any, language: str | None = None) -> str:
    """A `{"en": …, "da": …}` label from an instrument definition in the active language."""
    if not isinstance(labels, dict):
        return str(labels or "")
    language = (language or get_language() or "da")[:2]
    return str(labels.get(language) or labels.get("da") or labels.get("en") or "")


class Instrument(TimeStampedModel):
    """A questionnaire. `municipality` is set for a municipality's own configured version of a
    configurable instrument (the burden rating); shipped instruments have none."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("municipality"),
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="variants"
    )
    family = models.SlugField(
        _("instrument family"),
        max_length=60,
        help_text="What it measures, shared by variants: 'sdq', 'who-5', 'burden-rating' …",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.code


class InstrumentVersion(TimeStampedModel):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    subject = models.CharField(_("about"), max_length=8, choices=Subject.choices)
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["instrument__code", "-number"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(is_current=True),
                name="one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.number}"

    @property
    def name(self) -> str:
        return localised(self.definition.get("name"))

    @property
    def licensed_texts(self) -> bool:
        return bool(self.definition.get("licensed_texts"))


class ItemText(TimeStampedModel):
    """A licensed item text imported by this installation (e.g. the SDQ's, Danish and English)."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="item_texts"
    )
    item = models.CharField(_("item"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    text = models.TextField(_("text"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "item", "language"]
        verbose_name = _("licensed item text")
        verbose_name_plural = _("licensed item texts")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "item", "language"], name="one_text_per_item_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.item} ({self.language})"


class MeasurementPlan(TimeStampedModel):
    """Which instruments a municipality measures with, when and by whom."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="measurement_plan"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("An unanswered measurement is reminded by e-mail after this many days."),
    )
    link_valid_days = models.PositiveSmallIntegerField(
        _("answer links valid for (days)"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("measurement plan")
        verbose_name_plural = _("measurement plans")

    def __str__(self) -> str:
        return str(self.municipality)


class PlanPoint(TimeStampedModel):
    plan = models.ForeignKey(MeasurementPlan, on_delete=models.CASCADE, related_name="points")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    at_entry = models.BooleanField(_("at entry into the model"), default=True)
    every_months = models.PositiveSmallIntegerField(
        _("then every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    at_end = models.BooleanField(_("at the end"), default=True)

    class Meta:
        ordering = ["plan", "instrument__code", "respondent"]
        verbose_name = _("measurement point")
        verbose_name_plural = _("measurement points")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "instrument", "respondent"], name="one_point_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} – {self.get_respondent_display()}"


class Measurement(PersonalRecord):
    """One due measurement: an instrument to be answered about a family (and a child) by a
    respondent, from the plan or added by the consultant."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="measurements"
    )
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="measurements")
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="measurements"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=MeasurementReason.choices)
    occurrence = models.PositiveSmallIntegerField(
        default=0, help_text="0 at entry, n for the n-th repetition, 999 at the end, extras 1000+."
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.DUE,
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "child", "instrument", "respondent", "occurrence"],
                name="one_measurement_per_occurrence",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "due_on"]),
            models.Index(fields=["family", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.due_on}"


class Response(PersonalRecord):
    """A filled-in instrument: the raw answers in the version they were given in, and its
    scores beside it (`Score`)."""

    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="responses"
    )
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="responses")
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="responses"
    )
    measurement = models.OneToOneField(
        Measurement, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    answers = models.JSONField(_("answers"), default=dict)
    flags = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff who typed in a paper form; empty when answered by link.",
    )

    class Meta:
        ordering = ["-answered_on", "-id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                name="complete_response_has_date",
                condition=~Q(status=ResponseStatus.COMPLETE) | Q(answered_on__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["child", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.instrument_version} {self.answered_on or ''}"


class Score(models.Model):
    """One scale's score of a complete response. Subject and instrument are copied from the
    response so that trends are a single indexed query."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="scores")
    scale = models.CharField(max_length=40)
    value = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=20, blank=True)
    band4 = models.CharField(max_length=20, blank=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    respondent = models.CharField(max_length=16, choices=Respondent.choices)
    answered_on = models.DateField()

    class Meta:
        ordering = ["answered_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "scale"], name="one_score_per_scale")
        ]
        indexes = [
            models.Index(fields=["child", "instrument", "scale", "answered_on"]),
            models.Index(fields=["family", "instrument", "scale", "answered_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.scale}={self.value}"


class AnswerLink(TimeStampedModel):
    """A personal link to answer one measurement without an account. Only the SHA-256 of the
    token is stored; it expires and works until the answers are submitted, once."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    recipient_name = models.CharField(_("name"), max_length=200)
    recipient_email = models.EmailField(_("e-mail"), blank=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("answer link")
        verbose_name_plural = _("answer links")

    def __str__(self) -> str:
        return f"{self.measurement} → {self.recipient_name}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
