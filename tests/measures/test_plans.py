"""Measurement plans: the page (consultants see, leaders edit), creating it from the default,
editing it (respondent check, concurrent edits refused), the audit, and access."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership
from samspil.audit.models import AuditEntry
from samspil.measures.enums import Respondent
from samspil.measures.models import MeasurementPlan, PlanPoint
from samspil.measures.services import plans as services
from tests.measures.factories import instrument, plan_for

pytestmark = pytest.mark.django_db


def plan_url(world: Any, name: str = "measures:plan_detail") -> str:
    return reverse(name, args=[world.a.code])


def points(plan: MeasurementPlan) -> list[tuple[str, str, bool, int | None, bool]]:
    return [
        (p.instrument.code, p.respondent, p.at_entry, p.every_months, p.at_end)
        for p in plan.points.select_related("instrument").order_by("instrument__code")
    ]


def edit_data(plan: MeasurementPlan, rows: list[dict[str, Any]], **settings: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": plan.version,
        "reminder_days": settings.get("reminder_days", plan.reminder_days),
        "link_valid_days": settings.get("link_valid_days", plan.link_valid_days),
        "points-TOTAL_FORMS": len(rows),
        "points-INITIAL_FORMS": min(plan.points.count(), len(rows)),
        "points-MIN_NUM_FORMS": 0,
        "points-MAX_NUM_FORMS": 1000,
    }
    for n, row in enumerate(rows):
        data[f"points-{n}-instrument"] = instrument(row["code"]).pk
        data[f"points-{n}-respondent"] = row["respondent"]
        if row.get("at_entry", True):
            data[f"points-{n}-at_entry"] = "on"
        if row.get("every"):
            data[f"points-{n}-every_months"] = row["every"]
        if row.get("at_end", True):
            data[f"points-{n}-at_end"] = "on"
        if row.get("delete"):
            data[f"points-{n}-DELETE"] = "on"
    return data


def test_consultant_sees_the_plan_without_edit_button(world: Any, login: Any) -> None:
    plan_for(world.a)
    page = login(world.consultant_a).get(plan_url(world))
    html = page.content.decode()
    assert page.status_code == 200
    assert "WHO-5 Well-Being Index" in html
    assert "SDQ, self-report, 11–17 years" in html
    assert reverse("measures:plan_edit", args=[world.a.code]) not in html


def test_leader_sees_the_edit_button(world: Any, login: Any) -> None:
    plan_for(world.a)
    html = login(world.leader_a).get(plan_url(world)).content.decode()
    assert reverse("measures:plan_edit", args=[world.a.code]) in html


def test_without_a_plan_the_leader_is_offered_the_default(world: Any, login: Any) -> None:
    html = login(world.leader_a).get(plan_url(world)).content.decode()
    assert "Create the plan from the default" in html
    assert "Burden rating" in html


def test_without_a_plan_the_consultant_is_not_offered_to_create_it(world: Any, login: Any) -> None:
    html = login(world.consultant_a).get(plan_url(world)).content.decode()
    assert ("has no measurement plan yet" in html, "Create the plan" in html) == (True, False)


def test_leader_creates_the_plan_from_the_default(world: Any, login: Any) -> None:
    response = login(world.leader_a).post(plan_url(world, "measures:plan_create"))
    plan = MeasurementPlan.objects.get(municipality=world.a)
    assert response.status_code == 302
    assert points(plan) == [
        ("burden-rating", Respondent.FOSTER_PARENT, True, 3, False),
        ("sdq-parent-4-17", Respondent.FOSTER_PARENT, True, 6, True),
        ("sdq-self-11-17", Respondent.CHILD, True, 12, True),
        ("sdq-teacher-4-17", Respondent.TEACHER, True, 12, True),
        ("who-5", Respondent.FOSTER_PARENT, True, 6, True),
    ]
    assert (plan.reminder_days, plan.link_valid_days) == (7, 21)


def test_creating_the_plan_is_audited(world: Any) -> None:
    plan = services.create_default_plan(actor=world.leader_a, municipality=world.a)
    entry = AuditEntry.objects.get(action="measures.plan.create")
    assert (entry.municipality_id, entry.data["pk"], len(entry.changes["points"]["after"])) == (
        world.a.pk,
        plan.pk,
        5,
    )


def test_consultant_cannot_create_the_plan(world: Any, login: Any) -> None:
    response = login(world.consultant_a).post(plan_url(world, "measures:plan_create"))
    assert (response.status_code, MeasurementPlan.objects.count()) == (403, 0)


def test_a_second_default_plan_is_refused(world: Any) -> None:
    services.create_default_plan(actor=world.leader_a, municipality=world.a)
    with pytest.raises(Exception, match="has a measurement plan already"):
        services.create_default_plan(actor=world.leader_a, municipality=world.a)


def test_consultant_of_another_municipality_gets_404(world: Any, login: Any) -> None:
    plan_for(world.a)
    client = login(world.consultant_b)
    assert client.get(plan_url(world)).status_code == 404
    assert client.get(plan_url(world, "measures:plan_edit")).status_code == 404


def test_consultant_gets_403_on_the_edit_page(world: Any, login: Any) -> None:
    plan_for(world.a)
    assert login(world.consultant_a).get(plan_url(world, "measures:plan_edit")).status_code == 403


def test_plan_index_goes_to_the_own_municipality(world: Any, login: Any) -> None:
    response = login(world.consultant_a).get(reverse("measures:plan_index"))
    assert response["Location"] == plan_url(world)


def test_leader_of_two_municipalities_chooses(world: Any, login: Any) -> None:
    Membership.objects.create(user=world.leader_a, role=Role.LEADER, municipality=world.b)
    html = login(world.leader_a).get(reverse("measures:plan_index")).content.decode()
    assert (world.a.name in html, world.b.name in html) == (True, True)


def test_plan_index_is_404_for_a_foster_parent(world: Any, login: Any) -> None:
    assert login(world.foster_parent_a).get(reverse("measures:plan_index")).status_code == 404


def test_leader_edits_settings_and_removes_a_point(world: Any, login: Any) -> None:
    plan = plan_for(
        world.a,
        (
            ("who-5", Respondent.FOSTER_PARENT, True, 6, True),
            ("sdq-teacher-4-17", Respondent.TEACHER, True, 12, True),
        ),
    )
    data = edit_data(
        plan,
        [
            {"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 3},
            {"code": "sdq-teacher-4-17", "respondent": Respondent.TEACHER, "delete": True},
        ],
        reminder_days=5,
    )
    response = login(world.leader_a).post(plan_url(world, "measures:plan_edit"), data)
    plan.refresh_from_db()
    assert response.status_code == 302
    assert (plan.reminder_days, plan.version) == (5, 2)
    assert points(plan) == [("who-5", Respondent.FOSTER_PARENT, True, 3, True)]


def test_editing_is_audited_with_the_points_before_and_after(world: Any, login: Any) -> None:
    plan = plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 6, True),))
    data = edit_data(plan, [{"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 3}])
    login(world.leader_a).post(plan_url(world, "measures:plan_edit"), data)
    entry = AuditEntry.objects.get(action="measures.plan.update")
    assert entry.changes["points"] == {
        "before": ["who-5/foster_parent/entry=1/every=6/end=1"],
        "after": ["who-5/foster_parent/entry=1/every=3/end=1"],
    }
    assert entry.data["version"] == 2


def test_a_settings_change_is_audited_before_and_after(world: Any, login: Any) -> None:
    plan = plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 6, True),))
    data = edit_data(
        plan,
        [{"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 6}],
        reminder_days=5,
    )
    login(world.leader_a).post(plan_url(world, "measures:plan_edit"), data)
    entry = AuditEntry.objects.get(action="measures.plan.update")
    assert entry.changes == {"reminder_days": {"before": 7, "after": 5}}


def test_a_respondent_the_instrument_is_not_for_is_refused(world: Any, login: Any) -> None:
    plan = plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 6, True),))
    data = edit_data(
        plan,
        [
            {"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 6},
            {"code": "sdq-teacher-4-17", "respondent": Respondent.FOSTER_PARENT, "every": 12},
        ],
        reminder_days=9,
    )
    response = login(world.leader_a).post(plan_url(world, "measures:plan_edit"), data)
    html = response.content.decode()
    plan.refresh_from_db()
    assert response.status_code == 200
    assert "is answered by teacher or pedagogue, not by foster parent" in html
    assert 'name="reminder_days" value="9"' in html
    assert (plan.reminder_days, PlanPoint.objects.filter(plan=plan).count()) == (7, 1)


def test_a_point_without_any_time_is_refused(world: Any) -> None:
    plan = plan_for(world.a, ())
    spec = services.PointSpec(
        instrument=instrument("who-5"),
        respondent=Respondent.FOSTER_PARENT,
        at_entry=False,
        every_months=None,
        at_end=False,
    )
    with pytest.raises(Exception, match="choose when it is measured"):
        services.save_plan(
            actor=world.leader_a, plan=plan, values={}, points=[spec], expected_version=1
        )


def test_a_concurrent_edit_is_refused_with_a_clear_message(world: Any, login: Any) -> None:
    plan = plan_for(world.a, (("who-5", Respondent.FOSTER_PARENT, True, 6, True),))
    first = edit_data(plan, [{"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 3}])
    second = edit_data(
        plan, [{"code": "who-5", "respondent": Respondent.FOSTER_PARENT, "every": 12}]
    )
    client = login(world.leader_a)
    client.post(plan_url(world, "measures:plan_edit"), first)
    response = client.post(plan_url(world, "measures:plan_edit"), second)
    html = response.content.decode()
    plan.refresh_from_db()
    assert "Someone else changed this record after you opened it" in html
    assert points(plan) == [("who-5", Respondent.FOSTER_PARENT, True, 3, True)]


def test_consultant_cannot_save_the_plan(world: Any) -> None:
    from samspil.core.exceptions import PermissionDeniedError

    plan = plan_for(world.a, ())
    with pytest.raises(PermissionDeniedError):
        services.save_plan(
            actor=world.consultant_a, plan=plan, values={}, points=[], expected_version=1
        )
