"""Meetings of network groups: planning (facilitated or by the contact family), changing,
cancelling, attendance and short minutes, and the meeting pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks.enums import MeetingMode, TopicStatus
from samspil.networks.models import GroupMembership, Meeting, Topic
from samspil.networks.services import meetings as meeting_services
from samspil.networks.services import topics as topic_services
from tests.competence.factories import at
from tests.networks.factories_groups import NOW, group_for, meeting_for, self_running

PLAN: dict[str, Any] = {
    "starts_at": at(2026, 10, 20, 19),
    "ends_at": at(2026, 10, 20, 21),
    "mode": MeetingMode.PHYSICAL,
    "place": "Lindehuset, mødelokale 1",
    "agenda": "Velkommen, præsentation",
}


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# -- planning -------------------------------------------------------------------------------------


def test_plan_meeting_in_the_facilitated_phase_is_facilitated_by_the_facilitator(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_services.plan_meeting(actor=world.consultant_a, group=group, values=PLAN)
    assert (meeting.facilitated, meeting.facilitator) == (True, world.specialist_a)


def test_plan_meeting_in_the_self_running_phase_by_the_contact_family(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    meeting = meeting_services.plan_meeting(actor=world.foster_parent_a, group=group, values=PLAN)
    assert (meeting.facilitated, meeting.facilitator) == (False, None)


def test_plan_meeting_by_a_member_who_is_not_the_contact_family_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    with pytest.raises(PermissionDeniedError):
        meeting_services.plan_meeting(actor=world.foster_parent_a, group=group, values=PLAN)


def test_plan_meeting_by_the_contact_family_while_facilitated_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, contact_family=world.family_a)
    with pytest.raises(PermissionDeniedError):
        meeting_services.plan_meeting(actor=world.foster_parent_a, group=group, values=PLAN)


def test_plan_meeting_physical_needs_a_place(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(ValidationError) as error:
        meeting_services.plan_meeting(
            actor=world.consultant_a, group=group, values={**PLAN, "place": ""}
        )
    assert error.value.message_dict["place"] == ["Say where the group meets."]


def test_plan_meeting_virtual_needs_a_link(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(ValidationError) as error:
        meeting_services.plan_meeting(
            actor=world.consultant_a,
            group=group,
            values={**PLAN, "mode": MeetingMode.VIRTUAL, "place": ""},
        )
    assert error.value.message_dict["link"] == ["Give the link to the virtual meeting."]


def test_plan_meeting_must_end_after_it_starts(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(ValidationError) as error:
        meeting_services.plan_meeting(
            actor=world.consultant_a,
            group=group,
            values={**PLAN, "ends_at": PLAN["starts_at"]},
        )
    assert "ends_at" in error.value.message_dict


def test_plan_meeting_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_services.plan_meeting(actor=world.consultant_a, group=group, values=PLAN)
    entry = AuditEntry.objects.get(action="networks.meeting.create")
    assert (entry.object_uuid, entry.data["group"], entry.data["version"]) == (
        meeting.uuid,
        str(group.uuid),
        1,
    )


def test_plan_meeting_in_an_ended_group_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, ended_on=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError):
        meeting_services.plan_meeting(actor=world.consultant_a, group=group, values=PLAN)


# -- changing and cancelling -----------------------------------------------------------------------


def test_update_meeting_with_a_stale_version_reports_the_change(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_services.plan_meeting(actor=world.consultant_a, group=group, values=PLAN)
    meeting_services.update_meeting(
        actor=world.specialist_a, meeting=meeting, values={"place": "Rådhuset"}, expected_version=1
    )
    stale = Meeting.objects.get(pk=meeting.pk)
    with pytest.raises(ConcurrentEditError) as error:
        meeting_services.update_meeting(
            actor=world.consultant_a, meeting=stale, values={"agenda": "Nyt"}, expected_version=1
        )
    assert [(c.field, c.after) for c in error.value.changes] == [("place", "Rådhuset")]


def test_cancel_meeting_releases_its_topics(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    topic = topic_services.add_topic(
        actor=world.specialist_a, group=group, title="Søvn", meeting=meeting
    )
    meeting_services.cancel_meeting(actor=world.specialist_a, meeting=meeting, expected_version=1)
    topic.refresh_from_db()
    assert (topic.status, topic.meeting) == (TopicStatus.CHOSEN, None)


def test_cancel_meeting_with_attendance_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, attendees=[world.family_a])
    with pytest.raises(ValidationError):
        meeting_services.cancel_meeting(
            actor=world.specialist_a, meeting=meeting, expected_version=1
        )


# -- attendance and minutes ---------------------------------------------------------------------------


def test_record_attendance_makes_the_meeting_held(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    meeting_services.record_attendance(
        actor=world.specialist_a,
        meeting=meeting,
        attendees=[world.family_a],
        minutes=" Vi talte om skolestart. ",
        expected_version=1,
    )
    meeting.refresh_from_db()
    assert (meeting.attendance_recorded, list(meeting.attendees.all()), meeting.minutes) == (
        True,
        [world.family_a],
        "Vi talte om skolestart.",
    )


def test_record_attendance_before_the_meeting_begins_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    with pytest.raises(ValidationError) as error:
        meeting_services.record_attendance(
            actor=world.specialist_a,
            meeting=meeting,
            attendees=[world.family_a],
            minutes="",
            expected_version=1,
        )
    assert error.value.message_dict["attendees"] == [
        "Attendance can be recorded once the meeting has begun."
    ]


def test_record_attendance_of_a_family_not_a_member_on_the_day_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    GroupMembership.objects.create(
        group=group, family=world.family_a_other, joined_on=dt.date(2026, 9, 20)
    )
    meeting = meeting_for(group, at(2026, 9, 15, 19))
    with pytest.raises(ValidationError) as error:
        meeting_services.record_attendance(
            actor=world.specialist_a,
            meeting=meeting,
            attendees=[world.family_a, world.family_a_other],
            minutes="",
            expected_version=1,
        )
    assert error.value.message_dict["attendees"] == [
        "Only families who were members on the day can attend."
    ]


def test_record_attendance_of_a_family_that_left_later_is_allowed(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    GroupMembership.objects.filter(family=world.family_a_other).update(left_on=dt.date(2026, 9, 20))
    meeting = meeting_for(group, at(2026, 9, 15, 19))
    meeting_services.record_attendance(
        actor=world.specialist_a,
        meeting=meeting,
        attendees=[world.family_a_other],
        minutes="",
        expected_version=1,
    )
    assert list(meeting.attendees.all()) == [world.family_a_other]


def test_record_attendance_by_the_contact_family_when_self_running(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    meeting_services.record_attendance(
        actor=world.foster_parent_a,
        meeting=meeting,
        attendees=[world.family_a, world.family_a_other],
        minutes="Hyggeligt",
        expected_version=1,
    )
    entry = AuditEntry.objects.get(action="networks.meeting.attendance")
    assert (entry.actor, entry.changes["families_present"]) == (
        world.foster_parent_a,
        {"before": None, "after": 2},
    )


def test_record_attendance_by_another_member_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    with pytest.raises(PermissionDeniedError):
        meeting_services.record_attendance(
            actor=world.foster_parent_a,
            meeting=meeting,
            attendees=[world.family_a],
            minutes="",
            expected_version=1,
        )


def test_record_attendance_with_nobody_present_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    with pytest.raises(ValidationError):
        meeting_services.record_attendance(
            actor=world.specialist_a, meeting=meeting, attendees=[], minutes="", expected_version=1
        )


# -- the pages ---------------------------------------------------------------------------------------


def test_meeting_create_page_plans_and_redirects(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:meeting_create", args=[group.uuid]),
        {
            "starts_at": "2026-10-20T19:00",
            "ends_at": "2026-10-20T21:00",
            "mode": "virtual",
            "link": "https://meet.example.org/abc",
            "agenda": "Søvn",
        },
    )
    meeting = Meeting.objects.get(group=group)
    assert response.url == reverse("networks:meeting_detail", args=[meeting.uuid])
    assert (meeting.mode, meeting.link, meeting.starts_at) == (
        MeetingMode.VIRTUAL,
        "https://meet.example.org/abc",
        at(2026, 10, 20, 19),
    )


def test_meeting_create_page_keeps_input_on_errors(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:meeting_create", args=[group.uuid]),
        {
            "starts_at": "2026-10-20T19:00",
            "ends_at": "2026-10-20T21:00",
            "mode": "physical",
            "place": "",
            "agenda": "Søvn",
        },
    )
    form = response.context["form"]
    assert (form.errors["place"], form["agenda"].value()) == (
        ["Say where the group meets."],
        "Søvn",
    )


def test_meeting_edit_page_with_a_stale_version_shows_the_conflict(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    meeting_services.update_meeting(
        actor=world.consultant_a, meeting=meeting, values={"place": "Rådhuset"}, expected_version=1
    )
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:meeting_edit", args=[meeting.uuid]),
        {
            "version": "1",
            "starts_at": "2026-10-20T19:00",
            "ends_at": "2026-10-20T21:00",
            "mode": "physical",
            "place": "Lindehuset",
            "agenda": "Mit nye forslag",
        },
    )
    form = response.context["form"]
    assert (form.conflict.current_version, form["agenda"].value(), form.data["version"]) == (
        2,
        "Mit nye forslag",
        "2",
    )


def test_meeting_attendance_page_records_and_redirects(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:meeting_attendance", args=[meeting.uuid]),
        {"version": "1", "attendees": [str(world.family_a.uuid)], "minutes": "Godt møde"},
    )
    meeting.refresh_from_db()
    assert response.url == reverse("networks:meeting_detail", args=[meeting.uuid])
    assert (list(meeting.attendees.all()), meeting.minutes) == ([world.family_a], "Godt møde")


def test_meeting_attendance_page_for_a_member_family_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:meeting_attendance", args=[meeting.uuid]),
        {"version": "1", "attendees": [str(world.family_a.uuid)], "minutes": ""},
    )
    meeting.refresh_from_db()
    assert (response.status_code, meeting.attendance_recorded) == (403, False)
    assert list(meeting.attendees.all()) == []


def test_meeting_page_is_audited(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, attendees=[world.family_a])
    client.force_login(world.consultant_a)
    client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    entry = AuditEntry.objects.get(action="networks.meeting.read")
    assert (entry.actor, entry.object_uuid) == (world.consultant_a, meeting.uuid)


def test_meeting_page_names_attendees_only_with_consent_for_members(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, attendees=[world.family_a, world.family_a_other])
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    assert response.context["view"].attendees == [
        "Familien Andersen",
        "A member family (has not shared contact details)",
    ]


def test_contact_family_attendance_form_labels_members_without_consent_neutrally(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    meeting = meeting_for(group, at(2026, 9, 30, 19))
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    choices = [
        label for _value, label in response.context["attendance_form"]["attendees"].field.choices
    ]
    assert choices == ["Familien Andersen", "A member family (has not shared contact details)"]
    assert "Østergaard" not in response.content.decode()


def test_topic_of_a_meeting_shows_on_its_page(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    Topic.objects.create(
        group=group,
        title="Skolestart",
        status=TopicStatus.CHOSEN,
        suggested_by=world.specialist_a,
        meeting=meeting,
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    assert [t.title for t in response.context["view"].topics] == ["Skolestart"]
