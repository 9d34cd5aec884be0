"""Writes of a hotline's set-up: the hotline itself (number, owner, hours, shift changes, rest,
maximum shifts, team leader), its staffing rules, its rota members, the members'
unavailability, and the closure days of its municipalities.

Each use case is keyword-only, atomic, permission-checked (`rules.can_manage_hotline`; creating
one: `rules.can_create_hotline`, for a municipality the actor leads or a collaboration it is in),
validated (raising `ValidationError` per field) and audited with
`log_action("hotline.<object>.<verb>", obj=<the hotline>, data={"version": …})`. The hotline is
versioned: editing it, its staffing rules and its rota members names the version the editor
started from (`save_versioned` / `claim_version`), so two managers editing at once get
`ConcurrentEditError`. Unavailability and closure days are added and removed, not edited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import claim_version, save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.hotline import cutting, rules
from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import (
    ClosureDay,
    Hotline,
    RotaMember,
    StaffingRule,
    Unavailability,
)
from samspil.hotline.selectors import hotlines as selectors
from samspil.hotline.services.rota import open_future_shifts
from samspil.organisations.models import Collaboration, Institution, Municipality

HOTLINE_FIELDS = [
    "name",
    "phone_number",
    "municipality",
    "collaboration",
    "always_open",
    "opening_hours",
    "shift_boundaries",
    "min_rest_hours",
    "max_shifts_per_period",
    "team_leader",
    "active",
]
_WEEKDAYS = re.compile(r"^[0-6]{1,7}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _require_manage(actor: User, hotline: Hotline) -> None:
    if not rules.can_manage_hotline(actor, hotline):
        raise PermissionDeniedError


def _log(
    verb: str,
    *,
    actor: User,
    hotline: Hotline,
    data: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    log_action(
        f"hotline.{verb}",
        actor=actor,
        obj=hotline,
        municipality_id=hotline.municipality_id,
        changes=changes,
        data={"version": hotline.version, **(data or {})},
    )


# -- the hotline ----------------------------------------------------------------------------------


def _owned_by_leader(actor: User, hotline: Hotline) -> bool:
    led = scope_for(actor).municipalities(Role.LEADER)
    if hotline.municipality_id is not None:
        return hotline.municipality_id in led
    if hotline.collaboration_id is not None:
        return Collaboration.objects.filter(
            pk=hotline.collaboration_id, municipalities__in=led
        ).exists()
    return False


def _check_opening(hotline: Hotline) -> dict[str, list[str]]:
    if hotline.always_open:
        return {}
    entries = hotline.opening_hours
    if not isinstance(entries, list) or not entries:
        return {"opening_hours": [_("Give the opening hours, or choose open 24/7.")]}
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and _WEEKDAYS.match(str(entry.get("weekdays", "")))
            and _TIME.match(str(entry.get("starts", "")))
            and _TIME.match(str(entry.get("ends", "")))
        ):
            return {
                "opening_hours": [
                    _("Each line needs weekdays (0 = Monday … 6 = Sunday) and a time span.")
                ]
            }
    return {}


def _clean(hotline: Hotline) -> None:
    errors: dict[str, list[str]] = {}
    if isinstance(hotline.name, str):
        hotline.name = hotline.name.strip()
    try:
        hotline.full_clean(validate_unique=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if hotline.municipality_id is None and hotline.collaboration_id is None:
        errors.setdefault("municipality", []).append(
            _("Choose the municipality or the collaboration the hotline belongs to.")
        )
    elif hotline.municipality_id is not None and hotline.collaboration_id is not None:
        errors.setdefault("municipality", []).append(
            _("A hotline belongs to a municipality or a collaboration, not both.")
        )
    errors.pop("__all__", None)
    for name, messages in _check_opening(hotline).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_hotline(*, actor: User, values: Mapping[str, Any]) -> Hotline:
    """A new hotline (`values`: HOTLINE_FIELDS) of a municipality the actor leads or a
    collaboration it is in. Audit "hotline.hotline.create"."""
    if not rules.can_create_hotline(actor):
        raise PermissionDeniedError
    hotline = Hotline(**{k: v for k, v in values.items() if k in HOTLINE_FIELDS})
    _clean(hotline)
    if not _owned_by_leader(actor, hotline):
        raise ValidationError(
            {"municipality": [_("Choose a municipality you lead or a collaboration it is in.")]}
        )
    hotline.save()
    _log(
        "hotline.create",
        actor=actor,
        hotline=hotline,
        changes=diff({}, snapshot(hotline, HOTLINE_FIELDS)),
    )
    return hotline


@transaction.atomic
def update_hotline(
    *, actor: User, hotline: Hotline, values: Mapping[str, Any], expected_version: int
) -> Hotline:
    """Change the hotline's set-up (`values`: HOTLINE_FIELDS). The shifts already cut stay as
    they are until the rota is generated again. Audit "hotline.hotline.update"."""
    _require_manage(actor, hotline)
    before = snapshot(hotline, HOTLINE_FIELDS)
    for name in HOTLINE_FIELDS:
        if name in values:
            setattr(hotline, name, values[name])
    _clean(hotline)
    if not _owned_by_leader(actor, hotline):
        raise ValidationError(
            {"municipality": [_("Choose a municipality you lead or a collaboration it is in.")]}
        )
    save_versioned(hotline, expected_version=expected_version, fields=HOTLINE_FIELDS)
    _log(
        "hotline.update",
        actor=actor,
        hotline=hotline,
        changes=diff(before, snapshot(hotline, HOTLINE_FIELDS)),
    )
    return hotline


# -- staffing rules -------------------------------------------------------------------------------


def _window(rule: StaffingRule) -> cutting.Window:
    return cutting.Window(frozenset(int(d) for d in rule.weekdays), rule.starts, rule.ends)


@transaction.atomic
def add_staffing_rule(
    *,
    actor: User,
    hotline: Hotline,
    weekdays: str,
    starts: dt.time,
    ends: dt.time,
    staffed_by: str,
    institution: Institution | None,
    expected_version: int,
) -> StaffingRule:
    """Who staffs the hotline on `weekdays` from `starts` until `ends` (the next day when not
    later). The institution is one in a collaboration with (or owned by) the hotline's
    municipalities; rules may not overlap. Takes effect when the rota is generated again.
    Audit "hotline.staffing_rule.create"."""
    _require_manage(actor, hotline)
    rule = StaffingRule(
        hotline=hotline,
        weekdays="".join(sorted(set(weekdays))),
        starts=starts,
        ends=ends,
        staffed_by=staffed_by,
        institution=institution if staffed_by == StaffedBy.INSTITUTION else None,
    )
    errors: dict[str, list[str]] = {}
    try:
        rule.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if staffed_by == StaffedBy.INSTITUTION:
        if institution is None:
            errors.setdefault("institution", []).append(_("Choose the institution."))
        elif not selectors.institution_candidates(hotline).filter(pk=institution.pk).exists():
            errors.setdefault("institution", []).append(
                _("Choose an institution in a collaboration with the hotline's municipality.")
            )
    if "weekdays" not in errors:
        clash = [
            r
            for r in hotline.staffing_rules.all()
            if cutting.windows_overlap(_window(r), _window(rule))
        ]
        if clash:
            errors.setdefault("starts", []).append(
                _("The time overlaps another staffing rule (%(rule)s).")
                % {"rule": f"{clash[0].starts:%H:%M}–{clash[0].ends:%H:%M}"}
            )
    if errors:
        raise ValidationError(errors)
    claim_version(hotline, expected_version=expected_version)
    rule.save()
    _log(
        "staffing_rule.create",
        actor=actor,
        hotline=hotline,
        data={
            "weekdays": rule.weekdays,
            "starts": f"{rule.starts:%H:%M}",
            "ends": f"{rule.ends:%H:%M}",
            "staffed_by": rule.staffed_by,
            "institution": rule.institution.name if rule.institution else None,
        },
    )
    return rule


@transaction.atomic
def remove_staffing_rule(*, actor: User, rule: StaffingRule, expected_version: int) -> None:
    hotline = rule.hotline
    _require_manage(actor, hotline)
    claim_version(hotline, expected_version=expected_version)
    data = {
        "weekdays": rule.weekdays,
        "starts": f"{rule.starts:%H:%M}",
        "ends": f"{rule.ends:%H:%M}",
    }
    rule.delete()
    _log("staffing_rule.delete", actor=actor, hotline=hotline, data=data)


# -- rota members ---------------------------------------------------------------------------------


def _check_max(max_shifts: int | None) -> None:
    if max_shifts is not None and max_shifts < 0:
        raise ValidationError({"max_shifts": [_("The maximum cannot be negative.")]})


@transaction.atomic
def add_rota_member(
    *,
    actor: User,
    hotline: Hotline,
    user: User,
    max_shifts: int | None,
    expected_version: int,
) -> RotaMember:
    """Put a staff member of the hotline's municipalities (or of an institution in a
    collaboration with one of them) on the rota; `max_shifts` None: the hotline's maximum.
    Audit "hotline.rota_member.add"."""
    _require_manage(actor, hotline)
    _check_max(max_shifts)
    if not selectors.member_candidates(hotline).filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "user": [
                    _(
                        "Choose staff of the hotline's municipality or of a collaborating institution."
                    )
                ]
            }
        )
    member = RotaMember.objects.filter(hotline=hotline, user=user).first()
    if member is not None and member.active:
        raise ValidationError({"user": [_("%(user)s is on the rota already.") % {"user": user}]})
    claim_version(hotline, expected_version=expected_version)
    if member is None:
        member = RotaMember.objects.create(hotline=hotline, user=user, max_shifts=max_shifts)
    else:
        member.active = True
        member.max_shifts = max_shifts
        member.save()
    _log(
        "rota_member.add",
        actor=actor,
        hotline=hotline,
        data={"user": user.username, "max_shifts": max_shifts},
    )
    return member


@transaction.atomic
def update_rota_member(
    *,
    actor: User,
    member: RotaMember,
    max_shifts: int | None,
    active: bool,
    expected_version: int,
) -> RotaMember:
    """Change a member's maximum shifts, or take them off the rota for now (`active` False,
    their shifts that have not begun become gaps). Audit "hotline.rota_member.update"."""
    hotline = member.hotline
    _require_manage(actor, hotline)
    _check_max(max_shifts)
    claim_version(hotline, expected_version=expected_version)
    before = {"max_shifts": member.max_shifts, "active": member.active}
    member.max_shifts = max_shifts
    member.active = active
    member.save()
    opened = 0 if active else open_future_shifts(hotline=hotline, person=member.user)
    _log(
        "rota_member.update",
        actor=actor,
        hotline=hotline,
        changes=diff(before, {"max_shifts": max_shifts, "active": active}),
        data={"user": member.user.username, "shifts_opened": opened},
    )
    return member


@transaction.atomic
def remove_rota_member(*, actor: User, member: RotaMember, expected_version: int) -> int:
    """Take a person off the rota; their shifts that have not begun become gaps (shown on the
    rota page before they happen). Returns how many. Audit "hotline.rota_member.remove"."""
    hotline = member.hotline
    _require_manage(actor, hotline)
    claim_version(hotline, expected_version=expected_version)
    opened = open_future_shifts(hotline=hotline, person=member.user)
    username = member.user.username
    member.delete()
    _log(
        "rota_member.remove",
        actor=actor,
        hotline=hotline,
        data={"user": username, "shifts_opened": opened},
    )
    return opened


# -- unavailability ------------------------------------------------------------------------------


@transaction.atomic
def add_unavailability(
    *,
    actor: User,
    hotline: Hotline,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> Unavailability:
    """A period a rota member cannot take shifts (on any hotline). Shifts they already have then
    show as at risk on the rota page. Audit "hotline.unavailability.create"."""
    _require_manage(actor, hotline)
    if not RotaMember.objects.filter(hotline=hotline, user=user).exists():
        raise ValidationError({"user": [_("Choose a member of this hotline's rota.")]})
    item = Unavailability(user=user, starts_at=starts_at, ends_at=ends_at, reason=reason.strip())
    errors: dict[str, list[str]] = {}
    try:
        item.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if ends_at <= starts_at:
        errors = {"ends_at": [_("The period must end after it starts.")]}
    if errors:
        raise ValidationError(errors)
    item.save()
    _log(
        "unavailability.create",
        actor=actor,
        hotline=hotline,
        data={"user": user.username, "from": starts_at, "until": ends_at},
    )
    return item


@transaction.atomic
def remove_unavailability(*, actor: User, hotline: Hotline, item: Unavailability) -> None:
    _require_manage(actor, hotline)
    if not RotaMember.objects.filter(hotline=hotline, user_id=item.user_id).exists():
        raise PermissionDeniedError
    data = {"user": item.user.username, "from": item.starts_at, "until": item.ends_at}
    item.delete()
    _log("unavailability.delete", actor=actor, hotline=hotline, data=data)


# -- closure days ---------------------------------------------------------------------------------


def _require_leads(actor: User, hotline: Hotline, municipality: Municipality) -> None:
    if not selectors.managed_municipalities(actor, hotline).filter(pk=municipality.pk).exists():
        raise PermissionDeniedError


@transaction.atomic
def add_closure_day(
    *,
    actor: User,
    hotline: Hotline,
    municipality: Municipality,
    day: dt.date,
    every_year: bool = False,
    reason: str = "",
) -> ClosureDay:
    """A day the municipality's foster-care office is closed (follow-ups of hotline calls move
    to the next working day). Audit "hotline.closure_day.create"."""
    _require_manage(actor, hotline)
    _require_leads(actor, hotline, municipality)
    if ClosureDay.objects.filter(municipality=municipality, date=day).exists():
        raise ValidationError({"date": [_("That day is a closure day already.")]})
    closure = ClosureDay(
        municipality=municipality, date=day, every_year=every_year, reason=reason.strip()
    )
    closure.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            closure.save()
    except IntegrityError:
        raise ValidationError({"date": [_("That day is a closure day already.")]}) from None
    log_action(
        "hotline.closure_day.create",
        actor=actor,
        obj=hotline,
        municipality_id=municipality.pk,
        data={"date": day, "every_year": every_year, "reason": closure.reason},
    )
    return closure


@transaction.atomic
def remove_closure_day(*, actor: User, hotline: Hotline, closure: ClosureDay) -> None:
    _require_manage(actor, hotline)
    _require_leads(actor, hotline, closure.municipality)
    data = {"date": closure.date, "every_year": closure.every_year}
    municipality_id = closure.municipality_id
    closure.delete()
    log_action(
        "hotline.closure_day.delete",
        actor=actor,
        obj=hotline,
        municipality_id=municipality_id,
        data=data,
    )
