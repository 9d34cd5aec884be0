"""The emergency phone (akuttelefon, core element 4): hotlines with their staffing and rota,
registered calls, and the fixed consultant's follow-up on the next working day."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.models import TimeStampedModel
from samspil.families.models import FosterFamily
from samspil.hotline.enums import (
    CallerRole,
    CallStatus,
    FollowUpStatus,
    RotaRunStatus,
    StaffedBy,
    Urgency,
)
from samspil.organisations.models import Collaboration, Institution, Municipality

weekdays_validator = RegexValidator(
    r"^[0-6]{1,7}$", _("Weekdays as digits 0 (Monday) to 6 (Sunday), e.g. 01234.")
)
boundaries_validator = RegexValidator(
    r"^([01]\d|2[0-3]):[0-5]\d(,([01]\d|2[0-3]):[0-5]\d)*$",
    _("Times of day as HH:MM separated by commas, e.g. 08:00,16:00,23:00."),
)


class ClosureDay(TimeStampedModel):
    """A day the municipality's foster-care office is closed beyond weekends and public
    holidays (e.g. 24 and 31 December, a summer closure week). `every_year` repeats the day and
    month every year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="closure_days"
    )
    date = models.DateField(_("date"))
    every_year = models.BooleanField(_("every year"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["municipality", "date"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="closure_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.date}"


class Hotline(TimeStampedModel):
    """An emergency phone line of a municipality or a collaboration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    name = models.CharField(_("name"), max_length=200)
    phone_number = models.CharField(_("phone number"), max_length=32)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotlines",
        verbose_name=_("municipality"),
    )
    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotlines",
        verbose_name=_("collaboration"),
    )
    always_open = models.BooleanField(_("open 24/7"), default=True)
    opening_hours: models.JSONField[list[dict[str, Any]]] = models.JSONField(
        _("opening hours when not 24/7"),
        default=list,
        blank=True,
        help_text=_('A list of {"weekdays": "01234", "starts": "16:00", "ends": "08:00"}.'),
    )
    shift_boundaries = models.CharField(
        _("shift changes"),
        max_length=100,
        default="08:00,16:00,23:00",
        validators=[boundaries_validator],
        help_text=_("Times of day when one shift ends and the next begins."),
    )
    min_rest_hours = models.PositiveSmallIntegerField(
        _("minimum rest between two shifts (hours)"), default=11, validators=[MaxValueValidator(48)]
    )
    max_shifts_per_period = models.PositiveSmallIntegerField(
        _("maximum shifts per person in a rota period"),
        default=20,
        validators=[MinValueValidator(1)],
    )
    team_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team leader"),
        help_text=_("Gets follow-ups of families without a fixed consultant, and escalations."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                name="hotline_owned_once",
                condition=Q(municipality__isnull=False, collaboration__isnull=True)
                | Q(municipality__isnull=True, collaboration__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StaffingRule(TimeStampedModel):
    """Who staffs the hotline on some weekdays between two times of day (a mix by time of day
    and weekday). Periods no rule covers are staffed by rotating consultants."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="staffing_rules")
    weekdays = models.CharField(
        _("weekdays"), max_length=7, default="0123456", validators=[weekdays_validator]
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"), help_text=_("Earlier than 'from' means the next day."))
    staffed_by = models.CharField(_("staffed by"), max_length=32, choices=StaffedBy.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_rules",
        verbose_name=_("institution"),
    )

    class Meta:
        ordering = ["hotline", "starts", "id"]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.weekdays} {self.starts}–{self.ends}"


class RotaMember(TimeStampedModel):
    """A person who may be put on the hotline's rota."""

    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="rota_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotline_rotas"
    )
    max_shifts = models.PositiveSmallIntegerField(
        _("maximum shifts per period"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hotline", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "user"], name="rota_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.hotline}: {self.user}"


class Unavailability(TimeStampedModel):
    """A period a person cannot take hotline shifts (holiday, course, leave)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="unavailability_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            )
        ]


class RotaRun(TimeStampedModel):
    """One generation of the rota for a period, run as a background task."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="rota_runs")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=RotaRunStatus.choices, default=RotaRunStatus.QUEUED
    )
    progress: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    result: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="rota_run_period", condition=Q(period_end__gte=models.F("period_start"))
            )
        ]


class Shift(TimeStampedModel):
    """A period of the hotline's hours with who answers it: a person on the rota, or the
    institution or the social on-call service by a staffing rule. A shift without a person
    where one is needed is a gap."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    hotline = models.ForeignKey(Hotline, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    staffed_by = models.CharField(_("staffed by"), max_length=32, choices=StaffedBy.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_shifts",
        verbose_name=_("person on duty"),
    )
    night = models.BooleanField(default=False)
    weekend = models.BooleanField(default=False)
    holiday = models.BooleanField(default=False)
    rota_run = models.ForeignKey(
        RotaRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    overridden = models.BooleanField(_("changed by hand"), default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.UniqueConstraint(fields=["hotline", "starts_at"], name="shift_start_unique"),
        ]
        indexes = [
            models.Index(fields=["hotline", "starts_at", "ends_at"]),
            models.Index(fields=["person", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.hotline} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class CallTopic(TimeStampedModel):
    """A managed topic of hotline calls (e.g. conflict with the child, the child ran away)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Call(TimeStampedModel):
    """A call to the hotline, registered by whoever answered. A telephony system may create a
    stub (number and time) that the person on duty completes; a call from an unknown number can
    be linked to a family later."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    hotline = models.ForeignKey(Hotline, on_delete=models.PROTECT, related_name="calls")
    family = models.ForeignKey(
        FosterFamily,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_calls",
        verbose_name=_("family"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.REGISTERED
    )
    received_at = models.DateTimeField(_("received"))
    caller_phone = models.CharField(_("caller's number"), max_length=32, blank=True)
    caller_role = models.CharField(
        _("caller"), max_length=16, choices=CallerRole.choices, blank=True
    )
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    topic = models.ForeignKey(
        CallTopic, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("topic")
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, blank=True)
    advice = models.TextField(_("advice given"), blank=True)
    actions: models.JSONField[list[str]] = models.JSONField(
        _("further action taken"), default=list, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["-received_at", "id"]
        indexes = [
            models.Index(fields=["hotline", "received_at"]),
            models.Index(fields=["family", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.hotline} {timezone.localtime(self.received_at):%Y-%m-%d %H:%M}"

    @property
    def local_date(self) -> dt.date:
        return timezone.localtime(self.received_at).date()


class FollowUp(TimeStampedModel):
    """The fixed consultant's follow-up of a call on the next working day. Not done by the end
    of its due day, it escalates to the team leader."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="follow_up")
    family = models.ForeignKey(
        FosterFamily, on_delete=models.PROTECT, related_name="hotline_follow_ups"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="hotline_follow_ups",
        verbose_name=_("assigned to"),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    assigned_to_leader = models.BooleanField(
        _("assigned to the team leader (no fixed consultant)"), default=False
    )
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.due_date}"
