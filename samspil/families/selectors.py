"""Reads of personal data in the families app. Every query starts from the access policy;
every read of one family's or child's detail is written to the audit log here, so views, the
API, exports and commands cannot forget it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families import rules
from samspil.families.cpr import decrypt_cpr, format_cpr
from samspil.families.enums import FamilyKind
from samspil.families.models import (
    Child,
    ConsultantAssignment,
    Engagement,
    FosterFamily,
    FosterParent,
    Placement,
)


def current_assignments() -> QuerySet[ConsultantAssignment]:
    return ConsultantAssignment.objects.filter(ends_on__isnull=True).select_related("consultant")


def current_placements(today: dt.date | None = None) -> QuerySet[Placement]:
    today = today or timezone.localdate()
    return (
        Placement.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("child")
    )


@dataclass(frozen=True)
class FamilyFilters:
    search: str = ""
    kind: str = ""
    municipality_id: int | None = None
    consultant_id: int | None = None
    preference: str = ""  # "weekday_daytime" | "evenings" | "weekends"
    has_children: bool | None = None


def families_for(user: UserLike, filters: FamilyFilters | None = None) -> QuerySet[FosterFamily]:
    """The families `user` may list, filtered, with what list pages show prefetched."""
    filters = filters or FamilyFilters()
    visible = FosterFamily.objects.filter(rules.family_filter(user))
    qs = visible.select_related("municipality")
    if filters.search:
        term = filters.search.strip()
        parents = FosterParent.objects.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term),
            family__in=visible.values("pk"),
        )
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(address__icontains=term)
            | Q(postcode=term)
            | Q(city__icontains=term)
            | Q(pk__in=parents.values("family_id"))
        )
    if filters.kind in FamilyKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.municipality_id:
        qs = qs.filter(municipality_id=filters.municipality_id)
    if filters.consultant_id:
        qs = qs.filter(
            Exists(
                ConsultantAssignment.objects.filter(
                    family=OuterRef("pk"), ends_on__isnull=True, consultant_id=filters.consultant_id
                )
            )
        )
    if filters.preference in {"weekday_daytime", "evenings", "weekends"}:
        qs = qs.filter(**{f"prefers_{filters.preference}": True})
    if filters.has_children is not None:
        has = Exists(current_placements().filter(family=OuterRef("pk")))
        qs = qs.filter(has if filters.has_children else ~has)
    children_placed = (
        current_placements()
        .filter(family=OuterRef("pk"))
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.annotate(children_placed=Coalesce(Subquery(children_placed), 0))
        .prefetch_related(
            Prefetch(
                "consultant_assignments",
                queryset=current_assignments(),
                to_attr="current_assignment_list",
            ),
        )
        .order_by("name", "id")
    )


def families_of_consultant(user: User) -> QuerySet[FosterFamily]:
    """The families whose current fixed consultant is `user` (the consultant's start page)."""
    return families_for(user, FamilyFilters(consultant_id=user.pk))


def get_family_for(
    user: UserLike, family_uuid: uuid.UUID | str, *, audit: bool = True
) -> FosterFamily:
    """One family, or Http404 when it does not exist or `user` may not see it (existence does
    not leak). Side effect: an audit entry "families.family.read" unless `audit` is False
    (used only when the caller is about to change the family and logs that instead)."""
    try:
        family = (
            FosterFamily.objects.filter(rules.family_filter(user))
            .select_related("municipality")
            .distinct()
            .get(uuid=family_uuid)
        )
    except (FosterFamily.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "families.family.read", actor=user, obj=family, municipality_id=family.municipality_id
        )
    return family


def get_parent_for(
    user: UserLike, family: FosterFamily, parent_uuid: uuid.UUID | str
) -> FosterParent:
    """A foster parent of a family `user` may see (the family came from get_family_for)."""
    if not rules.can_view_family(user, family):
        raise Http404
    try:
        return FosterParent.objects.select_related("family").get(family=family, uuid=parent_uuid)
    except (FosterParent.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class FamilyDetail:
    family: FosterFamily
    parents: list[FosterParent]
    current_placements: list[Placement]
    past_placements: list[Placement]
    assignments: list[ConsultantAssignment]
    engagements: list[Engagement]
    case_details: bool

    @property
    def preferred_times(self) -> list[str]:
        family = self.family
        labels = [
            (family.prefers_weekday_daytime, _("weekday daytime")),
            (family.prefers_evenings, _("evenings")),
            (family.prefers_weekends, _("weekends")),
        ]
        return [str(label) for wanted, label in labels if wanted]

    @property
    def current_consultant(self) -> User | None:
        for assignment in self.assignments:
            if assignment.ends_on is None:
                return assignment.consultant
        return None


def family_detail(user: UserLike, family: FosterFamily) -> FamilyDetail:
    """What the family page shows to `user`: institutions and foster parents see the basics,
    the municipality's staff see the case details (placements, case workers, history)."""
    case_details = rules.can_see_case_details(user, family)
    placements_q = Placement.objects.filter(family=family)
    if rules.can_change_family(user, family):
        pass  # the family's own municipality sees all of its placements
    elif case_details:
        placements_q = placements_q.filter(rules.placement_filter(user))
    else:
        placements_q = placements_q.filter(
            pk__in=current_placements().filter(family=family).values("pk")
        )
    placements = list(
        placements_q.select_related("child", "child__case_worker").order_by("-starts_on")
    )
    today = timezone.localdate()
    current = [p for p in placements if p.is_current(today)]
    past = [p for p in placements if not p.is_current(today)] if case_details else []
    assignments = list(
        family.consultant_assignments.select_related("consultant").order_by("-starts_on", "-id")
    )
    if not case_details:
        assignments = [a for a in assignments if a.ends_on is None]
    engagements = list(family.engagements.select_related("institution")) if case_details else []
    return FamilyDetail(
        family=family,
        parents=list(family.parents.all()),
        current_placements=current,
        past_placements=past,
        assignments=assignments,
        engagements=engagements,
        case_details=case_details,
    )


def children_for(user: UserLike, search: str = "") -> QuerySet[Child]:
    qs = Child.objects.filter(rules.child_filter(user)).select_related(
        "municipality", "case_worker"
    )
    if search:
        qs = qs.filter(Q(first_name__icontains=search) | Q(last_name__icontains=search))
    return qs.order_by("first_name", "last_name", "id")


def get_child_for(user: UserLike, child_uuid: uuid.UUID | str, *, audit: bool = True) -> Child:
    try:
        child = (
            Child.objects.filter(rules.child_filter(user))
            .select_related("municipality", "case_worker")
            .distinct()
            .get(uuid=child_uuid)
        )
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "families.child.read", actor=user, obj=child, municipality_id=child.municipality_id
        )
    return child


def reveal_cpr(user: UserLike, child: Child) -> str | None:
    """The child's CPR number, formatted, for a user whose role needs it; None otherwise.
    Side effect: an audit entry "families.child.read_cpr" for every look-up."""
    if not (child.has_cpr and rules.can_see_cpr(user, child)):
        return None
    log_action(
        "families.child.read_cpr", actor=user, obj=child, municipality_id=child.municipality_id
    )
    return format_cpr(decrypt_cpr(child.cpr_encrypted))


def child_placements(user: UserLike, child: Child) -> list[Placement]:
    return list(
        Placement.objects.filter(rules.placement_filter(user), child=child)
        .select_related("family")
        .order_by("-starts_on")
    )


def placements_for(user: UserLike) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(rules.placement_filter(user))
        .select_related("child", "family")
        .order_by("-starts_on", "id")
    )


def get_placement_for(
    user: UserLike, placement_uuid: uuid.UUID | str, *, audit: bool = True
) -> Placement:
    """One placement `user` may see, or Http404. Side effect: a "families.placement.read"
    audit entry unless `audit` is False (the caller is about to change it and logs that)."""
    try:
        placement = placements_for(user).distinct().get(uuid=placement_uuid)
    except (Placement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "families.placement.read",
            actor=user,
            obj=placement,
            municipality_id=placement.family.municipality_id,
        )
    return placement


def assignable_consultants(*municipality_ids: int) -> QuerySet[User]:
    """Who can be a family's fixed consultant: the municipality's consultants."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.CONSULTANT,
            memberships__municipality_id__in=municipality_ids,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def assignable_case_workers(municipality_ids: frozenset[int] | set[int]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.CASE_WORKER,
            memberships__municipality_id__in=municipality_ids,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )
