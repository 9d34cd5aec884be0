"""The mentor pages run the same number of queries whatever the data: no candidate, one or 30
(with mentorships current and past, courses, children), and with or without a mandatory
start-up course in the catalogue. The national benchmark compares København with Læsø the same
way (bench/run.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.competence.enums import EnrolmentStatus
from samspil.families.models import FosterFamily
from tests.competence.factories import at
from tests.networks import factories_mentors as m

PAGES = ["list", "list-search", "list-htmx-search", "list-consent", "suggestions"]


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
        yield


def _get(client: Client, page: str, mentee: FosterFamily) -> Any:
    url = reverse("networks:mentor_list")
    if page == "list-search":
        return client.get(url, {"q": "Familien"})
    if page == "list-htmx-search":
        return client.get(url, {"q": "Familien"}, headers={"HX-Request": "true"})
    if page == "list-consent":
        return client.get(url, {"consent": str(mentee.uuid)})
    if page == "suggestions":
        url = reverse("networks:mentor_suggestions")
        return client.get(url, {"family": str(mentee.uuid), "reason": "new_family"})
    return client.get(url)


def _queries(client: Client, page: str, mentee: FosterFamily) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, page, mentee).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_mentor_page_query_count_is_the_same_for_0_1_and_30_candidates(world, client, page) -> None:
    mentee = m.new_family(world)
    client.force_login(world.consultant_a)
    counts = [_queries(client, page, mentee)]
    m.candidates(world, 1)
    counts.append(_queries(client, page, mentee))
    m.candidates(world, 29, start=1)
    counts.append(_queries(client, page, mentee))
    assert counts == [counts[0]] * 3


@pytest.mark.parametrize("page", PAGES)
def test_mentor_page_query_count_does_not_depend_on_a_mandatory_course(world, client, page) -> None:
    mentee = m.new_family(world)
    m.candidates(world, 3)
    client.force_login(world.consultant_a)
    without = _queries(client, page, mentee)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 10, 20, 9)))
    m.enrol(
        mentee,
        m.mandatory_session(world, at(2026, 11, 3, 9), title="Førstehjælp"),
        EnrolmentStatus.WAITLISTED,
    )
    m.mandatory_session(world, at(2026, 12, 1, 9), title="Netværk for nye")
    assert _queries(client, page, mentee) == without


def test_past_mentorships_page_past_the_end_shows_the_last_page(world, client, settings) -> None:
    settings.SAMSPIL_PAGE_SIZE = 2
    m.candidates(world, 11)  # three past mentorships: two pages
    client.force_login(world.consultant_a)
    page = client.get(reverse("networks:mentor_list"), {"page": "9"}).context["page"]
    assert (page.number, page.paginator.count, len(page.object_list)) == (2, 3, 1)


def test_past_mentorships_page_counts_in_the_same_query(world, client, settings) -> None:
    settings.SAMSPIL_PAGE_SIZE = 2
    m.candidates(world, 11)
    client.force_login(world.consultant_a)
    page = client.get(reverse("networks:mentor_list")).context["page"]
    assert (
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        [f.mentor.name for f in page.object_list],
    ) == (1, 3, 2, ["Familien Kandidat 10", "Familien Kandidat 5"])
