"""Competence development delivered by institutions: offerings with sessions, the
municipalities' catalogues, enrolments, and supervision courses (individual, group and
consultative). Every session records when, how long, where, who delivered it and whom it
reached, so cost and fidelity can be computed from it later."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    OfferingKind,
    PlaceKind,
    SupervisionKind,
    SupervisionLocation,
    SupervisionStatus,
    TimeSlot,
)
from samspil.core.models import TimeStampedModel
from samspil.families.models import FosterFamily
from samspil.organisations.models import Institution, Municipality

EVENING_STARTS = dt.time(17, 0)


class Theme(TimeStampedModel):
    """A managed theme of competence development (e.g. attachment theory, autism)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    for_consultative_courses = models.BooleanField(
        _("offered for consultative courses"), default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class CompetenceSettings(TimeStampedModel):
    """A municipality's own targets and rules for competence development."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="competence_settings"
    )
    group_sessions_per_year = models.PositiveSmallIntegerField(
        _("minimum group supervision sessions per family per year"), default=3
    )
    late_cancellation_hours = models.PositiveSmallIntegerField(
        _("cancellations later than this many hours before are late"), default=48
    )
    consultative_institutions = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="consultative_for",
        verbose_name=_("institutions selected for consultative courses"),
    )

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("competence settings")
        verbose_name_plural = _("competence settings")

    def __str__(self) -> str:
        return str(self.municipality)


class Offering(TimeStampedModel):
    """A talk, a day or a course series an institution offers foster families."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="offerings",
        verbose_name=_("institution"),
    )
    kind = models.CharField(_("form"), max_length=32, choices=OfferingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    target_group = models.CharField(_("target group"), max_length=200)
    themes = models.ManyToManyField(Theme, related_name="offerings", verbose_name=_("themes"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_offerings",
        verbose_name=_("responsible specialist"),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name=_("follows (chain on one theme)"),
    )
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")

    def __str__(self) -> str:
        return self.title


class Session(TimeStampedModel):
    """One occurrence of an offering: when, where, for how many."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_kind = models.CharField(_("place"), max_length=16, choices=PlaceKind.choices)
    place = models.CharField(_("address or room"), max_length=200, blank=True)
    link = models.URLField(_("link for virtual sessions"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (families)"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                name="session_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="session_virtual_has_link",
                condition=~Q(place_kind=PlaceKind.VIRTUAL) | ~Q(link=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(
            Decimal("0.01")
        )

    @property
    def time_slot(self) -> TimeSlot:
        start = timezone.localtime(self.starts_at)
        if start.weekday() >= 5:
            return TimeSlot.WEEKENDS
        return TimeSlot.EVENINGS if start.time() >= EVENING_STARTS else TimeSlot.WEEKDAY_DAYTIME


class CatalogueEntry(TimeStampedModel):
    """An offering a municipality puts in its catalogue; `mandatory` puts it in the fixed
    programme every participating family must attend."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="catalogue"
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="catalogue_entries"
    )
    mandatory = models.BooleanField(_("mandatory for families in the model"), default=False)

    class Meta:
        ordering = ["offering__title"]
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "offering"], name="catalogue_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.offering}"


class Enrolment(TimeStampedModel):
    """A family's place (or place in the queue) at a session."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancellation = models.BooleanField(_("late cancellation"), default=False)
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, blank=True
    )

    class Meta:
        ordering = ["session__starts_at", "created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "family"],
                condition=~Q(status=EnrolmentStatus.CANCELLED),
                name="one_active_enrolment_per_family_and_session",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["family", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.family} – {self.session}"


class SupervisionCourse(TimeStampedModel):
    """Supervision delivered by an institution's specialist: an individual course for one
    family, a group of families, or a consultative course referred by the consultant."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=SupervisionKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=SupervisionStatus.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="supervision_courses"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="supervision_courses"
    )
    families = models.ManyToManyField(
        FosterFamily, related_name="supervision_courses", verbose_name=_("families")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_courses",
        verbose_name=_("supervisor"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opened_supervision_courses",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("theme")
    )
    problem = models.TextField(_("the problem"), blank=True)
    goal = models.TextField(_("goal set at the start"), blank=True)
    planned_sessions = models.PositiveSmallIntegerField(
        _("planned sessions"), validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    session_hours = models.DecimalField(
        _("hours per session"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("8"))],
    )
    location = models.CharField(_("location"), max_length=16, choices=SupervisionLocation.choices)
    consultant_takes_part = models.BooleanField(
        _("the consultant takes part (the family decides)"), default=False
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    goal_rating = models.PositiveSmallIntegerField(
        _("goal attainment (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    closing_summary = models.TextField(_("closing summary"), blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("supervision course")
        verbose_name_plural = _("supervision courses")
        constraints = [
            models.CheckConstraint(
                name="closed_course_has_rating",
                condition=~Q(status=SupervisionStatus.CLOSED)
                | Q(goal_rating__isnull=False, closed_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.pk}"


class SupervisionExtension(TimeStampedModel):
    course = models.ForeignKey(
        SupervisionCourse, on_delete=models.CASCADE, related_name="extensions"
    )
    added_sessions = models.PositiveSmallIntegerField(
        _("added sessions"), validators=[MinValueValidator(1)]
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"+{self.added_sessions}"


class SupervisionSession(TimeStampedModel):
    """One supervision meeting: when, how long, where, by whom, for which families."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(SupervisionCourse, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("when"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    location = models.CharField(_("location"), max_length=16, choices=SupervisionLocation.choices)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.ManyToManyField(FosterFamily, related_name="supervision_sessions", blank=True)
    consultant_present = models.BooleanField(_("the consultant took part"), default=False)
    shared_notes = models.TextField(
        _("shared notes"),
        blank=True,
        help_text=_("Visible to the family and to its municipality's consultants and leaders."),
    )
    private_notes = models.TextField(
        _("supervisor's own notes"),
        blank=True,
        help_text=_("Visible to the supervisor and the institution only."),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")

    def __str__(self) -> str:
        return f"{self.course} {timezone.localtime(self.starts_at):%Y-%m-%d}"


class Evaluation(TimeStampedModel):
    """A family's short evaluation of what it received: delivery, usefulness and behaviour
    change (1–5) and a comment. Shown to staff only as aggregates, never next to a name.

    The answers live in the instrument engine: `response` is a complete `measures.Response` in
    the version of the `course-evaluation` instrument they were given in (raw answers, and a
    `measures.Score` row per scale), and it is the source of truth. `delivery`, `usefulness`,
    `behaviour_change` and `comment` are denormalised copies, filled from the response's scores
    (of the scales with those codes) and its comment when the evaluation is submitted, for the
    aggregate reports. `response` is empty only for rows written before the engine (the data
    migration gives those a response too) and in tests that build the aggregates directly."""

    INSTRUMENT = "course-evaluation"  # the code of the instrument the answers are given in

    family = models.ForeignKey(
        FosterFamily, on_delete=models.CASCADE, related_name="competence_evaluations"
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluations"
    )
    course = models.ForeignKey(
        SupervisionCourse,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    response = models.OneToOneField(
        "measures.Response",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="course_evaluation",
    )
    delivery = models.PositiveSmallIntegerField(
        _("delivery"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    behaviour_change = models.PositiveSmallIntegerField(
        _("behaviour change"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                name="evaluation_of_one_thing",
                condition=Q(offering__isnull=False, course__isnull=True)
                | Q(offering__isnull=True, course__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["family", "offering"],
                condition=Q(offering__isnull=False),
                name="one_evaluation_per_offering",
            ),
            models.UniqueConstraint(
                fields=["family", "course"],
                condition=Q(course__isnull=False),
                name="one_evaluation_per_course",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family}: {self.offering or self.course}"


class CalendarFeed(TimeStampedModel):
    """A personal iCalendar feed URL; the secret is stored as a hash and can be revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"
