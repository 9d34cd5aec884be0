"""Families' evaluations of the competence development they received.

The answers are given in the instrument engine's `course-evaluation` instrument (its current
version): validated and scored there, stored as a `measures.Response` with a `measures.Score`
row per scale. The `Evaluation` links the response to what was evaluated and keeps the three
ratings and the comment as denormalised copies for the aggregate reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import Enrolment, Evaluation, Offering, SupervisionCourse
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.measures import scoring
from samspil.measures.enums import Respondent
from samspil.measures.models import InstrumentVersion, Response
from samspil.measures.services.responses import current_version, submit_response

# The scales the aggregate reports read (copied into Evaluation's columns); every version of
# the instrument keeps them.
RATING_SCALES = ("delivery", "usefulness", "behaviour_change")
COMMENT_ITEM = "comment"


def family_attended(family: FosterFamily, offering: Offering) -> bool:
    return Enrolment.objects.filter(
        family=family,
        session__offering=offering,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    ).exists()


def course_ready_for_evaluation(family: FosterFamily, course: SupervisionCourse) -> bool:
    return (
        course.status == SupervisionStatus.CLOSED and course.families.filter(pk=family.pk).exists()
    )


def _value_error(allowed: tuple[int, ...] | None) -> str:
    if allowed is None:
        return _("Write the answer as text.")
    low, high = min(allowed), max(allowed)
    if allowed == tuple(range(low, high + 1)):
        return _("Choose a value from %(low)d to %(high)d.") % {"low": low, "high": high}
    return _("Choose one of %(values)s.") % {"values": ", ".join(str(v) for v in allowed)}


def clean_answers(version: InstrumentVersion, answers: Mapping[str, Any]) -> dict[str, int | str]:
    """The answers as the engine reads them (unanswered items left out), or ValidationError with
    a translated message per item (keyed by the item's key, which is the form field's name):
    values the instrument version does not allow, and required items left unanswered."""
    definition = version.definition
    allowed = scoring.item_values(definition)
    errors: dict[str, list[str]] = {}
    for key, value in answers.items():
        if key not in allowed:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("This evaluation has no question %(item)s.") % {"item": key}
            )
            continue
        try:
            scoring.validate(definition, {key: value})
        except scoring.AnswerError:
            errors[key] = [_value_error(allowed[key])]
    if errors:
        raise ValidationError(errors)
    clean = scoring.validate(definition, answers)
    missing = {
        item["key"]: [_("Please answer this question.")]
        for item in definition["items"]
        if (item.get("required") or item["key"] in RATING_SCALES) and item["key"] not in clean
    }
    if missing:
        raise ValidationError(missing)
    return clean


def _rating(scores: Mapping[str, int | None], scale: str) -> int:
    """A scale's score for the report columns (every version keeps the three rating scales and
    requires their items, so a missing one is an unanswered question)."""
    value = scores.get(scale)
    if value is None:
        raise ValidationError({scale: [_("Please answer this question.")]})
    return value


@transaction.atomic
def submit_evaluation(
    *,
    actor: UserLike,
    family: FosterFamily,
    offering: Offering | None = None,
    course: SupervisionCourse | None = None,
    answers: Mapping[str, Any],
) -> Evaluation:
    """The family's one evaluation of an offering it attended (at least one session with
    attendance registered) or of a closed supervision course it took part in.

    `answers` maps the items of the current version of the `course-evaluation` instrument
    (`delivery`, `usefulness`, `behaviour_change` 1–5, `comment` text) to the family's answers;
    unanswered items are None or left out.

    Raises PermissionDeniedError unless `actor` is a foster parent of `family`, and
    ValidationError when there is nothing to evaluate yet, it was already evaluated, or an
    answer is out of range or missing (then per item, and nothing is stored).
    Side effects: a complete `measures.Response` (respondent foster parent, about the family)
    with its `Score` rows, and the audit entries "measures.response.submit" (from the engine)
    and "competence.evaluation.create" naming what was evaluated — never the ratings or the
    comment (the audit log is read by leaders, who see answers only in aggregate).
    """
    if not rules.can_evaluate(actor, family):
        raise PermissionDeniedError
    if (offering is None) == (course is None):
        raise ValidationError(_("Evaluate either an offering or a supervision course."))
    if offering is not None and not family_attended(family, offering):
        raise ValidationError(
            _("Your family has not attended this yet, so it cannot be evaluated."),
            code="not_attended",
        )
    if course is not None and not course_ready_for_evaluation(family, course):
        raise ValidationError(
            _("The supervision course can be evaluated when it has been closed."),
            code="course_not_closed",
        )
    already = Evaluation.objects.filter(family=family, offering=offering, course=course)
    if already.exists():
        raise ValidationError(_("Your family has already evaluated this."), code="duplicate")
    version = current_version(Evaluation.INSTRUMENT)
    clean = clean_answers(version, answers)
    response = Response.objects.create(
        instrument_version=version,
        municipality_id=family.municipality_id,
        family=family,
        respondent=Respondent.FOSTER_PARENT,
    )
    response = submit_response(response=response, answers=clean, actor=actor)
    scores = dict(response.scores.values_list("scale", "value"))
    comment = clean.get(COMMENT_ITEM, "")
    evaluation = Evaluation(
        family=family,
        offering=offering,
        course=course,
        response=response,
        delivery=_rating(scores, "delivery"),
        usefulness=_rating(scores, "usefulness"),
        behaviour_change=_rating(scores, "behaviour_change"),
        comment=comment if isinstance(comment, str) else "",
    )
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:  # the same family submitting twice at the same moment
        raise ValidationError(
            _("Your family has already evaluated this."), code="duplicate"
        ) from None
    evaluated = {"offering": str(offering.uuid)} if offering is not None else {}
    if course is not None:
        evaluated = {"course": str(course.uuid)}
    log_action(
        "competence.evaluation.create",
        actor=actor,
        obj=family,
        municipality_id=family.municipality_id,
        data=evaluated,
    )
    return evaluation
