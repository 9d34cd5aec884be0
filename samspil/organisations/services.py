"""Writes for organisations: institutions and collaborations, by leaders. Audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import diff, log_action, snapshot
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.organisations import rules
from samspil.organisations.models import Collaboration, Institution

INSTITUTION_FIELDS = [
    "name",
    "kind",
    "owner_kind",
    "owner_municipality",
    "municipality",
    "address",
    "postcode",
    "phone",
    "email",
    "places",
]
COLLABORATION_FIELDS = ["name", "description", "starts_on", "ends_on"]


@transaction.atomic
def save_institution(
    *,
    actor: User,
    institution: Institution,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> Institution:
    """Create an institution, or change one if nobody else did since `expected_version`."""
    creating = institution.pk is None
    if creating and not rules.can_create_institution(actor):
        raise PermissionDeniedError
    if not creating and not rules.can_change_institution(actor, institution):
        raise PermissionDeniedError
    before = {} if creating else snapshot(institution, INSTITUTION_FIELDS)
    for name in INSTITUTION_FIELDS:
        if name in values:
            setattr(institution, name, values[name])
    institution.full_clean(validate_unique=True)
    if not creating:
        if expected_version is None:
            raise ValidationError(_("Say which version you are changing."))
        claim_version(institution, expected_version=expected_version)
    institution.save()
    if "competence_areas" in values:
        institution.competence_areas.set(values["competence_areas"])
    log_action(
        "organisations.institution.create" if creating else "organisations.institution.update",
        actor=actor,
        obj=institution,
        municipality_id=institution.municipality_id,
        changes=diff(before, snapshot(institution, INSTITUTION_FIELDS)),
        data={"pk": institution.pk, "name": institution.name, "version": institution.version},
    )
    return institution


@transaction.atomic
def save_collaboration(
    *,
    actor: User,
    collaboration: Collaboration,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> Collaboration:
    """Create a collaboration, or change one if nobody else did since `expected_version`."""
    creating = collaboration.pk is None
    if creating and not rules.can_create_collaboration(actor):
        raise PermissionDeniedError
    if not creating and not rules.can_change_collaboration(actor, collaboration):
        raise PermissionDeniedError
    leader_of = scope_for(actor).municipalities(Role.LEADER)
    if not {m.pk for m in values["municipalities"]} & leader_of:
        raise ValidationError({"municipalities": _("Include your own municipality.")})
    before = {} if creating else snapshot(collaboration, COLLABORATION_FIELDS)
    for name in COLLABORATION_FIELDS:
        if name in values:
            setattr(collaboration, name, values[name])
    collaboration.full_clean()
    if not creating:
        if expected_version is None:
            raise ValidationError(_("Say which version you are changing."))
        claim_version(collaboration, expected_version=expected_version)
    collaboration.save()
    collaboration.municipalities.set(values["municipalities"])
    collaboration.institutions.set(values["institutions"])
    log_action(
        "organisations.collaboration.create" if creating else "organisations.collaboration.update",
        actor=actor,
        obj=collaboration,
        municipality_id=min(leader_of & {m.pk for m in values["municipalities"]}),
        changes=diff(before, snapshot(collaboration, COLLABORATION_FIELDS)),
        data={
            "pk": collaboration.pk,
            "version": collaboration.version,
            "municipalities": [m.pk for m in values["municipalities"]],
            "institutions": [i.pk for i in values["institutions"]],
        },
    )
    return collaboration
