"""The demo's networks data: groups, meetings, pool, separations, mentor families. The demo is
seeded once for the module (about ten seconds) and rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Count, Q
from pytest_django import DjangoDbBlocker

from samspil.competence.enums import SupervisionStatus
from samspil.competence.models import CatalogueEntry, SupervisionCourse
from samspil.core.demo.networks import NEIGHBOURHOODS
from samspil.core.demo.seed import TODAY, seed_demo
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement, FosterFamily
from samspil.networks import geography
from samspil.networks.enums import MeetingMode, MentorReason, PoolStatus, ProposalStatus
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    MentorProfile,
    Mentorship,
    NetworkGroup,
    NetworkSettings,
    Pool,
    Separation,
)

END_OF_TODAY = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo: None, db: None) -> None:
    """The module's demo data inside the test's own transaction."""


def _held(group: NetworkGroup) -> list[Meeting]:
    return list(
        group.meetings.filter(
            cancelled=False, attendance_recorded=True, starts_at__lt=END_OF_TODAY
        ).order_by("starts_at")
    )


def test_demo_groups_have_four_to_six_members_each_in_one_active_group(seeded: None) -> None:
    sizes = NetworkGroup.objects.annotate(n=Count("memberships")).values_list("n", flat=True)
    per_family = GroupMembership.objects.filter(left_on__isnull=True).values("family")
    assert NetworkGroup.objects.count() == 10
    assert all(4 <= size <= 6 for size in sizes)
    assert per_family.annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_demo_groups_span_a_year_of_monthly_meetings_with_one_planned(seeded: None) -> None:
    for group in NetworkGroup.objects.exclude(name="Formiddagsgruppen Valby"):
        held = _held(group)
        planned = group.meetings.filter(starts_at__gte=END_OF_TODAY)
        assert len(held) >= 6, group.name
        assert planned.count() == 1, group.name
        assert all(m.minutes and m.attendees.exists() for m in held), group.name
        assert [m.facilitated for m in held[: group.facilitated_meetings + 1]] == [
            True
        ] * group.facilitated_meetings + [False], group.name


def test_demo_foster_parent_has_a_next_meeting_and_members_sharing_details(
    seeded: None,
) -> None:
    family = FosterFamily.objects.get(parents__user__username="plejeforaelder.vejle")
    membership = GroupMembership.objects.get(family=family, left_on__isnull=True)
    others_sharing = membership.group.memberships.filter(shares_contact_details=True).exclude(
        family=family
    )
    assert membership.group.meetings.filter(starts_at__gte=END_OF_TODAY).count() == 1
    assert others_sharing.count() >= 2
    assert membership.group.memberships.filter(shares_contact_details=False).exists()
    assert membership.group.meetings.filter(mode=MeetingMode.VIRTUAL).exclude(link="").exists()


def test_demo_one_group_has_a_cadence_gap(seeded: None) -> None:
    gaps = []
    for group in NetworkGroup.objects.filter(ended_on__isnull=True):
        settings = NetworkSettings.for_municipality(group.municipality)
        held = _held(group)
        last = held[-1].starts_at.date() if held else group.started_on
        if (TODAY - last).days > group.cadence_days + settings.cadence_tolerance_days:
            gaps.append(group.name)
    assert gaps == ["Weekendnetværket Nordvest"]


def test_demo_institution_facilitated_groups_engage_each_member(seeded: None) -> None:
    group = NetworkGroup.objects.get(name="Netværksgruppen Fjordbakken")
    engaged = Engagement.objects.filter(
        source=f"networks.group:{group.uuid}", kind=EngagementKind.NETWORK_GROUP
    )
    assert group.facilitator_institution is not None
    assert set(engaged.values_list("family", flat=True)) == set(
        group.memberships.values_list("family", flat=True)
    )


def test_demo_pool_waits_for_composition_without_separated_pairs_in_groups(
    seeded: None,
) -> None:
    pool = Pool.objects.get()
    families = pool.members.values("family")
    assert (pool.status, pool.proposal_status) == (PoolStatus.OPEN, ProposalStatus.NONE)
    assert pool.members.count() >= 10
    assert GroupMembership.objects.filter(family__in=families).count() == 0
    assert Separation.objects.count() == 2
    assert Separation.objects.filter(family_a__in=families, family_b__in=families).count() == 1


def test_demo_mentorships_cover_every_reason_with_contacts(seeded: None) -> None:
    mentorships = Mentorship.objects.annotate(n=Count("contacts"))
    assert sorted(m.reason for m in mentorships) == sorted(MentorReason.values)
    assert all(m.n >= 3 for m in mentorships)
    assert MentorProfile.objects.filter(consents=True).count() >= 10


def test_demo_new_family_waits_for_a_mentor_next_to_a_mandatory_course(seeded: None) -> None:
    new = FosterFamily.objects.filter(
        approved_on__gt=TODAY - dt.timedelta(days=365), mentorships_as_mentee=None
    )
    waiting = new.filter(
        municipality__in=CatalogueEntry.objects.filter(mandatory=True).values("municipality")
    ).first()
    assert waiting is not None
    closed = SupervisionCourse.objects.filter(status=SupervisionStatus.CLOSED).values("families")
    eligible = FosterFamily.objects.filter(
        Q(pk__in=closed),
        municipality=waiting.municipality,
        mentor_profile__consents=True,
        approved_on__lte=TODAY - dt.timedelta(days=3 * 366),
    )
    assert eligible.exists()


def test_demo_families_live_at_known_postcodes_of_their_municipality(seeded: None) -> None:
    known = geography.known_postcodes()
    for code, places in NEIGHBOURHOODS.items():
        found = set(
            FosterFamily.objects.filter(municipality__code=code).values_list("postcode", "city")
        )
        assert found <= set(places)
        assert len(found) > 1
        assert {postcode for postcode, _city in places} <= known
