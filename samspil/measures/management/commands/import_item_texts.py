"""`manage.py import_item_texts <file.csv> --user <username>`: import licensed item texts (e.g.
the SDQ's, Danish and English) exactly as the system administrator's upload page does
(`services.instruments.import_item_texts`): all or nothing, every problem printed with its
line. The user must be a system administrator (or a superuser): the import is audited in
their name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samspil.accounts.models import User
from samspil.core.exceptions import PermissionDeniedError
from samspil.measures.services import instruments as services


class Command(BaseCommand):
    help = (
        "Import licensed item texts from a UTF-8 CSV file (instrument,version,item,language,text)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the system administrator the import is recorded for.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            stored = services.import_item_texts(actor=user, content=content)
        except PermissionDeniedError as error:
            raise CommandError(
                f"{user.username} is not a system administrator: nothing was imported."
            ) from error
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(
                f"Nothing was imported: {len(error.messages)} problem(s)."
            ) from error
        self.stdout.write(f"Imported {stored} licensed texts.")
