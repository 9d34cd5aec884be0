import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from samspil.organisations import selectors

router = Router(tags=["organisations"])


class MunicipalityOut(Schema):
    id: int
    code: str = Field(description="The municipality number (kommunekode).")
    name: str
    region: str


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    owner_kind: str
    owner_municipality_id: int | None
    municipality_id: int
    postcode: str
    competence_areas: list[str]

    @staticmethod
    def resolve_competence_areas(obj: object) -> list[str]:
        return [area.name for area in obj.competence_areas.all()]  # type: ignore[attr-defined]


class CollaborationOut(Schema):
    id: int
    name: str
    description: str
    starts_on: dt.date
    ends_on: dt.date | None
    municipalities: list[int]
    institutions: list[int]

    @staticmethod
    def resolve_municipalities(obj: object) -> list[int]:
        return [m.pk for m in obj.municipalities.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_institutions(obj: object) -> list[int]:
        return [i.pk for i in obj.institutions.all()]  # type: ignore[attr-defined]


@router.get("/municipalities", response=list[MunicipalityOut])
@paginate(PageNumberPagination, page_size=100)
def list_municipalities(request: HttpRequest, q: str = ""):  # type: ignore[no-untyped-def]
    return selectors.municipalities_for(request.user, q)


@router.get("/municipalities/{code}", response=MunicipalityOut)
def get_municipality(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    return selectors.get_municipality_for(request.user, code)


@router.get("/institutions", response=list[InstitutionOut])
@paginate(PageNumberPagination, page_size=50)
def list_institutions(request: HttpRequest, q: str = "", municipality: int | None = None):  # type: ignore[no-untyped-def]
    return selectors.institutions_for(request.user, q, municipality)


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def get_institution(request: HttpRequest, institution_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_institution_for(request.user, institution_id)


@router.get("/collaborations", response=list[CollaborationOut])
@paginate(PageNumberPagination, page_size=50)
def list_collaborations(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.collaborations_for(request.user)


@router.get("/collaborations/{collaboration_id}", response=CollaborationOut)
def get_collaboration(request: HttpRequest, collaboration_id: int):  # type: ignore[no-untyped-def]
    return selectors.get_collaboration_for(request.user, collaboration_id)
