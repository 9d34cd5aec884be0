from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from samspil.audit.forms import AuditFilterForm
from samspil.audit.selectors import AuditFilters, audit_entries_for
from samspil.core.types import AuthenticatedHttpRequest


def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = AuditFilters(**form.cleaned_data) if form.is_valid() else AuditFilters()
    page = Paginator(audit_entries_for(request.user, filters), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request, "audit/audit_list.html", {"form": form, "page": page, "query": params.urlencode()}
    )
