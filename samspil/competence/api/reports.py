"""API endpoints for reports."""

from ninja import Router

router = Router(tags=["competence"])
