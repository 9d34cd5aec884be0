from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connection
from tqdm import tqdm

from samspil.core.demo.national import (
    NationalDataExistsError,
    ProgressBar,
    ProgressFactory,
    generate_national,
    no_progress,
)


class _RawStream:
    """Lets tqdm write to the command's stderr without OutputWrapper adding newlines."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Command(BaseCommand):
    help = (
        "Create deterministic synthetic data for all 98 municipalities (about 10,000 foster "
        "families and 14,000 children at --scale 1), for benchmarks. Refuses if national data "
        "exists unless --reset is given; --reset deletes only the national data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the national targets, e.g. 0.01 for a quick test (default 1.0).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete existing national data (never the demo data or the audit log) first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Side effects: writes the national data set and one audit entry; progress bars on
        stderr (none with --verbosity 0)."""
        scale: float = options["scale"]
        if scale <= 0:
            raise CommandError("--scale must be a positive number.")
        progress: ProgressFactory = no_progress
        if options["verbosity"] > 0:
            stream = _RawStream(self.stderr)

            def progress(description: str, total: int) -> ProgressBar:
                return tqdm(total=total, desc=description, file=stream, leave=True)

        started = time.perf_counter()
        try:
            counts = generate_national(scale=scale, reset=options["reset"], progress=progress)
        except NationalDataExistsError:
            raise CommandError(
                "National data already exists (users named 'nat.*'). "
                "Run with --reset to delete it and generate it again."
            ) from None
        elapsed = time.perf_counter() - started
        if options["verbosity"] > 0:
            summary = ", ".join(f"{name} {number}" for name, number in counts.as_dict().items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"National data created on {connection.vendor} in {elapsed:.1f} s: {summary}."
                )
            )
