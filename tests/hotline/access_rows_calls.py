"""Access-matrix rows for hotline calls and follow-ups: every persona × the call page, the call
view of a family, the open calls, a call, completing a stub, a follow-up and the list.
Collected by tests/test_access_matrix.py.

Hotline A is København's; specialist_a answers it now (a shift around now). On hotline A-late,
also København's, specialist_a is on the rota but their shift ended three hours ago (the call
view closes two hours after a shift). The call on hotline A for family_a was registered by
specialist_a just now; its follow-up is consultant_a's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from samspil.hotline.models import RotaMember
from samspil.hotline.services import calls as services
from tests.access import Row, expect
from tests.hotline.factories import HotlineFactory, ShiftFactory


def _records(w: Any) -> dict[str, Any]:
    """The hotlines, shifts and calls, made on first use and kept on the world."""
    records: dict[str, Any] | None = getattr(w, "_hotline_call_records", None)
    if records is None:
        hotline = HotlineFactory(name="Akuttelefon A", municipality=w.a, team_leader=w.leader_a)
        ShiftFactory(hotline=hotline, person=w.specialist_a)
        late = HotlineFactory(name="Akuttelefon A-late", municipality=w.a)
        RotaMember.objects.create(hotline=late, user=w.specialist_a)
        ended = timezone.now() - dt.timedelta(hours=3)
        ShiftFactory(
            hotline=late,
            person=w.specialist_a,
            starts_at=ended - dt.timedelta(hours=8),
            ends_at=ended,
        )
        call = services.register_call(actor=w.specialist_a, hotline=hotline, family=w.family_a)
        stub = services.create_call_stub(
            actor=w.leader_a,
            hotline=hotline,
            received_at=timezone.now() - dt.timedelta(minutes=5),
            caller_phone="61626364",
        )
        records = {
            "hotline": hotline,
            "late": late,
            "call": call,
            "stub": stub,
            "follow_up": call.follow_up,
        }
        w._hotline_call_records = records
    return records


def _url(
    view: str, name: str, query: Callable[[Any], str] | None = None
) -> Callable[[object], str]:
    def url(w: Any) -> str:
        path = reverse(view, args=[_records(w)[name].uuid])
        return path + (query(w) if query else "")

    return url


ANSWERS_A = {"consultant_a": 200, "leader_a": 200, "specialist_a": 200}
OUTSIDE_SHIFT = {"consultant_a": 200, "leader_a": 200, "specialist_a": 403}
MUNICIPALITY_A = {"consultant_a": 200, "leader_a": 200}

ROWS: list[Row] = [
    *expect("hotline-call-create", _url("hotline:call_create", "hotline"), ANSWERS_A, 404),
    *expect(
        "hotline-call-create-after-shift", _url("hotline:call_create", "late"), OUTSIDE_SHIFT, 404
    ),
    *expect(
        "hotline-call-view",
        _url("hotline:call_create", "hotline", lambda w: f"?family={w.family_a.uuid}"),
        ANSWERS_A,
        404,
    ),
    *expect(
        "hotline-call-view-after-shift",
        _url("hotline:call_create", "late", lambda w: f"?family={w.family_a.uuid}"),
        OUTSIDE_SHIFT,
        404,
    ),
    # Vejle's family is not one of the hotline's: nobody finds it there.
    *expect(
        "hotline-call-view-other-municipality",
        _url("hotline:call_create", "hotline", lambda w: f"?family={w.family_b.uuid}"),
        {},
        404,
    ),
    *expect(
        "hotline-call-search",
        _url("hotline:call_create", "hotline", lambda w: "?q=Andersen"),
        ANSWERS_A,
        404,
    ),
    *expect("hotline-open-calls", _url("hotline:call_open_list", "hotline"), ANSWERS_A, 404),
    *expect("hotline-call-detail", _url("hotline:call_detail", "call"), ANSWERS_A, 404),
    *expect("hotline-call-complete", _url("hotline:call_complete", "stub"), ANSWERS_A, 404),
    *expect(
        "hotline-follow-up-detail",
        _url("hotline:follow_up_detail", "follow_up"),
        MUNICIPALITY_A,
        404,
    ),
    # The list answers everyone logged in with what they may see (tested in test_follow_ups).
    *expect("hotline-follow-up-list", lambda w: reverse("hotline:follow_up_list"), {}, 200),
]
