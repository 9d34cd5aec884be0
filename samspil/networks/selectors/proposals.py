"""Reads of a pool's proposal: the optimiser's input built from the pool's families (areas,
meeting times, coordinates, experience, children's ages, themes, pins, separations), and the
stored proposal as the pool page shows it, with every reason and warning as a translated
sentence (`networks/reasons.py`). Building the optimiser's input takes the same number of
queries for 3 families as for 300."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from samspil.competence.enums import EnrolmentStatus, TimeSlot
from samspil.competence.models import Enrolment
from samspil.families.enums import FamilyKind
from samspil.families.models import FosterFamily, Placement
from samspil.networks import composition, geography
from samspil.networks.enums import NetworkFamilies, ProposalStatus
from samspil.networks.models import NetworkSettings, Pool, Separation
from samspil.networks.reasons import Names, error_text, reason_text, violation_text
from samspil.networks.selectors.pools import (
    MemberView,
    in_active_group,
    owner_municipality_id,
    settings_for_municipality,
)
from samspil.organisations.models import Municipality

AGE_BANDS = ((0, 5, "0–5"), (6, 12, "6–12"), (13, 17, "13–17"))
API_MAX_SECONDS = 60


# -- the optimiser's input ------------------------------------------------------------------


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
        .annotate(busy=in_active_group())
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
