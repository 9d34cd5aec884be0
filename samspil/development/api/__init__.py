"""The development app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.development.api import plans

router = Router()
router.add_router("", plans.router)
