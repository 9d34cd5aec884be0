"""Writes of a pool's proposal: asking the optimiser for one as a background job
(`tasks.compute_proposal`) and computing it, and the API's synchronous composition that stores
nothing. Editing the stored proposal by hand and accepting it are in `services/pools.py`.

The computation itself (`compute_proposal`) runs in the worker, outside any request: it writes
its progress about once a second while CP-SAT searches in a thread of its own, and stores its
answer only if no newer request superseded it. Requesting is keyword-only, atomic,
permission-checked, claims the pool's version and is audited ("networks.pool.propose"), as are
the pool's other writes; the API's composition is audited as "networks.proposal.compute".
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import FosterFamily
from samspil.networks import composition, reasons, rules
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.models import Pool
from samspil.networks.selectors import pools as selectors
from samspil.networks.selectors import proposals as proposal_selectors
from samspil.networks.services.pools import (
    group_json,
    lock_pool,
    log_pool,
    require_change,
    require_open,
    sync_pins,
)

PROGRESS_INTERVAL = 1.0  # seconds between progress writes
Report = Callable[[dict[str, Any]], None]


# -- the proposal: requesting and computing -------------------------------------------------


@transaction.atomic
def request_proposal(*, actor: User, pool: Pool, expected_version: int | None = None) -> Pool:
    """Ask the optimiser for a proposal (again; pins are kept): status QUEUED and the job
    `tasks.compute_proposal` enqueued, which the worker runs (at once, with the immediate
    backend of the tests). A newer request supersedes a running one. Side effect: the audit
    entry "networks.pool.propose". Returns the pool as it is after enqueuing."""
    from samspil.networks import tasks

    require_change(actor, pool)
    lock_pool(pool, pool.version if expected_version is None else expected_version)
    require_open(pool)
    pool.proposal_status = ProposalStatus.QUEUED
    pool.proposal_requested_at = timezone.now()
    pool.proposal_finished_at = None
    pool.proposal_progress = {}
    pool.proposal_error = ""
    pool.save(
        update_fields=[
            "proposal_status",
            "proposal_requested_at",
            "proposal_finished_at",
            "proposal_progress",
            "proposal_error",
            "updated_at",
        ]
    )
    log_pool("propose", actor=actor, pool=pool)
    tasks.compute_proposal.enqueue(pool.pk)
    pool.refresh_from_db()
    return pool


class SolverRun:
    """CP-SAT in a thread of its own while the calling thread reports progress about once a
    second (the solver calls back from its own threads, which must not touch the database)."""

    def __init__(
        self,
        problem: composition.Problem,
        *,
        solve: Callable[..., composition.Result] = composition.solve,
        interval: float = PROGRESS_INTERVAL,
    ) -> None:
        self.problem = problem
        self._solve = solve
        self.interval = interval
        self._lock = threading.Lock()
        self.objective: int | None = None
        self.bound: int | None = None
        self.solutions = 0
        self.result: composition.Result | None = None
        self.error: BaseException | None = None

    def _on_solution(self, objective: int, bound: int, _seconds: float) -> None:
        with self._lock:
            self.objective, self.bound = objective, bound
            self.solutions += 1

    def _target(self) -> None:
        try:
            self.result = self._solve(self.problem, progress=self._on_solution)
        except BaseException as error:  # handed to the calling thread
            self.error = error

    def snapshot(self, seconds: float) -> dict[str, Any]:
        with self._lock:
            return {
                "objective": self.objective,
                "bound": self.bound,
                "solutions": self.solutions,
                "seconds": round(seconds, 1),
                "limit": self.problem.time_limit,
            }

    def run(self, report: Report) -> composition.Result:
        """Solve, calling `report(progress)` about once a second and once at the end."""
        started = time.monotonic()
        last = started
        thread = threading.Thread(target=self._target, name="cp-sat", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(timeout=min(0.2, self.interval))
            now = time.monotonic()
            if thread.is_alive() and now - last >= self.interval:
                report(self.snapshot(now - started))
                last = now
        final = self.snapshot(time.monotonic() - started)
        if self.result is not None:
            final.update(objective=self.result.objective, bound=self.result.bound)
        report(final)
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def result_json(result: composition.Result) -> dict[str, Any]:
    return {
        "groups": [group_json(g) for g in result.groups],
        "unplaced": [
            {"family": str(key), "reason": {"code": r.code, "params": dict(r.params)}}
            for key, r in result.unplaced
        ],
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "status": result.status,
        "seconds": round(result.seconds, 2),
        "violations": [],
        "edited": False,
    }


def compute_proposal(
    pool_id: int, *, report: Report | None = None, time_limit: float | None = None
) -> Pool | None:
    """The background job's work (also `manage.py compose_groups`): status RUNNING, CP-SAT
    with the pool's input (families may be left unplaced, with the reason), progress written
    to `proposal_progress` about once a second, then the proposal stored and status READY, or
    FAILED with `proposal_error` naming the families. Nothing is stored when a newer request
    superseded this one or the pool's groups were created meanwhile. Not atomic: each write
    commits on its own so the page can show the progress."""
    pool = Pool.objects.select_related("institution", "collaboration").filter(pk=pool_id).first()
    if pool is None or pool.status != PoolStatus.OPEN:
        return None
    requested = Pool.objects.filter(pk=pool.pk, proposal_requested_at=pool.proposal_requested_at)
    if not requested.update(proposal_status=ProposalStatus.RUNNING, proposal_error=""):
        return None
    data = proposal_selectors.pool_input(pool, time_limit=time_limit)

    def write_progress(progress: dict[str, Any]) -> None:
        requested.filter(proposal_status=ProposalStatus.RUNNING).update(proposal_progress=progress)
        if report is not None:
            report(progress)

    try:
        result = SolverRun(data.problem).run(write_progress)
    except composition.CompositionError as error:
        info = reasons.classify_error(error, data.problem)
        requested.update(
            proposal_status=ProposalStatus.FAILED,
            proposal={"error": info},
            proposal_error=reasons.error_text(info, data.names),
            proposal_finished_at=timezone.now(),
        )
        return Pool.objects.filter(pk=pool.pk).first()
    except Exception:
        requested.update(
            proposal_status=ProposalStatus.FAILED,
            proposal={},
            proposal_error=_("The optimiser stopped unexpectedly. Try again."),
            proposal_finished_at=timezone.now(),
        )
        raise
    proposal = result_json(result)
    with transaction.atomic():
        stored = requested.filter(status=PoolStatus.OPEN).update(
            proposal_status=ProposalStatus.READY,
            proposal=proposal,
            proposal_finished_at=timezone.now(),
        )
        if stored:
            sync_pins(pool, proposal)
    return Pool.objects.filter(pk=pool.pk).first()


# -- the API: compose without storing -------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    result: composition.Result
    names: reasons.Names


def _ids(values: Iterable[object]) -> str:
    return ", ".join(sorted({str(v) for v in values}))


def compose_groups(
    *,
    actor: User,
    family_ids: Sequence[uuid.UUID],
    min_size: int | None = None,
    max_size: int | None = None,
    separations: Sequence[Sequence[uuid.UUID]] = (),
    pinned: Mapping[uuid.UUID, int] | None = None,
    allow_unplaced: bool = False,
    time_limit: int | None = None,
) -> Composed:
    """Compose groups of the families synchronously and store nothing (the proposal API).
    Sizes and the time limit default to the actor's municipality's network settings; the
    stored separations between the families apply, plus `separations`; `pinned` maps a family
    to a group number. Without `allow_unplaced` every family must be placed.

    Raises PermissionDeniedError for users who may not compose groups at all, and
    ValidationError (per field, translated) for sizes outside 2–30 or max < min, a time limit
    outside 1–60 s, duplicate ids, ids that are unknown or not the actor's to compose (one
    message for both: existence does not leak), families already in an active group, fewer
    families than the smallest group, and compositions that are impossible (naming the
    families). Side effect: the audit entry "networks.proposal.compute"."""
    if not rules.can_compose(actor):
        raise PermissionDeniedError
    settings = selectors.settings_for_user(actor)
    assert settings is not None
    low = settings.min_group_size if min_size is None else min_size
    high = settings.max_group_size if max_size is None else max_size
    if time_limit is None:
        time_limit = min(settings.solver_seconds, proposal_selectors.API_MAX_SECONDS)
    errors: dict[str, list[str]] = {}
    for field_name, size in (("min_size", low), ("max_size", high)):
        if not 2 <= size <= 30:
            errors[field_name] = [_("A group has between 2 and 30 families.")]
    if "max_size" not in errors and "min_size" not in errors and high < low:
        errors["max_size"] = [_("The largest group cannot be smaller than the smallest.")]
    if not 1 <= time_limit <= proposal_selectors.API_MAX_SECONDS:
        errors["time_limit"] = [_("The time limit is 1–60 seconds.")]
    wanted = [str(i) for i in family_ids]
    duplicates = {i for i in wanted if wanted.count(i) > 1}
    if duplicates:
        errors["families"] = [
            _("A family is in the list more than once: %(ids)s.") % {"ids": _ids(duplicates)}
        ]
    if errors:
        raise ValidationError(errors)
    families = list(
        selectors.composable_families(actor).filter(uuid__in=wanted).order_by("name", "id")
    )
    by_id = {str(f.uuid): f for f in families}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        errors["families"] = [
            _("No family you may compose groups from has the id(s): %(ids)s.")
            % {"ids": _ids(unknown)}
        ]
        raise ValidationError(errors)
    busy = selectors.busy_families(families)
    if busy:
        errors["families"] = [
            _("Already in an active network group: %(families)s.")
            % {"families": ", ".join(sorted(f.name for f in busy))}
        ]
    elif len(families) < low:
        errors["families"] = [
            _("%(count)d families are fewer than the smallest group size of %(min)d.")
            % {"count": len(families), "min": low}
        ]
    pairs: list[tuple[FosterFamily, FosterFamily]] = []
    for pair in separations:
        keys = [str(k) for k in pair]
        if len(keys) != 2 or keys[0] == keys[1] or not all(k in by_id for k in keys):
            errors["separations"] = [
                _("Each separation names two different families from the list.")
            ]
            break
        pairs.append((by_id[keys[0]], by_id[keys[1]]))
    pins: dict[int, int] = {}
    for key, number in (pinned or {}).items():
        if str(key) not in by_id or number < 1:
            errors["pinned"] = [_("Pins map families from the list to group numbers from 1.")]
            break
        pins[by_id[str(key)].pk] = number
    if errors:
        raise ValidationError(errors)
    candidates = proposal_selectors.build_candidates(
        families, experienced_years=settings.experienced_years, pins=pins
    )
    separated = set(proposal_selectors.separation_pairs(f.pk for f in families))
    separated |= {frozenset((str(a.uuid), str(b.uuid))) for a, b in pairs}
    problem = composition.Problem(
        candidates=candidates,
        min_size=low,
        max_size=high,
        separations=frozenset(separated),
        weights=proposal_selectors.weights(settings),
        allow_unplaced=allow_unplaced,
        time_limit=float(time_limit),
    )
    names = reasons.Names.of(families, None)
    log_action(
        "networks.proposal.compute",
        actor=actor,
        municipality_id=settings.municipality_id,
        data={"families": wanted, "min_size": low, "max_size": high},
    )
    try:
        result = composition.solve(problem)
    except composition.CompositionError as error:
        info = reasons.classify_error(error, problem)
        raise ValidationError({"families": [reasons.error_text(info, names)]}) from error
    return Composed(result=result, names=names)
