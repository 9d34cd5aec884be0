"""Writes of hotline calls and their follow-up: registering a call (or a stub from a telephony
system), completing a stub and linking it to a family, the follow-up task for the family's fixed
consultant on the next working day, completing it, and the daily jobs (the morning e-mail and the
escalation to the team leader).

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("hotline.<object>.<verb>", …)`. E-mails go out after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import ConsultantAssignment, FosterFamily
from samspil.hotline import rules, workdays
from samspil.hotline.enums import CallAction, CallerRole, CallStatus, FollowUpStatus, Urgency
from samspil.hotline.models import Call, CallTopic, ClosureDay, FollowUp, Hotline

CALL_FIELDS = [
    "caller_phone",
    "caller_role",
    "caller_name",
    "topic",
    "urgency",
    "advice",
    "actions",
    "notes",
]
AUDITED_FIELDS = ["family", "status", *CALL_FIELDS]


# -- due dates and assignees -------------------------------------------------------------------


def closure_days(municipality_id: int, years: Iterable[int]) -> frozenset[dt.date]:
    """The municipality's own closure days in `years`, yearly ones repeated."""
    wanted = sorted(set(years))
    days: set[dt.date] = set()
    for closure in ClosureDay.objects.filter(municipality_id=municipality_id):
        if closure.every_year:
            for year in wanted:
                try:
                    days.add(closure.date.replace(year=year))
                except ValueError:  # 29 February in a year without it
                    continue
        elif closure.date.year in wanted:
            days.add(closure.date)
    return frozenset(days)


def follow_up_due_date(received_at: dt.datetime, municipality_id: int) -> dt.date:
    """The first working day after the call's Danish local date, for the family's
    municipality (weekends, public holidays and its closure days skipped)."""
    local = timezone.localtime(received_at).date()
    closures = closure_days(municipality_id, range(local.year, local.year + 2))
    return workdays.next_working_day(local, closures)


def team_leader(family: FosterFamily, hotline: Hotline | None) -> User | None:
    """Who gets follow-ups without a fixed consultant, and escalations: the hotline's team
    leader, else the first active leader of the family's municipality."""
    if hotline is not None and hotline.team_leader_id is not None:
        return hotline.team_leader
    membership = (
        Membership.objects.filter(
            role=Role.LEADER, municipality_id=family.municipality_id, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _current_consultant(family: FosterFamily) -> User | None:
    assignment = (
        ConsultantAssignment.objects.filter(family=family, ends_on__isnull=True)
        .select_related("consultant")
        .first()
    )
    if assignment is None or not assignment.consultant.is_active:
        return None
    return assignment.consultant


def _create_follow_up(*, actor: User | None, call: Call, family: FosterFamily) -> FollowUp:
    consultant = _current_consultant(family)
    leader = team_leader(family, call.hotline)
    assignee = consultant or leader
    if assignee is None:
        raise ValidationError(
            {"family": [_("The family has no fixed consultant and its municipality no leader.")]}
        )
    follow_up = FollowUp.objects.create(
        call=call,
        family=family,
        assignee=assignee,
        assigned_to_leader=consultant is None,
        due_date=follow_up_due_date(call.received_at, family.municipality_id),
    )
    log_action(
        "hotline.follow_up.create",
        actor=actor,
        obj=family,
        municipality_id=family.municipality_id,
        data={
            "call": str(call.uuid),
            "assignee": assignee.username,
            "due_date": follow_up.due_date,
            "to_leader": consultant is None,
        },
    )
    if consultant is None:
        # No fixed consultant: the team leader is told at once, not the next morning.
        _send_on_commit(follow_up, leader_now=True)
    return follow_up


# -- registering calls -------------------------------------------------------------------------


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in CALL_FIELDS:
        if name not in values or values[name] is None:
            continue
        cleaned[name] = values[name]
    if cleaned.get("caller_role") not in (None, "", *CallerRole.values):
        errors["caller_role"] = [_("Choose who called.")]
    if cleaned.get("urgency") not in (None, "", *Urgency.values):
        errors["urgency"] = [_("Choose an urgency.")]
    actions = cleaned.get("actions")
    if actions is not None:
        unknown = [a for a in actions if a not in CallAction.values]
        if unknown:
            errors["actions"] = [
                _("Unknown action: %(actions)s.") % {"actions": ", ".join(map(str, unknown))}
            ]
        cleaned["actions"] = [a for a in CallAction.values if a in set(actions)]
    topic = cleaned.get("topic")
    if topic is not None and not isinstance(topic, CallTopic):
        errors["topic"] = [_("Choose a topic from the list.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_received_at(received_at: dt.datetime) -> None:
    if timezone.is_naive(received_at):
        raise ValidationError({"received_at": [_("Give the time with its UTC offset.")]})
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": [_("The call cannot be received in the future.")]})


def _check_family(hotline: Hotline, family: FosterFamily) -> None:
    if family.municipality_id not in rules.hotline_municipalities(hotline):
        raise ValidationError({"family": [_("No family with this id.")]})


@transaction.atomic
def register_call(
    *,
    actor: User,
    hotline: Hotline,
    received_at: dt.datetime | None = None,
    family: FosterFamily | None = None,
    values: Mapping[str, Any] | None = None,
) -> Call:
    """Register a call as answered. With a family, the family's fixed consultant gets a
    follow-up due the next working day (the team leader at once when there is none)."""
    if not rules.can_register_calls(actor, hotline):
        raise PermissionDeniedError
    received_at = received_at or timezone.now()
    _check_received_at(received_at)
    if family is not None:
        _check_family(hotline, family)
    cleaned = _clean_values(values or {})
    call = Call.objects.create(
        hotline=hotline,
        family=family,
        status=CallStatus.REGISTERED,
        received_at=received_at,
        registered_by=actor,
        **cleaned,
    )
    log_action(
        "hotline.call.create",
        actor=actor,
        obj=family or call,
        municipality_id=family.municipality_id if family else hotline.municipality_id,
        data={
            "call": str(call.uuid),
            "hotline": hotline.name,
            "received_at": received_at,
            "urgency": call.urgency,
            "actions": call.actions,
        },
    )
    if family is not None:
        _create_follow_up(actor=actor, call=call, family=family)
    return call


@transaction.atomic
def create_call_stub(
    *, actor: User, hotline: Hotline, received_at: dt.datetime, caller_phone: str
) -> Call:
    """A telephony system reports a call: number and time; the person on duty completes it."""
    if not rules.can_register_calls(actor, hotline):
        raise PermissionDeniedError
    _check_received_at(received_at)
    call = Call.objects.create(
        hotline=hotline,
        status=CallStatus.STUB,
        received_at=received_at,
        caller_phone=caller_phone.strip(),
        registered_by=actor,
    )
    log_action(
        "hotline.call.stub",
        actor=actor,
        obj=call,
        municipality_id=hotline.municipality_id,
        data={"hotline": hotline.name, "received_at": received_at},
    )
    return call


@transaction.atomic
def complete_call(
    *,
    actor: User,
    call: Call,
    values: Mapping[str, Any],
    expected_version: int,
    family: FosterFamily | None = None,
) -> Call:
    """Complete a stub or correct a call, and link it to a family (creating the follow-up the
    first time a family is linked)."""
    if not rules.can_change_call(actor, call):
        raise PermissionDeniedError
    cleaned = _clean_values(values)
    if family is not None:
        _check_family(call.hotline, family)
        if call.family_id is not None and call.family_id != family.pk:
            raise ValidationError({"family": [_("The call is already linked to another family.")]})
    version = claim_version(call, expected_version=expected_version)
    before = snapshot(call, AUDITED_FIELDS)
    for name, value in cleaned.items():
        setattr(call, name, value)
    linked_now = family is not None and call.family_id is None
    if family is not None:
        call.family = family
    call.status = CallStatus.REGISTERED
    call.version = version
    call.save()
    # About the call (not the family), with what changed: a concurrent editor's conflict
    # table reads the entries about the record newer than their version.
    log_action(
        "hotline.call.update",
        actor=actor,
        obj=call,
        municipality_id=(
            call.family.municipality_id if call.family else call.hotline.municipality_id
        ),
        changes=diff(before, snapshot(call, AUDITED_FIELDS)),
        data={
            "call": str(call.uuid),
            "family": str(call.family.uuid) if call.family else None,
            "version": version,
            "linked": linked_now,
        },
    )
    if linked_now and family is not None and not FollowUp.objects.filter(call=call).exists():
        _create_follow_up(actor=actor, call=call, family=family)
    return call


# -- follow-ups --------------------------------------------------------------------------------


@transaction.atomic
def complete_follow_up(
    *, actor: User, follow_up: FollowUp, outcome: str, expected_version: int
) -> FollowUp:
    if not rules.can_complete_follow_up(actor, follow_up):
        raise PermissionDeniedError
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Write what was done.")]})
    if follow_up.status == FollowUpStatus.DONE:
        raise ValidationError({"outcome": [_("The follow-up is already done.")]})
    version = claim_version(follow_up, expected_version=expected_version)
    follow_up.status = FollowUpStatus.DONE
    follow_up.outcome = outcome.strip()
    follow_up.done_at = timezone.now()
    follow_up.done_by = actor
    follow_up.version = version
    follow_up.save()
    log_action(
        "hotline.follow_up.complete",
        actor=actor,
        obj=follow_up.family,
        municipality_id=follow_up.family.municipality_id,
        data={
            "call": str(follow_up.call.uuid),
            "version": version,
            "on_time": follow_up.done_at.date() <= follow_up.due_date,
        },
    )
    return follow_up


def is_overdue(follow_up: FollowUp, now: dt.datetime | None = None) -> bool:
    """Not done by the end of its (local) due day."""
    today = timezone.localtime(now or timezone.now()).date()
    return follow_up.status == FollowUpStatus.OPEN and follow_up.due_date < today


def send_due_notifications(now: dt.datetime | None = None) -> int:
    """The morning e-mail: every open follow-up due today whose assignee was not told yet.
    Idempotent (run it as often as you like)."""
    today = timezone.localtime(now or timezone.now()).date()
    due = FollowUp.objects.filter(
        status=FollowUpStatus.OPEN, due_date__lte=today, notified_at__isnull=True
    ).select_related("assignee", "family", "call")
    count = 0
    for follow_up in due:
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            )
            if claimed:
                _send_on_commit(follow_up)
                count += 1
    return count


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Follow-ups not done by the end of their due day go to the team leader, once each.
    Idempotent."""
    today = timezone.localtime(now or timezone.now()).date()
    overdue = FollowUp.objects.filter(
        status=FollowUpStatus.OPEN, due_date__lt=today, escalated_at__isnull=True
    ).select_related("family", "call__hotline", "assignee")
    count = 0
    for follow_up in overdue:
        leader = team_leader(follow_up.family, follow_up.call.hotline)
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now(), escalated_to=leader
            )
            if not claimed:
                continue
            follow_up.escalated_to = leader
            log_action(
                "hotline.follow_up.escalate",
                actor=None,
                obj=follow_up.family,
                municipality_id=follow_up.family.municipality_id,
                data={
                    "call": str(follow_up.call.uuid),
                    "due_date": follow_up.due_date,
                    "to": leader.username if leader else None,
                },
                actor_label="samspil",
            )
            if leader is not None:
                _send_on_commit(follow_up, escalation=True)
            count += 1
    return count


def _send_on_commit(
    follow_up: FollowUp, *, escalation: bool = False, leader_now: bool = False
) -> None:
    recipient = follow_up.escalated_to if escalation else follow_up.assignee
    if recipient is None or not recipient.email:
        return
    url = settings.SAMSPIL_BASE_URL.rstrip("/") + reverse(
        "hotline:follow_up_detail", args=[follow_up.uuid]
    )
    due = follow_up.due_date

    def send() -> None:
        # No names in the e-mail: it says there is a follow-up and links to it (login needed).
        with translation.override(settings.LANGUAGE_CODE):
            if escalation:
                subject = _("Hotline follow-up not done: due %(date)s") % {"date": due}
                body = _(
                    "A follow-up on a hotline call was not done on its due day (%(date)s) and "
                    "now rests with you as team leader.\n\n%(url)s\n"
                ) % {"date": due, "url": url}
            elif leader_now:
                subject = _("Hotline call for a family without a fixed consultant")
                body = _(
                    "A hotline call was registered for a family that has no fixed consultant. "
                    "Please follow up by %(date)s.\n\n%(url)s\n"
                ) % {"date": due, "url": url}
            else:
                subject = _("Hotline follow-up due today")
                body = _(
                    "A family you are the fixed consultant for called the hotline. Please follow "
                    "up today (%(date)s).\n\n%(url)s\n"
                ) % {"date": due, "url": url}
        send_mail(subject, body, None, [recipient.email])

    transaction.on_commit(send)


def assignees(follow_ups: Sequence[FollowUp]) -> list[str]:
    return sorted({f.assignee.username for f in follow_ups})
