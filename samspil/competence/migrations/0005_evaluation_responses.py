"""Data migration: the evaluations given before the instrument engine get their answers in it.

Every `Evaluation` without a `response` gets a complete `measures.Response` in version 1 of the
`course-evaluation` instrument (respondent foster parent, about the family, no child, the
family's municipality, answered on the day the evaluation was given) with its raw answers (the
three ratings and the comment when there is one) and a `measures.Score` row per scale, scored by
the engine's pure scoring module.

The measures app stores the shipped instruments on `post_migrate`, which runs after every
migration; so when version 1 of `course-evaluation` is not in the database yet it is created
here from the shipped definition (`samspil/measures/definitions/course-evaluation.json`), exactly
as `sync_shipped` would store it (which then finds it unchanged). Nothing is created on a
database without evaluations. Reversible: the reverse removes the responses (and scores) this
migration linked and leaves the evaluations' own columns as they are.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

from samspil.measures import scoring

CODE = "course-evaluation"
DEFINITION = Path(__file__).resolve().parents[2] / "measures" / "definitions" / f"{CODE}.json"
BATCH = 500


def _version_1(apps):
    """Version 1 of the course evaluation, created from the shipped definition when missing."""
    Instrument = apps.get_model("measures", "Instrument")
    InstrumentVersion = apps.get_model("measures", "InstrumentVersion")
    existing = InstrumentVersion.objects.filter(instrument__code=CODE, number=1).first()
    if existing is not None:
        return existing
    definition = json.loads(DEFINITION.read_text("utf-8"))
    definition["version"] = 1
    instrument, _created = Instrument.objects.get_or_create(
        code=CODE, defaults={"family": definition.get("family") or CODE}
    )
    has_current = InstrumentVersion.objects.filter(instrument=instrument, is_current=True).exists()
    return InstrumentVersion.objects.create(
        instrument=instrument,
        number=1,
        definition=definition,
        respondent=definition["respondent"],
        subject=definition["subject"],
        age_min=definition.get("age_min"),
        age_max=definition.get("age_max"),
        is_current=not has_current,
    )


def _answered_on(created_at):
    if isinstance(created_at, dt.datetime) and timezone.is_aware(created_at):
        return timezone.localtime(created_at).date()
    return created_at.date()


def create_responses(apps, schema_editor):
    Evaluation = apps.get_model("competence", "Evaluation")
    Response = apps.get_model("measures", "Response")
    Score = apps.get_model("measures", "Score")
    pending = Evaluation.objects.filter(response__isnull=True)
    if not pending.exists():
        return
    version = _version_1(apps)
    last_pk = 0
    while True:
        evaluations = list(
            pending.filter(pk__gt=last_pk).select_related("family").order_by("pk")[:BATCH]
        )
        if not evaluations:
            return
        last_pk = evaluations[-1].pk
        responses = []
        results = []
        for evaluation in evaluations:
            answers = {
                "delivery": evaluation.delivery,
                "usefulness": evaluation.usefulness,
                "behaviour_change": evaluation.behaviour_change,
            }
            if evaluation.comment.strip():
                answers["comment"] = evaluation.comment.strip()
            result = scoring.score(version.definition, answers)
            results.append(result)
            responses.append(
                Response(
                    instrument_version=version,
                    municipality_id=evaluation.family.municipality_id,
                    family_id=evaluation.family_id,
                    child=None,
                    respondent="foster_parent",
                    answers=answers,
                    flags=result.flags,
                    status="complete",
                    answered_on=_answered_on(evaluation.created_at),
                )
            )
        Response.objects.bulk_create(responses)
        Score.objects.bulk_create(
            [
                Score(
                    response_id=response.pk,
                    scale=scale,
                    value=value,
                    band=result.bands.get(scale) or "",
                    band4=result.bands4.get(scale) or "",
                    instrument_id=version.instrument_id,
                    family_id=response.family_id,
                    child=None,
                    respondent=response.respondent,
                    answered_on=response.answered_on,
                )
                for response, result in zip(responses, results, strict=True)
                for scale, value in result.scores.items()
            ]
        )
        for evaluation, response in zip(evaluations, responses, strict=True):
            evaluation.response_id = response.pk
        Evaluation.objects.bulk_update(evaluations, ["response"])


def remove_responses(apps, schema_editor):
    Evaluation = apps.get_model("competence", "Evaluation")
    Response = apps.get_model("measures", "Response")
    linked = list(
        Evaluation.objects.filter(response__isnull=False).values_list("response_id", flat=True)
    )
    Evaluation.objects.filter(response__isnull=False).update(response=None)
    for start in range(0, len(linked), BATCH):
        Response.objects.filter(pk__in=linked[start : start + BATCH]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("competence", "0004_evaluation_response"),
        ("measures", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_responses, remove_responses)]
