"""API endpoints for supervision."""

from ninja import Router

router = Router(tags=["competence"])
