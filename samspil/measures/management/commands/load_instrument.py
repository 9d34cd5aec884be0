"""`manage.py load_instrument <definition.json> [--municipality CODE] [--user USERNAME]
[--check]`: store a new instrument, or a new version of one, from a JSON definition file — a new
instrument or version without code (docs/instruments.md describes the format).

The definition is checked first (`catalogue.check`, which also scores an empty answer set) and
every problem printed; nothing is stored then. A definition identical to the instrument's
current version (apart from its `version` number) stores nothing. Otherwise it becomes the current version with the next number
(`services.instruments.store_version`); answers already given keep their version. With
`--municipality` a new instrument belongs to that municipality (its own catalogue); with
`--user` the version is recorded (and audited) for that user; `--check` only checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samspil.accounts.models import User
from samspil.measures import catalogue
from samspil.measures.models import InstrumentVersion
from samspil.measures.services import instruments as services
from samspil.organisations.models import Municipality


class Command(BaseCommand):
    help = "Store a new instrument or instrument version from a JSON definition file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The definition (JSON, UTF-8).")
        parser.add_argument("--municipality", help="Code of the owning municipality, if any.")
        parser.add_argument("--user", help="Username the new version is recorded for.")
        parser.add_argument("--check", action="store_true", help="Only check; store nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            definition = json.loads(path.read_text("utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        if not isinstance(definition, dict):
            raise CommandError(f"{path} must hold one JSON object (the definition).")
        problems = catalogue.check(definition)
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"The definition has {len(problems)} problem(s): nothing stored.")
        if options["check"]:
            self.stdout.write(f"{definition['code']}: the definition checks.")
            return
        municipality = None
        if options["municipality"]:
            municipality = Municipality.objects.filter(code=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"No municipality with code {options['municipality']!r}.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {options['user']!r}.")
        current = InstrumentVersion.objects.filter(
            instrument__code=definition["code"], is_current=True
        ).first()
        if current is not None and _apart_from_version(current.definition) == _apart_from_version(
            definition
        ):
            self.stdout.write(
                f"{definition['code']}: unchanged, version {current.number} is current."
            )
            return
        try:
            version = services.store_version(
                definition=definition, municipality=municipality, actor=actor
            )
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(f"- {message}")
            raise CommandError("Nothing stored.") from error
        self.stdout.write(f"{definition['code']}: stored version {version.number} (now current).")


def _apart_from_version(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition without its `version` (the stored one carries the number it got)."""
    return {key: value for key, value in definition.items() if key != "version"}
