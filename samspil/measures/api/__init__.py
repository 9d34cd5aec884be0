"""The measures app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.measures.api import instruments, measurements, responses, scoring

router = Router()
router.add_router("", scoring.router)
router.add_router("", instruments.router)
router.add_router("", responses.router)
router.add_router("", measurements.router)
