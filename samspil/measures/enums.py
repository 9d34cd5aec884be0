from django.db import models
from django.utils.translation import gettext_lazy as _


class Respondent(models.TextChoices):
    FOSTER_PARENT = "foster_parent", _("foster parent")
    TEACHER = "teacher", _("teacher or pedagogue")
    CHILD = "child", _("the child")


class Subject(models.TextChoices):
    """What an instrument is about: a child (SDQ, burden rating) or the foster family (WHO-5,
    course evaluation)."""

    CHILD = "child", _("child")
    FAMILY = "family", _("foster family")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETE = "complete", _("complete")


class MeasurementReason(models.TextChoices):
    ENTRY = "entry", _("at entry into the model")
    INTERVAL = "interval", _("repeated")
    END = "end", _("at the end")
    EXTRA = "extra", _("extra")


class MeasurementStatus(models.TextChoices):
    DUE = "due", _("due")
    SENT = "sent", _("link sent")
    ANSWERED = "answered", _("answered")
    CANCELLED = "cancelled", _("cancelled")
