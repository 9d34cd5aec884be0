"""Follow-ups of hotline calls: the start page (the consultant's open ones, the leader's
escalations, the person on duty's "Register a call"), the follow-up page with the call and the
family's basics, completing it, the list, and their query counts."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEntry
from samspil.hotline.enums import FollowUpStatus
from samspil.hotline.models import FollowUp
from samspil.hotline.selectors import followups as selectors
from samspil.hotline.services import calls as services
from tests import factories
from tests.hotline.factories import CallFactory, FollowUpFactory


def follow_up(world, hotline, *, days: int = 0, family=None, assignee=None, **kwargs) -> FollowUp:  # type: ignore[no-untyped-def]
    """An open follow-up of a call for family_a due `days` from today."""
    family = family or world.family_a
    return FollowUpFactory(
        call=CallFactory(hotline=hotline, family=family),
        assignee=assignee or world.consultant_a,
        due_date=timezone.localdate() + dt.timedelta(days=days),
        **kwargs,
    )


def escalate(item: FollowUp, to) -> FollowUp:  # type: ignore[no-untyped-def]
    item.escalated_at = timezone.now()
    item.escalated_to = to
    item.save()
    return item


def home(client):  # type: ignore[no-untyped-def]
    return client.get(reverse("core:home"))


def test_start_page_shows_the_consultants_follow_up_due_today(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    panel = home(login(world.consultant_a)).context["hotline_panel"]
    assert [(row.follow_up, row.state, row.escalated) for row in panel.mine] == [
        (item, "today", False)
    ]


def test_start_page_links_to_the_follow_up(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    text = home(login(world.consultant_a)).text
    assert reverse("hotline:follow_up_detail", args=[item.uuid]) in text


def test_start_page_marks_an_overdue_escalated_follow_up(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    escalate(follow_up(world, hotline, days=-1), world.leader_a)
    text = home(login(world.consultant_a)).text
    assert ("Overdue" in text, "Escalated to the team leader" in text) == (True, True)


def test_start_page_lists_overdue_before_today_before_later(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    later = follow_up(world, hotline, days=3)
    today = follow_up(world, hotline)
    overdue = follow_up(world, hotline, days=-2)
    panel = home(login(world.consultant_a)).context["hotline_panel"]
    assert [(row.follow_up, row.state) for row in panel.mine] == [
        (overdue, "overdue"),
        (today, "today"),
        (later, "later"),
    ]


def test_start_page_shows_the_leader_the_escalated_follow_ups(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = escalate(follow_up(world, hotline, days=-1), world.leader_a)
    follow_up(world, hotline, days=-1)  # not escalated yet
    panel = home(login(world.leader_a)).context["hotline_panel"]
    assert ([row.follow_up for row in panel.escalated], panel.mine) == ([item], [])


def test_start_page_does_not_show_done_follow_ups(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    follow_up(world, hotline, status=FollowUpStatus.DONE)
    assert bool(home(login(world.consultant_a)).context["hotline_panel"]) is False


def test_start_page_does_not_show_another_consultants_follow_up(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    follow_up(world, hotline, family=world.family_a_other, assignee=world.consultant_a2)
    assert home(login(world.consultant_a)).context["hotline_panel"].mine == []


def test_start_page_offers_the_person_on_duty_to_register_a_call(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    text = home(login(world.specialist_a)).text
    assert reverse("hotline:call_create", args=[hotline.uuid]) in text


def test_start_page_of_a_foster_parent_has_no_hotline_panel(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.foster_parent_a)
    assert selectors.start_page_panel(world.foster_parent_a).mine == []
    assert "Hotline follow-ups" not in home(client).text


def test_start_page_queries_do_not_grow_with_follow_ups(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.consultant_a)
    follow_up(world, hotline)
    with CaptureQueriesContext(connection) as one:
        home(client)
    follow_up(world, hotline, days=1)
    escalate(follow_up(world, hotline, days=-1), world.leader_a)
    with CaptureQueriesContext(connection) as three:
        home(client)
    assert len(three) == len(one)


def test_follow_up_page_shows_the_call_and_the_familys_basics(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    response = login(world.consultant_a).get(reverse("hotline:follow_up_detail", args=[item.uuid]))
    detail = response.context["detail"]
    assert (
        detail.follow_up,
        detail.children,
        detail.consultant,
        detail.family_visible,
        detail.can_complete,
        "Talte situationen igennem." in response.text,
    ) == (item, ["Alma"], world.consultant_a, True, True, True)


def test_follow_up_page_is_audited(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    login(world.consultant_a).get(reverse("hotline:follow_up_detail", args=[item.uuid]))
    entry = AuditEntry.objects.get(action="hotline.follow_up.read")
    assert (entry.actor, entry.object_uuid, entry.data["follow_up"]) == (
        world.consultant_a,
        world.family_a.uuid,
        str(item.uuid),
    )


def test_follow_up_page_is_not_found_for_another_municipality(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    response = login(world.consultant_b).get(reverse("hotline:follow_up_detail", args=[item.uuid]))
    assert (response.status_code, world.family_a.name in response.content.decode()) == (404, False)
    assert not AuditEntry.objects.filter(action="hotline.follow_up.read").exists()


def test_completing_a_follow_up_records_what_was_done(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    response = login(world.consultant_a).post(
        reverse("hotline:follow_up_detail", args=[item.uuid]),
        {"outcome": "Ringede til plejemor; aftalt besøg torsdag.", "version": item.version},
    )
    item.refresh_from_db()
    assert (response.status_code, item.status, item.outcome, item.done_by) == (
        302,
        FollowUpStatus.DONE,
        "Ringede til plejemor; aftalt besøg torsdag.",
        world.consultant_a,
    )


def test_completing_a_follow_up_without_outcome_says_so(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    response = login(world.consultant_a).post(
        reverse("hotline:follow_up_detail", args=[item.uuid]),
        {"outcome": " ", "version": item.version},
    )
    assert (response.status_code, response.context["form"].errors["outcome"]) == (
        200,
        ["This field is required."],
    )


def test_completing_a_follow_up_someone_else_completed_says_so(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(world, hotline)
    services.complete_follow_up(
        actor=world.leader_a,
        follow_up=FollowUp.objects.get(pk=item.pk),
        outcome="Klaret.",
        expected_version=item.version,
    )
    client = login(world.consultant_a)
    response = client.post(
        reverse("hotline:follow_up_detail", args=[item.uuid]),
        {"outcome": "Også klaret.", "version": item.version},
        follow=True,
    )
    item.refresh_from_db()
    assert ([str(m) for m in response.context["messages"]], item.outcome) == (
        ["Someone else completed this follow-up in the meantime."],
        "Klaret.",
    )


def test_completed_follow_up_page_has_no_form(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    item = follow_up(
        world,
        hotline,
        status=FollowUpStatus.DONE,
        outcome="Klaret.",
        done_by=world.consultant_a,
        done_at=timezone.now(),
    )
    response = login(world.consultant_a).get(reverse("hotline:follow_up_detail", args=[item.uuid]))
    assert ("form" in response.context, "Klaret." in response.text) == (False, True)


def test_follow_up_list_shows_the_open_follow_ups_the_user_may_see(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    mine = follow_up(world, hotline)
    colleagues = follow_up(
        world, hotline, family=world.family_a_other, assignee=world.consultant_a2, days=1
    )
    follow_up(world, hotline, status=FollowUpStatus.DONE)
    follow_up(world, hotline, family=world.family_b, assignee=world.consultant_b)
    response = login(world.consultant_a).get(reverse("hotline:follow_up_list"))
    assert [row.follow_up for row in response.context["rows"]] == [mine, colleagues]


def test_follow_up_list_only_mine(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    mine = follow_up(world, hotline)
    follow_up(world, hotline, family=world.family_a_other, assignee=world.consultant_a2)
    response = login(world.consultant_a).get(reverse("hotline:follow_up_list") + "?mine=on")
    assert [row.follow_up for row in response.context["rows"]] == [mine]


def test_follow_up_list_done(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    follow_up(world, hotline)
    done = follow_up(world, hotline, status=FollowUpStatus.DONE)
    response = login(world.consultant_a).get(reverse("hotline:follow_up_list") + "?status=done")
    assert [row.follow_up for row in response.context["rows"]] == [done]


def test_follow_up_list_is_empty_for_a_foster_parent(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    follow_up(world, hotline)
    response = login(world.foster_parent_a).get(reverse("hotline:follow_up_list"))
    assert (response.status_code, response.context["rows"]) == (200, [])


def test_follow_up_list_read_is_audited_with_ids_only(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    mine = follow_up(world, hotline)
    colleagues = follow_up(
        world, hotline, family=world.family_a_other, assignee=world.consultant_a2
    )
    login(world.consultant_a).get(reverse("hotline:follow_up_list"))
    entry = AuditEntry.objects.get(action="hotline.follow_up.list")
    assert (entry.actor, entry.municipality_id, entry.object_label) == (
        world.consultant_a,
        world.a.pk,
        "",
    )
    assert entry.data == {
        "follow_ups": sorted([str(mine.uuid), str(colleagues.uuid)]),
        "families": sorted([str(world.family_a.uuid), str(world.family_a_other.uuid)]),
        "channel": "ui",
    }


def test_an_empty_follow_up_list_is_not_audited(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    follow_up(world, hotline)
    response = login(world.consultant_b).get(reverse("hotline:follow_up_list"))
    assert response.context["rows"] == []
    assert not AuditEntry.objects.filter(action="hotline.follow_up.list").exists()


def test_follow_up_list_queries_do_not_grow_with_rows(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.leader_a)
    url = reverse("hotline:follow_up_list")
    follow_up(world, hotline)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    other = factories.FamilyFactory(municipality=world.a)
    follow_up(world, hotline, family=other, assignee=world.consultant_a2)
    escalate(follow_up(world, hotline, days=-1), world.leader_a)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).context["rows"]) == 3
    assert len(three) == len(one)
