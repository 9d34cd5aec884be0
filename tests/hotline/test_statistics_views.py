"""The statistics page (charts with their tables, accessible markup), the audited CSV/XLSX
export, the API, and constant query counts; the chart geometry as pure functions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.hotline.charts import bar_chart, nice_ceiling, row_chart
from tests.competence.factories import at
from tests.hotline.factories_stats import StatsData, add_calls, statistics_data

QUERY = "start=2026-06-01&end=2026-07-08"
NOW = dt.datetime(2026, 7, 8, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _on_the_8th_of_july() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(world) -> StatsData:  # type: ignore[no-untyped-def]
    return statistics_data(world)


def _page(client: Client, data: StatsData, query: str = QUERY) -> str:
    response = client.get(reverse("hotline:statistics", args=[data.hotline.uuid]) + "?" + query)
    assert response.status_code == 200
    return response.content.decode()


def _export(client: Client, data: StatsData, file_format: str) -> bytes:
    url = reverse("hotline:statistics_export", args=[data.hotline.uuid])
    response = client.get(f"{url}?{QUERY}&format={file_format}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


# -- charts (pure) --------------------------------------------------------------------------


def test_nice_ceiling_rounds_up_to_one_two_or_five() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 51, 240)] == [1, 1, 5, 10, 20, 100, 500]


def test_bar_chart_scales_bars_to_the_axis_and_formats_coordinates() -> None:
    chart = bar_chart("c", "Calls", [("a", 5, "a: 5", False), ("b", 10, "b: 10", True)])
    heights = [float(bar.height) for bar in chart.bars]
    assert heights == [95.0, 190.0]  # the axis tops at 10 over a 190-unit plot
    assert [bar.highlight for bar in chart.bars] == [False, True]
    assert all(re.fullmatch(r"-?\d+\.\d", bar.x) for bar in chart.bars)
    assert [tick.label for tick in chart.ticks] == ["0", "5", "10"]


def test_bar_chart_labels_every_nth_bar_and_shows_a_legend_only_when_highlighted() -> None:
    bars = [(str(h), 1.0, str(h), False) for h in range(24)]
    chart = bar_chart("c", "Hours", bars, label_every=3, legend="Weekend")
    assert [bar.label for bar in chart.bars if bar.label] == [str(h) for h in range(0, 24, 3)]
    assert chart.legend == ""


def test_row_chart_gives_the_longest_bar_the_full_width() -> None:
    chart = row_chart("r", "Topics", [("Long", 4, "4", False), ("Short", 1, "1", False)])
    assert [float(row.width) for row in chart.rows] == [564.0, 141.0]


# -- the page -----------------------------------------------------------------------------------


def test_statistics_page_shows_the_holiday_pattern_at_a_glance(login, world, data) -> None:  # type: ignore[no-untyped-def]
    html = _page(login(world.leader_a), data)
    assert "In holiday periods the hotline received 2.5 times as many calls per week" in html
    assert "(2.47 against 1.00)" in html
    assert "Familien Andersen" in html


def test_statistics_page_charts_are_images_with_names_and_bar_titles(login, world, data) -> None:  # type: ignore[no-untyped-def]
    html = _page(login(world.leader_a), data)
    svgs = re.findall(r"<svg [^>]*id=\"(chart-[a-z]+)\"[^>]*>", html)
    assert svgs == ["chart-periods", "chart-weeks", "chart-hours", "chart-weekdays", "chart-topics"]
    for tag in re.findall(r"<svg [^>]*id=\"chart-[a-z]+\"[^>]*>", html):
        assert 'role="img"' in tag
        assert re.search(r'aria-label="[^"]{10,}"', tag)
    assert "<title>20–21: 3 calls</title>" in html
    assert "<title>Week 27, 2026: 3 calls – School summer holiday</title>" in html
    assert "<title>Saturday: 3 calls</title>" in html
    assert 'aria-label="Calls by hour of day (Danish time). Most calls 20–21 (3)."' in html


def test_statistics_page_has_a_table_beside_each_chart(login, world, data) -> None:  # type: ignore[no-untyped-def]
    html = _page(login(world.leader_a), data)
    assert '<th scope="row">20–21</th><td>3</td>' in html
    assert '<th scope="row">Saturday</th><td>3</td>' in html
    assert '<th scope="row">Konflikt med barnet</th><td>4</td>' in html
    assert '<th scope="row">2026-W24</th>' in html
    assert "Personaledag" in html


def test_statistics_page_writes_svg_numbers_with_dots_in_danish(login, world, data) -> None:  # type: ignore[no-untyped-def]
    client = login(world.leader_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    html = _page(client, data)
    coordinates = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)"', html)
    assert coordinates
    assert all("," not in value for triple in coordinates for value in triple)


def test_statistics_page_has_no_inline_script_or_style(login, world, data) -> None:  # type: ignore[no-untyped-def]
    html = _page(login(world.leader_a), data)
    main = html.split('<main id="main"', 1)[1]
    assert "<script" not in main
    assert "style=" not in main
    assert "<style" not in main


def test_statistics_page_falls_back_to_the_last_year_on_bad_dates(login, world, data) -> None:  # type: ignore[no-untyped-def]
    html = _page(login(world.leader_a), data, "start=2026-07-08&end=2026-06-01")
    assert "The start must be on or before the end." in html
    assert "Calls received from July 9, 2025 to July 8, 2026" in html


def test_statistics_page_is_hidden_from_a_leader_of_another_municipality(
    login,  # type: ignore[no-untyped-def]
    world,
    data,
) -> None:
    client = login(world.leader_b)
    page = client.get(reverse("hotline:statistics", args=[data.hotline.uuid]))
    index = client.get(reverse("hotline:statistics_index"))
    assert [(r.status_code, data.hotline.name in r.content.decode()) for r in (page, index)] == [
        (404, False),
        (404, False),
    ]


def test_statistics_index_redirects_a_leader_with_one_hotline(login, world, data) -> None:  # type: ignore[no-untyped-def]
    response = login(world.leader_a).get(reverse("hotline:statistics_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:statistics", args=[data.hotline.uuid])


def test_statistics_page_query_count_is_constant(login, world, data) -> None:  # type: ignore[no-untyped-def]
    client = login(world.leader_a)
    _page(client, data)  # warm the session
    with CaptureQueriesContext(connection) as few:
        _page(client, data)
    add_calls(data.hotline, world.family_a_other, 30, at(2026, 6, 2, 17))
    add_calls(data.hotline, world.family_b, 3, at(2026, 6, 3, 19))
    with CaptureQueriesContext(connection) as many:
        html = _page(client, data)
    assert "Familien Østergaard" in html
    assert len(many) == len(few)


# -- the export ---------------------------------------------------------------------------------


def test_csv_export_holds_the_numbers_and_is_audited(login, world, data) -> None:  # type: ignore[no-untyped-def]
    body = _export(login(world.leader_a), data, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Hotline", "From", "To", "Section", "Item", "Value"]
    by_item = {(row[3], row[4]): row[5] for row in rows[1:]}
    assert rows[1][:3] == ["Akuttelefonen København", "2026-06-01", "2026-07-08"]
    assert by_item[("Calls", "All calls")] == "9"
    assert by_item[("Hour of day", "20–21")] == "3"
    assert by_item[("Weekday", "Saturday")] == "3"
    assert by_item[("Week", "2026-W24 (Personaledag)")] == "2"
    assert by_item[("Holiday periods", "Calls per week")] == "2.47"
    assert by_item[("Normal weeks", "Calls per week")] == "1.00"
    assert by_item[("Holiday periods", "Times the normal rate")] == "2.5"
    assert by_item[("Family", "Familien Andersen")] == "5"
    assert by_item[("Follow-ups", "Done on time (% of those due)")] == "50.0"
    entry = AuditEntry.objects.get(action="hotline.statistics.export")
    assert entry.actor == world.leader_a
    assert entry.municipality_id == world.a.pk
    assert entry.object_uuid == data.hotline.uuid
    assert entry.data["format"] == "csv"
    assert entry.data["calls"] == 9


def test_xlsx_export_holds_numbers_as_numbers(login, world, data) -> None:  # type: ignore[no-untyped-def]
    content = _export(login(world.leader_a), data, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    by_item = {(row[3], row[4]): row[5] for row in rows[1:]}
    assert by_item[("Calls", "All calls")] == 9
    assert by_item[("Holiday periods", "Calls per week")] == pytest.approx(2.47)
    assert (
        AuditEntry.objects.filter(action="hotline.statistics.export", data__format="xlsx").count()
        == 1
    )


def test_export_neutralises_formulas_in_names(login, world, data) -> None:  # type: ignore[no-untyped-def]
    data.hotline.name = "=HYPERLINK(1)"
    data.hotline.save()
    world.family_a.name = "@Familien"
    world.family_a.save()
    body = _export(login(world.leader_a), data, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[[r[4] for r in rows].index("'@Familien")][3:] == ["Family", "'@Familien", "5"]


def test_export_refuses_unknown_formats_and_is_not_audited(login, world, data) -> None:  # type: ignore[no-untyped-def]
    url = reverse("hotline:statistics_export", args=[data.hotline.uuid])
    assert login(world.leader_a).get(f"{url}?format=pdf").status_code == 404
    assert not AuditEntry.objects.filter(action="hotline.statistics.export").exists()


def test_export_by_a_consultant_is_refused_and_not_audited(login, world, data) -> None:  # type: ignore[no-untyped-def]
    url = reverse("hotline:statistics_export", args=[data.hotline.uuid])
    assert login(world.consultant_a).get(f"{url}?format=csv").status_code == 403
    assert login(world.leader_b).get(f"{url}?format=csv").status_code == 404
    assert not AuditEntry.objects.filter(action="hotline.statistics.export").exists()


# -- the API ---------------------------------------------------------------------------------


def _api(user, data: StatsData, query: str = QUERY):  # type: ignore[no-untyped-def]
    _record, token = create_api_token(user=user, name="test")
    client = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    return client.get(f"/api/v1/hotlines/{data.hotline.uuid}/statistics?{query}")


def test_api_gives_the_same_numbers(world, data) -> None:  # type: ignore[no-untyped-def]
    response = _api(world.leader_a, data)
    assert response.status_code == 200
    body = response.json()
    assert body["calls"] == {"total": 9, "stubs": 1, "without_family": 2}
    assert body["time_zone"] == "Europe/Copenhagen"
    assert {h["hour"]: h["calls"] for h in body["by_hour"] if h["calls"]} == {
        0: 2,
        10: 1,
        20: 3,
        21: 1,
        23: 2,
    }
    assert [d["calls"] for d in body["by_weekday"]] == [2, 1, 1, 0, 1, 3, 1]
    assert [w["holiday"] for w in body["by_week"]] == [
        None,
        "Personaledag",
        None,
        None,
        "School summer holiday",
        "School summer holiday",
    ]
    assert body["holiday_periods"] == {
        "calls": 6,
        "days": 17,
        "weeks": "2.4",
        "calls_per_week": "2.47",
    }
    assert Decimal(body["normal_weeks"]["calls_per_week"]) == Decimal("1.00")
    assert Decimal(body["holiday_ratio"]) == Decimal("2.5")
    assert body["top_families"][0] == {
        "family": str(world.family_a.uuid),
        "name": "Familien Andersen",
        "municipality": "København",
        "calls": 5,
    }
    assert body["follow_ups"]["on_time_share"] == "50.0"
    assert {t["topic"]: t["calls"] for t in body["by_topic"] if t["calls"]}[None] == 1


def test_api_refuses_a_reversed_period_with_422(world, data) -> None:  # type: ignore[no-untyped-def]
    response = _api(world.leader_a, data, "start=2026-07-08&end=2026-06-01")
    assert response.status_code == 422
    assert "start" in response.json()["errors"]


def test_api_answers_403_to_a_consultant_and_404_to_another_municipality(world, data) -> None:  # type: ignore[no-untyped-def]
    consultant, other = _api(world.consultant_a, data), _api(world.leader_b, data)
    assert (consultant.status_code, consultant.json()) == (
        403,
        {"detail": "You may see this record but not change it."},
    )
    assert (other.status_code, other.json()) == (404, {"detail": "Not found."})
