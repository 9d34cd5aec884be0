"""What people do in Samspil, end to end in Chromium: log in (with two-factor for staff), find a
family, change it, switch language; and what they must not see.

The UI is Danish first and its wording changes, so elements are found by role, id or name, and
texts by patterns that accept the Danish or the English copy (except where translation is what
is tested)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from samspil.families.models import FosterFamily
from tests.browser.conftest import BROWSER_MARKS, PASSWORD, current_totp_code, text_pattern

pytestmark = BROWSER_MARKS

SAVE = text_pattern("Gem", "Save")
EDIT_FAMILY = text_pattern("Rediger familie", "Redigér familie", "Edit family")
FOSTER_FAMILIES = text_pattern("Plejefamilier", "Foster families")
MY_FAMILIES = text_pattern("Mine familier", "Mine plejefamilier", "My families")
# The two tests about translation itself expect the Danish catalogue (samspil/locale/da).
POSTCODE_ERROR_DA = re.compile(r"postnummer .*fire cifre", re.IGNORECASE)
CHANGE_LANGUAGE = re.compile(r"^(Skift|Change)$")


def switch_language(page: Page, code: str) -> None:
    """Choose a language and press the button next to it (choosing alone does not reload the
    page: a change of context on input would fail WCAG 3.2.2)."""
    page.locator("#language-select").select_option(code)
    page.get_by_role("button", name=CHANGE_LANGUAGE).click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def log_in_with_form(page: Page, url: Callable[[str], str], username: str) -> None:
    page.goto(url("/accounts/login/"))
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def test_consultant_journey_login_with_totp_search_and_edit_address(world, page: Page, url) -> None:
    log_in_with_form(page, url, "consultant_a")

    # Staff have TOTP: the password alone only leads to the second step.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(current_totp_code(world.consultant_a))
    page.locator("main form button[type=submit]").first.click()

    # The start page lists the families the consultant is the fixed consultant of.
    expect(page).to_have_url(url("/"))
    my_families = page.locator("section", has=page.get_by_role("heading", name=MY_FAMILIES))
    expect(my_families.get_by_role("link", name="Familien Andersen")).to_be_visible()
    expect(my_families.get_by_role("link", name="Familien Østergaard")).to_have_count(0)

    # The family list shows the municipality's families; searching narrows it as one types.
    page.get_by_role("navigation").get_by_role("link", name=FOSTER_FAMILIES).click()
    expect(page.get_by_role("heading", level=1, name=FOSTER_FAMILIES)).to_be_visible()
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Familien Andersen")).to_be_visible()
    expect(results.get_by_role("link", name="Familien Østergaard")).to_be_visible()
    expect(results.get_by_role("link", name="Familien Bæk")).to_have_count(0)

    page.locator("#id_q").fill("Østergaard")
    expect(results.get_by_role("link", name="Familien Andersen")).to_have_count(0)
    expect(results.get_by_role("link", name="Familien Østergaard")).to_be_visible()
    page.locator("#id_q").fill("Andersen")
    expect(results.get_by_role("link", name="Familien Østergaard")).to_have_count(0)
    results.get_by_role("link", name="Familien Andersen").click()

    # The family page, then its edit form.
    expect(page).to_have_url(url(f"/families/{world.family_a.uuid}/"))
    expect(page.get_by_role("heading", level=1, name="Familien Andersen")).to_be_visible()
    expect(page.get_by_text("Skovvej 1, 2400 København NV")).to_be_visible()
    page.get_by_role("link", name=EDIT_FAMILY).click()
    expect(page).to_have_url(url(f"/families/{world.family_a.uuid}/edit/"))

    page.locator("input[name=address]").fill("Nyvej 7, 2. th.")
    page.get_by_role("button", name=SAVE).click()

    expect(page).to_have_url(url(f"/families/{world.family_a.uuid}/"))
    expect(page.get_by_role("status")).to_be_visible()  # "The family was saved."
    expect(page.get_by_text("Nyvej 7, 2. th., 2400 København NV")).to_be_visible()
    expect(page.get_by_text("Skovvej 1")).to_have_count(0)
    family = FosterFamily.objects.get(pk=world.family_a.pk)
    assert family.address == "Nyvej 7, 2. th."
    assert family.version == world.family_a.version + 1


def test_staff_login_password_alone_gives_no_access(world, page: Page, url) -> None:
    log_in_with_form(page, url, "consultant_a")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))

    # A wrong code is refused on the same step.
    right = current_totp_code(world.consultant_a)
    page.locator("input[name=code]").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")

    # Without the code nothing behind the login is reachable: back to the login's steps.
    page.goto(url("/families/"))
    expect(page).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))
    expect(page.get_by_text("Familien Andersen")).to_have_count(0)


def test_family_edit_invalid_postcode_shows_error_and_keeps_input(
    world, page: Page, url, log_in_as
) -> None:
    log_in_as(world.consultant_a)
    page.goto(url(f"/families/{world.family_a.uuid}/edit/"))
    page.locator("input[name=address]").fill("Havnegade 12")
    page.locator("input[name=postcode]").fill("24O0")  # a letter O, not a zero
    page.get_by_role("button", name=SAVE).click()

    # Still on the form, the error next to the field and in the page's language (Danish).
    expect(page).to_have_url(url(f"/families/{world.family_a.uuid}/edit/"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    postcode = page.locator("input[name=postcode]")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errorlist")).to_have_count(1)
    expect(page.locator(".errorlist")).to_have_text(POSTCODE_ERROR_DA)
    # What the user typed is kept, in the wrong field too.
    expect(postcode).to_have_value("24O0")
    expect(page.locator("input[name=address]")).to_have_value("Havnegade 12")
    assert FosterFamily.objects.get(pk=world.family_a.pk).address == "Skovvej 1"

    # The same error, translated, when the UI is in English.
    switch_language(page, "en")
    page.locator("input[name=postcode]").fill("24O0")
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator(".errorlist")).to_have_text("A Danish postcode has four digits.")


def test_foster_parent_login_without_totp_sees_only_own_family(world, page: Page, url) -> None:
    log_in_with_form(page, url, "foster_parent_a")

    # No second step for foster parents: straight to their own family's page.
    expect(page).to_have_url(url(f"/families/{world.family_a.uuid}/"))
    expect(page.get_by_role("heading", level=1, name="Familien Andersen")).to_be_visible()
    # No edit, no case details, no way to other families.
    expect(page.get_by_role("link", name=EDIT_FAMILY)).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_role("link", name=FOSTER_FAMILIES)).to_have_count(
        0
    )

    for other in (world.family_a_other, world.family_b):
        response = page.goto(url(f"/families/{other.uuid}/"))
        assert response is not None
        assert response.status == 404
        expect(page.get_by_text(other.name)).to_have_count(0)

    page.goto(url("/families/"))
    expect(page.get_by_text("Familien Østergaard")).to_have_count(0)
    expect(page.get_by_text("Familien Bæk")).to_have_count(0)


def test_family_of_other_municipality_gives_not_found(world, page: Page, url, log_in_as) -> None:
    log_in_as(world.consultant_b)
    page.goto(url("/"))
    expect(page.get_by_role("link", name="Familien Bæk")).to_be_visible()

    for path in (
        f"/families/{world.family_a.uuid}/",
        f"/families/{world.family_a.uuid}/edit/",
        f"/children/{world.child_a.uuid}/",
    ):
        response = page.goto(url(path))
        assert response is not None
        assert response.status == 404, path
        expect(page.get_by_text("Andersen")).to_have_count(0)
        expect(page.get_by_text("Alma")).to_have_count(0)


def test_language_switch_changes_ui_from_danish_to_english(
    world, page: Page, url, log_in_as
) -> None:
    log_in_as(world.consultant_a)
    family_url = url(f"/families/{world.family_a.uuid}/")
    page.goto(family_url)

    # Danish by default: the document language, the copy, and dates (approved 1 March 2015).
    nav = page.get_by_role("navigation", name=re.compile(r"^(Hovedmenu|Main)$"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("#language-select")).to_have_value("da")
    expect(page.get_by_text("1. marts 2015")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Familien", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Plejefamilier", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Edit family", exact=True)).to_have_count(0)

    # Choose English, press "Skift": the same page comes back in English.
    switch_language(page, "en")
    expect(page).to_have_url(family_url)
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.get_by_text("1. March 2015")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="The family", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Foster families", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Edit family", exact=True)).to_be_visible()

    # The choice sticks for the next page, and back to Danish.
    page.goto(url("/families/"))
    expect(page.get_by_role("heading", level=1, name="Foster families", exact=True)).to_be_visible()
    switch_language(page, "da")
    expect(page.locator("#language-select")).to_have_value("da")
    expect(page.get_by_role("heading", level=1, name="Plejefamilier", exact=True)).to_be_visible()
