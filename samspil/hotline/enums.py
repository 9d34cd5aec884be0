from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffedBy(models.TextChoices):
    """Who answers the hotline in a period of the week."""

    CONSULTANTS = "consultants", _("Rotating consultants")
    INSTITUTION = "institution", _("The institution")
    ON_CALL_SERVICE = "on_call_service", _("The social on-call service (social døgnvagt)")


class Urgency(models.TextChoices):
    LOW = "low", _("Can wait")
    MEDIUM = "medium", _("Needs attention soon")
    HIGH = "high", _("Urgent")
    ACUTE = "acute", _("Acute danger")


class CallerRole(models.TextChoices):
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    CHILD = "child", _("The child")
    OTHER = "other", _("Someone else")


class CallAction(models.TextChoices):
    """Further action taken during or right after the call."""

    ON_CALL_SERVICE = "on_call_service", _("Contacted the social on-call service")
    POLICE = "police", _("Contacted the police")
    EMERGENCY = "emergency", _("Contacted the emergency services (112 / 1813)")
    INSTITUTION = "institution", _("Contacted the institution")
    VISIT = "visit", _("Visited the family")
    OTHER = "other", _("Other action")


class CallStatus(models.TextChoices):
    STUB = "stub", _("To be completed")
    REGISTERED = "registered", _("Registered")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RotaRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the optimiser")
    RUNNING = "running", _("Computing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not possible")
