"""API endpoints for enrolment."""

from ninja import Router

router = Router(tags=["competence"])
