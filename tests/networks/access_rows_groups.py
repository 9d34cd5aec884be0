"""Access-matrix rows for network groups: every persona × the group and meeting pages, the gap
report and the API × own / other municipality × facilitating institution. Collected by
tests/test_access_matrix.py.

Group A is in København, facilitated by specialist_a (institution_a) with family_a (foster_parent_a)
and family_a_other as members; group B is in Vejle; group A-other is in København, facilitated by
consultant_a, without family_a. What a member sees of the others (consent) is tested in
tests/networks/test_groups_views.py and test_group_api.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from samspil.networks.models import Meeting, NetworkGroup
from tests.access import Row, expect
from tests.competence.factories import at
from tests.networks.factories_groups import group_for, meeting_for, self_running


def _records(w: Any) -> dict[str, Any]:
    """The groups and meetings, made on first use and kept on the world."""
    records: dict[str, Any] | None = getattr(w, "_network_group_records", None)
    if records is None:
        group_a = group_for(w, name="Gruppe A")
        group_b = group_for(
            w,
            [w.family_b],
            name="Gruppe B",
            municipality=w.b,
            facilitator=w.consultant_b,
            institution=None,
        )
        group_a_other = group_for(
            w, [], name="Gruppe A2", facilitator=w.consultant_a, institution=None
        )
        records = {
            "group_a": group_a,
            "group_b": group_b,
            "group_a_other": group_a_other,
            "meeting_a": meeting_for(group_a, at(2030, 1, 10, 19)),
            "meeting_b": meeting_for(group_b, at(2030, 1, 10, 19)),
        }
        w._network_group_records = records
    return records


def _self_running_a(w: Any) -> NetworkGroup:
    """Group A once it runs itself with family_a as the contact family."""
    return self_running(_records(w)["group_a"], w.family_a)


def _group(name: str) -> Callable[[Any], NetworkGroup]:
    return lambda w: _records(w)[name]


def _meeting(name: str) -> Callable[[Any], Meeting]:
    return lambda w: _records(w)[name]


def _page(view: str, make: Callable[[Any], Any]) -> Callable[[object], str]:
    return lambda w: reverse(view, args=[make(w).uuid])


def _api(template: str, make: Callable[[Any], Any]) -> Callable[[object], str]:
    return lambda w: "/api/v1" + template.format(make(w).uuid)


SEES_A = {"consultant_a": 200, "leader_a": 200, "specialist_a": 200, "foster_parent_a": 200}
SEES_B = {"consultant_b": 200}
SEES_A_OTHER = {"consultant_a": 200, "leader_a": 200}
RUNS_A = {"consultant_a": 200, "leader_a": 200, "specialist_a": 200, "foster_parent_a": 403}

ROWS: list[Row] = [
    # The list answers everyone logged in with what they may see (tested in
    # test_groups_views); a foster parent gets their own group or a friendly page.
    *expect("network-group-list", lambda w: reverse("networks:group_list"), {}, 200),
    # Creating by hand: the municipalities' consultants and leaders.
    *expect(
        "network-group-create",
        lambda w: reverse("networks:group_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    # A group: the municipality's staff, the facilitating institution, the member families.
    *expect("network-group-a", _page("networks:group_detail", _group("group_a")), SEES_A, 404),
    *expect("network-group-b", _page("networks:group_detail", _group("group_b")), SEES_B, 404),
    *expect(
        "network-group-a-other",
        _page("networks:group_detail", _group("group_a_other")),
        SEES_A_OTHER,
        404,
    ),
    # Finding a family to add (GET; adding is a POST): those who manage the group; a member
    # family sees the group but may not (403).
    *expect(
        "network-group-add-member-a",
        _page("networks:group_add_member", _group("group_a")),
        RUNS_A,
        404,
    ),
    # Meetings: who sees the group sees its meetings; planning and changing is for those who
    # manage it (a member family sees but may not, 403) ...
    *expect(
        "network-meeting-a", _page("networks:meeting_detail", _meeting("meeting_a")), SEES_A, 404
    ),
    *expect(
        "network-meeting-b", _page("networks:meeting_detail", _meeting("meeting_b")), SEES_B, 404
    ),
    *expect(
        "network-meeting-create-a",
        _page("networks:meeting_create", _group("group_a")),
        RUNS_A,
        404,
    ),
    *expect(
        "network-meeting-edit-a", _page("networks:meeting_edit", _meeting("meeting_a")), RUNS_A, 404
    ),
    # ... and, once the group runs itself, for its contact family too.
    *expect(
        "network-meeting-create-self-running",
        _page("networks:meeting_create", _self_running_a),
        {**RUNS_A, "foster_parent_a": 200},
        404,
    ),
    # The cadence gaps: the municipalities' consultants and leaders (project lead).
    *expect(
        "network-gaps",
        lambda w: reverse("networks:gap_report"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        404,
    ),
    # API: the same policy.
    *expect("api-network-groups", lambda w: "/api/v1/network-groups", {}, 200, api=True),
    *expect(
        "api-network-group-a", _api("/network-groups/{}", _group("group_a")), SEES_A, 404, api=True
    ),
    *expect(
        "api-network-group-b", _api("/network-groups/{}", _group("group_b")), SEES_B, 404, api=True
    ),
    *expect(
        "api-network-group-a-meetings",
        _api("/network-groups/{}/meetings", _group("group_a")),
        SEES_A,
        404,
        api=True,
    ),
    *expect("api-network-gaps", lambda w: "/api/v1/network-gaps", {}, 200, api=True),
]
