from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a membership lets a person do, and where."""

    CONSULTANT = "consultant", _("Foster-care consultant")
    CASE_WORKER = "case_worker", _("Case worker")
    LEADER = "leader", _("Leader / project lead")
    SPECIALIST = "specialist", _("Institution specialist")
    COORDINATOR = "coordinator", _("Institution coordinator")
    EVALUATOR = "evaluator", _("Evaluator")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer (Socialstyrelsen)")
    SYSADMIN = "sysadmin", _("System administrator")


MUNICIPAL_ROLES = frozenset({Role.CONSULTANT, Role.CASE_WORKER, Role.LEADER})
INSTITUTION_ROLES = frozenset({Role.SPECIALIST, Role.COORDINATOR})
GLOBAL_ROLES = frozenset({Role.EVALUATOR, Role.PROGRAMME_OFFICER, Role.SYSADMIN})
