import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.accounts.models import User
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.families import rules, selectors, services
from samspil.families.enums import FamilyKind, PlacementEndReason
from samspil.families.models import Child, FosterFamily
from samspil.organisations.models import Municipality

router = Router(tags=["families"])


# -- schemas ----------------------------------------------------------------------------------


class ParentOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    first_name: str
    last_name: str
    phone: str
    email: str


class FamilyOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    municipality: str = Field(alias="municipality.code")
    name: str
    kind: FamilyKind
    approved_on: dt.date
    years_of_experience: int
    address: str
    postcode: str
    city: str
    phone: str
    email: str
    prefers_weekday_daytime: bool
    prefers_evenings: bool
    prefers_weekends: bool
    in_model_since: dt.date | None
    in_model_until: dt.date | None
    consultant: str | None = Field(None, description="Username of the current fixed consultant.")

    @staticmethod
    def resolve_years_of_experience(obj: FosterFamily) -> int:
        return obj.years_of_experience()

    @staticmethod
    def resolve_consultant(obj: FosterFamily) -> str | None:
        assignments = getattr(obj, "current_assignment_list", None)
        if assignments is None:
            assignments = list(selectors.current_assignments().filter(family=obj))
        return assignments[0].consultant.username if assignments else None


class FamilyDetailOut(FamilyOut):
    parents: list[ParentOut]

    @staticmethod
    def resolve_parents(obj: FosterFamily) -> list[Any]:
        return list(obj.parents.all())


class FamilyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: FamilyKind = FamilyKind.GENERAL
    approved_on: dt.date
    address: str = Field(min_length=1, max_length=200)
    postcode: str = Field(pattern=r"^[0-9]{4}$")
    city: str = Field(min_length=1, max_length=100)
    phone: str = ""
    email: str = ""
    prefers_weekday_daytime: bool = False
    prefers_evenings: bool = False
    prefers_weekends: bool = False
    in_model_since: dt.date | None = None
    in_model_until: dt.date | None = None


class FamilyCreateIn(FamilyIn):
    municipality: str = Field(description='Municipality number, e.g. "101".')
    consultant: str = Field(description="Username of the fixed consultant.")


class FamilyPatch(Schema):
    version: int = Field(description="The version you read; a newer one on the server answers 409.")
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: FamilyKind | None = None
    approved_on: dt.date | None = None
    address: str | None = Field(None, min_length=1, max_length=200)
    postcode: str | None = Field(None, pattern=r"^[0-9]{4}$")
    city: str | None = Field(None, min_length=1, max_length=100)
    phone: str | None = None
    email: str | None = None
    prefers_weekday_daytime: bool | None = None
    prefers_evenings: bool | None = None
    prefers_weekends: bool | None = None
    in_model_since: dt.date | None = None
    in_model_until: dt.date | None = None


class FamilyFilterIn(Schema):
    q: str = ""
    kind: str = ""
    preference: str = ""
    consultant: str = ""


class ChildOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    municipality: str = Field(alias="municipality.code")
    first_name: str
    last_name: str
    date_of_birth: dt.date
    case_worker: str | None = None
    has_cpr: bool

    @staticmethod
    def resolve_case_worker(obj: Child) -> str | None:
        return obj.case_worker.username if obj.case_worker else None


class ChildIn(Schema):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    case_worker: str | None = Field(None, description="Username of the case worker.")
    cpr: str | None = Field(
        None, description="Optional CPR number (DDMMYY-XXXX); stored encrypted, never returned."
    )


class ChildCreateIn(ChildIn):
    municipality: str


class ChildPatch(Schema):
    version: int
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: dt.date | None = None
    case_worker: str | None = None
    cpr: str | None = None


class PlacementOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    child: uuid.UUID = Field(alias="child.uuid")
    family: uuid.UUID = Field(alias="family.uuid")
    starts_on: dt.date
    ends_on: dt.date | None
    end_reason: str


class PlacementIn(Schema):
    child: uuid.UUID
    family: uuid.UUID
    starts_on: dt.date
    ends_on: dt.date | None = None
    end_reason: PlacementEndReason | None = None


class PlacementPatch(Schema):
    version: int
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    end_reason: PlacementEndReason | None = None


class Error(Schema):
    detail: Any


# -- helpers ----------------------------------------------------------------------------------


def _municipality_for_create(user: Any, code: str) -> Municipality:
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None or municipality.pk not in rules.creatable_family_municipalities(user):
        raise PermissionDeniedError
    return municipality


# The same message whether the user does not exist or works elsewhere: usernames of other
# municipalities must not be discoverable through the API.
_NOT_ASSIGNABLE = {
    "consultant": _("The consultant must work in the family's municipality."),
    "case_worker": _("The case worker must work in the child's municipality."),
}


def _user_by_username(username: str | None, field: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: [str(_NOT_ASSIGNABLE[field])]})
    return user


def _values(payload: Schema, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k not in exclude}


# -- families ---------------------------------------------------------------------------------


@router.get("/families", response=list[FamilyOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_families(request: HttpRequest, filters: Query[FamilyFilterIn]) -> Any:
    consultant_id = None
    if filters.consultant:
        consultant_id = (
            User.objects.filter(username=filters.consultant).values_list("pk", flat=True).first()
            or -1
        )
    return selectors.families_for(
        request.user,
        selectors.FamilyFilters(
            search=filters.q,
            kind=filters.kind,
            preference=filters.preference,
            consultant_id=consultant_id,
        ),
    )


@router.get("/families/{family_id}", response=FamilyDetailOut)
def get_family(request: HttpRequest, family_id: uuid.UUID) -> Any:
    return selectors.get_family_for(request.user, family_id)


@router.post("/families", response={201: FamilyDetailOut, 403: Error, 422: Error})
def create_family(request: HttpRequest, payload: FamilyCreateIn) -> Any:
    municipality = _municipality_for_create(request.user, payload.municipality)
    consultant = _user_by_username(payload.consultant, "consultant")
    family = services.create_family(
        actor=request_user(request),
        municipality=municipality,
        consultant=consultant,  # type: ignore[arg-type]
        values=_values(payload, {"municipality", "consultant"}),
    )
    return Status(201, family)


@router.patch(
    "/families/{family_id}", response={200: FamilyDetailOut, 403: Error, 409: Error, 422: Error}
)
def update_family(request: HttpRequest, family_id: uuid.UUID, payload: FamilyPatch) -> Any:
    family = selectors.get_family_for(request.user, family_id, audit=False)
    values = _values(payload, {"version"})
    return services.update_family(
        actor=request_user(request), family=family, values=values, expected_version=payload.version
    )


# -- children ---------------------------------------------------------------------------------


@router.get("/children", response=list[ChildOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_children(request: HttpRequest, q: str = "") -> Any:
    return selectors.children_for(request.user, q)


@router.get("/children/{child_id}", response=ChildOut)
def get_child(request: HttpRequest, child_id: uuid.UUID) -> Any:
    return selectors.get_child_for(request.user, child_id)


@router.post("/children", response={201: ChildOut, 403: Error, 422: Error})
def create_child(request: HttpRequest, payload: ChildCreateIn) -> Any:
    municipality = _municipality_for_create(request.user, payload.municipality)
    values = _values(payload, {"municipality", "cpr", "case_worker"})
    values["case_worker"] = _user_by_username(payload.case_worker, "case_worker")
    child = services.create_child(
        actor=request_user(request), municipality=municipality, values=values, cpr=payload.cpr
    )
    return Status(201, child)


@router.patch("/children/{child_id}", response={200: ChildOut, 403: Error, 409: Error, 422: Error})
def update_child(request: HttpRequest, child_id: uuid.UUID, payload: ChildPatch) -> Any:
    child = selectors.get_child_for(request.user, child_id, audit=False)
    values = _values(payload, {"version", "cpr", "case_worker"})
    if "case_worker" in payload.model_fields_set:
        values["case_worker"] = _user_by_username(payload.case_worker, "case_worker")
    return services.update_child(
        actor=request_user(request),
        child=child,
        values=values,
        expected_version=payload.version,
        cpr=payload.cpr,
    )


# -- placements -------------------------------------------------------------------------------


@router.get("/placements", response=list[PlacementOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_placements(
    request: HttpRequest, family: uuid.UUID | None = None, child: uuid.UUID | None = None
) -> Any:
    qs = selectors.placements_for(request.user)
    if family:
        qs = qs.filter(family__uuid=family)
    if child:
        qs = qs.filter(child__uuid=child)
    return qs


@router.get("/placements/{placement_id}", response=PlacementOut)
def get_placement(request: HttpRequest, placement_id: uuid.UUID) -> Any:
    return selectors.get_placement_for(request.user, placement_id)


@router.post("/placements", response={201: PlacementOut, 403: Error, 404: Error, 422: Error})
def create_placement(request: HttpRequest, payload: PlacementIn) -> Any:
    child = selectors.get_child_for(request.user, payload.child, audit=False)
    family = selectors.get_family_for(request.user, payload.family, audit=False)
    values = _values(payload, {"child", "family"})
    values["end_reason"] = payload.end_reason or ""
    placement = services.create_placement(
        actor=request_user(request), child=child, family=family, values=values
    )
    return Status(201, placement)


@router.patch(
    "/placements/{placement_id}", response={200: PlacementOut, 403: Error, 409: Error, 422: Error}
)
def update_placement(request: HttpRequest, placement_id: uuid.UUID, payload: PlacementPatch) -> Any:
    placement = selectors.get_placement_for(request.user, placement_id, audit=False)
    values = _values(payload, {"version"})
    if "end_reason" in values:
        values["end_reason"] = values["end_reason"] or ""
    return services.update_placement(
        actor=request_user(request),
        placement=placement,
        values=values,
        expected_version=payload.version,
    )
