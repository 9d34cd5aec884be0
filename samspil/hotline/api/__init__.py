"""The hotline app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.hotline.api import calls, hotlines, statistics

router = Router()
router.add_router("", hotlines.router)
router.add_router("", calls.router)
router.add_router("", statistics.router)
