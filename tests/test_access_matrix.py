"""The access matrix: every role × every view and API endpoint × own / other municipality.

Each row is (persona, method, url, expected status). Later capabilities extend the matrix by
adding rows to ROWS; the personas and their records come from conftest.World. The API rows use
a personal token; the UI rows a logged-in session.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.urls import reverse

from samspil.accounts.services import create_api_token
from tests.access import Row, api_url, child_url, expect, family_url

ROWS: list[Row] = [
    # Family detail: own municipality, case worker's child, foster parent's own family.
    *expect(
        "family-a-detail",
        family_url("family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
    ),
    *expect("family-b-detail", family_url("family_b"), {"consultant_b": 200}, 404),
    *expect(
        "family-a-other-detail",
        family_url("family_a_other"),
        {"consultant_a": 200, "leader_a": 200},
        404,
    ),
    # Editing: only the municipality's consultants and leaders; others who can see get 403.
    *expect(
        "family-a-edit",
        family_url("family_a", "families:edit"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    *expect("family-b-edit", family_url("family_b", "families:edit"), {"consultant_b": 200}, 404),
    *expect(
        "family-a-reassign",
        family_url("family_a", "families:reassign_consultant"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 403, "foster_parent_a": 403},
        404,
    ),
    # Children.
    *expect(
        "child-a-detail",
        child_url("child_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
    ),
    *expect("child-b-detail", child_url("child_b"), {"consultant_b": 200}, 404),
    *expect(
        "child-a-edit",
        child_url("child_a", "families:child_edit"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 403},
        404,
    ),
    # Lists and creation pages.
    *expect(
        "family-create",
        lambda w: reverse("families:create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    *expect(
        "child-create",
        lambda w: reverse("families:child_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    # Leaders' pages: 404 for everyone else (existence does not leak).
    *expect("staff-list", lambda w: reverse("accounts:staff_list"), {"leader_a": 200}, 404),
    *expect("audit-log", lambda w: reverse("audit:list"), {"leader_a": 200}, 404),
    # Organisations are not personal data: every staff role, not foster parents.
    *expect(
        "municipalities",
        lambda w: reverse("organisations:municipality_list"),
        {"foster_parent_a": 404},
        200,
    ),
    *expect(
        "institutions",
        lambda w: reverse("organisations:institution_list"),
        {"foster_parent_a": 404},
        200,
    ),
    *expect(
        "collaborations",
        lambda w: reverse("organisations:collaboration_list"),
        {"foster_parent_a": 404},
        200,
    ),
    # API: the same policy.
    *expect(
        "api-family-a",
        api_url("/families/{}", "family_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect(
        "api-family-b", api_url("/families/{}", "family_b"), {"consultant_b": 200}, 404, api=True
    ),
    *expect(
        "api-child-a",
        api_url("/children/{}", "child_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect(
        "api-child-b", api_url("/children/{}", "child_b"), {"consultant_b": 200}, 404, api=True
    ),
    *expect(
        "api-placement-a",
        api_url("/placements/{}", "placement_a"),
        {"consultant_a": 200, "leader_a": 200, "case_worker_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect("api-families-list", api_url("/families"), {}, 200, api=True),
    *expect(
        "api-municipalities", api_url("/municipalities"), {"foster_parent_a": 404}, 200, api=True
    ),
    *expect("api-institutions", api_url("/institutions"), {"foster_parent_a": 404}, 200, api=True),
    *expect(
        "api-collaborations", api_url("/collaborations"), {"foster_parent_a": 404}, 200, api=True
    ),
]


def _collect_rows() -> list[Row]:
    rows: list[Row] = []
    for path in sorted(Path(__file__).parent.rglob("access_rows*.py")):
        module = ".".join(path.relative_to(Path(__file__).parent.parent).with_suffix("").parts)
        rows += importlib.import_module(module).ROWS
    return rows


ROWS += _collect_rows()


def _by_page(rows: list[Row]) -> dict[str, list[Row]]:
    """The rows grouped by page: one test per page runs every persona against one world, which
    keeps the matrix fast (the world is built once per page, not once per persona)."""
    pages: dict[str, list[Row]] = {}
    for row in rows:
        pages.setdefault(row.label or row.id(), []).append(row)
    return pages


PAGES = _by_page(ROWS)


@pytest.mark.parametrize("label", PAGES, ids=list(PAGES))
def test_access_matrix(label: str, world, client) -> None:  # type: ignore[no-untyped-def]
    mismatches = []
    urls: dict[int, str] = {}  # a page's records are made once, whoever asks
    for row in PAGES[label]:
        if id(row.url) not in urls:
            urls[id(row.url)] = row.url(world)
        client.logout()
        user = world.persona(row.persona)
        headers = {}
        if row.api:
            if user is not None:
                _record, token = create_api_token(user=user, name="matrix")
                headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            client.force_login(user)
        status = client.get(urls[id(row.url)], headers=headers).status_code
        if status != row.expected:
            mismatches.append(f"{row.persona}: {status}, expected {row.expected}")
    assert mismatches == []


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
    response = client.get(reverse("families:detail", args=[world.family_a.uuid]))
    assert (response.status_code, response.context["family"]) == (200, world.family_a)
    assert client.get(reverse("families:detail", args=[world.family_b.uuid])).status_code == 404
