"""Samspil on a phone (375×812, an iPhone's CSS viewport): the pages a consultant uses on the
road fit the screen, without sideways scrolling, and still work."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from samspil.families.models import FosterFamily
from tests import factories
from tests.browser.conftest import BROWSER_MARKS, PHONE, text_pattern

pytestmark = BROWSER_MARKS

EDIT_FAMILY = text_pattern("Rediger familie", "Redigér familie", "Edit family")


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({document: document.documentElement.scrollWidth,"
        " body: document.body.scrollWidth, viewport: window.innerWidth})"
    )
    assert widths["viewport"] == PHONE["width"]
    assert widths["document"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths}"
    assert widths["body"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths}"


@pytest.fixture
def long_family(world) -> FosterFamily:
    """A family with the long, unbreakable values real data has (e-mail, names)."""
    FosterFamily.objects.filter(pk=world.family_a.pk).update(
        name="Familien Andersen-Østergaard-Christensen",
        address="Sankt Hans Gade 120, 3. sal tv., lejlighed 4",
        email="plejefamilien.andersenoestergaardchristensen@eksempelkommune.dk",
        phone="+45 12 34 56 78",
    )
    parent = world.family_a.parents.get()
    parent.email = "mette.andersenoestergaardchristensen@eksempelkommune.dk"
    parent.save()
    factories.PlacementFactory(
        family=world.family_a,
        child=factories.ChildFactory(first_name="Karl-Emil Valdemar", last_name="Sørensen"),
    )
    return FosterFamily.objects.get(pk=world.family_a.pk)


def test_family_list_and_family_page_phone_width_fit_without_horizontal_scroll(
    world, long_family: FosterFamily, page: Page, url, log_in_as
) -> None:
    log_in_as(world.consultant_a)
    page.set_viewport_size(PHONE)

    page.goto(url("/families/"))
    assert_no_horizontal_scroll(page)
    link = page.locator("#results").get_by_role("link", name=long_family.name)
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()

    # Searching works on the phone too, and the result still fits.
    other = page.locator("#results").get_by_role("link", name="Familien Østergaard")
    expect(other).to_be_visible()
    page.locator("#id_q").fill("Christensen")
    expect(other).to_have_count(0)
    expect(link).to_be_visible()
    assert_no_horizontal_scroll(page)
    link.click()

    expect(page).to_have_url(url(f"/families/{long_family.uuid}/"))
    expect(page.get_by_role("heading", level=1, name=long_family.name)).to_be_visible()
    assert_no_horizontal_scroll(page)
    expect(page.get_by_text(long_family.email)).to_be_visible()
    expect(page.get_by_role("link", name="Karl-Emil Valdemar Sørensen")).to_be_visible()

    # The main actions are reachable: the edit form opens and fits as well.
    page.get_by_role("link", name=EDIT_FAMILY).click()
    expect(page.locator("input[name=address]")).to_have_value(long_family.address)
    assert_no_horizontal_scroll(page)


def test_consultant_start_page_phone_width_fits_without_horizontal_scroll(
    world, long_family: FosterFamily, page: Page, url, log_in_as
) -> None:
    log_in_as(world.consultant_a)
    page.set_viewport_size(PHONE)
    page.goto(url("/"))
    expect(page.get_by_role("link", name=long_family.name)).to_be_visible()
    assert_no_horizontal_scroll(page)
