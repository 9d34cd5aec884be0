"""Access-matrix rows for mentor families: every persona × the mentor pages and API × own /
other municipality. The records are created on first use for the test's world: family A's own
mentorship (family A other as mentor), a mentorship in A that family A is not part of, and one
in B. Collected by tests/test_access_matrix.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from samspil.networks.models import Mentorship
from tests import factories
from tests.access import Row, expect
from tests.networks.factories import MentorshipFactory


@dataclass
class Records:
    own_a: Mentorship  # family_a_other mentors family_a (foster_parent_a's family)
    other_a: Mentorship  # two other families of A
    b: Mentorship


def _records(world: Any) -> Records:
    if not hasattr(world, "_mentor_records"):
        mentor_a = factories.FamilyFactory(municipality=world.a, name="Familien Mentor A")
        mentee_a = factories.FamilyFactory(municipality=world.a, name="Familien Mentee A")
        mentor_b = factories.FamilyFactory(
            municipality=world.b, name="Familien Mentor B", postcode="7100"
        )
        start = dt.date(2026, 1, 1)
        world._mentor_records = Records(
            own_a=MentorshipFactory(
                mentor=world.family_a_other,
                mentee=world.family_a,
                brokered_by=world.consultant_a,
                starts_on=start,
            ),
            other_a=MentorshipFactory(
                mentor=mentor_a, mentee=mentee_a, brokered_by=world.consultant_a, starts_on=start
            ),
            b=MentorshipFactory(
                mentor=mentor_b,
                mentee=world.family_b,
                brokered_by=world.consultant_b,
                starts_on=start,
            ),
        )
    return world._mentor_records  # type: ignore[no-any-return]


def _detail(attr: str) -> Callable[[object], str]:
    return lambda w: reverse("networks:mentorship_detail", args=[getattr(_records(w), attr).uuid])


def _api(attr: str) -> Callable[[object], str]:
    return lambda w: f"/api/v1/mentorships/{getattr(_records(w), attr).uuid}"


def _suggestions(attr: str) -> Callable[[object], str]:
    return lambda w: (
        f"{reverse('networks:mentor_suggestions')}?family={getattr(w, attr).uuid}&reason=new_family"
    )


def _api_suggestions(attr: str) -> Callable[[object], str]:
    return lambda w: f"/api/v1/mentor-suggestions?family={getattr(w, attr).uuid}"


MUNICIPALITY_A = {"consultant_a": 200, "leader_a": 200}
OWN_A = {**MUNICIPALITY_A, "foster_parent_a": 200}
# Seen (family A) but not brokered: the case worker and the family itself.
SUGGESTIONS_A = {**MUNICIPALITY_A, "case_worker_a": 403, "foster_parent_a": 403}

ROWS: list[Row] = [
    # The list: consultants and leaders (their municipality's), foster parents (their own).
    *expect(
        "mentor-list",
        lambda w: reverse("networks:mentor_list"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "foster_parent_a": 200},
        404,
    ),
    # "Find a mentor family" and recording consent are the list with a query: the same rows.
    *expect(
        "mentor-list-search",
        lambda w: f"{reverse('networks:mentor_list')}?q=Familien&consent={w.family_b.uuid}",
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "foster_parent_a": 200},
        404,
    ),
    # Suggestions without a family go back to the list for those who broker.
    *expect(
        "mentor-suggestions-no-family",
        lambda w: reverse("networks:mentor_suggestions"),
        {"consultant_a": 302, "consultant_b": 302, "leader_a": 302},
        404,
    ),
    *expect("mentor-suggestions-family-a", _suggestions("family_a"), SUGGESTIONS_A, 404),
    *expect("mentor-suggestions-family-b", _suggestions("family_b"), {"consultant_b": 200}, 404),
    # A mentorship: the municipality's staff and the two families.
    *expect("mentorship-own-a", _detail("own_a"), OWN_A, 404),
    *expect("mentorship-other-a", _detail("other_a"), MUNICIPALITY_A, 404),
    *expect("mentorship-b", _detail("b"), {"consultant_b": 200}, 404),
    # API: the same policy.
    *expect(
        "api-mentor-suggestions-family-a",
        _api_suggestions("family_a"),
        SUGGESTIONS_A,
        404,
        api=True,
    ),
    *expect("api-mentorships-list", lambda w: "/api/v1/mentorships", {}, 200, api=True),
    *expect("api-mentorship-own-a", _api("own_a"), OWN_A, 404, api=True),
    *expect("api-mentorship-other-a", _api("other_a"), MUNICIPALITY_A, 404, api=True),
    *expect("api-mentorship-b", _api("b"), {"consultant_b": 200}, 404, api=True),
]
