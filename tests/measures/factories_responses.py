"""Answer sets and recorded responses for the responses, trends and catalogue tests. Items are
named by number only (never by text); answers are built to give a chosen score, computed here
from the published rules, not by the code under test."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samspil.accounts.models import User
from samspil.families.models import Child, FosterFamily
from samspil.measures.models import Response
from samspil.measures.services import responses as services

PARENT = "sdq-parent-4-17"
TEACHER = "sdq-teacher-4-17"
SELF = "sdq-self-11-17"
# The 20 difficulty items, scale by scale; reverse-scored items are answered 2 − score.
DIFFICULTY_ITEMS = [
    "3", "8", "13", "16", "24",  # emotional
    "5", "7", "12", "18", "22",  # conduct
    "2", "10", "15", "21", "25",  # hyperactivity
    "6", "11", "14", "19", "23",  # peer
]  # fmt: skip
PROSOCIAL_ITEMS = ["1", "4", "9", "17", "20"]
REVERSED = {"7", "11", "14", "21", "25"}


def sdq_with_total(total: int) -> dict[str, int | None]:
    """A complete SDQ answer set whose total difficulties is `total` (0–40): the difficulty
    items are filled with 2 in printed-scale order until the total is reached; prosocial 10;
    no difficulties in the impact question (impact 0)."""
    assert 0 <= total <= 40
    answers: dict[str, int | None] = {}
    remaining = total
    for key in DIFFICULTY_ITEMS:
        scored = min(2, remaining)
        remaining -= scored
        answers[key] = 2 - scored if key in REVERSED else scored
    for key in PROSOCIAL_ITEMS:
        answers[key] = 2
    answers["impact_difficulties"] = 0
    return answers


def who5_with_percentage(percentage: int) -> dict[str, int | None]:
    """A WHO-5 answer set whose percentage is `percentage` (a multiple of 4): raw = % / 4,
    spread over the five items (each 0–5), higher items first."""
    assert percentage % 4 == 0
    raw = percentage // 4
    answers: dict[str, int | None] = {}
    for number in range(1, 6):
        answers[str(number)] = min(5, raw)
        raw -= answers[str(number)] or 0
    return answers


def burden(overall: int, *, areas: int = 1) -> dict[str, int | None]:
    return {"overall": overall, "everyday": areas, "behaviour": areas, "school": areas}


def record(
    *,
    actor: User,
    family: FosterFamily,
    code: str,
    answers: dict[str, Any],
    answered_on: dt.date,
    child: Child | None = None,
    respondent: str = "foster_parent",
) -> Response:
    """A complete response typed in by `actor` (a consultant or leader of the family's
    municipality), scored in the instrument's current version."""
    return services.record_response(
        actor=actor,
        family=family,
        code=code,
        respondent=respondent,
        answers=answers,
        child=child,
        answered_on=answered_on,
    )


def sdq_series(
    world: Any,
    totals: list[int],
    *,
    code: str = PARENT,
    respondent: str = "foster_parent",
    start: dt.date = dt.date(2025, 1, 15),
) -> list[Response]:
    """SDQs about world.child_a in world.family_a, one per total, six months apart."""
    return [
        record(
            actor=world.consultant_a,
            family=world.family_a,
            child=world.child_a,
            code=code,
            respondent=respondent,
            answers=sdq_with_total(total),
            answered_on=start + dt.timedelta(days=182 * n),
        )
        for n, total in enumerate(totals)
    ]
