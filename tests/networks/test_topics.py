"""Topics of network groups: set by the facilitator at first, later suggested and supported by
the families and chosen by the contact family or staff, then covered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks.enums import TopicStatus
from samspil.networks.models import Topic
from samspil.networks.selectors import groups as selectors
from samspil.networks.services import topics as topic_services
from tests.competence.factories import at
from tests.networks.factories_groups import NOW, group_for, meeting_for, parent_family, self_running


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _suggestion(world, group, title: str = "Samvær") -> Topic:  # type: ignore[no-untyped-def]
    return topic_services.suggest_topic(actor=world.foster_parent_a, group=group, title=title)


def test_add_topic_by_the_facilitator_is_chosen(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    topic = topic_services.add_topic(actor=world.specialist_a, group=group, title=" Søvn ")
    assert (topic.title, topic.status, topic.suggested_by) == (
        "Søvn",
        TopicStatus.CHOSEN,
        world.specialist_a,
    )


def test_add_topic_for_a_meeting_of_another_group_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    other = meeting_for(group_for(world, []), at(2026, 10, 20, 19))
    with pytest.raises(ValidationError) as error:
        topic_services.add_topic(actor=world.specialist_a, group=group, title="Søvn", meeting=other)
    assert list(error.value.message_dict) == ["meeting"]


def test_add_topic_by_a_member_family_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(PermissionDeniedError):
        topic_services.add_topic(actor=world.foster_parent_a, group=group, title="Søvn")


def test_suggest_topic_in_the_facilitated_phase_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    with pytest.raises(PermissionDeniedError):
        _suggestion(world, group)


def test_suggest_topic_in_the_self_running_phase_records_the_family(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    assert (topic.status, topic.suggested_by_family) == (TopicStatus.SUGGESTED, world.family_a)


def test_suggest_topic_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    entry = AuditEntry.objects.get(action="networks.topic.suggest")
    assert (entry.object_uuid, entry.actor) == (topic.uuid, world.foster_parent_a)


def test_support_topic_counts_the_supporting_family(world) -> None:  # type: ignore[no-untyped-def]
    other, other_parent = parent_family(world, "Familien Holm", "holm")
    group = self_running(group_for(world, [world.family_a, other]), world.family_a)
    topic = topic_services.suggest_topic(actor=other_parent, group=group, title="Samvær")
    topic_services.support_topic(actor=world.foster_parent_a, topic=topic)
    assert list(topic.supporters.all()) == [world.family_a]


def test_support_topic_can_be_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    other, other_parent = parent_family(world, "Familien Holm", "holm")
    group = self_running(group_for(world, [world.family_a, other]), world.family_a)
    topic = topic_services.suggest_topic(actor=other_parent, group=group, title="Samvær")
    topic_services.support_topic(actor=world.foster_parent_a, topic=topic)
    topic_services.support_topic(actor=world.foster_parent_a, topic=topic, supports=False)
    assert list(topic.supporters.all()) == []


def test_support_own_suggestion_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    with pytest.raises(ValidationError):
        topic_services.support_topic(actor=world.foster_parent_a, topic=topic)


def test_choose_topic_by_the_contact_family_for_a_meeting(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    meeting = meeting_for(group, at(2026, 10, 20, 19))
    topic = _suggestion(world, group)
    topic_services.choose_topic(actor=world.foster_parent_a, topic=topic, meeting=meeting)
    topic.refresh_from_db()
    assert (topic.status, topic.meeting) == (TopicStatus.CHOSEN, meeting)


def test_choose_topic_by_a_member_who_is_not_the_contact_family_is_denied(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    with pytest.raises(PermissionDeniedError):
        topic_services.choose_topic(actor=world.foster_parent_a, topic=topic)


def test_choose_topic_by_staff_in_the_self_running_phase(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    topic_services.choose_topic(actor=world.consultant_a, topic=topic)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.CHOSEN


def test_cover_topic_marks_it_covered(world) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    topic = topic_services.add_topic(actor=world.specialist_a, group=group, title="Søvn")
    topic_services.cover_topic(actor=world.specialist_a, topic=topic)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.COVERED


def test_cover_a_suggestion_not_chosen_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    topic = _suggestion(world, group)
    with pytest.raises(ValidationError):
        topic_services.cover_topic(actor=world.foster_parent_a, topic=topic)


def test_topics_name_the_suggesting_family_only_with_consent(world) -> None:  # type: ignore[no-untyped-def]
    other, other_parent = parent_family(world, "Familien Holm", "holm")
    group = self_running(group_for(world, [world.family_a, other]), world.family_a)
    topic_services.suggest_topic(actor=other_parent, group=group, title="Samvær")
    [view] = selectors.group_detail(world.foster_parent_a, group).topics
    assert (view.suggested_by, view.may_support) == (
        "A member family (has not shared contact details)",
        True,
    )


def test_topic_page_suggest_by_a_member_family(world, client) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:topic_add", args=[group.uuid]),
        {"title": "Skolestart", "description": ""},
    )
    topic = Topic.objects.get(group=group)
    assert response.url == reverse("networks:group_detail", args=[group.uuid])
    assert (topic.title, topic.status) == ("Skolestart", TopicStatus.SUGGESTED)


def test_topic_page_support_by_a_member_family(world, client) -> None:  # type: ignore[no-untyped-def]
    other, other_parent = parent_family(world, "Familien Holm", "holm")
    group = self_running(group_for(world, [world.family_a, other]), world.family_a)
    topic = topic_services.suggest_topic(actor=other_parent, group=group, title="Samvær")
    client.force_login(world.foster_parent_a)
    client.post(reverse("networks:topic_support", args=[topic.uuid]), {"supports": "1"})
    assert list(topic.supporters.all()) == [world.family_a]


def test_topic_page_choose_by_another_member_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a_other)
    topic = _suggestion(world, group)
    client.force_login(world.foster_parent_a)
    response = client.post(reverse("networks:topic_choose", args=[topic.uuid]), {"meeting": ""})
    topic.refresh_from_db()
    assert (response.status_code, topic.status) == (403, TopicStatus.SUGGESTED)


def test_topic_page_of_a_group_out_of_sight_is_404(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    topic = topic_services.add_topic(actor=world.specialist_a, group=group, title="Søvn")
    client.force_login(world.consultant_b)
    response = client.post(reverse("networks:topic_cover", args=[topic.uuid]))
    topic.refresh_from_db()
    assert (response.status_code, topic.status) == (404, TopicStatus.CHOSEN)
