from django.db import models
from django.utils.translation import gettext_lazy as _


class FamilyKind(models.TextChoices):
    GENERAL = "general", _("General foster family")
    NETWORK = "network", _("Network foster family")
    MUNICIPAL = "municipal", _("Municipal foster family (kommunal plejefamilie)")
    SPECIALISED = "specialised", _("Specialised foster family")


class PlacementEndReason(models.TextChoices):
    PLANNED = "planned", _("Planned end")
    HOME = "home", _("Returned home")
    OTHER_FAMILY = "other_family", _("Moved to another foster family")
    INSTITUTION = "institution", _("Moved to an institution")
    ADULT = "adult", _("Came of age")
    BREAKDOWN = "breakdown", _("Breakdown (sammenbrud)")
    OTHER = "other", _("Other")


class EngagementKind(models.TextChoices):
    """Why an institution works with a family. Later capabilities add their own reasons."""

    ENROLMENT = "enrolment", _("Enrolment in a course")
    SUPERVISION = "supervision", _("Supervision course")
    REFERRAL = "referral", _("Consultative course")
    NETWORK_GROUP = "network_group", _("Facilitating a network group")
    TRANSITION = "transition", _("Supported transition from an institution")
    OTHER = "other", _("Other delivery")
