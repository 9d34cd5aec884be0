"""`generate_national` at 1 % scale: coverage of all municipalities, the invariants the domain
relies on, refusal without --reset, a reset that touches only national data, determinism; at
5 % (where municipalities are large enough for network groups) the networks data."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from samspil.audit.models import AuditEntry
from samspil.core.demo.national import USERNAME_PREFIX, allocate
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement, FosterFamily, Placement
from samspil.networks.models import (
    GroupMembership,
    Meeting,
    MentorProfile,
    Mentorship,
    NetworkGroup,
    Topic,
)
from samspil.organisations.models import Municipality

SCALE = "0.01"


def _generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_national", "--scale", SCALE, *extra, stdout=out, stderr=StringIO())
    return out.getvalue()


def _families() -> list[tuple[str, str]]:
    return [
        (family.name, str(family.uuid))
        for family in FosterFamily.objects.filter(
            consultant_assignments__consultant__username__startswith=USERNAME_PREFIX,
            consultant_assignments__ends_on__isnull=True,
        ).order_by("uuid")
    ]


@pytest.fixture
def national(db: None) -> None:
    _generate()


def test_generate_national_covers_every_municipality(national: None) -> None:
    without = Municipality.objects.annotate(n=Count("families")).filter(n=0)
    assert Municipality.objects.count() == 98
    assert list(without.values_list("name", flat=True)) == []
    largest = Municipality.objects.annotate(n=Count("families")).order_by("-n").first()
    assert largest is not None
    assert largest.code == "101"


def test_every_family_has_one_current_consultant(national: None) -> None:
    current = FosterFamily.objects.annotate(
        n=Count("consultant_assignments", filter=Q(consultant_assignments__ends_on__isnull=True))
    )
    assert current.exclude(n=1).count() == 0
    assert current.count() > 0


def test_placements_never_end_before_start(national: None) -> None:
    assert Placement.objects.count() > 0
    assert Placement.objects.filter(ends_on__lt=F("starts_on")).count() == 0
    assert Placement.objects.filter(ends_on__isnull=False, end_reason="").count() == 0


def test_generate_national_writes_one_audit_entry(national: None) -> None:
    entry = AuditEntry.objects.get(action="core.demo.generate_national")
    assert entry.data["families"] == FosterFamily.objects.count()


def test_second_run_without_reset_raises(national: None) -> None:
    with pytest.raises(CommandError, match="--reset"):
        _generate()


def test_reset_keeps_other_data_and_audit(national: None) -> None:
    other = FosterFamily.objects.create(
        municipality=Municipality.objects.get(code="101"),
        name="Ikke national",
        approved_on=dt.date(2020, 1, 1),
        address="Vestergade 1",
        postcode="1550",
        city="København V",
    )
    entries = AuditEntry.objects.count()
    _generate("--reset")
    assert FosterFamily.objects.filter(pk=other.pk).exists()
    assert AuditEntry.objects.count() == entries + 1


def test_output_deterministic_across_reset(national: None) -> None:
    first = _families()
    _generate("--reset")
    assert _families() == first
    assert len(first) >= 98


def test_allocate_sums_to_total_with_minimum() -> None:
    shares = allocate(10, [100.0, 1.0, 1.0, 1.0])
    assert sum(shares) == 10
    assert min(shares) == 1
    assert shares[0] == 7


def _groups() -> list[tuple[str, str, int]]:
    return [
        (group.name, str(group.uuid), group.meetings.count())
        for group in NetworkGroup.objects.order_by("uuid")
    ]


def test_generate_national_creates_network_groups_and_mentorships(db: None) -> None:
    call_command("generate_national", "--scale", "0.05", verbosity=0)
    institution_groups = NetworkGroup.objects.filter(facilitator_institution__isnull=False)
    engaged = Engagement.objects.filter(
        kind=EngagementKind.NETWORK_GROUP, source__startswith="networks.group:"
    )
    held = Meeting.objects.filter(attendance_recorded=True)
    assert NetworkGroup.objects.count() == round(500 / 12)
    assert (
        GroupMembership.objects.exclude(family__municipality=F("group__municipality")).count() == 0
    )
    assert held.count() > NetworkGroup.objects.count() * 6
    assert held.filter(attendees=None).count() == 0
    assert Topic.objects.exists()
    assert institution_groups.exists()
    assert (
        engaged.count()
        == GroupMembership.objects.filter(group__facilitator_institution__isnull=False).count()
    )
    assert {e.source for e in engaged} == {f"networks.group:{g.uuid}" for g in institution_groups}
    assert MentorProfile.objects.filter(consents=True).exists()
    assert Mentorship.objects.annotate(n=Count("contacts")).filter(n__lt=2).count() == 0
    assert Mentorship.objects.exists()


def test_reset_regenerates_the_same_network_groups(db: None) -> None:
    call_command("generate_national", "--scale", "0.05", verbosity=0)
    first = _groups()
    call_command("generate_national", "--scale", "0.05", "--reset", verbosity=0)
    assert _groups() == first
