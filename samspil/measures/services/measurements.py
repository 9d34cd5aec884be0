"""Writes of due measurements: scheduling them from the municipality's plan, an extra one added
by a consultant, cancelling one, and the consultants' daily summary e-mail.

Scheduling (`schedule_due`) follows the plan's points for every family in the collaboration
model (`in_model_since` set, `in_model_until` empty or today or later):

* at entry: occurrence 0, due `in_model_since`;
* repeated: occurrence n, due `in_model_since` + n × `every_months` calendar months (a day that
  the month lacks becomes its last day: 31 August + 6 months is 28 or 29 February), counted
  from the entry each time so the day does not drift, and only before `in_model_until`;
* at the end: occurrence 999, due `in_model_until` when it is set.

A child-subject instrument gets one measurement per child placed in the family today whose age
on the due date is within the instrument version's age range (the self-report from 11 to 17).
No backlog: only occurrences due within the next 14 days are created, plus the most recent past
occurrence of each series when it does not exist yet. Running it again creates nothing new
(the existing measurements are read first; the database's unique constraint on family, child,
instrument, respondent and occurrence backs that up on PostgreSQL).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.accounts.models import User
from samspil.audit.models import AuditEntry
from samspil.audit.services import log_action
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily, Placement
from samspil.measures import rules
from samspil.measures.enums import MeasurementReason, MeasurementStatus, Subject
from samspil.measures.models import (
    AnswerLink,
    Instrument,
    InstrumentVersion,
    Measurement,
    MeasurementPlan,
    PlanPoint,
)
from samspil.organisations.models import Municipality

WINDOW_DAYS = 14
ENTRY_OCCURRENCE = 0
END_OCCURRENCE = 999
FIRST_EXTRA = 1000
SYSTEM_ACTOR = "samspil"
DIGEST_ACTION = "measures.digest.send"
DIGEST_FROM = dt.time(6, 0)
DIGEST_LOOKBACK = dt.timedelta(days=31)


# -- the schedule, over plain values ------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months; a day the target month lacks becomes its last day
    (31 August + 6 months = 28 February, or 29 in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, order=True)
class Occurrence:
    due_on: dt.date
    number: int
    reason: str


def occurrences(
    *,
    at_entry: bool,
    every_months: int | None,
    at_end: bool,
    since: dt.date,
    until: dt.date | None,
    horizon: dt.date,
) -> list[Occurrence]:
    """Every occurrence of one plan point for a family, due on or before `horizon`."""
    found: list[Occurrence] = []
    if at_entry and since <= horizon:
        found.append(Occurrence(since, ENTRY_OCCURRENCE, MeasurementReason.ENTRY))
    if every_months:
        number = 1
        while True:
            due = add_months(since, number * every_months)
            if due > horizon or (until is not None and due >= until):
                break
            found.append(Occurrence(due, number, MeasurementReason.INTERVAL))
            number += 1
    if at_end and until is not None and until <= horizon:
        found.append(Occurrence(until, END_OCCURRENCE, MeasurementReason.END))
    return found


def due_window(found: Iterable[Occurrence], today: dt.date) -> list[Occurrence]:
    """The occurrences to create now: those due from today to 14 days ahead, and the most
    recent past one (no backlog of older ones)."""
    found = sorted(found)
    upcoming = [o for o in found if today <= o.due_on <= today + dt.timedelta(days=WINDOW_DAYS)]
    past = [o for o in found if o.due_on < today]
    return ([past[-1]] if past else []) + upcoming


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def in_age_range(
    date_of_birth: dt.date, day: dt.date, age_min: int | None, age_max: int | None
) -> bool:
    age = age_on(date_of_birth, day)
    return (age_min is None or age >= age_min) and (age_max is None or age <= age_max)


# -- scheduling ---------------------------------------------------------------------------------


def _families_in_model(municipality: Municipality, today: dt.date) -> list[FosterFamily]:
    return list(
        FosterFamily.objects.filter(municipality=municipality, in_model_since__isnull=False)
        # Families that left recently too: an end date recorded afterwards still gets its end
        # measurement (the most recent past occurrence).
        .filter(
            Q(in_model_until__isnull=True)
            | Q(in_model_until__gte=today - dt.timedelta(days=END_GRACE_DAYS))
        )
        .only("id", "municipality_id", "in_model_since", "in_model_until")
    )


END_GRACE_DAYS = 30


def _children_placed(family_ids: Sequence[int], today: dt.date) -> dict[int, list[Child]]:
    """The children placed in each family today, each with `placed_on`: the start of the
    placement (a child's series starts there when they came after the family's entry)."""
    placed: dict[int, list[Child]] = defaultdict(list)
    placements = (
        Placement.objects.filter(family_id__in=family_ids, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("child")
        .order_by("child_id")
    )
    for placement in placements:
        if placement.child not in placed[placement.family_id]:
            placement.child.placed_on = placement.starts_on  # type: ignore[attr-defined]
            placed[placement.family_id].append(placement.child)
    return placed


def _current_versions(instrument_ids: Iterable[int]) -> dict[int, InstrumentVersion]:
    return {
        v.instrument_id: v
        for v in InstrumentVersion.objects.filter(
            instrument_id__in=list(instrument_ids), is_current=True
        ).only("id", "instrument_id", "respondent", "subject", "age_min", "age_max")
    }


@transaction.atomic
def schedule_due(*, municipality: Municipality, today: dt.date | None = None) -> int:
    """Create the measurements due now for the municipality's families in the model, from its
    plan (see the module's docstring). Idempotent; returns how many were created. Side effect:
    one "measures.measurement.schedule" entry (the count) when any were."""
    today = today or timezone.localdate()
    plan = MeasurementPlan.objects.filter(municipality=municipality).first()
    if plan is None:
        return 0
    points: list[PlanPoint] = list(plan.points.all())
    families = _families_in_model(municipality, today)
    if not points or not families:
        return 0
    versions = _current_versions(p.instrument_id for p in points)
    family_ids = [f.pk for f in families]
    children = _children_placed(family_ids, today)
    existing: set[tuple[int, int | None, int, str, int]] = set(
        Measurement.objects.filter(family_id__in=family_ids).values_list(
            "family_id", "child_id", "instrument_id", "respondent", "occurrence"
        )
    )
    horizon = today + dt.timedelta(days=WINDOW_DAYS)
    new: list[Measurement] = []

    def add(family: FosterFamily, child: Child | None, point: PlanPoint, o: Occurrence) -> None:
        key = (
            family.pk,
            child.pk if child else None,
            point.instrument_id,
            point.respondent,
            o.number,
        )
        if key in existing:
            return
        existing.add(key)
        new.append(
            Measurement(
                municipality_id=family.municipality_id,
                family=family,
                child=child,
                instrument_id=point.instrument_id,
                respondent=point.respondent,
                reason=o.reason,
                occurrence=o.number,
                due_on=o.due_on,
            )
        )

    for family in families:
        assert family.in_model_since is not None
        for point in points:
            version = versions.get(point.instrument_id)
            if version is None:
                continue
            found = occurrences(
                at_entry=point.at_entry,
                every_months=point.every_months,
                at_end=point.at_end,
                since=family.in_model_since,
                until=family.in_model_until,
                horizon=horizon,
            )
            left = family.in_model_until is not None and family.in_model_until < today
            if left:  # a family that has left gets only its end measurement
                found = [o for o in found if o.reason == MeasurementReason.END]
            if version.subject == Subject.CHILD:
                for child in children.get(family.pk, []):
                    entry = max(family.in_model_since, child.placed_on)  # type: ignore[attr-defined]
                    series = (
                        found
                        if entry == family.in_model_since
                        else occurrences(
                            at_entry=point.at_entry,
                            every_months=point.every_months,
                            at_end=point.at_end,
                            since=entry,
                            until=family.in_model_until,
                            horizon=horizon,
                        )
                    )
                    if left:
                        series = [o for o in series if o.reason == MeasurementReason.END]
                    eligible = [
                        o
                        for o in series
                        if in_age_range(
                            child.date_of_birth, o.due_on, version.age_min, version.age_max
                        )
                    ]
                    for o in due_window(eligible, today):
                        add(family, child, point, o)
            else:
                for o in due_window(found, today):
                    add(family, None, point, o)
    # The database backs the check above up (PostgreSQL); a concurrent run loses nothing.
    Measurement.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        log_action(
            "measures.measurement.schedule",
            actor=None,
            actor_label=SYSTEM_ACTOR,
            municipality_id=municipality.pk,
            data={"created": len(new), "date": today},
        )
    return len(new)


def schedule_all(today: dt.date | None = None) -> int:
    """`schedule_due` for every municipality with a plan; how many measurements were created."""
    today = today or timezone.localdate()
    municipalities = Municipality.objects.filter(measurement_plan__isnull=False).order_by("code")
    return sum(schedule_due(municipality=m, today=today) for m in municipalities)


# -- extra measurements and cancelling ----------------------------------------------------------


@transaction.atomic
def add_measurement(
    *,
    actor: UserLike,
    family: FosterFamily,
    instrument: Instrument,
    child: Child | None = None,
    due_on: dt.date | None = None,
) -> Measurement:
    """An extra measurement (occurrence 1000 and up) of `instrument` for `family` (and `child`
    for an instrument about a child), answered by the instrument's respondent, due `due_on`
    (today by default).

    Raises PermissionDeniedError unless `actor` is a consultant or leader of the family's
    municipality; ValidationError for an instrument without a current version or of another
    municipality, a missing child or one not placed in the family now, or a child outside the
    instrument's age range on the due date. Side effect: "measures.measurement.create".
    """
    if not rules.can_manage_measurements(actor, family.municipality_id):
        raise PermissionDeniedError
    due_on = due_on or timezone.localdate()
    version = _current_versions([instrument.pk]).get(instrument.pk)
    if (
        version is None
        or instrument.municipality_id not in (None, family.municipality_id)
        or instrument.family in rules.AGGREGATE_ONLY
    ):
        raise ValidationError({"instrument": _("This questionnaire cannot be used.")})
    if version.subject == Subject.CHILD:
        if child is None:
            raise ValidationError(
                {"child": _("This questionnaire is about a child: choose the child.")}
            )
        if child not in _children_placed([family.pk], timezone.localdate()).get(family.pk, []):
            raise ValidationError({"child": _("The child is not placed in this family now.")})
        if not in_age_range(child.date_of_birth, due_on, version.age_min, version.age_max):
            raise ValidationError(
                {
                    "child": _("This questionnaire is for children aged %(low)s to %(high)s.")
                    % {"low": version.age_min or 0, "high": version.age_max or "–"}
                }
            )
    else:
        child = None
    last = Measurement.objects.filter(
        family=family,
        child=child,
        instrument=instrument,
        respondent=version.respondent,
        occurrence__gte=FIRST_EXTRA,
    ).aggregate(last=Max("occurrence"))["last"]
    measurement = Measurement.objects.create(
        municipality_id=family.municipality_id,
        family=family,
        child=child,
        instrument=instrument,
        respondent=version.respondent,
        reason=MeasurementReason.EXTRA,
        occurrence=(last + 1) if last is not None else FIRST_EXTRA,
        due_on=due_on,
    )
    log_action(
        "measures.measurement.create",
        actor=actor,
        obj=measurement,
        municipality_id=family.municipality_id,
        data={
            "measurement": str(measurement.uuid),
            "family": str(family.uuid),
            "child": str(child.uuid) if child else None,
            "instrument": instrument.code,
            "version": measurement.version,
        },
    )
    return measurement


@transaction.atomic
def cancel_measurement(
    *, actor: UserLike, measurement: Measurement, expected_version: int
) -> Measurement:
    """Cancel a measurement that is not answered; its open answer links stop working.

    Raises PermissionDeniedError unless `actor` manages the family's measurements;
    ValidationError when it is answered or cancelled already; ConcurrentEditError when it
    changed after `expected_version`. Side effect: "measures.measurement.cancel".
    """
    if not rules.can_manage_measurement(actor, measurement):
        raise PermissionDeniedError
    # Lock the row and read its status again: a submit by link may have answered it meanwhile.
    current = Measurement.objects.select_for_update().only("status").get(pk=measurement.pk)
    measurement.status = current.status
    if measurement.status in (MeasurementStatus.ANSWERED, MeasurementStatus.CANCELLED):
        raise ValidationError(_("An answered or cancelled measurement cannot be cancelled."))
    version = claim_version(measurement, expected_version=expected_version)
    before = measurement.status
    measurement.status = MeasurementStatus.CANCELLED
    measurement.save(update_fields=["status", "updated_at"])
    revoked = AnswerLink.objects.filter(
        measurement=measurement, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    log_action(
        "measures.measurement.cancel",
        actor=actor,
        obj=measurement,
        municipality_id=measurement.municipality_id,
        changes={"status": {"before": before, "after": MeasurementStatus.CANCELLED}},
        data={
            "measurement": str(measurement.uuid),
            "links_revoked": revoked,
            "version": version,
        },
    )
    return measurement


# -- the consultants' daily summary -------------------------------------------------------------


def _last_digests(consultant_ids: Sequence[int], now: dt.datetime) -> dict[int, dt.datetime]:
    """When each consultant's last summary went out (within the look-back), from the audit
    log's "measures.digest.send" entries."""
    last: dict[int, dt.datetime] = {}
    entries = AuditEntry.objects.filter(
        action=DIGEST_ACTION,
        created_at__gte=now - DIGEST_LOOKBACK,
        data__consultant__in=list(consultant_ids),
    ).values_list("data__consultant", "created_at")
    for consultant_id, created_at in entries:
        if consultant_id is not None and (
            int(consultant_id) not in last or created_at > last[int(consultant_id)]
        ):
            last[int(consultant_id)] = created_at
    return last


def send_consultant_digests(now: dt.datetime | None = None) -> int:
    """Once a day (from 06:00 Danish time), e-mail each consultant how many measurements on
    the families they are the fixed consultant for became due since their last summary (due
    today or earlier and not yet sent, and either due after the last summary's day or created
    after it), with a link to their list. No names. Idempotent; returns how many e-mails.
    Side effect: one "measures.digest.send" entry per e-mail (the consultant's id, the count),
    which is also the record of when the last summary went out."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.time() < DIGEST_FROM:
        return 0
    today = local.date()
    rows = list(
        Measurement.objects.filter(
            status=MeasurementStatus.DUE,
            due_on__lte=today,
            family__consultant_assignments__ends_on__isnull=True,
        ).values_list("family__consultant_assignments__consultant_id", "due_on", "created_at")
    )
    by_consultant: dict[int, list[tuple[dt.date, dt.datetime]]] = defaultdict(list)
    for consultant_id, due_on, created_at in rows:
        by_consultant[consultant_id].append((due_on, created_at))
    last = _last_digests(list(by_consultant), now)
    consultants = User.objects.filter(pk__in=list(by_consultant), is_active=True).in_bulk()
    sent = 0
    for consultant_id, measurements in sorted(by_consultant.items()):
        previous = last.get(consultant_id) or (now - DIGEST_LOOKBACK)
        if timezone.localtime(previous).date() == today:
            continue
        previous_day = timezone.localtime(previous).date()
        count = sum(
            1
            for due_on, created_at in measurements
            if due_on > previous_day or created_at > previous
        )
        consultant = consultants.get(consultant_id)
        if not count or consultant is None or not consultant.email:
            continue
        with transaction.atomic():
            log_action(
                DIGEST_ACTION,
                actor=None,
                actor_label=SYSTEM_ACTOR,
                obj=consultant,
                data={"consultant": consultant_id, "count": count, "date": today},
            )
            _send_digest_on_commit(consultant.email, count)
        sent += 1
    return sent


def _send_digest_on_commit(email: str, count: int) -> None:
    url = settings.SAMSPIL_BASE_URL.rstrip("/") + reverse("measures:measurement_list") + "?mine=on"

    def send() -> None:
        # No names in the e-mail: a count and a link to the list (login needed).
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Measurements due for your families")
            body = ngettext(
                "%(count)d measurement became due for families you are the fixed consultant "
                "for. Please send the answer links.\n\n%(url)s\n",
                "%(count)d measurements became due for families you are the fixed consultant "
                "for. Please send the answer links.\n\n%(url)s\n",
                count,
            ) % {"count": count, "url": url}
        send_mail(subject, body, None, [email])

    transaction.on_commit(send)
