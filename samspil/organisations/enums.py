from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    HOVEDSTADEN = "1084", _("Capital Region of Denmark")
    SJAELLAND = "1085", _("Region Zealand")
    SYDDANMARK = "1083", _("Region of Southern Denmark")
    MIDTJYLLAND = "1082", _("Central Denmark Region")
    NORDJYLLAND = "1081", _("North Denmark Region")


class InstitutionKind(models.TextChoices):
    DOEGNINSTITUTION = "doegninstitution", _("Residential institution (døgninstitution)")
    OPHOLDSSTED = "opholdssted", _("Residential home (opholdssted)")
    DISABILITY = "disability", _("Institution for children with disabilities")


class OwnerKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    PRIVATE = "private", _("Private")
