"""Supported transitions from institution to foster family in the demo data (the København
model, domain §3.5), made with the app's services so that the engagements, the plans copied
from the template and the audit entries are as in real use.

What the demo shows on purpose:

* København has its own discharge plan template (the default plus a hand-over meeting with
  the school and a "first weekend" call); the other municipalities use the shipped default.
* København, planning: Sofie from Lindehuset to a København family, moving in three weeks; one
  collaboration meeting, the first steps done, the methods of involving her recorded.
* København, just moved: Malik from Solsikken, moved ten days ago; two meetings, the before and
  during steps done, two pieces of advice from Solsikken's specialist after the move.
* København, completed: Emma from Lindehuset, moved four months ago and completed a month ago
  (Lindehuset's access to the family ends with the grace period).
* Vejle, after the move, to the demo foster parent's family (`plejeforaelder.vejle`) from
  Fjordbakken: meetings, advice, a request from the foster parent that was answered and one
  that is still open; the child's views are shared with the family.
* Middelfart, planning from Brohuset (`specialist.brohuset` sees it while engaged).

Deterministic for a given random generator and `today`."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.utils import translation

from samspil.accounts.models import User
from samspil.core.demo.names import SURNAMES
from samspil.families.models import Child, FosterFamily, FosterParent, Placement
from samspil.organisations.models import Institution, Municipality
from samspil.transitions.default_plan import StepSpec, default_steps
from samspil.transitions.enums import (
    AdviceChannel,
    InvolvementMethod,
    Party,
    Phase,
    TransitionStatus,
)
from samspil.transitions.models import PlanStep, Transition
from samspil.transitions.selectors.transitions import involvement_of
from samspil.transitions.services import advice as advice_services
from samspil.transitions.services import meetings as meeting_services
from samspil.transitions.services import plans as plan_services
from samspil.transitions.services import transitions as services

CPH = ZoneInfo("Europe/Copenhagen")
DEMO_PARENT = "plejeforaelder.vejle"
SLUGS = {"101": "kbh", "410": "middelfart", "630": "vejle", "820": "vesthimmerland"}


@dataclass(frozen=True)
class Plan:
    code: str
    child_name: str
    institution: str
    specialist: str
    status: TransitionStatus
    move_offset: int  # days from today to the (planned) moving day
    completed_offset: int | None = None
    to_demo_parent: bool = False


PLANS: tuple[Plan, ...] = (
    Plan("101", "Sofie", "Lindehuset", "specialist.lindehuset", TransitionStatus.PLANNING, 21),
    Plan("101", "Malik", "Solsikken", "specialist.solsikken", TransitionStatus.AFTER_MOVE, -10),
    Plan(
        "101",
        "Emma",
        "Lindehuset",
        "specialist.lindehuset",
        TransitionStatus.COMPLETED,
        -120,
        completed_offset=-30,
    ),
    Plan(
        "630",
        "Oliver",
        "Fjordbakken",
        "specialist.fjordbakken",
        TransitionStatus.AFTER_MOVE,
        -21,
        to_demo_parent=True,
    ),
    Plan("410", "Freja", "Brohuset", "specialist.brohuset", TransitionStatus.PLANNING, 35),
)

SHARED = [
    "Elsker at tegne og at være i skoven. Har brug for faste rutiner om aftenen og for at vide, "
    "hvad der skal ske dagen efter. Bliver urolig ved store forsamlinger.",
    "Går til fodbold to gange om ugen og vil gerne fortsætte. Har svært ved at sove alene de "
    "første nætter et nyt sted; en natlampe og bamsen hjælper.",
    "Er glad for dyr og for at hjælpe til i køkkenet. Har brug for voksne, der siger tydeligt "
    "til og fra, og for tid alene efter skole.",
]
DIVISION = [
    "Institutionen: besøg, livsbog og overlevering af rutiner. Plejefamilien: indretter "
    "værelse og besøger barnet. Konsulenten: koordinerer og følger op. Rådgiveren: skole og "
    "samvær.",
    "Kontaktpædagogen følger med på flyttedagen og ringer første aften. Plejefamilien "
    "fortæller om hverdagen i familien ved næste besøg.",
]
MINUTES = [
    "Godt møde. Plejefamilien stillede mange gode spørgsmål. Næste møde om to uger.",
    "Gennemgang af planen; vi rykker første overnatning en uge frem.",
]
ADVICE = [
    (
        "Sengetid",
        AdviceChannel.PHONE,
        "Hold fast i samme rækkefølge hver aften: bad, læsning, lys slukket. Det tog os tre "
        "uger på institutionen, før det sad.",
    ),
    (
        "Reaktioner efter samvær",
        AdviceChannel.VISIT,
        "Uro og vrede dagen efter samvær er almindeligt. Giv tid og ro og tal om det næste dag, "
        "ikke samme aften.",
    ),
    (
        "Skolestart",
        AdviceChannel.MEETING,
        "Aftal et overleveringsmøde med den nye klasselærer; vi deltager gerne.",
    ),
]
REQUESTS = [
    ("Vil ikke spise med", "Han vil ikke sidde med ved aftensmaden. Hvad gjorde I?"),
    ("Savner institutionen", "Hun taler meget om de andre børn. Kan hun besøge jer?"),
]

KBH_EXTRA_STEPS = (
    StepSpec(
        Phase.BEFORE,
        "Overleveringsmøde med den nye skole eller daginstitution",
        Party.CASE_WORKER,
        -7,
    ),
    StepSpec(
        Phase.AFTER, "Opkald til plejefamilien efter den første weekend", Party.INSTITUTION, 3
    ),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=CPH)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def seed_transitions(rng: random.Random, today: dt.date) -> None:
    """Create the transitions of the demo municipalities (see the module docstring)."""
    with translation.override("da"):
        _kbh_template()
        used: set[int] = set()
        for plan in PLANS:
            _transition(rng, today, plan, used)


def _kbh_template() -> None:
    leader = _user("leder.kbh")
    municipality = Municipality.objects.get(code="101")
    if leader is None:
        return
    steps = default_steps()
    plan_services.save_template(
        actor=leader,
        municipality=municipality,
        steps=[*steps, *KBH_EXTRA_STEPS],
        expected_version=0,
    )


def _family(code: str, used: set[int], to_demo_parent: bool) -> FosterFamily | None:
    if to_demo_parent:
        return FosterFamily.objects.filter(parents__user__username=DEMO_PARENT).first()
    return (
        FosterFamily.objects.filter(municipality__code=code, in_model_since__isnull=False)
        .exclude(pk__in=used)
        .annotate(now=Count("placements", filter=Q(placements__ends_on__isnull=True)))
        .order_by("now", "name", "id")
        .first()
    )


def _transition(rng: random.Random, today: dt.date, plan: Plan, used: set[int]) -> None:
    slug = SLUGS[plan.code]
    consultant = _user(f"konsulent.{slug}")
    specialist = _user(plan.specialist)
    case_worker = _user(f"raadgiver.{slug}")
    institution = Institution.objects.filter(name=plan.institution).first()
    family = _family(plan.code, used, plan.to_demo_parent)
    if None in (consultant, specialist, institution, family):
        return
    assert consultant is not None
    assert specialist is not None
    assert institution is not None
    assert family is not None
    used.add(family.pk)
    municipality = Municipality.objects.get(code=plan.code)
    move_day = today + dt.timedelta(days=plan.move_offset)
    started = min(move_day, today) - dt.timedelta(days=rng.randint(40, 55))
    child = Child.objects.create(
        municipality=municipality,
        first_name=plan.child_name,
        last_name=rng.choice(SURNAMES),
        date_of_birth=today - dt.timedelta(days=rng.randint(365 * 6, 365 * 13)),
        case_worker=case_worker,
    )
    transition = services.create_transition(
        actor=consultant,
        child=child,
        institution=institution,
        family=family,
        planned_move_on=move_day,
        consultant=consultant,
        internal_notes="Barnet har haft flere skift; vi tager det i barnets tempo.",
        today=started,
    )
    staff = [u for u in (consultant, specialist, case_worker) if u is not None]
    parents = list(FosterParent.objects.filter(family=family))
    meetings = [started + dt.timedelta(days=2)]
    if plan.status != TransitionStatus.PLANNING:
        meetings.append(move_day - dt.timedelta(days=10))
    for number, day in enumerate(meetings):
        meeting_services.add_meeting(
            actor=consultant,
            transition=transition,
            values={
                "held_at": _at(day, 14),
                "place": institution.name,
                "other_participants": "Biologisk mor" if number == 0 else "",
                "shared_about_child": rng.choice(SHARED),
                "division_of_work": DIVISION[number % len(DIVISION)],
                "minutes": MINUTES[number % len(MINUTES)],
            },
            staff=staff,
            parents=parents,
            now=_at(day, 18),
        )
    transition = Transition.objects.get(pk=transition.pk)
    involvement = involvement_of(transition)
    services.update_involvement(
        actor=specialist,
        involvement=involvement,
        values={
            "methods": [
                InvolvementMethod.CONVERSATIONS,
                InvolvementMethod.VISITS,
                InvolvementMethod.LIFE_BOOK,
                InvolvementMethod.WISHES,
            ][: rng.randint(2, 4)],
            "child_views": "Glæder sig til at få sit eget værelse. Vil gerne have sin cykel med "
            "og besøge de andre børn på institutionen.",
            "views_shared_with_family": plan.to_demo_parent or rng.random() < 0.5,
        },
        expected_version=involvement.version,
    )
    _tick(transition, consultant, today, plan)
    if plan.status == TransitionStatus.PLANNING:
        return
    transition = Transition.objects.get(pk=transition.pk)
    services.change_status(
        actor=consultant,
        transition=transition,
        status=TransitionStatus.AFTER_MOVE,
        on=move_day,
        expected_version=transition.version,
    )
    Placement.objects.create(child=child, family=family, starts_on=move_day)
    _advice(rng, transition, specialist, move_day, today, plan)
    if plan.status == TransitionStatus.COMPLETED and plan.completed_offset is not None:
        transition = Transition.objects.get(pk=transition.pk)
        services.change_status(
            actor=consultant,
            transition=transition,
            status=TransitionStatus.COMPLETED,
            on=today + dt.timedelta(days=plan.completed_offset),
            expected_version=transition.version,
        )


def _tick(transition: Transition, actor: User, today: dt.date, plan: Plan) -> None:
    """Tick the steps due by now (all of them for a completed transition)."""
    steps: Sequence[PlanStep] = list(
        PlanStep.objects.filter(plan__transition=transition).select_related(
            "plan__transition__family", "plan__transition__engagement"
        )
    )
    for step in steps:
        due = step.due_on
        if plan.status != TransitionStatus.COMPLETED and (due is None or due > today):
            continue
        done_day = min(due or today, today)
        plan_services.set_step_done(
            actor=actor,
            step=step,
            done=True,
            expected_version=step.version,
            now=_at(done_day, 12),
        )


def _advice(
    rng: random.Random,
    transition: Transition,
    specialist: User,
    move_day: dt.date,
    today: dt.date,
    plan: Plan,
) -> None:
    transition = Transition.objects.select_related("family", "engagement", "child").get(
        pk=transition.pk
    )
    last = today if plan.completed_offset is None else today + dt.timedelta(plan.completed_offset)
    days = sorted(rng.sample(range(2, max(4, (last - move_day).days)), k=2))
    for day_offset, (topic, channel, text) in zip(days, rng.sample(ADVICE, 2), strict=True):
        day = move_day + dt.timedelta(days=day_offset)
        advice_services.add_advice(
            actor=specialist,
            transition=transition,
            values={
                "given_at": _at(day, 10),
                "channel": channel,
                "topic": topic,
                "text": text,
            },
            now=_at(day, 11),
        )
    if not plan.to_demo_parent:
        return
    parent = _user(DEMO_PARENT)
    if parent is None:
        return
    asked, open_topic = REQUESTS
    request = advice_services.add_advice(
        actor=parent,
        transition=transition,
        values={"topic": asked[0], "text": asked[1]},
        now=_at(move_day + dt.timedelta(days=4), 20),
    )
    advice_services.add_advice(
        actor=specialist,
        transition=transition,
        values={
            "given_at": _at(move_day + dt.timedelta(days=5), 9),
            "channel": AdviceChannel.PHONE,
            "topic": asked[0],
            "text": "Lad ham sidde med i fem minutter og gå fra bordet med en fast opgave. "
            "Ros, når han bliver siddende. Det kommer.",
            "in_reply_to": request,
        },
        now=_at(move_day + dt.timedelta(days=5), 10),
    )
    advice_services.add_advice(
        actor=parent,
        transition=transition,
        values={"topic": open_topic[0], "text": open_topic[1]},
        now=_at(today - dt.timedelta(days=1), 19),
    )
