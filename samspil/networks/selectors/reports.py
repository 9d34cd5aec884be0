"""Reports on network groups: the cadence check. A group that has not met within its cadence
plus the municipality's tolerance shows as a gap for the municipality's consultants and
project lead (leader) and for its facilitator (`rules.gap_report_filter`)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.networks import rules
from samspil.networks.models import NetworkGroup
from samspil.networks.selectors.groups import Cadence, annotate_cadence, cadence_of


@dataclass(frozen=True)
class CadenceGap:
    group: NetworkGroup
    cadence: Cadence
    next_meeting_at: dt.datetime | None
    next_meeting_uuid: uuid.UUID | None

    @property
    def last_met(self) -> dt.date | None:
        return self.cadence.last_met

    @property
    def days_overdue(self) -> int:
        return self.cadence.days_overdue


def can_see_gap_report(user: UserLike) -> bool:
    """The gaps page is for the municipality's consultants and leaders."""
    return bool(scope_for(user).municipalities(*rules.MUNICIPAL))


# What the gaps table and the API show of a group (the other fields stay deferred).
SHOWN = (
    "uuid",
    "name",
    "started_on",
    "ended_on",
    "cadence_days",
    "municipality__name",
    "municipality__code",
    "facilitator__first_name",
    "facilitator__last_name",
    "facilitator__username",
)


def cadence_gaps(user: UserLike, today: dt.date | None = None) -> list[CadenceGap]:
    """Active groups visible under `rules.gap_report_filter` whose last held meeting (or start,
    if none was held yet) is older than `cadence_days` + the municipality's
    `cadence_tolerance_days` on `today`, most overdue first, with the days overdue (past the
    cadence) and the next planned meeting if any. One query, reading only what the report
    shows (a municipality has a hundred active groups; few are behind)."""
    today = today or timezone.localdate()
    end_of_today = dt.datetime.combine(
        today + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    now = min(timezone.now(), end_of_today)
    groups = (
        annotate_cadence(
            NetworkGroup.objects.filter(rules.gap_report_filter(user), ended_on__isnull=True),
            now,
        )
        .select_related("municipality", "facilitator")
        .only(*SHOWN)
    )
    gaps = []
    for group in groups:
        cadence = cadence_of(group, today)
        if cadence.is_gap:
            gaps.append(
                CadenceGap(
                    group=group,
                    cadence=cadence,
                    next_meeting_at=getattr(group, "next_meeting_at", None),
                    next_meeting_uuid=getattr(group, "next_meeting_uuid", None),
                )
            )
    return sorted(gaps, key=lambda gap: (-gap.days_overdue, gap.group.name, gap.group.pk))
