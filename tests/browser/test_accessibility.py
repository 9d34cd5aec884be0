"""axe-core on the pages people use most: no serious or critical violation (axe's WCAG 2.x and
best-practice rules), in Danish, at desktop and phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    BROWSER_MARKS,
    PASSWORD,
    PHONE,
    assert_accessible,
    text_pattern,
)

pytestmark = BROWSER_MARKS

SAVE = text_pattern("Gem", "Save")

# (test id, persona or None for anonymous, path from the world)
PAGES: list[tuple[str, str | None, Callable[[Any], str]]] = [
    ("login", None, lambda w: "/accounts/login/"),
    ("consultant-start", "consultant_a", lambda w: "/"),
    ("family-list", "consultant_a", lambda w: "/families/"),
    ("family-detail", "consultant_a", lambda w: f"/families/{w.family_a.uuid}/"),
    ("family-edit", "consultant_a", lambda w: f"/families/{w.family_a.uuid}/edit/"),
    ("child-detail", "consultant_a", lambda w: f"/children/{w.child_a.uuid}/"),
    ("leader-audit-log", "leader_a", lambda w: "/audit/"),
    ("leader-staff", "leader_a", lambda w: "/staff/"),
    ("foster-parent-family", "foster_parent_a", lambda w: f"/families/{w.family_a.uuid}/"),
]


@pytest.mark.parametrize(
    ("persona", "path"), [(p, f) for _, p, f in PAGES], ids=[i for i, _, _ in PAGES]
)
def test_page_desktop_and_phone_has_no_serious_accessibility_violations(
    world, page: Page, url, log_in_as, persona, path
) -> None:
    if persona is not None:
        log_in_as(world.persona(persona))
    response = page.goto(url(path(world)))
    assert response is not None
    assert response.status == 200, response.status
    assert_accessible(page)
    # The phone layout (stacked tables, wrapped navigation) is a different page to axe.
    page.set_viewport_size(PHONE)
    assert_accessible(page)


def test_family_edit_with_validation_errors_has_no_serious_accessibility_violations(
    world, page: Page, url, log_in_as
) -> None:
    log_in_as(world.consultant_a)
    page.goto(url(f"/families/{world.family_a.uuid}/edit/"))
    page.locator("input[name=postcode]").fill("24O0")
    page.locator("input[name=address]").fill("")
    page.locator("input[name=email]").fill("not-an-address")
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page)


def test_two_factor_step_has_no_serious_accessibility_violations(world, page: Page, url) -> None:
    page.goto(url("/accounts/login/"))
    page.locator("input[name=login]").fill("consultant_a")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("input[name=code]")).to_be_visible()
    assert_accessible(page)


def test_skip_link_keyboard_moves_focus_to_main_content(world, page: Page, url, log_in_as) -> None:
    log_in_as(world.consultant_a)
    page.goto(url("/families/"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=text_pattern("Gå til indhold", "Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, not the header again
    assert page.evaluate("document.activeElement.closest('main') !== null")
