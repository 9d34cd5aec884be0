"""Supported transition from institution to foster family (the København model, domain §3.5):
a child's move (udslusningsforløb) with its collaboration meetings, the discharge plan in three
phases copied from the municipality's template, the methods used to involve the child, and the
institution's advice to the foster family after the move."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.core.models import PersonalRecord, TimeStampedModel
from samspil.families.models import Child, Engagement, FosterFamily, FosterParent
from samspil.organisations.models import Institution, Municipality
from samspil.transitions.enums import (
    CLOSED_STATUSES,
    AdviceChannel,
    AdviceKind,
    InvolvementMethod,
    Party,
    Phase,
    TransitionStatus,
)


class Transition(PersonalRecord):
    """A child moving from an institution to a foster family, from the first collaboration
    meeting to the follow-up after the move. The institution is engaged with the family
    (`engagement`) from creation until the transition is completed or cancelled."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("child")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("from institution"),
    )
    family = models.ForeignKey(
        FosterFamily,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("to foster family"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("acting municipality"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TransitionStatus.choices,
        default=TransitionStatus.PLANNING,
    )
    planned_move_on = models.DateField(_("planned moving day"), null=True, blank=True)
    moved_on = models.DateField(_("moving day"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible consultant"),
    )
    internal_notes = models.TextField(
        _("internal notes"),
        blank=True,
        help_text=_("For the professionals only: the foster family does not see them."),
    )
    engagement = models.OneToOneField(
        Engagement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["family", "status"]),
            models.Index(fields=["institution", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=~Q(status__in=CLOSED_STATUSES),
                name="one_open_transition_per_child",
            ),
            models.CheckConstraint(
                name="transition_moved_after_the_move",
                condition=~Q(status__in=[TransitionStatus.AFTER_MOVE, TransitionStatus.COMPLETED])
                | Q(moved_on__isnull=False),
            ),
            models.CheckConstraint(
                name="transition_completed_has_date",
                condition=~Q(status=TransitionStatus.COMPLETED) | Q(completed_on__isnull=False),
            ),
            models.CheckConstraint(
                name="transition_cancelled_has_date",
                condition=~Q(status=TransitionStatus.CANCELLED) | Q(cancelled_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.family}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def engagement_source(self) -> str:
        return f"transitions.transition:{self.uuid}"


class DischargePlanTemplate(TimeStampedModel):
    """A municipality's own template for discharge plans. Without one, the shipped default
    (`default_plan.py`) applies. Plans copy the steps, so editing the template never changes
    an existing plan."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="discharge_plan_template"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("discharge plan template")
        verbose_name_plural = _("discharge plan templates")

    def __str__(self) -> str:
        return str(self.municipality)


class StepFields(models.Model):
    """What a template step and a plan step have in common."""

    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("step"), max_length=500)
    responsible = models.CharField(_("responsible"), max_length=16, choices=Party.choices)
    offset_days = models.SmallIntegerField(
        _("days from the moving day"),
        null=True,
        blank=True,
        help_text=_("E.g. -14 for two weeks before the move, 0 on the day, 30 a month after."),
    )

    class Meta:
        abstract = True


class TemplateStep(StepFields):
    template = models.ForeignKey(
        DischargePlanTemplate, on_delete=models.CASCADE, related_name="steps"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")

    def __str__(self) -> str:
        return self.text


class DischargePlan(TimeStampedModel):
    """The transition's plan, copied from the municipality's template (or the shipped default)
    when the transition was created."""

    transition = models.OneToOneField(Transition, on_delete=models.CASCADE, related_name="plan")
    from_template = models.ForeignKey(
        DischargePlanTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    template_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The template's version when copied (empty: the default)."
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("discharge plan")
        verbose_name_plural = _("discharge plans")

    def __str__(self) -> str:
        return str(self.transition)


class PlanStep(StepFields, PersonalRecord):
    plan = models.ForeignKey(DischargePlan, on_delete=models.CASCADE, related_name="steps")
    due_on = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [
            models.CheckConstraint(
                name="plan_step_done_has_time",
                condition=Q(done=False) | Q(done_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        # Neutral: the audit log labels entries with it, and the text is free text.
        return f"{self.get_phase_display()} {self.pk}"

    def is_overdue(self, today: dt.date) -> bool:
        return not self.done and self.due_on is not None and self.due_on < today


class CollaborationMeeting(PersonalRecord):
    """A meeting of the parties about the child: what they shared about the child's interests
    and needs and how they divide the work. The minutes are for the professionals only."""

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField(_("when"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("staff present")
    )
    parents = models.ManyToManyField(
        FosterParent, blank=True, related_name="+", verbose_name=_("foster parents present")
    )
    other_participants = models.TextField(
        _("other participants"),
        blank=True,
        help_text=_("One per line, e.g. “the biological mother” or “teacher from the school”."),
    )
    shared_about_child = models.TextField(
        _("what we shared about the child's interests and needs"), blank=True
    )
    division_of_work = models.TextField(_("division of work"), blank=True)
    minutes = models.TextField(
        _("minutes"),
        blank=True,
        help_text=_("For the professionals only: the foster family does not see them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("collaboration meeting")
        verbose_name_plural = _("collaboration meetings")

    def __str__(self) -> str:
        return f"{self.transition} ({self.held_at:%Y-%m-%d})"

    @property
    def other_participant_list(self) -> list[str]:
        return [line.strip() for line in self.other_participants.splitlines() if line.strip()]


class ChildInvolvement(PersonalRecord):
    """How the child is involved in the move: the methods used and the child's own views."""

    transition = models.OneToOneField(
        Transition, on_delete=models.CASCADE, related_name="involvement"
    )
    methods: models.JSONField[list[str]] = models.JSONField(
        _("methods used"), default=list, blank=True
    )
    other_methods = models.TextField(_("other methods"), blank=True)
    child_views = models.TextField(_("the child's own views"), blank=True)
    views_shared_with_family = models.BooleanField(
        _("share the child's views with the foster family"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("involvement of the child")
        verbose_name_plural = _("involvement of the child")

    def __str__(self) -> str:
        return str(self.transition)

    @property
    def method_labels(self) -> list[str]:
        labels = dict(InvolvementMethod.choices)
        return [str(labels[code]) for code in InvolvementMethod.values if code in self.methods]


class Advice(PersonalRecord):
    """One entry of the advice log: advice the institution gave the foster family, or a
    request from the family (answered by advice that refers to it)."""

    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="advice")
    kind = models.CharField(_("kind"), max_length=8, choices=AdviceKind.choices)
    given_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=8, choices=AdviceChannel.choices)
    topic = models.CharField(_("topic"), max_length=200)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    in_reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("answers the request"),
    )

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("advice")
        verbose_name_plural = _("advice")
        indexes = [models.Index(fields=["transition", "given_at"])]

    def __str__(self) -> str:
        # Neutral: the audit log labels entries with it, and the topic is free text.
        return f"{self.get_kind_display()} {self.given_at:%Y-%m-%d}"
