"""Deterministic synthetic data at national scale: all 98 municipalities, about 10,000 foster
families and 14,000 children with five years of placement history, staff in proportion, a year
of competence development (`national_competence.py`), of network groups and mentor families
(`national_networks.py`: about 800 groups, 250 mentorships) and of the hotline
(`national_hotline.py`: a hotline per municipality, its shifts, about 20,000 calls with their
follow-ups).

Used by `python manage.py generate_national` and by `make bench` (see BENCHMARKS.md). Everything
is written with `bulk_create` in batches, so the full data set takes minutes, not hours.

The national data is told apart from the demo data and from real records by markers:

* users: the username prefix `nat.` (e.g. `nat.konsulent.101.3`);
* foster families and institutions: e-mail addresses at `national.samspil.example`;
* collaborations: the description `NATIONAL_DESCRIPTION`;
* children: every placement they have is with a national foster family.
* network groups, mentorships, pools and separations: a national family or user takes part;
* hotlines: the name suffix `NATIONAL_SUFFIX` (national_hotline.py) or a national team leader.

`delete_national` removes exactly that data (never audit entries: the log is append-only).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from django.db import connection, models, transaction
from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.audit.services import log_action
from samspil.competence.models import (
    Enrolment,
    Evaluation,
    Offering,
    Session,
    SupervisionCourse,
    SupervisionSession,
)
from samspil.core.demo.names import CHILD_NAMES, FIRST_NAMES_F, FIRST_NAMES_M, STREETS, SURNAMES
from samspil.core.demo.national_competence import generate_competence
from samspil.core.demo.national_development import generate_development
from samspil.core.demo.national_hotline import (
    HotlinePlace,
    delete_national_hotline,
    generate_hotline,
)
from samspil.core.demo.national_measures import generate_measures
from samspil.core.demo.national_networks import generate_networks
from samspil.core.demo.national_transitions import (
    delete_national_transitions,
    generate_transitions,
)
from samspil.core.demo.seed import COMPETENCE_AREAS, TODAY
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from samspil.families.enums import EngagementKind, FamilyKind, PlacementEndReason
from samspil.families.models import (
    Child,
    ConsultantAssignment,
    Engagement,
    FosterFamily,
    FosterParent,
    Placement,
)
from samspil.hotline.models import Call, FollowUp, Hotline, RotaMember, Shift, StaffingRule
from samspil.measures.models import Measurement, Response, Score
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    MentorContact,
    MentorProfile,
    Mentorship,
    NetworkGroup,
    Pool,
    Separation,
    Topic,
)
from samspil.organisations.enums import InstitutionKind, OwnerKind
from samspil.organisations.models import Collaboration, CompetenceArea, Institution, Municipality
from samspil.transitions.models import (
    Advice,
    ChildInvolvement,
    CollaborationMeeting,
    DischargePlan,
    PlanStep,
    Transition,
)

SEED = 20261101
USERNAME_PREFIX = "nat."
EMAIL_DOMAIN = "national.samspil.example"
NATIONAL_DESCRIPTION = "Syntetiske nationale data (generate_national)."
# Engagements of other kinds come with their own records (e.g. a network group's).
GENERIC_ENGAGEMENT_KINDS = [k for k in EngagementKind if k != EngagementKind.NETWORK_GROUP]
BATCH_SIZE = 2000

# Targets at scale 1.0.
FAMILIES = 10_000
CHILDREN = 14_000
INSTITUTIONS = 300
FAMILIES_PER_CONSULTANT = 25
CHILDREN_PER_CASE_WORKER = 40
HISTORY_YEARS = 5

MUNICIPALITIES_CSV = (
    Path(__file__).resolve().parents[2] / "organisations" / "data" / "municipalities.csv"
)

# Approximate population in thousands (2024), the deterministic weight for distributing
# families, children and institutions. A municipality missing here weighs 40.
POPULATION_THOUSANDS: dict[str, float] = {
    "101": 660, "147": 105, "151": 52, "153": 39, "155": 15, "157": 75, "159": 70, "161": 24,
    "163": 30, "165": 28, "167": 54, "169": 58, "173": 57, "175": 41, "183": 24, "185": 44,
    "187": 17, "190": 41, "201": 26, "210": 41, "217": 64, "219": 53, "223": 25, "230": 57,
    "240": 44, "250": 46, "253": 51, "259": 62, "260": 31, "265": 90, "269": 24, "270": 42,
    "306": 33, "316": 73, "320": 37, "326": 49, "329": 36, "330": 80, "336": 23, "340": 30,
    "350": 29, "360": 40, "370": 84, "376": 60, "390": 45, "400": 39, "410": 39, "420": 41,
    "430": 52, "440": 24, "450": 32, "461": 207, "479": 59, "480": 29, "482": 12, "492": 6,
    "510": 55, "530": 27, "540": 73, "550": 37, "561": 116, "563": 3.5, "573": 50, "575": 43,
    "580": 58, "607": 52, "615": 100, "621": 95, "630": 121, "657": 90, "661": 59, "665": 19,
    "671": 21, "706": 43, "707": 37, "710": 50, "727": 23, "730": 99, "740": 100, "741": 3.7,
    "746": 64, "751": 365, "756": 42, "760": 56, "766": 47, "773": 20, "779": 46, "787": 43,
    "791": 98, "810": 37, "813": 58, "820": 37, "825": 1.8, "840": 31, "846": 42, "849": 39,
    "851": 222, "860": 64,
}  # fmt: skip
LARGE_MUNICIPALITY_THOUSANDS = 60  # from here on a municipality has two leaders

INSTITUTION_NAMES = [
    "Egely", "Bakkely", "Solgården", "Lærkereden", "Fyrretoppen", "Kastanjegården", "Havblik",
    "Engbo", "Skovly", "Ådalen", "Møllehøj", "Pilegården", "Stjernehuset", "Bøgely", "Nordlys",
    "Granly", "Kildebakken", "Ravnsborg", "Vibehuset", "Toftegården", "Rønnebo", "Fuglsang",
    "Hyldebo", "Søbakken", "Tjørnely", "Birkely", "Elmegården", "Strandly", "Lyngbo", "Valmuen",
]  # fmt: skip
INSTITUTION_PREFIX = {
    InstitutionKind.DOEGNINSTITUTION: "Døgninstitutionen",
    InstitutionKind.OPHOLDSSTED: "Opholdsstedet",
    InstitutionKind.DISABILITY: "Børnehuset",
}
END_REASON_WEIGHTS = {
    PlacementEndReason.BREAKDOWN: 20,
    PlacementEndReason.PLANNED: 25,
    PlacementEndReason.HOME: 20,
    PlacementEndReason.OTHER_FAMILY: 15,
    PlacementEndReason.INSTITUTION: 8,
    PlacementEndReason.ADULT: 7,
    PlacementEndReason.OTHER: 5,
}

_M = TypeVar("_M", bound=models.Model)


class NationalDataExistsError(Exception):
    """National data is present and the caller did not ask for a reset."""


class ProgressBar(Protocol):
    """What `generate_national` needs from a progress bar (a `tqdm` instance fits)."""

    def update(self, n: float | None = 1) -> bool | None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str, int], ProgressBar]  # (description, total) -> bar


class _SilentBar:
    def update(self, n: float | None = 1) -> bool | None:
        return None

    def close(self) -> None:
        return None


def no_progress(description: str, total: int) -> ProgressBar:
    """The default progress factory: shows nothing."""
    return _SilentBar()


@dataclass(frozen=True)
class MunicipalityRow:
    code: str
    name: str
    region: str
    postcode: str
    city: str


@dataclass
class NationalCounts:
    municipalities: int = 0
    users: int = 0
    consultants: int = 0
    leaders: int = 0
    case_workers: int = 0
    institutions: int = 0
    collaborations: int = 0
    families: int = 0
    foster_parents: int = 0
    consultant_assignments: int = 0
    children: int = 0
    placements: int = 0
    ended_placements: int = 0
    breakdowns: int = 0
    engagements: int = 0
    specialists: int = 0
    offerings: int = 0
    sessions: int = 0
    enrolments: int = 0
    supervision_courses: int = 0
    supervision_sessions: int = 0
    evaluations: int = 0
    competence_engagements: int = 0
    network_groups: int = 0
    group_memberships: int = 0
    network_meetings: int = 0
    meeting_attendance: int = 0
    topics: int = 0
    network_engagements: int = 0
    mentor_profiles: int = 0
    mentorships: int = 0
    mentor_contacts: int = 0
    hotlines: int = 0
    hotline_shifts: int = 0
    hotline_calls: int = 0
    hotline_follow_ups: int = 0
    development_plans: int = 0
    development_goals: int = 0
    progress_notes: int = 0
    development_course_links: int = 0
    transitions: int = 0
    transition_steps: int = 0
    transition_meetings: int = 0
    transition_advice: int = 0
    transition_engagements: int = 0
    measurements: int = 0
    responses: int = 0
    scores: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Place:
    """One municipality while it is being generated (in memory, before the inserts)."""

    row: MunicipalityRow
    municipality: Municipality
    family_count: int
    child_count: int
    institution_count: int
    consultants: list[User] = field(default_factory=list)
    case_workers: list[User] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    families: list[FosterFamily] = field(default_factory=list)


def read_municipalities() -> list[MunicipalityRow]:
    """The 98 municipalities as shipped in organisations/data/municipalities.csv."""
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return [
            MunicipalityRow(
                code=row["code"],
                name=row["name"],
                region=row["region"],
                postcode=row["postcode"],
                city=row["city"],
            )
            for row in csv.DictReader(handle)
        ]


def allocate(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Split `total` over `weights` (largest remainder), every share at least `minimum`.
    The result sums to max(total, minimum * len(weights))."""
    count = len(weights)
    total = max(total, minimum * count)
    spare = total - minimum * count
    weight_sum = sum(weights)
    exact = [spare * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    leftover = spare - sum(shares)
    by_remainder = sorted(range(count), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:leftover]:
        shares[index] += 1
    return [share + minimum for share in shares]


def national_exists() -> bool:
    """Whether national data is present (any user with the national username prefix or any
    family with the national e-mail domain)."""
    return (
        User.objects.filter(username__startswith=USERNAME_PREFIX).exists()
        or FosterFamily.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    )


def national_username(role: str, code: str, number: int) -> str:
    """E.g. `nat.konsulent.101.3`: never collides with the demo users (`konsulent.kbh`)."""
    return f"{USERNAME_PREFIX}{role}.{code}.{number}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _ascii(text: str) -> str:
    return text.lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa").replace(" ", "")


def _phone(rng: random.Random) -> str:
    return " ".join(str(rng.randint(10, 99)) for _ in range(4))


def _bulk_create(
    model: type[_M], objects: list[_M], progress: ProgressFactory, description: str
) -> None:
    """INSERT `objects` in batches of BATCH_SIZE, showing progress. Sets their primary keys."""
    bar = progress(description, len(objects))
    try:
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
            bar.update(len(batch))
    finally:
        bar.close()


def _analyze(tables: Sequence[type[models.Model]]) -> None:
    """On PostgreSQL, ANALYZE the tables just filled: without fresh statistics the planner
    takes the new tables for small ones (e.g. a family's placements joined through every child)
    until autovacuum catches up, at a moment no benchmark can predict. SQLite keeps no
    statistics unless ANALYZE was run before, so it is left as it is."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _track(
    items: Sequence[_Place], progress: ProgressFactory, description: str
) -> Iterator[_Place]:
    bar = progress(description, len(items))
    try:
        for item in items:
            yield item
            bar.update(1)
    finally:
        bar.close()


class _Generator:
    """Builds the whole data set in memory, phase by phase, then inserts it in bulk."""

    def __init__(self, scale: float, progress: ProgressFactory) -> None:
        self.rng = random.Random(SEED)
        self.scale = scale
        self.progress = progress
        self.counts = NationalCounts()
        self.users: list[User] = []
        self.memberships: list[Membership] = []
        self.institutions: list[Institution] = []
        self.institution_areas: list[tuple[Institution, CompetenceArea]] = []
        self.collaborations: list[Collaboration] = []
        self.collaboration_municipalities: list[tuple[Collaboration, Municipality]] = []
        self.collaboration_institutions: list[tuple[Collaboration, Institution]] = []
        self.families: list[FosterFamily] = []
        self.parents: list[FosterParent] = []
        self.assignments: list[ConsultantAssignment] = []
        self.engagements: list[Engagement] = []
        self.children: list[Child] = []
        self.placements: list[Placement] = []

    # -- building -------------------------------------------------------------------------

    def places(self) -> list[_Place]:
        rows = read_municipalities()
        by_code = Municipality.objects.in_bulk([row.code for row in rows], field_name="code")
        missing = [row.code for row in rows if row.code not in by_code]
        if missing:
            raise RuntimeError(f"Municipalities missing from the database: {missing}")
        weights = [POPULATION_THOUSANDS.get(row.code, 40.0) for row in rows]
        families = allocate(round(FAMILIES * self.scale), weights)
        children = allocate(round(CHILDREN * self.scale), weights)
        institutions = allocate(round(INSTITUTIONS * self.scale), weights)
        return [
            _Place(
                row=row,
                municipality=by_code[row.code],
                family_count=families[index],
                child_count=children[index],
                institution_count=institutions[index],
            )
            for index, row in enumerate(rows)
        ]

    def user(self, role: str, code: str, number: int, female: bool | None = None) -> User:
        rng = self.rng
        female = rng.random() < 0.7 if female is None else female
        username = national_username(role, code, number)
        user = User(
            username=username,
            uuid=_uuid(rng),
            first_name=rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M),
            last_name=rng.choice(SURNAMES),
            email=f"{username}@{EMAIL_DOMAIN}",
            phone=_phone(rng),
        )
        user.set_unusable_password()
        self.users.append(user)
        return user

    def staff(self, place: _Place, areas: list[CompetenceArea]) -> None:
        """Consultants, leaders, case workers, institutions and the collaboration of `place`."""
        rng = self.rng
        code = place.row.code
        municipality = place.municipality
        for number in range(1, max(1, round(place.family_count / FAMILIES_PER_CONSULTANT)) + 1):
            consultant = self.user("konsulent", code, number)
            place.consultants.append(consultant)
            self.memberships.append(
                Membership(user=consultant, role=Role.CONSULTANT, municipality=municipality)
            )
        population = POPULATION_THOUSANDS.get(code, 40.0)
        for number in range(1, (2 if population >= LARGE_MUNICIPALITY_THOUSANDS else 1) + 1):
            leader = self.user("leder", code, number)
            self.memberships.append(
                Membership(user=leader, role=Role.LEADER, municipality=municipality)
            )
            self.counts.leaders += 1
        for number in range(1, max(1, round(place.child_count / CHILDREN_PER_CASE_WORKER)) + 1):
            case_worker = self.user("raadgiver", code, number)
            place.case_workers.append(case_worker)
            self.memberships.append(
                Membership(user=case_worker, role=Role.CASE_WORKER, municipality=municipality)
            )
        self.counts.consultants += len(place.consultants)
        self.counts.case_workers += len(place.case_workers)

        names = rng.sample(INSTITUTION_NAMES, min(place.institution_count, len(INSTITUTION_NAMES)))
        for index in range(place.institution_count):
            kind = rng.choices(list(InstitutionKind), weights=[45, 40, 15])[0]
            municipal_share = {
                InstitutionKind.DOEGNINSTITUTION: 0.7,
                InstitutionKind.OPHOLDSSTED: 0.15,
                InstitutionKind.DISABILITY: 0.8,
            }[kind]
            owner = OwnerKind.MUNICIPAL if rng.random() < municipal_share else OwnerKind.PRIVATE
            base = names[index % len(names)]
            suffix = f" {index // len(names) + 1}" if index >= len(names) else ""
            name = f"{INSTITUTION_PREFIX[kind]} {base}{suffix}"
            institution = Institution(
                name=name,
                kind=kind,
                owner_kind=owner,
                owner_municipality=municipality if owner == OwnerKind.MUNICIPAL else None,
                municipality=municipality,
                address=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
                postcode=place.row.postcode,
                phone=_phone(rng),
                email=f"{_ascii(base)}.{code}.{index}@{EMAIL_DOMAIN}",
                places=rng.randint(6, 40),
            )
            place.institutions.append(institution)
            self.institutions.append(institution)
            for area in rng.sample(areas, rng.randint(2, 4)):
                self.institution_areas.append((institution, area))

        collaboration = Collaboration(
            name=f"Samarbejdsmodellen i {place.row.name} (nationale data)",
            description=NATIONAL_DESCRIPTION,
            starts_on=dt.date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
        )
        self.collaborations.append(collaboration)
        self.collaboration_municipalities.append((collaboration, municipality))
        for institution in place.institutions:
            self.collaboration_institutions.append((collaboration, institution))

    def family_records(self, place: _Place) -> None:
        """The families of `place` with their parents, consultants (with history) and
        engagements."""
        rng = self.rng
        code = place.row.code
        consultants = list(place.consultants)
        rng.shuffle(consultants)
        for index in range(place.family_count):
            surname = rng.choice(SURNAMES)
            approved = TODAY - _days(rng, 120, 365 * 20)
            since = max(approved, dt.date(2019, 1, 1))
            email = f"{_ascii(surname)}.{code}.{index}@{EMAIL_DOMAIN}"
            family = FosterFamily(
                uuid=_uuid(rng),
                municipality=place.municipality,
                name=f"Familien {surname}",
                kind=rng.choices(list(FamilyKind), weights=[60, 20, 10, 10])[0],
                approved_on=approved,
                address=f"{rng.choice(STREETS)} {rng.randint(1, 160)}",
                postcode=place.row.postcode,
                city=place.row.city,
                phone=_phone(rng),
                email=email,
                prefers_weekday_daytime=rng.random() < 0.4,
                prefers_evenings=rng.random() < 0.6,
                prefers_weekends=rng.random() < 0.3,
                in_model_since=(
                    since + _days(rng, 0, max(0, (TODAY - since).days - 30))
                    if rng.random() < 0.8
                    else None
                ),
            )
            place.families.append(family)
            self.families.append(family)
            female_first = rng.random() < 0.8
            self.parents.append(
                FosterParent(
                    uuid=_uuid(rng),
                    family=family,
                    first_name=rng.choice(FIRST_NAMES_F if female_first else FIRST_NAMES_M),
                    last_name=surname,
                    phone=family.phone,
                    email=email,
                )
            )
            if rng.random() < 0.7:
                self.parents.append(
                    FosterParent(
                        uuid=_uuid(rng),
                        family=family,
                        first_name=rng.choice(FIRST_NAMES_M if female_first else FIRST_NAMES_F),
                        last_name=surname if rng.random() < 0.6 else rng.choice(SURNAMES),
                        phone=_phone(rng),
                    )
                )
            self.assign_consultants(family, consultants[index % len(consultants)], consultants)
            if place.institutions and rng.random() < 0.15:
                self.engage(place, family)

    def assign_consultants(
        self, family: FosterFamily, current: User, consultants: list[User]
    ) -> None:
        """One current assignment; for about a third of families one or two earlier ones."""
        rng = self.rng
        others = [consultant for consultant in consultants if consultant is not current]
        changes = 0
        if others and rng.random() < 0.3:
            changes = 2 if rng.random() < 0.25 else 1
        start = family.approved_on
        switches = sorted(start + _days(rng, 30, (TODAY - start).days - 1) for _ in range(changes))
        for switch in switches:
            self.assignments.append(
                ConsultantAssignment(
                    family=family,
                    consultant=rng.choice(others),
                    starts_on=start,
                    ends_on=switch,
                    reason=rng.choice(["Omfordeling", "Konsulent fratrådt", "Ønske fra familien"]),
                )
            )
            start = switch
        self.assignments.append(
            ConsultantAssignment(family=family, consultant=current, starts_on=start)
        )

    def engage(self, place: _Place, family: FosterFamily) -> None:
        rng = self.rng
        starts = TODAY - _days(rng, 14, 730)
        ends = None
        if rng.random() < 0.4:
            ends = min(starts + _days(rng, 30, 365), TODAY - dt.timedelta(days=1))
            ends = max(ends, starts)
        grace = place.municipality.engagement_grace_days
        self.engagements.append(
            Engagement(
                family=family,
                institution=rng.choice(place.institutions),
                kind=rng.choice(GENERIC_ENGAGEMENT_KINDS),
                starts_on=starts,
                ends_on=ends,
                access_until=ends + dt.timedelta(days=grace) if ends else None,
            )
        )

    def child_records(self, place: _Place, region_places: list[_Place]) -> None:
        """The children whose acting municipality is `place`, each with a chain of one to
        three placements within the last HISTORY_YEARS years (some ended, some broken down).
        About 8 % are placed with a family in another municipality of the same region."""
        rng = self.rng
        window_start = TODAY - dt.timedelta(days=365 * HISTORY_YEARS)
        own_families = list(place.families)
        rng.shuffle(own_families)
        neighbours = [other for other in region_places if other is not place] or [place]
        for index in range(place.child_count):
            born = TODAY - _days(rng, 365, 365 * 17 + 200)
            child = Child(
                uuid=_uuid(rng),
                municipality=place.municipality,
                first_name=rng.choice(CHILD_NAMES),
                last_name=rng.choice(SURNAMES),
                date_of_birth=born,
                case_worker=rng.choice(place.case_workers) if rng.random() < 0.9 else None,
            )
            self.children.append(child)
            if rng.random() < 0.08:
                family = rng.choice(rng.choice(neighbours).families)
            else:
                family = own_families[index % len(own_families)]
            earliest = max(window_start, born + dt.timedelta(days=60))
            start = earliest + _days(rng, 0, max(0, (TODAY - earliest).days - 14))
            for link in range(3):
                start = max(start, family.approved_on + dt.timedelta(days=14))
                end: dt.date | None = None
                reason = ""
                if rng.random() < 0.55:
                    end = start + _days(rng, 30, 1200)
                    if end >= TODAY:
                        end = None
                if end is not None:
                    reason = rng.choices(
                        list(END_REASON_WEIGHTS), weights=list(END_REASON_WEIGHTS.values())
                    )[0]
                    if reason == PlacementEndReason.ADULT and (end - born).days < 365 * 17:
                        reason = PlacementEndReason.PLANNED
                    self.counts.ended_placements += 1
                    self.counts.breakdowns += int(reason == PlacementEndReason.BREAKDOWN)
                self.placements.append(
                    Placement(
                        uuid=_uuid(rng),
                        child=child,
                        family=family,
                        starts_on=start,
                        ends_on=end,
                        end_reason=reason,
                    )
                )
                moves_on = reason in {PlacementEndReason.BREAKDOWN, PlacementEndReason.OTHER_FAMILY}
                if end is None or not moves_on or link == 2:
                    break
                start = end + _days(rng, 0, 30)
                if start >= TODAY - dt.timedelta(days=7):
                    break
                others = [f for f in own_families if f is not family] or own_families
                family = rng.choice(others)

    # -- writing --------------------------------------------------------------------------

    def save(self) -> None:
        """INSERT everything built, in dependency order."""
        progress = self.progress
        _bulk_create(User, self.users, progress, "Saving users")
        _bulk_create(Membership, self.memberships, progress, "Saving memberships")
        _bulk_create(Institution, self.institutions, progress, "Saving institutions")
        area_through = Institution.competence_areas.through
        _bulk_create(
            area_through,
            [
                area_through(institution_id=institution.pk, competencearea_id=area.pk)
                for institution, area in self.institution_areas
            ],
            progress,
            "Saving competence areas",
        )
        _bulk_create(Collaboration, self.collaborations, progress, "Saving collaborations")
        municipality_through = Collaboration.municipalities.through
        institution_through = Collaboration.institutions.through
        _bulk_create(
            municipality_through,
            [
                municipality_through(collaboration_id=c.pk, municipality_id=m.pk)
                for c, m in self.collaboration_municipalities
            ],
            progress,
            "Saving collaboration municipalities",
        )
        _bulk_create(
            institution_through,
            [
                institution_through(collaboration_id=c.pk, institution_id=i.pk)
                for c, i in self.collaboration_institutions
            ],
            progress,
            "Saving collaboration institutions",
        )
        _bulk_create(FosterFamily, self.families, progress, "Saving families")
        _bulk_create(FosterParent, self.parents, progress, "Saving foster parents")
        _bulk_create(ConsultantAssignment, self.assignments, progress, "Saving assignments")
        _bulk_create(Engagement, self.engagements, progress, "Saving engagements")
        _bulk_create(Child, self.children, progress, "Saving children")
        _bulk_create(Placement, self.placements, progress, "Saving placements")
        _analyze(
            [
                User,
                Membership,
                Institution,
                area_through,
                Collaboration,
                municipality_through,
                institution_through,
                FosterFamily,
                FosterParent,
                ConsultantAssignment,
                Engagement,
                Child,
                Placement,
            ]
        )

    def run(self) -> NationalCounts:
        areas = [CompetenceArea.objects.get_or_create(name=name)[0] for name in COMPETENCE_AREAS]
        places = self.places()
        for place in _track(places, self.progress, "Municipalities and staff"):
            self.staff(place, areas)
        for place in _track(places, self.progress, "Families"):
            self.family_records(place)
        by_region: dict[str, list[_Place]] = {}
        for place in places:
            by_region.setdefault(place.row.region, []).append(place)
        for place in _track(places, self.progress, "Children and placements"):
            self.child_records(place, by_region[place.row.region])
        self.save()
        current = {a.family_id: a.consultant for a in self.assignments if a.ends_on is None}
        competence = generate_competence(
            rng=self.rng,
            today=TODAY,
            institutions=self.institutions,
            families=self.families,
            consultant_of=lambda family: current[family.pk],
            make_user=lambda role, code, number: self.user(role, code, number),
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze(
            [
                *(Offering, Session, Enrolment, SupervisionCourse, SupervisionSession),
                *(Evaluation, Response, Score),
            ]
        )
        networks = generate_networks(
            rng=self.rng,
            today=TODAY,
            families=self.families,
            consultants={place.municipality.pk: place.consultants for place in places},
            institutions=self.institutions,
            consultant_of=lambda family: current[family.pk],
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze(
            [
                NetworkGroup,
                GroupMembership,
                Meeting,
                Meeting.attendees.through,
                Topic,
                Engagement,
                MentorProfile,
                Mentorship,
                MentorContact,
            ]
        )
        leaders: dict[int, User] = {}
        for membership in self.memberships:
            if membership.role == Role.LEADER and membership.municipality_id is not None:
                leaders.setdefault(membership.municipality_id, membership.user)
        hotline = generate_hotline(
            rng=self.rng,
            today=TODAY,
            scale=self.scale,
            places=[
                HotlinePlace(
                    municipality=place.municipality,
                    consultants=place.consultants,
                    leader=leaders[place.municipality.pk],
                    institutions=place.institutions,
                    families=place.families,
                )
                for place in places
            ],
            consultant_of=lambda family: current[family.pk],
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze([Hotline, StaffingRule, RotaMember, Shift, Call, FollowUp])
        development = generate_development(
            rng=self.rng,
            today=TODAY,
            families=self.families,
            consultant_of=lambda family: current[family.pk],
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze([DevelopmentPlan, Goal, ProgressNote, CourseLink])
        transitions = generate_transitions(
            rng=self.rng,
            today=TODAY,
            placements=self.placements,
            institutions=self.institutions,
            consultant_of=lambda family: current[family.pk],
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze(
            [
                Transition,
                DischargePlan,
                PlanStep,
                CollaborationMeeting,
                CollaborationMeeting.staff.through,
                ChildInvolvement,
                Advice,
                Engagement,
            ]
        )
        measures = generate_measures(
            rng=self.rng,
            today=TODAY,
            families=self.families,
            placements=self.placements,
            bulk_create=lambda model, objects, description: _bulk_create(
                model, objects, self.progress, description
            ),
        )
        _analyze([Measurement, Response, Score])
        counts = self.counts
        for name, number in [
            *competence.items(),
            *networks.items(),
            *hotline.items(),
            *development.items(),
            *transitions.items(),
            *measures.items(),
        ]:
            setattr(counts, name, number)
        counts.municipalities = len(places)
        counts.users = len(self.users)
        counts.institutions = len(self.institutions)
        counts.collaborations = len(self.collaborations)
        counts.families = len(self.families)
        counts.foster_parents = len(self.parents)
        counts.consultant_assignments = len(self.assignments)
        counts.children = len(self.children)
        counts.placements = len(self.placements)
        counts.engagements = len(self.engagements)
        return counts


@transaction.atomic
def delete_national() -> dict[str, int]:
    """Delete the national data set (see the module docstring for how it is recognised).

    Side effects: DELETEs of national users, memberships, institutions, collaborations,
    families (with their parents, assignments and engagements), children and placements, of
    the network groups, mentorships, pools and separations they are part of, and of the
    national hotlines with their shifts, calls and follow-ups.
    Nothing is written to, or deleted from, the audit log. Returns the number of rows deleted
    per model label.
    """
    families = FosterFamily.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    users = User.objects.filter(username__startswith=USERNAME_PREFIX)
    institutions = Institution.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    child_ids = list(
        Child.objects.filter(placements__family__in=families)
        .exclude(placements__family__in=FosterFamily.objects.exclude(pk__in=families))
        .values_list("pk", flat=True)
        .distinct()
    )
    deleted: dict[str, int] = {}

    def count(result: tuple[int, dict[str, int]]) -> None:
        for label, number in result[1].items():
            deleted[label] = deleted.get(label, 0) + number

    for result in delete_national_hotline(
        users=users, families=families, institutions=institutions
    ):
        count(result)
    in_national_groups = GroupMembership.objects.filter(family__in=families).values("group_id")
    count(
        NetworkGroup.objects.filter(
            Q(facilitator__in=users) | Q(pk__in=in_national_groups)
        ).delete()
    )
    count(
        Mentorship.objects.filter(
            Q(mentor__in=families) | Q(mentee__in=families) | Q(brokered_by__in=users)
        ).delete()
    )
    count(Pool.objects.filter(created_by__in=users).delete())
    count(
        Separation.objects.filter(
            Q(recorded_by__in=users) | Q(family_a__in=families) | Q(family_b__in=families)
        ).delete()
    )
    count(delete_national_transitions(families=families, users=users, institutions=institutions))
    count(SupervisionCourse.objects.filter(institution__in=institutions).delete())
    count(Offering.objects.filter(institution__in=institutions).delete())
    count(Placement.objects.filter(family__in=families).delete())
    for start in range(0, len(child_ids), BATCH_SIZE):
        count(Child.objects.filter(pk__in=child_ids[start : start + BATCH_SIZE]).delete())
    Child.objects.filter(case_worker__in=users).update(case_worker=None)
    count(
        Engagement.objects.filter(Q(family__in=families) | Q(institution__in=institutions)).delete()
    )
    count(families.delete())
    count(Membership.objects.filter(Q(user__in=users) | Q(institution__in=institutions)).delete())
    count(users.delete())
    count(Collaboration.objects.filter(description=NATIONAL_DESCRIPTION).delete())
    count(institutions.delete())
    return deleted


@transaction.atomic
def generate_national(
    *, scale: float = 1.0, reset: bool = False, progress: ProgressFactory = no_progress
) -> NationalCounts:
    """Create the national data set, `scale` times the national targets (every municipality
    gets at least one family, child, institution, consultant, leader and case worker).
    Deterministic: the same scale gives the same names, dates and UUIDs.

    Side effects: with `reset`, first deletes existing national data (`delete_national`); bulk
    INSERTs of every record; on PostgreSQL, ANALYZE of the tables written; one audit entry
    "core.demo.generate_national" with the counts.
    Raises NationalDataExistsError when national data exists and `reset` is False.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    deleted: dict[str, int] = {}
    if national_exists():
        if not reset:
            raise NationalDataExistsError("National data already exists.")
        deleted = delete_national()
    counts = _Generator(scale, progress).run()
    data: dict[str, Any] = {"scale": scale, "reset": reset, **counts.as_dict()}
    if deleted:
        data["deleted"] = sum(deleted.values())
    log_action(
        "core.demo.generate_national", actor=None, actor_label="generate_national", data=data
    )
    return counts
