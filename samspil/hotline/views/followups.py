"""Views of hotline follow-ups: the list, and one follow-up with the call, the family's basic
details and the form to complete it. Thin: form → service or selector → template; the service
checks permissions again and writes the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.forms import add_service_error
from samspil.core.types import AuthenticatedHttpRequest
from samspil.hotline.enums import FollowUpStatus
from samspil.hotline.forms import followups as forms
from samspil.hotline.models import FollowUp
from samspil.hotline.selectors import followups as selectors
from samspil.hotline.services import calls as services


def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The follow-ups the user may see: open ones by default, due date first."""
    form = forms.FollowUpFilterForm(request.GET or None)
    filters = selectors.FollowUpFilters()
    if form.is_valid():
        status = form.cleaned_data["status"] or "open"
        filters = selectors.FollowUpFilters(
            status="" if status == "all" else status, mine=form.cleaned_data["mine"]
        )
    current = selectors.follow_up_page(request.user, filters, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "hotline/follow_up_list.html",
        {
            "form": form,
            "page": current,
            "rows": selectors.rows(list(current.object_list)),
            "query": params.urlencode(),
        },
    )


def follow_up_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The follow-up with its call; POST completes it (what was done)."""
    if request.method != "POST":
        follow_up = selectors.get_follow_up_for(request.user, uuid)
        form = forms.CompleteFollowUpForm(initial={"version": follow_up.version})
        return _render(request, follow_up, form)
    follow_up = selectors.get_follow_up_for(request.user, uuid, audit=False)
    form = forms.CompleteFollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.complete_follow_up(
                actor=request.user,
                follow_up=follow_up,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except (ValidationError, ConcurrentEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The follow-up is done."))
            return redirect("hotline:follow_up_detail", follow_up.uuid)
    follow_up.refresh_from_db()
    if follow_up.status == FollowUpStatus.DONE:
        messages.info(request, _("Someone else completed this follow-up in the meantime."))
        return redirect("hotline:follow_up_detail", follow_up.uuid)
    # The page shows the call and the family again: a read.
    selectors.audit_follow_up_read(request.user, follow_up)
    return _render(request, follow_up, form)


def _render(
    request: AuthenticatedHttpRequest, follow_up: FollowUp, form: forms.CompleteFollowUpForm
) -> HttpResponse:
    detail = selectors.follow_up_detail(request.user, follow_up)
    context: dict[str, Any] = {"detail": detail, "follow_up": follow_up, "call": follow_up.call}
    if detail.can_complete:
        context["form"] = form
    return render(request, "hotline/follow_up_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("hotline/follow-ups/", follow_up_list, name="follow_up_list"),
    path("hotline/follow-ups/<uuid:uuid>/", follow_up_detail, name="follow_up_detail"),
]
