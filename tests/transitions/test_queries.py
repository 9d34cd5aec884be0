"""Query counts: the list page and the list API run the same number of queries for one and for
three transitions, and the transition's page does not grow with its steps, meetings and
advice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.transitions.services import plans as plan_services
from tests.transitions.factories import (
    advice_for,
    child_at_institution,
    meeting_for,
    step_of,
    transition_for,
)


def _add(world, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for number in range(start, start + count):
        transition = transition_for(
            world, child=child_at_institution(world, first_name=f"Kid{number}")
        )
        plan_services.set_step_done(
            actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
        )


def _count(client, url: str, **kwargs) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **kwargs).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["consultant_a", "specialist_a", "foster_parent_a"])
def test_list_page_query_count_does_not_grow_with_rows(world, client, persona) -> None:  # type: ignore[no-untyped-def]
    _add(world, 1)
    client.force_login(getattr(world, persona))
    url = reverse("transitions:list")
    one = _count(client, url)
    _add(world, 2, start=1)
    assert _count(client, url) == one


def test_list_api_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    _add(world, 1)
    _record, token = create_api_token(user=world.consultant_a, name="q")
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/transitions", headers=headers)  # the token's first use is recorded
    one = _count(client, "/api/v1/transitions", headers=headers)
    _add(world, 2, start=1)
    assert _count(client, "/api/v1/transitions", headers=headers) == one


def test_detail_page_query_count_does_not_grow_with_meetings_and_advice(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    meeting_for(world, transition)
    advice_for(world, transition)
    client.force_login(world.consultant_a)
    url = reverse("transitions:detail", args=[transition.uuid])
    one = _count(client, url)
    for _ in range(2):
        meeting_for(world, transition)
        advice_for(world, transition)
    assert _count(client, url) == one
