from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionStatus(models.TextChoices):
    """Where a child's move from an institution to a foster family is (udslusningsforløb)."""

    PLANNING = "planning", _("Planning")
    MOVING = "moving", _("Moving")
    AFTER_MOVE = "after_move", _("After the move")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TransitionStatus.PLANNING, TransitionStatus.MOVING, TransitionStatus.AFTER_MOVE)
CLOSED_STATUSES = (TransitionStatus.COMPLETED, TransitionStatus.CANCELLED)


class Phase(models.TextChoices):
    """The three phases of the discharge plan (udslusningsplan)."""

    BEFORE = "before", _("Before the move")
    DURING = "during", _("During the move")
    AFTER = "after", _("After the move")


PHASE_ORDER = (Phase.BEFORE, Phase.DURING, Phase.AFTER)


class Party(models.TextChoices):
    """Who is responsible for a step of the plan."""

    INSTITUTION = "institution", _("Institution")
    FOSTER_FAMILY = "foster_family", _("Foster family")
    CONSULTANT = "consultant", _("Foster-care consultant")
    CASE_WORKER = "case_worker", _("Case worker")


class InvolvementMethod(models.TextChoices):
    """Common methods for involving the child in the move."""

    CONVERSATIONS = "conversations", _("Conversations with the child about the move")
    VISITS = "visits", _("Visits to the foster family beforehand")
    LIFE_BOOK = "life_book", _("Photo book or life book")
    WISHES = "wishes", _("The child's own wishes recorded")
    CHILD_FRIENDLY_PLAN = "child_friendly_plan", _("A child-friendly version of the plan")
    TRUSTED_ADULT = "trusted_adult", _("A trusted adult from the institution takes part")
    FAREWELL = "farewell", _("A farewell at the institution")


class AdviceKind(models.TextChoices):
    ADVICE = "advice", _("Advice from the institution")
    REQUEST = "request", _("Request from the foster family")


class AdviceChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    MESSAGE = "message", _("Message in Samspil")
