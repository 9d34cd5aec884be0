"""The pure SVG line charts of the trend pages (samspil/measures/trendcharts.py)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation

from samspil.measures.trendcharts import WIDTH, line_chart, tick_step

DAY = dt.date(2025, 1, 1)


def _chart(points, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("y_min", 0)
    kwargs.setdefault("y_max", 40)
    return line_chart("c1", "SDQ: Total difficulties", "Scores by date", points, **kwargs)


def test_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = str(_chart([(DAY, 20, "1.1", "1.1.2025: 20")]).svg)
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">SDQ: Total difficulties</title>' in svg
    assert '<desc id="c1-desc">Scores by date</desc>' in svg


def test_points_sit_in_proportion_to_the_days_between_them() -> None:
    chart = _chart(
        [
            (DAY, 10, "a", "a"),
            (DAY + dt.timedelta(days=100), 20, "b", "b"),
            (DAY + dt.timedelta(days=400), 30, "c", "c"),
        ]
    )
    xs = [float(p.x) for p in chart.points]
    assert (xs[1] - xs[0]) * 3 == xs[2] - xs[1]
    assert float(chart.points[0].y) > float(chart.points[2].y)  # higher value, higher up


def test_a_single_point_sits_in_the_middle_and_draws_no_line() -> None:
    chart = _chart([(DAY, 5, "a", "a")])
    assert len(chart.points) == 1
    assert "<polyline" not in str(chart.svg)
    assert (
        float(chart.points[0].x) == float(chart.left) + (float(chart.right) - float(chart.left)) / 2
    )


def test_a_missing_value_is_left_out_of_the_line_but_keeps_its_date_label() -> None:
    chart = _chart(
        [
            (DAY, 10, "1.1", "a"),
            (DAY + dt.timedelta(days=200), None, "20.7", "b"),
            (DAY + dt.timedelta(days=400), 12, "5.2", "c"),
        ]
    )
    assert len(chart.points) == 2
    assert [label.label for label in chart.x_labels] == ["1.1", "20.7", "5.2"]


def test_band_zones_are_shaded_to_the_half_points_and_named_in_text() -> None:
    chart = _chart(
        [(DAY, 15, "a", "a")],
        zones=[("normal", "normal", 0, 13), ("borderline", "borderline", 14, 16),
               ("abnormal", "abnormal", 17, 40)],
    )  # fmt: skip
    normal, borderline, abnormal = chart.zones
    # 208 px for 40 points: 5.2 px a point; borderline is 13.5–16.5.
    assert float(borderline.height) == 15.6
    assert float(normal.height) + float(borderline.height) + float(abnormal.height) == 208.0
    svg = str(chart.svg)
    assert svg.count("<rect") == 3
    assert ">borderline</text>" in svg
    assert 'fill="#fbf0d0"' in svg


def test_tooltips_and_labels_are_escaped() -> None:
    svg = str(line_chart("c", "<b>", "a & b", [(DAY, 1, "<x>", "<script>")], y_min=0, y_max=4).svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert '<title id="c-title">&lt;b&gt;</title>' in svg
    assert "a &amp; b" in svg


def test_coordinates_use_a_dot_in_danish_too() -> None:
    with translation.override("da"):
        chart = line_chart(
            "c", "t", "d", [(DAY, 2.5, "a", "a"), (DAY + dt.timedelta(1), 1.25, "b", "b")],
            y_min=0, y_max=4,
        )  # fmt: skip
        svg = str(chart.svg)
    numbers = re.findall(r'(?:x|y|cx|cy|height|width)="([^"]+)"', svg)
    assert numbers
    assert all("," not in n for n in numbers)
    assert ">2,5</text>" not in svg  # axis at whole steps: 0 1 2 3 4
    assert [t.label for t in chart.ticks] == ["0", "1", "2", "3", "4"]


def test_tick_steps_are_round() -> None:
    assert tick_step(0, 40) == 10
    assert tick_step(0, 100) == 20
    assert tick_step(0, 10) == 2
    assert tick_step(0, 25) == 5
    assert tick_step(0, 4) == 1


def test_the_chart_has_no_inline_style_or_script() -> None:
    svg = str(_chart([(DAY, 1, "a", "a"), (DAY + dt.timedelta(9), 2, "b", "b")]).svg)
    assert "style" not in svg
    assert "<script" not in svg
    assert f'viewBox="0 0 {WIDTH}' in svg
