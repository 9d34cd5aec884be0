from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferingKind(models.TextChoices):
    TALK = "talk", _("Talk (1–2 hours)")
    HALF_DAY = "half_day", _("Half day")
    WHOLE_DAY = "whole_day", _("Whole day")
    COURSE_SERIES = "course_series", _("Course series")
    GROUP_SUPERVISION = "group_supervision", _("Group supervision on a case")


class PlaceKind(models.TextChoices):
    INSTITUTION = "institution", _("At the institution")
    MUNICIPAL = "municipal", _("Municipal premises")
    HOME = "home", _("In the family's home")
    VIRTUAL = "virtual", _("Virtual")


class TimeSlot(models.TextChoices):
    """When an activity happens, matched against the families' preferred times."""

    WEEKDAY_DAYTIME = "weekday_daytime", _("Weekday daytime")
    EVENINGS = "evenings", _("Evenings")
    WEEKENDS = "weekends", _("Weekends")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not show up")


class SupervisionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual supervision course")
    GROUP = "group", _("Group supervision")
    CONSULTATIVE = "consultative", _("Consultative course")


class SupervisionStatus(models.TextChoices):
    REFERRED = "referred", _("Referred, awaiting the institution")
    DECLINED = "declined", _("Declined by the institution")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SupervisionLocation(models.TextChoices):
    HOME = "home", _("In the family's home")
    INSTITUTION = "institution", _("At the institution")
    MUNICIPAL = "municipal", _("Municipal premises")
    VIRTUAL = "virtual", _("Virtual")
