"""Ranked mentor suggestions from the database: the order, the reasons in words, the ineligible
with what they lack, the audit entry, the page and its query count (the score itself:
test_mentor_ranking.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks.selectors import mentors as selectors
from tests.competence.factories import at
from tests.networks import factories_mentors as m


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
        yield


def _ranked(world: Any, mentee: Any, reason: str = "new_family") -> list[str]:
    found = selectors.suggestions_for(world.consultant_a, mentee, reason, today=m.TODAY)
    return [c.family.name for c in found.ranked]


def _url(family: Any, reason: str = "new_family") -> str:
    return f"{reverse('networks:mentor_suggestions')}?family={family.uuid}&reason={reason}"


def test_nearer_family_ranks_first_all_else_equal(world) -> None:
    m.mentor(world, "Familien Hillerød", postcode="3400")
    m.mentor(world, "Familien Nabo", postcode="2400")
    assert _ranked(world, m.new_family(world)) == ["Familien Nabo", "Familien Hillerød"]


def test_experience_with_children_of_the_mentees_ages_ranks_first(world) -> None:
    m.mentor(world, "Familien Småbørn", child_born=dt.date(2025, 1, 1))
    m.mentor(world, "Familien Skolebørn", child_born=dt.date(2014, 1, 1))
    assert _ranked(world, m.new_family(world, child_born=dt.date(2018, 5, 1))) == [
        "Familien Skolebørn",
        "Familien Småbørn",
    ]


def test_particular_needs_puts_the_more_experienced_family_first(world) -> None:
    m.mentor(world, "Familien Nabo", years=4, postcode="2400")
    m.mentor(world, "Familien Veteran", years=12, postcode="3400")
    mentee = m.new_family(world)
    assert (_ranked(world, mentee), _ranked(world, mentee, "particular_needs")) == (
        ["Familien Nabo", "Familien Veteran"],
        ["Familien Veteran", "Familien Nabo"],
    )


def test_family_with_fewer_current_mentees_ranks_first(world) -> None:
    busy = m.mentor(world, "Familien Travl")
    m.mentor(world, "Familien Ledig")
    m.mentorship(world, busy, m.new_family(world, "Familien En"))
    assert _ranked(world, m.new_family(world)) == ["Familien Ledig", "Familien Travl"]


def test_equal_families_are_ranked_by_name(world) -> None:
    m.mentor(world, "Familien Beta")
    m.mentor(world, "Familien Alfa")
    assert _ranked(world, m.new_family(world)) == ["Familien Alfa", "Familien Beta"]


def test_suggestion_gives_the_reasons_for_its_rank_in_words(world) -> None:
    m.mentor(world, "Familien Erfaren", years=6, child_born=dt.date(2012, 1, 1))
    found = selectors.suggestions_for(
        world.consultant_a, m.new_family(world), "new_family", today=m.TODAY
    )
    candidate = found.ranked[0]
    assert (candidate.rank, candidate.score, candidate.reasons) == (
        1,
        82,
        [
            "0 km away",
            "has had children aged 6–12",
            "no current mentees (at most 2)",
            "6 years as foster family",
            "completed: Tilknytning i praksis",
        ],
    )


def test_distance_between_postcodes_is_in_the_reasons(world) -> None:
    m.mentor(world, "Familien Lyngby", postcode="2800")
    found = selectors.suggestions_for(
        world.consultant_a, m.new_family(world), "new_family", today=m.TODAY
    )
    assert (found.ranked[0].distance_km, found.ranked[0].reasons[0]) == (8, "8 km away")


def test_ineligible_consenting_families_are_listed_with_what_they_lack(world) -> None:
    m.mentor(world, "Familien Erfaren")
    m.mentor(world, "Familien Ny I Faget", years=1, course=False)
    found = selectors.suggestions_for(
        world.consultant_a, m.new_family(world), "new_family", today=m.TODAY
    )
    assert [(c.family.name, c.lacks) for c in found.ineligible] == [
        (
            "Familien Ny I Faget",
            [
                "1 year as foster family (at least 3 required)",
                "no completed training or supervision course",
            ],
        )
    ]


def test_suggestions_are_audited_with_every_family_listed(world) -> None:
    first = m.mentor(world, "Familien Erfaren")
    second = m.mentor(world, "Familien Kort", years=1)
    mentee = m.new_family(world)
    selectors.suggestions_for(world.consultant_a, mentee, "extra_child", today=m.TODAY)
    entry = AuditEntry.objects.get(action="networks.mentor.suggestions")
    assert (entry.object_uuid, entry.data["reason"], sorted(entry.data["families"])) == (
        mentee.uuid,
        "extra_child",
        sorted([str(first.uuid), str(second.uuid)]),
    )


def test_suggestions_for_a_family_the_user_cannot_broker_are_refused(world) -> None:
    with pytest.raises(PermissionDeniedError):
        selectors.suggestions_for(world.foster_parent_a, world.family_a, "new_family")


def test_suggestions_page_shows_ranks_reasons_and_the_ineligible(world, client) -> None:
    m.mentor(world, "Familien Erfaren")
    m.mentor(world, "Familien Kort", years=1)
    client.force_login(world.consultant_a)
    response = client.get(_url(m.new_family(world)))
    found = response.context["found"]
    assert (
        [c.family.name for c in found.ranked],
        [c.family.name for c in found.ineligible],
    ) == (["Familien Erfaren"], ["Familien Kort"])
    assert "1 year as foster family (at least 3 required)" in response.content.decode()


def test_suggestions_page_answers_404_for_a_family_of_another_municipality(world, client) -> None:
    m.mentor(world, "Familien Erfaren")
    client.force_login(world.consultant_b)
    response = client.get(_url(world.family_a))
    assert (response.status_code, "Familien Erfaren" in response.content.decode()) == (404, False)
    assert not AuditEntry.objects.filter(action="networks.mentor.suggestions").exists()


def test_suggestions_page_answers_403_to_the_family_itself(world, client) -> None:
    m.mentor(world, "Familien Erfaren")
    client.force_login(world.foster_parent_a)
    response = client.get(_url(world.family_a))
    assert (response.status_code, "Familien Erfaren" in response.content.decode()) == (403, False)
    assert not AuditEntry.objects.filter(action="networks.mentor.suggestions").exists()


def test_suggestions_page_with_an_unknown_reason_uses_new_family(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.get(_url(m.new_family(world), "nonsense"))
    assert response.context["found"].reason == "new_family"


def _add_candidates(world: Any, count: int) -> None:
    for n in range(count):
        family = m.mentor(world, f"Familien Ekstra {n}", child_born=dt.date(2015, 1, 1))
        m.attended(world, family, title=f"Kursus {n}")
        m.mentorship(world, family, m.new_family(world, f"Familien Mentee {n}"))
        m.mentor(world, f"Familien Uegnet {n}", years=1, course=False)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_suggestions_query_count_does_not_grow_with_candidates(world, client) -> None:
    mentee = m.new_family(world)
    m.mandatory_session(world, at(2026, 10, 20, 9))
    _add_candidates(world, 1)
    client.force_login(world.consultant_a)
    one = _queries(client, _url(mentee))
    _add_candidates(world, 3)
    assert _queries(client, _url(mentee)) == one
