"""The pool pages: list, creating, adding families, the pool page with its proposal (and the
HTMX progress partial), the POST actions with their errors, and query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.models import NetworkGroup, Pool, Separation
from samspil.networks.selectors import pools as pool_selectors
from samspil.networks.services import pools as services
from samspil.networks.services import proposals as proposal_services
from tests import factories
from tests.networks.factories import MembershipFactory, NetworkGroupFactory
from tests.networks.factories_pools import families, fast_settings, member, pool_of


@pytest.fixture(autouse=True)
def _fast(world: Any) -> None:
    fast_settings(world.a)
    fast_settings(world.b)


def _detail(pool: Pool) -> str:
    return reverse("networks:pool_detail", args=[pool.uuid])


def _proposed(world: Any, count: int = 8) -> tuple[Pool, list[Any]]:
    found = families(world.a, count)
    pool = pool_of(world.consultant_a, found)
    return proposal_services.request_proposal(actor=world.consultant_a, pool=pool), found


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# -- the list ---------------------------------------------------------------------------------


def test_pool_list_shows_the_municipalitys_pools(world: Any, client: Client) -> None:
    pool_of(world.consultant_a, [world.family_a], name="Efterårets grupper")
    pool_of(world.consultant_b, [world.family_b], name="Vejle-puljen")
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:pool_list"))
    assert [p.name for p in response.context["page"].object_list] == ["Efterårets grupper"]


@pytest.mark.parametrize("persona", ["consultant_b", "specialist_a"])
def test_pool_list_of_others_has_no_entries(world: Any, client: Client, persona: str) -> None:
    pool_of(world.consultant_a, [world.family_a])
    client.force_login(getattr(world, persona))
    response = client.get(reverse("networks:pool_list"))
    assert (response.status_code, list(response.context["page"].object_list)) == (200, [])


def test_coordinator_sees_their_institutions_pool(world: Any, client: Client) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    factories.engage(world.family_a, world.institution_a)
    pool = pool_of(coordinator, [world.family_a], institution=world.institution_a)
    pool_of(world.consultant_a, [world.family_a_other], name="Kommunens pulje")
    client.force_login(coordinator)
    listed = client.get(reverse("networks:pool_list")).context["page"].object_list
    detail = client.get(_detail(pool))
    assert ([p.pk for p in listed], detail.status_code) == ([pool.pk], 200)


def test_pool_list_query_count_does_not_grow_with_pools(world: Any, client: Client) -> None:
    pool_of(world.consultant_a, [world.family_a])
    client.force_login(world.consultant_a)
    url = reverse("networks:pool_list")
    one = _queries(client, url)
    for _ in range(2):
        pool_of(world.consultant_a, families(world.a, 2, prefix="Familien Mere"))
    assert _queries(client, url) == one


# -- creating and adding families -------------------------------------------------------------


def test_create_pool_page_creates_the_pool_and_goes_on_to_families(
    world: Any, client: Client
) -> None:
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_create"),
        {"name": "Forår", "owner": f"m:{world.a.pk}", "min_size": 4, "max_size": 6},
    )
    pool = Pool.objects.get()
    assert (response.status_code, response["Location"], pool.municipality) == (
        302,
        reverse("networks:pool_add_families", args=[pool.uuid]),
        world.a,
    )


def test_create_pool_with_bad_sizes_keeps_the_input(world: Any, client: Client) -> None:
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_create"),
        {"name": "Forår", "owner": f"m:{world.a.pk}", "min_size": 6, "max_size": 4},
    )
    form = response.context["form"]
    assert (form.errors["max_size"], form["name"].value(), Pool.objects.count()) == (
        ["The largest group cannot be smaller than the smallest."],
        "Forår",
        0,
    )


def test_add_families_page_shows_busy_families_as_not_available(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    group = NetworkGroupFactory(municipality=world.a, facilitator=world.consultant_a)
    MembershipFactory(group=group, family=world.family_a_other)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:pool_add_families", args=[pool.uuid]))
    content = response.content.decode()
    assert "Familien Østergaard" in content
    assert "not available: already in an active network group" in content
    assert f'value="{world.family_a_other.uuid}"' not in content


def test_add_families_page_adds_the_ticked_families(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_add_families", args=[pool.uuid]),
        {"version": 1, "families": [str(world.family_a_other.uuid)]},
    )
    assert (response.status_code, pool.members.count()) == (302, 2)


def test_add_families_page_refuses_a_family_of_another_municipality(
    world: Any, client: Client
) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_add_families", args=[pool.uuid]),
        {"version": 1, "families": [str(world.family_b.uuid)]},
    )
    assert (response.status_code, pool.members.count()) == (200, 1)
    assert response.context["form"].errors["families"]


# -- the pool page ------------------------------------------------------------------------------


def test_pool_page_shows_groups_reasons_and_objective_against_bound(
    world: Any, client: Client
) -> None:
    pool, _found = _proposed(world)
    client.force_login(world.consultant_a)
    response = client.get(_detail(pool))
    proposal = response.context["proposal"]
    content = response.content.decode()
    assert (len(proposal.groups), proposal.optimal, proposal.objective) == (
        2,
        True,
        pool.proposal["bound"],
    )
    assert "All can meet on weekday evenings" in content
    assert "proven optimal" in content


def test_pool_page_is_audited_as_a_read_of_its_families(world: Any, client: Client) -> None:
    pool, found = _proposed(world, 4)
    client.force_login(world.consultant_a)
    client.get(_detail(pool))
    entry = AuditEntry.objects.get(action="networks.pool.read")
    assert sorted(entry.data["families"]) == sorted(str(f.uuid) for f in found)


def test_pool_page_lists_the_separations_with_their_reason(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, [world.family_a, world.family_a_other])
    services.record_separation(
        actor=world.consultant_a,
        family_a=world.family_a,
        family_b=world.family_a_other,
        reason="Børnene har været i konflikt",
    )
    client.force_login(world.consultant_a)
    response = client.get(_detail(pool))
    assert [s.reason for s in response.context["separations"]] == ["Børnene har været i konflikt"]


def test_record_separation_with_one_family_twice_keeps_the_reason(
    world: Any, client: Client
) -> None:
    pool = pool_of(world.consultant_a, [world.family_a, world.family_a_other])
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_separation_create", args=[pool.uuid]),
        {
            "family_a": str(world.family_a.uuid),
            "family_b": str(world.family_a.uuid),
            "reason": "Konflikt",
        },
    )
    form = response.context["separation_form"]
    assert (form.errors["family_b"], form["reason"].value(), Separation.objects.count()) == (
        ["Choose two different families."],
        "Konflikt",
        0,
    )


def test_pool_detail_query_count_does_not_grow_with_families(world: Any, client: Client) -> None:
    pool, _found = _proposed(world, 4)
    client.force_login(world.consultant_a)
    url = _detail(pool)
    one = _queries(client, url)
    pool.members.all().delete()
    more = families(world.a, 12, prefix="Familien Flere")
    for family in more:
        factories.PlacementFactory(family=family)
        pool.members.create(family=family)
    proposal_services.request_proposal(actor=world.consultant_a, pool=pool)
    assert _queries(client, url) == one


def test_pool_detail_without_a_proposal_query_count_does_not_grow_with_members(
    world: Any, client: Client
) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    client.force_login(world.consultant_a)
    url = _detail(pool)
    one = _queries(client, url)
    for family in families(world.a, 2, prefix="Familien Tre"):
        pool.members.create(family=family)
    assert _queries(client, url) == one


# -- the progress partial ---------------------------------------------------------------------


def test_proposal_partial_polls_and_shows_progress_while_running(
    world: Any, client: Client
) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 8))
    Pool.objects.filter(pk=pool.pk).update(
        proposal_status=ProposalStatus.RUNNING,
        proposal_requested_at=timezone.now(),
        proposal_progress={
            "objective": 640,
            "bound": 600,
            "solutions": 3,
            "seconds": 1.0,
            "limit": 2,
        },
    )
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("networks:pool_proposal", args=[pool.uuid]), headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert 'hx-trigger="every 1s"' in content
    assert 'role="status"' in content
    assert "640" in content
    assert "1.0 of at most 2 seconds" in content
    assert "<html" not in content


def test_proposal_partial_says_when_no_worker_picks_the_job_up(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 8))
    Pool.objects.filter(pk=pool.pk).update(
        proposal_status=ProposalStatus.QUEUED,
        proposal_requested_at=timezone.now() - dt.timedelta(minutes=1),
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:pool_proposal", args=[pool.uuid]))
    assert "is the background worker (manage.py db_worker) running?" in response.content.decode()


def test_polling_while_running_is_not_audited(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 8))
    Pool.objects.filter(pk=pool.pk).update(proposal_status=ProposalStatus.RUNNING)
    client.force_login(world.consultant_a)
    client.get(reverse("networks:pool_proposal", args=[pool.uuid]))
    assert AuditEntry.objects.filter(action="networks.pool.read").count() == 0


def test_proposal_partial_stops_polling_when_ready(world: Any, client: Client) -> None:
    pool, _found = _proposed(world)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:pool_proposal", args=[pool.uuid]))
    content = response.content.decode()
    assert ("hx-trigger" in content, "proven optimal" in content) == (False, True)


# -- actions ------------------------------------------------------------------------------------


def test_compute_button_runs_the_optimiser(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, families(world.a, 8))
    client.force_login(world.consultant_a)
    response = client.post(reverse("networks:pool_propose", args=[pool.uuid]), {"version": 1})
    pool.refresh_from_db()
    assert (response.status_code, pool.proposal_status) == (302, ProposalStatus.READY)


def test_move_on_the_page_moves_and_pins(world: Any, client: Client) -> None:
    pool, found = _proposed(world)
    source = 1 if str(found[0].uuid) in pool.proposal["groups"][0]["members"] else 2
    target = 2 if source == 1 else 1
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_move", args=[pool.uuid, found[0].uuid]),
        {"version": pool.version, "group": target},
    )
    pool.refresh_from_db()
    assert (response.status_code, member(pool, found[0]).pinned_to) == (302, target)
    assert str(found[0].uuid) in pool.proposal["groups"][target - 1]["members"]


def test_move_with_a_stale_version_shows_the_conflict_and_keeps_the_choice(
    world: Any, client: Client
) -> None:
    pool, found = _proposed(world)
    stale = pool.version
    services.pin_family(
        actor=world.consultant_a2, pool=pool, family=found[1], pinned=True, expected_version=stale
    )
    source = 1 if str(found[0].uuid) in pool.proposal["groups"][0]["members"] else 2
    target = 2 if source == 1 else 1
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_move", args=[pool.uuid, found[0].uuid]),
        {"version": stale, "group": target},
    )
    _key, form = next(
        (row.view.key, f)
        for group, rows in response.context["groups"]
        for row, f in rows
        if row.view.family == found[0]
    )
    assert (form.conflict.current_version, form["group"].value()) == (stale + 1, str(target))
    assert "Someone else changed this record" in response.content.decode()


def test_exclude_on_the_page_leaves_the_family_out(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    client.force_login(world.consultant_a)
    client.post(
        reverse("networks:pool_exclude", args=[pool.uuid, world.family_a.uuid]), {"version": 1}
    )
    assert member(pool, world.family_a).excluded is True


def test_accept_on_the_page_creates_the_groups(world: Any, client: Client) -> None:
    pool, _found = _proposed(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_accept", args=[pool.uuid]),
        {
            "version": pool.version,
            "facilitator": world.consultant_a.pk,
            "name_1": "Nordvest",
            "name_2": "Nørrebro",
        },
    )
    pool.refresh_from_db()
    assert (
        response.status_code,
        pool.status,
        sorted(NetworkGroup.objects.values_list("name", flat=True)),
    ) == (302, PoolStatus.ACCEPTED, ["Nordvest", "Nørrebro"])


def test_accept_refused_on_the_page_keeps_the_names(world: Any, client: Client) -> None:
    pool, found = _proposed(world)
    MembershipFactory(
        group=NetworkGroupFactory(municipality=world.a, facilitator=world.consultant_a),
        family=found[0],
    )
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:pool_accept", args=[pool.uuid]),
        {
            "version": pool.version,
            "facilitator": world.consultant_a.pk,
            "name_1": "Nordvest",
            "name_2": "Nørrebro",
        },
    )
    form = response.context["accept_form"]
    assert form["name_1"].value() == "Nordvest"
    assert "Familien Pulje 01 joined another network group meanwhile." in form.non_field_errors()
    assert NetworkGroup.objects.filter(pool=pool).count() == 0


def test_specialist_of_another_institution_cannot_post_to_a_pool(
    world: Any, client: Client
) -> None:
    pool, found = _proposed(world)
    client.force_login(world.specialist_a)
    version = pool.version
    response = client.post(
        reverse("networks:pool_pin", args=[pool.uuid, found[0].uuid]), {"version": version}
    )
    pool.refresh_from_db()
    assert (response.status_code, pool.version) == (404, version)
    assert not pool.members.filter(pinned_to__isnull=False).exists()


def test_coordinators_pool_is_read_only_for_a_specialist_of_the_institution(
    world: Any, client: Client
) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    factories.engage(world.family_a, world.institution_a)
    pool = pool_of(coordinator, [world.family_a], institution=world.institution_a)
    client.force_login(world.specialist_a)
    page = client.get(_detail(pool))
    post = client.post(
        reverse("networks:pool_exclude", args=[pool.uuid, world.family_a.uuid]), {"version": 1}
    )
    assert (page.status_code, page.context["can_change"], post.status_code) == (200, False, 403)


def test_add_families_page_lists_at_most_the_limit_and_says_more_match(
    world: Any, client: Client
) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    families(world.a, pool_selectors.ADD_LIMIT + 1)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:pool_add_families", args=[pool.uuid]))
    assert (len(response.context["candidates"]), response.context["more"]) == (
        pool_selectors.ADD_LIMIT,
        True,
    )
    assert "More families match: refine the search." in response.content.decode()


def test_add_families_page_search_narrows_the_list(world: Any, client: Client) -> None:
    pool = pool_of(world.consultant_a, [world.family_a])
    families(world.a, 3)
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("networks:pool_add_families", args=[pool.uuid]), {"q": "Østergaard"}
    )
    assert (response.context["candidates"], response.context["more"]) == (
        [world.family_a_other],
        False,
    )
