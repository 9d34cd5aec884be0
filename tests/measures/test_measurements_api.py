"""Due measurements through the API and the pages: the list (filters, audit, constant queries),
one measurement, an extra one, cancelling, an answer link over the API, the plan over the API,
the family page's panel and the consultant's start-page panel; who sees what."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.measures.enums import MeasurementReason, MeasurementStatus, Respondent
from samspil.measures.models import AnswerLink, Measurement
from samspil.measures.selectors import measurements as selectors
from samspil.measures.services import links
from samspil.measures.services import measurements as services
from tests import factories
from tests.measures.factories import MeasurementFactory, instrument, make_link, plan_for

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='test')[1]}"}


def post(client: Client, user: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1" + path, data=json.dumps(body), content_type="application/json", **bearer(user)
    )


@pytest.fixture
def three(world: Any) -> list[Measurement]:
    """family_a: a teacher's SDQ about Alma (due) and WHO-5 (link sent); family_a_other: WHO-5
    (answered); family_b: a WHO-5 (due)."""
    sdq = MeasurementFactory(family=world.family_a, child=world.child_a)
    who5 = MeasurementFactory(family=world.family_a, code="who-5", status=MeasurementStatus.SENT)
    answered = MeasurementFactory(
        family=world.family_a_other, code="who-5", status=MeasurementStatus.ANSWERED
    )
    MeasurementFactory(family=world.family_b, code="who-5")
    return [sdq, who5, answered]


# -- the API --------------------------------------------------------------------------------------


def test_api_list_shows_the_municipalitys_measurements(
    client: Client, world: Any, three: list[Measurement]
) -> None:
    body = client.get("/api/v1/measurements", **bearer(world.consultant_a)).json()
    assert {item["id"] for item in body["items"]} == {str(m.uuid) for m in three}
    assert body["count"] == 3


def test_api_list_filters_by_status_and_family(
    client: Client, world: Any, three: list[Measurement]
) -> None:
    headers = bearer(world.consultant_a)
    sent = client.get("/api/v1/measurements?status=sent", **headers).json()
    family = client.get(
        f"/api/v1/measurements?status=open&family={world.family_a.uuid}", **headers
    ).json()
    assert [item["id"] for item in sent["items"]] == [str(three[1].uuid)]
    assert {item["id"] for item in family["items"]} == {str(three[0].uuid), str(three[1].uuid)}


def test_api_list_refuses_an_unknown_status(client: Client, world: Any) -> None:
    response = client.get("/api/v1/measurements?status=lost", **bearer(world.consultant_a))
    assert (response.status_code, list(response.json()["errors"])) == (422, ["status"])


def test_foster_parent_sees_only_their_familys_foster_parent_measurements(
    client: Client, world: Any, three: list[Measurement]
) -> None:
    body = client.get("/api/v1/measurements", **bearer(world.foster_parent_a)).json()
    assert [item["id"] for item in body["items"]] == [str(three[1].uuid)]


def test_api_list_queries_do_not_grow_with_rows(client: Client, world: Any) -> None:
    headers = bearer(world.leader_a)
    first = MeasurementFactory(family=world.family_a, child=world.child_a)
    make_link(first, by=world.consultant_a)
    client.get("/api/v1/measurements", **headers)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/measurements", **headers).json()["count"] == 1
    make_link(MeasurementFactory(family=world.family_a, code="who-5"), by=world.consultant_a)
    MeasurementFactory(family=world.family_a_other, code="sdq-parent-4-17", child=world.child_a)
    with CaptureQueriesContext(connection) as three:
        assert client.get("/api/v1/measurements", **headers).json()["count"] == 3
    assert len(three) == len(one)


def test_api_list_read_is_audited_with_ids(
    client: Client, world: Any, three: list[Measurement]
) -> None:
    client.get("/api/v1/measurements", **bearer(world.consultant_a))
    entry = AuditEntry.objects.get(action="measures.measurement.list")
    assert entry.data["measurements"] == sorted(str(m.uuid) for m in three)
    assert entry.data["channel"] == "api"


def test_api_detail_has_the_links_without_tokens(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    make_link(measurement, by=world.consultant_a)
    body = client.get(
        f"/api/v1/measurements/{measurement.uuid}", **bearer(world.consultant_a)
    ).json()
    assert (body["instrument"], body["child"], body["status"]) == (
        "sdq-teacher-4-17",
        str(world.child_a.uuid),
        "sent",
    )
    assert body["links"][0]["recipient_name"] == "Lærer Hansen"
    assert "token" not in json.dumps(body)


def test_api_detail_of_another_municipality_is_404(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    response = client.get(f"/api/v1/measurements/{measurement.uuid}", **bearer(world.consultant_b))
    assert response.status_code == 404


def test_api_creates_an_extra_measurement(client: Client, world: Any) -> None:
    response = post(
        client,
        world.consultant_a,
        "/measurements",
        {
            "family": str(world.family_a.uuid),
            "instrument": "sdq-teacher-4-17",
            "child": str(world.child_a.uuid),
            "due_on": "2030-01-15",
        },
    )
    body = response.json()
    stored = Measurement.objects.get(uuid=body["id"])
    assert response.status_code == 201
    assert (stored.reason, stored.occurrence, stored.respondent) == (
        MeasurementReason.EXTRA,
        1000,
        Respondent.TEACHER,
    )
    assert body["due_on"] == "2030-01-15"


def test_api_extra_measurement_for_an_invisible_family_is_422_like_an_unknown(
    client: Client, world: Any
) -> None:
    invisible = post(
        client,
        world.consultant_b,
        "/measurements",
        {"family": str(world.family_a.uuid), "instrument": "who-5"},
    )
    unknown = post(
        client,
        world.consultant_b,
        "/measurements",
        {"family": "00000000-0000-0000-0000-000000000000", "instrument": "who-5"},
    )
    assert invisible.status_code == unknown.status_code == 422
    assert invisible.json()["detail"] == unknown.json()["detail"]


def test_api_extra_measurement_by_a_foster_parent_is_403(client: Client, world: Any) -> None:
    response = post(
        client,
        world.foster_parent_a,
        "/measurements",
        {"family": str(world.family_a.uuid), "instrument": "who-5"},
    )
    assert (response.status_code, Measurement.objects.count()) == (403, 0)


def test_api_creates_a_link_and_shows_its_url_once(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    response = post(
        client,
        world.consultant_a,
        f"/measurements/{measurement.uuid}/links",
        {"recipient_name": "Lærer Hansen", "recipient_email": "l@skole.example"},
    )
    body = response.json()
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    link = AnswerLink.objects.get(measurement=measurement)
    assert response.status_code == 201
    assert (body["emailed"], body["status"]) == (True, "sent")
    assert link.token_hash == links.hash_token(token)
    assert abs(dt.datetime.fromisoformat(body["expires_at"]) - link.expires_at) < dt.timedelta(
        milliseconds=1
    )


def test_api_link_for_another_municipality_is_404(client: Client, world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    response = post(
        client,
        world.consultant_b,
        f"/measurements/{measurement.uuid}/links",
        {"recipient_name": "X", "send": False},
    )
    assert (response.status_code, AnswerLink.objects.count()) == (404, 0)


def test_api_plan_of_the_own_municipality(client: Client, world: Any) -> None:
    plan_for(world.a)
    body = client.get(
        f"/api/v1/measurement-plans/{world.a.code}", **bearer(world.consultant_a)
    ).json()
    assert (body["municipality"], body["reminder_days"], len(body["points"])) == ("101", 7, 5)
    assert {
        "instrument": "sdq-self-11-17",
        "respondent": "child",
        "at_entry": True,
        "every_months": 12,
        "at_end": True,
    } in body["points"]


def test_api_plan_of_another_municipality_is_404(client: Client, world: Any) -> None:
    plan_for(world.a)
    response = client.get(f"/api/v1/measurement-plans/{world.a.code}", **bearer(world.consultant_b))
    assert response.status_code == 404


# -- the services --------------------------------------------------------------------------------


def test_extra_measurements_count_up_from_1000(world: Any) -> None:
    who5 = instrument("who-5")
    first = services.add_measurement(
        actor=world.consultant_a, family=world.family_a, instrument=who5
    )
    second = services.add_measurement(
        actor=world.consultant_a, family=world.family_a, instrument=who5
    )
    assert (first.occurrence, second.occurrence, first.child) == (1000, 1001, None)


def test_extra_measurement_about_a_child_needs_the_child(world: Any) -> None:
    with pytest.raises(Exception, match="choose the child"):
        services.add_measurement(
            actor=world.consultant_a,
            family=world.family_a,
            instrument=instrument("sdq-parent-4-17"),
        )


def test_extra_measurement_for_a_child_not_placed_in_the_family_is_refused(world: Any) -> None:
    with pytest.raises(Exception, match="not placed in this family"):
        services.add_measurement(
            actor=world.consultant_a,
            family=world.family_a_other,
            instrument=instrument("sdq-parent-4-17"),
            child=world.child_a,
        )


def test_extra_self_report_for_a_child_under_11_is_refused(world: Any) -> None:
    child = factories.ChildFactory(date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 9))
    factories.PlacementFactory(child=child, family=world.family_a)
    with pytest.raises(Exception, match="aged 11 to 17"):
        services.add_measurement(
            actor=world.consultant_a,
            family=world.family_a,
            instrument=instrument("sdq-self-11-17"),
            child=child,
        )


def test_adding_is_audited(world: Any) -> None:
    measurement = services.add_measurement(
        actor=world.consultant_a, family=world.family_a, instrument=instrument("who-5")
    )
    entry = AuditEntry.objects.get(action="measures.measurement.create")
    assert (entry.object_uuid, entry.data["family"]) == (measurement.uuid, str(world.family_a.uuid))


def test_consultant_of_another_municipality_cannot_add(world: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.add_measurement(
            actor=world.consultant_b, family=world.family_a, instrument=instrument("who-5")
        )


def test_cancelling_revokes_the_open_links_and_is_audited(world: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    link, _token = make_link(measurement, by=world.consultant_a)
    services.cancel_measurement(
        actor=world.consultant_a, measurement=measurement, expected_version=1
    )
    link.refresh_from_db()
    entry = AuditEntry.objects.get(action="measures.measurement.cancel")
    assert (measurement.status, link.revoked_at is not None) == (MeasurementStatus.CANCELLED, True)
    assert entry.data["links_revoked"] == 1


def test_an_answered_measurement_cannot_be_cancelled(world: Any) -> None:
    measurement = MeasurementFactory(
        family=world.family_a, code="who-5", status=MeasurementStatus.ANSWERED
    )
    with pytest.raises(Exception, match="cannot be cancelled"):
        services.cancel_measurement(
            actor=world.consultant_a, measurement=measurement, expected_version=1
        )


# -- the pages -----------------------------------------------------------------------------------


def test_list_page_shows_open_measurements(
    world: Any, login: Any, three: list[Measurement]
) -> None:
    html = login(world.consultant_a).get(reverse("measures:measurement_list")).content.decode()
    assert "SDQ, teacher, 4–17 years" in html
    assert "WHO-5 Well-Being Index" in html
    assert "Familien Andersen" in html
    assert "Familien Østergaard" not in html
    assert "Familien Bæk" not in html


def test_list_page_mine_shows_only_my_families(
    world: Any, login: Any, three: list[Measurement]
) -> None:
    MeasurementFactory(family=world.family_a_other, code="who-5")
    html = (
        login(world.consultant_a)
        .get(reverse("measures:measurement_list") + "?status=open&mine=on")
        .content.decode()
    )
    assert ("Familien Andersen" in html, "Familien Østergaard" in html) == (True, False)


def test_list_page_answered_filter(world: Any, login: Any, three: list[Measurement]) -> None:
    html = (
        login(world.consultant_a)
        .get(reverse("measures:measurement_list") + "?status=answered")
        .content.decode()
    )
    assert ("Familien Østergaard" in html, "Familien Andersen" in html) == (True, False)


def test_list_page_queries_do_not_grow_with_rows(
    world: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(world.leader_a)
    MeasurementFactory(family=world.family_a, child=world.child_a)
    client.get(reverse("measures:measurement_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("measures:measurement_list"))
    MeasurementFactory(family=world.family_a, code="who-5")
    MeasurementFactory(family=world.family_a_other, code="burden-rating", child=world.child_a)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("measures:measurement_list"))
    assert response.context["page"].paginator.count == 3
    assert len(three) == len(one)


def test_list_page_is_404_for_an_evaluator(world: Any, login: Any) -> None:
    assert login(world.evaluator).get(reverse("measures:measurement_list")).status_code == 404


def test_measurement_page_of_another_municipality_is_404(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    response = login(world.consultant_b).get(
        reverse("measures:measurement_detail", args=[measurement.uuid])
    )
    assert response.status_code == 404


def test_opening_a_measurement_is_audited(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    login(world.consultant_a).get(reverse("measures:measurement_detail", args=[measurement.uuid]))
    assert (
        AuditEntry.objects.filter(
            action="measures.measurement.read", object_uuid=measurement.uuid
        ).count()
        == 1
    )


def test_foster_parent_sees_own_measurement_without_actions(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    html = (
        login(world.foster_parent_a)
        .get(reverse("measures:measurement_detail", args=[measurement.uuid]))
        .content.decode()
    )
    assert "WHO-5 Well-Being Index" in html
    assert "Make the link" not in html


def test_foster_parent_does_not_see_the_teachers_measurement(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, child=world.child_a)
    response = login(world.foster_parent_a).get(
        reverse("measures:measurement_detail", args=[measurement.uuid])
    )
    assert response.status_code == 404


def test_consultant_adds_an_extra_measurement_from_the_page(world: Any, login: Any) -> None:
    response = login(world.consultant_a).post(
        reverse("measures:measurement_create") + f"?family={world.family_a.uuid}",
        {"instrument": instrument("who-5").pk, "due_on": "2030-02-01"},
    )
    measurement = Measurement.objects.get()
    assert response["Location"] == reverse("measures:measurement_detail", args=[measurement.uuid])
    assert measurement.due_on == dt.date(2030, 2, 1)


def test_case_worker_gets_403_on_the_extra_measurement_page(world: Any, login: Any) -> None:
    response = login(world.case_worker_a).get(
        reverse("measures:measurement_create") + f"?family={world.family_a.uuid}"
    )
    assert response.status_code == 403


def test_consultant_cancels_from_the_page(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    login(world.consultant_a).post(
        reverse("measures:measurement_cancel", args=[measurement.uuid]), {"version": 1}
    )
    measurement.refresh_from_db()
    assert measurement.status == MeasurementStatus.CANCELLED


def test_a_stale_cancel_is_refused(world: Any, login: Any) -> None:
    measurement = MeasurementFactory(family=world.family_a, code="who-5")
    Measurement.objects.filter(pk=measurement.pk).update(version=2)
    client = login(world.consultant_a)
    response = client.post(
        reverse("measures:measurement_cancel", args=[measurement.uuid]), {"version": 1}, follow=True
    )
    measurement.refresh_from_db()
    assert measurement.status == MeasurementStatus.DUE
    assert "Someone else changed this record" in response.content.decode()


# -- the panels -----------------------------------------------------------------------------------


def test_family_panel_lists_open_and_done(world: Any, three: list[Measurement]) -> None:
    panel = selectors.measurements_for_family(world.consultant_a, world.family_a)
    assert ([r.measurement for r in panel.open], panel.done, panel.can_manage) == (
        [three[0], three[1]],
        [],
        True,
    )


def test_family_panel_for_the_foster_parent_shows_only_their_questionnaires(
    world: Any, three: list[Measurement]
) -> None:
    panel = selectors.measurements_for_family(world.foster_parent_a, world.family_a)
    assert ([r.measurement for r in panel.open], panel.can_manage) == ([three[1]], False)


def test_family_panel_template_renders(world: Any, three: list[Measurement]) -> None:
    from django.template.loader import render_to_string

    panel = selectors.measurements_for_family(world.consultant_a, world.family_a)
    html = render_to_string("measures/measurement_family_panel.html", {"panel": panel})
    assert "Add an extra measurement" in html
    assert "Alma" in html


def test_start_panel_has_my_due_and_overdue_measurements(world: Any) -> None:
    today = timezone.localdate()
    overdue = MeasurementFactory(
        family=world.family_a, code="who-5", due_on=today - dt.timedelta(days=3)
    )
    MeasurementFactory(
        family=world.family_a, child=world.child_a, due_on=today + dt.timedelta(days=5)
    )
    MeasurementFactory(family=world.family_a_other, code="who-5", due_on=today)  # consultant_a2's
    rows = selectors.due_for_consultant(world.consultant_a)
    assert [(r.measurement, r.state) for r in rows] == [(overdue, "overdue")]


def test_start_panel_queries_do_not_grow_with_rows(
    world: Any, django_assert_num_queries: Any
) -> None:
    from samspil.accounts.scopes import scope_for

    today = timezone.localdate()
    MeasurementFactory(family=world.family_a, code="who-5", due_on=today)
    scope_for(world.consultant_a)
    with django_assert_num_queries(2):
        assert len(selectors.due_for_consultant(world.consultant_a)) == 1
    MeasurementFactory(family=world.family_a, child=world.child_a, due_on=today)
    MeasurementFactory(
        family=world.family_a, code="burden-rating", child=world.child_a, due_on=today
    )
    with django_assert_num_queries(2):
        assert len(selectors.due_for_consultant(world.consultant_a)) == 3


def test_start_panel_template_renders(world: Any) -> None:
    from django.template.loader import render_to_string

    MeasurementFactory(family=world.family_a, code="who-5", due_on=timezone.localdate())
    html = render_to_string(
        "measures/_start_panel.html",
        {"measures_due": selectors.due_for_consultant(world.consultant_a)},
    )
    assert "Familien Andersen" in html
    assert "WHO-5 Well-Being Index" in html
