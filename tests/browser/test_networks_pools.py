"""Composing network groups end to end in Chromium: a consultant creates a pool, adds eight
families, asks the optimiser for a proposal (computed at once by the tests' immediate task
backend), reads the groups with their reasons and the objective against the bound, moves a
family, accepts, and the groups exist. axe-core on the pool pages at desktop and phone width.

The pages may be shown in Danish or English (the translations follow), so elements are found by
form action, id, name or role, and texts by patterns that accept either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from samspil.accounts.models import User
from samspil.networks.enums import PoolStatus, ProposalStatus
from samspil.networks.models import GroupMembership, NetworkGroup, Pool, PoolMember
from tests.browser.conftest import BROWSER_MARKS, PHONE, assert_accessible, text_pattern
from tests.networks.factories_pools import families, fast_settings

pytestmark = BROWSER_MARKS

EVENINGS = text_pattern("All can meet on weekday evenings", "aftener")
OPTIMAL = text_pattern("proven optimal", "bevist optimal")


def submit(page: Page, action: str) -> None:
    page.locator(f"form[action='{action}'] button[type=submit]").click()


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["document"] <= widths["viewport"], f"{page.url} scrolls sideways: {widths}"


def test_consultant_composes_moves_and_accepts_network_groups(
    world: Any,
    page: Page,
    log_in_as: Callable[[User], None],
    url: Callable[[str], str],
) -> None:
    fast_settings(world.a)
    pool_families = families(world.a, 8)
    log_in_as(world.consultant_a)

    # A new pool of groups of 3–5 families.
    page.goto(url("/networks/pools/"))
    assert_accessible(page)
    page.locator("main a[href='/networks/pools/create/']").click()
    page.locator("#id_name").fill("Efterårets netværksgrupper")
    page.locator("#id_min_size").fill("3")
    page.locator("#id_max_size").fill("5")
    page.locator("main form button[type=submit]").click()
    pool = Pool.objects.get()
    add_path = f"/networks/pools/{pool.uuid}/families/"
    expect(page).to_have_url(url(add_path))

    # Eight families ticked and added.
    assert_accessible(page)
    for family in pool_families:
        page.locator(f"#family-{family.uuid}").check()
    page.locator("main form[method=post] button[type=submit]").click()
    detail_path = f"/networks/pools/{pool.uuid}/"
    expect(page).to_have_url(url(detail_path) + "#families")
    assert PoolMember.objects.filter(pool=pool).count() == 8

    # The proposal: groups with reasons, the objective against the bound.
    submit(page, f"{detail_path}proposal/compute/")
    proposal = page.locator("#proposal-area")
    expect(proposal.locator("section.card")).to_have_count(2)
    expect(proposal).to_contain_text(EVENINGS)
    expect(proposal).to_contain_text(OPTIMAL)
    pool.refresh_from_db()
    assert pool.proposal_status == ProposalStatus.READY
    expect(proposal.locator("dl.facts dd").first).to_have_text(str(pool.proposal["objective"]))
    assert_accessible(page)

    # Move a family from the larger group to the smaller one.
    groups = pool.proposal["groups"]
    larger = max(range(2), key=lambda i: len(groups[i]["members"]))
    moved_key = groups[larger]["members"][0]
    target = 2 if larger == 0 else 1
    move_action = f"{detail_path}families/{moved_key}/move/"
    page.locator(f"form[action='{move_action}'] select").select_option(str(target))
    submit(page, move_action)
    expect(page.locator("main .messages[role=status]")).to_be_visible()
    pool.refresh_from_db()
    assert moved_key in pool.proposal["groups"][target - 1]["members"]
    assert PoolMember.objects.get(pool=pool, family__uuid=moved_key).pinned_to == target

    # Accept: the groups exist, with every family once.
    submit(page, f"{detail_path}proposal/accept/")
    expect(page).to_have_url(url(detail_path))
    pool.refresh_from_db()
    assert pool.status == PoolStatus.ACCEPTED
    created = NetworkGroup.objects.filter(pool=pool)
    assert created.count() == 2
    assert sorted(
        str(u)
        for u in GroupMembership.objects.filter(group__pool=pool).values_list(
            "family__uuid", flat=True
        )
    ) == sorted(str(f.uuid) for f in pool_families)
    moved_group = GroupMembership.objects.get(family__uuid=moved_key).group
    assert moved_group.facilitator == world.consultant_a


def test_pool_page_at_phone_width_fits_and_is_accessible(
    world: Any,
    page: Page,
    log_in_as: Callable[[User], None],
    url: Callable[[str], str],
) -> None:
    from samspil.networks.services import proposals as services
    from tests.networks.factories_pools import pool_of

    fast_settings(world.a)
    pool = pool_of(world.consultant_a, families(world.a, 8))
    services.request_proposal(actor=world.consultant_a, pool=pool)
    page.set_viewport_size(PHONE)
    log_in_as(world.consultant_a)
    page.goto(url(f"/networks/pools/{pool.uuid}/"))
    expect(page.locator("#proposal-area section.card")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
