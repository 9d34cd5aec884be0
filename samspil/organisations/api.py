import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.types import request_user
from samspil.organisations import selectors, services
from samspil.organisations.enums import InstitutionKind, OwnerKind
from samspil.organisations.models import Collaboration, CompetenceArea, Institution, Municipality

router = Router(tags=["organisations"])


class MunicipalityOut(Schema):
    id: int
    code: str = Field(description="The municipality number (kommunekode).")
    name: str
    region: str


class InstitutionOut(Schema):
    id: int
    version: int
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
    version: int
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
def list_municipalities(request: HttpRequest, q: str = "") -> Any:
    return selectors.municipalities_for(request.user, q)


@router.get("/municipalities/{code}", response=MunicipalityOut)
def get_municipality(request: HttpRequest, code: str) -> Any:
    return selectors.get_municipality_for(request.user, code)


@router.get("/institutions", response=list[InstitutionOut])
@paginate(PageNumberPagination, page_size=50)
def list_institutions(request: HttpRequest, q: str = "", municipality: int | None = None) -> Any:
    return selectors.institutions_for(request.user, q, municipality)


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def get_institution(request: HttpRequest, institution_id: int) -> Any:
    return selectors.get_institution_for(request.user, institution_id)


@router.get("/collaborations", response=list[CollaborationOut])
@paginate(PageNumberPagination, page_size=50)
def list_collaborations(request: HttpRequest) -> Any:
    return selectors.collaborations_for(request.user)


@router.get("/collaborations/{collaboration_id}", response=CollaborationOut)
def get_collaboration(request: HttpRequest, collaboration_id: int) -> Any:
    return selectors.get_collaboration_for(request.user, collaboration_id)


class InstitutionIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: InstitutionKind
    owner_kind: OwnerKind
    owner_municipality: str | None = Field(
        None, description="Municipality number of the owner, if municipal."
    )
    municipality: str = Field(description="Municipality number where the institution is located.")
    address: str = ""
    postcode: str = Field("", pattern=r"^([0-9]{4})?$")
    phone: str = ""
    email: str = ""
    places: int | None = Field(None, ge=1)
    competence_areas: list[str] = Field(
        default_factory=list, description="Names of managed competence areas."
    )


class CollaborationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    starts_on: dt.date
    ends_on: dt.date | None = None
    municipalities: list[str] = Field(min_length=1, description="Municipality numbers.")
    institutions: list[int] = Field(min_length=1, description="Institution ids.")


class InstitutionUpdate(InstitutionIn):
    version: int = Field(description="The version you read; a newer one on the server answers 409.")


class CollaborationUpdate(CollaborationIn):
    version: int = Field(description="The version you read; a newer one on the server answers 409.")


class Error(Schema):
    detail: Any


def _municipality(code: str | None, field: str) -> Municipality | None:
    if code is None:
        return None
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise ValidationError({field: [f"No municipality with number {code!r}."]})
    return municipality


def _institution_values(payload: InstitutionIn) -> dict[str, Any]:
    values = payload.dict(exclude={"version"})
    values["municipality"] = _municipality(payload.municipality, "municipality")
    values["owner_municipality"] = _municipality(payload.owner_municipality, "owner_municipality")
    areas = list(CompetenceArea.objects.filter(name__in=payload.competence_areas))
    unknown = set(payload.competence_areas) - {a.name for a in areas}
    if unknown:
        raise ValidationError(
            {"competence_areas": [f"Unknown competence areas: {', '.join(sorted(unknown))}."]}
        )
    values["competence_areas"] = areas
    return values


def _collaboration_values(payload: CollaborationIn) -> dict[str, Any]:
    values = payload.dict(exclude={"version"})
    municipalities = list(Municipality.objects.filter(code__in=payload.municipalities))
    if len(municipalities) != len(set(payload.municipalities)):
        raise ValidationError({"municipalities": ["Unknown municipality number."]})
    institutions = list(Institution.objects.filter(pk__in=payload.institutions))
    if len(institutions) != len(set(payload.institutions)):
        raise ValidationError({"institutions": ["Unknown institution id."]})
    values.update(municipalities=municipalities, institutions=institutions)
    return values


@router.post("/institutions", response={201: InstitutionOut, 403: Error, 422: Error})
def create_institution(request: HttpRequest, payload: InstitutionIn) -> Any:
    institution = services.save_institution(
        actor=request_user(request), institution=Institution(), values=_institution_values(payload)
    )
    return Status(201, institution)


@router.put(
    "/institutions/{institution_id}",
    response={200: InstitutionOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def update_institution(
    request: HttpRequest, institution_id: int, payload: InstitutionUpdate
) -> Any:
    institution = selectors.get_institution_for(request.user, institution_id)
    return services.save_institution(
        actor=request_user(request),
        institution=institution,
        values=_institution_values(payload),
        expected_version=payload.version,
    )


@router.post("/collaborations", response={201: CollaborationOut, 403: Error, 422: Error})
def create_collaboration(request: HttpRequest, payload: CollaborationIn) -> Any:
    collaboration = services.save_collaboration(
        actor=request_user(request),
        collaboration=Collaboration(),
        values=_collaboration_values(payload),
    )
    return Status(201, collaboration)


@router.put(
    "/collaborations/{collaboration_id}",
    response={200: CollaborationOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def update_collaboration(
    request: HttpRequest, collaboration_id: int, payload: CollaborationUpdate
) -> Any:
    collaboration = selectors.get_collaboration_for(request.user, collaboration_id)
    return services.save_collaboration(
        actor=request_user(request),
        collaboration=collaboration,
        values=_collaboration_values(payload),
        expected_version=payload.version,
    )
