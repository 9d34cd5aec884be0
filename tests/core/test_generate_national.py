"""`generate_national` at 1 % scale: coverage of all municipalities, the invariants the domain
relies on, refusal without --reset, a reset that touches only national data, determinism."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from samspil.audit.models import AuditEntry
from samspil.core.demo.national import USERNAME_PREFIX, allocate
from samspil.families.models import FosterFamily, Placement
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
