"""Helpers for the network-group tests; build on the `world` personas from conftest.py and the
factories in tests/networks/factories.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from samspil.accounts.models import User
from samspil.families.models import FosterFamily
from samspil.networks.enums import GroupPhase
from samspil.networks.models import Meeting, NetworkGroup
from tests import factories
from tests.competence.factories import at
from tests.networks.factories import MeetingFactory, MembershipFactory, NetworkGroupFactory

TODAY = dt.date(2026, 10, 1)
NOW = at(2026, 10, 1, 12)
STARTED = dt.date(2026, 6, 1)


def group_for(
    world: Any,
    families: Sequence[FosterFamily] | None = None,
    *,
    facilitator: User | None = None,
    institution: Any = "default",
    **fields: Any,
) -> NetworkGroup:
    """An active, facilitated group in A (started 1 June 2026), facilitated by specialist_a of
    institution_a unless told otherwise, with family_a and family_a_other as members."""
    group = NetworkGroupFactory(
        municipality=fields.pop("municipality", world.a),
        facilitator=facilitator or world.specialist_a,
        facilitator_institution=world.institution_a if institution == "default" else institution,
        started_on=fields.pop("started_on", STARTED),
        **fields,
    )
    for family in [world.family_a, world.family_a_other] if families is None else families:
        MembershipFactory(group=group, family=family)
    return group


def self_running(group: NetworkGroup, contact: FosterFamily) -> NetworkGroup:
    group.phase = GroupPhase.SELF_RUNNING
    group.contact_family = contact
    group.save()
    return group


def meeting_for(
    group: NetworkGroup,
    starts_at: dt.datetime | None = None,
    *,
    attendees: Sequence[FosterFamily] = (),
    **fields: Any,
) -> Meeting:
    """A meeting of the group (15 September 2026 19:00 by default); held when `attendees` are
    given (attendance recorded)."""
    starts_at = starts_at or at(2026, 9, 15, 19)
    meeting = MeetingFactory(
        group=group,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        facilitator=group.facilitator,
        attendance_recorded=bool(attendees),
        **fields,
    )
    if attendees:
        meeting.attendees.set(attendees)
    return meeting


def parent_family(world: Any, name: str, username: str, **fields: Any) -> tuple[FosterFamily, User]:
    """Another family in A with a foster parent who can log in."""
    family = factories.FamilyFactory(municipality=world.a, name=name, **fields)
    user = factories.UserFactory(username=username)
    factories.ParentFactory(
        family=family,
        user=user,
        first_name="Sofie",
        last_name=name.split()[-1],
        phone="20304050",
        email=f"{username}@example.org",
    )
    return family, user
