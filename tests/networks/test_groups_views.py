"""The network-group pages: the list (staff) and the family's own group, creating a group by
hand, the group page (members per the consent rule, audit, management forms, conflicts) and
its query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.families.enums import EngagementKind
from samspil.families.models import Engagement
from samspil.networks.enums import GroupPhase, TopicStatus
from samspil.networks.models import GroupMembership, NetworkGroup, Topic
from samspil.networks.services import groups as services
from samspil.networks.services import topics as topic_services
from tests import factories
from tests.competence.factories import at
from tests.networks.factories_groups import (
    NOW,
    group_for,
    meeting_for,
    parent_family,
    self_running,
)

HIDDEN = "A member family (has not shared contact details)"


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _detail(client, group):  # type: ignore[no-untyped-def]
    return client.get(reverse("networks:group_detail", args=[group.uuid]))


# -- the list -------------------------------------------------------------------------------------


def test_group_list_shows_phase_members_meetings_and_cadence(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 8, 1, 19), attendees=[world.family_a])
    planned = meeting_for(group, at(2026, 10, 20, 19))
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_list"))
    [row] = response.context["rows"]
    assert (
        row.group,
        row.group.phase,
        row.group.member_count,
        row.cadence.last_met,
        row.group.next_meeting_uuid,
        row.cadence.is_gap,
        row.cadence.days_overdue,
    ) == (group, GroupPhase.FACILITATED, 2, dt.date(2026, 8, 1), planned.uuid, True, 31)


def test_group_list_shows_the_gaps_panel_to_consultants(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, started_on=dt.date(2026, 1, 1))
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_list"))
    assert [gap.group for gap in response.context["gaps"]] == [group]


def test_group_list_of_consultant_b_shows_no_group_of_a(world, client) -> None:  # type: ignore[no-untyped-def]
    group_for(world)
    client.force_login(world.consultant_b)
    response = client.get(reverse("networks:group_list"))
    assert response.context["rows"] == []


def test_group_list_shows_a_specialist_only_groups_their_institution_facilitates(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    own = group_for(world, [world.family_a])
    group_for(world, [world.family_a_other], facilitator=world.consultant_a, institution=None)
    client.force_login(world.specialist_a)
    response = client.get(reverse("networks:group_list"))
    assert [row.group for row in response.context["rows"]] == [own]


def test_group_list_hides_ended_groups_unless_asked(world, client) -> None:  # type: ignore[no-untyped-def]
    ended = group_for(world, [], ended_on=dt.date(2026, 9, 1))
    client.force_login(world.consultant_a)
    active = client.get(reverse("networks:group_list")).context["rows"]
    ended_rows = client.get(reverse("networks:group_list") + "?status=ended").context["rows"]
    assert (active, [row.group for row in ended_rows]) == ([], [ended])


def test_group_list_for_a_foster_parent_shows_their_own_group(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    group_for(world, [parent_family(world, "Familien Holm", "holm")[0]])
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:group_list"))
    assert response.context["group"] == group


def test_group_list_for_a_foster_parent_not_in_a_group_says_so(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:group_list"))
    assert response.context["group"] is None
    assert "Your family is not in a network group yet." in response.content.decode()


def _add_groups(world, n: int) -> None:  # type: ignore[no-untyped-def]
    start = NetworkGroup.objects.count()
    for i in range(start, start + n):
        family, _user = parent_family(world, f"Familien Nr{i}", f"nr{i}")
        group = group_for(world, [family], name=f"Gruppe {i}", started_on=dt.date(2026, 1, 1))
        meeting_for(group, at(2026, 8, 1, 19), attendees=[family])
        meeting_for(group, at(2026, 10, 20, 19))


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["consultant_a", "leader_a", "specialist_a"])
def test_group_list_query_count_does_not_grow_with_rows(world, client, persona) -> None:  # type: ignore[no-untyped-def]
    _add_groups(world, 1)
    client.force_login(getattr(world, persona))
    url = reverse("networks:group_list")
    one = _queries(client, url)
    _add_groups(world, 2)
    assert _queries(client, url) == one


def test_group_list_query_count_is_the_same_for_an_empty_list(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    url = reverse("networks:group_list")
    empty = _queries(client, url)
    _add_groups(world, 3)
    assert _queries(client, url) == empty


def test_group_list_page_past_the_end_shows_the_last_page(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAMSPIL_PAGE_SIZE = 2
    _add_groups(world, 3)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_list"), {"page": "9"})
    page = response.context["page"]
    assert (
        page.number,
        page.paginator.count,
        [r.group.name for r in response.context["rows"]],
    ) == (
        2,
        3,
        ["Gruppe 2"],
    )


def test_group_list_second_page_counts_every_group(world, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SAMSPIL_PAGE_SIZE = 2
    _add_groups(world, 3)
    client.force_login(world.consultant_a)
    page = client.get(reverse("networks:group_list"), {"page": "2"}).context["page"]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 3, 2)


def _more_families(world, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        factories.FamilyFactory(municipality=world.a, name=f"Familien Flere {i:02d}")


# -- creating by hand --------------------------------------------------------------------------------


def test_group_create_page_creates_the_group_with_an_engagement(world, client) -> None:  # type: ignore[no-untyped-def]
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_create"),
        {
            "name": "Nordvest",
            "municipality": world.a.pk,
            "families": [str(world.family_a.uuid), str(world.family_a_other.uuid)],
            "facilitator": world.specialist_a.pk,
            "meeting_slot": "evenings",
            "cadence_days": "21",
        },
    )
    group = NetworkGroup.objects.get(name="Nordvest")
    assert response.url == reverse("networks:group_detail", args=[group.uuid])
    assert (group.cadence_days, group.facilitator_institution) == (21, world.institution_a)
    assert (
        Engagement.objects.filter(
            kind=EngagementKind.NETWORK_GROUP, institution=world.institution_a
        ).count()
        == 2
    )


def test_group_create_page_offers_no_family_already_in_a_group(world, client) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_create"), {"q": "Familien"})
    assert response.context["found"].families == [world.family_a_other]
    assert list(response.context["form"].fields["families"].queryset) == [world.family_a_other]


def test_group_create_page_refuses_a_family_already_in_a_group(world, client) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_create"),
        {
            "name": "Nordvest",
            "municipality": world.a.pk,
            "families": [str(world.family_a.uuid)],
            "facilitator": world.consultant_a.pk,
            "meeting_slot": "evenings",
            "cadence_days": "21",
        },
    )
    assert response.context["form"].errors["families"]
    assert NetworkGroup.objects.filter(name="Nordvest").count() == 0


@pytest.mark.parametrize("searched", ["", "?q=Familien"])
def test_group_create_page_query_count_does_not_grow_with_the_municipalitys_families(
    world, client, searched
) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])  # one family left to choose: family_a_other
    client.force_login(world.consultant_a)
    url = reverse("networks:group_create") + searched
    one = _queries(client, url)
    _more_families(world, 29)
    assert _queries(client, url) == one


def test_group_create_page_offers_no_facilitator_outside_the_collaboration(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_create"))
    facilitators = set(response.context["form"].fields["facilitator"].queryset)
    assert world.specialist_a not in facilitators
    assert world.consultant_a in facilitators


# -- the group page -----------------------------------------------------------------------------------


def test_group_page_is_audited(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.foster_parent_a)
    _detail(client, group)
    entry = AuditEntry.objects.get(action="networks.group.read")
    assert (entry.actor, entry.object_uuid, entry.municipality_id) == (
        world.foster_parent_a,
        group.uuid,
        world.a.pk,
    )


def test_group_page_hides_members_without_consent_from_other_members(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    assert [m.label for m in response.context["detail"].members] == ["Familien Andersen", HIDDEN]
    assert "Østergaard" not in response.content.decode()


def test_group_page_shows_members_who_consent_with_contact_details(world, client) -> None:  # type: ignore[no-untyped-def]
    other, _parent = parent_family(world, "Familien Holm", "holm", phone="11223344")
    group = group_for(world, [world.family_a, other])
    GroupMembership.objects.filter(family=other).update(shares_contact_details=True)
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    holm = response.context["detail"].members[1]
    assert (holm.label, [p.email for p in holm.parents]) == ("Familien Holm", ["holm@example.org"])
    assert "11223344" in response.content.decode()


def test_group_page_hides_a_member_again_once_consent_is_revoked(world, client) -> None:  # type: ignore[no-untyped-def]
    other, other_parent = parent_family(world, "Familien Holm", "holm")
    group = group_for(world, [world.family_a, other])
    membership = GroupMembership.objects.get(family=other)
    services.set_consent(actor=other_parent, membership=membership, shares=True)
    services.set_consent(actor=other_parent, membership=membership, shares=False)
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    assert [m.label for m in response.context["detail"].members] == ["Familien Andersen", HIDDEN]


def test_group_page_tells_members_without_consent_apart_by_joining_order(world, client) -> None:  # type: ignore[no-untyped-def]
    late, _parent = parent_family(world, "Familien Aabye", "aabye")
    group = group_for(world, [world.family_a, world.family_a_other, late])
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    assert [m.label for m in response.context["detail"].members] == [
        f"{HIDDEN}, no. 2",
        "Familien Andersen",
        f"{HIDDEN}, no. 1",
    ]


def test_group_page_shows_staff_every_member(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.specialist_a)
    response = _detail(client, group)
    assert [m.label for m in response.context["detail"].members] == [
        "Familien Andersen",
        "Familien Østergaard",
    ]


def test_group_page_shows_the_foster_parent_the_next_meeting(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 10, 15, 19), cancelled=True)
    planned = meeting_for(group, at(2026, 10, 20, 19), agenda="Skolestart")
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    assert response.context["detail"].next_meeting.meeting == planned
    assert "Skolestart" in response.content.decode()


def test_group_page_gives_a_member_no_management_forms(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.foster_parent_a)
    response = _detail(client, group)
    assert "settings_form" not in response.context
    assert "consent_form" in response.context


def test_group_page_suggests_self_running_after_the_facilitated_meetings(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, facilitated_meetings=1)
    meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a])
    client.force_login(world.specialist_a)
    response = _detail(client, group)
    assert "the group can now run itself with a contact family" in response.content.decode()


def test_group_page_element_ids_are_unique(world, client) -> None:  # type: ignore[no-untyped-def]
    import re

    group = group_for(world)
    meeting_for(group, at(2026, 10, 20, 19))
    topic_services.add_topic(actor=world.specialist_a, group=group, title="Søvn")
    client.force_login(world.specialist_a)
    ids = re.findall(r'\bid="([^"]+)"', _detail(client, group).content.decode())
    assert len(ids) == len(set(ids))


def test_group_page_query_count_does_not_grow_with_members(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a])
    client.force_login(world.consultant_a)
    one = _queries(client, reverse("networks:group_detail", args=[group.uuid]))
    for i in range(3):
        family, _user = parent_family(world, f"Familien Nr{i}", f"nr{i}")
        GroupMembership.objects.create(group=group, family=family, joined_on=group.started_on)
        meeting_for(group, at(2026, 9, 2 + i, 19), attendees=[family])
    assert _queries(client, reverse("networks:group_detail", args=[group.uuid])) == one


def test_group_page_query_count_does_not_grow_with_the_municipalitys_families(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])  # one family left to add: family_a_other
    client.force_login(world.consultant_a)
    url = reverse("networks:group_detail", args=[group.uuid])
    one = _queries(client, url)
    _more_families(world, 29)
    assert _queries(client, url) == one


@pytest.mark.parametrize("persona", ["consultant_a", "specialist_a", "foster_parent_a"])
def test_group_page_query_count_does_not_depend_on_meetings_topics_or_consent(
    world, client, persona
) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(getattr(world, persona))
    url = reverse("networks:group_detail", args=[group.uuid])
    bare = _queries(client, url)
    held = meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a])
    planned = meeting_for(group, at(2026, 10, 20, 19))
    topic_services.add_topic(actor=world.consultant_a, group=group, title="Søvn", meeting=planned)
    suggested = Topic.objects.create(
        group=group,
        title="Skole",
        status=TopicStatus.SUGGESTED,
        meeting=held,
        suggested_by=world.foster_parent_a,
        suggested_by_family=world.family_a,
    )
    suggested.supporters.set([world.family_a, world.family_a_other])
    GroupMembership.objects.filter(group=group).update(shares_contact_details=True)
    assert _queries(client, url) == bare


def test_consent_page_gives_consent(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.foster_parent_a)
    client.post(reverse("networks:group_consent", args=[group.uuid]), {"shares": "1"})
    assert GroupMembership.objects.get(family=world.family_a).shares_contact_details is True


def test_consent_page_for_staff_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.consultant_a)
    response = client.post(reverse("networks:group_consent", args=[group.uuid]), {"shares": "1"})
    assert response.status_code == 403
    assert not GroupMembership.objects.filter(group=group, shares_contact_details=True).exists()


def test_add_member_page_adds_and_redirects(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_add_member", args=[group.uuid]),
        {"version": "1", "family": str(world.family_a_other.uuid)},
    )
    assert response.url == reverse("networks:group_detail", args=[group.uuid])
    assert GroupMembership.objects.filter(group=group, left_on__isnull=True).count() == 2


def test_remove_member_page_removes_the_family(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.consultant_a)
    client.post(
        reverse("networks:group_remove_member", args=[group.uuid]),
        {"version": "1", "family": str(world.family_a.uuid)},
    )
    assert GroupMembership.objects.get(family=world.family_a).left_on == NOW.date()


def test_settings_page_with_a_stale_version_keeps_the_input_and_shows_the_change(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    services.update_group(
        actor=world.specialist_a, group=group, values={"cadence_days": 21}, expected_version=1
    )
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_settings", args=[group.uuid]),
        {
            "version": "1",
            "name": group.name,
            "cadence_days": "14",
            "facilitated_meetings": "3",
            "meeting_slot": "evenings",
        },
    )
    form = response.context["settings_form"]
    assert (form["cadence_days"].value(), [c.after for c in form.conflict.changes]) == ("14", [21])
    group.refresh_from_db()
    assert group.cadence_days == 21


def test_self_running_page_switches_the_phase(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, contact_family=world.family_a)
    client.force_login(world.specialist_a)
    client.post(reverse("networks:group_self_running", args=[group.uuid]), {"version": "1"})
    group.refresh_from_db()
    assert group.phase == GroupPhase.SELF_RUNNING


def test_self_running_page_without_a_contact_family_shows_the_reason(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:group_self_running", args=[group.uuid]), {"version": "1"}
    )
    assert "Choose a contact family before the group runs itself." in response.content.decode()


def test_end_page_by_a_member_family_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = self_running(group_for(world), world.family_a)
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:group_end", args=[group.uuid]), {"version": str(group.version)}
    )
    group.refresh_from_db()
    assert (response.status_code, group.is_active) == (403, True)


# -- forms offering what the page read already ---------------------------------------------------------


def test_group_page_offers_the_members_as_contact_family(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, contact_family=world.family_a_other)
    client.force_login(world.consultant_a)
    field = _detail(client, group).context["contact_form"]["family"]
    assert (field.value(), [label for _key, label in field.field.choices]) == (
        str(world.family_a_other.uuid),
        ["---------", "Familien Andersen", "Familien Østergaard"],
    )


def test_contact_family_page_sets_a_member(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_contact_family", args=[group.uuid]),
        {"version": "1", "family": str(world.family_a_other.uuid)},
    )
    group.refresh_from_db()
    assert (response.status_code, group.contact_family) == (302, world.family_a_other)


def test_contact_family_page_refuses_a_family_outside_the_group(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_contact_family", args=[group.uuid]),
        {"version": "1", "family": str(world.family_a_other.uuid)},
    )
    group.refresh_from_db()
    assert response.context["contact_form"].errors["family"]
    assert group.contact_family is None


def test_topic_page_sets_a_topic_for_an_open_meeting(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    planned = meeting_for(group, at(2026, 10, 20, 19))
    client.force_login(world.specialist_a)
    client.post(
        reverse("networks:topic_add", args=[group.uuid]),
        {"title": "Søvn", "meeting": str(planned.uuid)},
    )
    assert Topic.objects.get(group=group).meeting == planned


def test_topic_page_refuses_a_held_meeting(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    held = meeting_for(group, at(2026, 9, 1, 19), attendees=[world.family_a])
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("networks:topic_add", args=[group.uuid]),
        {"title": "Søvn", "meeting": str(held.uuid)},
    )
    assert response.context["topic_form"].errors["meeting"]
    assert not Topic.objects.filter(group=group).exists()


def test_choose_topic_page_plans_it_for_a_meeting(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    planned = meeting_for(group, at(2026, 10, 20, 19))
    topic = topic_services.add_topic(actor=world.specialist_a, group=group, title="Søvn")
    client.force_login(world.specialist_a)
    client.post(reverse("networks:topic_choose", args=[topic.uuid]), {"meeting": str(planned.uuid)})
    topic.refresh_from_db()
    assert topic.meeting == planned
