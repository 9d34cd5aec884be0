"""The competence part of the national data set: a specialist per institution, a year of
offerings per institution in its municipality's catalogue, enrolments with attendance and
waiting lists, individual and group supervision with their sessions, and evaluations (each
with its complete response in the course-evaluation instrument and the response's scores).
Built in memory from the already saved national records, then inserted in bulk."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
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
from samspil.measures.models import InstrumentVersion, Response, Score
from samspil.measures.services.responses import current_version
from samspil.organisations.models import Institution

CPH = ZoneInfo("Europe/Copenhagen")
OFFERINGS = [
    (OfferingKind.TALK, "Tilknytning i hverdagen", "Tilknytningsteori", 1, 2),
    (OfferingKind.TALK, "Teenageliv i plejefamilien", "Teenageproblematikker", 1, 2),
    (OfferingKind.HALF_DAY, "Mentalisering", "Mentalisering", 1, 4),
    (OfferingKind.WHOLE_DAY, "Tryghedscirklen", "Tryghedscirklen (Circle of Security)", 1, 6),
    (
        OfferingKind.COURSE_SERIES,
        "Samarbejde med forældrene",
        "Samarbejde med biologiske forældre og søskende",
        3,
        3,
    ),
    (OfferingKind.GROUP_SUPERVISION, "Gruppesupervision på en case", "Tilknytningsteori", 1, 3),
]
STARTS = [(dt.time(9, 30), 1), (dt.time(19, 0), 2), (dt.time(10, 0), 5)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _engagement(
    family: FosterFamily,
    institution: Institution,
    kind: EngagementKind,
    starts_on: dt.date,
    ends_on: dt.date | None,
    source: str,
) -> Engagement:
    grace = family.municipality.engagement_grace_days
    return Engagement(
        family=family,
        institution=institution,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        access_until=ends_on + dt.timedelta(days=grace) if ends_on else None,
        source=source,
    )


def _engagements(
    enrolments: Sequence[Enrolment], courses: Sequence[tuple[SupervisionCourse, FosterFamily]]
) -> list[Engagement]:
    """What the enrolments (with a place) and the supervision courses give the institutions:
    access to the families, as the services would have recorded it."""
    engagements = []
    for enrolment in enrolments:
        if enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        ends = enrolment.session.ends_at.astimezone(CPH).date()
        engagements.append(
            _engagement(
                enrolment.family,
                enrolment.session.offering.institution,
                EngagementKind.ENROLMENT,
                ends - dt.timedelta(days=21),
                ends,
                f"competence.enrolment:{enrolment.uuid}",
            )
        )
    for course, family in courses:
        assert course.opened_on is not None
        engagements.append(
            _engagement(
                family,
                course.institution,
                EngagementKind.SUPERVISION,
                course.opened_on,
                course.closed_on,
                f"competence.supervision:{course.uuid}",
            )
        )
    return engagements


def evaluation_response(
    version: InstrumentVersion,
    family: FosterFamily,
    offering: Offering,
    answered_on: dt.date,
    ratings: dict[str, int],
) -> Response:
    """The family's (unsaved) complete response in the course-evaluation instrument. Its UUID is
    derived from the family's and the offering's, so it is deterministic without drawing from
    the random generator (the rest of the data set stays as it was)."""
    return Response(
        uuid=uuid.uuid5(family.uuid, f"course-evaluation:{offering.uuid}"),
        instrument_version=version,
        municipality_id=family.municipality_id,
        family=family,
        respondent=Respondent.FOSTER_PARENT,
        answers=dict(ratings),
        flags=scoring.score(version.definition, ratings).flags,
        status=ResponseStatus.COMPLETE,
        answered_on=answered_on,
    )


def evaluation_scores(version: InstrumentVersion, responses: Sequence[Response]) -> list[Score]:
    """The score rows of saved `responses`, scored by the engine's pure scoring function."""
    scores = []
    for response in responses:
        assert response.answered_on is not None
        result = scoring.score(version.definition, response.answers)
        scores += [
            Score(
                response_id=response.pk,
                scale=scale,
                value=value,
                band=result.bands.get(scale) or "",
                band4=result.bands4.get(scale) or "",
                instrument_id=version.instrument_id,
                family_id=response.family_id,
                respondent=response.respondent,
                answered_on=response.answered_on,
            )
            for scale, value in result.scores.items()
        ]
    return scores


def generate_competence(
    *,
    rng: random.Random,
    today: dt.date,
    institutions: Sequence[Institution],
    families: Sequence[FosterFamily],
    consultant_of: Callable[[FosterFamily], User],
    make_user: Callable[[str, str, int], User],
    bulk_create: Callable[[type[models.Model], list[Any], str], None],
) -> dict[str, int]:
    """Build and insert the competence records; returns counts per kind. `make_user` creates
    (unsaved) national users; `bulk_create` inserts with progress."""
    themes = {theme.name: theme for theme in Theme.objects.all()}
    specialists: dict[int, User] = {}
    memberships: list[Membership] = []
    users: list[User] = []
    for number, institution in enumerate(institutions, 1):
        user = make_user("specialist", institution.municipality.code, number)
        users.append(user)
        specialists[institution.pk] = user
    bulk_create(User, users, "Saving specialists")
    for institution in institutions:
        memberships.append(
            Membership(
                user=specialists[institution.pk], role=Role.SPECIALIST, institution=institution
            )
        )
    bulk_create(Membership, memberships, "Saving specialist memberships")

    offerings: list[Offering] = []
    offering_themes: list[tuple[Offering, Theme]] = []
    for institution in institutions:
        for kind, title, theme, _count, _hours in OFFERINGS:
            offering = Offering(
                uuid=_uuid(rng),
                institution=institution,
                kind=kind,
                title=f"{title} – {institution.name}",
                description=f"{title}. Et tilbud til plejefamilier.",
                target_group="Plejefamilier",
                responsible=specialists[institution.pk],
                published=True,
            )
            offerings.append(offering)
            offering_themes.append((offering, themes[theme]))
    bulk_create(Offering, offerings, "Saving offerings")
    through = Offering.themes.through
    bulk_create(
        through,
        [through(offering_id=o.pk, theme_id=t.pk) for o, t in offering_themes],
        "Saving offering themes",
    )
    bulk_create(
        CatalogueEntry,
        [
            CatalogueEntry(
                municipality_id=o.institution.municipality_id,
                offering=o,
                mandatory=o.kind == OfferingKind.WHOLE_DAY,
            )
            for o in offerings
        ],
        "Saving catalogues",
    )

    sessions: list[Session] = []
    by_municipality: dict[int, list[Session]] = {}
    for index, offering in enumerate(offerings):
        kind_index = index % len(OFFERINGS)
        _kind, _title, _theme, count, hours = OFFERINGS[kind_index]
        start_time, weekday = STARTS[kind_index % len(STARTS)]
        first = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 120))
        first += dt.timedelta(days=(weekday - first.weekday()) % 7)
        for run in range(2):
            for number in range(count):
                day = first + dt.timedelta(days=182 * run + 14 * number)
                starts = _local(day, start_time)
                session = Session(
                    uuid=_uuid(rng),
                    offering=offering,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=hours),
                    place_kind=PlaceKind.INSTITUTION,
                    place=offering.institution.address,
                    capacity=rng.choice([8, 10, 12, 15, 20]),
                )
                sessions.append(session)
                by_municipality.setdefault(offering.institution.municipality_id, []).append(session)
    bulk_create(Session, sessions, "Saving sessions")

    enrolments: list[Enrolment] = []
    evaluations: list[Evaluation] = []
    version = current_version(Evaluation.INSTRUMENT)
    taken: dict[int, int] = {}
    evaluated: set[tuple[int, int]] = set()
    for family in families:
        pool = by_municipality.get(family.municipality_id, [])
        for session in rng.sample(pool, min(len(pool), rng.choice([0, 1, 2, 3]))):
            past = session.starts_at.date() < today
            full = taken.get(session.pk, 0) >= session.capacity
            if full and past:
                continue
            status = EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED
            attendance = ""
            if past:
                attendance = Attendance.ATTENDED if rng.random() < 0.88 else Attendance.NO_SHOW
            enrolments.append(
                Enrolment(
                    uuid=_uuid(rng),
                    session=session,
                    family=family,
                    status=status,
                    waitlisted_at=session.starts_at - dt.timedelta(days=7) if full else None,
                    attendance=attendance,
                )
            )
            if not full:
                taken[session.pk] = taken.get(session.pk, 0) + 1
            key = (family.pk, session.offering_id)
            if attendance == Attendance.ATTENDED and key not in evaluated and rng.random() < 0.5:
                evaluated.add(key)
                ratings = {
                    "delivery": rng.choice([3, 4, 4, 5, 5]),
                    "usefulness": rng.choice([2, 3, 4, 4, 5]),
                    "behaviour_change": rng.choice([2, 3, 3, 4, 5]),
                }
                response = evaluation_response(
                    version,
                    family,
                    session.offering,
                    session.ends_at.astimezone(CPH).date(),
                    ratings,
                )
                evaluations.append(
                    Evaluation(
                        family=family,
                        offering_id=session.offering_id,
                        response=response,
                        **ratings,
                    )
                )
    bulk_create(Enrolment, enrolments, "Saving enrolments")

    courses: list[SupervisionCourse] = []
    course_families: list[tuple[SupervisionCourse, FosterFamily]] = []
    by_municipality_institutions: dict[int, list[Institution]] = {}
    for institution in institutions:
        by_municipality_institutions.setdefault(institution.municipality_id, []).append(institution)
    for family in families:
        local = by_municipality_institutions.get(family.municipality_id)
        if not local or rng.random() >= 0.1:
            continue
        institution = rng.choice(local)
        closed = rng.random() < 0.5
        opened = today - dt.timedelta(days=rng.randint(20, 330))
        course = SupervisionCourse(
            uuid=_uuid(rng),
            kind=SupervisionKind.INDIVIDUAL,
            status=SupervisionStatus.CLOSED if closed else SupervisionStatus.OPEN,
            municipality_id=family.municipality_id,
            institution=institution,
            supervisor=specialists[institution.pk],
            opened_by=consultant_of(family),
            title=f"Supervision, {family.name}",
            problem="Udfordringer i hverdagen med barnet.",
            goal="Et roligere hverdagsliv.",
            planned_sessions=rng.choice([3, 5]),
            session_hours=rng.choice([Decimal("1.5"), Decimal("2.5")]),
            location=rng.choice([SupervisionLocation.HOME, SupervisionLocation.INSTITUTION]),
            opened_on=opened,
            closed_on=min(opened + dt.timedelta(days=60), today) if closed else None,
            goal_rating=rng.choice([3, 4, 5]) if closed else None,
            closing_summary="Målet er nået." if closed else "",
        )
        courses.append(course)
        course_families.append((course, family))
    bulk_create(SupervisionCourse, courses, "Saving supervision courses")
    families_through = SupervisionCourse.families.through
    bulk_create(
        families_through,
        [
            families_through(supervisioncourse_id=c.pk, fosterfamily_id=f.pk)
            for c, f in course_families
        ],
        "Saving supervision families",
    )
    supervision_sessions: list[SupervisionSession] = []
    attended: list[tuple[SupervisionSession, FosterFamily]] = []
    for course, family in course_families:
        held = course.planned_sessions if course.status == SupervisionStatus.CLOSED else 2
        assert course.opened_on is not None
        for number in range(held):
            meeting = SupervisionSession(
                uuid=_uuid(rng),
                course=course,
                starts_at=_local(
                    course.opened_on + dt.timedelta(days=9 * number + 2), dt.time(10, 0)
                ),
                hours=course.session_hours,
                location=course.location,
                delivered_by=specialists[course.institution_id],
                shared_notes="Noter til konsulenten.",
            )
            supervision_sessions.append(meeting)
            attended.append((meeting, family))
    bulk_create(SupervisionSession, supervision_sessions, "Saving supervision sessions")
    attended_through = SupervisionSession.attended.through
    bulk_create(
        attended_through,
        [attended_through(supervisionsession_id=s.pk, fosterfamily_id=f.pk) for s, f in attended],
        "Saving supervision attendance",
    )
    responses = [e.response for e in evaluations if e.response is not None]
    bulk_create(Response, responses, "Saving course-evaluation responses")
    bulk_create(Score, evaluation_scores(version, responses), "Saving course-evaluation scores")
    bulk_create(Evaluation, evaluations, "Saving evaluations")
    engagements = _engagements(enrolments, course_families)
    bulk_create(Engagement, engagements, "Saving engagements from competence")
    return {
        "competence_engagements": len(engagements),
        "specialists": len(users),
        "offerings": len(offerings),
        "sessions": len(sessions),
        "enrolments": len(enrolments),
        "supervision_courses": len(courses),
        "supervision_sessions": len(supervision_sessions),
        "evaluations": len(evaluations),
    }
