"""API endpoints for offerings."""

from ninja import Router

router = Router(tags=["competence"])
