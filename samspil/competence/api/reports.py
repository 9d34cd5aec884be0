"""API endpoints for reports: a family's training hours, under the same policy as the UI
(the family itself, and consultants and leaders of its municipality; 404 for everyone else)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from samspil.competence.selectors import reports as selectors
from samspil.core.types import request_user

router = Router(tags=["competence"])


class TrainingHoursQuery(Schema):
    family: uuid.UUID
    year: int | None = Field(None, ge=2000, le=2100, description="Default: the current year.")


class ThemeHoursOut(Schema):
    theme: str
    hours: Decimal = Field(description="Hours, to two decimals.")


class TrainingHoursOut(Schema):
    family: uuid.UUID
    year: int
    total_hours: Decimal
    themes: list[ThemeHoursOut]


@router.get(
    "/training-hours",
    response=TrainingHoursOut,
    summary="A family's hours of competence development in a year, per theme",
    description=(
        "Attended session hours are split equally across the offering's themes; attended "
        "supervision hours count under the course's theme, or “Supervision”. Reading writes "
        "the audit entry competence.training_hours.read."
    ),
)
def training_hours(request: HttpRequest, filters: Query[TrainingHoursQuery]) -> Any:
    year = filters.year or timezone.localdate().year
    hours = selectors.family_training_hours(request_user(request), filters.family, year)
    return {
        "family": hours.family.uuid,
        "year": hours.year,
        "total_hours": hours.total,
        "themes": [{"theme": t.theme, "hours": t.hours} for t in hours.themes],
    }
