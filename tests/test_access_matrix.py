"""The access matrix: every role × every view and API endpoint × own / other municipality.

Each row is (persona, method, url, expected status). Later capabilities extend the matrix by
adding rows to ROWS; the personas and their records come from conftest.World. The API rows use
a personal token; the UI rows a logged-in session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from samspil.accounts.services import create_api_token

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


def _expect(
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


ROWS: list[Row] = [
    # Family detail: own municipality, case worker's child, foster parent's own family.
    *_expect(
        "family-a-detail",
        family_url("family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
    ),
    *_expect("family-b-detail", family_url("family_b"), {"consultant_b": 200}, 404),
    *_expect(
        "family-a-other-detail",
        family_url("family_a_other"),
        {"consultant_a": 200, "leader_a": 200},
        404,
    ),
    # Editing: only the municipality's consultants and leaders; others who can see get 403.
    *_expect(
        "family-a-edit",
        family_url("family_a", "families:edit"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *_expect("family-b-edit", family_url("family_b", "families:edit"), {"consultant_b": 200}, 404),
    *_expect(
        "family-a-reassign",
        family_url("family_a", "families:reassign_consultant"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    # Children.
    *_expect(
        "child-a-detail",
        child_url("child_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
    ),
    *_expect("child-b-detail", child_url("child_b"), {"consultant_b": 200}, 404),
    *_expect(
        "child-a-edit",
        child_url("child_a", "families:child_edit"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 403},
        404,
    ),
    # Lists and creation pages.
    *_expect(
        "family-create",
        lambda w: reverse("families:create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    *_expect(
        "child-create",
        lambda w: reverse("families:child_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    # Leaders' pages: 404 for everyone else (existence does not leak).
    *_expect("staff-list", lambda w: reverse("accounts:staff_list"), {"leader_a": 200}, 404),
    *_expect("audit-log", lambda w: reverse("audit:list"), {"leader_a": 200}, 404),
    # Organisations are not personal data: every staff role, not foster parents.
    *_expect(
        "municipalities",
        lambda w: reverse("organisations:municipality_list"),
        {"foster_parent_a": 404},
        200,
    ),
    *_expect(
        "institutions",
        lambda w: reverse("organisations:institution_list"),
        {"foster_parent_a": 404},
        200,
    ),
    *_expect(
        "collaborations",
        lambda w: reverse("organisations:collaboration_list"),
        {"foster_parent_a": 404},
        200,
    ),
    # API: the same policy.
    *_expect(
        "api-family-a",
        api_url("/families/{}", "family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *_expect(
        "api-family-b", api_url("/families/{}", "family_b"), {"consultant_b": 200}, 404, api=True
    ),
    *_expect(
        "api-child-a",
        api_url("/children/{}", "child_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *_expect(
        "api-child-b", api_url("/children/{}", "child_b"), {"consultant_b": 200}, 404, api=True
    ),
    *_expect(
        "api-placement-a",
        api_url("/placements/{}", "placement_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *_expect("api-families-list", api_url("/families"), {}, 200, api=True),
    *_expect(
        "api-municipalities", api_url("/municipalities"), {"foster_parent_a": 404}, 200, api=True
    ),
    *_expect("api-institutions", api_url("/institutions"), {"foster_parent_a": 404}, 200, api=True),
    *_expect(
        "api-collaborations", api_url("/collaborations"), {"foster_parent_a": 404}, 200, api=True
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.id() for row in ROWS])
def test_access_matrix(row: Row, world, client) -> None:  # type: ignore[no-untyped-def]
    user = world.persona(row.persona)
    headers = {}
    if row.api:
        if user is not None:
            _record, token = create_api_token(user=user, name="matrix")
            headers["Authorization"] = f"Bearer {token}"
    elif user is not None:
        client.force_login(user)
    response = client.get(row.url(world), headers=headers)
    assert response.status_code == row.expected


# Which families each persona sees in the list (UI and API): the list and the detail page
# must agree.
LIST_ROWS = {
    "consultant_a": {"family_a", "family_a_other"},
    "consultant_b": {"family_b"},
    "leader_a": {"family_a", "family_a_other"},
    "case_worker_a": {"family_a"},
    "specialist_a": set(),
    "foster_parent_a": {"family_a"},
    "evaluator": set(),
    "programme_officer": set(),
    "sysadmin": set(),
}


@pytest.mark.parametrize(("persona", "expected"), LIST_ROWS.items(), ids=list(LIST_ROWS))
def test_family_list_shows_exactly_the_visible_families(
    persona: str, expected: set[str], world, client
) -> None:  # type: ignore[no-untyped-def]
    user = world.persona(persona)
    _record, token = create_api_token(user=user, name="matrix")
    response = client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"})
    seen = {item["id"] for item in response.json()["items"]}
    assert seen == {str(getattr(world, name).uuid) for name in expected}


def test_specialist_sees_family_while_institution_is_engaged(world, client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from tests.factories import engage

    engage(world.family_a, world.institution_a, starts_on=dt.date(2020, 1, 1))
    client.force_login(world.specialist_a)
    assert client.get(reverse("families:detail", args=[world.family_a.uuid])).status_code == 200
    assert client.get(reverse("families:detail", args=[world.family_b.uuid])).status_code == 404
