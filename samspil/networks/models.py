"""Networks among foster families (core element 3): network groups composed by an optimiser,
their meetings and topics, and mentor families (mentorplejefamilier)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.competence.enums import TimeSlot
from samspil.core.models import TimeStampedModel
from samspil.families.models import FosterFamily
from samspil.networks.enums import (
    ContactKind,
    GroupPhase,
    MeetingMode,
    MentorReason,
    NetworkFamilies,
    PoolStatus,
    ProposalStatus,
    TopicStatus,
)
from samspil.organisations.models import Collaboration, Institution, Municipality


class NetworkSettings(TimeStampedModel):
    """A municipality's own rules for network groups and mentor families. Never constants in
    code: `for_municipality()` returns the defaults (unsaved) where none are stored."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="network_settings"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group"), default=4, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    max_group_size = models.PositiveSmallIntegerField(
        _("largest group"), default=6, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("days between meetings"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("30 is monthly."),
    )
    cadence_tolerance_days = models.PositiveSmallIntegerField(
        _("tolerance before a missed meeting shows as a gap (days)"), default=14
    )
    facilitated_meetings = models.PositiveSmallIntegerField(
        _("facilitated meetings before the group runs itself"), default=3
    )
    experienced_years = models.PositiveSmallIntegerField(
        _("years as foster family to count as experienced"), default=3
    )
    network_families = models.CharField(
        _("network foster families"),
        max_length=16,
        choices=NetworkFamilies.choices,
        default=NetworkFamilies.TOGETHER,
    )
    weight_travel = models.PositiveSmallIntegerField(
        _("weight: short travel"), default=2, validators=[MaxValueValidator(10)]
    )
    weight_mix = models.PositiveSmallIntegerField(
        _("weight: mix of experienced and new families"),
        default=3,
        validators=[MaxValueValidator(10)],
    )
    weight_similarity = models.PositiveSmallIntegerField(
        _("weight: similar children's ages or shared themes"),
        default=2,
        validators=[MaxValueValidator(10)],
    )
    weight_network = models.PositiveSmallIntegerField(
        _("weight: network foster families together or mixed"),
        default=1,
        validators=[MaxValueValidator(10)],
    )
    solver_seconds = models.PositiveSmallIntegerField(
        _("time limit for the optimiser (seconds)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    mentor_min_years = models.PositiveSmallIntegerField(
        _("years as foster family required of a mentor"), default=3
    )
    mentor_requires_course = models.BooleanField(
        _("a mentor must have completed a training or supervision course"), default=True
    )
    mentor_max_mentees = models.PositiveSmallIntegerField(
        _("mentees at a time per mentor family"), default=2, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")
        constraints = [
            models.CheckConstraint(
                name="network_settings_sizes",
                condition=Q(max_group_size__gte=models.F("min_group_size")),
            )
        ]

    def __str__(self) -> str:
        return str(self.municipality)

    @classmethod
    def for_municipality(cls, municipality: Municipality) -> NetworkSettings:
        found = cls.objects.filter(municipality=municipality).first()
        return found if found is not None else cls(municipality=municipality)


class Separation(TimeStampedModel):
    """Two families that must not be in the same network group, with the reason. Stored with
    the lower id first so that a pair is recorded once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    family_a = models.ForeignKey(
        FosterFamily, on_delete=models.CASCADE, related_name="separations_as_a"
    )
    family_b = models.ForeignKey(
        FosterFamily, on_delete=models.CASCADE, related_name="separations_as_b"
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["family_a", "family_b"], name="separation_unique"),
            models.CheckConstraint(
                name="separation_ordered", condition=Q(family_a__lt=models.F("family_b"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_a} ≠ {self.family_b}"


class Pool(TimeStampedModel):
    """Families who want a network group, gathered by a consultant (for a municipality) or an
    institution coordinator (for an institution), and the optimiser's latest proposal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_pools",
        verbose_name=_("municipality"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_pools",
        verbose_name=_("institution"),
    )
    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_pools",
        verbose_name=_("collaboration"),
        help_text=_(
            "Families from all the collaboration's municipalities may be grouped together."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    min_size = models.PositiveSmallIntegerField(
        _("smallest group"), default=4, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    max_size = models.PositiveSmallIntegerField(
        _("largest group"), default=6, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PoolStatus.choices, default=PoolStatus.OPEN
    )
    proposal_status = models.CharField(
        _("proposal"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.NONE
    )
    proposal: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    proposal_progress: models.JSONField[dict[str, Any]] = models.JSONField(default=dict, blank=True)
    proposal_error = models.TextField(blank=True)
    proposal_requested_at = models.DateTimeField(null=True, blank=True)
    proposal_finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("pool for network groups")
        verbose_name_plural = _("pools for network groups")
        constraints = [
            models.CheckConstraint(
                name="pool_owned_once",
                condition=Q(municipality__isnull=False, institution__isnull=True)
                | Q(municipality__isnull=True, institution__isnull=False),
            ),
            models.CheckConstraint(
                name="pool_sizes", condition=Q(max_size__gte=models.F("min_size"))
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PoolMember(TimeStampedModel):
    """A family in a pool. `pinned_to` keeps it in a numbered group of the proposal when the
    optimiser re-runs; `excluded` leaves it out."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="members")
    family = models.ForeignKey(FosterFamily, on_delete=models.CASCADE, related_name="+")
    pinned_to = models.PositiveSmallIntegerField(_("pinned to group"), null=True, blank=True)
    excluded = models.BooleanField(_("excluded"), default=False)

    class Meta:
        ordering = ["family__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "family"], name="pool_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pool}: {self.family}"


class NetworkGroup(TimeStampedModel):
    """A network group of foster families (netværksgruppe)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="network_groups",
        verbose_name=_("municipality"),
    )
    collaboration = models.ForeignKey(
        Collaboration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_groups",
        verbose_name=_("collaboration"),
    )
    pool = models.ForeignKey(
        Pool, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_network_groups",
        verbose_name=_("facilitator"),
    )
    facilitator_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_groups",
        verbose_name=_("facilitator's institution"),
        help_text=_("Empty when a consultant facilitates."),
    )
    meeting_slot = models.CharField(_("meeting time"), max_length=16, choices=TimeSlot.choices)
    cadence_days = models.PositiveSmallIntegerField(
        _("days between meetings"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    facilitated_meetings = models.PositiveSmallIntegerField(
        _("facilitated meetings before the group runs itself"), default=3
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=GroupPhase.choices, default=GroupPhase.FACILITATED
    )
    contact_family = models.ForeignKey(
        FosterFamily,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact family"),
    )
    started_on = models.DateField(_("started"))
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    composition: models.JSONField[list[str]] = models.JSONField(
        _("reasons for the composition"), default=list, blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("network group")
        verbose_name_plural = _("network groups")
        constraints = [
            models.CheckConstraint(
                name="network_group_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class GroupMembership(TimeStampedModel):
    """A family's membership of a group. A family is in at most one active group (the database
    enforces it). Other members see its names and contact details only with its consent."""

    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="memberships")
    family = models.ForeignKey(
        FosterFamily, on_delete=models.CASCADE, related_name="network_memberships"
    )
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    shares_contact_details = models.BooleanField(
        _("shares names and contact details with the other members"), default=False
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["family__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(left_on__isnull=True),
                name="one_active_network_group_per_family",
            ),
            models.CheckConstraint(
                name="membership_leaves_after_joining",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.family}"


class Meeting(TimeStampedModel):
    """A meeting of a network group: when, where, the agenda, who came and short minutes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(
        _("form"), max_length=16, choices=MeetingMode.choices, default=MeetingMode.PHYSICAL
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link for virtual meetings"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("short minutes"), blank=True)
    facilitated = models.BooleanField(_("facilitated"), default=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitated by"),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    attendees = models.ManyToManyField(
        FosterFamily, blank=True, related_name="+", verbose_name=_("families present")
    )
    attendance_recorded = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="network_meeting_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
            ),
            models.CheckConstraint(
                name="network_meeting_virtual_has_link",
                condition=~Q(mode=MeetingMode.VIRTUAL) | ~Q(link=""),
            ),
        ]
        indexes = [models.Index(fields=["group", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.group} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class Topic(TimeStampedModel):
    """A topic for the group's meetings: set by the facilitator at first, later suggested and
    chosen by the families."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TopicStatus.choices, default=TopicStatus.SUGGESTED
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    suggested_by_family = models.ForeignKey(
        FosterFamily, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("planned for meeting"),
    )
    supporters = models.ManyToManyField(FosterFamily, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class MentorProfile(TimeStampedModel):
    """A family's consent to act as mentor family, recorded and revocable."""

    family = models.OneToOneField(
        FosterFamily, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    consents = models.BooleanField(_("willing to be a mentor family"), default=False)
    consent_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["family__name"]

    def __str__(self) -> str:
        return str(self.family)


class Mentorship(TimeStampedModel):
    """An experienced family supporting a new one (or one receiving an extra or particularly
    demanding child), brokered by the consultant."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    mentor = models.ForeignKey(
        FosterFamily,
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentor",
        verbose_name=_("mentor family"),
    )
    mentee = models.ForeignKey(
        FosterFamily,
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentee",
        verbose_name=_("mentee family"),
    )
    reason = models.CharField(_("reason"), max_length=32, choices=MentorReason.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    brokered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    ranking: models.JSONField[dict[str, Any]] = models.JSONField(
        _("why this mentor was suggested"), default=dict, blank=True
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="mentorship_two_families", condition=~Q(mentor=models.F("mentee"))
            ),
            models.CheckConstraint(
                name="mentorship_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["mentor", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    def is_current(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class MentorContact(TimeStampedModel):
    """One contact between the mentor and the mentee family, in the mentorship's log."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("form"), max_length=16, choices=ContactKind.choices)
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.mentorship} {self.happened_on}"
