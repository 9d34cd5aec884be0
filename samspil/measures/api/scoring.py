"""`POST /instruments/{code}/score`: score answers for an integration and store nothing.

`{"answers": {"1": 0, …}}` → 200 with `scores`, `bands` (three-band: `normal`, `borderline`,
`abnormal`), `bands4` (four-band: `close_to_average`, `slightly_raised`, `high`, `very_high`;
prosocial `close_to_average`, `slightly_lowered`, `low`, `very_low`) and `flags` (e.g.
`emotional_not_scored`: fewer than three of its items answered, its score is null). A scale
without published bands has null bands. Unknown codes answer 404; unknown items and answers out
of range answer 422 naming each of them. Any valid API token may score: nothing personal is
read or stored, and nothing is audited."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samspil.measures.services import responses as services

router = Router(tags=["measures"])


class ScoreIn(Schema):
    answers: dict[str, int | str | None] = Field(
        description="Item key → the answer's value in printed order (null or absent: missing)."
    )


class ScoreOut(Schema):
    instrument: str
    version: int
    scores: dict[str, int | None]
    bands: dict[str, str | None]
    bands4: dict[str, str | None]
    flags: list[str]


@router.post("/instruments/{code}/score", response=ScoreOut, summary="Score answers")
def score(request: HttpRequest, code: str, payload: ScoreIn) -> dict[str, Any]:
    version = services.current_version(code)
    result = services.score_answers(code, payload.answers)
    return {"instrument": code, "version": version.number, **result.as_dict()}
