"""Enrolment of families in sessions: places, the waiting list, cancellations, promotion and
attendance. Each write is a use case: keyword-only, atomic, permission-checked, audited.

Capacity holds under concurrency because every write that counts places first locks the
session row (`SELECT … FOR UPDATE`), so enrolments and cancellations of one session run one
after the other; a partial unique constraint refuses a second active enrolment of a family.

A place (status enrolled) gives the offering's institution access to the family through an
engagement until the session's end plus the municipality's grace period; a waiting-list place
does not."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.competence import rules
from samspil.competence.enums import Attendance, EnrolmentStatus
from samspil.competence.models import CatalogueEntry, CompetenceSettings, Enrolment, Session
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import FosterFamily
from samspil.families.services import end_engagements, record_engagement


def engagement_source(enrolment: Enrolment) -> str:
    """The `Engagement.source` of the access an enrolment gives."""
    return f"competence.enrolment:{enrolment.uuid}"


def late_cancellation_hours(municipality_id: int) -> int:
    """The municipality's limit for a cancellation in good time (its settings are created with
    the defaults on first use)."""
    settings, _created = CompetenceSettings.objects.get_or_create(municipality_id=municipality_id)
    return settings.late_cancellation_hours


def _lock_session(session_id: int) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("offering__institution")
        .get(pk=session_id)
    )


def _give_access(enrolment: Enrolment, session: Session, actor: User | None) -> None:
    record_engagement(
        family=enrolment.family,
        institution=session.offering.institution,
        kind=EngagementKind.ENROLMENT,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(session.ends_at),
        actor=actor,
        source=engagement_source(enrolment),
    )


def _check_open(session: Session, family: FosterFamily) -> None:
    if session.cancelled:
        raise ValidationError({"session": _("The session is cancelled.")})
    if session.starts_at <= timezone.now():
        raise ValidationError({"session": _("The session has already started.")})
    offering = session.offering
    if not (
        offering.published
        and CatalogueEntry.objects.filter(
            offering=offering, municipality_id=family.municipality_id
        ).exists()
    ):
        raise ValidationError(
            {"session": _("The offering is not in the catalogue of the family's municipality.")}
        )


@transaction.atomic
def enrol_family(*, actor: User, session: Session, family: FosterFamily) -> Enrolment:
    """Enrol `family` in `session`: a place if one is free (which records an engagement, so
    the institution's staff may see the family), otherwise the waiting list. Refuses cancelled
    or started sessions, offerings outside the family's catalogue and a second enrolment of
    the same family. Audited."""
    if not rules.can_enrol(actor, family):
        raise PermissionDeniedError
    session = _lock_session(session.pk)
    _check_open(session, family)
    active = Enrolment.objects.filter(session=session, family=family).exclude(
        status=EnrolmentStatus.CANCELLED
    )
    current = active.first()
    if current is not None:
        message = (
            _("The family is already on the waiting list for this session.")
            if current.status == EnrolmentStatus.WAITLISTED
            else _("The family is already enrolled in this session.")
        )
        raise ValidationError({"family": message})
    taken = Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count()
    has_place = taken < session.capacity
    enrolment = Enrolment(
        session=session,
        family=family,
        status=EnrolmentStatus.ENROLLED if has_place else EnrolmentStatus.WAITLISTED,
        waitlisted_at=None if has_place else timezone.now(),
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(
            {"family": _("The family is already enrolled in this session.")}
        ) from None
    if has_place:
        _give_access(enrolment, session, actor)
    log_action(
        "competence.enrolment.create",
        actor=actor,
        obj=enrolment,
        municipality_id=family.municipality_id,
        data={"session": session.uuid, "family": family.uuid, "status": enrolment.status},
    )
    return enrolment


@transaction.atomic
def cancel_enrolment(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Cancel a place or a waiting-list place before the session starts. Giving up a place
    later than the municipality's `late_cancellation_hours` before the start is recorded as a
    late cancellation. A freed place goes to the first family on the waiting list (by
    `waitlisted_at`), which is e-mailed after the commit. Ends the engagement. Audited."""
    if not rules.can_cancel(actor, enrolment):
        raise PermissionDeniedError
    session = _lock_session(enrolment.session_id)
    enrolment = Enrolment.objects.select_related("family").get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(_("The enrolment is already cancelled."))
    now = timezone.now()
    if session.starts_at <= now:
        raise ValidationError(
            _("The session has started; the enrolment can no longer be cancelled.")
        )
    held_place = enrolment.status == EnrolmentStatus.ENROLLED
    limit = dt.timedelta(hours=late_cancellation_hours(enrolment.family.municipality_id))
    before = enrolment.status
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_at = now
    enrolment.late_cancellation = held_place and session.starts_at - now < limit
    enrolment.save(update_fields=["status", "cancelled_at", "late_cancellation", "updated_at"])
    if held_place:
        end_engagements(source=engagement_source(enrolment), on=timezone.localdate())
    log_action(
        "competence.enrolment.cancel",
        actor=actor,
        obj=enrolment,
        municipality_id=enrolment.family.municipality_id,
        changes={"status": {"before": before, "after": EnrolmentStatus.CANCELLED.value}},
        data={"session": session.uuid, "late_cancellation": enrolment.late_cancellation},
    )
    if held_place:
        _promote(session=session, actor=actor)
    return enrolment


def _promote(*, session: Session, actor: User | None) -> list[Enrolment]:
    """Give free places of a locked session to the waiting list, first come first served."""
    taken = Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED)
        .select_related("family")
        .order_by("waitlisted_at", "id")[:free]
    )
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status", "updated_at"])
        # The promotion is the system's doing, not the cancelling person's (who may be another
        # family): it is logged as such, with the cause in the data.
        _give_access(enrolment, session, None)
        log_action(
            "competence.enrolment.promote",
            actor=None,
            actor_label="system (waiting list)",
            obj=enrolment,
            municipality_id=enrolment.family.municipality_id,
            changes={
                "status": {
                    "before": EnrolmentStatus.WAITLISTED.value,
                    "after": EnrolmentStatus.ENROLLED.value,
                }
            },
            data={"session": session.uuid, "after_cancellation_by": actor.pk if actor else None},
        )
        transaction.on_commit(partial(send_promotion_email, enrolment_id=enrolment.pk))
    return promoted


def promotion_recipients(enrolment: Enrolment) -> list[str]:
    """The family's e-mail and its foster parents', each once, in that order."""
    addresses = [enrolment.family.email, *enrolment.family.parents.values_list("email", flat=True)]
    seen: list[str] = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in seen}:
            seen.append(address)
    return seen


def send_promotion_email(*, enrolment_id: int) -> None:
    """Tell a family it got a place from the waiting list (run after the commit)."""
    enrolment = (
        Enrolment.objects.select_related("family", "session__offering__institution")
        .filter(pk=enrolment_id, status=EnrolmentStatus.ENROLLED)
        .first()
    )
    if enrolment is None:
        return
    recipients = promotion_recipients(enrolment)
    if not recipients:
        return
    context = {
        "family": enrolment.family,
        "session": enrolment.session,
        "offering": enrolment.session.offering,
        "starts_at": timezone.localtime(enrolment.session.starts_at),
        "ends_at": timezone.localtime(enrolment.session.ends_at),
    }
    send_mail(
        subject=render_to_string("competence/email/promoted_subject.txt", context).strip(),
        message=render_to_string("competence/email/promoted_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


@transaction.atomic
def register_attendance(*, actor: User, session: Session, marks: Mapping[uuid.UUID, str]) -> int:
    """Record who came: `marks` maps enrolment UUIDs (families with a place) to "attended",
    "no_show" or "" (not registered). Only once the session has started. Audited per change;
    returns how many changed."""
    if not rules.can_register_attendance(actor, session):
        raise PermissionDeniedError
    if session.cancelled:
        raise ValidationError(_("The session is cancelled."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be registered once the session has started."))
    enrolments = {
        e.uuid: e
        for e in Enrolment.objects.select_for_update(of=("self",))
        .filter(session=session, status=EnrolmentStatus.ENROLLED)
        .select_related("family")
    }
    unknown = [str(key) for key in marks if key not in enrolments]
    if unknown:
        raise ValidationError(
            {"attendance": _("Only families with a place at this session can be registered.")}
        )
    bad = [value for value in marks.values() if value and value not in Attendance.values]
    if bad:
        raise ValidationError({"attendance": _("Unknown attendance.")})
    changed = 0
    for key, value in marks.items():
        enrolment = enrolments[key]
        if enrolment.attendance == value:
            continue
        before = enrolment.attendance
        enrolment.attendance = value
        enrolment.save(update_fields=["attendance", "updated_at"])
        log_action(
            "competence.enrolment.attendance",
            actor=actor,
            obj=enrolment,
            municipality_id=enrolment.family.municipality_id,
            changes={"attendance": {"before": before, "after": value}},
            data={"session": session.uuid},
        )
        changed += 1
    return changed
