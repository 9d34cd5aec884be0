"""Writes about offerings, their sessions and the municipalities' catalogues: each a use case,
keyword-only, atomic, permission-checked and audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import diff, log_action, snapshot
from samspil.competence import rules
from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import CatalogueEntry, Enrolment, Offering, Session, Theme
from samspil.competence.selectors.offerings import responsible_candidates
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.services import end_engagements
from samspil.organisations.models import Institution, Municipality

OFFERING_FIELDS = [
    "kind",
    "title",
    "description",
    "target_group",
    "responsible",
    "follows",
    "published",
]
SESSION_FIELDS = ["starts_at", "ends_at", "place_kind", "place", "link", "capacity"]


def _theme_names(themes: Iterable[Theme]) -> list[str]:
    return sorted(theme.name for theme in themes)


def _check_offering(offering: Offering, themes: list[Theme]) -> None:
    """What the model cannot say alone: at least one theme, a responsible specialist of the
    same institution, and a chain (`follows`) within the institution, on a shared theme,
    without cycles."""
    errors: dict[str, str] = {}
    if not themes:
        errors["themes"] = _("Choose at least one theme.")
    if (
        offering.responsible_id is not None
        and not responsible_candidates([offering.institution_id])
        .filter(pk=offering.responsible_id)
        .exists()
    ):
        errors["responsible"] = _("The responsible person must be a specialist of the institution.")
    previous = offering.follows
    if previous is not None:
        if previous.institution_id != offering.institution_id:
            errors["follows"] = _("An offering can only follow one of the same institution.")
        elif themes and not previous.themes.filter(pk__in=[t.pk for t in themes]).exists():
            errors["follows"] = _("An offering can only follow one that shares a theme with it.")
        elif offering.pk is not None:
            step: Offering | None = previous
            seen: set[int] = set()
            while step is not None and step.pk not in seen:
                if step.pk == offering.pk:
                    errors["follows"] = _("The chain would go round in a circle.")
                    break
                seen.add(step.pk)
                step = step.follows
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_offering(*, actor: User, institution: Institution, values: dict[str, Any]) -> Offering:
    """Publish (or draft) an offering of `institution`. `values` holds OFFERING_FIELDS and
    `themes`. Audited."""
    offering = Offering(institution=institution)
    if not rules.can_manage_offering(actor, offering):
        raise PermissionDeniedError
    for name in OFFERING_FIELDS:
        if name in values:
            setattr(offering, name, values[name])
    themes = list(values.get("themes") or [])
    offering.full_clean(exclude=["themes"])
    _check_offering(offering, themes)
    offering.save()
    offering.themes.set(themes)
    log_action(
        "competence.offering.create",
        actor=actor,
        obj=offering,
        municipality_id=institution.municipality_id,
        changes={
            **diff({}, snapshot(offering, OFFERING_FIELDS)),
            "themes": {"before": None, "after": _theme_names(themes)},
        },
        data={"institution": institution.name, "version": offering.version},
    )
    return offering


@transaction.atomic
def update_offering(
    *, actor: User, offering: Offering, values: dict[str, Any], expected_version: int
) -> Offering:
    """Change an offering if nobody else did since `expected_version` (else
    ConcurrentEditError with what changed in between). Audited with before/after."""
    if not rules.can_manage_offering(actor, offering):
        raise PermissionDeniedError
    before = snapshot(offering, OFFERING_FIELDS)
    themes_before = _theme_names(offering.themes.all())
    for name in OFFERING_FIELDS:
        if name in values:
            setattr(offering, name, values[name])
    themes = list(values["themes"]) if "themes" in values else list(offering.themes.all())
    offering.full_clean(exclude=["themes"])
    _check_offering(offering, themes)
    claim_version(offering, expected_version=expected_version)
    offering.save()
    offering.themes.set(themes)
    changes = diff(before, snapshot(offering, OFFERING_FIELDS))
    if _theme_names(themes) != themes_before:
        changes["themes"] = {"before": themes_before, "after": _theme_names(themes)}
    log_action(
        "competence.offering.update",
        actor=actor,
        obj=offering,
        municipality_id=offering.institution.municipality_id,
        changes=changes,
        data={"version": offering.version},
    )
    return offering


@transaction.atomic
def add_session(*, actor: User, offering: Offering, values: dict[str, Any]) -> Session:
    """Add a date to an offering: when, where, for how many families. Audited."""
    if not rules.can_manage_offering(actor, offering):
        raise PermissionDeniedError
    session = Session(offering=offering)
    for name in SESSION_FIELDS:
        if name in values:
            setattr(session, name, values[name])
    session.full_clean()
    if session.starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A new session must start in the future.")})
    session.save()
    log_action(
        "competence.session.create",
        actor=actor,
        obj=session,
        municipality_id=offering.institution.municipality_id,
        changes=diff({}, snapshot(session, SESSION_FIELDS)),
        data={"offering": offering.uuid},
    )
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: Session) -> Session:
    """Cancel a session: nobody can enrol any more, every enrolment and waiting-list place is
    cancelled (not as the family's late cancellation) and the institution's engagements from
    it end today. Audited."""
    if not rules.can_manage_offering(actor, session.offering):
        raise PermissionDeniedError
    session = (
        Session.objects.select_for_update()
        .select_related("offering__institution")
        .get(pk=session.pk)
    )
    if session.cancelled:
        raise ValidationError(_("The session is already cancelled."))
    now = timezone.now()
    if session.starts_at <= now:
        raise ValidationError(_("A session that has started cannot be cancelled."))
    today = timezone.localdate()
    session.cancelled = True
    session.save(update_fields=["cancelled", "updated_at"])
    active = list(
        Enrolment.objects.select_for_update()
        .filter(session=session)
        .exclude(status=EnrolmentStatus.CANCELLED)
    )
    for enrolment in active:
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.cancelled_at = now
        enrolment.save(update_fields=["status", "cancelled_at", "updated_at"])
        end_engagements(source=f"competence.enrolment:{enrolment.uuid}", on=today)
    log_action(
        "competence.session.cancel",
        actor=actor,
        obj=session,
        municipality_id=session.offering.institution.municipality_id,
        data={"offering": session.offering.uuid, "enrolments_cancelled": len(active)},
    )
    return session


# -- catalogues ---------------------------------------------------------------------------------


@transaction.atomic
def link_offering(
    *, actor: User, municipality: Municipality, offering: Offering, mandatory: bool = False
) -> CatalogueEntry:
    """Put a published offering in `municipality`'s catalogue, or change whether it is
    mandatory (part of the fixed programme). Audited."""
    if not rules.can_manage_catalogue(actor, municipality.pk):
        raise PermissionDeniedError
    if not offering.published:
        raise ValidationError({"offering": _("Only published offerings can be in a catalogue.")})
    entry, created = CatalogueEntry.objects.get_or_create(
        municipality=municipality, offering=offering, defaults={"mandatory": mandatory}
    )
    before: bool | None = None
    if not created:
        if entry.mandatory == mandatory:
            return entry
        before = entry.mandatory
        entry.mandatory = mandatory
        entry.save(update_fields=["mandatory", "updated_at"])
    log_action(
        "competence.catalogue.link" if created else "competence.catalogue.update",
        actor=actor,
        obj=offering,
        municipality_id=municipality.pk,
        changes={"mandatory": {"before": before, "after": mandatory}},
        data={"municipality": municipality.code},
    )
    return entry


@transaction.atomic
def unlink_offering(*, actor: User, municipality: Municipality, offering: Offering) -> bool:
    """Take an offering out of `municipality`'s catalogue. Enrolments made stay. Audited.
    Returns whether it was there."""
    if not rules.can_manage_catalogue(actor, municipality.pk):
        raise PermissionDeniedError
    deleted, _details = CatalogueEntry.objects.filter(
        municipality=municipality, offering=offering
    ).delete()
    if deleted:
        log_action(
            "competence.catalogue.unlink",
            actor=actor,
            obj=offering,
            municipality_id=municipality.pk,
            data={"municipality": municipality.code},
        )
    return bool(deleted)
