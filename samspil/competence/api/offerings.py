"""API endpoints for offerings and their sessions (read-only; offerings are published in the UI).
The same policy as the UI: published offerings for every staff member and foster parent,
drafts for their own institution; anything else answers 404."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from samspil.competence.enums import OfferingKind, PlaceKind, TimeSlot
from samspil.competence.models import Offering, Session
from samspil.competence.selectors import offerings as selectors

router = Router(tags=["competence"])


class OfferingOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    institution: str = Field(alias="institution.name")
    kind: OfferingKind
    title: str
    description: str
    target_group: str
    themes: list[str]
    responsible: str = Field(description="Username of the responsible specialist.")
    follows: uuid.UUID | None = Field(None, description="The offering this one follows.")
    published: bool

    @staticmethod
    def resolve_themes(obj: Offering) -> list[str]:
        return [theme.name for theme in obj.themes.all()]

    @staticmethod
    def resolve_responsible(obj: Offering) -> str:
        return obj.responsible.username

    @staticmethod
    def resolve_follows(obj: Offering) -> uuid.UUID | None:
        return obj.follows.uuid if obj.follows else None


class SessionOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    offering: uuid.UUID = Field(alias="offering.uuid")
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_slot: TimeSlot
    place_kind: PlaceKind
    place: str
    capacity: int
    enrolled: int = Field(description="Families with a place.")
    waitlisted: int = Field(description="Families on the waiting list.")
    free_places: int
    cancelled: bool


class OfferingDetailOut(OfferingOut):
    before: list[uuid.UUID] = Field(description="Offerings earlier in the chain, earliest first.")
    after: list[uuid.UUID] = Field(description="Offerings later in the chain.")
    sessions: list[SessionOut]

    @staticmethod
    def resolve_before(obj: Offering) -> list[uuid.UUID]:
        return [o.uuid for o in obj.chain.before]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_after(obj: Offering) -> list[uuid.UUID]:
        return [o.uuid for o in obj.chain.after]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_sessions(obj: Offering) -> list[Session]:
        return obj.session_rows  # type: ignore[attr-defined, no-any-return]


class OfferingFilterIn(Schema):
    theme: str = Field("", description="A theme's name.")
    kind: OfferingKind | None = None
    q: str = Field("", description="Words in the title.")


class SessionFilterIn(Schema):
    offering: uuid.UUID | None = None
    from_date: dt.date | None = Field(
        None, alias="from", description="Only sessions starting on or after this date."
    )


@router.get("/offerings", response=list[OfferingOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_offerings(request: HttpRequest, filters: Query[OfferingFilterIn]) -> Any:
    theme_id = None
    if filters.theme:
        theme_id = (
            selectors.themes().filter(name=filters.theme).values_list("pk", flat=True).first() or -1
        )
    return selectors.offerings_for(
        request.user,
        selectors.OfferingFilters(
            theme_id=theme_id, kind=filters.kind or "", search=filters.q[:100]
        ),
    )


@router.get("/offerings/{offering_id}", response=OfferingDetailOut)
def get_offering(request: HttpRequest, offering_id: uuid.UUID) -> Any:
    offering = selectors.get_offering_for(request.user, offering_id)
    offering.chain = selectors.offering_chain(request.user, offering)  # type: ignore[attr-defined]
    offering.session_rows = selectors.offering_sessions(request.user, offering)  # type: ignore[attr-defined]
    return offering


@router.get("/sessions", response=list[SessionOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_sessions(request: HttpRequest, filters: Query[SessionFilterIn]) -> Any:
    return selectors.sessions_for(
        request.user,
        selectors.SessionFilters(offering=filters.offering, from_date=filters.from_date),
    )


@router.get("/sessions/{session_id}", response=SessionOut)
def get_session(request: HttpRequest, session_id: uuid.UUID) -> Session:
    return selectors.get_session_for(request.user, session_id)
