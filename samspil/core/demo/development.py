"""Development plans (udviklingsplaner) in the demo data: most demo families (every family of a
main demo consultant, every family with a supervision course, four in five of the rest) get a
plan with two to four goals (goals and methods for the foster parents' work and the
collaboration), each responsible by the family, its consultant or a specialist of an institution
engaged with it, with progress notes and review dates; the family's supervision courses are
linked to the goal they work on.

What the demo shows on purpose: every main demo consultant (`konsulent.kbh`,
`konsulent.middelfart`, `konsulent.vejle`, `konsulent.vesthimmerland`) has reviews due in the
coming week and one overdue on their start page; the demo foster parent
(`plejeforaelder.vejle`) has a plan with notes of their own; some goals are achieved.

Written directly (no audit entries per record: `seed_demo` writes one entry for the whole demo).
Deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.competence.enums import SupervisionStatus
from samspil.competence.models import SupervisionCourse
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.models import ConsultantAssignment, Engagement, FosterFamily, FosterParent

CPH = ZoneInfo("Europe/Copenhagen")
MAIN_CONSULTANTS = (
    "konsulent.kbh",
    "konsulent.middelfart",
    "konsulent.vejle",
    "konsulent.vesthimmerland",
)
DEMO_PARENT = "plejeforaelder.vejle"
PLAN_SHARE = 0.8

PURPOSES = [
    "Planen skal give plejebarnet en rolig og forudsigelig hverdag og styrke samarbejdet "
    "med skolen og de biologiske forældre.",
    "Familien vil blive bedre til at forstå og rumme barnets reaktioner, så de kan skabe ro "
    "i svære situationer.",
    "Vi vil styrke familiens egen trivsel og netværk, så plejeforholdet holder, også når det "
    "er svært.",
    "Planen samler familiens mål for samværet med de biologiske forældre og for barnets skolegang.",
]

# (title, what we want to achieve, methods)
GOALS = [
    (
        "Rolige aftener og sengetid",
        "Barnet falder til ro ved sengetid de fleste aftener, uden konflikter.",
        "Fast aftenrutine med billedskema; plejeforældrene skiftes til at putte. Individuel "
        "supervision om overgange hos institutionen.",
    ),
    (
        "Godt samarbejde med skolen",
        "Skolen og familien taler sammen hver uge, og barnet møder op hver dag.",
        "Kontaktbog og et kort møde med klasselæreren hver måned; konsulenten deltager i "
        "det første møde.",
    ),
    (
        "Samvær med de biologiske forældre",
        "Samværet forløber roligt, og barnet er mindre uroligt dagene efter.",
        "Forberedelse af barnet dagen før, fast afslutning efter samværet; drøftes i "
        "gruppesupervisionen.",
    ),
    (
        "Forstå barnets reaktioner",
        "Plejeforældrene kan sætte ord på, hvad der ligger bag barnets udbrud.",
        "Mentaliserende samtaler i hverdagen; kursus i Tryghedscirklen; refleksion i supervision.",
    ),
    (
        "Egenomsorg og aflastning",
        "Plejeforældrene har en aften om ugen for sig selv og føler sig mindre slidte.",
        "Aftale om aflastning hos netværket; deltagelse i netværksgruppen.",
    ),
    (
        "Venskaber og fritidsliv",
        "Barnet går til en fast fritidsaktivitet og har en ven med hjem.",
        "Plejeforældrene følger barnet til de første gange og taler med træneren.",
    ),
    (
        "Overgangen til ungdomslivet",
        "Den unge har aftaler om skærmtid, lommepenge og hjemkomst, som holder.",
        "Ugentligt familiemøde; konsulenten hjælper med at inddrage sagsbehandleren.",
    ),
]

NOTES = [
    "Det går bedre; tre rolige aftener i sidste uge.",
    "Svær uge efter samværet, men vi kom hurtigere på plads igen.",
    "Aftalt med skolen at mødes hver anden uge i stedet.",
    "Supervisionen hjalp os med at se mønsteret; vi prøver den nye rutine.",
    "Opfølgning med familien: målet holder, vi fortsætter som aftalt.",
    "Barnet har selv foreslået, hvad der hjælper om aftenen.",
]
PARENT_NOTES = [
    "Vi synes, det går fremad. Det hjælper at have rutinen skrevet ned.",
    "En hård periode, men vi holder fast.",
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=CPH)


def _engaged_staff(today: dt.date) -> dict[int, list[User]]:
    """For every family, the specialists of the institutions engaged with it today."""
    engagements = Engagement.objects.filter(starts_on__lte=today).filter(
        Q(access_until__isnull=True) | Q(access_until__gte=today)
    )
    specialists: dict[int, list[User]] = defaultdict(list)
    for membership in Membership.objects.filter(role=Role.SPECIALIST).select_related("user"):
        if membership.institution_id is not None:
            specialists[membership.institution_id].append(membership.user)
    staff: dict[int, list[User]] = defaultdict(list)
    for family_id, institution_id in engagements.values_list("family_id", "institution_id"):
        for user in specialists.get(institution_id, []):
            if user not in staff[family_id]:
                staff[family_id].append(user)
    return staff


def seed_development(rng: random.Random, today: dt.date) -> None:
    """Create the development plans of the demo families (see the module docstring)."""
    assignments = list(
        ConsultantAssignment.objects.filter(ends_on__isnull=True, consultant__is_demo=True)
        .select_related("family", "consultant")
        .order_by("family__municipality__code", "family__name", "family_id")
    )
    staff = _engaged_staff(today)
    parents = {
        parent.family_id: parent.user
        for parent in FosterParent.objects.filter(user__isnull=False).select_related("user")
    }
    courses: dict[int, list[SupervisionCourse]] = defaultdict(list)
    for course in (
        SupervisionCourse.objects.exclude(status=SupervisionStatus.DECLINED)
        .prefetch_related("families")
        .order_by("created_at", "id")
    ):
        for member in course.families.all():
            courses[member.pk].append(course)
    due_given: set[str] = set()
    overdue_given: set[str] = set()
    for assignment in assignments:
        family: FosterFamily = assignment.family
        consultant: User = assignment.consultant
        parent = parents.get(family.pk)
        main = consultant.username in MAIN_CONSULTANTS
        if not (parent is not None or courses.get(family.pk) or main or rng.random() < PLAN_SHARE):
            continue
        plan = DevelopmentPlan.objects.create(
            family=family,
            purpose=rng.choice(PURPOSES),
            agreed_on=today - dt.timedelta(days=rng.randint(30, 400)),
            created_by=consultant,
        )
        chosen = rng.sample(GOALS, rng.randint(2, 4))
        goals: list[Goal] = []
        for position, (title, description, methods) in enumerate(chosen):
            status = rng.choices(
                [
                    GoalStatus.IN_PROGRESS,
                    GoalStatus.NOT_STARTED,
                    GoalStatus.ACHIEVED,
                    GoalStatus.PAUSED,
                ],
                weights=[60, 15, 18, 7],
            )[0]
            review_on: dt.date | None = today + dt.timedelta(days=rng.randint(10, 120))
            if main and position == 0 and consultant.username not in due_given:
                status, review_on = GoalStatus.IN_PROGRESS, today + dt.timedelta(days=3)
                due_given.add(consultant.username)
            elif main and position == 1 and consultant.username not in overdue_given:
                status, review_on = GoalStatus.IN_PROGRESS, today - dt.timedelta(days=4)
                overdue_given.add(consultant.username)
            elif main and rng.random() < 0.25:
                review_on = today + dt.timedelta(days=rng.randint(0, 6))
            if status == GoalStatus.ACHIEVED:
                review_on = None
            owners = staff.get(family.pk, [])
            pick = rng.random()
            owner: User | None = None
            if owners and pick < 0.3:
                owner = rng.choice(owners)
            elif pick < 0.6:
                owner = consultant
            goals.append(
                Goal.objects.create(
                    plan=plan,
                    position=position,
                    title=title,
                    description=description,
                    methods=methods,
                    owner_kind=GoalOwnerKind.PERSON if owner else GoalOwnerKind.FAMILY,
                    owner=owner,
                    status=status,
                    review_on=review_on,
                    created_by=consultant,
                )
            )
        notes: list[ProgressNote] = []
        for goal in goals:
            if goal.status == GoalStatus.NOT_STARTED:
                continue
            for number in range(rng.randint(0, 3)):
                author = goal.owner or consultant
                text = rng.choice(NOTES)
                if parent is not None and number == 0:
                    author, text = parent, rng.choice(PARENT_NOTES)
                notes.append(
                    ProgressNote(
                        goal=goal,
                        author=author,
                        text=text,
                        written_at=_at(today - dt.timedelta(days=rng.randint(1, 200))),
                    )
                )
        ProgressNote.objects.bulk_create(notes)
        open_goals = [goal for goal in goals if goal.is_open] or goals
        CourseLink.objects.bulk_create(
            [
                CourseLink(
                    plan=plan, goal=rng.choice(open_goals), course=course, linked_by=consultant
                )
                for course in courses.get(family.pk, [])
            ]
        )
