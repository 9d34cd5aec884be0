"""Networks among foster families in the demo data: each municipality's `NetworkSettings`
(Vesthimmerland with its own: six weeks between meetings, network foster families mixed), two or
three network groups created with `create_group` (so the facilitating institution gets its
engagements and the audit log its entries), a year of meetings with agenda, attendance and
minutes, topics, consent to share contact details, a pool of families waiting to be composed in
København, separations, mentor families with their consent, and mentorships with a contact log.

What the demo shows on purpose: the demo foster parent (`plejeforaelder.vejle`) is in a group
with a next meeting and members who share their contact details; "Weekendnetværket Nordvest" in
København has not met for three months (the gap report); the newest family in Vejle, approved
this year, has no mentor yet and a mandatory start-up course in its municipality's catalogue
(the mentor suggestions page); Formiddagsgruppen Valby is still facilitated.

The families are spread over their municipality's postcodes first, so distances between them
(composition, mentor suggestions) are real. Deterministic for a given random generator."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q

from samspil.accounts.models import User
from samspil.competence.enums import SupervisionStatus, TimeSlot
from samspil.competence.models import SupervisionCourse
from samspil.families.enums import FamilyKind
from samspil.families.models import FosterFamily, FosterParent
from samspil.networks.enums import (
    ContactKind,
    GroupPhase,
    MeetingMode,
    MentorReason,
    NetworkFamilies,
    TopicStatus,
)
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    MentorContact,
    MentorProfile,
    Mentorship,
    NetworkGroup,
    NetworkSettings,
    Pool,
    PoolMember,
    Separation,
    Topic,
)
from samspil.networks.services.groups import create_group
from samspil.organisations.models import Municipality

CPH = ZoneInfo("Europe/Copenhagen")
DEMO_PARENT = "plejeforaelder.vejle"

# Real postcodes of each demo municipality (the first is the town itself, where most live).
NEIGHBOURHOODS: dict[str, tuple[tuple[str, str], ...]] = {
    "101": (
        ("2400", "København NV"),
        ("2200", "København N"),
        ("2100", "København Ø"),
        ("2300", "København S"),
        ("2450", "København SV"),
        ("2500", "Valby"),
        ("2700", "Brønshøj"),
        ("2720", "Vanløse"),
    ),
    "410": (
        ("5500", "Middelfart"),
        ("5466", "Asperup"),
        ("5580", "Nørre Aaby"),
        ("5464", "Brenderup Fyn"),
        ("5592", "Ejby"),
    ),
    "630": (
        ("7100", "Vejle"),
        ("7120", "Vejle Øst"),
        ("7300", "Jelling"),
        ("7182", "Bredsten"),
        ("7080", "Børkop"),
        ("6040", "Egtved"),
        ("7171", "Uldum"),
        ("7140", "Stouby"),
    ),
    "820": (
        ("9600", "Aars"),
        ("9620", "Aalestrup"),
        ("9640", "Farsø"),
        ("9631", "Gedsted"),
        ("9670", "Løgstør"),
        ("9681", "Ranum"),
    ),
}

# Weekday (0 = Monday), start and length of a meeting at each time slot.
SLOT_TIMES: dict[str, tuple[int, dt.time, dt.timedelta]] = {
    TimeSlot.WEEKDAY_DAYTIME: (1, dt.time(9, 30), dt.timedelta(hours=2)),
    TimeSlot.EVENINGS: (2, dt.time(19, 0), dt.timedelta(hours=2)),
    TimeSlot.WEEKENDS: (5, dt.time(10, 0), dt.timedelta(hours=2, minutes=30)),
}


@dataclass(frozen=True)
class GroupPlan:
    name: str
    facilitator: str  # username: a consultant of the municipality or an institution specialist
    slot: TimeSlot
    size: int
    held: int  # meetings held up to today
    gap: bool = False  # stopped meeting about three months ago (one meeting cancelled since)
    with_demo_parent: bool = False


PLANS: dict[str, tuple[GroupPlan, ...]] = {
    "101": (
        GroupPlan(
            "Netværksgruppen på Lindehuset", "specialist.lindehuset", TimeSlot.EVENINGS, 5, 12
        ),
        GroupPlan("Weekendnetværket Nordvest", "konsulent.kbh", TimeSlot.WEEKENDS, 5, 8, gap=True),
        GroupPlan("Formiddagsgruppen Valby", "konsulent2.kbh", TimeSlot.WEEKDAY_DAYTIME, 4, 2),
    ),
    "410": (
        GroupPlan("Brohusets netværksgruppe", "specialist.brohuset", TimeSlot.EVENINGS, 5, 11),
        GroupPlan(
            "Netværksgruppen Vestfyn", "konsulent.middelfart", TimeSlot.WEEKDAY_DAYTIME, 4, 9
        ),
    ),
    "630": (
        GroupPlan(
            "Netværksgruppen Fjordbakken",
            "specialist.fjordbakken",
            TimeSlot.EVENINGS,
            6,
            12,
            with_demo_parent=True,
        ),
        GroupPlan("Netværksgruppen Vejle Nord", "konsulent.vejle", TimeSlot.WEEKENDS, 5, 10),
        GroupPlan("Skovbo-gruppen", "specialist.skovbo", TimeSlot.WEEKDAY_DAYTIME, 4, 6),
    ),
    "820": (
        GroupPlan(
            "Netværksgruppen Himmerland", "specialist.himmerlandshuset", TimeSlot.EVENINGS, 5, 9
        ),
        GroupPlan(
            "Netværksgruppen Løgstør–Farsø",
            "konsulent.vesthimmerland",
            TimeSlot.WEEKDAY_DAYTIME,
            4,
            8,
        ),
    ),
}

FACILITATOR_TOPICS = [
    ("Hvad skal netværksgruppen være for os?", "Forventninger, fortrolighed og faste aftaler."),
    ("Samvær med de biologiske forældre", "Før, under og efter samvær: hvad hjælper barnet?"),
    ("Tilknytning i hverdagen", "Små greb, der giver barnet ro og forudsigelighed."),
    ("Overgange og sengetid", "Når barnet reagerer voldsomt ved skift i løbet af dagen."),
]
FAMILY_TOPICS = [
    ("Når plejebarnet bliver teenager", "Grænser, frihed og venner."),
    ("Vores egne børn i plejefamilien", "Hvordan har de det, og hvordan taler vi med dem?"),
    ("Skoleskift og samarbejdet med skolen", "Erfaringer med overleveringsmøder."),
    ("Jul og højtider", "Hvordan planlægger vi samvær og traditioner?"),
    ("Skærmtid og sociale medier", "Aftaler, der holder, også hos forældrene."),
    ("Egenomsorg som plejeforælder", "Hvor henter vi selv energi?"),
    ("Samarbejdet med sagsbehandleren", "Handleplaner, møder og hvem der gør hvad."),
    ("Efterværn og 18 år", "Hvad sker der, når den unge bliver myndig?"),
    ("Sorg og tab hos plejebørn", "At rumme barnets savn."),
]
MINUTES = [
    "God snak med plads til alle. Vi deler erfaringer med samværsplaner.",
    "Flere havde oplevet det samme; vi aftalte at ringe til hinanden imellem møderne.",
    "Livlig drøftelse. Et par familier vil prøve en fast aftenrutine og fortælle næste gang.",
    "Kort runde, derefter temaet. God stemning; kaffe og kage hos værtsfamilien.",
    "Vi brugte det meste af tiden på en familie, der står i en svær periode.",
]
CONTACT_NOTES = [
    "Snak om de første uger og om at bede om hjælp i tide.",
    "Besøg hjemme hos mentorfamilien; børnene legede imens.",
    "Telefonsamtale efter et svært samvær.",
    "Gennemgang af, hvad man kan forvente af det første møde med sagsbehandleren.",
    "Kort opfølgning; det går bedre med sengetiden.",
]


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _can_meet(family: FosterFamily, slot: str) -> bool:
    wanted = {
        TimeSlot.WEEKDAY_DAYTIME: family.prefers_weekday_daytime,
        TimeSlot.EVENINGS: family.prefers_evenings,
        TimeSlot.WEEKENDS: family.prefers_weekends,
    }
    return wanted[TimeSlot(slot)] or not any(wanted.values())


def _user(username: str) -> User:
    return User.objects.get(username=username)


def seed_networks(rng: random.Random, today: dt.date) -> None:
    """Create the networks data for the demo municipalities (see the module docstring)."""
    parent_family = FosterFamily.objects.filter(parents__user__username=DEMO_PARENT).first()
    closed_course = set(
        SupervisionCourse.objects.filter(status=SupervisionStatus.CLOSED).values_list(
            "families", flat=True
        )
    )
    for code, plans in PLANS.items():
        municipality = Municipality.objects.get(code=code)
        families = list(
            FosterFamily.objects.filter(municipality=municipality)
            .annotate(
                current_children=Count("placements", filter=Q(placements__ends_on__isnull=True)),
                latest_placement=Max("placements__starts_on"),
            )
            .order_by("name", "id")
        )
        if not families:
            continue
        _spread_postcodes(rng, code, families)
        settings = _settings(municipality)
        consultant = _user(_consultant(code))
        used: set[int] = set()
        for plan in plans:
            members = _members(rng, plan, families, used, parent_family)
            used.update(f.pk for f in members)
            _group(rng, today, plan, municipality, members, consultant, settings)
        if code == "101":
            _pool(rng, municipality, families, used, consultant)
        _mentors(rng, today, code, families, closed_course, settings, parent_family, consultant)
    _separation_outside_pools()


def _consultant(code: str) -> str:
    slug = {"101": "kbh", "410": "middelfart", "630": "vejle", "820": "vesthimmerland"}[code]
    return f"konsulent.{slug}"


def _spread_postcodes(rng: random.Random, code: str, families: Sequence[FosterFamily]) -> None:
    """Most families live in the town, the rest in the municipality's other postcodes."""
    places = NEIGHBOURHOODS[code]
    for family in families:
        family.postcode, family.city = places[0] if rng.random() < 0.4 else rng.choice(places)
    FosterFamily.objects.bulk_update(families, ["postcode", "city"])


def _settings(municipality: Municipality) -> NetworkSettings:
    if municipality.code == "820":
        # Long distances: a meeting every six weeks, smaller groups, network foster families
        # mixed with the others, and travel weighs more.
        return NetworkSettings.objects.create(
            municipality=municipality,
            max_group_size=5,
            cadence_days=42,
            facilitated_meetings=2,
            network_families=NetworkFamilies.MIXED,
            weight_travel=4,
            mentor_min_years=4,
        )
    return NetworkSettings.objects.create(municipality=municipality)


def _members(
    rng: random.Random,
    plan: GroupPlan,
    families: Sequence[FosterFamily],
    used: set[int],
    parent_family: FosterFamily | None,
) -> list[FosterFamily]:
    """`plan.size` families not yet in a group, who can meet at the group's time (in the model
    first); the demo foster parent's family where the plan says so."""
    parent = parent_family.pk if parent_family is not None else None
    chosen = [f for f in families if plan.with_demo_parent and f.pk == parent]
    free = [f for f in families if f.pk not in used and f.pk != parent]
    fitting = [f for f in free if _can_meet(f, plan.slot)]
    preferred = [f for f in fitting if f.in_model_since is not None] + [
        f for f in fitting if f.in_model_since is None
    ]
    if len(preferred) + len(chosen) < plan.size:
        preferred += [f for f in free if f not in preferred]
    chosen += rng.sample(preferred[: plan.size * 2], plan.size - len(chosen))
    return chosen


def _schedule(
    rng: random.Random, today: dt.date, plan: GroupPlan, cadence: int
) -> tuple[list[dt.date], dt.date]:
    """The days of the held meetings and of the one planned meeting (four to five weeks ahead,
    so the demo keeps a next meeting for a while)."""
    weekday = SLOT_TIMES[plan.slot][0]
    planned = _on_or_after(today + dt.timedelta(days=28 + rng.randint(0, 6)), weekday)
    if plan.gap:
        last = today - dt.timedelta(days=100)
    else:
        last = min(planned - dt.timedelta(days=cadence), today - dt.timedelta(days=1))
    last = _on_or_before(last, weekday)
    held = [_on_or_before(last - dt.timedelta(days=cadence * k), weekday) for k in range(plan.held)]
    return sorted(held), planned


def _group(
    rng: random.Random,
    today: dt.date,
    plan: GroupPlan,
    municipality: Municipality,
    members: list[FosterFamily],
    consultant: User,
    settings: NetworkSettings,
) -> NetworkGroup:
    held, planned = _schedule(rng, today, plan, settings.cadence_days)
    started = (held[0] if held else planned) - dt.timedelta(days=rng.randint(10, 20))
    facilitator = _user(plan.facilitator)
    group = create_group(
        actor=consultant,
        name=plan.name,
        municipality=municipality,
        families=members,
        facilitator=facilitator,
        meeting_slot=plan.slot,
        started_on=started,
        composition=[
            "Alle kan mødes på samme tidspunkt.",
            "Kort vej til mødestedet for de fleste.",
            "En blanding af erfarne og nyere plejefamilier.",
        ],
    )
    parent_user = _parent_users(members)
    consenting = [f for f in members if f.pk in parent_user or rng.random() < 0.5]
    if plan.with_demo_parent and len(consenting) < 3:
        consenting += [f for f in members if f not in consenting][: 3 - len(consenting)]
    if len(consenting) == len(members) and len(members) > 2:
        consenting.pop()  # someone always keeps their details to themselves
    GroupMembership.objects.filter(group=group, family__in=consenting).update(
        shares_contact_details=True, consent_changed_at=_at(started, dt.time(20, 30))
    )
    if len(held) >= group.facilitated_meetings:
        experienced = sorted(members, key=lambda f: (f.approved_on, f.pk))
        group.phase = GroupPhase.SELF_RUNNING
        group.contact_family = next((f for f in experienced if f in consenting), experienced[0])
        group.save(update_fields=["phase", "contact_family", "updated_at"])
    _meetings(rng, today, plan, group, members, held, planned, parent_user)
    return group


def _parent_users(families: Sequence[FosterFamily]) -> dict[int, User]:
    """Family id → the user of one of its foster parents, for families that have one."""
    return {
        parent.family_id: parent.user
        for parent in FosterParent.objects.filter(family__in=families, user__isnull=False)
        .select_related("user")
        .order_by("id")
        if parent.user is not None
    }


def _meetings(
    rng: random.Random,
    today: dt.date,
    plan: GroupPlan,
    group: NetworkGroup,
    members: list[FosterFamily],
    held: list[dt.date],
    planned: dt.date,
    parent_user: dict[int, User],
) -> None:
    weekday, start, length = SLOT_TIMES[plan.slot]
    institution = group.facilitator_institution
    facilitator_topics = list(FACILITATOR_TOPICS)
    family_topics = rng.sample(FAMILY_TOPICS, len(FAMILY_TOPICS))
    days = [*held, planned]
    if plan.gap:  # the meeting after the last one held was cancelled
        cancelled_day = held[-1] + dt.timedelta(days=group.cadence_days)
        days.insert(len(held), _on_or_after(cancelled_day, weekday))
    for number, day in enumerate(days):
        is_held = number < len(held)
        cancelled = plan.gap and number == len(held) and day <= today
        facilitated = number < group.facilitated_meetings
        virtual = number > 1 and (
            rng.random() < 0.15 or (plan.with_demo_parent and number == len(held) - 3)
        )
        if facilitated and facilitator_topics:
            title, description = facilitator_topics.pop(0)
            by_family = None
        else:
            title, description = family_topics.pop() if family_topics else FAMILY_TOPICS[0]
            by_family = rng.choice(members)
        host = members[number % len(members)]
        if virtual:
            place = ""
        elif facilitated and institution is not None:
            place = f"{institution.name}, {institution.address}"
        elif facilitated:
            place = f"Familieplejen, {group.municipality.name} Kommune, mødelokale 2"
        else:
            place = f"Hjemme hos {host.name}, {host.address}, {host.postcode} {host.city}"
        starts = _at(day, start)
        meeting = Meeting.objects.create(
            group=group,
            starts_at=starts,
            ends_at=starts + length,
            mode=MeetingMode.VIRTUAL if virtual else MeetingMode.PHYSICAL,
            place=place,
            link=f"https://meet.example.dk/netvaerk-{group.pk}-{number + 1}" if virtual else "",
            agenda=(
                "1. Velkomst og runde: hvordan går det siden sidst?\n"
                f"2. Tema: {title}\n"
                "3. Erfaringsudveksling\n"
                "4. Næste møde: dato, sted og tema"
            ),
            minutes=f"{rng.choice(MINUTES)} Tema: {title.lower()}." if is_held else "",
            facilitated=facilitated,
            facilitator=group.facilitator if facilitated else None,
            cancelled=cancelled,
            attendance_recorded=is_held,
        )
        if cancelled:
            meeting.minutes = "Aflyst: for få kunne komme. Nyt møde aftales."
            meeting.save(update_fields=["minutes"])
        if is_held:
            present = [f for f in members if rng.random() < 0.8] or members[:2]
            meeting.attendees.set(present)
        topic = Topic.objects.create(
            group=group,
            title=title,
            description=description,
            status=(
                TopicStatus.SUGGESTED
                if cancelled
                else TopicStatus.COVERED
                if is_held
                else TopicStatus.CHOSEN
            ),
            suggested_by=(
                parent_user.get(by_family.pk, group.facilitator) if by_family else group.facilitator
            ),
            suggested_by_family=by_family,
            meeting=None if cancelled else meeting,
        )
        if by_family is not None:
            others = [f for f in members if f != by_family]
            topic.supporters.set(rng.sample(others, min(len(others), rng.randint(1, 3))))
    # Topics the families have suggested for later meetings.
    for title, description in family_topics[:2]:
        by_family = next((f for f in members if f.pk in parent_user), rng.choice(members))
        topic = Topic.objects.create(
            group=group,
            title=title,
            description=description,
            suggested_by=parent_user.get(by_family.pk, group.facilitator),
            suggested_by_family=by_family,
        )
        others = [f for f in members if f != by_family]
        topic.supporters.set(rng.sample(others, min(len(others), rng.randint(0, 2))))


def _pool(
    rng: random.Random,
    municipality: Municipality,
    families: Sequence[FosterFamily],
    used: set[int],
    consultant: User,
) -> None:
    """Families waiting for a new network group, for the consultant to compose (no proposal
    yet); two of them must not be together."""
    free = [f for f in families if f.pk not in used]
    newest = sorted(free, key=lambda f: (f.approved_on, f.pk))[-1:]
    chosen = newest + rng.sample([f for f in free if f not in newest], 10)
    pool = Pool.objects.create(
        name="Nye netværksgrupper, vinter 2026–27",
        municipality=municipality,
        created_by=consultant,
    )
    PoolMember.objects.bulk_create(PoolMember(pool=pool, family=f) for f in chosen)
    used.update(f.pk for f in chosen)
    a, b = sorted(rng.sample(chosen, 2), key=lambda f: f.pk)
    Separation.objects.create(
        family_a=a,
        family_b=b,
        reason="Plejebørnene er halvsøskende med et konfliktfyldt forhold; de skal ikke mødes "
        "i netværksgruppen.",
        recorded_by=consultant,
    )


def _separation_outside_pools() -> None:
    """A separation between a group member and another family of Vejle."""
    group = NetworkGroup.objects.get(name="Netværksgruppen Vejle Nord")
    member = group.memberships.order_by("family__name", "id").first()
    assert member is not None
    other = (
        FosterFamily.objects.filter(municipality=group.municipality, network_memberships=None)
        .order_by("name", "id")
        .first()
    )
    if other is None:
        return
    a, b = sorted([member.family, other], key=lambda f: f.pk)
    Separation.objects.create(
        family_a=a,
        family_b=b,
        reason="Tidligere konflikt mellem familierne i forbindelse med et aflastningsophold.",
        recorded_by=_user("konsulent.vejle"),
    )


def _mentors(
    rng: random.Random,
    today: dt.date,
    code: str,
    families: Sequence[FosterFamily],
    closed_course: set[int],
    settings: NetworkSettings,
    parent_family: FosterFamily | None,
    consultant: User,
) -> None:
    """Mentor consent for the experienced families with a completed course, a few without one
    (the suggestions show what they lack) and one withdrawn; then one mentorship, except in
    Vejle, where the newest family waits for a mentor."""
    years = settings.mentor_min_years
    experienced = [f for f in families if f.years_of_experience(today) >= years]
    qualified = [f for f in experienced if f.pk in closed_course]
    others = [f for f in experienced if f.pk not in closed_course]
    willing = qualified + rng.sample(others, min(len(others), 2))
    if parent_family is not None and parent_family in experienced and parent_family not in willing:
        willing.append(parent_family)
    withdrawn = next((f for f in others if f not in willing), None)
    consented_at = _at(today - dt.timedelta(days=rng.randint(60, 400)), dt.time(12, 0))
    MentorProfile.objects.bulk_create(
        [
            MentorProfile(
                family=f,
                consents=True,
                consent_changed_at=consented_at,
                note=rng.choice(
                    [
                        "",
                        "Har haft teenagere i pleje i mange år.",
                        "Vil gerne tage imod nye familier hjemme.",
                        "Helst telefon om aftenen.",
                    ]
                ),
            )
            for f in willing
        ]
        + (
            [
                MentorProfile(
                    family=withdrawn,
                    consents=False,
                    consent_changed_at=consented_at,
                    note="Har trukket samtykket tilbage: ikke overskud lige nu.",
                )
            ]
            if withdrawn
            else []
        )
    )
    mentors = sorted(
        qualified or willing, key=lambda f: (-f.years_of_experience(today), f.name, f.pk)
    )
    new = sorted(
        (f for f in families if (today - f.approved_on).days < 365 and f not in mentors),
        key=lambda f: (f.approved_on, f.pk),
    )
    if code == "630" or not mentors:
        return  # Vejle's newest family waits for a mentor (the suggestions page)
    if code == "410" and new:
        mentee, reason, ends = new[-1], MentorReason.NEW_FAMILY, None
        starts = min(new[-1].approved_on + dt.timedelta(days=30), today - dt.timedelta(days=60))
    elif code == "101":
        # The family whose second (or third) child came most recently.
        busy = [f for f in families if f not in mentors and getattr(f, "current_children", 0) >= 2]
        busy.sort(key=lambda f: (getattr(f, "latest_placement", None) or f.approved_on, f.pk))
        mentee = (busy or [f for f in families if f not in mentors])[-1]
        reason, ends = MentorReason.EXTRA_CHILD, None
        starts = today - dt.timedelta(days=150)
    else:
        candidates = [f for f in families if f not in mentors]
        specialised = [f for f in candidates if f.kind == FamilyKind.SPECIALISED]
        mentee = (specialised or candidates)[0]
        reason = MentorReason.PARTICULAR_NEEDS
        starts, ends = today - dt.timedelta(days=300), today - dt.timedelta(days=40)
    mentorship = Mentorship.objects.create(
        mentor=mentors[0],
        mentee=mentee,
        reason=reason,
        starts_on=starts,
        ends_on=ends,
        brokered_by=consultant,
        note="Aftalt ved opfølgningsbesøg; begge familier er trygge ved det."
        if ends is None
        else "Afsluttet efter aftale: familien klarer sig godt nu.",
    )
    last = min(ends or today, today)
    span = max((last - starts).days, 1)
    count = rng.randint(3, 5)
    MentorContact.objects.bulk_create(
        MentorContact(
            mentorship=mentorship,
            happened_on=starts + dt.timedelta(days=span * (n + 1) // (count + 1)),
            kind=rng.choice([ContactKind.PHONE, ContactKind.VISIT, ContactKind.ONLINE]),
            minutes=rng.choice([20, 30, 45, 60, 90]),
            note=rng.choice(CONTACT_NOTES),
            recorded_by=consultant,
        )
        for n in range(count)
    )
