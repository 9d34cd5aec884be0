"""Reads of supervision courses (individual, group, consultative). Every query starts from the
competence policy (`rules.supervision_filter`); the detail read writes the audit entry here,
so views and the API cannot forget it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import SupervisionKind, SupervisionStatus
from samspil.competence.models import (
    CompetenceSettings,
    SupervisionCourse,
    SupervisionExtension,
    SupervisionSession,
)
from samspil.core.types import UserLike
from samspil.families import rules as family_rules
from samspil.families import selectors as family_selectors
from samspil.families.models import ConsultantAssignment, FosterFamily
from samspil.organisations.models import Institution, Municipality

INSTITUTION_ROLES = (Role.SPECIALIST, Role.COORDINATOR)
MUNICIPAL_ROLES = (Role.CONSULTANT, Role.LEADER)


# -- lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFilters:
    status: str = ""
    kind: str = ""
    supervisor_id: int | None = None


def _sessions_held() -> Subquery:
    return Subquery(
        SupervisionSession.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )


def courses_for(
    user: UserLike, filters: CourseFilters | None = None, *, with_sessions: bool = False
) -> QuerySet[SupervisionCourse]:
    """The supervision courses `user` may list, with what list pages show prefetched
    (families, institution, supervisor, theme, number of sessions held). `with_sessions`
    prefetches the session log without the private notes (the family's own list)."""
    filters = filters or CourseFilters()
    qs = SupervisionCourse.objects.filter(rules.supervision_filter(user))
    if filters.status in SupervisionStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.kind in SupervisionKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.supervisor_id is not None:
        qs = qs.filter(supervisor_id=filters.supervisor_id)
    qs = (
        qs.select_related("municipality", "institution", "supervisor", "theme")
        .prefetch_related(Prefetch("families", queryset=FosterFamily.objects.order_by("name")))
        .annotate(sessions_held=Coalesce(_sessions_held(), 0))
        .order_by("-created_at", "-id")
    )
    if with_sessions:
        qs = qs.prefetch_related(
            Prefetch(
                "sessions",
                queryset=SupervisionSession.objects.defer("private_notes").order_by(
                    "starts_at", "id"
                ),
            )
        )
    return qs


def open_referrals_for(user: UserLike) -> QuerySet[SupervisionCourse]:
    """Referrals the municipality's consultants and leaders are waiting on."""
    municipalities = scope_for(user).municipalities(*MUNICIPAL_ROLES)
    return courses_for(user, CourseFilters(status=SupervisionStatus.REFERRED)).filter(
        municipality_id__in=municipalities
    )


def referral_inbox_for(user: UserLike) -> QuerySet[SupervisionCourse]:
    """Referrals to the user's institution(s) awaiting an answer. The inbox shows only the
    family's name, municipality, the theme and the problem the consultant wrote."""
    institutions = scope_for(user).institutions(*INSTITUTION_ROLES)
    return (
        SupervisionCourse.objects.filter(
            rules.supervision_filter(user),
            status=SupervisionStatus.REFERRED,
            institution_id__in=institutions,
        )
        .select_related("municipality", "institution", "theme", "opened_by")
        .prefetch_related(
            Prefetch("families", queryset=FosterFamily.objects.only("pk", "name").order_by("name"))
        )
        .order_by("created_at", "id")
    )


def is_institution_staff(user: UserLike) -> bool:
    return bool(scope_for(user).institutions(*INSTITUTION_ROLES))


@dataclass(frozen=True)
class CourseRow:
    course: SupervisionCourse
    shared_notes: bool  # may the user read the shared notes of the course's sessions?


def course_rows(user: UserLike, courses: Iterable[SupervisionCourse]) -> list[CourseRow]:
    """The list page's rows with what `user` may read in them (families must be prefetched,
    as `courses_for` does, so this adds no queries)."""
    return [CourseRow(course=c, shared_notes=rules.can_read_shared_notes(user, c)) for c in courses]


# -- one course ---------------------------------------------------------------------------------


def get_course_for(
    user: UserLike, course_uuid: uuid.UUID | str, *, audit: bool = True
) -> SupervisionCourse:
    """One course, or Http404 when it does not exist or `user` may not see it. Side effect: an
    audit entry "competence.supervision.read" unless `audit` is False (used only when the
    caller is about to change the course and logs that instead)."""
    try:
        course = (
            SupervisionCourse.objects.filter(rules.supervision_filter(user))
            .select_related("municipality", "institution", "supervisor", "theme", "opened_by")
            .prefetch_related(Prefetch("families", queryset=FosterFamily.objects.order_by("name")))
            .distinct()
            .get(uuid=course_uuid)
        )
    except (SupervisionCourse.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        log_action(
            "competence.supervision.read",
            actor=user,
            obj=course,
            municipality_id=course.municipality_id,
        )
    return course


@dataclass(frozen=True)
class SessionView:
    """One logged session as `user` may see it: notes they may not read are None."""

    uuid: uuid.UUID
    starts_at: dt.datetime
    hours: Decimal
    location: str
    location_label: str
    delivered_by: User
    attended: list[FosterFamily]
    consultant_present: bool
    shared_notes: str | None
    private_notes: str | None


@dataclass(frozen=True)
class FamilyView:
    family: FosterFamily
    consultant: User | None
    visible: bool  # may `user` open the family's page?


@dataclass(frozen=True)
class CourseDetail:
    course: SupervisionCourse
    families: list[FamilyView]
    sessions: list[SessionView]
    extensions: list[SupervisionExtension]
    can_deliver: bool
    referral_only: bool  # the institution sees a referral it has not accepted: basics only
    shared_notes: bool
    private_notes: bool
    supervisors: list[User] = field(default_factory=list)

    @property
    def sessions_held(self) -> int:
        return len(self.sessions)

    @property
    def sessions_left(self) -> int:
        return max(self.course.planned_sessions - len(self.sessions), 0)

    @property
    def is_open(self) -> bool:
        return self.course.status == SupervisionStatus.OPEN

    @property
    def is_referred(self) -> bool:
        return self.course.status == SupervisionStatus.REFERRED


def course_detail(user: UserLike, course: SupervisionCourse) -> CourseDetail:
    """What the course page shows to `user`: the institution sees the private notes; the
    municipality's staff and the family the shared notes; an institution that has not accepted
    a referral sees only the family's name, the municipality, the theme and the problem."""
    can_deliver = rules.can_deliver_course(user, course)
    municipal = course.municipality_id in scope_for(user).municipalities(*MUNICIPAL_ROLES)
    referral_only = (
        can_deliver
        and not municipal
        and course.status in (SupervisionStatus.REFERRED, SupervisionStatus.DECLINED)
    )
    families = list(course.families.all())
    if referral_only:
        return CourseDetail(
            course=course,
            families=[FamilyView(family=f, consultant=None, visible=False) for f in families],
            sessions=[],
            extensions=[],
            can_deliver=True,
            referral_only=True,
            shared_notes=False,
            private_notes=False,
            supervisors=list(supervisors_for(course.institution_id)),
        )
    shared = rules.can_read_shared_notes(user, course)
    private = rules.can_read_private_notes(user, course)
    sessions_qs = (
        course.sessions.select_related("delivered_by")
        .prefetch_related(Prefetch("attended", queryset=FosterFamily.objects.order_by("name")))
        .order_by("starts_at", "id")
    )
    if not private:
        sessions_qs = sessions_qs.defer("private_notes")
    sessions = [
        SessionView(
            uuid=s.uuid,
            starts_at=s.starts_at,
            hours=s.hours,
            location=s.location,
            location_label=s.get_location_display(),
            delivered_by=s.delivered_by,
            attended=list(s.attended.all()),
            consultant_present=s.consultant_present,
            shared_notes=s.shared_notes if shared else None,
            private_notes=s.private_notes if private else None,
        )
        for s in sessions_qs
    ]
    family_ids = [f.pk for f in families]
    visible_ids = set(
        FosterFamily.objects.filter(family_rules.family_filter(user), pk__in=family_ids)
        .order_by()
        .values_list("pk", flat=True)
    )
    consultants = {
        a.family_id: a.consultant
        for a in family_selectors.current_assignments().filter(family_id__in=family_ids)
    }
    return CourseDetail(
        course=course,
        families=[
            FamilyView(family=f, consultant=consultants.get(f.pk), visible=f.pk in visible_ids)
            for f in families
        ],
        sessions=sessions,
        extensions=list(course.extensions.select_related("by").order_by("created_at")),
        can_deliver=can_deliver,
        referral_only=False,
        shared_notes=shared,
        private_notes=private,
        supervisors=list(supervisors_for(course.institution_id)) if can_deliver else [],
    )


# -- who and what can be chosen ------------------------------------------------------------------


def openable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may open a supervision course for (rules.can_open_course): the
    municipality's families for its consultants and leaders; every family an institution's
    staff may see."""
    scope = scope_for(user)
    visible = family_selectors.families_for(user)
    if scope.institutions(*INSTITUTION_ROLES):
        return visible
    return visible.filter(municipality_id__in=scope.municipalities(*MUNICIPAL_ROLES))


def can_open_any_course(user: UserLike) -> bool:
    """Whether `user` holds a role that may open courses at all (consultant, leader,
    institution staff); which families is `openable_families`."""
    scope = scope_for(user)
    return bool(scope.municipalities(*MUNICIPAL_ROLES) or scope.institutions(*INSTITUTION_ROLES))


def referring_municipalities(user: UserLike) -> frozenset[int]:
    """The municipalities whose families `user` may refer to consultative courses."""
    return scope_for(user).municipalities(*MUNICIPAL_ROLES)


def course_institutions(
    user: UserLike, municipality_ids: set[int] | frozenset[int] | None
) -> QuerySet[Institution]:
    """The institutions `user` may choose when opening a course: for the municipality's staff
    those that may supervise its families (eligible_institutions); for institution staff their
    own institutions (the service checks that they collaborate with the family's municipality)."""
    scope = scope_for(user)
    municipal = scope.municipalities(*MUNICIPAL_ROLES)
    if municipal:
        return eligible_institutions(municipality_ids or municipal)
    return Institution.objects.filter(pk__in=scope.institutions(*INSTITUTION_ROLES)).order_by(
        "name"
    )


def referable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may refer to a consultative course (rules.can_refer)."""
    municipalities = scope_for(user).municipalities(*MUNICIPAL_ROLES)
    return family_selectors.families_for(user).filter(municipality_id__in=municipalities)


def _current(prefix: str, today: dt.date) -> Q:
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def eligible_institutions(
    municipality_ids: frozenset[int] | set[int] | list[int], today: dt.date | None = None
) -> QuerySet[Institution]:
    """Institutions that may supervise families of these municipalities: those in a current
    collaboration with the municipality, and the municipality's consultative institutions."""
    today = today or timezone.localdate()
    collaborating = Institution.objects.filter(
        _current("collaborations__", today),
        collaborations__municipalities__in=municipality_ids,
    ).values("pk")
    consultative = Institution.objects.filter(
        consultative_for__municipality_id__in=municipality_ids
    ).values("pk")
    return Institution.objects.filter(Q(pk__in=collaborating) | Q(pk__in=consultative)).order_by(
        "name"
    )


def consultative_institutions(
    municipality_ids: frozenset[int] | set[int] | list[int],
) -> QuerySet[Institution]:
    """The institutions the municipalities selected for consultative courses."""
    return Institution.objects.filter(
        consultative_for__municipality_id__in=municipality_ids
    ).distinct()


def supervisors_for(*institution_ids: int) -> QuerySet[User]:
    """Who may supervise for these institutions: their active specialists."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SPECIALIST,
            memberships__institution_id__in=institution_ids,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def institution_staff(*institution_ids: int) -> QuerySet[User]:
    """Who may deliver a session for these institutions: their specialists and coordinators."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=INSTITUTION_ROLES,
            memberships__institution_id__in=institution_ids,
        )
        .distinct()
        .order_by("first_name", "last_name", "id")
    )


def fixed_consultants(family_ids: list[int]) -> list[ConsultantAssignment]:
    """The current fixed-consultant assignments of these families (with the consultant)."""
    return list(family_selectors.current_assignments().filter(family_id__in=family_ids))


# -- cadence of group supervision ----------------------------------------------------------------


@dataclass(frozen=True)
class CadenceGap:
    family: FosterFamily
    attended: int
    required: int


def cadence_window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The last 12 months up to and including `today`, as aware datetimes [start, end): on
    2027-03-01 sessions from 2026-03-02 00:00 through 2027-03-01 23:59 count."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(year_ago + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def group_cadence_gaps(
    municipality: Municipality, today: dt.date | None = None
) -> list[CadenceGap]:
    """Families taking part in an open group supervision course of `municipality` that attended
    fewer group sessions in the last 12 months than the municipality's
    `CompetenceSettings.group_sessions_per_year` (created with the default 3 if missing),
    fewest first. Three queries whatever the number of families. The caller checks that the
    user may see the municipality's aggregates (rules.report_municipalities)."""
    today = today or timezone.localdate()
    settings, _created = CompetenceSettings.objects.get_or_create(municipality=municipality)
    required = settings.group_sessions_per_year
    participating = list(
        FosterFamily.objects.filter(
            municipality=municipality,
            pk__in=SupervisionCourse.objects.filter(
                municipality=municipality,
                kind=SupervisionKind.GROUP,
                status=SupervisionStatus.OPEN,
            ).values("families"),
        ).order_by("name", "id")
    )
    if not participating:
        return []
    start, end = cadence_window(today)
    counts = dict(
        SupervisionSession.objects.filter(
            course__kind=SupervisionKind.GROUP,
            starts_at__gte=start,
            starts_at__lt=end,
            attended__in=[f.pk for f in participating],
        )
        .order_by()
        .values("attended")
        .annotate(n=Count("pk", distinct=True))
        .values_list("attended", "n")
    )
    gaps = [
        CadenceGap(family=family, attended=counts.get(family.pk, 0), required=required)
        for family in participating
        if counts.get(family.pk, 0) < required
    ]
    return sorted(gaps, key=lambda gap: gap.attended)


def cadence_gaps_for(user: UserLike, today: dt.date | None = None) -> list[CadenceGap]:
    """The cadence gaps of the municipalities whose aggregates `user` sees (leaders)."""
    municipality_ids = rules.report_municipalities(user)
    gaps: list[CadenceGap] = []
    for municipality in Municipality.objects.filter(pk__in=municipality_ids).order_by("name"):
        gaps += group_cadence_gaps(municipality, today)
    return gaps
