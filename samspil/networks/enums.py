from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkFamilies(models.TextChoices):
    """How a municipality wants network foster families (netværksplejefamilier) grouped."""

    TOGETHER = "together", _("Together with other network foster families")
    MIXED = "mixed", _("Mixed with other foster families")


class PoolStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Groups created")
    CLOSED = "closed", _("Closed")


class ProposalStatus(models.TextChoices):
    NONE = "none", _("Not computed yet")
    QUEUED = "queued", _("Waiting for the optimiser")
    RUNNING = "running", _("Computing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("No proposal possible")


class GroupPhase(models.TextChoices):
    FACILITATED = "facilitated", _("Facilitated")
    SELF_RUNNING = "self_running", _("Self-running")


class MeetingMode(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    VIRTUAL = "virtual", _("Virtual")


class TopicStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CHOSEN = "chosen", _("Chosen")
    COVERED = "covered", _("Covered")


class MentorReason(models.TextChoices):
    NEW_FAMILY = "new_family", _("New foster family")
    EXTRA_CHILD = "extra_child", _("Receiving an extra child")
    PARTICULAR_NEEDS = "particular_needs", _("A child with particular needs")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting elsewhere")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Other")
