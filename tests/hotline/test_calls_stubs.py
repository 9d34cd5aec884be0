"""Calls to complete: the hotline's stubs from the telephony system and calls registered
without a family, completing one and linking the family (creating the follow-up), and two
people completing the same call at once."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from samspil.audit.models import AuditEntry
from samspil.hotline.enums import CallStatus, Urgency
from samspil.hotline.models import Call, FollowUp
from samspil.hotline.services import calls as services
from tests.hotline.factories import CallFactory, CallTopicFactory, HotlineFactory


def stub(world, hotline, minutes_ago: int = 10, phone: str = "61626364") -> Call:  # type: ignore[no-untyped-def]
    """A call reported by the telephony system (acting as leader_a)."""
    return services.create_call_stub(
        actor=world.leader_a,
        hotline=hotline,
        received_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        caller_phone=phone,
    )


def complete(client, call, family, **extra):  # type: ignore[no-untyped-def]
    data = {
        "family": str(family.uuid) if family else "",
        "topic": CallTopicFactory().pk,
        "urgency": Urgency.MEDIUM,
        "caller_role": "foster_parent",
        "advice": "Aftalte at ringe igen i morgen.",
        "caller_phone": call.caller_phone,
        "version": call.version,
        **extra,
    }
    return client.post(reverse("hotline:call_complete", args=[call.uuid]), data)


def test_open_calls_list_the_stubs_and_the_calls_without_family(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    older = stub(world, hotline, minutes_ago=30)
    newer = stub(world, hotline, minutes_ago=5)
    unlinked = CallFactory(hotline=hotline, received_at=timezone.now() - dt.timedelta(minutes=20))
    CallFactory(hotline=hotline, family=world.family_a)
    stub(world, HotlineFactory(municipality=world.a))
    response = login(world.specialist_a).get(reverse("hotline:call_open_list", args=[hotline.uuid]))
    assert response.context["calls"] == [newer, unlinked, older]


def test_open_calls_read_is_audited_with_ids_only(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    first = stub(world, hotline, phone="61626364")
    second = CallFactory(hotline=hotline, caller_name="Mette")
    login(world.specialist_a).get(reverse("hotline:call_open_list", args=[hotline.uuid]))
    entry = AuditEntry.objects.get(action="hotline.call.list")
    assert (entry.actor, entry.municipality_id, entry.object_label) == (
        world.specialist_a,
        world.a.pk,
        "",
    )
    assert entry.data == {
        "calls": sorted([str(first.uuid), str(second.uuid)]),
        "families": [],
        "hotline": str(hotline.uuid),
        "channel": "ui",
    }


def test_open_calls_queries_do_not_grow_with_rows(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.specialist_a)
    url = reverse("hotline:call_open_list", args=[hotline.uuid])
    stub(world, hotline)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).context["calls"]) == 1
    stub(world, hotline, phone="71727374")
    CallFactory(hotline=hotline)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).context["calls"]) == 3
    assert len(three) == len(one)


def test_open_calls_are_forbidden_to_a_rota_member_outside_the_shift(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    from samspil.hotline.models import RotaMember

    RotaMember.objects.create(hotline=hotline, user=world.specialist_a)
    stub(world, hotline, phone="61626364")
    response = login(world.specialist_a).get(reverse("hotline:call_open_list", args=[hotline.uuid]))
    assert (response.status_code, "61626364" in response.content.decode()) == (403, False)
    assert not AuditEntry.objects.filter(action="hotline.call.list").exists()


def test_completing_a_stub_links_the_family_and_creates_the_follow_up(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    call = stub(world, hotline)
    response = complete(login(world.specialist_a), call, world.family_a)
    call.refresh_from_db()
    follow_up = FollowUp.objects.get(call=call)
    assert (response.status_code, call.status, call.family, call.urgency, follow_up.assignee) == (
        302,
        CallStatus.REGISTERED,
        world.family_a,
        Urgency.MEDIUM,
        world.consultant_a,
    )


def test_completing_a_stub_says_who_follows_up_and_when(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    call = stub(world, hotline)
    client = login(world.specialist_a)
    page = client.get(complete(client, call, world.family_a).url)
    follow_up = FollowUp.objects.get(call=call)
    day = f"{date_format(follow_up.due_date, 'l')} {date_format(follow_up.due_date)}"
    assert [str(m) for m in page.context["messages"]] == [
        f"The call was saved. {world.consultant_a.get_full_name()} follows up by {day}."
    ]


def test_completing_a_stub_without_family_leaves_it_open_for_linking(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    call = stub(world, hotline)
    complete(login(world.specialist_a), call, None)
    call.refresh_from_db()
    assert (call.status, call.family, FollowUp.objects.count()) == (CallStatus.REGISTERED, None, 0)


def test_completing_a_call_already_linked_hides_the_search(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    call = CallFactory(hotline=hotline, family=world.family_a, status=CallStatus.STUB)
    response = login(world.specialist_a).get(reverse("hotline:call_complete", args=[call.uuid]))
    assert (
        response.context["family_locked"],
        response.context["view"].name,
        'role="search"' in response.text,
    ) == (
        True,
        "Familien Andersen",
        False,
    )


def test_completing_a_stub_someone_else_completed_shows_the_conflict_and_keeps_the_input(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    call = stub(world, hotline)
    services.complete_call(
        actor=world.consultant_a,
        call=Call.objects.get(pk=call.pk),
        values={"advice": "Først."},
        expected_version=call.version,
    )
    response = complete(login(world.specialist_a), call, world.family_a, advice="Bagefter.")
    form = response.context["form"]
    assert (
        response.status_code,
        form.conflict.current_version,
        form["advice"].value(),
        form["version"].value(),
        "Changes saved by others" in response.text,
        FollowUp.objects.count(),
    ) == (200, call.version + 1, "Bagefter.", str(call.version + 1), True, 0)


def test_completing_a_call_is_not_found_for_another_municipality(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    call = stub(world, hotline, phone="61626364")
    response = login(world.consultant_b).get(reverse("hotline:call_complete", args=[call.uuid]))
    assert (response.status_code, "61626364" in response.content.decode()) == (404, False)
