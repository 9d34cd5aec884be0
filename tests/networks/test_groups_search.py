"""Finding families for a network group by search rather than from a list of every family of
the municipality: the group page's "add a family" (GET on the members URL, HTMX or a plain page)
and the create page (HTMX, or the form's own search button keeping what was typed). Both search
through the same policy as adding (`choices.addable_families`) and show at most SEARCH_LIMIT
matches."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.networks.models import NetworkGroup
from samspil.networks.selectors import choices
from tests import factories
from tests.networks.factories_groups import NOW, group_for

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _families(world, n: int, name: str = "Familien Holm", **fields):  # type: ignore[no-untyped-def]
    return [
        factories.FamilyFactory(municipality=world.a, name=f"{name} {i:02d}", **fields)
        for i in range(n)
    ]


def _found(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The families a full page found (its context)."""
    return [family.name for family in response.context["found"].families]


def _listed(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The families an HTMX answer lists (a partial has no test context), ticked or not."""
    return re.findall(
        r'<(?:label for="family-|span id="add-)[^>]*>([^,<]+),', response.content.decode()
    )


def _add_url(group: NetworkGroup) -> str:
    return reverse("networks:group_add_member", args=[group.uuid])


# -- the selector -----------------------------------------------------------------------------------


def test_search_finds_families_by_name_city_or_postcode(world) -> None:  # type: ignore[no-untyped-def]
    holm = factories.FamilyFactory(municipality=world.a, name="Familien Holm", postcode="2300")
    by_city = factories.FamilyFactory(municipality=world.a, name="Familien Bak", city="Valby")

    def names(query: str) -> list[str]:
        return [f.name for f in choices.search_addable_families(world.consultant_a, query).families]

    assert (names("holm"), names("2300"), names("valby")) == (
        [holm.name],
        [holm.name],
        [by_city.name],
    )


def test_search_shows_at_most_the_limit_and_says_more_match(world) -> None:  # type: ignore[no-untyped-def]
    _families(world, choices.SEARCH_LIMIT + 1)
    found = choices.search_addable_families(world.consultant_a, "Holm")
    assert (len(found.families), found.more) == (choices.SEARCH_LIMIT, True)


def test_search_with_an_empty_query_finds_nothing(world) -> None:  # type: ignore[no-untyped-def]
    found = choices.search_addable_families(world.consultant_a, "  ")
    assert (found.query, found.families, found.more) == ("", [], False)


def test_search_leaves_out_families_in_an_active_group_and_of_other_municipalities(world) -> None:  # type: ignore[no-untyped-def]
    group_for(world, [world.family_a])
    found = choices.search_addable_families(world.consultant_a, "Familien")
    assert found.families == [world.family_a_other]


def test_search_leaves_out_the_families_chosen_already(world) -> None:  # type: ignore[no-untyped-def]
    found = choices.search_addable_families(
        world.consultant_a, "Familien", exclude=[str(world.family_a.uuid), "not-a-uuid"]
    )
    assert found.families == [world.family_a_other]


# -- adding a member: the group page's search ---------------------------------------------------------


def test_group_page_offers_a_search_instead_of_every_family(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    html = client.get(reverse("networks:group_detail", args=[group.uuid])).content.decode()
    assert 'id="member-search-q"' in html
    assert str(world.family_a_other.uuid) not in html


def test_add_member_search_lists_the_matches_each_with_its_button(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.get(_add_url(group), {"q": "Østergaard"})
    html = response.content.decode()
    assert _found(response) == ["Familien Østergaard"]
    assert f'<input type="hidden" name="family" value="{world.family_a_other.uuid}">' in html
    assert "<html" in html  # without JavaScript: a page of its own


def test_add_member_search_for_htmx_answers_the_list_alone(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    html = client.get(_add_url(group), {"q": "Østergaard"}, headers=HTMX).content.decode()
    assert ("<html" in html, "<ul>" in html, "Familien Østergaard" in html) == (False, True, True)


def test_add_member_search_says_when_more_families_match(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    _families(world, choices.SEARCH_LIMIT + 1)
    client.force_login(world.consultant_a)
    response = client.get(_add_url(group), {"q": "Holm"}, headers=HTMX)
    assert len(_listed(response)) == choices.SEARCH_LIMIT
    assert "More families match: refine the search." in response.content.decode()


def test_add_member_search_says_when_nothing_matches(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.get(_add_url(group), {"q": "Zzz"}, headers=HTMX)
    assert "No families match." in response.content.decode()


def test_add_member_search_by_a_member_family_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    _families(world, 1)
    client.force_login(world.foster_parent_a)
    response = client.get(_add_url(group), {"q": "Familien"})
    assert (response.status_code, "Familien Holm" in response.content.decode()) == (403, False)


def test_add_member_search_of_an_ended_group_is_403(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a], ended_on=NOW.date())
    _families(world, 1)
    client.force_login(world.consultant_a)
    response = client.get(_add_url(group), {"q": "Familien"})
    assert (response.status_code, "Familien Holm" in response.content.decode()) == (403, False)


def test_add_member_search_of_another_municipality_is_404(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world)
    _families(world, 1)
    client.force_login(world.consultant_b)
    response = client.get(_add_url(group), {"q": "Familien"})
    assert (response.status_code, "Familien Holm" in response.content.decode()) == (404, False)


def test_add_member_search_is_not_audited(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    client.get(_add_url(group), {"q": "Familien"})
    assert AuditEntry.objects.filter(action="networks.group.read").count() == 0


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_add_member_search_query_count_does_not_grow_with_matches(world, client) -> None:  # type: ignore[no-untyped-def]
    group = group_for(world, [world.family_a])
    client.force_login(world.consultant_a)
    _families(world, 1)
    one = _queries(client, _add_url(group) + "?q=Holm")
    _families(world, 29, name="Familien Holmgaard")
    assert _queries(client, _add_url(group) + "?q=Holm") == one


# -- the create page's search -------------------------------------------------------------------------


def test_create_page_lists_no_family_before_a_search(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    html = client.get(reverse("networks:group_create")).content.decode()
    assert 'id="family-search-q"' in html
    assert str(world.family_a.uuid) not in html


def test_create_page_search_for_htmx_answers_the_matches_and_keeps_the_ticked(
    world, client
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("networks:group_create"),
        {"q": "Østergaard", "families": [str(world.family_a.uuid)]},
        headers=HTMX,
    )
    html = response.content.decode()
    assert _listed(response) == ["Familien Andersen", "Familien Østergaard"]
    assert f'value="{world.family_a.uuid}" id="family-{world.family_a.uuid}" checked' in html
    assert f'value="{world.family_a_other.uuid}" id="family-{world.family_a_other.uuid}">' in html
    assert "<html" not in html


def test_create_page_search_button_keeps_the_input_and_creates_nothing(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_create"),
        {
            "name": "Nordvest",
            "cadence_days": "21",
            "families": [str(world.family_a.uuid)],
            "q": "Østergaard",
            "search": "1",
        },
    )
    form = response.context["form"]
    assert (form["name"].value(), form["cadence_days"].value(), form.errors) == (
        "Nordvest",
        "21",
        {},
    )
    assert (response.context["chosen"], _found(response)) == (
        [world.family_a],
        ["Familien Østergaard"],
    )
    assert NetworkGroup.objects.count() == 0


def test_create_page_with_an_error_keeps_the_families_ticked(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:group_create"),
        {"name": "", "families": [str(world.family_a.uuid), str(world.family_a_other.uuid)]},
    )
    assert response.context["form"].errors["name"]
    assert response.context["chosen"] == [world.family_a, world.family_a_other]


def test_create_page_search_leaves_out_families_of_other_municipalities(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:group_create"), {"q": "Familien"}, headers=HTMX)
    assert _listed(response) == ["Familien Andersen", "Familien Østergaard"]
