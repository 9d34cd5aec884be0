"""Evaluations (the family's), the project lead's overview, and training hours with their
CSV/XLSX export."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from samspil.competence.forms.evaluation import EvaluationForm
from samspil.competence.selectors import reports as selectors
from samspil.competence.services.evaluation import submit_evaluation
from samspil.competence.views.calendar import year_param
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.measures.models import localised

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells a spreadsheet would read as a formula (CSV/formula injection) get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal


# -- the family's evaluations -------------------------------------------------------------------


def evaluation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    family = selectors.evaluating_family(request.user)
    return render(
        request,
        "competence/evaluation_list.html",
        {
            "pending": selectors.pending_evaluations(request.user, family),
            "given": selectors.given_evaluations(family),
        },
    )


def evaluation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    target = selectors.get_evaluation_target(
        request.user,
        offering_uuid=request.GET.get("offering"),
        course_uuid=request.GET.get("course"),
    )
    if selectors.already_evaluated(target):
        messages.info(request, _("Your family has already evaluated this. Thank you."))
        return redirect("competence:evaluation_list")
    version = selectors.evaluation_instrument()
    form = EvaluationForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            submit_evaluation(
                actor=request.user,
                family=target.family,
                offering=target.offering,
                course=target.course,
                answers=form.answers(),
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("competence:evaluation_list")
    return render(
        request,
        "competence/evaluation_form.html",
        {"form": form, "target": target, "intro": localised(version.definition.get("intro"))},
    )


# -- the project lead's overview ----------------------------------------------------------------


def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = selectors.report_municipality(request.user, request.GET.get("municipality"))
    return render(
        request,
        "competence/reports_overview.html",
        {
            "municipality": municipality,
            "municipalities": selectors.report_municipalities_of(request.user),
            "summary": selectors.evaluation_summary(request.user, municipality),
            "mandatory_gaps": selectors.mandatory_gaps(request.user, municipality),
            "cadence": selectors.cadence_gaps(request.user, municipality),
            "min_answers": selectors.MIN_ANSWERS_FOR_COMMENTS,
        },
    )


# -- training hours -------------------------------------------------------------------------------


def training_hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = year_param(request)
    family_uuid = request.GET.get("family")
    if family_uuid:
        hours = selectors.family_training_hours(request.user, family_uuid, year)
        return render(
            request,
            "competence/training_hours_family.html",
            {"hours": hours, "year": year, "query": f"family={hours.family.uuid}&year={year}"},
        )
    table = selectors.training_hours_table(
        request.user, year=year, municipality_code=request.GET.get("municipality")
    )
    query = f"year={year}"
    if table.municipality is not None:
        query += f"&municipality={table.municipality.code}"
    page = Paginator(table.rows, settings.SAMSPIL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "competence/training_hours_table.html",
        {"table": table, "page": page, "year": year, "query": query},
    )


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _export_rows(rows: Sequence[selectors.FamilyHours]) -> Iterator[list[Cell]]:
    """One row per family and theme; a family without hours gets one row with 0.00."""
    for row in rows:
        themes = row.themes or (selectors.ThemeHours("", Decimal("0.00")),)
        for theme in themes:
            yield [
                _safe(row.family.name),
                str(row.family.uuid),
                row.year,
                _safe(theme.theme),
                theme.hours,
            ]


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_response(
    header: list[Cell], rows: list[selectors.FamilyHours], filename: str
) -> HttpResponse | StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a byte-order mark, so spreadsheet apps read UTF-8 (æ, ø, å)
        yield writer.writerow(header)
        for cells in _export_rows(rows):
            yield writer.writerow(cells)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_response(
    header: list[Cell], rows: list[selectors.FamilyHours], filename: str
) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Training hours")[:31])
    sheet.append(header)
    for cells in _export_rows(rows):
        hours = WriteOnlyCell(sheet, value=float(cells[-1]))  # openpyxl stores numbers as floats
        hours.number_format = "0.00"
        sheet.append([*cells[:-1], hours])
    # Written to a temporary file (in memory while small), then streamed by FileResponse,
    # which closes it.
    spool = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def training_hours_export(
    request: AuthenticatedHttpRequest,
) -> HttpResponse | StreamingHttpResponse:
    """CSV or XLSX of the rows the page shows; audited by the selector before any byte is sent."""
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        raise Http404
    year = year_param(request)
    rows = selectors.export_training_hours(
        request.user,
        year=year,
        file_format=file_format,
        family_uuid=request.GET.get("family") or None,
        municipality_code=request.GET.get("municipality") or None,
    )
    header: list[Cell] = [_("Family"), _("Family ID"), _("Year"), _("Theme"), _("Hours")]
    filename = f"samspil-training-hours-{year}.{file_format}"
    if file_format == "csv":
        return _csv_response(header, rows, filename)
    return _xlsx_response(header, rows, filename)


urlpatterns: list[URLPattern] = [
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/create/", evaluation_create, name="evaluation_create"),
    path("competence/reports/", reports, name="reports"),
    path("competence/training-hours/", training_hours, name="training_hours"),
    path("competence/training-hours/export/", training_hours_export, name="training_hours_export"),
]
