"""Bar charts as inline SVG, server-rendered (no JavaScript, no inline CSS, colours as SVG
presentation attributes): pure functions that turn numbers into geometry (`bar_chart`,
`row_chart`) and the geometry into escaped SVG markup (`Chart.svg`, `RowChart.svg`; built here
rather than in a template loop, which for a year of weeks was most of the page's time). Every
coordinate is formatted with a dot (the Danish locale would write "12,5" into SVG attributes).
No ORM, no I/O.

A chart is an image with an accessible name (`role="img"`, `aria-label`); each bar carries a
`<title>` tooltip, and the page shows the same numbers in a table beside it
(`hotline/statistics_chart.html`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colours with at least 4.5:1 contrast on white (bars need 3:1): a blue for ordinary bars and a
# dark orange for holiday periods and weekends, which also get a band under the axis so that
# the difference does not rest on colour alone.
COLOUR = "#1f5f8b"
HIGHLIGHT = "#a4441b"
INK = "#1a1a1a"
GRID = "#c6ccd2"


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    """An axis label: whole numbers without decimals, halves with one (localised: 2,5)."""
    if value.is_integer():
        return localize(int(value))
    return localize(Decimal(str(value)))


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (at least 1): the top of the axis."""
    if value <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    title: str  # the tooltip: label and value
    label: str  # under the axis ("" for none)
    label_x: str
    highlight: bool


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Chart:
    """An inline SVG bar chart: `label` is its accessible name (role="img")."""

    id: str
    label: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    left: str
    right: str
    baseline: str
    label_y: str
    band_y: str
    legend: str  # what a highlighted bar means ("" when no bar is highlighted)
    colour: str = COLOUR
    highlight: str = HIGHLIGHT
    ink: str = INK
    grid: str = GRID

    @property
    def svg(self) -> SafeString:
        ticks = format_html_join(
            "",
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" dx="-4" dy="4" text-anchor="end" font-size="11" fill="{}">'
            "{}</text>",
            (
                (self.left, self.right, t.y, t.y, self.grid, self.left, t.y, self.ink, t.label)
                for t in self.ticks
            ),
        )
        bars = format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>{}{}',
            (
                (
                    b.x,
                    b.y,
                    b.width,
                    b.height,
                    self.highlight if b.highlight else self.colour,
                    b.title,
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="5" fill="{}"/>',
                        b.x,
                        self.band_y,
                        b.width,
                        self.highlight,
                    )
                    if b.highlight
                    else "",
                    format_html(
                        '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}'
                        "</text>",
                        b.label_x,
                        self.label_y,
                        self.ink,
                        b.label,
                    )
                    if b.label
                    else "",
                )
                for b in self.bars
            ),
        )
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" id="{}" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" focusable="false">{}{}'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/></svg>',
            self.id,
            self.width,
            self.height,
            self.label,
            ticks,
            bars,
            self.left,
            self.right,
            self.baseline,
            self.baseline,
            self.ink,
        )


def bar_chart(
    chart_id: str,
    label: str,
    bars: Sequence[tuple[str, float, str, bool]],
    *,
    label_every: int = 1,
    legend: str = "",
) -> Chart:
    """Vertical bars from (axis label, value, tooltip, highlighted); every `label_every`-th
    bar is labelled under the axis. The value axis runs from 0 to a round number."""
    width, height = 640, 240
    left, right, top, bottom = 36.0, 8.0, 10.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max((value for _l, value, _t, _h in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    drawn: list[Bar] = []
    for index, (axis_label, value, title, highlighted) in enumerate(bars):
        bar_h = plot_h * value / top_value
        x = left + index * slot
        drawn.append(
            Bar(
                x=_fmt(x + slot * 0.15),
                y=_fmt(top + plot_h - bar_h),
                width=_fmt(max(slot * 0.7, 1.0)),
                height=_fmt(bar_h),
                title=title,
                label=axis_label if index % label_every == 0 else "",
                label_x=_fmt(x + slot / 2),
                highlight=highlighted,
            )
        )
    ticks = tuple(
        Tick(y=_fmt(top + plot_h - plot_h * fraction), label=_number(top_value * fraction))
        for fraction in (0.0, 0.5, 1.0)
        if fraction != 0.5 or top_value >= 2
    )
    return Chart(
        id=chart_id,
        label=label,
        width=width,
        height=height,
        bars=tuple(drawn),
        ticks=ticks,
        left=_fmt(left),
        right=_fmt(width - right),
        baseline=_fmt(top + plot_h),
        label_y=_fmt(top + plot_h + 18),
        band_y=_fmt(top + plot_h + 26),
        legend=legend if any(b.highlight for b in drawn) else "",
    )


@dataclass(frozen=True)
class Row:
    label: str  # above the bar
    value: str  # after the bar
    y: str
    label_y: str
    width: str
    value_x: str
    value_y: str
    highlight: bool


@dataclass(frozen=True)
class RowChart:
    """Horizontal bars, one per row, each with its label above it (long topic names fit)."""

    id: str
    label: str
    width: int
    height: int
    rows: tuple[Row, ...]
    left: str
    bar_height: str
    colour: str = COLOUR
    highlight: str = HIGHLIGHT
    ink: str = INK
    legend: str = ""  # never used: rows say what they are

    @property
    def svg(self) -> SafeString:
        rows = format_html_join(
            "",
            '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
            (
                (
                    self.left,
                    r.label_y,
                    self.ink,
                    r.label,
                    self.left,
                    r.y,
                    r.width,
                    self.bar_height,
                    self.highlight if r.highlight else self.colour,
                    r.label,
                    r.value,
                    r.value_x,
                    r.value_y,
                    self.ink,
                    r.value,
                )
                for r in self.rows
            ),
        )
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" id="{}" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" focusable="false">{}</svg>',
            self.id,
            self.width,
            self.height,
            self.label,
            rows,
        )


def row_chart(chart_id: str, label: str, rows: Sequence[tuple[str, float, str, bool]]) -> RowChart:
    """Horizontal bars from (label, value, value as shown, highlighted)."""
    width, row_h, bar_h, left = 640, 36, 14, 4.0
    longest = max((value for _l, value, _s, _h in rows), default=0) or 1
    plot_w = width - left - 72  # room for the value after the longest bar
    drawn = []
    for index, (row_label, value, shown, highlighted) in enumerate(rows):
        y = index * row_h + 18
        bar_w = plot_w * value / longest
        drawn.append(
            Row(
                label=row_label,
                value=shown,
                y=_fmt(y),
                label_y=_fmt(y - 4),
                width=_fmt(bar_w),
                value_x=_fmt(left + bar_w + 6),
                value_y=_fmt(y + bar_h - 3),
                highlight=highlighted,
            )
        )
    return RowChart(
        id=chart_id,
        label=label,
        width=width,
        height=max(len(rows), 1) * row_h + 4,
        rows=tuple(drawn),
        left=_fmt(left),
        bar_height=str(bar_h),
    )
