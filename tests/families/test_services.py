from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families import services
from samspil.families.cpr import cpr_lookup_hash, decrypt_cpr
from samspil.families.models import Child, ConsultantAssignment


def test_reassign_consultant_keeps_history_and_one_current(world) -> None:
    services.reassign_consultant(
        actor=world.leader_a,
        family=world.family_a,
        consultant=world.consultant_a2,
        reason="Barsel",
        on=dt.date(2026, 3, 1),
    )
    assignments = list(
        world.family_a.consultant_assignments.order_by("starts_on").values_list(
            "consultant__username", "ends_on"
        )
    )
    assert assignments == [("consultant_a", dt.date(2026, 3, 1)), ("consultant_a2", None)]


def test_database_refuses_two_current_consultants(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultantAssignment.objects.create(
            family=world.family_a, consultant=world.consultant_a2, starts_on=dt.date(2026, 1, 1)
        )


def test_reassign_to_consultant_of_other_municipality_is_refused(world) -> None:
    with pytest.raises(ValidationError):
        services.reassign_consultant(
            actor=world.leader_a, family=world.family_a, consultant=world.consultant_b
        )


def test_case_worker_cannot_reassign_consultant(world) -> None:
    with pytest.raises(PermissionDeniedError):
        services.reassign_consultant(
            actor=world.case_worker_a, family=world.family_a, consultant=world.consultant_a2
        )


def test_create_family_gets_its_fixed_consultant(world) -> None:
    family = services.create_family(
        actor=world.consultant_a,
        municipality=world.a,
        consultant=world.consultant_a2,
        values={
            "name": "Familien Ny",
            "approved_on": dt.date(2024, 1, 1),
            "address": "Vej 1",
            "postcode": "2400",
            "city": "København NV",
        },
    )
    assert [a.consultant for a in family.consultant_assignments.all()] == [world.consultant_a2]


def test_create_family_in_other_municipality_is_refused(world) -> None:
    with pytest.raises(PermissionDeniedError):
        services.create_family(
            actor=world.consultant_a, municipality=world.b, consultant=world.consultant_b, values={}
        )


def test_cpr_is_encrypted_at_rest_and_found_by_hash(world) -> None:
    child = services.create_child(
        actor=world.consultant_a,
        municipality=world.a,
        values={"first_name": "Ida", "last_name": "Holm", "date_of_birth": dt.date(2015, 2, 3)},
        cpr="030215-1234",
    )
    stored = Child.objects.filter(pk=child.pk).values_list("cpr_encrypted", flat=True).get()
    assert "0302151234" not in stored
    assert decrypt_cpr(stored) == "0302151234"
    assert Child.objects.get(cpr_hash=cpr_lookup_hash("0302151234")) == child


def test_invalid_cpr_is_refused_with_reason(world) -> None:
    with pytest.raises(ValidationError, match="CPR"):
        services.create_child(
            actor=world.consultant_a,
            municipality=world.a,
            values={"first_name": "Ida", "last_name": "Holm", "date_of_birth": dt.date(2015, 2, 3)},
            cpr="991399-1234",
        )


def test_concurrent_edit_is_refused_with_what_changed(world) -> None:
    family = world.family_a
    version = family.version
    services.update_family(
        actor=world.consultant_a,
        family=family,
        values={"address": "Første 1"},
        expected_version=version,
    )
    stale = type(family).objects.get(pk=family.pk)
    stale.version = version
    with pytest.raises(ConcurrentEditError) as caught:
        services.update_family(
            actor=world.leader_a, family=stale, values={"city": "Valby"}, expected_version=version
        )
    assert [(c.field, c.before, c.after, c.by) for c in caught.value.changes] == [
        ("address", "Skovvej 1", "Første 1", "consultant_a")
    ]
    family.refresh_from_db()
    assert (family.address, family.city) == ("Første 1", "København NV")


def test_overlapping_placement_is_refused(world) -> None:
    with pytest.raises(ValidationError):
        services.create_placement(
            actor=world.consultant_a,
            child=world.child_a,
            family=world.family_a_other,
            values={"starts_on": dt.date(2023, 1, 1)},
        )


def test_ending_a_placement_requires_a_reason(world) -> None:
    with pytest.raises(ValidationError):
        services.update_placement(
            actor=world.consultant_a,
            placement=world.placement_a,
            values={"ends_on": dt.date(2025, 1, 1)},
            expected_version=world.placement_a.version,
        )


def test_anonymous_user_may_not_see_cpr_of_child_without_case_worker(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    from samspil.families.rules import can_see_cpr

    assert can_see_cpr(AnonymousUser(), world.child_b) is False
