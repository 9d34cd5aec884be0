"""Building blocks of the access matrix (tests/test_access_matrix.py).

A row is (persona, url, expected status). Each capability adds its rows in a module named
`access_rows*.py` anywhere under tests/ exporting `ROWS`; the matrix collects them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

ALL_PERSONAS = [
    "consultant_a",
    "consultant_b",
    "leader_a",
    "case_worker_a",
    "specialist_a",
    "foster_parent_a",
    "evaluator",
    "programme_officer",
    "sysadmin",
    "anonymous",
]


@dataclass(frozen=True)
class Row:
    persona: str
    url: Callable[[object], str]
    expected: int
    api: bool = False
    label: str = ""

    def id(self) -> str:
        return f"{self.persona}-{self.label}"


def expect(
    label: str,
    url: Callable[[object], str],
    allowed: dict[str, int],
    default: int,
    *,
    api: bool = False,
) -> list[Row]:
    anonymous = 401 if api else 302
    return [
        Row(
            persona,
            url,
            allowed.get(persona, anonymous if persona == "anonymous" else default),
            api=api,
            label=label,
        )
        for persona in ALL_PERSONAS
    ]


def family_url(attr: str, name: str = "families:detail") -> Callable[[object], str]:
    return lambda w: reverse(name, args=[getattr(w, attr).uuid])


def child_url(attr: str, name: str = "families:child_detail") -> Callable[[object], str]:
    return lambda w: reverse(name, args=[getattr(w, attr).uuid])


def api_url(template: str, attr: str | None = None) -> Callable[[object], str]:
    return lambda w: "/api/v1" + (template.format(getattr(w, attr).uuid) if attr else template)
