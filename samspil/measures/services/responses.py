"""Answering an instrument: partial saves, submitting (scored and stored with its scores beside
it), a paper form typed in by staff, and scoring without storing (the API's scoring endpoint)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily
from samspil.measures import rules, scoring
from samspil.measures.enums import MeasurementStatus, ResponseStatus
from samspil.measures.models import InstrumentVersion, Measurement, Response, Score

LINK_ACTOR = "answer link"


def current_version(code: str) -> InstrumentVersion:
    """The current version of the instrument `code`; Http404 when there is none."""
    version = (
        InstrumentVersion.objects.select_related("instrument")
        .filter(instrument__code=code, is_current=True)
        .first()
    )
    if version is None:
        raise Http404(code)
    return version


def _answer_error(error: scoring.AnswerError) -> ValidationError:
    return ValidationError({"answers": [ValidationError(p) for p in error.problems]})


def score_answers(code: str, answers: Mapping[str, Any]) -> scoring.Result:
    """Score `answers` with the current version of `code` and store nothing.

    Raises Http404 for an unknown code and ValidationError naming each unknown item and each
    value out of range.
    """
    version = current_version(code)
    try:
        return scoring.score(version.definition, answers)
    except scoring.AnswerError as error:
        raise _answer_error(error) from None


def _clean(version: InstrumentVersion, answers: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(scoring.validate(version.definition, answers))
    except scoring.AnswerError as error:
        raise _answer_error(error) from None


def _missing_required(version: InstrumentVersion, answers: Mapping[str, Any]) -> list[str]:
    return [
        item["key"]
        for item in version.definition["items"]
        if item.get("required") and answers.get(item["key"]) in (None, "")
    ]


@transaction.atomic
def start_response(*, measurement: Measurement) -> Response:
    """The in-progress response to `measurement` (created in the instrument's current version
    the first time; later visits continue it, so partial answers are kept)."""
    existing = Response.objects.filter(measurement=measurement).first()
    if existing is not None:
        return existing
    version = current_version(measurement.instrument.code)
    try:
        with transaction.atomic():
            return Response.objects.create(
                instrument_version=version,
                municipality_id=measurement.municipality_id,
                family_id=measurement.family_id,
                child_id=measurement.child_id,
                measurement=measurement,
                respondent=measurement.respondent,
            )
    except IntegrityError:  # the link opened twice at the same moment: continue that one
        return Response.objects.get(measurement=measurement)


@transaction.atomic
def save_answers(
    *, response: Response, answers: Mapping[str, Any], actor: UserLike | None = None
) -> Response:
    """Keep partial answers (merged into what was saved before). Nothing is scored yet.

    Raises ValidationError for unknown items or values out of range, and when the response
    was already submitted.
    """
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.status == ResponseStatus.COMPLETE:
        raise ValidationError(_("These answers have already been submitted."))
    merged = {**response.answers, **dict(answers.items())}
    response.answers = dict(_clean(response.instrument_version, merged).items())
    response.save(update_fields=["answers", "updated_at"])
    return response


def _store_scores(response: Response, result: scoring.Result) -> None:
    answered_on = response.answered_on
    assert answered_on is not None
    Score.objects.filter(response=response).delete()
    Score.objects.bulk_create(
        Score(
            response=response,
            scale=scale,
            value=value,
            band=result.bands.get(scale) or "",
            band4=result.bands4.get(scale) or "",
            instrument_id=response.instrument_version.instrument_id,
            family_id=response.family_id,
            child_id=response.child_id,
            respondent=response.respondent,
            answered_on=answered_on,
        )
        for scale, value in result.scores.items()
    )


@transaction.atomic
def submit_response(
    *, response: Response, answers: Mapping[str, Any], actor: UserLike | None = None
) -> Response:
    """Submit the answers: validated, scored in the response's own version, stored raw with a
    `Score` row per scale, the measurement marked answered. Works once.

    Raises ValidationError for unknown items, values out of range, required items left
    unanswered, or a response already submitted. Side effect: audit entry
    "measures.response.submit" (ids only, never answers or scores).
    """
    response = (
        Response.objects.select_for_update()
        .select_related("instrument_version__instrument")
        .get(pk=response.pk)
    )
    if response.status == ResponseStatus.COMPLETE:
        raise ValidationError(_("These answers have already been submitted."))
    merged = _clean(response.instrument_version, {**response.answers, **answers})
    missing = _missing_required(response.instrument_version, merged)
    if missing:
        raise ValidationError(
            _("Please answer: %(items)s.") % {"items": ", ".join(missing)}, code="required"
        )
    result = scoring.score(response.instrument_version.definition, merged)
    response.answers = merged
    response.flags = result.flags
    response.status = ResponseStatus.COMPLETE
    response.answered_on = response.answered_on or timezone.localdate()
    response.save()
    _store_scores(response, result)
    if response.measurement_id is not None:
        Measurement.objects.filter(pk=response.measurement_id).update(
            status=MeasurementStatus.ANSWERED
        )
    log_action(
        "measures.response.submit",
        actor=actor,
        actor_label="" if actor is not None else LINK_ACTOR,
        obj=response,
        municipality_id=response.municipality_id,
        data={
            "instrument": response.instrument_version.instrument.code,
            "version": response.instrument_version.number,
            "measurement": str(response.measurement.uuid) if response.measurement else None,
        },
    )
    return response


@transaction.atomic
def record_response(
    *,
    actor: UserLike,
    family: FosterFamily,
    code: str,
    respondent: str,
    answers: Mapping[str, Any],
    child: Child | None = None,
    answered_on: Any = None,
    measurement: Measurement | None = None,
) -> Response:
    """Staff type in a paper form (or the child's answers from a conversation): stored and
    scored like an answer by link, with `entered_by`.

    Raises PermissionDeniedError unless `actor` may manage measurements in the family's
    municipality; ValidationError for a child not placed in the family, a respondent the
    instrument is not for, and bad answers.
    """
    if not rules.can_manage_measurements(actor, family.municipality_id):
        raise PermissionDeniedError
    version = current_version(code)
    instrument = version.instrument
    if instrument.family in rules.AGGREGATE_ONLY or instrument.municipality_id not in (
        None,
        family.municipality_id,
    ):
        raise ValidationError(
            {"instrument": _("Staff cannot enter answers to this questionnaire.")}
        )
    if version.subject == "child" and child is None:
        raise ValidationError(
            {"child": _("This questionnaire is about a child: choose the child.")}
        )
    if version.respondent != respondent:
        raise ValidationError(
            {
                "respondent": _("This questionnaire is answered by: %(who)s.")
                % {"who": version.get_respondent_display()}
            }
        )
    today = timezone.localdate()
    placed_now = child is not None and (
        child.placements.filter(family=family, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exists()
    )
    if child is not None and not placed_now:
        raise ValidationError({"child": _("The child has not been placed in this family.")})
    response = Response.objects.create(
        instrument_version=version,
        municipality_id=family.municipality_id,
        family=family,
        child=child if version.subject == "child" else None,
        measurement=measurement,
        respondent=respondent,
        answered_on=answered_on or timezone.localdate(),
        entered_by=actor,  # type: ignore[misc]
    )
    return submit_response(response=response, answers=answers, actor=actor)
