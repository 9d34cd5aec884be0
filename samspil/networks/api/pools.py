"""API endpoint for composing network groups: `POST /network-group-proposals` runs the
optimiser synchronously on the families sent (their public ids, as /families answers) and
stores nothing. The same policy as the UI (`rules.composable_family_filter`); the request is
audited ("networks.proposal.compute") because it reads the families' data.

Invalid input answers 422 with the reason per field (`detail`, `errors`): sizes outside 2–30
or max < min, duplicate ids, ids that are unknown or not yours to compose (one message for
both), families already in an active group, fewer families than the smallest group, and
impossible combinations (why, and which families). 403 for users who may not compose groups."""

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from samspil.core.types import request_user
from samspil.networks import reasons
from samspil.networks.services import proposals as proposal_services

router = Router(tags=["networks"])


class ProposalIn(Schema):
    families: list[uuid.UUID] = Field(description="The families' ids (as /families answers).")
    min_size: int | None = Field(
        None, description="Smallest group (2–30); default: your municipality's setting (4)."
    )
    max_size: int | None = Field(
        None, description="Largest group (2–30); default: your municipality's setting (6)."
    )
    separations: list[list[uuid.UUID]] = Field(
        default_factory=list,
        description="Pairs that must not be in one group, besides those recorded in Samspil.",
    )
    pinned: dict[uuid.UUID, int] = Field(
        default_factory=dict, description="Family id → group number: pinned families stay together."
    )
    allow_unplaced: bool = Field(
        False, description="Leave families out (with the reason) rather than answer 422."
    )
    time_limit: int | None = Field(
        None, description="Seconds the optimiser may search (1–60); default: your setting."
    )


class UnplacedOut(Schema):
    family: uuid.UUID
    reason: str


class ProposalOut(Schema):
    groups: list[list[uuid.UUID]] = Field(description="Each group's family ids.")
    objective: int = Field(description="The composition's cost (lower is better).")
    bound: int = Field(description="The optimiser's proven lower bound on the cost.")
    status: str = Field(description='"optimal" (objective = bound) or "feasible".')
    gap: float = Field(description="(objective − bound) / objective; 0 when optimal.")
    reasons: list[list[str]] = Field(description="Why each group looks as it does, per group.")
    unplaced: list[UnplacedOut] = Field(description="Families left out, with the reason.")
    seconds: float


class Error(Schema):
    detail: Any


@router.post("/network-group-proposals", response={200: ProposalOut, 403: Error, 422: Error})
def propose_network_groups(request: HttpRequest, payload: ProposalIn) -> Any:
    """Compose network groups of the families (OR-Tools CP-SAT) and answer the groups with the
    objective against the solver's bound. Nothing is stored."""
    composed = proposal_services.compose_groups(
        actor=request_user(request),
        family_ids=payload.families,
        min_size=payload.min_size,
        max_size=payload.max_size,
        separations=payload.separations,
        pinned=payload.pinned,
        allow_unplaced=payload.allow_unplaced,
        time_limit=payload.time_limit,
    )
    result, names = composed.result, composed.names
    return {
        "groups": [[str(k) for k in group.members] for group in result.groups],
        "objective": result.objective,
        "bound": result.bound,
        "status": result.status,
        "gap": round(result.gap, 4),
        "reasons": [
            [reasons.reason_text(r.code, r.params, names) for r in group.reasons]
            for group in result.groups
        ],
        "unplaced": [
            {"family": str(key), "reason": reasons.reason_text(r.code, r.params, names)}
            for key, r in result.unplaced
        ],
        "seconds": round(result.seconds, 3),
    }
