"""Danish postcodes → coordinates, from the shipped table `data/postcodes.csv` (see its README
for sources and licences). Pure lookups; the table is read once per process."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "postcodes.csv"


@cache
def _table() -> dict[str, tuple[float, float]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {
            row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def coordinates(postcode: str) -> tuple[float, float] | None:
    """The postcode's representative point (latitude, longitude), or None if unknown."""
    return _table().get(postcode.strip())


def known_postcodes() -> frozenset[str]:
    return frozenset(_table())
