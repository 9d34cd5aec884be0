from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from samspil.audit import rules
from samspil.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilters:
    person: str = ""
    record: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_entries_for(user: object, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    if not rules.can_read_audit_log(user):  # type: ignore[arg-type]
        raise Http404
    filters = filters or AuditFilters()
    qs = AuditEntry.objects.filter(rules.audit_filter(user))  # type: ignore[arg-type]
    if filters.person:
        qs = qs.filter(actor_label__icontains=filters.person)
    if filters.record:
        term = filters.record.strip()
        record_q = Q(object_label__icontains=term)
        try:
            import uuid

            record_q |= Q(object_uuid=uuid.UUID(term))
        except ValueError:
            pass
        qs = qs.filter(record_q)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.since:
        qs = qs.filter(created_at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__date__lte=filters.until)
    return qs.order_by("-created_at", "-id")
