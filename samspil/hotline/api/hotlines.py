"""API endpoints for hotlines: the list the caller sees, and who is on duty on one now (or at a
given moment): the person, the institution or the social on-call service, with the shift, or a
gap when the hotline is open and nobody answers. The same selectors and policy as the UI; 404
for a hotline outside `rules.hotline_filter`."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import Hotline
from samspil.hotline.selectors import hotlines as selectors

router = Router(tags=["hotline"])


class HotlineOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    name: str
    phone_number: str
    municipality: str | None = Field(None, description="Municipality number, if it owns it.")
    collaboration: str | None = Field(None, description="The collaboration's name, if it owns it.")
    always_open: bool
    opening_hours: list[dict[str, str]] = Field(
        description='When not 24/7: [{"weekdays": "01234", "starts": "16:00", "ends": "08:00"}]'
    )
    active: bool

    @staticmethod
    def resolve_municipality(obj: Hotline) -> str | None:
        return obj.municipality.code if obj.municipality else None

    @staticmethod
    def resolve_collaboration(obj: Hotline) -> str | None:
        return obj.collaboration.name if obj.collaboration else None


class PersonOut(Schema):
    username: str
    name: str


class ShiftOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class OnDutyOut(Schema):
    hotline: uuid.UUID
    at: dt.datetime
    staffed_by: StaffedBy | None = Field(
        description="Who answers by the shift now; null when no shift covers the moment."
    )
    person: PersonOut | None = Field(description="The person on duty (a rota shift).")
    institution: str | None = Field(description="The institution's name (its shift).")
    phone_number: str
    shift: ShiftOut | None
    gap: bool = Field(description="Open, and nobody answers (no shift, or no person on it).")


@router.get("/hotlines", response=list[HotlineOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_hotlines(request: HttpRequest) -> Any:
    """The hotlines you see: of your municipality (or its collaborations), those you are on the
    rota of, and those your institution staffs."""
    return selectors.hotlines_for(request.user)


@router.get("/hotlines/{hotline_id}/on-duty", response=OnDutyOut)
def hotline_on_duty(
    request: HttpRequest, hotline_id: uuid.UUID, at: dt.datetime | None = None
) -> Any:
    """Who answers the hotline now (or at `at`, ISO 8601 with offset)."""
    hotline = selectors.get_hotline_for(request.user, hotline_id)
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    duty = selectors.on_duty([hotline], moment)[hotline.pk]
    person = duty.person
    return {
        "hotline": hotline.uuid,
        "at": moment,
        "staffed_by": duty.staffed_by,
        "person": {"username": person.username, "name": person.get_full_name() or person.username}
        if person
        else None,
        "institution": duty.institution.name if duty.institution else None,
        "phone_number": hotline.phone_number,
        "shift": {"starts_at": duty.shift.starts_at, "ends_at": duty.shift.ends_at}
        if duty.shift
        else None,
        "gap": duty.gap,
    }
