from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from samspil.core.types import UserLike
from samspil.organisations import rules
from samspil.organisations.models import Collaboration, Institution, Municipality


def _require_listing(user: UserLike) -> None:
    if not rules.can_list_organisations(user):
        raise Http404


def municipalities_for(user: UserLike, search: str = "") -> QuerySet[Municipality]:
    _require_listing(user)
    qs = Municipality.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code=search))
    return qs.annotate(collaboration_count=Count("collaborations", distinct=True)).order_by("name")


def get_municipality_for(user: UserLike, code: str) -> Municipality:
    _require_listing(user)
    try:
        return Municipality.objects.get(code=code)
    except Municipality.DoesNotExist:
        raise Http404 from None


def institutions_for(
    user: UserLike, search: str = "", municipality_id: int | None = None
) -> QuerySet[Institution]:
    _require_listing(user)
    qs = Institution.objects.select_related("municipality", "owner_municipality").prefetch_related(
        "competence_areas"
    )
    if search:
        qs = qs.filter(name__icontains=search)
    if municipality_id:
        qs = qs.filter(
            Q(municipality_id=municipality_id)
            | Q(owner_municipality_id=municipality_id)
            | Q(
                pk__in=Collaboration.objects.filter(municipalities=municipality_id).values(
                    "institutions"
                )
            )
        )
    return qs.order_by("name", "id")


def get_institution_for(user: UserLike, pk: int) -> Institution:
    try:
        return institutions_for(user).get(pk=pk)
    except Institution.DoesNotExist:
        raise Http404 from None


def collaborations_for(user: UserLike) -> QuerySet[Collaboration]:
    _require_listing(user)
    return Collaboration.objects.prefetch_related(
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
        Prefetch("institutions", queryset=Institution.objects.order_by("name")),
    ).order_by("name")


def get_collaboration_for(user: UserLike, pk: int) -> Collaboration:
    try:
        return collaborations_for(user).get(pk=pk)
    except Collaboration.DoesNotExist:
        raise Http404 from None
