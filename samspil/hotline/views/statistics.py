"""The hotline statistics page for the project lead (leaders), with server-rendered charts
(inline SVG from `hotline/charts.py`, no JavaScript) and the audited CSV/XLSX export."""

from __future__ import annotations

import csv
import math
import tempfile
import uuid
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.hotline import periods
from samspil.hotline.charts import Chart, RowChart, bar_chart, row_chart
from samspil.hotline.forms.statistics import PeriodForm
from samspil.hotline.selectors import statistics as selectors

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells a spreadsheet would read as a formula (CSV/formula injection) get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal


def _calls(label: str, count: int) -> str:
    """A bar's tooltip, e.g. "20–21: 4 calls"."""
    return ngettext("%(label)s: %(count)s call", "%(label)s: %(count)s calls", count) % {
        "label": label,
        "count": count,
    }


def _week_title(week: selectors.WeekCount) -> str:
    title = _calls(
        _("Week %(week)s, %(year)s") % {"week": week.week, "year": week.year}, week.calls
    )
    return f"{title} – {week.holiday}" if week.holiday else title


def charts(stats: selectors.HotlineStatistics) -> dict[str, Chart | RowChart]:
    """The page's charts: weeks (holiday periods highlighted), holiday vs normal per week, hour
    of day, weekday (weekend highlighted) and topic."""
    weeks = stats.by_week
    holiday_legend = _("Holiday period")
    week_bars = [(str(w.week), float(w.calls), _week_title(w), bool(w.holiday)) for w in weeks]
    busiest = stats.busiest_hour
    busiest_day = stats.busiest_weekday
    ratio = stats.holiday_ratio
    return {
        "weeks": bar_chart(
            "chart-weeks",
            _(
                "Calls per week from %(start)s to %(end)s; holiday periods are marked. "
                "%(holiday)s calls per week in holiday periods, %(normal)s in normal weeks."
            )
            % {
                "start": localize(stats.period.start),
                "end": localize(stats.period.end),
                "holiday": localize(stats.holiday.per_week),
                "normal": localize(stats.normal.per_week),
            },
            week_bars,
            label_every=max(1, math.ceil(len(weeks) / 13)),
            legend=holiday_legend,
        ),
        "periods": row_chart(
            "chart-periods",
            (
                _(
                    "Calls per week: %(holiday)s in holiday periods, %(normal)s in normal weeks, "
                    "%(ratio)s times as many."
                )
                if ratio
                else _(
                    "Calls per week: %(holiday)s in holiday periods, %(normal)s in normal weeks."
                )
            )
            % {
                "holiday": localize(stats.holiday.per_week),
                "normal": localize(stats.normal.per_week),
                "ratio": localize(ratio),
            },
            [
                (
                    _("Holiday periods"),
                    float(stats.holiday.per_week),
                    localize(stats.holiday.per_week),
                    True,
                ),
                (
                    _("Normal weeks"),
                    float(stats.normal.per_week),
                    localize(stats.normal.per_week),
                    False,
                ),
            ],
        ),
        "hours": bar_chart(
            "chart-hours",
            (
                _("Calls by hour of day (Danish time). Most calls %(hour)s (%(count)s).")
                % {"hour": busiest.label, "count": busiest.calls}
                if busiest
                else _("Calls by hour of day (Danish time).")
            ),
            [
                (b.key.zfill(2), float(b.calls), _calls(b.label, b.calls), False)
                for b in stats.by_hour
            ],
            label_every=3,
        ),
        "weekdays": bar_chart(
            "chart-weekdays",
            (
                _("Calls by weekday. Most calls on %(day)s (%(count)s).")
                % {"day": busiest_day.label, "count": busiest_day.calls}
                if busiest_day
                else _("Calls by weekday.")
            ),
            [
                (
                    b.label[:3],
                    float(b.calls),
                    _calls(b.label, b.calls),
                    int(b.key) >= 6,
                )
                for b in stats.by_weekday
            ],
            legend=_("Weekend"),
        ),
        "topics": row_chart(
            "chart-topics",
            _("Calls by topic"),
            [(b.label, float(b.calls), localize(b.calls), False) for b in stats.by_topic],
        ),
    }


# -- the page and the export -----------------------------------------------------------------


def _period(request: AuthenticatedHttpRequest) -> tuple[PeriodForm, periods.Period]:
    """The period asked for in ?start=&end=, or the last 12 months (with the form's errors)."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            return form, periods.make_period(form.cleaned_data["start"], form.cleaned_data["end"])
        except ValidationError as error:
            add_service_error(form, error)
    return form, periods.default_period()


def statistics_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hotlines whose statistics the user may see; straight to the one when there is one."""
    hotlines = list(selectors.statistics_hotlines(request.user))
    if len(hotlines) == 1:
        return redirect("hotline:statistics", hotlines[0].uuid)
    if not hotlines:
        raise Http404
    return render(request, "hotline/statistics_index.html", {"hotlines": hotlines})


def statistics(request: AuthenticatedHttpRequest, hotline_uuid: uuid.UUID) -> HttpResponse:
    form, period = _period(request)
    try:
        stats = selectors.statistics_for(request.user, hotline_uuid, period)
    except PermissionDeniedError:
        raise PermissionDenied from None
    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    return render(
        request,
        "hotline/statistics.html",
        {"stats": stats, "form": form, "charts": charts(stats), "query": query},
    )


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(stats: selectors.HotlineStatistics) -> Iterator[list[Cell]]:
    """The statistics as one tidy table: section, item, value (counts, days, calls per week,
    percentages), each row with the hotline and the period."""
    head: list[Cell] = [
        _safe(stats.hotline.name),
        stats.period.start.isoformat(),
        stats.period.end.isoformat(),
    ]
    calls = _("Calls")
    rows: list[tuple[str, str, Cell]] = [
        (calls, _("All calls"), stats.calls),
        (calls, _("Stubs not completed"), stats.stubs),
        (calls, _("Without a family (unknown number)"), stats.without_family),
    ]
    rows += [(_("Hour of day"), b.label, b.calls) for b in stats.by_hour]
    rows += [(_("Weekday"), b.label, b.calls) for b in stats.by_weekday]
    rows += [
        (_("Week"), f"{w.label} ({w.holiday})" if w.holiday else w.label, w.calls)
        for w in stats.by_week
    ]
    for section, rate in ((_("Holiday periods"), stats.holiday), (_("Normal weeks"), stats.normal)):
        rows += [
            (section, _("Calls"), rate.calls),
            (section, _("Days"), rate.days),
            (section, _("Calls per week"), rate.per_week),
        ]
    if stats.holiday_ratio is not None:
        rows.append((_("Holiday periods"), _("Times the normal rate"), stats.holiday_ratio))
    rows += [(_("Topic"), b.label, b.calls) for b in stats.by_topic]
    rows += [
        (_("Family"), f.name or _("A family in %(name)s") % {"name": f.municipality}, f.calls)
        for f in stats.top_families
    ]
    follow = stats.follow_ups
    section = _("Follow-ups")
    rows += [
        (section, _("All follow-ups"), follow.total),
        (section, _("Done on time"), follow.done_on_time),
        (section, _("Done late"), follow.done_late),
        (section, _("Open, not yet due"), follow.open_not_due),
        (section, _("Open and overdue"), follow.open_overdue),
        (section, _("Escalated to the team leader"), follow.escalated),
    ]
    if follow.on_time_share is not None:
        rows.append((section, _("Done on time (% of those due)"), follow.on_time_share))
    for section_name, item, value in rows:
        yield [*head, _safe(section_name), _safe(item), value]


def _header() -> list[Cell]:
    return [_("Hotline"), _("From"), _("To"), _("Section"), _("Item"), _("Value")]


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_response(stats: selectors.HotlineStatistics, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte-order mark, so spreadsheet apps read UTF-8 (æ, ø, å)
        yield writer.writerow(_header())
        for cells in export_rows(stats):
            yield writer.writerow(cells)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(stats: selectors.HotlineStatistics, filename: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hotline statistics")[:31])
    sheet.append(_header())
    for cells in export_rows(stats):
        value = cells[-1]
        if isinstance(value, Decimal):
            number = WriteOnlyCell(sheet, value=float(value))  # openpyxl stores floats
            number.number_format = "0.00"
            sheet.append([*cells[:-1], number])
        else:
            sheet.append(cells)
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def statistics_export(
    request: AuthenticatedHttpRequest, hotline_uuid: uuid.UUID
) -> HttpResponse | StreamingHttpResponse:
    """CSV or XLSX of the numbers the page shows; audited by the selector before any byte is
    sent."""
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        raise Http404
    form, period = _period(request)
    if form.errors:
        raise Http404
    try:
        stats = selectors.export_statistics(
            request.user, hotline_uuid, period, file_format=file_format
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    filename = f"samspil-hotline-statistics-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return _csv_response(stats, filename)
    return _xlsx_response(stats, filename)


urlpatterns: list[URLPattern] = [
    path("hotlines/statistics/", statistics_index, name="statistics_index"),
    path("hotlines/<uuid:hotline_uuid>/statistics/", statistics, name="statistics"),
    path(
        "hotlines/<uuid:hotline_uuid>/statistics/export/",
        statistics_export,
        name="statistics_export",
    ),
]
