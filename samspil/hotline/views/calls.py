"""Views of hotline calls, phone first: registering a call (the family search at the top, the
call view of the chosen family, the call's fields), the hotline's open calls (stubs from the
telephony system and calls without a family) and completing one, and the confirmation of a
registered call with its follow-up. Thin: form → service or selector → template; the
selectors audit the searches and the opened families, the services the writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import formats
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.families.models import FosterFamily
from samspil.hotline.forms import calls as forms
from samspil.hotline.models import Call, Hotline
from samspil.hotline.selectors import calls as selectors
from samspil.hotline.services import calls as services

TEMPLATE = "hotline/call_form.html"


def call_create(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """GET: the page, with the search results (`?q=`) or the chosen family (`?family=`);
    HTMX asks for just one of the two. POST: register the call."""
    hotline = selectors.get_hotline_for_calls(request.user, uuid)
    families = selectors.call_view_families(request.user, hotline)
    if request.method != "POST":
        form = forms.CallForm(families=families, topics=selectors.topics())
        return _page(request, hotline, form, family_uuid=request.GET.get("family", ""))
    form = forms.CallForm(request.POST, families=families, topics=selectors.topics())
    if form.is_valid():
        try:
            call = services.register_call(
                actor=request.user,
                hotline=hotline,
                received_at=form.received(),
                family=form.cleaned_data["family"],
                values=form.values(),
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The call was registered."))
            return redirect("hotline:call_detail", call.uuid)
    return _page(request, hotline, form, family_uuid=_chosen(form))


def call_complete(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Complete a stub or link a call to a family (with the version it started from)."""
    call = selectors.get_call_to_complete(request.user, uuid)
    hotline = call.hotline
    families = selectors.call_view_families(request.user, hotline)
    if request.method != "POST":
        form = forms.CompleteCallForm(call=call, families=families, topics=selectors.topics())
        family_uuid = str(call.family.uuid) if call.family else request.GET.get("family", "")
        return _page(request, hotline, form, family_uuid=family_uuid, call=call)
    form = forms.CompleteCallForm(
        request.POST, call=call, families=families, topics=selectors.topics()
    )
    if form.is_valid():
        try:
            services.complete_call(
                actor=request.user,
                call=call,
                values=form.values(),
                family=form.cleaned_data["family"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _completed_message(call))
            return redirect("hotline:call_open_list", hotline.uuid)
    call.refresh_from_db()
    family_uuid = str(call.family.uuid) if call.family else _chosen(form)
    return _page(request, hotline, form, family_uuid=family_uuid, call=call)


def _chosen(form: forms.CallForm) -> str:
    family = form.cleaned_data.get("family") if hasattr(form, "cleaned_data") else None
    return str(family.uuid) if isinstance(family, FosterFamily) else ""


def _completed_message(call: Call) -> str:
    follow_up = selectors.follow_up_of(call)
    if follow_up is None:
        return _("The call was saved.")
    return _("The call was saved. %(name)s follows up by %(weekday)s %(date)s.") % {
        "name": follow_up.assignee.get_full_name() or follow_up.assignee.get_username(),
        "weekday": formats.date_format(follow_up.due_date, "l"),
        "date": formats.date_format(follow_up.due_date, "DATE_FORMAT"),
    }


def _page(
    request: AuthenticatedHttpRequest,
    hotline: Hotline,
    form: forms.CallForm,
    *,
    family_uuid: str,
    call: Call | None = None,
) -> HttpResponse:
    """The call page, or the part of it HTMX asked for: the search results (audited as a
    search) or the chosen family's call view (audited as a read)."""
    target = request.htmx.target if request.htmx else None
    context: dict[str, Any] = {
        "hotline": hotline,
        "form": form,
        "call": call,
        "family_locked": call is not None and call.family_id is not None,
    }
    if target != "call-family":
        search = forms.FamilySearchForm(request.GET if "q" in request.GET else None)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        context.update(
            search=search,
            query=query,
            hits=selectors.search_families(request.user, hotline, query) if query else [],
        )
        if target == "family-results":
            return render(request, f"{TEMPLATE}#results", context)
    context["view"] = (
        selectors.get_call_view(request.user, hotline, family_uuid) if family_uuid else None
    )
    if target == "call-family":
        return render(request, f"{TEMPLATE}#family", context)
    return render(request, TEMPLATE, context)


def call_open_list(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The hotline's calls to complete: stubs and calls without a family."""
    hotline = selectors.get_hotline_for_calls(request.user, uuid)
    return render(
        request,
        "hotline/call_open_list.html",
        {"hotline": hotline, "calls": selectors.open_call_list(request.user, hotline)},
    )


def call_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The registered call and its follow-up (due date and assignee): the confirmation."""
    call = selectors.get_call_for(request.user, uuid)
    return render(
        request,
        "hotline/call_detail.html",
        {
            "call": call,
            "follow_up": selectors.follow_up_of(call),
            "actions": selectors.action_labels(call.actions),
            "can_register": selectors.can_register_calls(request.user, call.hotline),
        },
    )


urlpatterns: list[URLPattern] = [
    path("hotline/<uuid:uuid>/calls/new/", call_create, name="call_create"),
    path("hotline/<uuid:uuid>/calls/open/", call_open_list, name="call_open_list"),
    path("hotline/calls/<uuid:uuid>/", call_detail, name="call_detail"),
    path("hotline/calls/<uuid:uuid>/complete/", call_complete, name="call_complete"),
]
