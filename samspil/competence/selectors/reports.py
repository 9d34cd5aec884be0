"""Reads for evaluations, the project lead's overview and training hours.

* A family's own evaluations: what it may evaluate now, and what it has evaluated.
* The project lead's overview (leaders, `rules.report_municipalities`): evaluation aggregates
  that never show one family's answer next to its name, families in the model who have not yet
  attended each mandatory catalogue item, and group-supervision cadence gaps.
* Training hours per family, year and theme, for the family, its municipality's consultants and
  leaders, with the audited export.

Every query starts from the competence (or families) access policy; the single-family reads and
every export write the audit log here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    OfferingKind,
    SupervisionKind,
    SupervisionStatus,
)
from samspil.competence.models import (
    CatalogueEntry,
    CompetenceSettings,
    Enrolment,
    Evaluation,
    Offering,
    SupervisionCourse,
    SupervisionSession,
)
from samspil.competence.selectors.calendar import year_bounds, years_from
from samspil.core.types import UserLike
from samspil.families import rules as family_rules
from samspil.families.models import FosterFamily
from samspil.measures.models import InstrumentVersion
from samspil.measures.services.responses import current_version
from samspil.organisations.models import Municipality


@dataclass(frozen=True)
class FamilyRef:
    uuid: uuid.UUID
    name: str
    municipality_id: int


def _ref(family: FosterFamily) -> FamilyRef:
    return FamilyRef(family.uuid, family.name, family.municipality_id)


# == a family's own evaluations ==================================================================


@dataclass(frozen=True)
class EvaluationTarget:
    """Something the family may evaluate: an offering it attended or a closed course."""

    family: FosterFamily
    offering: Offering | None
    course: SupervisionCourse | None
    title: str
    kind_label: str
    date: dt.date | None

    @property
    def param(self) -> str:
        """The query string of the evaluation page for this target."""
        if self.offering is not None:
            return f"offering={self.offering.uuid}"
        assert self.course is not None
        return f"course={self.course.uuid}"


def evaluating_family(user: UserLike) -> FosterFamily:
    """The family `user` gives evaluations for (their own), or Http404 for anyone else."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        raise Http404
    try:
        return FosterFamily.objects.filter(family_rules.family_filter(user)).get(pk=family_id)
    except FosterFamily.DoesNotExist:
        raise Http404 from None


def _course_title(course: SupervisionCourse) -> str:
    return course.title or str(course.get_kind_display())


def _offering_target(
    family: FosterFamily, offering: Offering, last: dt.datetime
) -> EvaluationTarget:
    return EvaluationTarget(
        family=family,
        offering=offering,
        course=None,
        title=offering.title,
        kind_label=str(offering.get_kind_display()),
        date=timezone.localdate(last),
    )


def _course_target(family: FosterFamily, course: SupervisionCourse) -> EvaluationTarget:
    return EvaluationTarget(
        family=family,
        offering=None,
        course=course,
        title=_course_title(course),
        kind_label=str(course.get_kind_display()),
        date=course.closed_on,
    )


def _attended_offerings(user: UserLike, family: FosterFamily) -> dict[int, dt.datetime]:
    """Offering id → start of the last session of it the family attended."""
    rows = (
        Enrolment.objects.filter(
            rules.enrolment_filter(user),
            family=family,
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.ATTENDED,
        )
        .order_by()
        .values_list("session__offering_id")
        .annotate(last=Max("session__starts_at"))
    )
    return dict(rows)


def _closed_courses(user: UserLike, family: FosterFamily) -> QuerySet[SupervisionCourse]:
    return SupervisionCourse.objects.filter(
        rules.supervision_filter(user), families=family, status=SupervisionStatus.CLOSED
    )


def pending_evaluations(user: UserLike, family: FosterFamily) -> list[EvaluationTarget]:
    """What the family attended or finished and has not evaluated yet, newest first."""
    attended = _attended_offerings(user, family)
    done = Evaluation.objects.filter(family=family)
    offerings = Offering.objects.filter(pk__in=list(attended)).exclude(
        pk__in=done.filter(offering__isnull=False).values("offering_id")
    )
    courses = _closed_courses(user, family).exclude(
        pk__in=done.filter(course__isnull=False).values("course_id")
    )
    targets = [_offering_target(family, o, attended[o.pk]) for o in offerings]
    targets += [_course_target(family, c) for c in courses]
    return sorted(targets, key=lambda t: (t.date or dt.date.min, t.title), reverse=True)


def given_evaluations(family: FosterFamily) -> list[Evaluation]:
    """The family's own answers (shown to the family only)."""
    return list(
        Evaluation.objects.filter(family=family)
        .select_related("offering", "course")
        .order_by("-created_at", "-id")
    )


def get_evaluation_target(
    user: UserLike, *, offering_uuid: str | None = None, course_uuid: str | None = None
) -> EvaluationTarget:
    """What `user`'s family is about to evaluate (attended or finished), or Http404."""
    family = evaluating_family(user)
    try:
        if offering_uuid:
            offering = Offering.objects.get(uuid=offering_uuid)
            attended = _attended_offerings(user, family)
            if offering.pk not in attended:
                raise Http404
            return _offering_target(family, offering, attended[offering.pk])
        if course_uuid:
            return _course_target(family, _closed_courses(user, family).get(uuid=course_uuid))
    except (Offering.DoesNotExist, SupervisionCourse.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    raise Http404


def already_evaluated(target: EvaluationTarget) -> bool:
    return Evaluation.objects.filter(
        family=target.family, offering=target.offering, course=target.course
    ).exists()


def evaluation_instrument() -> InstrumentVersion:
    """The version of the `course-evaluation` instrument a new evaluation is given in (its
    current one); the form is rendered from its definition. Not personal data."""
    return current_version(Evaluation.INSTRUMENT)


# == the project lead's overview ================================================================


def report_municipality(user: UserLike, code: str | None = None) -> Municipality:
    """The municipality whose overview `user` reads: `code` if they lead it, else the first they
    lead by name. Http404 for everyone who leads none (or asks for one they do not lead)."""
    led = Municipality.objects.filter(pk__in=rules.report_municipalities(user)).order_by("name")
    if code:
        led = led.filter(code=code)
    municipality = led.first()
    if municipality is None:
        raise Http404
    return municipality


def report_municipalities_of(user: UserLike) -> list[Municipality]:
    return list(Municipality.objects.filter(pk__in=rules.report_municipalities(user)))


# -- evaluation aggregates -------------------------------------------------------------------------

MIN_ANSWERS_FOR_COMMENTS = 3
SCORES = (1, 2, 3, 4, 5)
AVERAGE = Decimal("0.1")


@dataclass(frozen=True)
class RatingSummary:
    label: str
    average: Decimal
    distribution: tuple[int, ...]  # number of answers per score 1–5

    @property
    def scores(self) -> list[tuple[int, int]]:
        return list(zip(SCORES, self.distribution, strict=True))


@dataclass(frozen=True)
class EvaluationGroup:
    """Aggregates of the answers in one group. Comments only from `MIN_ANSWERS_FOR_COMMENTS`
    answers on (small-cell suppression), sorted so their order says nothing about who or when."""

    label: str
    answers: int
    ratings: tuple[RatingSummary, ...]
    comments: tuple[str, ...]

    @property
    def comments_suppressed(self) -> bool:
        return self.answers < MIN_ANSWERS_FOR_COMMENTS


@dataclass(frozen=True)
class EvaluationSummary:
    answers: int
    by_offering: tuple[EvaluationGroup, ...]
    by_specialist: tuple[EvaluationGroup, ...]
    by_institution: tuple[EvaluationGroup, ...]
    by_form: tuple[EvaluationGroup, ...]


@dataclass(frozen=True)
class _Answer:
    ratings: tuple[int, int, int]
    comment: str


def _rating_labels() -> tuple[str, str, str]:
    return (_("Delivery"), _("Usefulness"), _("Behaviour change"))


def summarise(label: str, answers: list[_Answer]) -> EvaluationGroup:
    count = len(answers)
    ratings = []
    for index, rating_label in enumerate(_rating_labels()):
        values = [a.ratings[index] for a in answers]
        average = (Decimal(sum(values)) / Decimal(count)).quantize(AVERAGE, ROUND_HALF_UP)
        distribution = tuple(values.count(score) for score in SCORES)
        ratings.append(RatingSummary(rating_label, average, distribution))
    comments: tuple[str, ...] = ()
    if count >= MIN_ANSWERS_FOR_COMMENTS:
        comments = tuple(sorted(a.comment for a in answers if a.comment))
    return EvaluationGroup(label, count, tuple(ratings), comments)


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _groups(grouped: dict[Any, tuple[str, list[_Answer]]]) -> tuple[EvaluationGroup, ...]:
    groups = [summarise(label, answers) for label, answers in grouped.values()]
    return tuple(sorted(groups, key=lambda g: g.label.casefold()))


_EVALUATION_FIELDS = (
    "delivery",
    "usefulness",
    "behaviour_change",
    "comment",
    "offering_id",
    "offering__title",
    "offering__kind",
    "offering__responsible_id",
    "offering__responsible__first_name",
    "offering__responsible__last_name",
    "offering__responsible__username",
    "offering__institution_id",
    "offering__institution__name",
    "course__kind",
    "course__supervisor_id",
    "course__supervisor__first_name",
    "course__supervisor__last_name",
    "course__supervisor__username",
    "course__institution_id",
    "course__institution__name",
)


def evaluation_summary(user: UserLike, municipality: Municipality) -> EvaluationSummary:
    """Averages and distributions of the three ratings of the evaluations given by the
    municipality's families, per offering, responsible specialist (the offering's responsible or
    the course's supervisor), institution and form (each offering kind; individual, group and
    consultative supervision). One query; no family is named anywhere in the result."""
    if municipality.pk not in rules.report_municipalities(user):
        raise Http404
    by_offering: dict[Any, tuple[str, list[_Answer]]] = {}
    by_specialist: dict[Any, tuple[str, list[_Answer]]] = {}
    by_institution: dict[Any, tuple[str, list[_Answer]]] = {}
    by_form: dict[Any, tuple[str, list[_Answer]]] = {}
    rows = Evaluation.objects.filter(family__municipality=municipality).values(*_EVALUATION_FIELDS)
    total = 0
    for row in rows.order_by():
        total += 1
        answer = _Answer(
            (row["delivery"], row["usefulness"], row["behaviour_change"]), row["comment"]
        )
        if row["offering_id"] is not None:
            by_offering.setdefault(row["offering_id"], (row["offering__title"], []))[1].append(
                answer
            )
            specialist = (
                row["offering__responsible_id"],
                _person(
                    row["offering__responsible__first_name"],
                    row["offering__responsible__last_name"],
                    row["offering__responsible__username"],
                ),
            )
            institution = (row["offering__institution_id"], row["offering__institution__name"])
            form = (
                f"offering:{row['offering__kind']}",
                str(OfferingKind(row["offering__kind"]).label),
            )
        else:
            specialist = (
                row["course__supervisor_id"],
                _person(
                    row["course__supervisor__first_name"],
                    row["course__supervisor__last_name"],
                    row["course__supervisor__username"],
                )
                or _("No supervisor named"),
            )
            institution = (row["course__institution_id"], row["course__institution__name"])
            form = (
                f"course:{row['course__kind']}",
                str(SupervisionKind(row["course__kind"]).label),
            )
        by_specialist.setdefault(specialist[0], (specialist[1], []))[1].append(answer)
        by_institution.setdefault(institution[0], (institution[1], []))[1].append(answer)
        by_form.setdefault(form[0], (form[1], []))[1].append(answer)
    return EvaluationSummary(
        answers=total,
        by_offering=_groups(by_offering),
        by_specialist=_groups(by_specialist),
        by_institution=_groups(by_institution),
        by_form=_groups(by_form),
    )


# -- mandatory programme and group-supervision cadence --------------------------------------------


@dataclass(frozen=True)
class MandatoryGap:
    """A mandatory catalogue item and the families in the model who have not attended it."""

    offering_title: str
    families: tuple[FamilyRef, ...]


def _families_of(user: UserLike, municipality: Municipality) -> QuerySet[FosterFamily]:
    return FosterFamily.objects.filter(family_rules.family_filter(user), municipality=municipality)


def mandatory_gaps(user: UserLike, municipality: Municipality) -> list[MandatoryGap]:
    """For each mandatory catalogue item of the municipality, the families in the model now
    (`in_model_since` set, `in_model_until` empty) with no attended session of it. Three queries."""
    if municipality.pk not in rules.report_municipalities(user):
        raise Http404
    families = list(
        _families_of(user, municipality)
        .filter(in_model_since__isnull=False, in_model_until__isnull=True)
        .order_by("name", "id")
    )
    entries = list(
        CatalogueEntry.objects.filter(municipality=municipality, mandatory=True)
        .select_related("offering")
        .order_by("offering__title", "id")
    )
    attended = set(
        Enrolment.objects.filter(
            family__in=[f.pk for f in families],
            session__offering__in=[e.offering_id for e in entries],
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.ATTENDED,
        )
        .order_by()
        .values_list("family_id", "session__offering_id")
        .distinct()
    )
    return [
        MandatoryGap(
            entry.offering.title,
            tuple(_ref(f) for f in families if (f.pk, entry.offering_id) not in attended),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class CadenceGap:
    family: FamilyRef
    courses: tuple[str, ...]
    attended: int


@dataclass(frozen=True)
class CadenceReport:
    target: int
    since: dt.date
    gaps: tuple[CadenceGap, ...]


def cadence_gaps(
    user: UserLike, municipality: Municipality, *, now: dt.datetime | None = None
) -> CadenceReport:
    """Families in an open group-supervision course of the municipality who attended fewer
    group-supervision sessions in the last 12 months than the municipality's target
    (`CompetenceSettings.group_sessions_per_year`, created with its default when missing)."""
    if municipality.pk not in rules.report_municipalities(user):
        raise Http404
    now = now or timezone.now()
    since = years_from(now, -1)
    settings, _created = CompetenceSettings.objects.get_or_create(municipality=municipality)
    open_groups = SupervisionCourse.objects.filter(
        municipality=municipality, kind=SupervisionKind.GROUP, status=SupervisionStatus.OPEN
    )
    families = (
        _families_of(user, municipality)
        .filter(supervision_courses__in=open_groups)
        .distinct()
        .order_by("name", "id")
        .prefetch_related(
            Prefetch(
                "supervision_courses",
                queryset=open_groups.order_by("title", "id"),
                to_attr="open_group_courses",
            )
        )
    )
    family_list = list(families)
    attended: dict[int, int] = defaultdict(int)
    through = SupervisionSession.attended.through
    for family_id in through.objects.filter(
        fosterfamily_id__in=[f.pk for f in family_list],
        supervisionsession__course__kind=SupervisionKind.GROUP,
        supervisionsession__starts_at__gte=since,
        supervisionsession__starts_at__lte=now,
    ).values_list("fosterfamily_id", flat=True):
        attended[family_id] += 1
    gaps = tuple(
        CadenceGap(
            _ref(f),
            tuple(_course_title(c) for c in f.open_group_courses),
            attended[f.pk],
        )
        for f in family_list
        if attended[f.pk] < settings.group_sessions_per_year
    )
    return CadenceReport(settings.group_sessions_per_year, timezone.localdate(since), gaps)


# == training hours ================================================================================

HOURS = Decimal("0.01")


@dataclass(frozen=True)
class ThemeHours:
    theme: str
    hours: Decimal


@dataclass(frozen=True)
class FamilyHours:
    family: FamilyRef
    year: int
    themes: tuple[ThemeHours, ...]
    total: Decimal


def _seconds(delta: dt.timedelta) -> Decimal:
    return Decimal(delta.days * 86400 + delta.seconds)


def _hours_by_family(family_ids: Collection[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Family id → theme → unrounded hours of competence development in `year`.

    How hours are counted:

    * A talk, day or course session counts when the family was enrolled and its attendance is
      registered as attended. Its length (end − start) is **split equally across the
      offering's themes**, so that a family's hours add up to the time it actually spent; an
      offering without themes counts under "No theme".
    * A supervision session counts when the family is registered as having attended it, with
      the session's recorded hours, under the course's theme, or "Supervision" when the course
      has none.
    * The year is the local (Danish) calendar year in which the session started.

    Values are kept unrounded here; callers round each figure to 0.01 h, so a total can differ
    by 0.01 from the sum of its rounded parts.
    """
    start, end = year_bounds(year)
    hours: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    sessions = list(
        Enrolment.objects.filter(
            family_id__in=family_ids,
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.ATTENDED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .order_by()
        .values_list("family_id", "session__offering_id", "session__starts_at", "session__ends_at")
    )
    themes: dict[int, list[str]] = defaultdict(list)
    for offering_id, theme in (
        Offering.themes.through.objects.filter(offering_id__in={row[1] for row in sessions})
        .order_by("theme__name")
        .values_list("offering_id", "theme__name")
    ):
        themes[offering_id].append(theme)
    for family_id, offering_id, starts_at, ends_at in sessions:
        names = themes.get(offering_id) or [_("No theme")]
        share = _seconds(ends_at - starts_at) / Decimal(3600) / Decimal(len(names))
        for name in names:
            hours[family_id][name] += share
    for family_id, session_hours, theme in (
        SupervisionSession.attended.through.objects.filter(
            fosterfamily_id__in=family_ids,
            supervisionsession__starts_at__gte=start,
            supervisionsession__starts_at__lt=end,
        )
        .order_by()
        .values_list(
            "fosterfamily_id",
            "supervisionsession__hours",
            "supervisionsession__course__theme__name",
        )
    ):
        hours[family_id][theme or _("Supervision")] += session_hours
    return hours


def _round(value: Decimal) -> Decimal:
    return value.quantize(HOURS, ROUND_HALF_UP)


def _family_hours(family: FosterFamily, year: int, by_theme: dict[str, Decimal]) -> FamilyHours:
    themes = tuple(
        ThemeHours(name, _round(value))
        for name, value in sorted(by_theme.items(), key=lambda item: item[0].casefold())
    )
    return FamilyHours(_ref(family), year, themes, _round(sum(by_theme.values(), Decimal(0))))


def _hours_for(families: Iterable[FosterFamily], year: int) -> list[FamilyHours]:
    family_list = list(families)
    hours = _hours_by_family([f.pk for f in family_list], year)
    return [_family_hours(f, year, hours.get(f.pk, {})) for f in family_list]


def own_family_training_hours(user: UserLike, year: int) -> FamilyHours | None:
    """A foster parent's own family's hours (their calendar page), or None for anyone else."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    family = FosterFamily.objects.filter(rules.training_hours_filter(user), pk=family_id).first()
    return _hours_for([family], year)[0] if family is not None else None


def _family_for_hours(user: UserLike, family_uuid: uuid.UUID | str) -> FosterFamily:
    try:
        return FosterFamily.objects.filter(rules.training_hours_filter(user)).get(uuid=family_uuid)
    except (FosterFamily.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def family_training_hours(user: UserLike, family_uuid: uuid.UUID | str, year: int) -> FamilyHours:
    """One family's hours for its consultants and leaders (and the family itself), or Http404.
    Side effect: audit entry "competence.training_hours.read"."""
    family = _family_for_hours(user, family_uuid)
    log_action(
        "competence.training_hours.read",
        actor=user,
        obj=family,
        municipality_id=family.municipality_id,
        data={"year": year},
    )
    return _hours_for([family], year)[0]


@dataclass(frozen=True)
class TrainingHoursTable:
    year: int
    municipality: Municipality | None  # the leader's municipality-wide table, else None
    rows: tuple[FamilyHours, ...]


def _in_model_during(family: FosterFamily, year: int) -> bool:
    return (
        family.in_model_since is not None
        and family.in_model_since.year <= year
        and (family.in_model_until is None or family.in_model_until.year >= year)
    )


def training_hours_table(
    user: UserLike, *, year: int, municipality_code: str | None = None
) -> TrainingHoursTable:
    """The families whose hours `user` may list without naming one family:

    * a leader: the municipality-wide table (`municipality_code`, else the first they lead) —
      every family in the model that year and every family with hours;
    * a consultant: the families they are the fixed consultant of;
    * a foster parent: their own family.

    Http404 for everyone else. Four queries, whatever the number of families.
    """
    scope = scope_for(user)
    families = FosterFamily.objects.filter(rules.training_hours_filter(user)).order_by("name", "id")
    if rules.report_municipalities(user):
        municipality = report_municipality(user, municipality_code)
        family_list = list(families.filter(municipality=municipality))
        rows = _hours_for(family_list, year)
        kept = tuple(
            row
            for row, family in zip(rows, family_list, strict=True)
            if row.total or _in_model_during(family, year)
        )
        return TrainingHoursTable(year, municipality, kept)
    if scope.municipalities(Role.CONSULTANT):
        mine = families.filter(
            consultant_assignments__consultant_id=user.pk,
            consultant_assignments__ends_on__isnull=True,
        )
        return TrainingHoursTable(year, None, tuple(_hours_for(mine, year)))
    if scope.foster_family_id is not None:
        return TrainingHoursTable(
            year, None, tuple(_hours_for(families.filter(pk=scope.foster_family_id), year))
        )
    raise Http404


def export_training_hours(
    user: UserLike,
    *,
    year: int,
    file_format: str,
    family_uuid: str | None = None,
    municipality_code: str | None = None,
) -> list[FamilyHours]:
    """The rows of a training-hours export: one family (`family_uuid`) or the table `user` may
    list. Side effect: one audit entry "competence.training_hours.export" per municipality in
    the export, written before the file is produced."""
    family: FosterFamily | None = None
    if family_uuid:
        family = _family_for_hours(user, family_uuid)
        rows = _hours_for([family], year)
    else:
        rows = list(training_hours_table(user, year=year, municipality_code=municipality_code).rows)
    per_municipality: dict[int | None, int] = defaultdict(int)
    for row in rows:
        per_municipality[row.family.municipality_id] += 1
    for municipality_id, count in (per_municipality or {None: 0}).items():
        log_action(
            "competence.training_hours.export",
            actor=user,
            obj=family,
            municipality_id=municipality_id,
            data={"format": file_format, "year": year, "families": count},
        )
    return rows
