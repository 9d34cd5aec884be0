"""The competence app's API routers, one module per area, mounted under /api/v1/."""

from ninja import Router

from samspil.competence.api import enrolment, offerings, reports, supervision

router = Router()
router.add_router("", offerings.router)
router.add_router("", enrolment.router)
router.add_router("", supervision.router)
router.add_router("", reports.router)
