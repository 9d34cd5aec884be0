"""`GET /instruments` and `GET /instruments/{code}`: the catalogue for integrations.

The list names every instrument in the caller's catalogue (the shipped ones and their own
municipalities' configured versions) with its current version; one instrument answers its
current version's whole definition (items, option sets, scoring rules, bands, reliable-change
figures: the format is described in docs/instruments.md). Staff tokens only (403 for others);
an unknown code and another municipality's instrument answer the same 404. Not personal data:
not audited."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.measures import rules
from samspil.measures.models import Instrument
from samspil.measures.selectors import instruments as selectors

router = Router(tags=["measures"])


class InstrumentOut(Schema):
    code: str
    name: str
    family: str = Field(description="What it measures, shared by variants ('sdq', 'who-5' …).")
    municipality: str | None = Field(description="The owning municipality's code, if its own.")
    version: int | None = Field(description="The current version's number.")
    respondent: str | None
    subject: str | None
    age_min: int | None
    age_max: int | None
    licensed_texts: bool

    @staticmethod
    def _current(obj: Instrument) -> Any:
        versions = getattr(obj, "current_list", [])
        return versions[0] if versions else None

    @staticmethod
    def resolve_name(obj: Instrument) -> str:
        current = InstrumentOut._current(obj)
        return str(current.name) if current is not None else obj.code

    @staticmethod
    def resolve_municipality(obj: Instrument) -> str | None:
        return obj.municipality.code if obj.municipality else None

    @staticmethod
    def resolve_version(obj: Instrument) -> int | None:
        current = InstrumentOut._current(obj)
        return int(current.number) if current is not None else None

    @staticmethod
    def resolve_respondent(obj: Instrument) -> str | None:
        current = InstrumentOut._current(obj)
        return str(current.respondent) if current is not None else None

    @staticmethod
    def resolve_subject(obj: Instrument) -> str | None:
        current = InstrumentOut._current(obj)
        return str(current.subject) if current is not None else None

    @staticmethod
    def resolve_age_min(obj: Instrument) -> int | None:
        current = InstrumentOut._current(obj)
        return current.age_min if current is not None else None

    @staticmethod
    def resolve_age_max(obj: Instrument) -> int | None:
        current = InstrumentOut._current(obj)
        return current.age_max if current is not None else None

    @staticmethod
    def resolve_licensed_texts(obj: Instrument) -> bool:
        current = InstrumentOut._current(obj)
        return bool(current.licensed_texts) if current is not None else False


class InstrumentDetailOut(Schema):
    code: str
    version: int
    name: str
    municipality: str | None
    versions: list[int] = Field(description="Every version's number, newest first.")
    definition: dict[str, Any] = Field(description="The current version's definition.")


def _allowed(request: HttpRequest) -> None:
    if not rules.can_read_instruments(request_user(request)):
        raise PermissionDeniedError


@router.get("/instruments", response=list[InstrumentOut], summary="List instruments")
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_instruments(request: HttpRequest) -> Any:
    _allowed(request)
    return selectors.instruments_for(request_user(request))


@router.get(
    "/instruments/{code}", response=InstrumentDetailOut, summary="One instrument's definition"
)
def get_instrument(request: HttpRequest, code: str) -> dict[str, Any]:
    _allowed(request)
    instrument = selectors.get_instrument_for(request_user(request), code)
    page = selectors.instrument_page(instrument)
    return {
        "code": instrument.code,
        "version": page.version.number,
        "name": page.name,
        "municipality": instrument.municipality.code if instrument.municipality else None,
        "versions": [v.number for v in page.versions],
        "definition": page.version.definition,
    }
