"""The networks part of the national data set: about one network group per 12 families of a
municipality (members from the families in the model), 12 months of monthly meetings with
attendance, agenda and minutes, topics, consent to share contact details, the engagements of
institution-facilitated groups (as `create_group` records them), mentor profiles for about 15 %
of the experienced families, and about one mentorship per 40 families with a few contacts each.

Built in memory from the already saved national records, then inserted in bulk. Every
municipality keeps the default `NetworkSettings` (none are stored): the municipalities are shared
with the demo data, which stores its own."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.competence.enums import TimeSlot
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement, FosterFamily
from samspil.networks.enums import (
    ContactKind,
    GroupPhase,
    MeetingMode,
    MentorReason,
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
    Topic,
)
from samspil.organisations.models import Institution

CPH = ZoneInfo("Europe/Copenhagen")
FAMILIES_PER_GROUP = 12
FAMILIES_PER_MENTORSHIP = 40
MENTOR_SHARE = 0.15
HISTORY_DAYS = 365
DEFAULTS = NetworkSettings()
SLOT_TIMES: dict[str, tuple[int, dt.time]] = {
    TimeSlot.WEEKDAY_DAYTIME: (1, dt.time(9, 30)),
    TimeSlot.EVENINGS: (2, dt.time(19, 0)),
    TimeSlot.WEEKENDS: (5, dt.time(10, 0)),
}
TOPICS = [
    "Samvær med de biologiske forældre",
    "Tilknytning i hverdagen",
    "Når plejebarnet bliver teenager",
    "Vores egne børn i plejefamilien",
    "Skoleskift og samarbejdet med skolen",
    "Jul og højtider",
    "Skærmtid og sociale medier",
    "Egenomsorg som plejeforælder",
    "Samarbejdet med sagsbehandleren",
    "Efterværn og 18 år",
]
MINUTES = [
    "God snak; vi deler erfaringer med samværsplaner.",
    "Runde og tema. Aftale om at ringe til hinanden imellem møderne.",
    "Livlig drøftelse af temaet; to familier fortæller mere næste gang.",
]

BulkCreate = Callable[[type[models.Model], list[Any], str], None]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CPH)


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _proportional(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` over `weights` by largest remainder (0 where the weight is 0)."""
    weight_sum = sum(weights)
    if not weight_sum:
        return [0] * len(weights)
    exact = [total * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _slot(members: Sequence[FosterFamily]) -> TimeSlot:
    """The time most members prefer (families without a preference can meet at any time)."""
    votes = {
        TimeSlot.EVENINGS: sum(f.prefers_evenings for f in members),
        TimeSlot.WEEKDAY_DAYTIME: sum(f.prefers_weekday_daytime for f in members),
        TimeSlot.WEEKENDS: sum(f.prefers_weekends for f in members),
    }
    return max(votes, key=lambda slot: votes[slot])


@dataclass
class _Built:
    groups: list[NetworkGroup] = field(default_factory=list)
    memberships: list[GroupMembership] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    attendance: list[tuple[Meeting, FosterFamily]] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    supporters: list[tuple[Topic, FosterFamily]] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    profiles: list[MentorProfile] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)
    contacts: list[MentorContact] = field(default_factory=list)


class _Networks:
    def __init__(
        self,
        rng: random.Random,
        today: dt.date,
        consultants: Mapping[int, Sequence[User]],
        specialists: Mapping[int, User],
        institutions: Mapping[int, Sequence[Institution]],
    ) -> None:
        self.rng = rng
        self.today = today
        self.consultants = consultants
        self.specialists = specialists
        self.institutions = institutions
        self.built = _Built()

    def groups(self, municipality_id: int, in_model: list[FosterFamily], count: int) -> None:
        """`count` groups of the families in the model (shuffled here)."""
        rng = self.rng
        rng.shuffle(in_model)
        local = [i for i in self.institutions.get(municipality_id, []) if i.pk in self.specialists]
        for number in range(count):
            size = rng.choice([4, 5, 5, 6])
            members, in_model = in_model[:size], in_model[size:]
            if len(members) < 4:
                break
            institution = rng.choice(local) if local and rng.random() < 0.5 else None
            facilitator = (
                self.specialists[institution.pk]
                if institution is not None
                else rng.choice(self.consultants[municipality_id])
            )
            self.group(number + 1, members, facilitator, institution)

    def group(
        self,
        number: int,
        members: Sequence[FosterFamily],
        facilitator: User,
        institution: Institution | None,
    ) -> None:
        rng, today, built = self.rng, self.today, self.built
        cadence = DEFAULTS.cadence_days
        started = today - dt.timedelta(days=rng.randint(45, 1100))
        ended: dt.date | None = None
        if rng.random() < 0.08 and (today - started).days > 120:
            ended = today - dt.timedelta(
                days=rng.randint(30, min(300, (today - started).days - 60))
            )
        stopped = ended is None and rng.random() < 0.05  # a gap: no meeting for months
        slot = _slot(members)
        weekday, start = SLOT_TIMES[slot]
        group = NetworkGroup(
            uuid=_uuid(rng),
            name=f"Netværksgruppe {number}, {members[0].municipality.name}",
            municipality_id=members[0].municipality_id,
            facilitator=facilitator,
            facilitator_institution=institution,
            meeting_slot=slot,
            cadence_days=cadence,
            facilitated_meetings=DEFAULTS.facilitated_meetings,
            started_on=started,
            ended_on=ended,
            composition=["Samme mødetidspunkt", "Kort afstand"],
        )
        built.groups.append(group)
        consent = _at(started, dt.time(20, 0))
        for family in members:
            shares = rng.random() < 0.5
            built.memberships.append(
                GroupMembership(
                    group=group,
                    family=family,
                    joined_on=started,
                    left_on=ended,
                    shares_contact_details=shares,
                    consent_changed_at=consent if shares else None,
                )
            )
            if institution is not None:
                grace = family.municipality.engagement_grace_days
                built.engagements.append(
                    Engagement(
                        family=family,
                        institution=institution,
                        kind=EngagementKind.NETWORK_GROUP,
                        starts_on=started,
                        ends_on=ended,
                        access_until=ended + dt.timedelta(days=grace) if ended else None,
                        source=f"networks.group:{group.uuid}",
                    )
                )
        last_day = ended or today
        if stopped:
            last_day = today - dt.timedelta(days=rng.randint(75, 130))
        held = 0
        index = 0
        while True:
            day = _on_or_after(started + dt.timedelta(days=14 + cadence * index), weekday)
            index += 1
            if day > last_day:
                break
            held += 1
            if (today - day).days > HISTORY_DAYS:
                continue
            self.meeting(group, members, day, start, index - 1, held=True)
        if ended is None and not stopped:
            self.meeting(group, members, max(day, today + dt.timedelta(days=1)), start, index - 1)
            built.topics.append(
                Topic(
                    uuid=_uuid(rng),
                    group=group,
                    title=rng.choice(TOPICS),
                    status=TopicStatus.SUGGESTED,
                    suggested_by=facilitator,
                    suggested_by_family=rng.choice(members),
                )
            )
        if held >= group.facilitated_meetings:
            group.phase = GroupPhase.SELF_RUNNING
            group.contact_family = members[0]

    def meeting(
        self,
        group: NetworkGroup,
        members: Sequence[FosterFamily],
        day: dt.date,
        start: dt.time,
        index: int,
        *,
        held: bool = False,
    ) -> None:
        rng, built = self.rng, self.built
        facilitated = index < group.facilitated_meetings
        virtual = rng.random() < 0.15
        starts = _at(day, start)
        title = rng.choice(TOPICS)
        host = members[index % len(members)]
        meeting = Meeting(
            uuid=_uuid(rng),
            group=group,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            mode=MeetingMode.VIRTUAL if virtual else MeetingMode.PHYSICAL,
            place="" if virtual else f"Hjemme hos {host.name}, {host.address}",
            link=f"https://meet.example.dk/{group.uuid.hex[:12]}-{index}" if virtual else "",
            agenda=f"1. Runde\n2. Tema: {title}\n3. Næste møde",
            minutes=rng.choice(MINUTES) if held else "",
            facilitated=facilitated,
            facilitator=group.facilitator if facilitated else None,
            attendance_recorded=held,
        )
        built.meetings.append(meeting)
        if held:
            present = [f for f in members if rng.random() < 0.8] or list(members[:2])
            built.attendance.extend((meeting, f) for f in present)
        if held and rng.random() >= 0.5 and not facilitated:
            return
        by_family = None if facilitated else rng.choice(members)
        topic = Topic(
            uuid=_uuid(rng),
            group=group,
            title=title,
            status=TopicStatus.COVERED if held else TopicStatus.CHOSEN,
            suggested_by=group.facilitator,
            suggested_by_family=by_family,
            meeting=meeting,
        )
        built.topics.append(topic)
        if by_family is not None:
            others = [f for f in members if f is not by_family]
            built.supporters.extend((topic, f) for f in rng.sample(others, rng.randint(0, 2)))

    def mentors(
        self,
        families: Sequence[FosterFamily],
        count: int,
        consultant_of: Callable[[FosterFamily], User],
    ) -> None:
        """Mentor profiles for the experienced families, then up to `count` mentorships."""
        rng, today, built = self.rng, self.today, self.built
        experienced = [
            f for f in families if f.years_of_experience(today) >= DEFAULTS.mentor_min_years
        ]
        profiles = [f for f in experienced if rng.random() < MENTOR_SHARE]
        consenting: list[FosterFamily] = []
        for family in profiles:
            consents = rng.random() < 0.9
            built.profiles.append(
                MentorProfile(
                    family=family,
                    consents=consents,
                    consent_changed_at=_at(
                        today - dt.timedelta(days=rng.randint(10, 700)), dt.time(12)
                    ),
                )
            )
            if consents:
                consenting.append(family)
        if not consenting:
            return
        taken = {f.pk for f in consenting}
        new = [f for f in families if (today - f.approved_on).days < 365 and f.pk not in taken]
        taken.update(f.pk for f in new)
        others = [f for f in families if f.pk not in taken]
        mentees: dict[int, int] = {}
        for _ in range(count):
            mentor = rng.choice(consenting)
            if mentees.get(mentor.pk, 0) >= DEFAULTS.mentor_max_mentees:
                continue
            if new and rng.random() < 0.5:
                mentee = new.pop(rng.randrange(len(new)))
                reason = MentorReason.NEW_FAMILY
            elif others:
                mentee = others.pop(rng.randrange(len(others)))
                reason = rng.choice([MentorReason.EXTRA_CHILD, MentorReason.PARTICULAR_NEEDS])
            else:
                break
            starts = today - dt.timedelta(days=rng.randint(20, 420))
            ends = None
            if rng.random() < 0.25 and (today - starts).days > 90:
                ends = starts + dt.timedelta(days=rng.randint(60, (today - starts).days - 1))
            else:
                mentees[mentor.pk] = mentees.get(mentor.pk, 0) + 1
            broker = consultant_of(mentee)
            mentorship = Mentorship(
                uuid=_uuid(rng),
                mentor=mentor,
                mentee=mentee,
                reason=reason,
                starts_on=starts,
                ends_on=ends,
                brokered_by=broker,
            )
            built.mentorships.append(mentorship)
            span = max(((ends or today) - starts).days, 1)
            for _contact in range(rng.randint(2, 6)):
                built.contacts.append(
                    MentorContact(
                        mentorship=mentorship,
                        happened_on=starts + dt.timedelta(days=rng.randint(0, span)),
                        kind=rng.choice(list(ContactKind)),
                        minutes=rng.choice([20, 30, 45, 60, 90]),
                        recorded_by=broker,
                    )
                )


def generate_networks(
    *,
    rng: random.Random,
    today: dt.date,
    families: Sequence[FosterFamily],
    consultants: Mapping[int, Sequence[User]],
    institutions: Sequence[Institution],
    consultant_of: Callable[[FosterFamily], User],
    bulk_create: BulkCreate,
) -> dict[str, int]:
    """Build and insert the networks records; returns counts per kind. `consultants` maps a
    municipality id to its (saved) consultants; `bulk_create` inserts with progress. Reads the
    institutions' specialists (one query)."""
    specialists = {
        m.institution_id: m.user
        for m in Membership.objects.filter(
            role=Role.SPECIALIST, institution__in=institutions
        ).select_related("user")
        if m.institution_id is not None
    }
    by_municipality: dict[int, list[Institution]] = {}
    for institution in institutions:
        by_municipality.setdefault(institution.municipality_id, []).append(institution)
    families_by: dict[int, list[FosterFamily]] = {}
    for family in families:
        families_by.setdefault(family.municipality_id, []).append(family)

    # Scale-aware: the national totals are shared out over the municipalities (a municipality
    # with fewer than four families in the model gets no group).
    ids = list(families_by)
    in_model = {pk: [f for f in families_by[pk] if f.in_model_since is not None] for pk in ids}
    group_counts = _proportional(
        round(len(families) / FAMILIES_PER_GROUP),
        [len(in_model[pk]) if len(in_model[pk]) >= 4 else 0 for pk in ids],
    )
    mentorship_counts = _proportional(
        round(len(families) / FAMILIES_PER_MENTORSHIP), [len(families_by[pk]) for pk in ids]
    )
    networks = _Networks(rng, today, consultants, specialists, by_municipality)
    for pk, groups, mentorships in zip(ids, group_counts, mentorship_counts, strict=True):
        networks.groups(pk, in_model[pk], min(groups, len(in_model[pk]) // 4))
        networks.mentors(families_by[pk], mentorships, consultant_of)
    built = networks.built

    bulk_create(NetworkGroup, built.groups, "Saving network groups")
    bulk_create(GroupMembership, built.memberships, "Saving group memberships")
    bulk_create(Meeting, built.meetings, "Saving network meetings")
    attendees = Meeting.attendees.through
    bulk_create(
        attendees,
        [attendees(meeting_id=m.pk, fosterfamily_id=f.pk) for m, f in built.attendance],
        "Saving meeting attendance",
    )
    bulk_create(Topic, built.topics, "Saving topics")
    supporters = Topic.supporters.through
    bulk_create(
        supporters,
        [supporters(topic_id=t.pk, fosterfamily_id=f.pk) for t, f in built.supporters],
        "Saving topic supporters",
    )
    bulk_create(Engagement, built.engagements, "Saving engagements from network groups")
    bulk_create(MentorProfile, built.profiles, "Saving mentor profiles")
    bulk_create(Mentorship, built.mentorships, "Saving mentorships")
    bulk_create(MentorContact, built.contacts, "Saving mentor contacts")
    return {
        "network_groups": len(built.groups),
        "group_memberships": len(built.memberships),
        "network_meetings": len(built.meetings),
        "meeting_attendance": len(built.attendance),
        "topics": len(built.topics),
        "network_engagements": len(built.engagements),
        "mentor_profiles": len(built.profiles),
        "mentorships": len(built.mentorships),
        "mentor_contacts": len(built.contacts),
    }
