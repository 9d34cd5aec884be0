"""Reads of offerings, sessions and catalogues. Offerings are not personal data, but every query
still starts from the access policy (`rules.offering_filter`), so drafts stay with their
institution. List reads annotate what the rows show, so a page costs the same number of
queries whatever its length."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.competence import rules
from samspil.competence.enums import EnrolmentStatus, TimeSlot
from samspil.competence.models import (
    EVENING_STARTS,
    CatalogueEntry,
    Enrolment,
    Offering,
    Session,
    Theme,
)
from samspil.core.types import UserLike
from samspil.organisations.models import Institution, Municipality

CHAIN_DEPTH = 10


def managed_institution_ids(user: UserLike) -> frozenset[int]:
    """The institutions whose offerings `user` manages (rules.can_manage_offering)."""
    return scope_for(user).institutions(*rules.INSTITUTION)


def managed_catalogue_ids(user: UserLike) -> frozenset[int]:
    """The municipalities whose catalogue `user` manages (rules.can_manage_catalogue)."""
    return frozenset(
        m for m in rules.catalogue_municipalities(user) if rules.can_manage_catalogue(user, m)
    )


# -- time slots ---------------------------------------------------------------------------------


def time_slot_q(slots: Iterable[str], prefix: str = "") -> Q:
    """Sessions starting in any of `slots`, in local time: the database twin of
    `Session.time_slot` (weekends; weekday evenings from 17:00; weekday daytime)."""
    start = f"{prefix}starts_at"
    weekday = Q(**{f"{start}__iso_week_day__lte": 5})
    evening = Q(**{f"{start}__hour__gte": EVENING_STARTS.hour})
    parts = {
        TimeSlot.WEEKENDS.value: Q(**{f"{start}__iso_week_day__gte": 6}),
        TimeSlot.EVENINGS.value: weekday & evening,
        TimeSlot.WEEKDAY_DAYTIME.value: weekday & ~evening,
    }
    q = Q(pk__in=[])
    for slot in slots:
        if slot in parts:
            q |= parts[slot]
    return q


# -- sessions -----------------------------------------------------------------------------------


def _count(status: EnrolmentStatus) -> Coalesce:
    counted = (
        Enrolment.objects.filter(session=OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate `enrolled`, `waitlisted` and `free_places` on each session."""
    return sessions.annotate(
        enrolled=_count(EnrolmentStatus.ENROLLED),
        waitlisted=_count(EnrolmentStatus.WAITLISTED),
    ).annotate(free_places=F("capacity") - F("enrolled"))


def with_family_status(sessions: QuerySet[Session], family_id: int | None) -> QuerySet[Session]:
    """Annotate the family's own active enrolment on each session (`my_status`, `my_enrolment`)."""
    if family_id is None:
        return sessions.annotate(
            my_status=Value("", output_field=CharField()),
            my_enrolment=Value(None, output_field=CharField(null=True)),
        )
    mine = Enrolment.objects.filter(session=OuterRef("pk"), family_id=family_id).exclude(
        status=EnrolmentStatus.CANCELLED
    )
    return sessions.annotate(
        my_status=Coalesce(Subquery(mine.values("status")[:1]), Value("")),
        my_enrolment=Subquery(mine.values("uuid")[:1]),
    )


@dataclass(frozen=True)
class SessionFilters:
    offering: uuid.UUID | None = None
    from_date: dt.date | None = None
    include_cancelled: bool = True


def sessions_for(user: UserLike, filters: SessionFilters | None = None) -> QuerySet[Session]:
    """Sessions of the offerings `user` may see, with enrolment counts."""
    filters = filters or SessionFilters()
    qs = Session.objects.filter(
        offering__in=Offering.objects.filter(rules.offering_filter(user)).values("pk")
    ).select_related("offering", "offering__institution")
    if filters.offering is not None:
        qs = qs.filter(offering__uuid=filters.offering)
    if filters.from_date is not None:
        start = timezone.make_aware(dt.datetime.combine(filters.from_date, dt.time.min))
        qs = qs.filter(starts_at__gte=start)
    if not filters.include_cancelled:
        qs = qs.filter(cancelled=False)
    return with_counts(qs).order_by("starts_at", "id")


def get_session_for(user: UserLike, session_uuid: uuid.UUID | str) -> Session:
    """One session of an offering `user` may see, with counts, or Http404."""
    try:
        return sessions_for(user).get(uuid=session_uuid)
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# -- offerings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferingFilters:
    theme_id: int | None = None
    kind: str = ""
    institution_ids: frozenset[int] | None = None
    search: str = ""


def offerings_for(user: UserLike, filters: OfferingFilters | None = None) -> QuerySet[Offering]:
    """The offerings `user` may see (published ones, and drafts of their own institution)."""
    filters = filters or OfferingFilters()
    qs = Offering.objects.filter(rules.offering_filter(user))
    if filters.theme_id:
        qs = qs.filter(
            pk__in=Offering.themes.through.objects.filter(theme_id=filters.theme_id).values(
                "offering_id"
            )
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.institution_ids is not None:
        qs = qs.filter(institution_id__in=filters.institution_ids)
    if filters.search:
        qs = qs.filter(title__icontains=filters.search.strip())
    return (
        qs.select_related("institution", "responsible", "follows")
        .prefetch_related("themes")
        .order_by("title", "id")
    )


def own_offerings(user: UserLike) -> QuerySet[Offering]:
    """The offerings of the institutions where `user` is a specialist or coordinator, with the
    number of upcoming sessions (institution staff's list page)."""
    upcoming = (
        Session.objects.filter(
            offering=OuterRef("pk"), cancelled=False, starts_at__gte=timezone.now()
        )
        .order_by()
        .values("offering")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return offerings_for(
        user, OfferingFilters(institution_ids=managed_institution_ids(user))
    ).annotate(upcoming_sessions=Coalesce(Subquery(upcoming, output_field=IntegerField()), 0))


def get_offering_for(user: UserLike, offering_uuid: uuid.UUID | str) -> Offering:
    """One offering `user` may see, or Http404 (drafts of other institutions do not leak)."""
    try:
        return offerings_for(user).get(uuid=offering_uuid)
    except (Offering.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class OfferingChain:
    """What comes before and after an offering on its theme (`Offering.follows`)."""

    before: list[Offering]
    after: list[Offering]


def offering_chain(user: UserLike, offering: Offering) -> OfferingChain:
    """The visible offerings `offering` follows (earliest first) and those that follow it
    (breadth first), at most CHAIN_DEPTH steps each way; cycles are cut."""
    visible = Offering.objects.filter(rules.offering_filter(user)).select_related("institution")
    seen = {offering.pk}
    before: list[Offering] = []
    current_id = offering.follows_id
    for _ in range(CHAIN_DEPTH):
        if current_id is None or current_id in seen:
            break
        previous = visible.filter(pk=current_id).first()
        if previous is None:
            break
        seen.add(previous.pk)
        before.insert(0, previous)
        current_id = previous.follows_id
    after: list[Offering] = []
    frontier = [offering.pk]
    for _ in range(CHAIN_DEPTH):
        nxt = [
            o
            for o in visible.filter(follows_id__in=frontier).order_by("title", "id")
            if o.pk not in seen
        ]
        if not nxt:
            break
        seen.update(o.pk for o in nxt)
        after.extend(nxt)
        frontier = [o.pk for o in nxt]
    return OfferingChain(before=before, after=after)


def offering_sessions(
    user: UserLike, offering: Offering, *, family_id: int | None = None
) -> list[Session]:
    """The offering's sessions, newest last, with counts and the family's own status."""
    qs = with_counts(Session.objects.filter(offering=offering))
    return list(with_family_status(qs, family_id).order_by("starts_at", "id"))


def offering_catalogues(offering: Offering) -> list[CatalogueEntry]:
    """Which municipalities link the offering into their catalogue (not personal data)."""
    return list(
        offering.catalogue_entries.select_related("municipality").order_by("municipality__name")
    )


def responsible_candidates(institution_ids: Iterable[int]) -> QuerySet[User]:
    """Who may be responsible for an offering: the institution's specialists."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SPECIALIST,
            memberships__institution_id__in=list(institution_ids),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def followable_offerings(
    institution_ids: Iterable[int], *, exclude: Offering | None = None
) -> QuerySet[Offering]:
    """Offerings a new or edited offering may follow: the same institution's, never itself."""
    qs = Offering.objects.filter(institution_id__in=list(institution_ids))
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.select_related("institution").order_by("title", "id")


def institutions_of(user: UserLike) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=managed_institution_ids(user)).order_by("name")


def themes() -> QuerySet[Theme]:
    return Theme.objects.order_by("name")


# -- catalogues ---------------------------------------------------------------------------------


def catalogue_municipalities(user: UserLike) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=rules.catalogue_municipalities(user)).order_by("name")


@dataclass(frozen=True)
class CatalogueFilters:
    theme_id: int | None = None
    slots: tuple[str, ...] = ()


def catalogue_for(
    user: UserLike,
    municipality: Municipality,
    filters: CatalogueFilters | None = None,
    *,
    family_id: int | None = None,
) -> QuerySet[Offering]:
    """The published offerings in `municipality`'s catalogue that `user` may browse, each with
    `mandatory` and `upcoming` (its future, not cancelled sessions in the chosen time slots,
    with free places and `family_id`'s own status). With a time-slot filter, offerings without
    a session in those slots are left out. Http404 if it is not `user`'s catalogue."""
    if municipality.pk not in rules.catalogue_municipalities(user):
        raise Http404
    filters = filters or CatalogueFilters()
    entries = CatalogueEntry.objects.filter(municipality=municipality)
    upcoming = Session.objects.filter(cancelled=False, starts_at__gt=timezone.now())
    if filters.slots:
        upcoming = upcoming.filter(time_slot_q(filters.slots))
    qs = Offering.objects.filter(
        rules.offering_filter(user),
        published=True,
        pk__in=entries.values("offering_id"),
    )
    if filters.theme_id:
        qs = qs.filter(
            pk__in=Offering.themes.through.objects.filter(theme_id=filters.theme_id).values(
                "offering_id"
            )
        )
    if filters.slots:
        qs = qs.filter(Exists(upcoming.filter(offering=OuterRef("pk"))))
    sessions = with_family_status(with_counts(upcoming), family_id).order_by("starts_at", "id")
    return (
        qs.annotate(
            mandatory=Exists(entries.filter(offering=OuterRef("pk"), mandatory=True)),
        )
        .select_related("institution")
        .prefetch_related("themes", Prefetch("sessions", queryset=sessions, to_attr="upcoming"))
        .order_by("-mandatory", "title", "id")
    )


def catalogue_manage_list(
    user: UserLike, municipality: Municipality, search: str = ""
) -> QuerySet[Offering]:
    """For a leader: every published offering, with whether `municipality` links it
    (`linked`) and marks it mandatory (`mandatory`); linked ones first."""
    if not rules.can_manage_catalogue(user, municipality.pk):
        raise Http404
    entries = CatalogueEntry.objects.filter(municipality=municipality, offering=OuterRef("pk"))
    qs = Offering.objects.filter(rules.offering_filter(user), published=True)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(institution__name__icontains=search))
    return (
        qs.annotate(linked=Exists(entries), mandatory=Exists(entries.filter(mandatory=True)))
        .select_related("institution")
        .prefetch_related("themes")
        .order_by("-linked", "title", "id")
    )


def managed_catalogue_municipalities(user: UserLike) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=managed_catalogue_ids(user)).order_by("name")
