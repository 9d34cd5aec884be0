"""Every read and write of a transition is in the audit log, with ids and codes only: never the
notes, the minutes, the child's views or the advice."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.transitions.selectors.transitions import involvement_of
from samspil.transitions.services import plans as plan_services
from samspil.transitions.services import transitions as services
from tests.transitions.factories import (
    advice_for,
    complete,
    meeting_for,
    move,
    step_of,
    transition_for,
)


def _actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="transitions.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_detail_read_is_audited_once_per_page(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.foster_parent_a)
    client.get(reverse("transitions:detail", args=[transition.uuid]))
    entry = AuditEntry.objects.filter(action="transitions.transition.read").get()
    assert (entry.actor, entry.object_uuid, entry.municipality_id, entry.data["channel"]) == (
        world.foster_parent_a,
        transition.uuid,
        world.a.pk,
        "ui",
    )


def test_api_detail_read_is_audited_with_the_api_channel(world, client) -> None:  # type: ignore[no-untyped-def]
    from samspil.accounts.services import create_api_token

    transition = transition_for(world)
    _record, token = create_api_token(user=world.case_worker_a, name="t")
    client.get(
        f"/api/v1/transitions/{transition.uuid}", headers={"Authorization": f"Bearer {token}"}
    )
    entry = AuditEntry.objects.filter(action="transitions.transition.read").get()
    assert (entry.actor, entry.data["channel"]) == (world.case_worker_a, "api")


def test_an_invisible_transition_writes_no_read_entry(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_b)
    client.get(reverse("transitions:detail", args=[transition.uuid]))
    assert AuditEntry.objects.filter(action="transitions.transition.read").count() == 0


def test_list_read_is_audited_with_the_ids_shown(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.specialist_a)
    client.get(reverse("transitions:list"))
    entry = AuditEntry.objects.filter(action="transitions.transition.list").get()
    assert (entry.actor, entry.data["transitions"], entry.data["count"], entry.municipality_id) == (
        world.specialist_a,
        [str(transition.uuid)],
        1,
        world.a.pk,
    )


def test_writes_are_audited_without_free_text(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, internal_notes="SECRET-NOTE")
    meeting_for(world, transition, minutes="SECRET-MINUTES", shared_about_child="SECRET-SHARED")
    plan_services.set_step_done(
        actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
    )
    services.update_involvement(
        actor=world.specialist_a,
        involvement=involvement_of(transition),
        values={"methods": ["visits"], "child_views": "SECRET-VIEWS"},
        expected_version=1,
    )
    advice_for(world, transition, text="SECRET-ADVICE")
    assert _actions() == [
        "transitions.transition.create",
        "transitions.meeting.create",
        "transitions.step.done",
        "transitions.involvement.update",
        "transitions.advice.create",
    ]
    logged = " ".join(
        f"{e.data} {e.changes} {e.object_label}"
        for e in AuditEntry.objects.filter(action__startswith="transitions.")
    )
    assert "SECRET" not in logged


def test_status_change_and_engagement_end_are_audited(world) -> None:  # type: ignore[no-untyped-def]
    complete(world, move(world, transition_for(world)), on=timezone.localdate())
    statuses = AuditEntry.objects.filter(action="transitions.transition.status").order_by("id")
    assert [e.changes["status"]["after"] for e in statuses] == ["after_move", "completed"]
    assert AuditEntry.objects.filter(action="families.engagement.end").count() == 1
    assert AuditEntry.objects.filter(action="families.engagement.create").count() == 1
