"""Training hours per family, year and theme: counting, pages, exports, API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionLocation
from samspil.competence.models import Enrolment, SupervisionSession, Theme
from samspil.competence.selectors import reports
from tests import factories
from tests.competence.factories import SessionFactory, at, course_for, offering_for

ATTACHMENT = "Tilknytningsteori"
AUTISM = "Autisme, piktogrammer og TEACCH"
MENTALISING = "Mentalisering"


def _theme(name: str) -> Theme:
    return Theme.objects.get(name=name)


def _session(world, family, *, themes, starts_at=None, hours=2, attendance=Attendance.ATTENDED):  # type: ignore[no-untyped-def]
    starts_at = starts_at or at(2027, 3, 2, 19)
    session = SessionFactory(
        offering=offering_for(world, themes=[_theme(t) for t in themes]),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
    )
    Enrolment.objects.create(
        session=session, family=family, status=EnrolmentStatus.ENROLLED, attendance=attendance
    )


def _supervision(world, family, *, hours="1.5", theme=None, starts_at=None, attended=True):  # type: ignore[no-untyped-def]
    course = course_for(world, family=family, theme=_theme(theme) if theme else None)
    session = SupervisionSession.objects.create(
        course=course,
        starts_at=starts_at or at(2027, 4, 6, 9),
        hours=Decimal(hours),
        location=SupervisionLocation.HOME,
        delivered_by=world.specialist_a,
    )
    if attended:
        session.attended.set([family])


def _hours(world, family, year=2027) -> tuple[list[tuple[str, Decimal]], Decimal]:  # type: ignore[no-untyped-def]
    result = reports.family_training_hours(world.consultant_a, family.uuid, year)
    return [(t.theme, t.hours) for t in result.themes], result.total


# -- counting -----------------------------------------------------------------------------------


def test_training_hours_split_a_sessions_hours_equally_across_its_themes(world) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT, AUTISM, MENTALISING], hours=2)
    assert _hours(world, world.family_a) == (
        [(AUTISM, Decimal("0.67")), (MENTALISING, Decimal("0.67")), (ATTACHMENT, Decimal("0.67"))],
        Decimal("2.00"),
    )


def test_training_hours_count_supervision_under_the_courses_theme_or_supervision(world) -> None:
    _supervision(world, world.family_a, hours="1.5", theme=MENTALISING)
    _supervision(world, world.family_a, hours="2.25")
    _session(world, world.family_a, themes=[MENTALISING], hours=3)
    assert _hours(world, world.family_a) == (
        [(MENTALISING, Decimal("4.50")), ("Supervision", Decimal("2.25"))],
        Decimal("6.75"),
    )


def test_training_hours_ignore_no_shows_unattended_supervision_and_other_years(world) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT], attendance=Attendance.NO_SHOW)
    _session(world, world.family_a, themes=[ATTACHMENT], starts_at=at(2026, 12, 31, 19))
    _supervision(world, world.family_a, attended=False)
    _session(world, world.family_a_other, themes=[ATTACHMENT])
    assert _hours(world, world.family_a) == ([], Decimal("0.00"))


def test_training_hours_year_is_the_local_year_of_the_start(world) -> None:
    # 31 December 2026 23:30 UTC is 1 January 2027 in Copenhagen.
    _session(
        world,
        world.family_a,
        themes=[ATTACHMENT],
        starts_at=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),
    )
    assert _hours(world, world.family_a, 2027)[1] == Decimal("2.00")


# -- who sees them ---------------------------------------------------------------------------------


def test_training_hours_page_for_a_family_is_audited(world, client) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT])
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("competence:training_hours"), {"family": world.family_a.uuid, "year": 2027}
    )
    entry = AuditEntry.objects.get(action="competence.training_hours.read")
    assert response.context["hours"].total == Decimal("2.00")
    assert (entry.actor, entry.object_uuid, entry.municipality_id, entry.data["year"]) == (
        world.consultant_a,
        world.family_a.uuid,
        world.a.pk,
        2027,
    )


def test_training_hours_page_for_another_municipalitys_family_answers_404(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.get(reverse("competence:training_hours"), {"family": world.family_b.uuid})
    assert response.status_code == 404


def test_training_hours_table_for_a_leader_lists_families_in_the_model_or_with_hours(
    world, client
) -> None:
    world.family_a_other.in_model_since = dt.date(2026, 1, 1)
    world.family_a_other.save()
    _session(world, world.family_a, themes=[ATTACHMENT])
    factories.FamilyFactory(municipality=world.a, name="Familien Uden")
    client.force_login(world.leader_a)
    response = client.get(reverse("competence:training_hours"), {"year": 2027})
    assert [(r.family.name, r.total) for r in response.context["page"].object_list] == [
        ("Familien Andersen", Decimal("2.00")),
        ("Familien Østergaard", Decimal("0.00")),
    ]


def test_training_hours_table_for_a_consultant_lists_their_own_families(world, client) -> None:
    client.force_login(world.consultant_a2)
    response = client.get(reverse("competence:training_hours"), {"year": 2027})
    assert [r.family.name for r in response.context["table"].rows] == ["Familien Østergaard"]


def test_calendar_page_shows_the_familys_own_training_hours(world, client) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT], hours=3)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("competence:calendar"), {"year": 2027})
    assert response.context["hours"].total == Decimal("3.00")


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_training_hours_table_query_count_does_not_grow_with_rows(world, client) -> None:
    client.force_login(world.leader_a)
    url = reverse("competence:training_hours") + "?year=2027"
    _session(world, world.family_a, themes=[ATTACHMENT])
    _supervision(world, world.family_a, theme=MENTALISING)
    one = _queries(client, url)
    for _ in range(3):
        family = factories.FamilyFactory(municipality=world.a)
        _session(world, family, themes=[ATTACHMENT, AUTISM])
        _supervision(world, family)
    assert _queries(client, url) == one


# -- exports ------------------------------------------------------------------------------------


def _export(client, file_format: str, **params):  # type: ignore[no-untyped-def]
    return client.get(
        reverse("competence:training_hours_export"), {"format": file_format, "year": 2027, **params}
    )


def test_training_hours_csv_export_has_a_row_per_theme_and_is_audited(world, client) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT, MENTALISING], hours=3)
    client.force_login(world.consultant_a)
    response = _export(client, "csv", family=world.family_a.uuid)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    uuid = str(world.family_a.uuid)
    assert response["Content-Disposition"] == (
        'attachment; filename="samspil-training-hours-2027.csv"'
    )
    assert rows[1:] == [
        ["Familien Andersen", uuid, "2027", MENTALISING, "1.50"],
        ["Familien Andersen", uuid, "2027", ATTACHMENT, "1.50"],
    ]
    entry = AuditEntry.objects.get(action="competence.training_hours.export")
    assert (entry.actor, entry.object_uuid, entry.municipality_id, entry.data) == (
        world.consultant_a,
        world.family_a.uuid,
        world.a.pk,
        {"format": "csv", "year": 2027, "families": 1, "channel": "ui"},
    )


def test_training_hours_xlsx_export_holds_numbers_and_is_audited(world, client) -> None:
    world.family_a_other.in_model_since = dt.date(2026, 1, 1)
    world.family_a_other.save()
    _supervision(world, world.family_a, hours="2.5")
    client.force_login(world.leader_a)
    response = _export(client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["Familien Andersen", str(world.family_a.uuid), 2027, "Supervision", 2.5],
        ["Familien Østergaard", str(world.family_a_other.uuid), 2027, None, 0],
    ]
    entry = AuditEntry.objects.get(action="competence.training_hours.export")
    assert (entry.actor, entry.municipality_id, entry.data["format"], entry.data["families"]) == (
        world.leader_a,
        world.a.pk,
        "xlsx",
        2,
    )


def test_training_hours_export_neutralises_cells_that_look_like_formulas(world, client) -> None:
    family = factories.FamilyFactory(municipality=world.a, name="=HYPERLINK(1)")
    _session(world, family, themes=[ATTACHMENT])
    client.force_login(world.consultant_a)
    response = _export(client, "csv", family=family.uuid)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_training_hours_export_with_an_unknown_format_answers_404(world, client) -> None:
    client.force_login(world.leader_a)
    assert _export(client, "pdf").status_code == 404
    assert AuditEntry.objects.filter(action="competence.training_hours.export").count() == 0


def test_training_hours_export_of_another_municipalitys_family_answers_404(world, client) -> None:
    client.force_login(world.leader_a)
    response = _export(client, "csv", family=world.family_b.uuid)
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="competence.training_hours.export").count() == 0


# -- API ----------------------------------------------------------------------------------------


def _api(client, user, **params):  # type: ignore[no-untyped-def]
    _record, token = create_api_token(user=user, name="test")
    return client.get(
        "/api/v1/training-hours", params, headers={"Authorization": f"Bearer {token}"}
    )


def test_training_hours_api_answers_hours_per_theme_and_is_audited(world, client) -> None:
    _session(world, world.family_a, themes=[ATTACHMENT], hours=2)
    _supervision(world, world.family_a, hours="1.5")
    response = _api(client, world.foster_parent_a, family=world.family_a.uuid, year=2027)
    assert response.json() == {
        "family": str(world.family_a.uuid),
        "year": 2027,
        "total_hours": "3.50",
        "themes": [
            {"theme": "Supervision", "hours": "1.50"},
            {"theme": ATTACHMENT, "hours": "2.00"},
        ],
    }
    entry = AuditEntry.objects.get(action="competence.training_hours.read")
    assert (entry.actor, entry.data["channel"]) == (world.foster_parent_a, "api")


@time_machine.travel(at(2027, 6, 1, 12), tick=False)
def test_training_hours_api_defaults_to_the_current_year(world, client) -> None:
    response = _api(client, world.consultant_a, family=world.family_a.uuid)
    assert (response.json()["year"], response.json()["total_hours"]) == (2027, "0.00")


def test_training_hours_api_for_another_municipalitys_family_answers_404(world, client) -> None:
    response = _api(client, world.consultant_a, family=world.family_b.uuid)
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
