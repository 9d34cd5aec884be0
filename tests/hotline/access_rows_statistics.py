"""Access-matrix rows for the hotline statistics: every persona × the page, the export, the API
and the index × own / other municipality. Collected by tests/test_access_matrix.py.

Hotline A is København's, staffed in the evenings by institution_a (so specialist_a sees the
hotline, but not its statistics); hotline B is Vejle's. Only leaders of a hotline's
municipalities see its statistics; who sees the hotline otherwise gets 403, everyone else 404.
leader_b (not one of the matrix personas) is covered in test_statistics_views.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from samspil.hotline.enums import StaffedBy
from samspil.hotline.models import Hotline, StaffingRule
from tests.access import Row, expect
from tests.hotline.factories import HotlineFactory


def _hotlines(w: Any) -> dict[str, Hotline]:
    """The two hotlines, made on first use and kept on the world."""
    hotlines: dict[str, Hotline] | None = getattr(w, "_statistics_hotlines", None)
    if hotlines is None:
        hotline_a = HotlineFactory(name="Akuttelefon A", municipality=w.a, team_leader=w.leader_a)
        StaffingRule.objects.create(
            hotline=hotline_a,
            starts=dt.time(16),
            ends=dt.time(23),
            staffed_by=StaffedBy.INSTITUTION,
            institution=w.institution_a,
        )
        hotlines = {
            "a": hotline_a,
            "b": HotlineFactory(name="Akuttelefon B", municipality=w.b),
        }
        w._statistics_hotlines = hotlines
    return hotlines


def _page(name: str, which: str, query: str = "") -> Callable[[object], str]:
    return lambda w: reverse(name, args=[_hotlines(w)[which].uuid]) + query


def _api(which: str) -> Callable[[object], str]:
    return lambda w: f"/api/v1/hotlines/{_hotlines(w)[which].uuid}/statistics"


def _index(w: Any) -> str:
    _hotlines(w)
    return reverse("hotline:statistics_index")


# Who sees hotline A without being a leader of København: its consultants, and the staff of
# the institution that answers it in the evenings.
SEES_A = {"consultant_a": 403, "specialist_a": 403}

ROWS: list[Row] = [
    *expect(
        "hotline-statistics-a",
        _page("hotline:statistics", "a"),
        {"leader_a": 200, **SEES_A},
        404,
    ),
    *expect("hotline-statistics-b", _page("hotline:statistics", "b"), {"consultant_b": 403}, 404),
    *expect(
        "hotline-statistics-export-a",
        _page("hotline:statistics_export", "a", "?format=csv"),
        {"leader_a": 200, **SEES_A},
        404,
    ),
    *expect(
        "hotline-statistics-export-b",
        _page("hotline:statistics_export", "b", "?format=xlsx"),
        {"consultant_b": 403},
        404,
    ),
    *expect("hotline-statistics-api-a", _api("a"), {"leader_a": 200, **SEES_A}, 404, api=True),
    *expect("hotline-statistics-api-b", _api("b"), {"consultant_b": 403}, 404, api=True),
    # The index sends a leader with one hotline straight to it; nobody else has one.
    *expect("hotline-statistics-index", _index, {"leader_a": 302}, 404),
]
