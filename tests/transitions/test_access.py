"""Who sees which transition and what of it (the table in `transitions/rules.py`): the
municipality's staff, the child's case worker, the from-institution's staff while the
engagement gives access, the receiving family's foster parents without internal notes, and
nobody else. Each allowed case has its negative twin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.transitions.selectors.transitions import transitions_for
from samspil.transitions.services import transitions as services
from tests import factories
from tests.transitions.factories import (
    complete,
    meeting_for,
    move,
    transition_for,
    transition_in_b,
)

TODAY = timezone.localdate()


def _detail(client, transition):  # type: ignore[no-untyped-def]
    return client.get(reverse("transitions:detail", args=[transition.uuid]))


# -- institution staff and the engagement ---------------------------------------------------------


def test_specialist_sees_the_transition_while_engaged(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.specialist_a)
    response = _detail(client, transition)
    assert (response.status_code, response.context["transition"]) == (200, transition)


def test_specialist_of_another_institution_does_not_see_it(world, client) -> None:  # type: ignore[no-untyped-def]
    other = factories.staff(Role.SPECIALIST, institution=factories.InstitutionFactory())
    transition = transition_for(world)
    client.force_login(other)
    assert _detail(client, transition).status_code == 404


def test_specialist_keeps_access_for_the_grace_period_after_completion(world, client) -> None:  # type: ignore[no-untyped-def]
    started = transition_for(world, today=TODAY - dt.timedelta(days=100))
    transition = complete(
        world,
        move(world, started, on=TODAY - dt.timedelta(days=80)),
        on=TODAY - dt.timedelta(days=10),
    )
    client.force_login(world.specialist_a)
    response = _detail(client, transition)
    assert (response.status_code, response.context["detail"].can_contribute) == (200, False)


def test_specialist_loses_access_after_the_grace_period(world, client) -> None:  # type: ignore[no-untyped-def]
    started = transition_for(world, today=TODAY - dt.timedelta(days=200))
    transition = complete(
        world,
        move(world, started, on=TODAY - dt.timedelta(days=150)),
        on=TODAY - dt.timedelta(days=31),
    )
    client.force_login(world.specialist_a)
    assert _detail(client, transition).status_code == 404
    assert list(transitions_for(world.specialist_a)) == []


def test_specialist_sees_it_from_the_day_the_engagement_starts(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, today=TODAY + dt.timedelta(days=3))
    client.force_login(world.specialist_a)
    assert _detail(client, transition).status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=4)):
        assert list(transitions_for(world.specialist_a)) == [transition]


# -- the foster family ------------------------------------------------------------------------------


def test_foster_parent_sees_own_transition_without_internal_notes_or_minutes(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="Internal: do not share")
    meeting_for(world, transition, minutes="Minutes: only for staff")
    client.force_login(world.foster_parent_a)
    response = _detail(client, transition)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Loves drawing; needs a night light." in page
    assert "The institution packs with her." in page
    assert "Internal: do not share" not in page
    assert "Minutes: only for staff" not in page
    assert "Involving the child" not in page


def test_consultant_sees_internal_notes_and_minutes(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="Internal: do not share")
    meeting_for(world, transition, minutes="Minutes: only for staff")
    client.force_login(world.consultant_a)
    page = _detail(client, transition).content.decode()
    assert "Internal: do not share" in page
    assert "Minutes: only for staff" in page


def test_foster_parent_sees_the_childs_views_only_when_shared(world, client) -> None:  # type: ignore[no-untyped-def]
    from samspil.transitions.selectors.transitions import involvement_of

    transition = transition_for(world)
    involvement = services.update_involvement(
        actor=world.specialist_a,
        involvement=involvement_of(transition),
        values={"child_views": "Wants her bike", "views_shared_with_family": False},
        expected_version=1,
    )
    client.force_login(world.foster_parent_a)
    assert "Wants her bike" not in _detail(client, transition).content.decode()
    services.update_involvement(
        actor=world.specialist_a,
        involvement=involvement,
        values={"views_shared_with_family": True},
        expected_version=2,
    )
    assert "Wants her bike" in _detail(client, transition).content.decode()


def test_foster_parent_of_another_family_does_not_see_it(world, client) -> None:  # type: ignore[no-untyped-def]
    other_parent = factories.UserFactory(username="other_parent")
    factories.ParentFactory(family=world.family_a_other, user=other_parent)
    transition = transition_for(world)
    client.force_login(other_parent)
    assert _detail(client, transition).status_code == 404


# -- municipalities and roles --------------------------------------------------------------------


def test_other_municipality_sees_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_b)
    assert _detail(client, transition).status_code == 404
    assert list(transitions_for(world.consultant_b)) == []


def test_consultant_of_the_familys_municipality_sees_a_child_from_elsewhere(world, client) -> None:  # type: ignore[no-untyped-def]
    child_b = factories.ChildFactory(municipality=world.b, first_name="Bent")
    factories.PlacementFactory(
        child=child_b,
        family=world.family_a_other,
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2021, 1, 1),
        end_reason="institution",
    )
    transition = transition_for(world, child=child_b, family=world.family_a)
    client.force_login(world.consultant_a2)
    assert _detail(client, transition).status_code == 200
    client.force_login(world.consultant_b)
    assert _detail(client, transition).status_code == 200


@pytest.mark.parametrize("persona", ["evaluator", "programme_officer", "sysadmin"])
def test_global_roles_see_nothing(world, client, persona) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(getattr(world, persona))
    assert _detail(client, transition).status_code == 404


def test_case_worker_reads_everything_but_changes_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="Internal: do not share")
    client.force_login(world.case_worker_a)
    response = _detail(client, transition)
    detail = response.context["detail"]
    assert "Internal: do not share" in response.content.decode()
    assert (detail.can_contribute, detail.can_change, detail.can_add_advice) == (
        False,
        False,
        False,
    )
    assert client.get(reverse("transitions:edit", args=[transition.uuid])).status_code == 403


def test_another_case_worker_does_not_see_it(world, client) -> None:  # type: ignore[no-untyped-def]
    other = factories.staff(Role.CASE_WORKER, municipality=world.b, username="case_worker_b")
    transition = transition_for(world)
    client.force_login(other)
    assert _detail(client, transition).status_code == 404


LIST_ROWS = {
    "consultant_a": {"a"},
    "consultant_b": {"b"},
    "leader_a": {"a"},
    "case_worker_a": {"a"},
    "specialist_a": {"a"},
    "foster_parent_a": {"a"},
    "evaluator": set(),
    "programme_officer": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize(("persona", "expected"), LIST_ROWS.items(), ids=list(LIST_ROWS))
def test_list_shows_exactly_the_visible_transitions(world, persona, expected) -> None:  # type: ignore[no-untyped-def]
    records = {"a": transition_for(world), "b": transition_in_b(world)}
    seen = set(transitions_for(getattr(world, persona)))
    assert seen == {records[name] for name in expected}
