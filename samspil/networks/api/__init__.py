"""The networks app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.networks.api import groups, mentors, pools

router = Router()
router.add_router("", pools.router)
router.add_router("", groups.router)
router.add_router("", mentors.router)
