"""Writes of the rota: asking for a period's rota (a background job), computing and storing it,
and the manager's hand edits (swapping two shifts, overriding one shift's person).

Each use case is keyword-only, permission-checked (`rules.can_manage_hotline`, raising
`PermissionDeniedError`), validated (raising `ValidationError`) and audited
(`log_action("hotline.rota.<verb>" | "hotline.shift.<verb>", …)`). Shift edits name the version
they started from (`save_versioned`); a shift changed by hand is marked `overridden`, so a new
generation keeps it.

The computation (`compute_rota`) runs in the worker, outside any request: CP-SAT in a thread of
its own while the calling thread writes the progress on the run about once a second. On success
it replaces the period's shifts in one transaction: every shift of the period that was not
changed by hand and has not begun is deleted and the new ones created. It stores nothing when a
newer run for an overlapping period was requested, or a shift of the period changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.hotline import cutting, rota, rules
from samspil.hotline.enums import RotaRunStatus, StaffedBy
from samspil.hotline.models import Hotline, RotaMember, RotaRun, Shift
from samspil.hotline.selectors import rota as selectors

SOLVER_SECONDS = 20.0
SOLVER_WORKERS = 8
PROGRESS_INTERVAL = 1.0  # seconds between progress writes
MAX_PERIOD_DAYS = 185
Report = Callable[[dict[str, Any]], None]


# -- periods --------------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def next_quarter(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter after the one `today` is in."""
    _first, last = quarter_of(today or timezone.localdate())
    return quarter_of(last + dt.timedelta(days=1))


def _require_manage(actor: User, hotline: Hotline) -> None:
    if not rules.can_manage_hotline(actor, hotline):
        raise PermissionDeniedError


def check_period(first_day: dt.date, last_day: dt.date) -> None:
    if last_day < first_day:
        raise ValidationError({"last_day": [_("The period ends before it starts.")]})
    if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            {"last_day": [_("A period is at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}]}
        )
    # Yesterday's last shift may still run (a night shift): only earlier periods are over.
    if last_day < timezone.localdate() - dt.timedelta(days=1):
        raise ValidationError({"last_day": [_("The period is over.")]})


# -- asking for a rota ----------------------------------------------------------------------------


@transaction.atomic
def request_rota(
    *,
    actor: User,
    hotline: Hotline,
    first_day: dt.date,
    last_day: dt.date,
    allow_gaps: bool = False,
) -> RotaRun:
    """Ask the optimiser for the rota of [first_day, last_day]: a RotaRun QUEUED and the job
    `tasks.rota.generate_rota` enqueued (run at once by the tests' immediate backend). With
    `allow_gaps`, hours nobody can take are left as gaps instead of failing. Side effect: the
    audit entry "hotline.rota.generate"."""
    from samspil.hotline.tasks import rota as tasks

    _require_manage(actor, hotline)
    check_period(first_day, last_day)
    run = RotaRun.objects.create(
        hotline=hotline,
        period_start=first_day,
        period_end=last_day,
        requested_by=actor,
        result={"allow_gaps": allow_gaps},
    )
    log_action(
        "hotline.rota.generate",
        actor=actor,
        obj=hotline,
        municipality_id=hotline.municipality_id,
        data={
            "run": str(run.uuid),
            "from": first_day,
            "until": last_day,
            "allow_gaps": allow_gaps,
        },
    )
    tasks.generate_rota.enqueue(run.pk, allow_gaps=allow_gaps)
    run.refresh_from_db()
    return run


# -- computing it ---------------------------------------------------------------------------------


class SolverRun:
    """`rota.solve` in a thread of its own while the calling thread reports progress about once
    a second (the solver calls back from its own threads, which must not touch the database)."""

    def __init__(self, problem: rota.Problem, *, interval: float = PROGRESS_INTERVAL) -> None:
        self.problem = problem
        self.interval = interval
        self._lock = threading.Lock()
        self.objective: int | None = None
        self.bound: int | None = None
        self.solutions = 0
        self.result: rota.Result | None = None
        self.error: BaseException | None = None

    def _on_solution(self, objective: int, bound: int, _seconds: float) -> None:
        with self._lock:
            self.objective, self.bound = objective, bound
            self.solutions += 1

    def _target(self) -> None:
        try:
            self.result = rota.solve(self.problem, progress=self._on_solution)
        except BaseException as error:  # handed to the calling thread
            self.error = error

    def snapshot(self, seconds: float) -> dict[str, Any]:
        with self._lock:
            return {
                "objective": self.objective,
                "bound": self.bound,
                "solutions": self.solutions,
                "seconds": round(seconds, 1),
                "limit": self.problem.rules.time_limit,
                "shifts": len(self.problem.slots),
                "people": len(self.problem.people),
            }

    def run(self, report: Report) -> rota.Result:
        started = time.monotonic()
        last = started
        thread = threading.Thread(target=self._target, name="cp-sat-rota", daemon=True)
        thread.start()
        report(self.snapshot(0))
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


def _finish(run: RotaRun, status: str, result: Mapping[str, Any]) -> None:
    RotaRun.objects.filter(pk=run.pk).update(
        status=status, result=dict(result), finished_at=timezone.now()
    )


def _superseded(run: RotaRun) -> bool:
    """A newer run of the hotline for an overlapping period that has not failed."""
    return (
        RotaRun.objects.filter(
            hotline_id=run.hotline_id,
            created_at__gt=run.created_at,
            period_start__lte=run.period_end,
            period_end__gte=run.period_start,
        )
        .exclude(status=RotaRunStatus.FAILED)
        .exists()
    )


def _counts_json(result: rota.Result, data: selectors.RotaInput) -> list[dict[str, Any]]:
    rows = [
        {
            "name": data.names.get(int(str(key)), str(key)),
            "username": data.usernames.get(int(str(key)), ""),
            "shifts": counts.shifts,
            "night": counts.night,
            "weekend": counts.weekend,
            "holiday": counts.holiday,
        }
        for key, counts in result.counts.items()
    ]
    return sorted(rows, key=lambda row: (row["name"], row["username"]))


def compute_rota(
    run_id: int,
    *,
    allow_gaps: bool = False,
    report: Report | None = None,
    time_limit: float | None = None,
    workers: int | None = None,
) -> RotaRun | None:
    """The background job's work (also `manage.py generate_rota`): status RUNNING, the input
    read, CP-SAT with progress written on the run about once a second, then the period's shifts
    replaced and status DONE with the counts per person, or FAILED with the reasons (which hours,
    which rule). Returns the run, or None when it was not waiting to run. Not atomic: each write
    commits on its own so the page can show the progress; the replacing is one transaction."""
    run = RotaRun.objects.select_related("hotline").filter(pk=run_id).first()
    if run is None:
        return None
    if not RotaRun.objects.filter(pk=run.pk, status=RotaRunStatus.QUEUED).update(
        status=RotaRunStatus.RUNNING
    ):
        return None
    base = {"allow_gaps": allow_gaps}
    read_at = timezone.now()
    data = selectors.rota_input(
        run.hotline,
        run.period_start,
        run.period_end,
        now=read_at,
        allow_gaps=allow_gaps,
        time_limit=time_limit or SOLVER_SECONDS,
        workers=workers or SOLVER_WORKERS,
    )
    running = RotaRun.objects.filter(pk=run.pk, status=RotaRunStatus.RUNNING)

    def write_progress(progress: dict[str, Any]) -> None:
        running.update(progress=progress)
        if report is not None:
            report(progress)

    try:
        result = SolverRun(data.problem).run(write_progress)
    except rota.RotaInfeasible as error:
        _finish(
            run,
            RotaRunStatus.FAILED,
            {
                **base,
                "rota_shifts": len(data.problem.slots),
                "obstacles": [selectors.obstacle_json(o, data) for o in error.obstacles],
            },
        )
        return RotaRun.objects.get(pk=run.pk)
    except Exception:
        _finish(run, RotaRunStatus.FAILED, {**base, "error": "crashed"})
        raise
    _store(run, data, result, base=base, read_at=read_at)
    return RotaRun.objects.get(pk=run.pk)


@transaction.atomic
def _store(
    run: RotaRun,
    data: selectors.RotaInput,
    result: rota.Result,
    *,
    base: Mapping[str, Any],
    read_at: dt.datetime,
) -> None:
    hotline = Hotline.objects.select_for_update().get(pk=run.hotline_id)
    window_start, window_end = cutting.period_bounds(run.period_start, run.period_end)
    changed = Shift.objects.filter(
        hotline=hotline,
        starts_at__lt=window_end + selectors.MARGIN,
        ends_at__gt=window_start - selectors.MARGIN,
        updated_at__gt=read_at,
    ).exists()
    superseded = _superseded(run)
    if superseded or changed:
        _finish(
            run, RotaRunStatus.FAILED, {**base, "error": "superseded" if superseded else "changed"}
        )
        return
    Shift.objects.filter(pk__in=data.replace).delete()
    shifts = []
    for index, piece in enumerate(data.pieces):
        person = result.assignment.get(index) if piece.needs_person else None
        assert person is None or isinstance(person, int)
        shifts.append(
            Shift(
                hotline=hotline,
                starts_at=piece.starts_at,
                ends_at=piece.ends_at,
                staffed_by=piece.staffed_by,
                institution_id=piece.institution if not piece.needs_person else None,
                person_id=person,
                night=piece.night,
                weekend=piece.weekend,
                holiday=piece.holiday,
                rota_run=run,
            )
        )
    Shift.objects.bulk_create(shifts)
    summary = {
        **base,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "seconds": round(result.seconds, 2),
        "created": len(shifts),
        "replaced": len(data.replace),
        "rota_shifts": len(data.problem.slots),
        "gaps": len(result.gaps),
        "counts": _counts_json(result, data),
        "obstacles": [selectors.obstacle_json(o, data) for o in result.obstacles],
    }
    _finish(run, RotaRunStatus.DONE, summary)
    log_action(
        "hotline.rota.store",
        actor=None,
        actor_label="samspil",
        obj=hotline,
        municipality_id=hotline.municipality_id,
        data={
            "run": str(run.uuid),
            "from": run.period_start,
            "until": run.period_end,
            "created": len(shifts),
            "replaced": len(data.replace),
            "gaps": len(result.gaps),
        },
    )


# -- hand edits -------------------------------------------------------------------------------------


def _period_of(shift: Shift) -> tuple[dt.date, dt.date]:
    """The rota period a shift counts in: its run's, else its local quarter."""
    if shift.rota_run is not None:
        return shift.rota_run.period_start, shift.rota_run.period_end
    return quarter_of(timezone.localtime(shift.starts_at).date())


def _hours(start: dt.datetime, end: dt.datetime) -> str:
    return selectors.hours_text([(start, end)])


def rule_breaks(person: User, shift: Shift, *, ignore: Sequence[int] = ()) -> list[str]:
    """What giving `shift` to `person` would break, in words (empty: nothing): recorded
    unavailability, their calendar, another shift at the same time (any hotline), less than the
    minimum rest, more than their maximum shifts in the period. `ignore`: shifts that are being
    changed in the same edit."""
    hotline = shift.hotline
    span = (shift.starts_at, shift.ends_at)
    rest = dt.timedelta(hours=hotline.min_rest_hours)
    name = person.get_full_name() or person.username
    breaks: list[str] = []
    unavailable = selectors.busy_periods([person], span[0], span[1])[person.pk]
    if unavailable:
        breaks.append(
            _("%(person)s is unavailable or busy in their calendar then.") % {"person": name}
        )
    ignored = {shift.pk, *ignore}
    others = selectors.shifts_of([person], span[0] - rest, span[1] + rest, exclude=ignored)
    for other in others[person.pk]:
        other_span = (other.starts_at, other.ends_at)
        if rota.overlaps(span, other_span):
            breaks.append(
                _("%(person)s is already on duty %(hours)s (%(hotline)s).")
                % {
                    "person": name,
                    "hours": _hours(*other_span),
                    "hotline": other.hotline.name,
                }
            )
        elif rota.too_close(span, other_span, rest):
            breaks.append(
                _(
                    "%(person)s would have less than the minimum rest of %(rest)d hours next to "
                    "their shift %(hours)s."
                )
                % {"person": name, "rest": hotline.min_rest_hours, "hours": _hours(*other_span)}
            )
    first, last = _period_of(shift)
    start, end = cutting.period_bounds(first, last)
    member = RotaMember.objects.filter(hotline=hotline, user=person).first()
    maximum = (
        member.max_shifts
        if member is not None and member.max_shifts is not None
        else hotline.max_shifts_per_period
    )
    count = (
        Shift.objects.filter(
            hotline=hotline, person=person, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(pk__in=ignored)
        .count()
    ) + 1
    if count > maximum:
        breaks.append(
            _(
                "%(person)s would have %(count)d shifts in the period %(first)s–%(last)s; the "
                "maximum is %(max)d."
            )
            % {"person": name, "count": count, "first": first, "last": last, "max": maximum}
        )
    return breaks


def _require_changeable(shift: Shift, now: dt.datetime) -> None:
    if shift.staffed_by != StaffedBy.CONSULTANTS:
        raise ValidationError(
            _("This shift is staffed by %(who)s, not by the rota.")
            % {"who": shift.get_staffed_by_display()}
        )
    if shift.ends_at <= now:
        raise ValidationError(_("This shift is over; it stays as it was."))


def _require_member(hotline: Hotline, person: User) -> None:
    if not RotaMember.objects.filter(
        hotline=hotline, user=person, active=True, user__is_active=True
    ).exists():
        raise ValidationError(
            {"person": [_("%(person)s is not on this hotline's rota.") % {"person": person}]}
        )


def _refuse(field: str, breaks: list[str]) -> ValidationError:
    return ValidationError(
        {
            field: [
                *breaks,
                _("Tick “Change anyway” to make the change all the same."),
            ]
        },
        code="rule",
    )


def _log_shift(
    verb: str,
    *,
    actor: User,
    shift: Shift,
    before: User | None,
    breaks: Sequence[str],
    data: Mapping[str, Any] | None = None,
) -> None:
    log_action(
        f"hotline.shift.{verb}",
        actor=actor,
        obj=shift,
        municipality_id=shift.hotline.municipality_id,
        changes={
            "person": {
                "before": before.username if before else None,
                "after": shift.person.username if shift.person else None,
            }
        },
        data={
            "version": shift.version,
            "hotline": shift.hotline.name,
            "starts_at": shift.starts_at,
            "rules_broken": list(breaks),
            **(data or {}),
        },
    )


@transaction.atomic
def override_shift(
    *,
    actor: User,
    shift: Shift,
    person: User | None,
    expected_version: int,
    confirm: bool = False,
) -> Shift:
    """Give a rota shift to `person` (or to nobody: a gap). Refused with the rules it would
    break (unavailable or busy, another shift, rest, maximum) unless `confirm`; `person` must be
    on the rota. The shift is marked changed by hand (a new generation keeps it)."""
    _require_manage(actor, shift.hotline)
    _require_changeable(shift, timezone.now())
    before = shift.person
    breaks: list[str] = []
    if person is not None:
        _require_member(shift.hotline, person)
        breaks = rule_breaks(person, shift)
        if breaks and not confirm:
            raise _refuse("person", breaks)
    shift.person = person
    shift.overridden = True
    save_versioned(shift, expected_version=expected_version, fields=["person", "overridden"])
    _log_shift("override", actor=actor, shift=shift, before=before, breaks=breaks)
    return shift


@transaction.atomic
def swap_shifts(
    *,
    actor: User,
    shift: Shift,
    other: Shift,
    expected_version: int,
    other_expected_version: int,
    confirm: bool = False,
) -> tuple[Shift, Shift]:
    """Swap the people of two rota shifts of the same hotline. Refused with the rules either
    person would break unless `confirm`. Both shifts are marked changed by hand."""
    _require_manage(actor, shift.hotline)
    now = timezone.now()
    if other.hotline_id != shift.hotline_id:
        raise ValidationError({"other": [_("Choose a shift of the same hotline.")]})
    _require_changeable(shift, now)
    _require_changeable(other, now)
    if shift.person_id == other.person_id:
        raise ValidationError({"other": [_("Both shifts have the same person.")]})
    first, second = shift.person, other.person
    breaks = []
    if first is not None:
        breaks += rule_breaks(first, other, ignore=[shift.pk])
    if second is not None:
        breaks += rule_breaks(second, shift, ignore=[other.pk])
    if breaks and not confirm:
        raise _refuse("other", breaks)
    shift.person, other.person = second, first
    shift.overridden = other.overridden = True
    save_versioned(shift, expected_version=expected_version, fields=["person", "overridden"])
    save_versioned(other, expected_version=other_expected_version, fields=["person", "overridden"])
    for changed, before, partner in ((shift, first, other), (other, second, shift)):
        _log_shift(
            "swap",
            actor=actor,
            shift=changed,
            before=before,
            breaks=breaks,
            data={"with": str(partner.uuid)},
        )
    return shift, other


def open_future_shifts(*, hotline: Hotline, person: User) -> int:
    """Turn `person`'s shifts on `hotline` that have not begun into gaps (they left the rota).
    Part of the calling service's transaction and audit entry. Returns how many."""
    return Shift.objects.filter(
        Q(hotline=hotline, person=person, starts_at__gt=timezone.now())
    ).update(person=None, overridden=True, version=F("version") + 1, updated_at=timezone.now())
