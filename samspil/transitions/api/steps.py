"""API endpoint for the discharge plan's steps: tick a step done or undo it, with the version
read (409 with the intervening changes when someone else changed it)."""

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samspil.core.types import request_user
from samspil.transitions.api.transitions import Error, StepOut
from samspil.transitions.selectors import transitions as selectors
from samspil.transitions.services import plans as services

router = Router(tags=["transitions"])


class StepPatch(Schema):
    version: int = Field(description="The version you read; a newer one on the server answers 409.")
    done: bool


@router.patch(
    "/transition-steps/{step_id}",
    response={200: StepOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def update_step(request: HttpRequest, step_id: uuid.UUID, payload: StepPatch) -> Any:
    """Tick a step done (who and when are recorded) or undo it. Contributors tick any step,
    the foster family its own; the case worker reads only (403)."""
    user = request_user(request)
    step = selectors.get_step_for(user, step_id)
    return services.set_step_done(
        actor=user, step=step, done=payload.done, expected_version=payload.version
    )
