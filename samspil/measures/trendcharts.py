"""Line charts of scores over time as inline SVG, server-rendered: pure functions from values to
geometry (`line_chart`) and from geometry to escaped markup (`LineChart.svg`). No JavaScript,
no inline CSS (the CSP forbids both): colours are SVG presentation attributes. Every coordinate
is written with a dot (the Danish locale would write "12,5" into an attribute). No ORM, no I/O.

A chart is an image with an accessible name and description (`role="img"`, `aria-labelledby`
pointing at its `<title>` and `<desc>`); each point carries a `<title>` tooltip; the page shows
the same numbers in a table beside it (`measures/trend_chart.html`). Band zones (e.g. the SDQ's
normal / borderline / abnormal) are shaded behind the line and named in text at their right
edge, so the meaning never rests on colour alone.

The x axis is time: points sit in proportion to the days between them (measurements are not
evenly spaced); a single point sits in the middle. Missing values (a scale that could not be
scored) are left out of the line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

COLOUR = "#1f5f8b"  # the line and points: 7:1 on white
INK = "#1a1a1a"
GRID = "#c6ccd2"
# Light fills behind the line (the line keeps at least 3:1 against each); the zones are also
# named in text.
ZONE_FILLS = {
    "normal": "#e6f2ea",
    "borderline": "#fbf0d0",
    "abnormal": "#f8dfdc",
}
ZONE_FALLBACK = "#eef1f4"

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44.0, 96.0, 12.0, 40.0


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    """An axis label: whole numbers without decimals, else localised (2,5)."""
    if float(value).is_integer():
        return str(localize(int(value)))
    return str(localize(Decimal(str(round(value, 2)))))


def tick_step(low: float, high: float, most: int = 5) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that cuts [low, high] into at most `most` steps."""
    span = max(high - low, 1e-9)
    magnitude = 10 ** math.floor(math.log10(span / most))
    for step in (1, 2, 2.5, 5, 10):
        if span / (step * magnitude) <= most:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    title: str  # the tooltip: date, value and band


@dataclass(frozen=True)
class Zone:
    y: str
    height: str
    fill: str
    label: str
    label_y: str
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class XLabel:
    x: str
    label: str


@dataclass(frozen=True)
class LineChart:
    """An inline SVG line chart: `title` is its accessible name, `desc` its description."""

    id: str
    title: str
    desc: str
    width: int
    height: int
    points: tuple[Point, ...]
    zones: tuple[Zone, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    left: str
    right: str
    top: str
    baseline: str
    zone_x: str
    zone_width: str
    zone_label_x: str
    x_label_y: str
    colour: str = COLOUR
    ink: str = INK
    grid: str = GRID

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def svg(self) -> SafeString:
        zones = format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>{}',
            (
                (
                    self.zone_x,
                    z.y,
                    self.zone_width,
                    z.height,
                    z.fill,
                    format_html(
                        '<text x="{}" y="{}" dy="4" font-size="11" fill="{}">{}</text>',
                        self.zone_label_x,
                        z.label_y,
                        self.ink,
                        z.label,
                    )
                    if z.show_label
                    else "",
                )
                for z in self.zones
            ),
        )
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
        x_labels = format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
            ((label.x, self.x_label_y, self.ink, label.label) for label in self.x_labels),
        )
        line = (
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                self.polyline,
                self.colour,
            )
            if len(self.points) > 1
            else ""
        )
        points = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
            ((p.x, p.y, self.colour, p.title) for p in self.points),
        )
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" id="{}" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
            "{}{}"
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            "{}{}{}</svg>",
            self.id,
            self.width,
            self.height,
            self.id,
            self.id,
            self.id,
            self.title,
            self.id,
            self.desc,
            zones,
            ticks,
            self.left,
            self.right,
            self.baseline,
            self.baseline,
            self.ink,
            self.left,
            self.left,
            self.top,
            self.baseline,
            self.ink,
            line,
            points,
            x_labels,
        )


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[tuple[dt.date, float | None, str, str]],
    *,
    y_min: float,
    y_max: float,
    zones: Sequence[tuple[str, str, float, float]] = (),
) -> LineChart:
    """A line through `points` (day, value or None, axis label, tooltip) on a value axis from
    `y_min` to `y_max`, over shaded `zones` (kind, label, lowest, highest value — inclusive
    integer ranges, drawn to the half-points between them; kind picks the fill)."""
    if y_max <= y_min:
        y_max = y_min + 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        clipped = min(max(value, y_min), y_max)
        return TOP + plot_h - plot_h * (clipped - y_min) / (y_max - y_min)

    days = [day.toordinal() for day, _v, _l, _t in points]
    first, last = (min(days), max(days)) if days else (0, 0)

    def x_of(day: dt.date) -> float:
        if last == first:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day.toordinal() - first) / (last - first)

    drawn = tuple(
        Point(x=_fmt(x_of(day)), y=_fmt(y_of(value)), title=tooltip)
        for day, value, _label, tooltip in points
        if value is not None
    )
    x_labels: list[XLabel] = []
    last_x = -1000.0
    for day, _value, label, _tooltip in points:
        x = x_of(day)
        if x - last_x >= 56:  # keep labels from overlapping; the table has every date
            x_labels.append(XLabel(_fmt(x), label))
            last_x = x
    drawn_zones = []
    for kind, label, low, high in zones:
        top_value = min(high + 0.5, y_max)
        bottom_value = max(low - 0.5, y_min)
        if top_value <= bottom_value:
            continue
        y_top, y_bottom = y_of(top_value), y_of(bottom_value)
        drawn_zones.append(
            Zone(
                y=_fmt(y_top),
                height=_fmt(y_bottom - y_top),
                fill=ZONE_FILLS.get(kind, ZONE_FALLBACK),
                label=label,
                label_y=_fmt((y_top + y_bottom) / 2),
                show_label=y_bottom - y_top >= 12,
            )
        )
    step = tick_step(y_min, y_max)
    ticks = []
    value = y_min
    while value <= y_max + 1e-9:
        ticks.append(Tick(y=_fmt(y_of(value)), label=_number(value)))
        value += step
    return LineChart(
        id=chart_id,
        title=title,
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        points=drawn,
        zones=tuple(drawn_zones),
        ticks=tuple(ticks),
        x_labels=tuple(x_labels),
        left=_fmt(LEFT),
        right=_fmt(LEFT + plot_w),
        top=_fmt(TOP),
        baseline=_fmt(TOP + plot_h),
        zone_x=_fmt(LEFT),
        zone_width=_fmt(plot_w),
        zone_label_x=_fmt(LEFT + plot_w + 6),
        x_label_y=_fmt(TOP + plot_h + 18),
    )
