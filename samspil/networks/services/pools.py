"""Writes of pools for network groups: building a pool (families, "must not be together"
pairs), editing its proposal by hand (pin, move, exclude), and accepting it (which creates the
groups). Asking the optimiser for a proposal, computing it, and the API's synchronous
composition are in `services/proposals.py`, which shares this module's checks and helpers.

Each use case is keyword-only, atomic, permission-checked (raising `PermissionDeniedError`),
validated (raising `ValidationError`), and audited with `log_action("networks.pool.<verb>", …)`
carrying the pool's `version`. Writes that change the pool claim its version first
(`claim_version`), so two people editing or accepting at once get `ConcurrentEditError`
rather than overwriting each other.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import FosterFamily
from samspil.networks import composition, reasons, rules
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.models import NetworkGroup, Pool, PoolMember, Separation
from samspil.networks.selectors import pools as selectors
from samspil.networks.selectors import proposals as proposal_selectors
from samspil.networks.services.groups import create_group
from samspil.organisations.models import Collaboration, Institution, Municipality

# -- helpers --------------------------------------------------------------------------------


def log_pool(
    verb: str,
    *,
    actor: User | None,
    pool: Pool,
    data: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> None:
    log_action(
        f"networks.pool.{verb}",
        actor=actor,
        obj=pool,
        municipality_id=selectors.owner_municipality_id(pool),
        changes=changes,
        data={"version": pool.version, **(data or {})},
        actor_label=actor_label,
    )


def require_change(actor: User, pool: Pool) -> None:
    if not rules.can_change_pool(actor, pool):
        raise PermissionDeniedError


def lock_pool(pool: Pool, expected_version: int) -> None:
    """Move the pool to its next version (or raise ConcurrentEditError) and reload it, so the
    checks that follow see the row as it is now, locked until the transaction ends."""
    claim_version(pool, expected_version=expected_version)
    pool.refresh_from_db()


def require_open(pool: Pool) -> None:
    if pool.status != PoolStatus.OPEN:
        raise ValidationError(_("The groups of this pool have been created; it cannot change."))


def _member(pool: Pool, family: FosterFamily) -> PoolMember:
    member = PoolMember.objects.filter(pool=pool, family=family).first()
    if member is None:
        raise ValidationError(_("%(family)s is not in this pool.") % {"family": family.name})
    return member


def _require_ready(pool: Pool) -> dict[str, Any]:
    if pool.proposal_status != ProposalStatus.READY or not pool.proposal.get("groups"):
        raise ValidationError(_("There is no finished proposal yet."))
    return copy.deepcopy(pool.proposal)


def group_json(group: composition.Group) -> dict[str, Any]:
    return {
        "members": [str(k) for k in group.members],
        "centre": str(group.centre),
        "slot": group.slot,
        "area": group.area,
        "cost": group.cost,
        "reasons": [{"code": r.code, "params": dict(r.params)} for r in group.reasons],
    }


def _gap(objective: int, bound: int) -> float:
    if objective <= 0:
        return 0.0
    return max(0.0, (objective - bound) / objective)


def _rescore(proposal: dict[str, Any], data: proposal_selectors.PoolInput) -> dict[str, Any]:
    """Score the (hand-edited) proposal again with the optimiser's objective: drop families no
    longer available and groups left empty, describe the groups anew, and record the hard
    constraints it breaks as warnings."""
    keys = set(data.families)
    partition = [[k for k in group["members"] if k in keys] for group in proposal.get("groups", [])]
    partition = [members for members in partition if members]
    groups, total, violations = composition.evaluate(data.problem, partition)
    placed = {k for members in partition for k in members}
    proposal["groups"] = [group_json(g) for g in groups]
    proposal["unplaced"] = [
        u for u in proposal.get("unplaced", []) if u["family"] in keys and u["family"] not in placed
    ]
    proposal["objective"] = total
    proposal["gap"] = _gap(total, int(proposal.get("bound", 0)))
    proposal["violations"] = [
        {"group": v.group, "code": v.code, "params": dict(v.params)} for v in violations
    ]
    proposal["edited"] = True
    return proposal


def sync_pins(pool: Pool, proposal: Mapping[str, Any]) -> None:
    """Keep every pin on the group its family is in now (groups are renumbered when the
    optimiser runs again or a group empties); a pinned family in no group loses its pin."""
    number_of = {
        key: number
        for number, group in enumerate(proposal.get("groups", []), start=1)
        for key in group["members"]
    }
    for member in PoolMember.objects.filter(pool=pool, pinned_to__isnull=False).select_related(
        "family"
    ):
        wanted = number_of.get(str(member.family.uuid))
        if member.pinned_to != wanted:
            member.pinned_to = wanted
            member.save(update_fields=["pinned_to", "updated_at"])


def _save_proposal(pool: Pool, proposal: dict[str, Any]) -> None:
    pool.proposal = proposal
    pool.save(update_fields=["proposal", "updated_at"])
    sync_pins(pool, proposal)


# -- building a pool ------------------------------------------------------------------------


@transaction.atomic
def create_pool(
    *,
    actor: User,
    name: str,
    municipality: Municipality | None = None,
    institution: Institution | None = None,
    collaboration: Collaboration | None = None,
    min_size: int | None = None,
    max_size: int | None = None,
) -> Pool:
    """A new pool owned by `municipality` (consultants, leaders) or `institution`
    (coordinators), optionally across a collaboration the owner belongs to. Sizes default to
    the municipality's network settings. Side effect: the audit entry "networks.pool.create"."""
    municipalities, institutions = rules.pool_owners(actor)
    if (municipality is None) == (institution is None):
        raise ValidationError({"owner": [_("Choose who owns the pool.")]})
    if municipality is not None and municipality.pk not in municipalities:
        raise PermissionDeniedError
    if institution is not None and institution.pk not in institutions:
        raise PermissionDeniedError
    owner_municipality_id = municipality.pk if municipality else institution.municipality_id  # type: ignore[union-attr]
    settings = selectors.settings_for_municipality(owner_municipality_id)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the pool a name.")]
    if collaboration is not None:
        member = (
            collaboration.municipalities.filter(pk=owner_municipality_id).exists()
            if institution is None
            else collaboration.institutions.filter(pk=institution.pk).exists()
            or collaboration.municipalities.filter(pk=owner_municipality_id).exists()
        )
        if not member:
            errors["collaboration"] = [_("Choose a collaboration the owner takes part in.")]
    pool = Pool(
        name=name.strip(),
        municipality=municipality,
        institution=institution,
        collaboration=collaboration,
        created_by=actor,
        min_size=min_size if min_size is not None else settings.min_group_size,
        max_size=max_size if max_size is not None else settings.max_group_size,
    )
    if pool.max_size < pool.min_size:
        errors.setdefault("max_size", []).append(
            _("The largest group cannot be smaller than the smallest.")
        )
    try:
        pool.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.setdefault(field_name, []).extend(
                m for m in messages if m not in errors.get(field_name, [])
            )
    if errors:
        raise ValidationError(errors)
    pool.save()
    log_pool(
        "create",
        actor=actor,
        pool=pool,
        data={
            "name": pool.name,
            "collaboration": collaboration.pk if collaboration else None,
            "min_size": pool.min_size,
            "max_size": pool.max_size,
        },
    )
    return pool


@transaction.atomic
def add_families(
    *, actor: User, pool: Pool, families: Sequence[FosterFamily], expected_version: int
) -> list[PoolMember]:
    """Add families the actor may compose from; a family already in an active network group
    is refused with its name. Families already in the pool are left as they are. Side
    effect: the audit entry "networks.pool.add_families"."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    ids = [f.pk for f in families]
    allowed = set(
        selectors.composable_families(actor).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if set(ids) - allowed:
        raise ValidationError(
            {"families": [_("You can only add families you may compose groups from.")]}
        )
    busy = sorted(f.name for f in selectors.busy_families(families))
    if busy:
        raise ValidationError(
            {
                "families": [
                    _("Already in an active network group: %(families)s.")
                    % {"families": ", ".join(busy)}
                ]
            }
        )
    present = set(pool.members.values_list("family_id", flat=True))
    new = [f for f in families if f.pk not in present]
    members = PoolMember.objects.bulk_create(PoolMember(pool=pool, family=f) for f in new)
    log_pool("add_families", actor=actor, pool=pool, data={"families": [str(f.uuid) for f in new]})
    return members


@transaction.atomic
def remove_family(*, actor: User, pool: Pool, family: FosterFamily, expected_version: int) -> None:
    """Take a family out of the pool (and out of the proposal, which is scored again). Side
    effect: the audit entry "networks.pool.remove_family"."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    _member(pool, family).delete()
    if pool.proposal_status == ProposalStatus.READY and pool.proposal.get("groups"):
        _save_proposal(
            pool, _rescore(copy.deepcopy(pool.proposal), proposal_selectors.pool_input(pool))
        )
    log_pool("remove_family", actor=actor, pool=pool, data={"family": str(family.uuid)})


@transaction.atomic
def set_excluded(
    *, actor: User, pool: Pool, family: FosterFamily, excluded: bool, expected_version: int
) -> PoolMember:
    """Leave a family out of the proposal (`excluded`) or take it back in. Excluding drops it
    from the proposal and its pin; including it asks for a new computation to place it. Side
    effect: the audit entry "networks.pool.exclude" or "networks.pool.include"."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    member = _member(pool, family)
    member.excluded = excluded
    if excluded:
        member.pinned_to = None
    member.save(update_fields=["excluded", "pinned_to", "updated_at"])
    if excluded and pool.proposal_status == ProposalStatus.READY and pool.proposal.get("groups"):
        _save_proposal(
            pool, _rescore(copy.deepcopy(pool.proposal), proposal_selectors.pool_input(pool))
        )
    log_pool(
        "exclude" if excluded else "include",
        actor=actor,
        pool=pool,
        data={"family": str(family.uuid)},
    )
    return member


@transaction.atomic
def record_separation(
    *, actor: User, family_a: FosterFamily, family_b: FosterFamily, reason: str
) -> Separation:
    """Record that two families must not be in the same network group, with the reason
    (stored with the lower id first, once per pair). Side effect: the audit entry
    "networks.separation.create"."""
    visible = selectors.composable_families(actor).filter(pk__in=[family_a.pk, family_b.pk])
    if visible.count() != len({family_a.pk, family_b.pk}):
        raise PermissionDeniedError
    errors: dict[str, list[str]] = {}
    if family_a.pk == family_b.pk:
        errors["family_b"] = [_("Choose two different families.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason they must not be together.")]
    first, second = sorted((family_a, family_b), key=lambda f: f.pk)
    if not errors and Separation.objects.filter(family_a=first, family_b=second).exists():
        errors["family_b"] = [_("These two families are already recorded as not to be together.")]
    if errors:
        raise ValidationError(errors)
    separation = Separation.objects.create(
        family_a=first, family_b=second, reason=reason.strip(), recorded_by=actor
    )
    log_action(
        "networks.separation.create",
        actor=actor,
        obj=separation,
        municipality_id=first.municipality_id,
        data={"families": [str(first.uuid), str(second.uuid)], "reason": separation.reason},
    )
    return separation


@transaction.atomic
def remove_separation(*, actor: User, separation: Separation) -> None:
    """Side effect: the audit entry "networks.separation.delete"."""
    if not Separation.objects.filter(rules.separation_filter(actor), pk=separation.pk).exists():
        raise PermissionDeniedError
    log_action(
        "networks.separation.delete",
        actor=actor,
        obj=separation,
        municipality_id=separation.family_a.municipality_id,
        data={
            "families": [str(separation.family_a.uuid), str(separation.family_b.uuid)],
            "reason": separation.reason,
        },
    )
    separation.delete()


# -- editing the proposal by hand -----------------------------------------------------------


def _group_of(proposal: Mapping[str, Any], key: str) -> int | None:
    for number, group in enumerate(proposal.get("groups", []), start=1):
        if key in group["members"]:
            return number
    return None


@transaction.atomic
def pin_family(
    *, actor: User, pool: Pool, family: FosterFamily, pinned: bool, expected_version: int
) -> PoolMember:
    """Pin a family to the group it is in (the optimiser keeps it there when it runs again),
    or unpin it. Side effect: the audit entry "networks.pool.pin" or "networks.pool.unpin"."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    member = _member(pool, family)
    number = None
    if pinned:
        number = _group_of(_require_ready(pool), str(family.uuid))
        if number is None:
            raise ValidationError(
                _("%(family)s is in no group of the proposal; move it to one first.")
                % {"family": family.name}
            )
    member.pinned_to = number
    member.save(update_fields=["pinned_to", "updated_at"])
    log_pool(
        "pin" if pinned else "unpin",
        actor=actor,
        pool=pool,
        data={"family": str(family.uuid), "group": number},
    )
    return member


@transaction.atomic
def move_family(
    *, actor: User, pool: Pool, family: FosterFamily, group: int, expected_version: int
) -> dict[str, Any]:
    """Move a family (from its group, or from the unplaced) to group number `group` of the
    proposal and pin it there; the proposal is scored again and keeps any hard constraint it
    now breaks as a warning (accepting refuses until they are resolved). Side effect: the
    audit entry "networks.pool.move". Returns the edited proposal."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    proposal = _require_ready(pool)
    member = _member(pool, family)
    key = str(family.uuid)
    groups = proposal["groups"]
    if not 1 <= group <= len(groups):
        raise ValidationError({"group": [_("Choose one of the proposal's groups.")]})
    if member.excluded:
        raise ValidationError(
            _("%(family)s is excluded; include it first.") % {"family": family.name}
        )
    source = _group_of(proposal, key)
    if source == group:
        raise ValidationError({"group": [_("The family is in that group already.")]})
    data = proposal_selectors.pool_input(pool)
    if key not in data.families:
        raise ValidationError(
            _("%(family)s is in another network group and cannot be placed.")
            % {"family": family.name}
        )
    if source is not None:
        groups[source - 1]["members"].remove(key)
    proposal["unplaced"] = [u for u in proposal.get("unplaced", []) if u["family"] != key]
    groups[group - 1]["members"].append(key)
    proposal = _rescore(proposal, data)
    # Its number may change when the group it left is now empty and dropped.
    number = _group_of(proposal, key)
    member.pinned_to = number
    member.save(update_fields=["pinned_to", "updated_at"])
    _save_proposal(pool, proposal)
    log_pool(
        "move",
        actor=actor,
        pool=pool,
        data={"family": str(family.uuid), "from": source, "to": number},
    )
    return proposal


# -- accepting ------------------------------------------------------------------------------


def default_group_name(pool: Pool, number: int) -> str:
    return _("%(pool)s – group %(number)d") % {"pool": pool.name, "number": number}


@transaction.atomic
def accept_proposal(
    *,
    actor: User,
    pool: Pool,
    facilitator: User,
    expected_version: int,
    names: Sequence[str] = (),
    started_on: dt.date | None = None,
) -> list[NetworkGroup]:
    """Create one network group per group of the proposal (`groups.create_group`), named
    `names[i]` or "<pool> – group N", facilitated by `facilitator`, meeting at the group's
    time, with the reasons for its composition; the pool's status becomes ACCEPTED. Refused,
    with the reasons, when the proposal is not ready, breaks a hard constraint, or names a
    family that is no longer available (e.g. joined another group meanwhile). Side effects:
    the groups' own audit entries and "networks.pool.accept"."""
    require_change(actor, pool)
    lock_pool(pool, expected_version)
    require_open(pool)
    proposal = _require_ready(pool)
    data = proposal_selectors.pool_input(pool)
    partition = [list(g["members"]) for g in proposal["groups"]]
    violations = proposal_selectors.live_violations(data, partition)
    if violations:
        raise ValidationError(
            [
                reasons.violation_text(
                    v, data.names, min_size=pool.min_size, max_size=pool.max_size
                )
                for v in violations
            ]
        )
    if not selectors.facilitators_for(pool).filter(pk=facilitator.pk).exists():
        raise ValidationError(
            {
                "facilitator": [
                    _(
                        "The facilitator must be staff of the pool's municipality or a collaborating institution."
                    )
                ]
            }
        )
    created = []
    for number, group in enumerate(proposal["groups"], start=1):
        families = [data.families[k] for k in group["members"]]
        centre = data.families.get(group.get("centre", ""), families[0])
        name = names[number - 1].strip() if len(names) >= number else ""
        created.append(
            create_group(
                actor=actor,
                name=name or default_group_name(pool, number),
                municipality=pool.municipality or centre.municipality,
                families=families,
                facilitator=facilitator,
                meeting_slot=group["slot"],
                started_on=started_on,
                collaboration=pool.collaboration
                if str(group.get("area", "")).startswith("c:")
                else None,
                pool=pool,
                composition=[
                    reasons.reason_text(r["code"], r.get("params") or {}, data.names)
                    for r in group.get("reasons", [])
                ],
            )
        )
    pool.status = PoolStatus.ACCEPTED
    pool.save(update_fields=["status", "updated_at"])
    log_pool(
        "accept",
        actor=actor,
        pool=pool,
        changes={"status": {"before": PoolStatus.OPEN, "after": PoolStatus.ACCEPTED}},
        data={"groups": [str(g.uuid) for g in created], "facilitator": facilitator.username},
    )
    return created
