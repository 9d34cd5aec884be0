"""Answer links: a personal link to answer one measurement without an account, its use by the
respondent, revoking it, and the reminder.

The token is `secrets.token_urlsafe(32)` (256 bits); only its SHA-256 is stored, so the link can
be shown once (to the consultant, or in the e-mail) and never again. A link expires after the
plan's `link_valid_days` (21 without a plan) and works until the answers are submitted, once.
Creating a link marks the measurement "link sent". Who gets one: a foster parent (by default
the e-mail of a foster parent of the family), a teacher (name and e-mail typed by the
consultant) or the child (no e-mail: the consultant or the foster parent hands the link over).

The e-mail names no child, no family and no municipality: it says a questionnaire is waiting,
links to it, and says until when.

**Reminder.** Since only the hash is stored, the first link cannot be sent again. When a link
with an e-mail address is still unanswered `reminder_days` after it was created (the plan's; 7
without a plan), `send_link_reminders` creates a fresh link (a full validity period from now),
revokes the old one, and e-mails the new one, once per measurement (`Measurement.reminded_at`).
Answers saved so far belong to the measurement, not the link, so the new link continues them;
the old link's page says a newer link was sent. A respondent who saved answers in the last hour
is not reminded yet (the next run does it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.measures import rules
from samspil.measures.enums import MeasurementStatus, Respondent, ResponseStatus
from samspil.measures.models import (
    AnswerLink,
    InstrumentVersion,
    Measurement,
    MeasurementPlan,
    Response,
    localised,
)
from samspil.measures.services import responses

TOKEN_BYTES = 32
DEFAULT_VALID_DAYS = 21
DEFAULT_REMINDER_DAYS = 7
ANSWERING_NOW = dt.timedelta(hours=1)
LINK_ACTOR = responses.LINK_ACTOR
SYSTEM_ACTOR = "samspil"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return settings.SAMSPIL_BASE_URL.rstrip("/") + reverse("measures:answer", args=[token])


def _plan_values(municipality_id: int) -> tuple[int, int]:
    """(link_valid_days, reminder_days) of the municipality's plan, or the defaults."""
    values = (
        MeasurementPlan.objects.filter(municipality_id=municipality_id)
        .values_list("link_valid_days", "reminder_days")
        .first()
    )
    return values or (DEFAULT_VALID_DAYS, DEFAULT_REMINDER_DAYS)


def _instrument_name(instrument_id: int) -> str:
    name = (
        InstrumentVersion.objects.filter(instrument_id=instrument_id, is_current=True)
        .values_list("definition__name", flat=True)
        .first()
    )
    return localised(name)


def _new_link(
    *,
    measurement: Measurement,
    recipient_name: str,
    recipient_email: str,
    created_by: User,
    now: dt.datetime,
) -> tuple[AnswerLink, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    valid_days, _reminder = _plan_values(measurement.municipality_id)
    link = AnswerLink.objects.create(
        measurement=measurement,
        token_hash=hash_token(token),
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        expires_at=now + dt.timedelta(days=valid_days),
        created_by=created_by,
    )
    return link, token


def _forget_answers_of_another_recipient(
    measurement: Measurement, recipient_name: str, recipient_email: str
) -> None:
    """Saved partial answers belong to whoever gave them: a link for someone else (another
    teacher, the other foster parent) starts from an empty questionnaire. A new link for the
    same person (same name and e-mail address as the latest link) keeps them."""
    latest = measurement.links.order_by("-created_at", "-pk").first()
    if latest is None:
        return
    same = (latest.recipient_name.casefold(), latest.recipient_email.casefold()) == (
        recipient_name.casefold(),
        recipient_email.casefold(),
    )
    if not same:
        Response.objects.filter(measurement=measurement, status=ResponseStatus.IN_PROGRESS).update(
            answers={}
        )


@transaction.atomic
def create_link(
    *,
    actor: UserLike,
    measurement: Measurement,
    recipient_name: str,
    recipient_email: str = "",
    send: bool = True,
) -> tuple[AnswerLink, str]:
    """A new answer link for `measurement` and its token (shown once: put it in the e-mail or
    in front of the consultant; only its hash is kept). With `send` and an e-mail address the
    link is e-mailed after the commit.

    Raises PermissionDeniedError unless `actor` is a consultant or leader of the family's
    municipality; ValidationError for a measurement that is answered or cancelled, a missing
    name, a bad e-mail address, or `send` without an e-mail address for a foster parent or a
    teacher. Side effects: the measurement becomes "link sent"; "measures.link.create"
    (ids only: never the recipient's name or address).
    """
    if not isinstance(actor, User) or not rules.can_manage_measurement(actor, measurement):
        raise PermissionDeniedError
    if measurement.status in (MeasurementStatus.ANSWERED, MeasurementStatus.CANCELLED):
        raise ValidationError(_("This measurement is answered or cancelled: it needs no link."))
    errors: dict[str, str] = {}
    recipient_name = recipient_name.strip()
    recipient_email = recipient_email.strip()
    if not recipient_name:
        errors["recipient_name"] = _("Give the name of the person who answers.")
    elif len(recipient_name) > 200:
        errors["recipient_name"] = _("The name is too long.")
    if recipient_email:
        try:
            validate_email(recipient_email)
        except ValidationError:
            errors["recipient_email"] = _("Enter a valid e-mail address.")
    elif send and measurement.respondent != Respondent.CHILD:
        errors["recipient_email"] = _(
            "Give the e-mail address the link is sent to, or hand the link over yourself."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _forget_answers_of_another_recipient(measurement, recipient_name, recipient_email)
    link, token = _new_link(
        measurement=measurement,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        created_by=actor,
        now=now,
    )
    emailed = bool(send and recipient_email)
    if measurement.status == MeasurementStatus.DUE:
        Measurement.objects.filter(pk=measurement.pk).update(status=MeasurementStatus.SENT)
        measurement.status = MeasurementStatus.SENT
    log_action(
        "measures.link.create",
        actor=actor,
        obj=measurement,
        municipality_id=measurement.municipality_id,
        data={
            "measurement": str(measurement.uuid),
            "link": link.pk,
            "respondent": measurement.respondent,
            "emailed": emailed,
            "expires_at": link.expires_at,
        },
    )
    if emailed:
        _email_on_commit(link, token, reminder=False)
    return link, token


def _email_on_commit(link: AnswerLink, token: str, *, reminder: bool) -> None:
    url = answer_url(token)
    address = link.recipient_email
    instrument_id = link.measurement.instrument_id
    expires = timezone.localtime(link.expires_at).date()

    def send() -> None:
        # No child, family or municipality in the e-mail: the questionnaire's name, the link,
        # until when it works.
        with translation.override(settings.LANGUAGE_CODE):
            values = {
                "name": _instrument_name(instrument_id),
                "url": url,
                "date": formats.date_format(expires, "DATE_FORMAT"),
            }
            if reminder:
                subject = _("Reminder: a questionnaire is waiting for your answers")
                body = (
                    _(
                        "This is a reminder: you have been asked to answer a short questionnaire "
                        "(%(name)s) for the foster-care consultant.\n\n"
                        "Here is a new link; the one in the earlier e-mail no longer works. The "
                        "answers you have saved are kept.\n\n%(url)s\n\n"
                        "The link is personal: please do not pass it on. It works until %(date)s "
                        "and until you submit your answers.\n\n"
                        "If you have questions, contact the foster-care consultant who asked you.\n"
                    )
                    % values
                )
            else:
                subject = _("A questionnaire is waiting for your answers")
                body = (
                    _(
                        "You have been asked to answer a short questionnaire (%(name)s) for the "
                        "foster-care consultant. It takes a few minutes and works on a phone.\n\n"
                        "%(url)s\n\n"
                        "The link is personal: please do not pass it on. It works until %(date)s "
                        "and until you submit your answers. Your answers are saved as you go, so "
                        "you can stop and continue later with the same link.\n\n"
                        "If you have questions, contact the foster-care consultant who asked you.\n"
                    )
                    % values
                )
        send_mail(subject, body, None, [address])

    transaction.on_commit(send)


@transaction.atomic
def revoke_link(*, actor: UserLike, link: AnswerLink) -> AnswerLink:
    """Stop a link from working. The measurement is "due" again when it has no other open
    link.

    Raises PermissionDeniedError unless `actor` manages the family's measurements;
    ValidationError for a link that was used or revoked already. Side effect:
    "measures.link.revoke".
    """
    measurement = link.measurement
    if not rules.can_manage_measurement(actor, measurement):
        raise PermissionDeniedError
    now = timezone.now()
    if not AnswerLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now):
        raise ValidationError(_("This link was used or revoked already."))
    link.revoked_at = now
    others_open = AnswerLink.objects.filter(
        measurement=measurement, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).exists()
    if not others_open and measurement.status == MeasurementStatus.SENT:
        Measurement.objects.filter(pk=measurement.pk).update(status=MeasurementStatus.DUE)
        measurement.status = MeasurementStatus.DUE
    log_action(
        "measures.link.revoke",
        actor=actor,
        obj=measurement,
        municipality_id=measurement.municipality_id,
        data={"measurement": str(measurement.uuid), "link": link.pk},
    )
    return link


# -- the respondent's side ----------------------------------------------------------------------


def link_for_token(token: str) -> AnswerLink | None:
    """The link with this token, with its measurement, instrument and child; None when unknown."""
    if not token or len(token) > 200:
        return None
    return (
        AnswerLink.objects.select_related(
            "measurement__instrument", "measurement__child", "measurement__municipality"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_state(link: AnswerLink, now: dt.datetime | None = None) -> str:
    """ "open", or why the link no longer works: "used" (answers submitted, by this link or
    another), "cancelled" (the measurement), "replaced" (revoked by the reminder, which sent a
    newer link), "revoked" or "expired"."""
    now = now or timezone.now()
    measurement = link.measurement
    if link.used_at is not None or measurement.status == MeasurementStatus.ANSWERED:
        return "used"
    if measurement.status == MeasurementStatus.CANCELLED:
        return "cancelled"
    if link.revoked_at is not None:
        newer = AnswerLink.objects.filter(
            measurement=measurement, created_at__gt=link.created_at, revoked_at__isnull=True
        ).exists()
        return "replaced" if newer and measurement.reminded_at is not None else "revoked"
    if link.expires_at <= now:
        return "expired"
    return "open"


def _gone() -> ValidationError:
    return ValidationError(_("This link no longer works."), code="gone")


@transaction.atomic
def open_link(*, link: AnswerLink, audit: bool = True) -> Response:
    """The respondent opens an open link: the response to continue (created the first time).
    Side effect: "measures.link.open" (ids only), by "answer link", unless `audit` is False
    (the respondent is saving on the page they opened)."""
    if link_state(link) != "open":
        raise _gone()
    response = responses.start_response(measurement=link.measurement)
    if not audit:
        return response
    log_action(
        "measures.link.open",
        actor=None,
        actor_label=LINK_ACTOR,
        obj=link.measurement,
        municipality_id=link.measurement.municipality_id,
        data={"measurement": str(link.measurement.uuid), "link": link.pk},
    )
    return response


@transaction.atomic
def save_by_link(*, link: AnswerLink, answers: Mapping[str, Any]) -> Response:
    """Keep partial answers given through an open link (see `responses.save_answers`)."""
    if link_state(link) != "open":
        raise _gone()
    response = responses.start_response(measurement=link.measurement)
    return responses.save_answers(response=response, answers=answers)


@transaction.atomic
def submit_by_link(*, link: AnswerLink, answers: Mapping[str, Any]) -> Response:
    """Submit the answers through an open link (scored and stored, `responses.submit_response`,
    audited there); the link is spent. Raises ValidationError (code "gone") when the link no
    longer works, and the submit's own ValidationErrors."""
    link = AnswerLink.objects.select_for_update().select_related("measurement").get(pk=link.pk)
    if link_state(link) != "open":
        raise _gone()
    response = responses.start_response(measurement=link.measurement)
    if response.status == ResponseStatus.COMPLETE:
        raise _gone()
    response = responses.submit_response(response=response, answers=answers)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    return response


# -- the reminder -------------------------------------------------------------------------------


def send_link_reminders(now: dt.datetime | None = None) -> int:
    """Remind each recipient of an e-mailed link still unanswered after the plan's
    `reminder_days`, once per measurement, with a fresh link (see the module's docstring).
    Idempotent; returns how many reminders were sent. Side effect: "measures.link.remind"."""
    now = now or timezone.now()
    reminder_days = dict(MeasurementPlan.objects.values_list("municipality_id", "reminder_days"))
    candidates = (
        AnswerLink.objects.filter(
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            measurement__status=MeasurementStatus.SENT,
            measurement__reminded_at__isnull=True,
            created_at__lte=now - dt.timedelta(days=1),
        )
        .exclude(recipient_email="")
        .select_related("measurement", "created_by")
        .order_by("created_at", "pk")
    )
    sent = 0
    for link in candidates:
        measurement = link.measurement
        days = reminder_days.get(measurement.municipality_id, DEFAULT_REMINDER_DAYS)
        if link.created_at > now - dt.timedelta(days=days):
            continue
        if Response.objects.filter(
            measurement=measurement, updated_at__gt=now - ANSWERING_NOW
        ).exists():
            continue
        with transaction.atomic():
            if not Measurement.objects.filter(pk=measurement.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            measurement.reminded_at = now
            fresh, token = _new_link(
                measurement=measurement,
                recipient_name=link.recipient_name,
                recipient_email=link.recipient_email,
                created_by=link.created_by,
                now=now,
            )
            AnswerLink.objects.filter(pk=link.pk).update(revoked_at=now)
            log_action(
                "measures.link.remind",
                actor=None,
                actor_label=SYSTEM_ACTOR,
                obj=measurement,
                municipality_id=measurement.municipality_id,
                data={
                    "measurement": str(measurement.uuid),
                    "link": fresh.pk,
                    "replaces": link.pk,
                },
            )
            _email_on_commit(fresh, token, reminder=True)
        sent += 1
    return sent
