"""The transitions app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.transitions.api import steps, transitions

router = Router()
router.add_router("", transitions.router)
router.add_router("", steps.router)
