"""Reads of hotlines and their set-up under the policy in `hotline/rules.py`: the hotlines a
user sees, one hotline, who is on duty now, upcoming gaps, and the choices of the set-up forms
(owners, rota members, institutions, closure days). Hotlines are not personal data: reads are
not audited (as list pages)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.hotline import cutting, rules
from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import (
    ClosureDay,
    Hotline,
    RotaMember,
    Shift,
    StaffingRule,
    Unavailability,
)
from samspil.organisations.models import Collaboration, Institution, Municipality

UPCOMING_GAP_DAYS = 28
UNAVAILABILITY_KEPT_DAYS = 30


# -- the hotline's settings as plain values ------------------------------------------------------


def parse_time(value: str) -> dt.time:
    hours, minutes = value.strip().split(":")
    return dt.time(int(hours), int(minutes))


def boundaries_of(hotline: Hotline) -> list[dt.time]:
    return sorted({parse_time(part) for part in hotline.shift_boundaries.split(",") if part})


def opening_of(hotline: Hotline) -> list[cutting.Window] | None:
    """The opening hours as windows, or None when the hotline is open 24/7."""
    if hotline.always_open:
        return None
    return [
        cutting.Window(
            frozenset(int(d) for d in entry["weekdays"]),
            parse_time(entry["starts"]),
            parse_time(entry["ends"]),
        )
        for entry in hotline.opening_hours
    ]


def staffing_of(rules_: Iterable[StaffingRule]) -> list[cutting.Staffing]:
    return [
        cutting.Staffing(
            cutting.Window(frozenset(int(d) for d in rule.weekdays), rule.starts, rule.ends),
            rule.staffed_by,
            rule.institution_id,
        )
        for rule in rules_
    ]


def is_open(hotline: Hotline, at: dt.datetime) -> bool:
    windows = opening_of(hotline)
    if windows is None:
        return True
    day = timezone.localtime(at).date()
    days = [day - dt.timedelta(days=1), day]
    return any(start <= at < end for w in windows for start, end in w.instances(days))


# -- the hotlines a user sees ---------------------------------------------------------------------


def hotlines_for(user: UserLike) -> QuerySet[Hotline]:
    """Every hotline `user` sees (inactive ones too: their managers may start them again)."""
    return (
        Hotline.objects.filter(rules.hotline_filter(user))
        .select_related("municipality", "collaboration", "team_leader")
        .order_by("-active", "name", "id")
    )


def get_hotline_for(user: UserLike, hotline_uuid: uuid.UUID | str) -> Hotline:
    hotline = hotlines_for(user).filter(uuid=hotline_uuid).first()
    if hotline is None:
        raise Http404
    return hotline


# -- who is on duty ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnDuty:
    hotline: Hotline
    at: dt.datetime
    is_open: bool
    shift: Shift | None

    @property
    def staffed_by(self) -> str | None:
        return self.shift.staffed_by if self.shift else None

    @property
    def person(self) -> User | None:
        return self.shift.person if self.shift else None

    @property
    def institution(self) -> Institution | None:
        return self.shift.institution if self.shift else None

    @property
    def gap(self) -> bool:
        """Open, and nobody answers: no shift, or a rota shift without a person."""
        if not self.is_open:
            return False
        if self.shift is None:
            return True
        return self.shift.staffed_by == StaffedBy.CONSULTANTS and self.shift.person_id is None

    @property
    def staffed_by_label(self) -> str:
        return self.shift.get_staffed_by_display() if self.shift else ""


def on_duty(hotlines: Sequence[Hotline], at: dt.datetime | None = None) -> dict[int, OnDuty]:
    """Who answers each hotline at `at` (now), by hotline id. One query for all of them."""
    at = at or timezone.now()
    current = {
        shift.hotline_id: shift
        for shift in Shift.objects.filter(
            hotline__in=[h.pk for h in hotlines], starts_at__lte=at, ends_at__gt=at
        ).select_related("person", "institution")
    }
    return {h.pk: OnDuty(h, at, is_open(h, at), current.get(h.pk)) for h in hotlines}


def upcoming_gaps(
    hotline: Hotline, *, now: dt.datetime | None = None, days: int = UPCOMING_GAP_DAYS
) -> list[Shift]:
    """Rota shifts without a person that have not ended, in the next `days` days."""
    now = now or timezone.now()
    return list(
        Shift.objects.filter(
            hotline=hotline,
            staffed_by=StaffedBy.CONSULTANTS,
            person__isnull=True,
            ends_at__gt=now,
            starts_at__lt=now + dt.timedelta(days=days),
        ).order_by("starts_at")
    )


def rota_until(hotline: Hotline) -> dt.datetime | None:
    """The end of the last shift: the hours are planned until then."""
    last = Shift.objects.filter(hotline=hotline).order_by("-ends_at").first()
    return last.ends_at if last else None


# -- the set-up ---------------------------------------------------------------------------------


def staffing_rules(hotline: Hotline) -> list[StaffingRule]:
    return list(hotline.staffing_rules.select_related("institution").order_by("starts", "id"))


def rota_members(hotline: Hotline) -> list[RotaMember]:
    return list(
        hotline.rota_members.select_related("user").order_by(
            "-active", "user__first_name", "user__last_name", "user__username"
        )
    )


def member_users(hotline: Hotline, *, active_only: bool = True) -> QuerySet[User]:
    """The people on the rota (active ones: those who may be given a shift)."""
    q = Q(hotline_rotas__hotline=hotline, is_active=True)
    if active_only:
        q &= Q(hotline_rotas__active=True)
    return User.objects.filter(q).distinct().order_by("first_name", "last_name", "username")


def unavailabilities(hotline: Hotline, *, now: dt.datetime | None = None) -> list[Unavailability]:
    """The rota members' unavailability that has not ended more than a month ago."""
    since = (now or timezone.now()) - dt.timedelta(days=UNAVAILABILITY_KEPT_DAYS)
    return list(
        Unavailability.objects.filter(
            user__in=hotline.rota_members.values("user"), ends_at__gte=since
        )
        .select_related("user")
        .order_by("starts_at", "id")
    )


def closure_days(hotline: Hotline) -> list[ClosureDay]:
    return list(
        ClosureDay.objects.filter(municipality_id__in=rules.hotline_municipalities(hotline))
        .select_related("municipality")
        .order_by("date", "municipality__name")
    )


def member_candidates(hotline: Hotline) -> QuerySet[User]:
    """Who may be put on the rota: active staff of the hotline's municipalities (consultants and
    leaders) and of institutions in a collaboration with one of them (specialists and
    coordinators)."""
    municipalities = rules.hotline_municipalities(hotline)
    institutions = Institution.objects.filter(
        collaborations__municipalities__in=municipalities
    ).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role__in=rules.MUNICIPAL,
                memberships__municipality_id__in=municipalities,
            )
            | Q(
                memberships__role__in=rules.INSTITUTION,
                memberships__institution_id__in=institutions,
            )
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def institution_candidates(hotline: Hotline) -> QuerySet[Institution]:
    """Institutions that may staff the hotline: in a collaboration with one of its
    municipalities, or owned by one of them."""
    municipalities = rules.hotline_municipalities(hotline)
    return (
        Institution.objects.filter(
            Q(collaborations__municipalities__in=municipalities)
            | Q(owner_municipality_id__in=municipalities)
        )
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class Owners:
    municipalities: QuerySet[Municipality]
    collaborations: QuerySet[Collaboration]
    team_leaders: QuerySet[User]


def owners_for(user: UserLike) -> Owners:
    """What a leader may set a hotline up for: their municipalities, the collaborations those
    are in, and their municipalities' consultants and leaders as team leader."""
    led = scope_for(user).municipalities(Role.LEADER)
    return Owners(
        municipalities=Municipality.objects.filter(pk__in=led).order_by("name"),
        collaborations=Collaboration.objects.filter(municipalities__in=led)
        .distinct()
        .order_by("name"),
        team_leaders=User.objects.filter(
            is_active=True,
            memberships__role__in=rules.MUNICIPAL,
            memberships__municipality_id__in=led,
        )
        .distinct()
        .order_by("first_name", "last_name", "username"),
    )


def managed_municipalities(user: UserLike, hotline: Hotline) -> QuerySet[Municipality]:
    """The hotline's municipalities `user` leads (whose closure days they may record)."""
    led = scope_for(user).municipalities(Role.LEADER) & rules.hotline_municipalities(hotline)
    return Municipality.objects.filter(pk__in=led).order_by("name")


def weekday_names(digits: str) -> str:
    """ "01234" → "Mon, Tue, Wed, Thu, Fri" (localised)."""
    from django.utils.dates import WEEKDAYS_ABBR

    return ", ".join(str(WEEKDAYS_ABBR[int(d)]) for d in digits)


def opening_lines(hotline: Hotline) -> list[str]:
    """The opening hours as text, one line per window (empty when 24/7)."""
    if hotline.always_open:
        return []
    return [
        f"{weekday_names(entry.get('weekdays', ''))} {entry.get('starts', '')}–{entry.get('ends', '')}"
        for entry in hotline.opening_hours
    ]
