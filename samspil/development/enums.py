from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalStatus(models.TextChoices):
    """Where a goal of the development plan stands."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    PAUSED = "paused", _("Paused")
    DROPPED = "dropped", _("Dropped")


# A goal that is achieved or dropped needs no more reviews.
CLOSED_STATUSES = frozenset({GoalStatus.ACHIEVED, GoalStatus.DROPPED})
OPEN_STATUSES = frozenset(GoalStatus) - CLOSED_STATUSES


class GoalOwnerKind(models.TextChoices):
    """Who is responsible for a goal: the foster family itself, or a named person (the
    consultant, a leader, or a specialist of an institution working with the family)."""

    FAMILY = "family", _("The foster family")
    PERSON = "person", _("A named person")
