"""Network groups, the services: creating by hand, members (with the facilitating institution's
engagements), consent to share contact details, the group's settings and contact family, the
phase switch to self-running and ending a group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement
from samspil.networks.enums import GroupPhase
from samspil.networks.models import GroupMembership, NetworkSettings
from samspil.networks.selectors import choices
from samspil.networks.selectors import groups as selectors
from samspil.networks.services import groups as services
from tests import factories
from tests.competence.factories import at
from tests.networks.factories_groups import (
    NOW,
    TODAY,
    group_for,
    meeting_for,
    parent_family,
    self_running,
)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _engagements(group) -> list[Engagement]:  # type: ignore[no-untyped-def]
    return list(
        Engagement.objects.filter(source=services.engagement_source(group)).order_by("family__name")
    )


# -- creating by hand ----------------------------------------------------------------------------


def test_create_group_uses_the_given_cadence(world) -> None:  # type: ignore[no-untyped-def]
    group = services.create_group(
        actor=world.consultant_a,
        name="Nordvest",
        municipality=world.a,
        families=[world.family_a],
        facilitator=world.consultant_a,
        meeting_slot="evenings",
        cadence_days=21,
    )
    assert group.cadence_days == 21


def test_create_group_defaults_to_the_municipality_cadence(world) -> None:  # type: ignore[no-untyped-def]
    NetworkSettings.objects.create(municipality=world.a, cadence_days=45)
    group = services.create_group(
        actor=world.consultant_a,
        name="Nordvest",
        municipality=world.a,
        families=[world.family_a],
        facilitator=world.consultant_a,
        meeting_slot="evenings",
    )
    assert group.cadence_days == 45


def test_create_group_refuses_a_cadence_out_of_range(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.create_group(
            actor=world.consultant_a,
            name="Nordvest",
            municipality=world.a,
            families=[world.family_a],
            facilitator=world.consultant_a,
            meeting_slot="evenings",
            cadence_days=3,
        )
    assert list(error.value.message_dict) == ["cadence_days"]


# -- members --------------------------------------------------------------------------------------


def test_add_member_records_an_engagement_of_the_facilitating_institution(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    services.add_member(
        actor=world.consultant_a,
        group=group,
        family=world.family_a_other,
        expected_version=group.version,
    )
    [engagement] = _engagements(group)
    assert (engagement.family, engagement.institution, engagement.kind, engagement.starts_on) == (
        world.family_a_other,
        world.institution_a,
        EngagementKind.NETWORK_GROUP,
        TODAY,
    )


def test_add_member_with_a_consultant_facilitator_records_no_engagement(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a], facilitator=world.consultant_a, institution=None)
    services.add_member(
        actor=world.consultant_a,
        group=group,
        family=world.family_a_other,
        expected_version=group.version,
    )
    assert _engagements(group) == []


def test_add_member_refuses_a_family_in_another_active_group(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a_other])
    group = group_for(world, [world.family_a])
    with pytest.raises(ValidationError) as error:
        services.add_member(
            actor=world.consultant_a,
            group=group,
            family=world.family_a_other,
            expected_version=group.version,
        )
    assert error.value.message_dict["family"] == [
        "The family is already in an active network group."
    ]


def test_add_member_refuses_a_family_the_actor_cannot_see(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    with pytest.raises(ValidationError) as error:
        services.add_member(
            actor=world.consultant_a,
            group=group,
            family=world.family_b,
            expected_version=group.version,
        )
    assert error.value.message_dict["family"] == ["Choose a family you can see."]


def test_add_member_by_consultant_of_another_municipality_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    with pytest.raises(PermissionDeniedError):
        services.add_member(
            actor=world.consultant_b,
            group=group,
            family=world.family_b,
            expected_version=group.version,
        )


def test_add_member_with_a_stale_version_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    services.update_group(
        actor=world.consultant_a,
        group=group,
        values={"cadence_days": 21},
        expected_version=group.version,
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.add_member(
            actor=world.consultant_a, group=group, family=world.family_a_other, expected_version=1
        )
    assert [(c.field, c.before, c.after) for c in error.value.changes] == [("cadence_days", 30, 21)]


def test_remove_member_ends_that_familys_engagement_only(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [])
    for family in (world.family_a, world.family_a_other):
        services.add_member(
            actor=world.consultant_a, group=group, family=family, expected_version=group.version
        )
    services.remove_member(
        actor=world.consultant_a,
        group=group,
        family=world.family_a,
        expected_version=group.version,
        left_on=dt.date(2026, 10, 5),
    )
    assert [(e.family, e.ends_on) for e in _engagements(group)] == [
        (world.family_a, dt.date(2026, 10, 5)),
        (world.family_a_other, None),
    ]


def test_remove_member_sets_left_on(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.remove_member(
        actor=world.consultant_a, group=group, family=world.family_a, expected_version=1
    )
    membership = GroupMembership.objects.get(group=group, family=world.family_a)
    assert membership.left_on == TODAY


def test_remove_member_of_the_contact_family_clears_it(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, contact_family=world.family_a)
    services.remove_member(
        actor=world.consultant_a, group=group, family=world.family_a, expected_version=1
    )
    group.refresh_from_db()
    assert group.contact_family is None


def test_removed_family_can_join_another_group(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    other = group_for(world, [])
    services.remove_member(
        actor=world.consultant_a, group=group, family=world.family_a, expected_version=1
    )
    membership = services.add_member(
        actor=world.consultant_a, group=other, family=world.family_a, expected_version=1
    )
    assert membership.group == other


# -- consent ----------------------------------------------------------------------------------------


def test_set_consent_records_when_and_audits(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    membership = GroupMembership.objects.get(group=group, family=world.family_a)
    services.set_consent(actor=world.foster_parent_a, membership=membership, shares=True)
    membership.refresh_from_db()
    entry = AuditEntry.objects.get(action="networks.membership.consent")
    assert (membership.shares_contact_details, membership.consent_changed_at) == (True, NOW)
    assert (entry.actor, entry.changes["shares_contact_details"]) == (
        world.foster_parent_a,
        {"before": False, "after": True},
    )


def test_set_consent_can_be_revoked(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    membership = GroupMembership.objects.get(group=group, family=world.family_a)
    services.set_consent(actor=world.foster_parent_a, membership=membership, shares=True)
    services.set_consent(actor=world.foster_parent_a, membership=membership, shares=False)
    membership.refresh_from_db()
    assert membership.shares_contact_details is False


@pytest.mark.parametrize("persona", ["consultant_a", "specialist_a", "leader_a"])
def test_set_consent_by_anyone_but_the_family_is_denied(world, persona) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    membership = GroupMembership.objects.get(group=group, family=world.family_a)
    with pytest.raises(PermissionDeniedError):
        services.set_consent(actor=getattr(world, persona), membership=membership, shares=True)


def test_set_consent_for_another_member_family_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    membership = GroupMembership.objects.get(group=group, family=world.family_a_other)
    with pytest.raises(PermissionDeniedError):
        services.set_consent(actor=world.foster_parent_a, membership=membership, shares=True)


# -- settings, contact family, phase -----------------------------------------------------------------


def test_update_group_saves_the_cadence_and_audits_the_change(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.update_group(
        actor=world.specialist_a,
        group=group,
        values={"cadence_days": 14, "facilitated_meetings": 4},
        expected_version=1,
    )
    group.refresh_from_db()
    entry = AuditEntry.objects.get(action="networks.group.update")
    assert (group.cadence_days, group.facilitated_meetings, group.version) == (14, 4, 2)
    assert entry.changes == {
        "cadence_days": {"before": 30, "after": 14},
        "facilitated_meetings": {"before": 3, "after": 4},
    }


def test_update_group_refuses_a_cadence_below_a_week(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(ValidationError) as error:
        services.update_group(
            actor=world.consultant_a, group=group, values={"cadence_days": 2}, expected_version=1
        )
    assert list(error.value.message_dict) == ["cadence_days"]


def test_set_contact_family_must_be_a_member(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    with pytest.raises(ValidationError) as error:
        services.set_contact_family(
            actor=world.consultant_a,
            group=group,
            family=world.family_a_other,
            expected_version=1,
        )
    assert error.value.message_dict["family"] == [
        "The contact family must be a member of the group."
    ]


def test_start_self_running_needs_a_contact_family(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(ValidationError) as error:
        services.start_self_running(actor=world.specialist_a, group=group, expected_version=1)
    assert list(error.value.message_dict) == ["contact_family"]


def test_start_self_running_with_a_contact_family_switches_the_phase(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.set_contact_family(
        actor=world.specialist_a, group=group, family=world.family_a, expected_version=1
    )
    services.start_self_running(actor=world.specialist_a, group=group, expected_version=2)
    group.refresh_from_db()
    assert (group.phase, group.contact_family) == (GroupPhase.SELF_RUNNING, world.family_a)


def test_start_self_running_twice_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    with pytest.raises(ValidationError):
        services.start_self_running(
            actor=world.specialist_a, group=group, expected_version=group.version
        )


def test_self_running_is_suggested_once_the_facilitated_meetings_were_held(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, facilitated_meetings=2)
    meeting_for(group, at(2026, 7, 1, 19), attendees=[world.family_a])
    meeting_for(group, at(2026, 8, 1, 19), attendees=[world.family_a])
    detail = selectors.group_detail(world.specialist_a, group)
    assert (detail.held, detail.suggest_self_running) == (2, True)


def test_self_running_is_not_suggested_for_meetings_without_attendance_or_cancelled(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, facilitated_meetings=2)
    meeting_for(group, at(2026, 7, 1, 19), attendees=[world.family_a])
    meeting_for(group, at(2026, 8, 1, 19))  # attendance not recorded
    meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a], cancelled=True)
    meeting_for(group, at(2026, 10, 20, 19))  # planned
    detail = selectors.group_detail(world.specialist_a, group)
    assert (detail.held, detail.suggest_self_running) == (1, False)


# -- ending ---------------------------------------------------------------------------------------------


def test_end_group_ends_every_membership(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.end_group(
        actor=world.consultant_a, group=group, expected_version=1, ended_on=dt.date(2026, 10, 2)
    )
    assert list(GroupMembership.objects.filter(group=group).values_list("left_on", flat=True)) == [
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 2),
    ]


def test_end_group_ends_the_facilitating_institutions_engagements(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [])
    for family in (world.family_a, world.family_a_other):
        services.add_member(
            actor=world.consultant_a, group=group, family=family, expected_version=group.version
        )
    services.end_group(actor=world.consultant_a, group=group, expected_version=group.version)
    assert [e.ends_on for e in _engagements(group)] == [TODAY, TODAY]


def test_end_group_cancels_meetings_planned_after_the_end(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    held = meeting_for(group, at(2026, 9, 15, 19), attendees=[world.family_a])
    planned = meeting_for(group, at(2026, 10, 20, 19))
    services.end_group(actor=world.consultant_a, group=group, expected_version=1)
    held.refresh_from_db()
    planned.refresh_from_db()
    assert (held.cancelled, planned.cancelled) == (False, True)


def test_end_group_makes_the_family_free_for_another_group(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.end_group(actor=world.consultant_a, group=group, expected_version=1)
    assert set(choices.addable_families(world.consultant_a)) == {
        world.family_a,
        world.family_a_other,
    }


def test_end_group_by_a_member_family_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(PermissionDeniedError):
        services.end_group(actor=world.foster_parent_a, group=group, expected_version=1)


def test_addable_families_leaves_out_families_in_an_active_group(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])
    family, _user = parent_family(world, "Familien Holm", "holm")
    assert list(choices.addable_families(world.consultant_a)) == [family, world.family_a_other]


def test_facilitators_are_municipal_staff_and_collaborating_institution_staff(world) -> None:  # type: ignore[no-untyped-def]
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])
    outside = factories.staff(
        Role.SPECIALIST, institution=factories.InstitutionFactory(name="Udenfor")
    )
    chosen = set(choices.facilitators_for([world.a.pk]))
    assert {world.specialist_a, world.consultant_a, world.consultant_a2, world.leader_a} <= chosen
    assert {outside, world.case_worker_a, world.consultant_b} & chosen == set()
