"""Setting a hotline up: creating and editing it (versioned, audited), its staffing rules, rota
members, unavailability and closure days — by the leaders of its municipality only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import ClosureDay, Hotline, RotaMember, Shift, StaffingRule
from samspil.hotline.services import hotlines as services
from tests import factories
from tests.competence.factories import at
from tests.hotline.factories import HotlineFactory, ShiftFactory
from tests.hotline.factories_rota import StaffingRuleFactory, rota_hotline

NOW = at(2026, 12, 2, 10)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def values(world, **changes):  # type: ignore[no-untyped-def]
    return {
        "name": "Akuttelefonen",
        "phone_number": "70101010",
        "municipality": world.a,
        "collaboration": None,
        "always_open": True,
        "opening_hours": [],
        "shift_boundaries": "08:00,16:00,23:00",
        "min_rest_hours": 11,
        "max_shifts_per_period": 20,
        "team_leader": world.leader_a,
        "active": True,
        **changes,
    }


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# -- the hotline ----------------------------------------------------------------------------------


def test_create_hotline_of_the_leaders_municipality(world) -> None:  # type: ignore[no-untyped-def]
    hotline = services.create_hotline(actor=world.leader_a, values=values(world))
    assert (hotline.municipality, hotline.version, hotline.always_open) == (world.a, 1, True)


def test_create_hotline_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    hotline = services.create_hotline(actor=world.leader_a, values=values(world))
    entry = AuditEntry.objects.get(action="hotline.hotline.create")
    assert (entry.object_uuid, entry.data["version"], entry.changes["name"]["after"]) == (
        hotline.uuid,
        1,
        "Akuttelefonen",
    )


def test_create_hotline_of_a_collaboration_of_the_leaders_municipality(world) -> None:  # type: ignore[no-untyped-def]
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a, world.b])
    hotline = services.create_hotline(
        actor=world.leader_a, values=values(world, municipality=None, collaboration=collaboration)
    )
    assert hotline.collaboration == collaboration


def test_create_hotline_of_another_municipality_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.create_hotline(actor=world.leader_a, values=values(world, municipality=world.b))
    assert list(field_errors(refused.value)) == ["municipality"]


def test_create_hotline_is_refused_to_a_consultant(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.create_hotline(actor=world.consultant_a, values=values(world))


def test_create_hotline_needs_opening_hours_when_not_24_7(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.create_hotline(actor=world.leader_a, values=values(world, always_open=False))
    assert field_errors(refused.value) == {
        "opening_hours": ["Give the opening hours, or choose open 24/7."]
    }


def test_create_hotline_checks_the_shift_changes(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.create_hotline(actor=world.leader_a, values=values(world, shift_boundaries="8"))
    assert list(field_errors(refused.value)) == ["shift_boundaries"]


def test_update_hotline_saves_a_new_version_and_audits_the_change(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    services.update_hotline(
        actor=world.leader_a, hotline=hotline, values={"min_rest_hours": 9}, expected_version=1
    )
    entry = AuditEntry.objects.get(action="hotline.hotline.update")
    assert (Hotline.objects.get(pk=hotline.pk).version, entry.changes) == (
        2,
        {"min_rest_hours": {"before": 11, "after": 9}},
    )


def test_update_hotline_from_an_old_version_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    services.update_hotline(
        actor=world.leader_a, hotline=hotline, values={"min_rest_hours": 9}, expected_version=1
    )
    stale = Hotline.objects.get(pk=hotline.pk)
    with pytest.raises(ConcurrentEditError) as refused:
        services.update_hotline(
            actor=world.leader_a, hotline=stale, values={"name": "X"}, expected_version=1
        )
    assert refused.value.changes[0].field == "min_rest_hours"


def test_update_hotline_is_refused_to_another_municipalitys_leader(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.update_hotline(
            actor=world.leader_b,
            hotline=rota_hotline(world),
            values={"name": "X"},
            expected_version=1,
        )


# -- staffing rules -------------------------------------------------------------------------------------


def add_rule(world, hotline, **fields):  # type: ignore[no-untyped-def]
    arguments = {
        "weekdays": "0123456",
        "starts": dt.time(23),
        "ends": dt.time(8),
        "staffed_by": StaffedBy.ON_CALL_SERVICE,
        "institution": None,
        "expected_version": hotline.version,
        **fields,
    }
    return services.add_staffing_rule(actor=world.leader_a, hotline=hotline, **arguments)


def test_add_staffing_rule_for_the_on_call_service(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    rule = add_rule(world, hotline)
    assert (rule.staffed_by, Hotline.objects.get(pk=hotline.pk).version) == (
        StaffedBy.ON_CALL_SERVICE,
        2,
    )


def test_add_staffing_rule_for_a_collaborating_institution(world) -> None:  # type: ignore[no-untyped-def]
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])
    hotline = rota_hotline(world)
    rule = add_rule(
        world, hotline, staffed_by=StaffedBy.INSTITUTION, institution=world.institution_a
    )
    assert rule.institution == world.institution_a


def test_add_staffing_rule_refuses_an_institution_outside_the_collaboration(world) -> None:  # type: ignore[no-untyped-def]
    stranger = factories.InstitutionFactory(name="Fjernt", municipality=world.b)
    with pytest.raises(ValidationError) as refused:
        add_rule(world, rota_hotline(world), staffed_by=StaffedBy.INSTITUTION, institution=stranger)
    assert list(field_errors(refused.value)) == ["institution"]


def test_add_staffing_rule_refuses_an_overlapping_rule(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    StaffingRuleFactory(hotline=hotline)  # every night 23–08
    with pytest.raises(ValidationError) as refused:
        add_rule(world, hotline, weekdays="5", starts=dt.time(6), ends=dt.time(10))
    assert field_errors(refused.value) == {
        "starts": ["The time overlaps another staffing rule (23:00–08:00)."]
    }


def test_remove_staffing_rule(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    rule = StaffingRuleFactory(hotline=hotline)
    services.remove_staffing_rule(actor=world.leader_a, rule=rule, expected_version=1)
    assert StaffingRule.objects.filter(hotline=hotline).count() == 0


# -- rota members ------------------------------------------------------------------------------------


def test_add_rota_member_of_the_municipality(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[])
    member = services.add_rota_member(
        actor=world.leader_a,
        hotline=hotline,
        user=world.consultant_a,
        max_shifts=5,
        expected_version=1,
    )
    assert (member.user, member.max_shifts) == (world.consultant_a, 5)


def test_add_rota_member_of_a_collaborating_institution(world) -> None:  # type: ignore[no-untyped-def]
    collaboration = factories.CollaborationFactory()
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])
    hotline = rota_hotline(world, members=[])
    member = services.add_rota_member(
        actor=world.leader_a,
        hotline=hotline,
        user=world.specialist_a,
        max_shifts=None,
        expected_version=1,
    )
    assert member.user == world.specialist_a


def test_add_rota_member_refuses_staff_of_another_municipality(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.add_rota_member(
            actor=world.leader_a,
            hotline=rota_hotline(world, members=[]),
            user=world.consultant_b,
            max_shifts=None,
            expected_version=1,
        )
    assert list(field_errors(refused.value)) == ["user"]


def test_add_rota_member_refuses_a_foster_parent(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.add_rota_member(
            actor=world.leader_a,
            hotline=rota_hotline(world, members=[]),
            user=world.foster_parent_a,
            max_shifts=None,
            expected_version=1,
        )


def test_remove_rota_member_turns_their_coming_shifts_into_gaps(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    past = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 1, 8))
    coming = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 5, 8))
    member = RotaMember.objects.get(hotline=hotline, user=world.consultant_a)
    opened = services.remove_rota_member(actor=world.leader_a, member=member, expected_version=1)
    assert (
        opened,
        Shift.objects.get(pk=coming.pk).person,
        Shift.objects.get(pk=past.pk).person,
    ) == (1, None, world.consultant_a)


def test_update_rota_member_off_the_rota_opens_their_shifts(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    coming = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 5, 8))
    member = RotaMember.objects.get(hotline=hotline, user=world.consultant_a)
    services.update_rota_member(
        actor=world.leader_a, member=member, max_shifts=3, active=False, expected_version=1
    )
    assert (
        RotaMember.objects.get(pk=member.pk).active,
        Shift.objects.get(pk=coming.pk).person,
    ) == (
        False,
        None,
    )


def test_rota_member_changes_from_an_old_version_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    member = RotaMember.objects.get(hotline=hotline, user=world.consultant_a)
    services.update_rota_member(
        actor=world.leader_a, member=member, max_shifts=3, active=True, expected_version=1
    )
    with pytest.raises(ConcurrentEditError):
        services.update_rota_member(
            actor=world.leader_a, member=member, max_shifts=4, active=True, expected_version=1
        )


# -- unavailability and closure days ------------------------------------------------------------------


def test_add_unavailability_of_a_member(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    item = services.add_unavailability(
        actor=world.leader_a,
        hotline=hotline,
        user=world.consultant_a,
        starts_at=at(2026, 12, 20, 0),
        ends_at=at(2027, 1, 3, 0),
        reason=" Juleferie ",
    )
    assert (
        item.reason,
        AuditEntry.objects.filter(action="hotline.unavailability.create").count(),
    ) == (
        "Juleferie",
        1,
    )


def test_add_unavailability_refuses_someone_not_on_the_rota(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.add_unavailability(
            actor=world.leader_a,
            hotline=rota_hotline(world),
            user=world.consultant_b,
            starts_at=at(2026, 12, 20, 0),
            ends_at=at(2026, 12, 21, 0),
        )


def test_add_unavailability_refuses_a_period_ending_before_it_starts(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.add_unavailability(
            actor=world.leader_a,
            hotline=rota_hotline(world),
            user=world.consultant_a,
            starts_at=at(2026, 12, 21, 0),
            ends_at=at(2026, 12, 20, 0),
        )
    assert list(field_errors(refused.value)) == ["ends_at"]


def test_add_closure_day_of_the_leaders_municipality(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    services.add_closure_day(
        actor=world.leader_a,
        hotline=hotline,
        municipality=world.a,
        day=dt.date(2026, 12, 24),
        every_year=True,
    )
    assert list(ClosureDay.objects.values_list("municipality__code", "date", "every_year")) == [
        ("101", dt.date(2026, 12, 24), True)
    ]


def test_add_closure_day_twice_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    services.add_closure_day(
        actor=world.leader_a, hotline=hotline, municipality=world.a, day=dt.date(2026, 12, 24)
    )
    with pytest.raises(ValidationError, match="closure day already"):
        services.add_closure_day(
            actor=world.leader_a, hotline=hotline, municipality=world.a, day=dt.date(2026, 12, 24)
        )


def test_add_closure_day_of_another_municipality_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.add_closure_day(
            actor=world.leader_a,
            hotline=rota_hotline(world),
            municipality=world.b,
            day=dt.date(2026, 12, 24),
        )


# -- the pages -------------------------------------------------------------------------------------------


def test_hotline_list_shows_who_is_on_duty_now(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=world.consultant_a2, starts_at=at(2026, 12, 2, 8))
    client.force_login(world.consultant_a)
    response = client.get(reverse("hotline:hotline_list"))
    [(shown, duty)] = response.context["rows"]
    assert (shown, duty.person) == (hotline, world.consultant_a2)


def test_hotline_list_shows_only_visible_hotlines(world, client) -> None:  # type: ignore[no-untyped-def]
    rota_hotline(world)
    HotlineFactory(municipality=world.b, name="Vejle")
    client.force_login(world.consultant_b)
    response = client.get(reverse("hotline:hotline_list"))
    assert [h.name for h, _duty in response.context["rows"]] == ["Vejle"]


def _list_queries(client) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("hotline:hotline_list"))
    return len(queries)


def test_hotline_list_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    first = rota_hotline(world)
    ShiftFactory(hotline=first, person=world.consultant_a2, starts_at=at(2026, 12, 2, 8))
    client.force_login(world.leader_a)
    one = _list_queries(client)
    for n in range(2):
        other = rota_hotline(world, name=f"Linje {n}")
        ShiftFactory(hotline=other, person=world.consultant_a, starts_at=at(2026, 12, 2, 8))
    assert _list_queries(client) == one


def test_hotline_create_page_creates_and_goes_to_the_hotline(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:hotline_create"),
        {
            "name": "Akuttelefonen",
            "phone_number": "70101010",
            "owner": f"m:{world.a.pk}",
            "opening_hours": "01234 16:00-08:00\n56 00:00-00:00",
            "shift_boundaries": "08:00,16:00",
            "min_rest_hours": "11",
            "max_shifts_per_period": "15",
            "active": "on",
        },
    )
    hotline = Hotline.objects.get()
    assert (response.status_code, hotline.always_open, hotline.opening_hours) == (
        302,
        False,
        [
            {"weekdays": "01234", "starts": "16:00", "ends": "08:00"},
            {"weekdays": "56", "starts": "00:00", "ends": "00:00"},
        ],
    )


def test_hotline_create_page_explains_a_bad_opening_line(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:hotline_create"),
        {
            "name": "Akuttelefonen",
            "phone_number": "70101010",
            "owner": f"m:{world.a.pk}",
            "opening_hours": "weekdays 16-8",
            "shift_boundaries": "08:00",
            "min_rest_hours": "11",
            "max_shifts_per_period": "15",
        },
    )
    assert response.context["form"].errors == {
        "opening_hours": ["Line 1 is not like “01234 16:00-08:00”."]
    }


def test_hotline_edit_page_saves_with_the_version(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    form = client.get(reverse("hotline:hotline_edit", args=[hotline.uuid])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "opening_hours"}
    data.update(version="1", name="Nyt navn", always_open="on", active="on")
    response = client.post(reverse("hotline:hotline_edit", args=[hotline.uuid]), data)
    assert (response.status_code, Hotline.objects.get(pk=hotline.pk).name) == (302, "Nyt navn")


def test_hotline_detail_shows_setup_forms_to_the_manager_only(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    leader = client.get(reverse("hotline:hotline_detail", args=[hotline.uuid])).context
    client.force_login(world.consultant_a)
    consultant = client.get(reverse("hotline:hotline_detail", args=[hotline.uuid])).context
    assert ("member_form" in leader, "member_form" in consultant) == (True, False)


def test_member_add_from_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[])
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:member_create", args=[hotline.uuid]),
        {"version": "1", "user": str(world.consultant_a.pk), "max_shifts": "4"},
    )
    assert (response.status_code, hotline.rota_members.get().max_shifts) == (302, 4)


def test_staffing_rule_add_from_the_page_with_a_stale_version_shows_the_conflict(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    Hotline.objects.filter(pk=hotline.pk).update(version=3)
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:staffing_rule_create", args=[hotline.uuid]),
        {
            "version": "1",
            "weekdays": ["5", "6"],
            "starts": "00:00",
            "ends": "00:00",
            "staffed_by": "on_call_service",
        },
    )
    assert response.context["staffing_form"].conflict.current_version == 3


def test_closure_day_add_from_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    client.post(
        reverse("hotline:closure_day_create", args=[hotline.uuid]),
        {"municipality": str(world.a.pk), "date": "2026-12-31", "reason": "Nytårsaften"},
    )
    assert list(ClosureDay.objects.values_list("date", "reason")) == [
        (dt.date(2026, 12, 31), "Nytårsaften")
    ]


def test_unavailability_add_and_remove_from_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    client.post(
        reverse("hotline:unavailability_create", args=[hotline.uuid]),
        {
            "user": str(world.consultant_a.pk),
            "starts_at": "2026-12-20T00:00",
            "ends_at": "2026-12-27T00:00",
        },
    )
    item = world.consultant_a.unavailabilities.get()
    client.post(reverse("hotline:unavailability_delete", args=[hotline.uuid, item.pk]))
    assert world.consultant_a.unavailabilities.count() == 0
