"""Views of the rota: the rota page (a list of shifts per day, who is on duty now, gaps before
they happen, the latest generation polled with HTMX while it runs), generating a period, and a
shift's page where the manager overrides its person or swaps it with another shift. Thin: form →
service or selector → template; the services check permissions again and write the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.hotline import rules
from samspil.hotline.forms import rota as forms
from samspil.hotline.models import Hotline, Shift
from samspil.hotline.selectors import hotlines as hotline_selectors
from samspil.hotline.selectors import rota as selectors
from samspil.hotline.services import rota as services

# -- the rota page --------------------------------------------------------------------------------


def _rota_context(
    request: AuthenticatedHttpRequest, hotline: Hotline, **bound: Any
) -> dict[str, Any]:
    first_day, days = forms.PeriodShownForm(request.GET).period()
    now = timezone.now()
    can_manage = rules.can_manage_hotline(request.user, hotline)
    run = selectors.latest_run(hotline) if can_manage else None
    context: dict[str, Any] = {
        "hotline": hotline,
        "days": selectors.rota_days(hotline, first_day, days, now=now),
        "first_day": first_day,
        "day_count": days,
        "previous_start": first_day - dt.timedelta(days=days),
        "next_start": first_day + dt.timedelta(days=days),
        "today": timezone.localdate(),
        "on_duty": hotline_selectors.on_duty([hotline], now)[hotline.pk],
        "gaps": hotline_selectors.upcoming_gaps(hotline, now=now),
        "gap_days": hotline_selectors.UPCOMING_GAP_DAYS,
        "can_manage": can_manage,
        "run": selectors.run_view(run) if run else None,
    }
    if can_manage:
        first, last = services.next_quarter()
        context["generate_form"] = forms.GenerateForm(
            initial={"first_day": first, "last_day": last}
        )
    context.update(bound)
    return context


def rota(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = hotline_selectors.get_hotline_for(request.user, uuid)
    return render(request, "hotline/rota_page.html", _rota_context(request, hotline))


def rota_run(request: AuthenticatedHttpRequest, uuid: str, run: str) -> HttpResponse:
    """The generation area alone, polled by HTMX while the optimiser works; once it is done the
    page reloads (to show the new shifts)."""
    hotline = hotline_selectors.get_hotline_for(request.user, uuid)
    if not rules.can_manage_hotline(request.user, hotline):
        raise PermissionDenied
    view = selectors.run_view(selectors.get_run_for(hotline, run))
    response = render(request, "hotline/rota_page.html#run", {"hotline": hotline, "run": view})
    if request.htmx and not view.is_working:
        response["HX-Refresh"] = "true"  # done: show the new shifts with the answer
    return response


@require_POST
def rota_generate(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    hotline = hotline_selectors.get_hotline_for(request.user, uuid)
    if not rules.can_manage_hotline(request.user, hotline):
        raise PermissionDenied
    form = forms.GenerateForm(request.POST)
    if form.is_valid():
        try:
            services.request_rota(
                actor=request.user,
                hotline=hotline,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                allow_gaps=form.cleaned_data["allow_gaps"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            start = form.cleaned_data["first_day"]
            url = reverse("hotline:rota", args=[hotline.uuid])
            return redirect(f"{url}?start={max(start, timezone.localdate())}#generation")
    return render(
        request, "hotline/rota_page.html", _rota_context(request, hotline, generate_form=form)
    )


# -- one shift ------------------------------------------------------------------------------------


def _shift_context(request: AuthenticatedHttpRequest, shift: Shift, **bound: Any) -> dict[str, Any]:
    hotline = shift.hotline
    can_manage = rules.can_manage_hotline(request.user, hotline)
    now = timezone.now()
    changeable = can_manage and selectors.needs_person(shift) and shift.ends_at > now
    context: dict[str, Any] = {
        "shift": shift,
        "hotline": hotline,
        "is_now": shift.starts_at <= now < shift.ends_at,
        "is_gap": selectors.needs_person(shift) and shift.person_id is None and shift.ends_at > now,
        "changeable": changeable,
        "day": timezone.localtime(shift.starts_at).date(),
    }
    if changeable:
        members = hotline_selectors.member_users(hotline)
        context["override_form"] = forms.OverrideForm(shift=shift, members=members)
        candidates = selectors.swap_candidates(shift, now=now)
        context["swap_form"] = (
            forms.SwapForm(shift=shift, candidates=candidates) if candidates else None
        )
    context.update(bound)
    return context


def shift_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    shift = selectors.get_shift_for(request.user, uuid)
    return render(request, "hotline/shift_detail.html", _shift_context(request, shift))


def _shift_to_change(request: AuthenticatedHttpRequest, uuid: str) -> Shift:
    shift = selectors.get_shift_for(request.user, uuid)
    if not rules.can_manage_hotline(request.user, shift.hotline):
        raise PermissionDenied
    return shift


def _to_rota(shift: Shift) -> HttpResponse:
    day = timezone.localtime(shift.starts_at).date()
    url = reverse("hotline:rota", args=[shift.hotline.uuid])
    return redirect(f"{url}?start={day}#shift-{shift.uuid}")


@require_POST
def shift_override(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    shift = _shift_to_change(request, uuid)
    members = hotline_selectors.member_users(shift.hotline)
    form = forms.OverrideForm(request.POST, shift=shift, members=members)
    if form.is_valid():
        try:
            services.override_shift(
                actor=request.user,
                shift=shift,
                person=form.cleaned_data["person"],
                expected_version=form.cleaned_data["version"],
                confirm=form.cleaned_data["confirm"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The shift was changed."))
            return _to_rota(shift)
    shift.refresh_from_db()
    return render(
        request, "hotline/shift_detail.html", _shift_context(request, shift, override_form=form)
    )


@require_POST
def shift_swap(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    shift = _shift_to_change(request, uuid)
    candidates = selectors.swap_candidates(shift)
    form = forms.SwapForm(request.POST, shift=shift, candidates=candidates)
    if form.is_valid():
        other_uuid, other_version = form.other_shift()
        other = selectors.get_shift_for(request.user, other_uuid)
        try:
            services.swap_shifts(
                actor=request.user,
                shift=shift,
                other=other,
                expected_version=form.cleaned_data["version"],
                other_expected_version=other_version,
                confirm=form.cleaned_data["confirm"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The two shifts were swapped."))
            return _to_rota(shift)
    shift.refresh_from_db()
    return render(
        request, "hotline/shift_detail.html", _shift_context(request, shift, swap_form=form)
    )


urlpatterns: list[URLPattern] = [
    path("hotline/<uuid:uuid>/rota/", rota, name="rota"),
    path("hotline/<uuid:uuid>/rota/generate/", rota_generate, name="rota_generate"),
    path("hotline/<uuid:uuid>/rota/runs/<uuid:run>/", rota_run, name="rota_run"),
    path("hotline/shifts/<uuid:uuid>/", shift_detail, name="shift_detail"),
    path("hotline/shifts/<uuid:uuid>/override/", shift_override, name="shift_override"),
    path("hotline/shifts/<uuid:uuid>/swap/", shift_swap, name="shift_swap"),
]
