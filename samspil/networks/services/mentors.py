"""Writes of mentor families: a family's consent to be a mentor family, recording a mentorship
the consultant brokered (with the ranking that suggested the mentor), changing or setting its
end, and the contact log.

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with the reasons), audited with
`log_action("networks.mentor.consent" | "networks.mentorship.<verb>", …)`. Eligibility is the
one in `selectors/mentors.py` (documented there, with the ranking in `mentor_ranking.py`),
checked again when the mentorship is recorded.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import save_versioned
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import ContactKind, MentorReason
from samspil.networks.models import MentorContact, MentorProfile, Mentorship
from samspil.networks.selectors import mentors as selectors

MENTORSHIP_FIELDS = ["mentor", "mentee", "reason", "starts_on", "ends_on", "note"]


def unknown_mentor_message() -> str:
    """The one answer for a mentor family that is unknown, invisible or no candidate."""
    return _(
        "Choose a family of the municipality or its collaboration that consents to be a "
        "mentor family."
    )


@transaction.atomic
def set_mentor_consent(
    *, actor: User, family: FosterFamily, consents: bool, note: str | None = None
) -> MentorProfile:
    """Give or withdraw `family`'s consent to act as a mentor family: by the family itself, or
    recorded by its municipality's consultant or leader on its behalf
    (rules.can_change_mentor_consent). Withdrawing does not end running mentorships; the family
    is just no longer suggested. `note` None leaves the note as it is. Side effect: the audit
    entry "networks.mentor.consent" when the consent or the note changed (the note's text is not
    logged)."""
    if not rules.can_change_mentor_consent(actor, family):
        raise PermissionDeniedError
    profile, _created = MentorProfile.objects.select_for_update().get_or_create(family=family)
    before = profile.consents
    changes: dict[str, dict[str, object]] = {}
    if before != consents:
        profile.consents = consents
        profile.consent_changed_at = timezone.now()
        changes["consents"] = {"before": before, "after": consents}
    note_changed = note is not None and note.strip() != profile.note
    if note is not None:
        profile.note = note.strip()
    profile.full_clean()
    profile.save()
    if changes or note_changed:
        log_action(
            "networks.mentor.consent",
            actor=actor,
            obj=family,
            municipality_id=family.municipality_id,
            changes=changes,
            data={
                "by_family": scope_for(actor).foster_family_id == family.pk,
                "note_changed": note_changed,
            },
        )
    return profile


def _lock_family(family: FosterFamily) -> None:
    """Serialise recordings for one mentor family, so that two consultants cannot both give it
    its last free place (on SQLite the IMMEDIATE transaction does the same)."""
    FosterFamily.objects.select_for_update(of=("self",)).filter(pk=family.pk).first()


@transaction.atomic
def record_mentorship(
    *,
    actor: User,
    mentor: FosterFamily,
    mentee: FosterFamily,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Mentorship:
    """Record that `mentor` supports `mentee` from `starts_on` (to `ends_on`, the planned or
    actual end, when given), brokered by `actor` (rules.can_broker_mentorship). The mentor must
    be a candidate and eligible now (consent, years, course, capacity, and no active mentorship
    between the pair): otherwise `ValidationError` on "mentor" with what it lacks. An unknown
    family and one `actor` may not see give the same message.

    Side effects: `Mentorship.ranking` keeps the ranking snapshot (rank, score, reasons); the
    audit entry "networks.mentorship.create"."""
    if not rules.can_broker_mentorship(actor, mentee):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    if reason not in MentorReason.values:
        raise ValidationError({"reason": [_("Choose why the family needs a mentor.")]})
    _lock_family(mentor)
    candidates = selectors.assess(actor, mentee, reason, today=today)
    chosen = next((c for c in candidates if c.family.pk == mentor.pk), None)
    if chosen is None:
        named = selectors.assess(actor, mentee, reason, today=today, families=[mentor.pk])
        if not named:
            raise ValidationError({"mentor": [unknown_mentor_message()]})
        chosen = named[0]
    if not chosen.eligible:
        raise ValidationError(
            {
                "mentor": [
                    _("%(family)s cannot be a mentor family now: %(lacks)s.")
                    % {"family": chosen.family.name, "lacks": "; ".join(chosen.lacks)}
                ]
            }
        )
    mentorship = Mentorship(
        mentor=mentor,
        mentee=mentee,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        brokered_by=actor,
        ranking=chosen.snapshot(
            reason=reason, of=sum(1 for c in candidates if c.eligible), today=today
        ),
    )
    mentorship.full_clean()
    mentorship.save()
    log_action(
        "networks.mentorship.create",
        actor=actor,
        obj=mentorship,
        municipality_id=mentee.municipality_id,
        changes=diff({}, snapshot(mentorship, MENTORSHIP_FIELDS)),
        data={
            "version": mentorship.version,
            "rank": chosen.rank,
            "score": chosen.score,
            "mentor": str(mentor.uuid),
            "mentee": str(mentee.uuid),
        },
    )
    return mentorship


@transaction.atomic
def set_mentorship_end(
    *,
    actor: User,
    mentorship: Mentorship,
    ends_on: dt.date | None,
    expected_version: int,
) -> Mentorship:
    """Set, move or clear the end of a mentorship (a planned end, or today to end it now).
    Raises ConcurrentEditError when it changed since `expected_version`. Side effect: the audit
    entry "networks.mentorship.end"."""
    if not rules.can_change_mentorship(actor, mentorship):
        raise PermissionDeniedError
    before = snapshot(mentorship, ["ends_on"])
    if ends_on is not None and ends_on < mentorship.starts_on:
        raise ValidationError({"ends_on": [_("The end cannot be before the start.")]})
    mentorship.ends_on = ends_on
    save_versioned(mentorship, expected_version=expected_version, fields=["ends_on"])
    log_action(
        "networks.mentorship.end",
        actor=actor,
        obj=mentorship,
        municipality_id=mentorship.mentee.municipality_id,
        changes=diff(before, snapshot(mentorship, ["ends_on"])),
        data={"version": mentorship.version},
    )
    return mentorship


@transaction.atomic
def log_mentor_contact(
    *,
    actor: User,
    mentorship: Mentorship,
    happened_on: dt.date,
    kind: str,
    minutes: int,
    note: str = "",
    today: dt.date | None = None,
) -> MentorContact:
    """Add a contact between the two families to the log: the date (within the mentorship, not
    in the future), the form, how long and a short note. Kept by the brokering municipality's
    staff or either family (rules.can_log_mentor_contact). Side effect: the audit entry
    "networks.mentorship.log_contact" (without the note)."""
    if not rules.can_log_mentor_contact(actor, mentorship):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if happened_on > today:
        errors["happened_on"] = [_("A contact can be logged once it has happened.")]
    elif happened_on < mentorship.starts_on or (
        mentorship.ends_on is not None and happened_on > mentorship.ends_on
    ):
        errors["happened_on"] = [_("The contact must fall within the mentorship.")]
    if kind not in ContactKind.values:
        errors["kind"] = [_("Choose the form of the contact.")]
    if errors:
        raise ValidationError(errors)
    contact = MentorContact(
        mentorship=mentorship,
        happened_on=happened_on,
        kind=kind,
        minutes=minutes,
        note=note.strip(),
        recorded_by=actor,
    )
    contact.full_clean()
    contact.save()
    log_action(
        "networks.mentorship.log_contact",
        actor=actor,
        obj=mentorship,
        municipality_id=mentorship.mentee.municipality_id,
        data={
            "happened_on": happened_on,
            "kind": kind,
            "minutes": minutes,
            "note": bool(contact.note),
        },
    )
    return contact
