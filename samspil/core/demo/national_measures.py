"""Measurement in the national data set: for every family in the model, up to four rounds over
the last 18 months of WHO-5 and, for each child placed at the time, the burden rating and the
SDQ (by the foster parent; by the teacher once a year for about four in five children; by the
child from 11 years for about seven in ten), with the demo's realistic courses
(`demo/measures.py::course_for`: most totals normal, about a quarter improving reliably, a few
worsening) — about 120,000 responses and 650,000 scores at full scale — and the next WHO-5 due
for the families whose next round falls within a month of today.

Every response is scored by `scoring.score` in the instrument's current version and its `Score`
rows stored beside it; everything is built in memory and inserted with `bulk_create` (the
caller's, with progress). No measurement plans are stored: the municipalities are shared with
the demo data, which stores its own. The records go with their families when `delete_national`
deletes them (cascade), so it needs no change."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from samspil.core.demo.measures import (
    PLAN,
    ROUND_DAYS,
    Built,
    build_family,
    current_versions,
    save,
    uuid_from,
)
from samspil.families.models import FosterFamily, Placement
from samspil.measures.enums import MeasurementReason, Respondent
from samspil.measures.models import Measurement

BulkCreate = Callable[[type[models.Model], list[Any], str], None]
DUE_WINDOW_DAYS = 30


def generate_measures(
    *,
    rng: random.Random,
    today: dt.date,
    families: Sequence[FosterFamily],
    placements: Sequence[Placement],
    bulk_create: BulkCreate,
) -> dict[str, int]:
    """Build and insert the measures records of the (saved) national `families` and
    `placements`; returns counts per kind ("measurements", "responses", "scores"). Reads the
    instruments' current versions (one query); `bulk_create` inserts with progress."""
    versions = current_versions([code for code, _r, _m in PLAN])
    by_family: dict[int, list[Placement]] = {}
    for placement in placements:
        by_family.setdefault(placement.family_id, []).append(placement)
    built = Built()
    for family in families:
        if family.in_model_since is None:
            continue
        rounds = build_family(
            rng,
            built,
            family=family,
            placements=by_family.get(family.pk, []),
            versions=versions,
            today=today,
            consultant=None,
        )
        first = max(family.in_model_since, today - dt.timedelta(days=540))
        due = first + dt.timedelta(days=ROUND_DAYS * rounds)
        if rounds and abs((due - today).days) <= DUE_WINDOW_DAYS:
            built.measurements.append(
                Measurement(
                    uuid=uuid_from(rng),
                    municipality_id=family.municipality_id,
                    family=family,
                    instrument_id=versions["who-5"].instrument_id,
                    respondent=Respondent.FOSTER_PARENT,
                    reason=MeasurementReason.INTERVAL,
                    occurrence=rounds,
                    due_on=due,
                )
            )
    return save(built, bulk_create)
