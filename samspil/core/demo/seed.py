"""Deterministic demo data for the four municipalities of the intervention description
(København, Middelfart, Vejle, Vesthimmerland). Demo users are named by role and place."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.audit.services import log_action
from samspil.core.demo.competence import seed_competence
from samspil.core.demo.development import seed_development
from samspil.core.demo.hotline import seed_hotline
from samspil.core.demo.measures import seed_measures
from samspil.core.demo.names import CHILD_NAMES, FIRST_NAMES_F, FIRST_NAMES_M, STREETS, SURNAMES
from samspil.core.demo.networks import seed_networks
from samspil.core.demo.transitions import seed_transitions
from samspil.families.enums import FamilyKind, PlacementEndReason
from samspil.families.models import (
    Child,
    ConsultantAssignment,
    FosterFamily,
    FosterParent,
    Placement,
)
from samspil.organisations.enums import InstitutionKind, OwnerKind
from samspil.organisations.models import Collaboration, CompetenceArea, Institution, Municipality

DEMO_PASSWORD = "samspil-demo"  # noqa: S105 - printed for demo users, demo mode only
TODAY = dt.date(2026, 11, 1)
HOTLINE_SEED = 20261101
DEVELOPMENT_SEED = 20261102
TRANSITIONS_SEED = 20261103
MEASURES_SEED = 20261104

COMPETENCE_AREAS = [
    "Samarbejde med biologiske forældre og søskende",
    "Teenageproblematikker",
    "Anerkendende pædagogik, mentalisering og deeskalering",
    "Neuroaffektiv udviklingspsykologi, tilknytningsteori og miljøterapi",
    "Psykiatriske diagnoser",
    "Fysiske handicap og tidlige skader",
    "Tryghedscirklen (Circle of Security)",
    "Autisme, piktogrammer og TEACCH",
]


@dataclass(frozen=True)
class Place:
    code: str
    slug: str
    families: int
    postcode: str
    city: str
    institutions: tuple[tuple[str, str, str], ...]  # name, kind, owner kind


PLACES = (
    Place(
        "101",
        "kbh",
        48,
        "2400",
        "København NV",
        (
            ("Lindehuset", InstitutionKind.DOEGNINSTITUTION, OwnerKind.MUNICIPAL),
            ("Solsikken", InstitutionKind.OPHOLDSSTED, OwnerKind.PRIVATE),
        ),
    ),
    Place(
        "410",
        "middelfart",
        18,
        "5500",
        "Middelfart",
        (("Brohuset", InstitutionKind.DOEGNINSTITUTION, OwnerKind.MUNICIPAL),),
    ),
    Place(
        "630",
        "vejle",
        30,
        "7100",
        "Vejle",
        (
            ("Fjordbakken", InstitutionKind.DOEGNINSTITUTION, OwnerKind.MUNICIPAL),
            ("Skovbo", InstitutionKind.DISABILITY, OwnerKind.MUNICIPAL),
        ),
    ),
    Place(
        "820",
        "vesthimmerland",
        16,
        "9600",
        "Aars",
        (("Himmerlandshuset", InstitutionKind.OPHOLDSSTED, OwnerKind.PRIVATE),),
    ),
)

DEMO_LOGINS = [
    ("konsulent.kbh", "Familieplejekonsulent, København"),
    ("konsulent.middelfart", "Familieplejekonsulent, Middelfart"),
    ("konsulent.vejle", "Familieplejekonsulent, Vejle"),
    ("konsulent.vesthimmerland", "Familieplejekonsulent, Vesthimmerland"),
    ("leder.kbh", "Leder / projektleder, København"),
    ("raadgiver.kbh", "Myndighedsrådgiver, København"),
    ("specialist.brohuset", "Specialist, Brohuset (Middelfart)"),
    ("plejeforaelder.vejle", "Plejeforælder, Vejle"),
    ("evaluator", "Evaluator"),
    ("socialstyrelsen", "Programmedarbejder, Socialstyrelsen"),
    ("admin", "Systemadministrator"),
]


def _end_reason(rng: random.Random, born: dt.date, end: dt.date) -> str:
    """A plausible reason: "came of age" only for a child who turned 18."""
    reasons: list[PlacementEndReason] = [
        r for r in PlacementEndReason if r != PlacementEndReason.ADULT
    ]
    if (end - born).days >= 18 * 365:
        reasons.append(PlacementEndReason.ADULT)
    return str(rng.choice(reasons))


def _user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.samspil.dk",
        is_demo=True,
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def demo_exists() -> bool:
    return User.objects.filter(username="konsulent.kbh").exists()


@transaction.atomic
def seed_demo(progress: Callable[[str], None] = lambda message: None) -> None:
    """Create the demo data set. Deterministic: the same call gives the same data."""
    rng = random.Random(20260401)
    areas = [CompetenceArea.objects.get_or_create(name=name)[0] for name in COMPETENCE_AREAS]
    evaluator = _user("evaluator", "Eva", "Luator")
    Membership.objects.create(user=evaluator, role=Role.EVALUATOR)
    officer = _user("socialstyrelsen", "Sofie", "Styrelsen")
    Membership.objects.create(user=officer, role=Role.PROGRAMME_OFFICER)
    admin = _user("admin", "Ada", "Administrator", superuser=True)
    Membership.objects.create(user=admin, role=Role.SYSADMIN)

    for place in PLACES:
        municipality = Municipality.objects.get(code=place.code)
        progress(f"{municipality.name}")
        institutions = []
        for name, kind, owner in place.institutions:
            institution = Institution.objects.create(
                name=name,
                kind=kind,
                owner_kind=owner,
                owner_municipality=municipality if owner == OwnerKind.MUNICIPAL else None,
                municipality=municipality,
                address=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
                postcode=place.postcode,
                places=rng.randint(8, 30),
            )
            institution.competence_areas.set(rng.sample(areas, 3))
            institutions.append(institution)
            specialist = _user(
                f"specialist.{name.lower()}", rng.choice(FIRST_NAMES_F), rng.choice(SURNAMES)
            )
            Membership.objects.create(
                user=specialist, role=Role.SPECIALIST, institution=institution
            )
        collaboration = Collaboration.objects.create(
            name=f"Samarbejdsmodellen i {municipality.name}",
            description="Samarbejde mellem plejefamilier, familieplejen og døgninstitution(er).",
            starts_on=dt.date(2019, 1, 1),
        )
        collaboration.municipalities.set([municipality])
        collaboration.institutions.set(institutions)

        consultants = [
            _user(f"konsulent.{place.slug}", rng.choice(FIRST_NAMES_F), rng.choice(SURNAMES))
        ]
        consultants += [
            _user(
                f"konsulent{n}.{place.slug}",
                rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                rng.choice(SURNAMES),
            )
            for n in range(2, 2 + max(1, place.families // 12))
        ]
        for consultant in consultants:
            Membership.objects.create(
                user=consultant, role=Role.CONSULTANT, municipality=municipality
            )
        leader = _user(f"leder.{place.slug}", rng.choice(FIRST_NAMES_M), rng.choice(SURNAMES))
        Membership.objects.create(user=leader, role=Role.LEADER, municipality=municipality)
        case_worker = _user(
            f"raadgiver.{place.slug}", rng.choice(FIRST_NAMES_F), rng.choice(SURNAMES)
        )
        Membership.objects.create(
            user=case_worker, role=Role.CASE_WORKER, municipality=municipality
        )

        for index in range(place.families):
            surname = rng.choice(SURNAMES)
            approved = TODAY - dt.timedelta(days=rng.randint(120, 365 * 20))
            family = FosterFamily.objects.create(
                municipality=municipality,
                name=f"Familien {surname}",
                kind=rng.choices(list(FamilyKind), weights=[60, 20, 10, 10])[0],
                approved_on=approved,
                address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postcode=place.postcode,
                city=place.city,
                phone=f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                email=f"{surname.lower().replace('ø', 'oe').replace('æ', 'ae').replace('å', 'aa')}{index}@example.dk",
                prefers_weekday_daytime=rng.random() < 0.4,
                prefers_evenings=rng.random() < 0.6,
                prefers_weekends=rng.random() < 0.3,
                in_model_since=(
                    max(approved, dt.date(2019, rng.randint(1, 12), 1))
                    if rng.random() < 0.8
                    else None
                ),
            )
            first_parent = FosterParent.objects.create(
                family=family,
                first_name=rng.choice(FIRST_NAMES_F),
                last_name=surname,
                phone=family.phone,
                email=family.email,
            )
            if rng.random() < 0.7:
                FosterParent.objects.create(
                    family=family, first_name=rng.choice(FIRST_NAMES_M), last_name=surname
                )
            consultant = consultants[0] if index % 3 == 0 else rng.choice(consultants)
            if rng.random() < 0.3 and len(consultants) > 1:
                earlier = rng.choice([c for c in consultants if c != consultant])
                ConsultantAssignment.objects.create(
                    family=family,
                    consultant=earlier,
                    starts_on=approved,
                    ends_on=TODAY - dt.timedelta(days=200),
                    reason="Omfordeling",
                )
                ConsultantAssignment.objects.create(
                    family=family, consultant=consultant, starts_on=TODAY - dt.timedelta(days=200)
                )
            else:
                ConsultantAssignment.objects.create(
                    family=family, consultant=consultant, starts_on=approved
                )
            if place.slug == "vejle" and index == 0:
                parent_user = _user("plejeforaelder.vejle", first_parent.first_name, surname)
                first_parent.user = parent_user
                first_parent.save(update_fields=["user"])
            for _n in range(rng.choice([1, 1, 1, 2, 2, 3])):
                born = TODAY - dt.timedelta(days=rng.randint(365 * 2, 365 * 17))
                child = Child.objects.create(
                    municipality=municipality,
                    first_name=rng.choice(CHILD_NAMES),
                    last_name=rng.choice(SURNAMES),
                    date_of_birth=born,
                    case_worker=case_worker if rng.random() < 0.6 else None,
                )
                start = max(born + dt.timedelta(days=100), approved) + dt.timedelta(
                    days=rng.randint(0, 300)
                )
                if start >= TODAY:
                    start = TODAY - dt.timedelta(days=30)
                ended = rng.random() < 0.25
                end = (
                    min(
                        start + dt.timedelta(days=rng.randint(60, 900)),
                        TODAY - dt.timedelta(days=1),
                    )
                    if ended
                    else None
                )
                if end is not None and end < start:
                    end = None
                Placement.objects.create(
                    child=child,
                    family=family,
                    starts_on=start,
                    ends_on=end,
                    end_reason=(_end_reason(rng, born, end) if end else ""),
                )
    progress("kompetenceudvikling og supervision")
    seed_competence(rng, TODAY)
    progress("netværksgrupper og mentorfamilier")
    seed_networks(rng, TODAY)
    progress("akuttelefon: vagtplan og opkald")
    # A generator of its own, so the hotline's year of calls does not shift when the parts
    # above draw more or fewer numbers.
    seed_hotline(random.Random(HOTLINE_SEED), TODAY)
    # The later parts have generators of their own too, so earlier data stays as it was.
    progress("udviklingsplaner")
    seed_development(random.Random(DEVELOPMENT_SEED), TODAY)
    progress("udslusningsforløb")
    seed_transitions(random.Random(TRANSITIONS_SEED), TODAY)
    progress("målinger: WHO-5, SDQ og belastningsgrad")
    seed_measures(random.Random(MEASURES_SEED), TODAY)
    log_action("core.demo.seed", actor=None, actor_label="seed_demo")
