"""Families' evaluations of the competence development they received."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import Enrolment, Evaluation, Offering, SupervisionCourse
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily


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


@transaction.atomic
def submit_evaluation(
    *,
    actor: UserLike,
    family: FosterFamily,
    offering: Offering | None = None,
    course: SupervisionCourse | None = None,
    delivery: int,
    usefulness: int,
    behaviour_change: int,
    comment: str = "",
) -> Evaluation:
    """The family's one evaluation of an offering it attended (at least one session with
    attendance registered) or of a closed supervision course it took part in.

    Raises PermissionDeniedError unless `actor` is a foster parent of `family`, and
    ValidationError when there is nothing to evaluate yet or it was already evaluated.
    Side effect: audit entry "competence.evaluation.create" naming what was evaluated, never the
    ratings or the comment (the audit log is read by leaders, who see answers only in aggregate).
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
    evaluation = Evaluation(
        family=family,
        offering=offering,
        course=course,
        delivery=delivery,
        usefulness=usefulness,
        behaviour_change=behaviour_change,
        comment=comment.strip(),
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
