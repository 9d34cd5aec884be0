"""The foster family's development plan (udviklingsplan): goals and methods for the foster
parents' work and collaboration, each goal with an owner, a status, progress notes and a review
date, and the supervision courses that work on a goal."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.competence.models import SupervisionCourse
from samspil.core.models import PersonalRecord, TimeStampedModel
from samspil.development.enums import CLOSED_STATUSES, GoalOwnerKind, GoalStatus
from samspil.families.models import FosterFamily


class DevelopmentPlan(PersonalRecord):
    """A foster family's one development plan, written by its consultant with the family."""

    family = models.OneToOneField(
        FosterFamily,
        on_delete=models.CASCADE,
        related_name="development_plan",
        verbose_name=_("foster family"),
    )
    purpose = models.TextField(
        _("purpose of the plan"),
        help_text=_(
            "What the plan should help the family with, in a few sentences the family recognises."
        ),
    )
    agreed_on = models.DateField(
        _("agreed with the family on"),
        null=True,
        blank=True,
        help_text=_("Leave empty until the family has agreed to the plan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")

    def __str__(self) -> str:
        return str(_("Development plan of %(family)s") % {"family": self.family.name})


class Goal(PersonalRecord):
    """One goal of a plan: what the foster parents work towards and how (the methods), who is
    responsible, where it stands and when it is reviewed next. An open goal (not achieved or
    dropped) always has a review date."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(
        _("what we want to achieve"),
        blank=True,
        help_text=_("How the family, the child and the collaboration will notice the change."),
    )
    methods = models.TextField(
        _("methods"),
        blank=True,
        help_text=_(
            "How the foster parents work towards the goal, and how the consultant, the "
            "institution and others support them."
        ),
    )
    owner_kind = models.CharField(
        _("responsible"), max_length=16, choices=GoalOwnerKind.choices, default=GoalOwnerKind.FAMILY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="development_goals",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    review_on = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["status", "review_on"])]
        constraints = [
            models.CheckConstraint(
                name="goal_owner_matches_kind",
                condition=Q(owner_kind=GoalOwnerKind.FAMILY, owner__isnull=True)
                | Q(owner_kind=GoalOwnerKind.PERSON, owner__isnull=False),
            ),
            models.CheckConstraint(
                name="open_goal_has_review_date",
                condition=Q(status__in=[GoalStatus.ACHIEVED.value, GoalStatus.DROPPED.value])
                | Q(review_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        # Neutral: the audit log labels entries with it, and the title is free text.
        return str(_("Goal %(number)s") % {"number": self.position})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.owner_kind == GoalOwnerKind.PERSON and self.owner_id is None:
            errors["owner"] = str(_("Choose the person responsible for the goal."))
        if self.owner_kind == GoalOwnerKind.FAMILY and self.owner_id is not None:
            errors["owner"] = str(_("A goal the family is responsible for names no person."))
        if self.status not in CLOSED_STATUSES and self.review_on is None:
            errors["review_on"] = str(_("Set when the goal is reviewed next."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.review_on is not None and self.review_on < today


class ProgressNote(TimeStampedModel):
    """A note on how a goal is going, by the consultant, the responsible specialist or the
    foster parents. Append-only: a note is never changed or deleted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return str(_("Progress note on %(goal)s") % {"goal": self.goal})


class CourseLink(TimeStampedModel):
    """A supervision course works on a goal of the plan. A course works on at most one goal of
    each plan (a group course can work on a goal in each participating family's plan), and only
    on a plan of a family taking part in it (checked by the service)."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="course_links")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(
        SupervisionCourse, on_delete=models.CASCADE, related_name="development_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("supervision course on a goal")
        verbose_name_plural = _("supervision courses on goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "course"], name="one_goal_per_course_and_plan")
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.goal}"

    def clean(self) -> None:
        if (
            self.goal_id is not None
            and self.plan_id is not None
            and self.goal.plan_id != self.plan_id
        ):
            raise ValidationError({"goal": str(_("The goal belongs to another plan."))})
