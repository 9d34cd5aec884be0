"""The manager's hand edits of the rota: overriding one shift's person and swapping two shifts,
each refused with the reason when it breaks a rule (unavailable or busy, another shift, rest,
maximum) unless the manager confirms; versioned, audited, kept by a new generation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError

from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import Hotline, Shift
from samspil.hotline.services import rota as services
from tests.competence.factories import at
from tests.hotline.factories import HotlineFactory, ShiftFactory
from tests.hotline.factories_rota import UnavailabilityFactory, consultants, rota_hotline

NOW = at(2026, 12, 1, 6)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def shift(hotline: Hotline, day: int, hour: int, person, length: int = 8, **fields) -> Shift:  # type: ignore[no-untyped-def]
    starts = at(2026, 12, day, hour)
    return ShiftFactory(
        hotline=hotline,
        person=person,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=length),
        **fields,
    )


def messages(error: ValidationError) -> list[str]:
    return [m for ms in error.message_dict.values() for m in ms]


# -- override ---------------------------------------------------------------------------------------


def test_override_gives_the_shift_to_another_member(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    services.override_shift(
        actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
    )
    s.refresh_from_db()
    assert (s.person, s.overridden, s.version) == (world.consultant_a2, True, 2)


def test_override_to_nobody_makes_a_gap(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    services.override_shift(actor=world.leader_a, shift=s, person=None, expected_version=1)
    s.refresh_from_db()
    assert s.person is None


def test_override_is_refused_when_the_person_is_unavailable(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    UnavailabilityFactory(
        user=world.consultant_a2, starts_at=at(2026, 12, 3, 0), ends_at=at(2026, 12, 4, 0)
    )
    with pytest.raises(ValidationError) as refused:
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )
    assert messages(refused.value)[0] == (
        f"{world.consultant_a2.get_full_name()} is unavailable or busy in their calendar then."
    )


def test_override_is_refused_when_the_person_is_on_another_shift_then(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    other = HotlineFactory(municipality=world.a, name="Nattelinjen")
    shift(other, 3, 10, world.consultant_a2, length=4)
    with pytest.raises(ValidationError) as refused:
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )
    assert "is already on duty Thu 3.12. 10:00–14:00 (Nattelinjen)." in messages(refused.value)[0]


def test_override_is_refused_when_the_rest_is_too_short(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    shift(hotline, 2, 23, world.consultant_a2, length=8)  # until 07:00 on the 3rd
    with pytest.raises(ValidationError) as refused:
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )
    assert "less than the minimum rest of 11 hours" in messages(refused.value)[0]


def test_override_is_refused_over_the_persons_maximum(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, max_shifts_per_period=1)
    shift(hotline, 10, 8, world.consultant_a2)
    s = shift(hotline, 3, 8, world.consultant_a)
    with pytest.raises(ValidationError) as refused:
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )
    assert (
        "would have 2 shifts in the period 2026-10-01–2026-12-31; the maximum is 1."
        in (messages(refused.value)[0])
    )


def test_override_refusal_says_how_to_change_anyway(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    shift(hotline, 2, 23, world.consultant_a2)
    with pytest.raises(ValidationError) as refused:
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )
    assert messages(refused.value)[-1] == "Tick “Change anyway” to make the change all the same."


def test_override_confirmed_breaks_the_rule_and_records_it(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    shift(hotline, 2, 23, world.consultant_a2)
    services.override_shift(
        actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1, confirm=True
    )
    entry = AuditEntry.objects.get(action="hotline.shift.override")
    assert (entry.changes["person"], len(entry.data["rules_broken"])) == (
        {"before": "consultant_a", "after": "consultant_a2"},
        1,
    )


def test_override_refuses_someone_not_on_the_rota(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    with pytest.raises(ValidationError, match="is not on this hotline's rota"):
        services.override_shift(
            actor=world.leader_a,
            shift=s,
            person=world.consultant_b,
            expected_version=1,
            confirm=True,
        )


def test_override_refuses_a_shift_that_is_over(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 1, 0, world.consultant_a, length=4)  # 00–04 on the 1st, now 06:00
    with pytest.raises(ValidationError, match="This shift is over"):
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )


def test_override_refuses_a_shift_of_the_on_call_service(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 23, None, staffed_by=StaffedBy.ON_CALL_SERVICE)
    with pytest.raises(ValidationError, match="not by the rota"):
        services.override_shift(
            actor=world.leader_a, shift=s, person=world.consultant_a2, expected_version=1
        )


def test_override_of_a_version_someone_changed_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    services.override_shift(actor=world.leader_a, shift=s, person=None, expected_version=1)
    stale = Shift.objects.get(pk=s.pk)
    with pytest.raises(ConcurrentEditError):
        services.override_shift(
            actor=world.leader_a, shift=stale, person=world.consultant_a2, expected_version=1
        )


def test_override_refuses_a_consultant(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    s = shift(hotline, 3, 8, world.consultant_a)
    with pytest.raises(PermissionDeniedError):
        services.override_shift(
            actor=world.consultant_a, shift=s, person=world.consultant_a2, expected_version=1
        )


# -- swap ---------------------------------------------------------------------------------------------


def test_swap_exchanges_the_people_of_two_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 5, 8, world.consultant_a2)
    services.swap_shifts(
        actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.person, b.person, a.overridden, b.overridden) == (
        world.consultant_a2,
        world.consultant_a,
        True,
        True,
    )


def test_swap_is_refused_when_it_breaks_the_rest(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 5, 8, world.consultant_a2)
    shift(hotline, 5, 0, world.consultant_a, length=6)  # a's own shift until 06:00 on the 5th
    with pytest.raises(ValidationError) as refused:
        services.swap_shifts(
            actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
        )
    assert "less than the minimum rest" in messages(refused.value)[0]


def test_swap_confirmed_is_made_despite_the_rule(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 5, 8, world.consultant_a2)
    shift(hotline, 5, 0, world.consultant_a, length=6)
    services.swap_shifts(
        actor=world.leader_a,
        shift=a,
        other=b,
        expected_version=1,
        other_expected_version=1,
        confirm=True,
    )
    b.refresh_from_db()
    assert b.person == world.consultant_a


def test_swap_of_neighbouring_shifts_ignores_the_shifts_being_swapped(world) -> None:  # type: ignore[no-untyped-def]
    # 08–16 and 16–23 on the same day: after the swap each still has one of them.
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 3, 16, world.consultant_a2, length=7)
    services.swap_shifts(
        actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
    )
    a.refresh_from_db()
    assert a.person == world.consultant_a2


def test_swap_with_a_changed_shift_is_refused_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 5, 8, world.consultant_a2)
    Shift.objects.filter(pk=b.pk).update(version=2)
    with pytest.raises(ConcurrentEditError):
        services.swap_shifts(
            actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
        )
    a.refresh_from_db()
    assert (a.person, a.version) == (world.consultant_a, 1)


def test_swap_of_shifts_of_two_hotlines_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    a = shift(rota_hotline(world), 3, 8, world.consultant_a)
    b = shift(rota_hotline(world, name="Anden"), 5, 8, world.consultant_a2)
    with pytest.raises(ValidationError, match="same hotline"):
        services.swap_shifts(
            actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
        )


def test_swap_is_audited_on_both_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 5, 8, world.consultant_a2)
    services.swap_shifts(
        actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
    )
    assert sorted(
        AuditEntry.objects.filter(action="hotline.shift.swap").values_list("object_uuid", flat=True)
    ) == sorted([a.uuid, b.uuid])


def test_a_new_generation_keeps_a_swapped_shift(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services, "SOLVER_SECONDS", 2.0)
    monkeypatch.setattr(services, "SOLVER_WORKERS", 2)
    members = [world.consultant_a, world.consultant_a2, *consultants(world, 3)]
    hotline = rota_hotline(world, members=members)
    a = shift(hotline, 3, 8, world.consultant_a)
    b = shift(hotline, 4, 8, world.consultant_a2)
    services.swap_shifts(
        actor=world.leader_a, shift=a, other=b, expected_version=1, other_expected_version=1
    )
    services.request_rota(
        actor=world.leader_a,
        hotline=hotline,
        first_day=dt.date(2026, 12, 3),
        last_day=dt.date(2026, 12, 4),
    )
    a.refresh_from_db()
    assert a.person == world.consultant_a2
