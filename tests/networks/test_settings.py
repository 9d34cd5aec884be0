"""A leader sets the municipality's network rules; nobody else can, and concurrent saves never
overwrite each other."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks.enums import NetworkFamilies
from samspil.networks.models import NetworkSettings
from samspil.networks.services.settings import update_settings

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": 1,
        "min_group_size": 3,
        "max_group_size": 5,
        "cadence_days": 42,
        "cadence_tolerance_days": 7,
        "facilitated_meetings": 2,
        "experienced_years": 4,
        "network_families": NetworkFamilies.MIXED,
        "weight_travel": 3,
        "weight_mix": 1,
        "weight_similarity": 0,
        "weight_network": 2,
        "solver_seconds": 5,
        "mentor_min_years": 5,
        "mentor_requires_course": "",
        "mentor_max_mentees": 1,
    }
    data.update(overrides)
    return data


def test_defaults_apply_until_a_leader_saves_settings(world) -> None:  # type: ignore[no-untyped-def]
    settings = NetworkSettings.for_municipality(world.a)
    assert settings.pk is None
    assert (settings.min_group_size, settings.max_group_size, settings.cadence_days) == (4, 6, 30)
    assert settings.mentor_min_years == 3
    assert settings.mentor_requires_course


def test_a_leader_saves_the_municipality_settings(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    url = reverse("networks:settings", args=[world.a.code])
    response = client.post(url, form_data())
    assert response.status_code == 302
    saved = NetworkSettings.objects.get(municipality=world.a)
    assert (saved.min_group_size, saved.cadence_days, saved.mentor_requires_course) == (
        3,
        42,
        False,
    )
    assert saved.network_families == NetworkFamilies.MIXED
    entry = AuditEntry.objects.get(action="networks.settings.update")
    assert entry.changes["cadence_days"] == {"before": 30, "after": 42}


def test_a_largest_group_below_the_smallest_is_refused_and_input_kept(
    client: Client, world
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    response = client.post(
        reverse("networks:settings", args=[world.a.code]),
        form_data(min_group_size=6, max_group_size=4),
    )
    assert response.status_code == 200
    assert "cannot be smaller than the smallest" in response.content.decode()
    assert response.context["form"].data["cadence_days"] == "42"
    assert not NetworkSettings.objects.filter(municipality=world.a).exists()


@pytest.mark.parametrize("persona", ["consultant_a", "leader_b", "specialist_a", "foster_parent_a"])
def test_only_the_municipality_leaders_may_change_settings(
    client: Client, world, persona: str
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(world, persona))
    response = client.get(reverse("networks:settings", args=[world.a.code]))
    assert response.status_code == 403
    with pytest.raises(PermissionDeniedError):
        update_settings(
            actor=getattr(world, persona), municipality=world.a, values={}, expected_version=1
        )


def test_two_leaders_saving_at_once_do_not_overwrite_each_other(world) -> None:  # type: ignore[no-untyped-def]
    update_settings(
        actor=world.leader_a, municipality=world.a, values={"cadence_days": 60}, expected_version=1
    )
    with pytest.raises(ConcurrentEditError):
        update_settings(
            actor=world.leader_a,
            municipality=world.a,
            values={"cadence_days": 20},
            expected_version=1,
        )
    assert NetworkSettings.objects.get(municipality=world.a).cadence_days == 60
