"""Reads of due measurements: the list a user may see (filters: status, mine), one measurement
with its answer links, a family page's panel, and the consultant's start-page panel.

Every read starts from `rules.measurement_filter`. Opening a measurement writes
"measures.measurement.read" and reading a page of the list (or a family's panel)
"measures.measurement.list", ids only. The start page's panel (the consultant's own families'
due measurements) is the consultant's own work and is not audited, as the hotline's panel."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import Child, FosterFamily, FosterParent
from samspil.measures import rules
from samspil.measures.enums import MeasurementStatus, Respondent, Subject
from samspil.measures.models import (
    AnswerLink,
    Instrument,
    InstrumentVersion,
    ItemText,
    Measurement,
    Response,
    localised,
)
from samspil.measures.selectors.plans import instrument_names, plan_instruments

OPEN = (MeasurementStatus.DUE, MeasurementStatus.SENT)
START_PAGE_LIMIT = 50
FAMILY_PANEL_LIMIT = 20


@dataclass(frozen=True)
class MeasurementFilters:
    status: str = "open"  # "open" (due or link sent), a MeasurementStatus, or "" for all
    mine: bool = False  # families whose current fixed consultant is the user
    family: uuid.UUID | None = None


def measurements_for(
    user: UserLike, filters: MeasurementFilters | None = None
) -> QuerySet[Measurement]:
    """The measurements `user` may see, with what a row shows (family, child, instrument) and
    the answer links in two queries."""
    filters = filters or MeasurementFilters()
    qs = Measurement.objects.filter(rules.measurement_filter(user))
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN)
    elif filters.status in MeasurementStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(
            family__consultant_assignments__consultant_id=getattr(user, "pk", None),
            family__consultant_assignments__ends_on__isnull=True,
        )
    if filters.family is not None:
        qs = qs.filter(family__uuid=filters.family)
    return (
        qs.select_related("family", "child", "instrument")
        .prefetch_related(Prefetch("links", queryset=AnswerLink.objects.order_by("-created_at")))
        .order_by("due_on", "id")
    )


def measurement_page(
    user: UserLike, filters: MeasurementFilters, number: str | int | None
) -> Page[Measurement]:
    """Page `number` of `measurements_for(user, filters)`. Side effect:
    "measures.measurement.list" with the ids shown."""
    page = Paginator(measurements_for(user, filters), settings.SAMSPIL_PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    audit_measurement_list(user, page.object_list)
    return page


def audit_measurement_list(user: UserLike, measurements: Sequence[Measurement]) -> None:
    """One entry for a list of measurements read: their and their families' ids (under the one
    municipality they belong to, or none when they span several). Nothing for an empty list."""
    if not measurements:
        return
    municipalities = {m.municipality_id for m in measurements}
    log_action(
        "measures.measurement.list",
        actor=user,
        municipality_id=municipalities.pop() if len(municipalities) == 1 else None,
        data={
            "measurements": sorted(str(m.uuid) for m in measurements),
            "families": sorted({str(m.family.uuid) for m in measurements}),
        },
    )


def get_measurement_for(
    user: UserLike, measurement_uuid: uuid.UUID | str, *, audit: bool = True
) -> Measurement:
    """One measurement, or Http404 when unknown or not visible. Side effect:
    "measures.measurement.read" unless `audit` is False (the caller changes it and logs that)."""
    try:
        measurement = measurements_for(user, MeasurementFilters(status="")).get(
            uuid=measurement_uuid
        )
    except (Measurement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "measures.measurement.read",
            actor=user,
            obj=measurement,
            municipality_id=measurement.municipality_id,
            data={"measurement": str(measurement.uuid), "family": str(measurement.family.uuid)},
        )
    return measurement


def due_state(measurement: Measurement, today: dt.date | None = None) -> str:
    """ "answered", "cancelled", "sent" (link out), "overdue", "today" or "later"."""
    if measurement.status == MeasurementStatus.ANSWERED:
        return "answered"
    if measurement.status == MeasurementStatus.CANCELLED:
        return "cancelled"
    if measurement.status == MeasurementStatus.SENT:
        return "sent"
    today = today or timezone.localdate()
    if measurement.due_on < today:
        return "overdue"
    return "today" if measurement.due_on == today else "later"


@dataclass(frozen=True)
class MeasurementRow:
    measurement: Measurement
    instrument_name: str
    state: str


def rows(measurements: Sequence[Measurement]) -> list[MeasurementRow]:
    """Rows with the instruments' names (one query for all of them)."""
    names = (
        instrument_names(sorted({m.instrument_id for m in measurements})) if measurements else {}
    )
    today = timezone.localdate()
    return [
        MeasurementRow(
            measurement=m,
            instrument_name=names.get(m.instrument_id, m.instrument.code),
            state=due_state(m, today),
        )
        for m in measurements
    ]


@dataclass(frozen=True)
class LinkRow:
    link: AnswerLink
    state: str  # links.link_state


@dataclass(frozen=True)
class MeasurementDetail:
    row: MeasurementRow
    links: list[LinkRow]
    can_manage: bool
    suggested_name: str = ""
    suggested_email: str = ""


def link_rows(measurement: Measurement) -> list[LinkRow]:
    now = timezone.now()
    result = []
    for link in measurement.links.all():
        if link.used_at is not None:
            state = "used"
        elif link.revoked_at is not None:
            state = "revoked"
        elif link.expires_at <= now:
            state = "expired"
        else:
            state = "open"
        result.append(LinkRow(link=link, state=state))
    return result


def suggested_recipient(measurement: Measurement) -> tuple[str, str]:
    """Who gets the link by default: a foster parent of the family with an e-mail address for a
    foster parent's questionnaire, the child's first name (no e-mail: handed over) for the
    child's, nobody for a teacher's (typed)."""
    if measurement.respondent == Respondent.FOSTER_PARENT:
        parent = (
            FosterParent.objects.filter(family_id=measurement.family_id)
            .exclude(email="")
            .order_by("first_name", "id")
            .first()
        )
        if parent is not None:
            return f"{parent.first_name} {parent.last_name}", parent.email
    if measurement.respondent == Respondent.CHILD and measurement.child is not None:
        return measurement.child.first_name, ""
    return "", ""


def measurement_detail(user: UserLike, measurement: Measurement) -> MeasurementDetail:
    can_manage = rules.can_manage_measurements(user, measurement.municipality_id)
    name, email = suggested_recipient(measurement) if can_manage else ("", "")
    return MeasurementDetail(
        row=rows([measurement])[0],
        links=link_rows(measurement),
        can_manage=can_manage,
        suggested_name=name,
        suggested_email=email,
    )


# -- the family page and the start page ----------------------------------------------------------


@dataclass(frozen=True)
class FamilyMeasurements:
    """A family page's panel: open measurements (due first) and the latest answered or
    cancelled ones, and whether the user may add one."""

    family: FosterFamily
    open: list[MeasurementRow]
    done: list[MeasurementRow]
    can_manage: bool

    def __bool__(self) -> bool:
        return bool(self.open or self.done or self.can_manage)


def measurements_for_family(user: UserLike, family: FosterFamily) -> FamilyMeasurements:
    """The family's measurements `user` may see (a foster parent: their own family's, to be
    answered by a foster parent), in a fixed number of queries. Side effect: "measures.measurement.list" (ids)
    when there are any."""
    qs = (
        Measurement.objects.filter(rules.measurement_filter(user), family=family)
        .select_related("family", "child", "instrument")
        .prefetch_related(Prefetch("links", queryset=AnswerLink.objects.order_by("-created_at")))
    )
    open_ = list(qs.filter(status__in=OPEN).order_by("due_on", "id")[:FAMILY_PANEL_LIMIT])
    done = list(qs.exclude(status__in=OPEN).order_by("-due_on", "-id")[:FAMILY_PANEL_LIMIT])
    audit_measurement_list(user, [*open_, *done])
    all_rows = rows([*open_, *done])
    return FamilyMeasurements(
        family=family,
        open=all_rows[: len(open_)],
        done=all_rows[len(open_) :],
        can_manage=rules.can_manage_measurements(user, family.municipality_id),
    )


def due_for_consultant(user: UserLike, today: dt.date | None = None) -> list[MeasurementRow]:
    """The start page: measurements due today or overdue (not answered or cancelled) on the
    families whose current fixed consultant is `user`, oldest first, at most 50. Two queries
    (none for a user who is no consultant or leader)."""
    if not rules.plan_municipalities(user):
        return []
    today = today or timezone.localdate()
    qs = (
        Measurement.objects.filter(
            rules.measurement_filter(user),
            status__in=OPEN,
            due_on__lte=today,
            family__consultant_assignments__consultant_id=getattr(user, "pk", None),
            family__consultant_assignments__ends_on__isnull=True,
        )
        .select_related("family", "child", "instrument")
        .order_by("due_on", "id")
    )
    return rows(list(qs[:START_PAGE_LIMIT]))


# -- choices for the forms -----------------------------------------------------------------------


def extra_instruments(family: FosterFamily) -> list[tuple[Instrument, str, str]]:
    """Instruments an extra measurement of `family` may use, each with its name and subject."""
    instruments = list(plan_instruments(family.municipality))
    names = instrument_names([i.pk for i in instruments])
    subjects = dict(
        Instrument.objects.filter(
            pk__in=[i.pk for i in instruments], versions__is_current=True
        ).values_list("pk", "versions__subject")
    )
    return [(i, names.get(i.pk, i.code), subjects.get(i.pk, Subject.FAMILY)) for i in instruments]


def children_placed(family: FosterFamily) -> list[Child]:
    """The children placed in `family` today (for the extra measurement's choice)."""
    today = timezone.localdate()
    return list(
        Child.objects.filter(
            Q(placements__ends_on__isnull=True) | Q(placements__ends_on__gte=today),
            placements__family=family,
            placements__starts_on__lte=today,
        )
        .distinct()
        .order_by("first_name", "id")
    )


# -- the answering page --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerPage:
    """All the answering page shows: the child's first name (None for a questionnaire about the
    family: "your family"), the questionnaire's name and introduction, the definition and the
    licensed item texts in the active language. Never a surname, a family or a municipality."""

    first_name: str | None
    instrument_name: str
    intro: str
    definition: dict[str, Any]
    texts: dict[str, str]
    expires_at: dt.datetime


def answer_page(link: AnswerLink, response: Response) -> AnswerPage:
    version = InstrumentVersion.objects.get(pk=response.instrument_version_id)
    texts: dict[str, str] = {}
    if version.licensed_texts:
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        texts = dict(
            ItemText.objects.filter(version=version, language=language).values_list("item", "text")
        )
    child = link.measurement.child
    return AnswerPage(
        first_name=child.first_name if version.subject == Subject.CHILD and child else None,
        instrument_name=version.name,
        intro=localised(version.definition.get("intro")),
        definition=version.definition,
        texts=texts,
        expires_at=link.expires_at,
    )
