"""Access-matrix rows for hotlines and their rota: every persona × the hotline pages, the rota,
a shift, a generation run and the API × own / other municipality. Collected by
tests/test_access_matrix.py.

Hotline A is København's, with consultant_a and specialist_a on its rota (a rota member sees the
hotline); hotline B is Vejle's. Leaders of the hotline's municipality manage it (leader_a);
consultants of it see it; everyone else sees nothing (404), and foster parents have no hotline
pages at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from samspil.hotline.models import Hotline, RotaRun, Shift
from tests.access import Row, expect
from tests.competence.factories import at
from tests.hotline.factories import HotlineFactory, ShiftFactory
from tests.hotline.factories_rota import RotaMemberFactory, RotaRunFactory


def _records(w: Any) -> dict[str, Any]:
    """The hotlines, a shift and a run, made on first use and kept on the world."""
    records: dict[str, Any] | None = getattr(w, "_hotline_rota_records", None)
    if records is None:
        hotline_a = HotlineFactory(municipality=w.a, name="Akuttelefon A", team_leader=w.leader_a)
        hotline_b = HotlineFactory(municipality=w.b, name="Akuttelefon B")
        for user in (w.consultant_a, w.specialist_a):
            RotaMemberFactory(hotline=hotline_a, user=user)
        records = {
            "hotline_a": hotline_a,
            "hotline_b": hotline_b,
            "shift_a": ShiftFactory(
                hotline=hotline_a, person=w.consultant_a, starts_at=at(2030, 1, 10, 8)
            ),
            "shift_b": ShiftFactory(
                hotline=hotline_b, person=w.consultant_b, starts_at=at(2030, 1, 10, 8)
            ),
            "run_a": RotaRunFactory(hotline=hotline_a, requested_by=w.leader_a),
        }
        w._hotline_rota_records = records
    return records


def _page(view: str, name: str) -> Callable[[object], str]:
    return lambda w: reverse(view, args=[_records(w)[name].uuid])


def _run_page(w: Any) -> str:
    records = _records(w)
    hotline: Hotline = records["hotline_a"]
    run: RotaRun = records["run_a"]
    return reverse("hotline:rota_run", args=[hotline.uuid, run.uuid])


def _api(template: str, name: str) -> Callable[[object], str]:
    return lambda w: "/api/v1" + template.format(_records(w)[name].uuid)


def _shift(name: str) -> Callable[[object], str]:
    def url(w: object) -> str:
        shift: Shift = _records(w)[name]
        return reverse("hotline:shift_detail", args=[shift.uuid])

    return url


SEES_A = {"consultant_a": 200, "leader_a": 200, "specialist_a": 200}
SEES_B = {"consultant_b": 200}
MANAGES_A = {"leader_a": 200, "consultant_a": 403, "specialist_a": 403}

ROWS: list[Row] = [
    # The list: every staff member (with what they may see); no page for foster parents.
    *expect(
        "hotline-list", lambda w: reverse("hotline:hotline_list"), {"foster_parent_a": 404}, 200
    ),
    # Setting a hotline up: leaders.
    *expect("hotline-create", lambda w: reverse("hotline:hotline_create"), {"leader_a": 200}, 403),
    *expect("hotline-a", _page("hotline:hotline_detail", "hotline_a"), SEES_A, 404),
    *expect("hotline-b", _page("hotline:hotline_detail", "hotline_b"), SEES_B, 404),
    *expect("hotline-a-edit", _page("hotline:hotline_edit", "hotline_a"), MANAGES_A, 404),
    # The rota and its shifts: who sees the hotline; generation runs: its managers.
    *expect("hotline-a-rota", _page("hotline:rota", "hotline_a"), SEES_A, 404),
    *expect("hotline-b-rota", _page("hotline:rota", "hotline_b"), SEES_B, 404),
    *expect("hotline-a-shift", _shift("shift_a"), SEES_A, 404),
    *expect("hotline-b-shift", _shift("shift_b"), SEES_B, 404),
    *expect("hotline-a-rota-run", _run_page, MANAGES_A, 404),
    # API: the same policy.
    *expect("api-hotlines", lambda w: "/api/v1/hotlines", {}, 200, api=True),
    *expect(
        "api-hotline-a-on-duty", _api("/hotlines/{}/on-duty", "hotline_a"), SEES_A, 404, api=True
    ),
    *expect(
        "api-hotline-b-on-duty", _api("/hotlines/{}/on-duty", "hotline_b"), SEES_B, 404, api=True
    ),
]
