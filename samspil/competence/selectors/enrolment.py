"""Reads of enrolments: who is enrolled, who waits, who attended. Enrolments are about
families, so every query starts from `rules.enrolment_filter`, and a detail read is written to
the audit log here."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import Attendance, EnrolmentStatus
from samspil.competence.models import CatalogueEntry, Enrolment, Offering, Session
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily
from samspil.families.rules import family_filter
from samspil.organisations.models import Municipality


@dataclass(frozen=True)
class EnrolmentFilters:
    family: uuid.UUID | None = None
    session: uuid.UUID | None = None
    status: str = ""


def enrolments_for(user: UserLike, filters: EnrolmentFilters | None = None) -> QuerySet[Enrolment]:
    """The enrolments `user` may list (see rules.enrolment_filter), session and family joined."""
    filters = filters or EnrolmentFilters()
    qs = Enrolment.objects.filter(rules.enrolment_filter(user))
    if filters.family is not None:
        qs = qs.filter(family__uuid=filters.family)
    if filters.session is not None:
        qs = qs.filter(session__uuid=filters.session)
    if filters.status in EnrolmentStatus.values:
        qs = qs.filter(status=filters.status)
    return qs.select_related("session", "session__offering", "family").order_by(
        "session__starts_at", "created_at", "id"
    )


def get_enrolment_for(
    user: UserLike, enrolment_uuid: uuid.UUID | str, *, audit: bool = True
) -> Enrolment:
    """One enrolment `user` may see, or Http404. Side effect: a "competence.enrolment.read"
    audit entry unless `audit` is False (the caller is about to change it and logs that)."""
    try:
        enrolment = (
            Enrolment.objects.filter(rules.enrolment_filter(user))
            .select_related("session__offering__institution", "family__municipality")
            .get(uuid=enrolment_uuid)
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "competence.enrolment.read",
            actor=user,
            obj=enrolment,
            municipality_id=enrolment.family.municipality_id,
        )
    return enrolment


@dataclass(frozen=True)
class SessionRoster:
    """Who is on a session, as far as `user` may see: places taken, the waiting list (in
    promotion order) and cancellations."""

    enrolled: list[Enrolment]
    waitlisted: list[Enrolment]
    cancelled: list[Enrolment]


def session_roster(user: UserLike, session: Session) -> SessionRoster:
    rows = list(
        Enrolment.objects.filter(rules.enrolment_filter(user), session=session)
        .select_related("family")
        .order_by("created_at", "id")
    )
    waiting = sorted(
        (e for e in rows if e.status == EnrolmentStatus.WAITLISTED),
        key=lambda e: (e.waitlisted_at, e.pk),
    )
    return SessionRoster(
        enrolled=[e for e in rows if e.status == EnrolmentStatus.ENROLLED],
        waitlisted=waiting,
        cancelled=[e for e in rows if e.status == EnrolmentStatus.CANCELLED],
    )


def enrollable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may enrol, as rules.can_enrol answers it for one family: their own
    family, or the families of the municipalities where they are consultant or leader."""
    scope = scope_for(user)
    q = Q(municipality_id__in=scope.municipalities(*rules.MUNICIPAL))
    if scope.foster_family_id is not None:
        q |= Q(pk=scope.foster_family_id)
    return (
        FosterFamily.objects.filter(family_filter(user))
        .filter(q)
        .select_related("municipality")
        .order_by("name", "id")
    )


def own_family(user: UserLike) -> FosterFamily | None:
    """The family of a foster parent's login (their own record, not an audited read), or None."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    return FosterFamily.objects.filter(family_filter(user), pk=family_id).first()


# -- the fixed programme ------------------------------------------------------------------------


@dataclass(frozen=True)
class MandatoryGap:
    family: FosterFamily
    offerings: list[Offering]


def mandatory_gaps(municipality: Municipality) -> list[MandatoryGap]:
    """For each family of `municipality` in the collaboration model now (`in_model_since`
    set, `in_model_until` empty), the mandatory catalogue offerings it has not attended (no
    enrolment marked attended at any of the offering's sessions). Only families with at least
    one gap, by name. Not scoped to a user: the caller checks rules.report_municipalities.
    Three queries whatever the size."""
    families = list(
        FosterFamily.objects.filter(
            municipality=municipality, in_model_since__isnull=False, in_model_until__isnull=True
        ).order_by("name", "id")
    )
    mandatory = [
        entry.offering
        for entry in CatalogueEntry.objects.filter(municipality=municipality, mandatory=True)
        .select_related("offering__institution")
        .order_by("offering__title", "offering__id")
    ]
    if not families or not mandatory:
        return []
    attended: dict[int, set[int]] = defaultdict(set)
    for family_id, offering_id in Enrolment.objects.filter(
        family__in=families,
        session__offering__in=mandatory,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    ).values_list("family_id", "session__offering_id"):
        attended[family_id].add(offering_id)
    gaps = []
    for family in families:
        missing = [o for o in mandatory if o.pk not in attended[family.pk]]
        if missing:
            gaps.append(MandatoryGap(family=family, offerings=missing))
    return gaps


def upcoming_for_consultant(user: UserLike, *, days: int = 30) -> list[Enrolment]:
    """What the consultant's own families are enrolled in (or waiting for) in the coming
    `days`, for the start page; within the enrolment policy."""
    now = timezone.now()
    scope = scope_for(user)
    return list(
        Enrolment.objects.filter(rules.enrolment_filter(user))
        .filter(
            family__consultant_assignments__consultant_id=scope.user_id,
            family__consultant_assignments__ends_on__isnull=True,
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
            session__starts_at__gte=now,
            session__starts_at__lt=now + dt.timedelta(days=days),
            session__cancelled=False,
        )
        .select_related("session__offering", "family")
        .order_by("session__starts_at", "id")[:50]
    )
