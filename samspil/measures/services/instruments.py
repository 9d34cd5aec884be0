"""Instruments as data: the shipped definitions kept in step with the database, a municipality's
own version of a configurable instrument, and the licensed item texts an installation imports."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.audit.services import log_action
from samspil.core.concurrency import ConcurrentEditError, InterveningChange
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.measures import catalogue, rules
from samspil.measures.models import Instrument, InstrumentVersion, ItemText
from samspil.organisations.models import Municipality

TEXT_COLUMNS = ("instrument", "version", "item", "language", "text")
LANGUAGES = ("da", "en")


@transaction.atomic
def store_version(
    *,
    definition: Mapping[str, Any],
    municipality: Municipality | None = None,
    based_on: Instrument | None = None,
    actor: UserLike | None = None,
) -> InstrumentVersion:
    """Store `definition` as the instrument's current version (a new number when it differs
    from the current one; the same version when it is unchanged). Answers keep the version
    they were given in, so earlier versions are never changed or deleted.

    Raises ValidationError naming every structural problem (catalogue.check).
    """
    problems = catalogue.check(definition)
    if problems:
        raise ValidationError([ValidationError(p) for p in problems])
    instrument, _created = Instrument.objects.get_or_create(
        code=definition["code"],
        defaults={
            "municipality": municipality,
            "based_on": based_on,
            "family": definition.get("family") or definition["code"],
        },
    )
    current = instrument.versions.filter(is_current=True).first()
    if current is not None and _same_apart_from_version(current.definition, definition):
        return current
    number = (current.number + 1) if current is not None else int(definition.get("version", 1))
    number = max(
        number,
        (instrument.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1,
    )
    instrument.versions.filter(is_current=True).update(is_current=False)
    stored = dict(copy.deepcopy(definition))
    stored["version"] = number
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=number,
        definition=stored,
        respondent=definition["respondent"],
        subject=definition["subject"],
        age_min=definition.get("age_min"),
        age_max=definition.get("age_max"),
        is_current=True,
        created_by=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
    )
    if actor is not None:
        log_action(
            "measures.instrument.version",
            actor=actor,
            obj=instrument,
            municipality_id=municipality.pk if municipality else None,
            data={"code": instrument.code, "version": number},
        )
    return version


def sync_shipped() -> int:
    """Store every shipped definition that is new or changed; returns how many were stored.
    Idempotent (runs after every migrate)."""
    stored = 0
    for definition in catalogue.shipped():
        instrument = Instrument.objects.filter(code=definition["code"]).first()
        current = (
            instrument.versions.filter(is_current=True).first() if instrument is not None else None
        )
        if current is not None and _same_apart_from_version(current.definition, definition):
            continue
        store_version(definition=definition)
        stored += 1
    return stored


def _same_apart_from_version(stored: Mapping[str, Any], shipped: Mapping[str, Any]) -> bool:
    return {k: v for k, v in stored.items() if k != "version"} == {
        k: v for k, v in shipped.items() if k != "version"
    }


@transaction.atomic
def configure_rating(
    *,
    actor: UserLike,
    municipality: Municipality,
    base_code: str,
    items: list[dict[str, Any]],
    name_da: str = "",
    name_en: str = "",
) -> InstrumentVersion:
    """A municipality's own version of a configurable instrument (the burden rating): its own
    choice of items (each a key, Danish and English label and a 0–n or option-set scale).
    Stored as instrument ``<base_code>-<municipality code>``, a new version on every change.

    Raises PermissionDeniedError unless `actor` leads the municipality; ValidationError for an
    unknown or non-configurable base, no items, or a definition that does not check.
    """
    if not rules.can_configure_instruments(actor, municipality.pk):
        raise PermissionDeniedError
    base = Instrument.objects.filter(code=base_code, municipality__isnull=True).first()
    base_version = base.versions.filter(is_current=True).first() if base is not None else None
    if base is None or base_version is None or not base_version.definition.get("configurable"):
        raise ValidationError(_("This instrument cannot be configured."))
    if not items:
        raise ValidationError(_("Choose at least one question."))
    definition = copy.deepcopy(base_version.definition)
    keys = [item["key"] for item in items]
    definition["code"] = f"{base_code}-{municipality.code}"
    definition["items"] = items
    if name_da or name_en:
        definition["name"] = {"da": name_da or name_en, "en": name_en or name_da}
    scales = []
    for scale in definition["scoring"]["scales"]:
        if scale["method"] == "item" and scale["item"] not in keys:
            continue
        if "items" in scale:
            scale = {**scale, "items": [k for k in scale["items"] if k in keys]}
            if not scale["items"]:
                continue
            scale["min_answered"] = min(int(scale.get("min_answered", 1)), len(scale["items"]))
        scales.append(scale)
    definition["scoring"]["scales"] = scales
    codes = {s["code"] for s in scales}
    definition["scoring"]["flags"] = [
        f for f in definition["scoring"].get("flags", []) if f.get("scale", "") in codes
    ]
    definition["reliable_change"] = {
        k: v for k, v in definition.get("reliable_change", {}).items() if k in codes
    }
    return store_version(
        definition=definition, municipality=municipality, based_on=base, actor=actor
    )


def parse_item_texts(content: str) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of a licensed-texts file and the problems found (line numbers from 2).

    The format (docs/instruments.md): UTF-8 CSV with the header
    ``instrument,version,item,language,text``; one row per item and language (``da``/``en``).
    """
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    if tuple(reader.fieldnames or ()) != TEXT_COLUMNS:
        return [], [_("The first line must be: %(header)s") % {"header": ",".join(TEXT_COLUMNS)}]
    rows: list[dict[str, str]] = []
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        clean = {k: (row.get(k) or "").strip() for k in TEXT_COLUMNS}
        missing = [k for k in TEXT_COLUMNS if not clean[k]]
        if missing:
            problems.append(
                _("Line %(line)d: %(columns)s is empty.")
                % {"line": line, "columns": ", ".join(missing)}
            )
            continue
        if clean["language"] not in LANGUAGES:
            problems.append(_("Line %(line)d: language must be da or en.") % {"line": line})
            continue
        rows.append(clean)
    return rows, problems


@transaction.atomic
def import_item_texts(*, actor: UserLike, content: str) -> int:
    """Import licensed item texts (e.g. the SDQ's, bought from the rights holder) from a CSV file
    (`parse_item_texts`). All or nothing: every row is checked against the instrument versions
    and their items first, and nothing is stored if any row is wrong. Re-importing replaces the
    texts. Returns the number of texts stored.

    Raises PermissionDeniedError unless a system administrator; ValidationError listing every
    problem with its line.
    """
    if not rules.can_import_item_texts(actor):
        raise PermissionDeniedError
    rows, problems = parse_item_texts(content)
    versions: dict[tuple[str, str], InstrumentVersion | None] = {}
    for line, row in enumerate(rows, start=2):
        key = (row["instrument"], row["version"])
        if key not in versions:
            versions[key] = (
                InstrumentVersion.objects.filter(
                    instrument__code=row["instrument"], number=row["version"]
                ).first()
                if row["version"].isdigit()
                else None
            )
        version = versions[key]
        if version is None:
            problems.append(
                _("Line %(line)d: there is no instrument %(code)s version %(version)s.")
                % {"line": line, "code": row["instrument"], "version": row["version"]}
            )
        elif row["item"] not in {i["key"] for i in version.definition["items"]}:
            problems.append(
                _("Line %(line)d: %(code)s has no item %(item)s.")
                % {"line": line, "code": row["instrument"], "item": row["item"]}
            )
    if not rows and not problems:
        problems.append(_("The file has no texts."))
    if problems:
        raise ValidationError([ValidationError(p) for p in problems])
    for row in rows:
        version = versions[(row["instrument"], row["version"])]
        assert version is not None
        ItemText.objects.update_or_create(
            version=version,
            item=row["item"],
            language=row["language"],
            defaults={"text": row["text"], "imported_by": actor},
        )
    log_action(
        "measures.item_texts.import",
        actor=actor,
        data={"rows": len(rows), "instruments": sorted({r["instrument"] for r in rows})},
    )
    return len(rows)


OWN_ITEM_OPTIONS = "level"  # the burden rating's 0–4 option set, for a municipality's own items


@transaction.atomic
def configure_burden_rating(
    *,
    actor: UserLike,
    municipality: Municipality,
    items: list[dict[str, Any]],
    own_items: list[dict[str, Any]],
    expected_version: int | None,
    base_code: str = "burden-rating",
    name_da: str = "",
    name_en: str = "",
) -> InstrumentVersion:
    """The leader's page: the municipality's own burden rating from a choice of the shipped
    items (`items`: each the shipped item's key with the municipality's Danish and English
    label) and up to three own items (`own_items`: labels only), stored as a new version of
    ``<base_code>-<municipality code>``. Like `configure_rating`, the shipped scales keep only
    the chosen items; unlike it, each own item (answered on the base's 0–4 option set, keys
    ``own_1`` … ``own_3``) also gets a score of its own (method ``item``, labelled with the
    question), so it shows in the trends. Earlier answers keep the version they were given in.

    `expected_version` is the municipality's current version number the leader started from
    (None when there was none): a save on top of someone else's newer version raises
    ConcurrentEditError instead of silently replacing their choice.

    Raises PermissionDeniedError unless `actor` leads the municipality; ValidationError for a
    non-configurable base, no items, an unknown shipped item, more than three own items or a
    definition that does not check. Side effect: "measures.instrument.version" (store_version).
    """
    if not rules.can_configure_instruments(actor, municipality.pk):
        raise PermissionDeniedError
    code = f"{base_code}-{municipality.code}"
    own_instrument = Instrument.objects.select_for_update().filter(code=code).first()
    current = (
        own_instrument.versions.filter(is_current=True).first()
        if own_instrument is not None
        else None
    )
    if current is not None and current.number != expected_version:
        raise ConcurrentEditError(
            current_version=current.number,
            changes=[
                InterveningChange(
                    field=_("version"),
                    before=expected_version,
                    after=current.number,
                    by=current.created_by.get_username() if current.created_by else "",
                    at=timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            ],
        )
    base = Instrument.objects.filter(code=base_code, municipality__isnull=True).first()
    base_version = base.versions.filter(is_current=True).first() if base is not None else None
    if base is None or base_version is None or not base_version.definition.get("configurable"):
        raise ValidationError(_("This instrument cannot be configured."))
    if not items and not own_items:
        raise ValidationError(_("Choose at least one question."))
    if len(own_items) > 3:
        raise ValidationError(_("Add at most three questions of your own."))
    shipped = {str(item["key"]): item for item in base_version.definition["items"]}
    chosen: list[dict[str, Any]] = []
    for item in items:
        key = str(item["key"])
        if key not in shipped:
            raise ValidationError(_("The burden rating has no question %(key)s.") % {"key": key})
        chosen.append({**copy.deepcopy(shipped[key]), "label": dict(item["label"])})
    keys = [item["key"] for item in chosen]
    definition = copy.deepcopy(base_version.definition)
    if OWN_ITEM_OPTIONS not in definition.get("option_sets", {}):
        raise ValidationError(_("This instrument cannot take questions of your own."))
    own = [
        {
            "key": f"own_{number}",
            "options": OWN_ITEM_OPTIONS,
            "section": "items",
            "label": dict(item["label"]),
        }
        for number, item in enumerate(own_items, start=1)
    ]
    definition["code"] = code
    definition["items"] = chosen + own
    if name_da or name_en:
        definition["name"] = {"da": name_da or name_en, "en": name_en or name_da}
    scales = []
    for scale in definition["scoring"]["scales"]:
        if scale["method"] == "item" and scale["item"] not in keys:
            continue
        if "items" in scale:
            scale = {**scale, "items": [k for k in scale["items"] if k in keys]}
            if not scale["items"]:
                continue
            scale["min_answered"] = min(int(scale.get("min_answered", 1)), len(scale["items"]))
        scales.append(scale)
    scales += [
        {"code": item["key"], "method": "item", "item": item["key"], "label": item["label"]}
        for item in own
    ]
    definition["scoring"]["scales"] = scales
    codes = {s["code"] for s in scales}
    definition["scoring"]["flags"] = [
        f for f in definition["scoring"].get("flags", []) if f.get("scale", "") in codes
    ]
    definition["reliable_change"] = {
        k: v for k, v in definition.get("reliable_change", {}).items() if k in codes
    }
    return store_version(
        definition=definition, municipality=municipality, based_on=base, actor=actor
    )
