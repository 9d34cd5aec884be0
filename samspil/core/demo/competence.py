"""Competence development in the demo data: each institution publishes a year of offerings,
municipalities link them into their catalogues (one mandatory), families enrol and attend,
get individual and group supervision, København refers consultative courses, and families
evaluate what they received (answered in the course-evaluation instrument, with scores).
Deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    OfferingKind,
    PlaceKind,
    SupervisionKind,
    SupervisionLocation,
    SupervisionStatus,
)
from samspil.competence.models import (
    CatalogueEntry,
    CompetenceSettings,
    Enrolment,
    Evaluation,
    Offering,
    Session,
    SupervisionCourse,
    SupervisionSession,
    Theme,
)
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement, FosterFamily
from samspil.measures import scoring
from samspil.measures.enums import Respondent, ResponseStatus
from samspil.measures.models import Response, Score
from samspil.measures.services.responses import current_version
from samspil.organisations.models import Institution, Municipality

CPH = ZoneInfo("Europe/Copenhagen")

OFFERING_TEMPLATES = [
    (OfferingKind.TALK, "Tilknytning i hverdagen", ["Tilknytningsteori"], 1, 2),
    (OfferingKind.TALK, "Når teenageren stritter imod", ["Teenageproblematikker"], 1, 2),
    (
        OfferingKind.HALF_DAY,
        "Mentalisering i plejefamilien",
        ["Mentalisering", "Anerkendende pædagogik"],
        1,
        4,
    ),
    (
        OfferingKind.WHOLE_DAY,
        "Tryghedscirklen – grundkursus",
        ["Tryghedscirklen (Circle of Security)"],
        1,
        6,
    ),
    (
        OfferingKind.COURSE_SERIES,
        "Samarbejdet med de biologiske forældre",
        ["Samarbejde med biologiske forældre og søskende"],
        3,
        3,
    ),
    (
        OfferingKind.GROUP_SUPERVISION,
        "Gruppesupervision på en case om tilknytning",
        ["Tilknytningsteori"],
        1,
        3,
    ),
]
SLOT_STARTS = [
    (dt.time(9, 30), 0),
    (dt.time(19, 0), 1),
    (dt.time(10, 0), 5),
]  # weekday, evening, Saturday


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def seed_competence(rng: random.Random, today: dt.date) -> None:
    """Create the competence data for every municipality that has demo families."""
    themes = {theme.name: theme for theme in Theme.objects.all()}
    for municipality in (
        Municipality.objects.filter(families__isnull=False).distinct().order_by("code")
    ):
        settings, _ = CompetenceSettings.objects.get_or_create(municipality=municipality)
        institutions = list(
            Institution.objects.filter(collaborations__municipalities=municipality)
            .distinct()
            .order_by("name")
        )
        if municipality.code == "101":
            settings.consultative_institutions.set(institutions)
        families = list(
            FosterFamily.objects.filter(municipality=municipality).order_by("name", "id")
        )
        consultant = (
            User.objects.filter(
                memberships__role=Role.CONSULTANT, memberships__municipality=municipality
            )
            .order_by("username")
            .first()
        )
        offerings: list[Offering] = []
        for institution in institutions:
            specialist = User.objects.filter(
                memberships__role=Role.SPECIALIST, memberships__institution=institution
            ).first()
            if specialist is None or consultant is None:
                continue
            previous: Offering | None = None
            for number, (kind, title, theme_names, sessions, hours) in enumerate(
                OFFERING_TEMPLATES
            ):
                offering = Offering.objects.create(
                    institution=institution,
                    kind=kind,
                    title=f"{title} ({institution.name})",
                    description=f"{title}. Et tilbud fra {institution.name} til kommunens plejefamilier.",
                    target_group="Plejefamilier i samarbejdsmodellen",
                    responsible=specialist,
                    follows=previous if kind == OfferingKind.GROUP_SUPERVISION else None,
                    published=True,
                )
                offering.themes.set([themes[name] for name in theme_names])
                previous = offering if kind == OfferingKind.TALK and previous is None else previous
                offerings.append(offering)
                start_time, weekday = SLOT_STARTS[number % len(SLOT_STARTS)]
                first = _next_weekday(dt.date(2026, 9, 1) + dt.timedelta(days=21 * number), weekday)
                for round_ in range(2):  # autumn and spring runs
                    base = first + dt.timedelta(days=140 * round_)
                    for index in range(sessions):
                        day = base + dt.timedelta(days=14 * index)
                        starts = _local(day, start_time)
                        Session.objects.create(
                            offering=offering,
                            starts_at=starts,
                            ends_at=starts + dt.timedelta(hours=hours),
                            place_kind=PlaceKind.VIRTUAL
                            if number == 1 and round_ == 1
                            else PlaceKind.INSTITUTION,
                            place=""
                            if number == 1 and round_ == 1
                            else f"{institution.name}, {institution.address}",
                            link="https://meet.example.dk/samspil"
                            if number == 1 and round_ == 1
                            else "",
                            capacity=rng.choice([8, 10, 12, 15]),
                        )
            CatalogueEntry.objects.bulk_create(
                [
                    CatalogueEntry(
                        municipality=municipality,
                        offering=offering,
                        mandatory=offering.kind == OfferingKind.WHOLE_DAY,
                    )
                    for offering in offerings
                    if offering.institution_id == institution.pk
                ]
            )
            _seed_supervision(
                rng, today, municipality, institution, specialist, consultant, families, themes
            )
        _seed_enrolments(rng, today, offerings, families)


def _engage(
    family: FosterFamily,
    institution: Institution,
    kind: EngagementKind,
    start: dt.date,
    end: dt.date | None,
    source: str,
) -> None:
    Engagement.objects.create(
        family=family,
        institution=institution,
        kind=kind,
        starts_on=start,
        ends_on=end,
        source=source,
    )


def _evaluate(
    family: FosterFamily,
    answered_on: dt.date,
    answers: dict[str, int | str],
    *,
    offering: Offering | None = None,
    course: SupervisionCourse | None = None,
) -> Evaluation:
    """A family's evaluation as `submit_evaluation` stores it: the answers in the current version
    of the course-evaluation instrument (a complete response with a score row per scale), and
    the evaluation with the ratings and the comment beside it."""
    version = current_version(Evaluation.INSTRUMENT)
    clean = scoring.validate(version.definition, answers)
    result = scoring.score(version.definition, clean)
    response = Response.objects.create(
        instrument_version=version,
        municipality_id=family.municipality_id,
        family=family,
        respondent=Respondent.FOSTER_PARENT,
        answers=clean,
        flags=result.flags,
        status=ResponseStatus.COMPLETE,
        answered_on=answered_on,
    )
    Score.objects.bulk_create(
        Score(
            response=response,
            scale=scale,
            value=value,
            band=result.bands.get(scale) or "",
            band4=result.bands4.get(scale) or "",
            instrument_id=version.instrument_id,
            family=family,
            respondent=response.respondent,
            answered_on=answered_on,
        )
        for scale, value in result.scores.items()
    )
    comment = clean.get("comment", "")
    return Evaluation.objects.create(
        family=family,
        offering=offering,
        course=course,
        response=response,
        delivery=answers["delivery"],
        usefulness=answers["usefulness"],
        behaviour_change=answers["behaviour_change"],
        comment=comment if isinstance(comment, str) else "",
    )


def _seed_enrolments(
    rng: random.Random, today: dt.date, offerings: list[Offering], families: list[FosterFamily]
) -> None:
    sessions = list(
        Session.objects.filter(offering__in=offerings)
        .select_related("offering__institution")
        .order_by("starts_at", "id")
    )
    taken: dict[int, int] = {}
    for family in families:
        for session in rng.sample(sessions, min(len(sessions), rng.choice([1, 2, 3, 4]))):
            past = session.starts_at.date() < today
            full = taken.get(session.pk, 0) >= session.capacity
            status = EnrolmentStatus.WAITLISTED if full and not past else EnrolmentStatus.ENROLLED
            if full and past:
                continue
            enrolment = Enrolment.objects.create(
                session=session,
                family=family,
                status=status,
                waitlisted_at=session.starts_at - dt.timedelta(days=10)
                if status == EnrolmentStatus.WAITLISTED
                else None,
                attendance=(Attendance.ATTENDED if rng.random() < 0.88 else Attendance.NO_SHOW)
                if past
                else "",
            )
            if status == EnrolmentStatus.ENROLLED:
                taken[session.pk] = taken.get(session.pk, 0) + 1
                end = session.ends_at.astimezone(CPH).date()
                _engage(
                    family,
                    session.offering.institution,
                    EngagementKind.ENROLMENT,
                    min(end, today) - dt.timedelta(days=20),
                    end,
                    f"competence.enrolment:{enrolment.uuid}",
                )
            if past and enrolment.attendance == Attendance.ATTENDED and rng.random() < 0.6:
                answers: dict[str, int | str] = {
                    "delivery": rng.choice([3, 4, 4, 5, 5]),
                    "usefulness": rng.choice([3, 4, 4, 5]),
                    "behaviour_change": rng.choice([2, 3, 3, 4, 4, 5]),
                    "comment": rng.choice(
                        [
                            "",
                            "Meget brugbart.",
                            "Gode eksempler fra hverdagen.",
                            "Lidt for kort tid.",
                        ]
                    ),
                }
                if not Evaluation.objects.filter(family=family, offering=session.offering).exists():
                    _evaluate(
                        family,
                        session.ends_at.astimezone(CPH).date(),
                        answers,
                        offering=session.offering,
                    )


def _seed_supervision(
    rng: random.Random,
    today: dt.date,
    municipality: Municipality,
    institution: Institution,
    specialist: User,
    consultant: User,
    families: list[FosterFamily],
    themes: dict[str, Theme],
) -> None:
    pool = [f for f in families if rng.random() < 0.5]
    # Individual supervision courses: some closed with goal attainment, some running.
    for number, family in enumerate(pool[:4]):
        closed = number % 2 == 0
        opened = today - dt.timedelta(days=rng.randint(60, 200) if closed else rng.randint(10, 50))
        course = SupervisionCourse.objects.create(
            kind=SupervisionKind.INDIVIDUAL,
            status=SupervisionStatus.CLOSED if closed else SupervisionStatus.OPEN,
            municipality=municipality,
            institution=institution,
            supervisor=specialist,
            opened_by=consultant,
            title=f"Supervision for {family.name}",
            theme=themes["Tilknytningsteori"],
            problem="Barnet reagerer voldsomt ved overgange, især ved sengetid.",
            goal="Roligere overgange og aftener, som familien selv kan holde fast i.",
            planned_sessions=rng.choice([3, 5]),
            session_hours=rng.choice([Decimal("1.5"), Decimal("2.5")]),
            location=rng.choice([SupervisionLocation.HOME, SupervisionLocation.INSTITUTION]),
            consultant_takes_part=rng.random() < 0.5,
            opened_on=opened,
            closed_on=opened + dt.timedelta(days=50) if closed else None,
            goal_rating=rng.choice([3, 4, 5]) if closed else None,
            closing_summary="Familien har fået faste rutiner og sprog for barnets reaktioner."
            if closed
            else "",
        )
        course.families.set([family])
        held = course.planned_sessions if closed else 2
        for index in range(held):
            session = SupervisionSession.objects.create(
                course=course,
                starts_at=_local(opened + dt.timedelta(days=10 * index + 3), dt.time(10, 0)),
                hours=course.session_hours,
                location=course.location,
                delivered_by=specialist,
                consultant_present=course.consultant_takes_part,
                shared_notes="Vi har arbejdet med forudsigelighed ved overgange.",
                private_notes="Egne noter til næste gang.",
            )
            session.attended.set([family])
        _engage(
            family,
            institution,
            EngagementKind.SUPERVISION,
            opened,
            course.closed_on,
            f"competence.supervision:{course.uuid}",
        )
        if closed:
            assert course.closed_on is not None
            _evaluate(
                family,
                course.closed_on,
                {
                    "delivery": 5,
                    "usefulness": rng.choice([4, 5]),
                    "behaviour_change": rng.choice([3, 4, 5]),
                },
                course=course,
            )
    # One group supervision per institution, meeting every ~10 weeks.
    group = pool[4:9]
    if len(group) >= 3:
        opened = today - dt.timedelta(days=330)
        course = SupervisionCourse.objects.create(
            kind=SupervisionKind.GROUP,
            status=SupervisionStatus.OPEN,
            municipality=municipality,
            institution=institution,
            supervisor=specialist,
            opened_by=consultant,
            title=f"Gruppesupervision hos {institution.name}",
            theme=themes["Mentalisering"],
            planned_sessions=4,
            session_hours=Decimal("2.5"),
            location=SupervisionLocation.INSTITUTION,
            opened_on=opened,
        )
        course.families.set(group)
        for index in range(4):
            session = SupervisionSession.objects.create(
                course=course,
                starts_at=_local(opened + dt.timedelta(days=75 * index + 5), dt.time(17, 0)),
                hours=Decimal("2.5"),
                location=SupervisionLocation.INSTITUTION,
                delivered_by=specialist,
                shared_notes="Case om samvær og reaktioner bagefter.",
            )
            session.attended.set([f for f in group if rng.random() < 0.75])
        for family in group:
            _engage(
                family,
                institution,
                EngagementKind.SUPERVISION,
                opened,
                None,
                f"competence.supervision:{course.uuid}",
            )
    # København's consultative courses: referred, accepted and declined.
    if municipality.code == "101":
        for number, family in enumerate(pool[9:12]):
            status = [
                SupervisionStatus.OPEN,
                SupervisionStatus.REFERRED,
                SupervisionStatus.DECLINED,
            ][number]
            course = SupervisionCourse.objects.create(
                kind=SupervisionKind.CONSULTATIVE,
                status=status,
                municipality=municipality,
                institution=institution,
                supervisor=specialist if status == SupervisionStatus.OPEN else None,
                opened_by=consultant,
                title=f"Konsulterende forløb, {family.name}",
                theme=themes[["Kriminalitet", "Misbrug", "Psykiatriske diagnoser"][number]],
                problem="Nye symptomer hos den unge; familien har brug for sparring i hjemmet.",
                planned_sessions=5,
                session_hours=Decimal("2"),
                location=SupervisionLocation.HOME,
                opened_on=today - dt.timedelta(days=20)
                if status == SupervisionStatus.OPEN
                else None,
                decline_reason="Ingen ledig kapacitet før nytår."
                if status == SupervisionStatus.DECLINED
                else "",
            )
            course.families.set([family])
            if status == SupervisionStatus.OPEN:
                _engage(
                    family,
                    institution,
                    EngagementKind.REFERRAL,
                    today - dt.timedelta(days=20),
                    None,
                    f"competence.supervision:{course.uuid}",
                )
