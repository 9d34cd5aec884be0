"""Reads of pools for network groups: the pools a user may list, one pool (audited), its
members and whether they are still available, the families that may be added, the "must not
be together" records, the optimiser's input built from the families (areas, meeting times,
coordinates, experience, children's ages, themes), and the stored proposal as the page shows
it, with every reason as a translated sentence (`reason_text`).

Every query starts from the networks policy (`rules.pool_filter`,
`rules.composable_family_filter`, `rules.separation_filter`); building the optimiser's input
takes the same number of queries for 3 families as for 300."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.enums import EnrolmentStatus, TimeSlot
from samspil.competence.models import Enrolment
from samspil.core.types import UserLike
from samspil.families.enums import FamilyKind
from samspil.families.models import FosterFamily, Placement
from samspil.networks import composition, geography, rules
from samspil.networks.enums import NetworkFamilies, ProposalStatus
from samspil.networks.models import (
    GroupMembership,
    NetworkSettings,
    Pool,
    PoolMember,
    Separation,
)
from samspil.organisations.models import Collaboration, Institution, Municipality

AGE_BANDS = ((0, 5, "0–5"), (6, 12, "6–12"), (13, 17, "13–17"))
API_MAX_SECONDS = 60


# -- lists ----------------------------------------------------------------------------------


def can_list_pools(user: UserLike) -> bool:
    """Staff who may see any pool: municipal consultants and leaders, institution staff."""
    scope = scope_for(user)
    return bool(scope.municipalities(*rules.MUNICIPAL) or scope.institutions(*rules.INSTITUTION))


def pools_for(user: UserLike) -> QuerySet[Pool]:
    """The pools `user` may list, with the owner and the number of families prefetched."""
    return (
        Pool.objects.filter(rules.pool_filter(user))
        .select_related("municipality", "institution", "collaboration", "created_by")
        .annotate(
            family_count=Count("members", filter=Q(members__excluded=False), distinct=True),
            group_count=Count("groups", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def owner_municipality_id(pool: Pool) -> int:
    """The municipality whose settings apply (an institution's pool: the institution's)."""
    if pool.municipality_id is not None:
        return pool.municipality_id
    assert pool.institution is not None
    return pool.institution.municipality_id


# -- one pool -------------------------------------------------------------------------------


def get_pool_for(user: UserLike, pool_uuid: uuid.UUID | str, *, audit: bool = True) -> Pool:
    """One pool, or Http404 when it does not exist or `user` may not see it. Side effect: the
    audit entry "networks.pool.read" with the families it lists, unless `audit` is False (the
    caller is about to change the pool and logs that, or shows no family)."""
    try:
        pool = (
            Pool.objects.filter(rules.pool_filter(user))
            .select_related("municipality", "institution", "collaboration", "created_by")
            .get(uuid=pool_uuid)
        )
    except (Pool.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit:
        log_action(
            "networks.pool.read",
            actor=user,
            obj=pool,
            municipality_id=owner_municipality_id(pool),
            data={
                "families": [str(u) for u in pool.members.values_list("family__uuid", flat=True)]
            },
        )
    return pool


def pool_family(pool: Pool, family_uuid: uuid.UUID | str) -> FosterFamily:
    """A family of the pool, or Http404."""
    member = (
        pool.members.select_related("family__municipality").filter(family__uuid=family_uuid).first()
    )
    if member is None:
        raise Http404
    return member.family


@dataclass(frozen=True)
class Owners:
    """Whom `user` may build pools for, and the collaborations those take part in."""

    municipalities: QuerySet[Municipality]
    institutions: QuerySet[Institution]
    collaborations: QuerySet[Collaboration]


def owners_for(user: UserLike) -> Owners:
    municipality_ids, institution_ids = rules.pool_owners(user)
    institutions = Institution.objects.filter(pk__in=institution_ids).order_by("name")
    return Owners(
        municipalities=Municipality.objects.filter(pk__in=municipality_ids).order_by("name"),
        institutions=institutions,
        collaborations=Collaboration.objects.filter(
            Q(municipalities__in=municipality_ids)
            | Q(institutions__in=institution_ids)
            | Q(municipalities__in=institutions.values("municipality_id"))
        )
        .distinct()
        .order_by("name"),
    )


def _active_membership() -> Exists:
    return Exists(GroupMembership.objects.filter(family=OuterRef("family"), left_on__isnull=True))


@dataclass(frozen=True)
class MemberView:
    """A family in the pool as the pool page shows it."""

    member: PoolMember
    family: FosterFamily
    busy: bool  # already in an active network group: not available
    years: int
    experienced: bool

    @property
    def key(self) -> str:
        return str(self.family.uuid)

    @property
    def available(self) -> bool:
        return not self.busy and not self.member.excluded

    @property
    def kind_label(self) -> str:
        return str(FamilyKind(self.family.kind).label)


def pool_members(
    pool: Pool, *, experienced_years: int, today: dt.date | None = None
) -> list[MemberView]:
    """The pool's families (one query), each with whether it is in an active group."""
    today = today or timezone.localdate()
    members = (
        pool.members.select_related("family__municipality")
        .annotate(busy=_active_membership())
        .order_by("family__name", "id")
    )
    views = []
    for member in members:
        years = member.family.years_of_experience(today)
        views.append(
            MemberView(
                member=member,
                family=member.family,
                busy=bool(getattr(member, "busy", False)),
                years=years,
                experienced=years >= experienced_years,
            )
        )
    return views


def busy_families(families: Iterable[FosterFamily]) -> list[FosterFamily]:
    """Those of `families` already in an active network group (one query)."""
    by_pk = {f.pk: f for f in families}
    busy = GroupMembership.objects.filter(family_id__in=by_pk, left_on__isnull=True)
    return [by_pk[pk] for pk in busy.values_list("family_id", flat=True)]


def available_families(user: UserLike, pool: Pool) -> QuerySet[FosterFamily]:
    """The families `user` may add to `pool` now: composable, not in it, not in an active
    network group."""
    return addable_families(user, pool).filter(
        ~Exists(GroupMembership.objects.filter(family=OuterRef("pk"), left_on__isnull=True))
    )


def composable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may put in a pool or send to the proposal API."""
    return FosterFamily.objects.filter(rules.composable_family_filter(user)).select_related(
        "municipality"
    )


def addable_families(user: UserLike, pool: Pool, search: str = "") -> QuerySet[FosterFamily]:
    """Families `user` may add to `pool` (not in it yet), each annotated `busy` when it is in
    an active network group already (shown as not available)."""
    qs = (
        composable_families(user)
        .exclude(pk__in=pool.members.values("family_id"))
        .annotate(
            busy=Exists(GroupMembership.objects.filter(family=OuterRef("pk"), left_on__isnull=True))
        )
        .order_by("name", "id")
    )
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(postcode__startswith=search)
        )
    return qs


def separations_for(user: UserLike, pool: Pool) -> QuerySet[Separation]:
    """The "must not be together" records between two families of the pool."""
    family_ids = pool.members.values("family_id")
    return (
        Separation.objects.filter(
            rules.separation_filter(user), family_a__in=family_ids, family_b__in=family_ids
        )
        .select_related("family_a", "family_b", "recorded_by")
        .order_by("created_at", "id")
    )


def get_separation_for(user: UserLike, separation_uuid: uuid.UUID | str) -> Separation:
    try:
        return Separation.objects.filter(rules.separation_filter(user)).get(uuid=separation_uuid)
    except (Separation.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def facilitators_for(pool: Pool) -> QuerySet[User]:
    """Who may facilitate the pool's groups: the owner municipality's consultants and leaders
    and the specialists and coordinators of the owner institution, of the institutions in the
    pool's collaboration, or of those collaborating with the owner municipality."""
    municipality_id = owner_municipality_id(pool)
    institutions = Q(
        memberships__institution__collaborations__municipalities=municipality_id,
    )
    if pool.institution_id is not None:
        institutions |= Q(memberships__institution=pool.institution_id)
    if pool.collaboration_id is not None:
        institutions |= Q(memberships__institution__collaborations=pool.collaboration_id)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role__in=[Role.CONSULTANT, Role.LEADER],
                memberships__municipality=municipality_id,
            )
            | (Q(memberships__role__in=[Role.SPECIALIST, Role.COORDINATOR]) & institutions)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# -- the optimiser's input ------------------------------------------------------------------


def settings_for_municipality(municipality_id: int) -> NetworkSettings:
    found = NetworkSettings.objects.filter(municipality_id=municipality_id).first()
    return found if found is not None else NetworkSettings(municipality_id=municipality_id)


def settings_for_user(user: UserLike) -> NetworkSettings | None:
    """The settings of the municipality `user` composes for (the first, if several); None for
    users who may not compose."""
    municipalities, institutions = rules.pool_owners(user)
    if municipalities:
        return settings_for_municipality(min(municipalities))
    if institutions:
        institution = Institution.objects.filter(pk=min(institutions)).first()
        if institution is not None:
            return settings_for_municipality(institution.municipality_id)
    return None


def weights(settings: NetworkSettings) -> composition.Weights:
    return composition.Weights(
        travel=settings.weight_travel,
        mix=settings.weight_mix,
        similarity=settings.weight_similarity,
        network=settings.weight_network,
        network_together=settings.network_families == NetworkFamilies.TOGETHER,
    )


def age_band(age: int) -> str | None:
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return None


def _age(born: dt.date, today: dt.date) -> int:
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


def slots_of(family: FosterFamily) -> frozenset[str]:
    slots = set()
    if family.prefers_weekday_daytime:
        slots.add(TimeSlot.WEEKDAY_DAYTIME.value)
    if family.prefers_evenings:
        slots.add(TimeSlot.EVENINGS.value)
    if family.prefers_weekends:
        slots.add(TimeSlot.WEEKENDS.value)
    return frozenset(slots)


def build_candidates(
    families: Sequence[FosterFamily],
    *,
    experienced_years: int,
    collaboration: tuple[int, frozenset[int]] | None = None,
    pins: Mapping[int, int] | None = None,
    today: dt.date | None = None,
) -> tuple[composition.Candidate, ...]:
    """The optimiser's view of `families` (fetched with their municipality): two queries (the
    children placed now, the themes of the offerings they are enrolled in), however many.
    `collaboration` is (its id, its municipalities' ids): families of those municipalities
    also share the area "c:<id>". `pins` maps family id → group number."""
    today = today or timezone.localdate()
    pins = pins or {}
    ids = [f.pk for f in families]
    bands: dict[int, set[str]] = defaultdict(set)
    placements = Placement.objects.filter(family_id__in=ids, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    for family_id, born in placements.values_list("family_id", "child__date_of_birth"):
        band = age_band(_age(born, today))
        if band is not None:
            bands[family_id].add(band)
    themes: dict[int, set[str]] = defaultdict(set)
    enrolled = Enrolment.objects.filter(family_id__in=ids, status=EnrolmentStatus.ENROLLED)
    for family_id, theme in enrolled.values_list("family_id", "session__offering__themes__name"):
        if theme:
            themes[family_id].add(theme)
    candidates = []
    for family in families:
        areas = {f"m:{family.municipality.code}"}
        if collaboration is not None and family.municipality_id in collaboration[1]:
            areas.add(f"c:{collaboration[0]}")
        point = geography.coordinates(family.postcode)
        candidates.append(
            composition.Candidate(
                key=str(family.uuid),
                areas=frozenset(areas),
                slots=slots_of(family),
                lat=point[0] if point else None,
                lon=point[1] if point else None,
                experienced=family.years_of_experience(today) >= experienced_years,
                age_bands=frozenset(bands[family.pk]),
                themes=frozenset(themes[family.pk]),
                network=family.kind == FamilyKind.NETWORK,
                pinned=pins.get(family.pk),
            )
        )
    return tuple(candidates)


def separation_pairs(family_ids: Iterable[int]) -> frozenset[frozenset[object]]:
    """Every recorded "must not be together" pair among the families, keyed by uuid string.
    (The optimiser honours them all, whoever recorded them.)"""
    ids = list(family_ids)
    pairs = Separation.objects.filter(family_a_id__in=ids, family_b_id__in=ids).values_list(
        "family_a__uuid", "family_b__uuid"
    )
    return frozenset(frozenset((str(a), str(b))) for a, b in pairs)


@dataclass(frozen=True)
class PoolInput:
    """What the optimiser gets from a pool, and what is needed to describe its answer."""

    problem: composition.Problem
    families: dict[str, FosterFamily]  # the candidates, by key
    busy: list[FosterFamily]  # members in an active group: left out
    names: Names
    settings: NetworkSettings


def pool_input(
    pool: Pool, *, time_limit: float | None = None, today: dt.date | None = None
) -> PoolInput:
    """The optimiser's problem for the pool's available families (not excluded, not in an
    active group), with the pool's sizes and collaboration, the municipality's weights and
    time limit, pins and separations. A constant number of queries."""
    today = today or timezone.localdate()
    settings = settings_for_municipality(owner_municipality_id(pool))
    members = list(
        pool.members.filter(excluded=False)
        .select_related("family__municipality")
        .annotate(busy=_active_membership())
        .order_by("family__name", "id")
    )
    available = [m for m in members if not getattr(m, "busy", False)]
    busy = [m.family for m in members if getattr(m, "busy", False)]
    collaboration = None
    if pool.collaboration_id is not None:
        municipality_ids = frozenset(
            Municipality.objects.filter(collaborations=pool.collaboration_id).values_list(
                "pk", flat=True
            )
        )
        collaboration = (pool.collaboration_id, municipality_ids)
    families = [m.family for m in available]
    candidates = build_candidates(
        families,
        experienced_years=settings.experienced_years,
        collaboration=collaboration,
        pins={m.family_id: m.pinned_to for m in available if m.pinned_to is not None},
        today=today,
    )
    problem = composition.Problem(
        candidates=candidates,
        min_size=pool.min_size,
        max_size=pool.max_size,
        separations=separation_pairs(f.pk for f in families),
        weights=weights(settings),
        allow_unplaced=True,
        time_limit=float(time_limit if time_limit is not None else settings.solver_seconds),
    )
    return PoolInput(
        problem=problem,
        families={str(f.uuid): f for f in families},
        busy=busy,
        names=Names.of([m.family for m in members], pool.collaboration),
        settings=settings,
    )


# -- turning codes into sentences -----------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Family names by key and area labels, to put in the sentences."""

    families: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, families: Iterable[FosterFamily], collaboration: Collaboration | None) -> Names:
        """`families` must have their municipality fetched."""
        names: dict[str, str] = {}
        areas: dict[str, str] = {}
        for family in families:
            names[str(family.uuid)] = family.name
            areas[f"m:{family.municipality.code}"] = family.municipality.name
        if collaboration is not None:
            areas[f"c:{collaboration.pk}"] = collaboration.name
        return cls(families=names, areas=areas)

    def family(self, key: object) -> str:
        return self.families.get(str(key), _("a family"))

    def join(self, keys: Iterable[object]) -> str:
        return ", ".join(sorted(self.family(k) for k in keys))


SLOT_SENTENCES = {
    TimeSlot.WEEKDAY_DAYTIME.value: lambda: _("All can meet on weekdays in the daytime"),
    TimeSlot.EVENINGS.value: lambda: _("All can meet on weekday evenings"),
    TimeSlot.WEEKENDS.value: lambda: _("All can meet at weekends"),
}


def _count(params: Mapping[str, Any], name: str) -> int:
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def reason_text(code: str, params: Mapping[str, Any], names: Names) -> str:
    """One reason of a group's composition, or why a family was left out, as a sentence in
    the active language."""
    if code == "meeting_time":
        sentence = SLOT_SENTENCES.get(str(params.get("slot", "")))
        return sentence() if sentence else _("No common meeting time")
    if code == "area":
        area = str(params.get("area", ""))
        label = names.areas.get(area, area)
        if area.startswith("c:"):
            return _("Within the collaboration %(name)s") % {"name": label}
        return _("All live in %(municipality)s Kommune") % {"municipality": label}
    if code == "travel":
        if _count(params, "max_km") == 0:
            return _("Meets at %(family)s's home: all live within walking distance") % {
                "family": names.family(params.get("centre"))
            }
        return _("Meets at %(family)s's home: on average %(average)d km, at most %(max)d km") % {
            "family": names.family(params.get("centre")),
            "average": _count(params, "average_km"),
            "max": _count(params, "max_km"),
        }
    if code == "experience":
        return _("%(experienced)d experienced and %(new)d new families") % {
            "experienced": _count(params, "experienced"),
            "new": _count(params, "new"),
        }
    if code == "age_bands":
        bands = [str(b) for b in params.get("bands", [])]
        return _("Share children aged %(bands)s") % {"bands": _(" and ").join(bands)}
    if code == "themes":
        themes = [str(t) for t in params.get("themes", [])]
        return ngettext(
            "Share the theme %(themes)s", "Share the themes %(themes)s", len(themes)
        ) % {"themes": ", ".join(themes)}
    if code == "network_families":
        count = _count(params, "count")
        return ngettext(
            "%(count)d network foster family", "%(count)d network foster families", count
        ) % {"count": count}
    if code == "separation_broken":
        return _("Includes families recorded as not to be together")
    if code == "too_few_in_area":
        count = _count(params, "count")
        return ngettext(
            "Only %(count)d other family in the area",
            "Only %(count)d other families in the area",
            count,
        ) % {"count": count}
    if code == "no_common_time":
        return _("No meeting time in common with enough others")
    if code == "separations":
        return _("Too many recorded separations")
    if code == "sizes_do_not_add_up":
        return _("Group sizes do not add up")
    if code == "not_in_proposal":
        return _("Added or included after the proposal: compute again to place the family")
    return code


def violation_text(
    violation: Mapping[str, Any], names: Names, *, min_size: int, max_size: int
) -> str:
    """A hard constraint a hand-edited proposal breaks, as a warning."""
    code = violation.get("code")
    params = violation.get("params") or {}
    number = int(violation.get("group", 0)) + 1
    if code == "size":
        return _("Group %(group)d has %(size)d families; a group has %(min)d–%(max)d.") % {
            "group": number,
            "size": _count(params, "size"),
            "min": min_size,
            "max": max_size,
        }
    if code == "no_common_time":
        return _("The families of group %(group)d have no meeting time in common.") % {
            "group": number
        }
    if code == "no_common_area":
        return _(
            "The families of group %(group)d do not live in one municipality or collaboration."
        ) % {"group": number}
    if code == "separated":
        return _(
            "Group %(group)d puts %(families)s together, who are recorded as not to be together."
        ) % {
            "group": number,
            "families": _(" and ").join(
                sorted(names.family(k) for k in params.get("families", []))
            ),
        }
    if code == "busy":
        return _("%(family)s joined another network group meanwhile.") % {
            "family": names.family(params.get("family"))
        }
    if code == "unavailable":
        return _("%(family)s is no longer available (removed, excluded or in another group).") % {
            "family": names.family(params.get("family"))
        }
    return str(code)


def classify_error(
    error: composition.CompositionError, problem: composition.Problem
) -> dict[str, Any]:
    """Why the optimiser refused, as {code, params, families} to store and translate later.
    Checks in the order `composition.validate` does, then the solver's own refusals."""
    count = len(problem.candidates)
    families = [str(f) for f in error.families]
    keys = [c.key for c in problem.candidates]
    pins: dict[int, int] = defaultdict(int)
    for c in problem.candidates:
        if c.pinned is not None:
            pins[c.pinned] += 1
    code: str
    params: dict[str, Any] = {"min": problem.min_size, "max": problem.max_size, "count": count}
    if problem.min_size < 2:
        code = "min_too_small"
    elif problem.max_size < problem.min_size:
        code = "max_below_min"
    elif len(set(keys)) != count:
        code = "duplicates"
    elif count < problem.min_size:
        code = "too_few_families"
    elif families and any(n > problem.max_size for n in pins.values()):
        code = "too_many_pinned"
    elif (
        len(families) == 2
        and len({c.pinned for c in problem.candidates if c.key in families} - {None}) == 1
        and all(c.pinned is not None for c in problem.candidates if c.key in families)
    ):
        code = "pinned_apart"
    elif families:
        code = "too_few_others"
    elif "time limit" in error.reason:
        code = "time_limit"
    else:
        code = "cannot_split"
    return {"code": code, "params": params, "families": families}


def error_text(error: Mapping[str, Any], names: Names) -> str:
    """Why no proposal could be made, in the active language, naming the families."""
    code = error.get("code")
    params = error.get("params") or {}
    count = _count(params, "count")
    values: dict[str, object] = {
        "min": _count(params, "min"),
        "max": _count(params, "max"),
        "count": count,
        "families": names.join(error.get("families") or []),
    }
    if code == "min_too_small":
        return _("A group needs at least 2 families.")
    if code == "max_below_min":
        return _("The largest group size is smaller than the smallest.")
    if code == "duplicates":
        return _("A family is in the list more than once.")
    if code == "too_few_families":
        return (
            ngettext(
                "%(count)d family is fewer than the smallest group size of %(min)d.",
                "%(count)d families are fewer than the smallest group size of %(min)d.",
                count,
            )
            % values
        )
    if code == "too_many_pinned":
        return _("More families are pinned to one group than a group may have: %(families)s.") % (
            values
        )
    if code == "pinned_apart":
        return (
            _(
                "%(families)s are pinned to the same group but cannot be together (no common area "
                "or meeting time, or recorded as not to be together)."
            )
            % values
        )
    if code == "too_few_others":
        return _("Too few others these families could meet with: %(families)s.") % values
    if code == "time_limit":
        return _(
            "The optimiser found no composition within the time limit; try fewer families or a "
            "longer time limit."
        )
    return (
        _(
            "The families cannot be split into groups of %(min)d–%(max)d under these constraints "
            "(sizes, meeting times, areas, pins and separations)."
        )
        % values
    )


# -- the proposal as the page shows it ------------------------------------------------------


@dataclass(frozen=True)
class ProposalMember:
    view: MemberView
    pinned: bool


@dataclass(frozen=True)
class GroupView:
    number: int
    members: list[ProposalMember]
    slot_label: str
    cost: int
    reasons: list[str]


@dataclass(frozen=True)
class ProposalView:
    status: str
    status_label: str
    groups: list[GroupView] = field(default_factory=list)
    unplaced: list[tuple[MemberView, str]] = field(default_factory=list)
    not_in_proposal: list[MemberView] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    objective: int = 0
    bound: int = 0
    gap_percent: float = 0.0
    optimal: bool = False
    edited: bool = False
    seconds: float = 0.0
    error: str = ""
    progress: dict[str, Any] = field(default_factory=dict)
    requested_at: dt.datetime | None = None

    @property
    def is_working(self) -> bool:
        return self.status in (ProposalStatus.QUEUED, ProposalStatus.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == ProposalStatus.READY

    @property
    def waiting_long(self) -> bool:
        """Queued for a while with nothing picking it up: is the worker running?"""
        if self.status != ProposalStatus.QUEUED or self.requested_at is None:
            return False
        return (timezone.now() - self.requested_at).total_seconds() > 5


def proposal_view(
    pool: Pool,
    members: Sequence[MemberView],
    *,
    data: PoolInput | None = None,
) -> ProposalView:
    """The stored proposal with names, reasons and warnings in the active language. With
    `data` (the pool's current input) the hard constraints are checked again now, so a family
    that left, was excluded, joined another group or got a separation since shows as a
    warning."""
    status = pool.proposal_status
    base: dict[str, Any] = {
        "status": status,
        "status_label": str(ProposalStatus(status).label),
        "progress": pool.proposal_progress or {},
        "requested_at": pool.proposal_requested_at,
    }
    names = Names.of([m.family for m in members], pool.collaboration)
    proposal = pool.proposal or {}
    if status == ProposalStatus.FAILED:
        error = proposal.get("error")
        text = error_text(error, names) if isinstance(error, dict) else pool.proposal_error
        return ProposalView(**base, error=text)
    if status != ProposalStatus.READY:
        return ProposalView(**base)
    by_key = {m.key: m for m in members}
    groups: list[GroupView] = []
    placed: set[str] = set()
    for number, group in enumerate(proposal.get("groups", []), start=1):
        rows = []
        for key in group.get("members", []):
            placed.add(key)
            view = by_key.get(key)
            if view is not None:
                rows.append(ProposalMember(view=view, pinned=view.member.pinned_to == number))
        rows.sort(key=lambda row: (row.view.family.name, row.view.family.pk))
        slot = group.get("slot", "")
        groups.append(
            GroupView(
                number=number,
                members=rows,
                slot_label=str(TimeSlot(slot).label) if slot in TimeSlot.values else "",
                cost=int(group.get("cost", 0)),
                reasons=[
                    reason_text(r.get("code", ""), r.get("params") or {}, names)
                    for r in group.get("reasons", [])
                ],
            )
        )
    unplaced = []
    for item in proposal.get("unplaced", []):
        view = by_key.get(item.get("family"))
        if view is not None and view.available:
            placed.add(view.key)
            reason = item.get("reason") or {}
            unplaced.append(
                (view, reason_text(reason.get("code", ""), reason.get("params") or {}, names))
            )
    warnings: list[str] = []
    if data is not None:
        partition = [g.get("members", []) for g in proposal.get("groups", [])]
        warnings = [
            violation_text(v, names, min_size=pool.min_size, max_size=pool.max_size)
            for v in live_violations(data, partition)
        ]
    objective = int(proposal.get("objective", 0))
    bound = int(proposal.get("bound", 0))
    edited = bool(proposal.get("edited"))
    return ProposalView(
        **base,
        groups=groups,
        unplaced=unplaced,
        not_in_proposal=[m for m in members if m.available and m.key not in placed],
        warnings=warnings,
        objective=objective,
        bound=bound,
        gap_percent=round(float(proposal.get("gap", 0.0)) * 100, 1),
        optimal=objective == bound and not edited,
        edited=edited,
        seconds=float(proposal.get("seconds", 0.0)),
    )


def live_violations(data: PoolInput, partition: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """The hard constraints the partition breaks against the pool as it is now: families no
    longer available, and `composition.evaluate`'s violations (sizes, times, areas,
    separations)."""
    keys = set(data.families)
    busy = {str(f.uuid) for f in data.busy}
    found: list[dict[str, Any]] = [
        {
            "group": number,
            "code": "busy" if key in busy else "unavailable",
            "params": {"family": key},
        }
        for number, members in enumerate(partition)
        for key in members
        if key not in keys
    ]
    current = [[k for k in members if k in keys] for members in partition]
    _groups, _total, violations = composition.evaluate(data.problem, current)
    found += [{"group": v.group, "code": v.code, "params": dict(v.params)} for v in violations]
    return found
