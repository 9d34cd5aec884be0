"""axe-core on the hotline statistics page with its charts: no serious or critical violation,
in Danish, at desktop and phone width. Uses the browser fixtures of tests/browser/conftest.py;
Chromium is stopped after this module (that conftest's hook only sees tests/browser/)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (  # noqa: F401 - fixtures used by name
    _CHROMIUM,
    BROWSER_MARKS,
    PHONE,
    _municipalities,
    assert_accessible,
    browser,
    chromium,
    context,
    log_in_as,
    page,
    text_pattern,
    url,
)
from tests.hotline.factories_stats import statistics_data

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module", autouse=True)
def _stop_chromium_after_module() -> Iterator[None]:
    yield
    _CHROMIUM.stop()


def test_statistics_page_has_no_serious_accessibility_violations(
    world,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
) -> None:
    # The fixtures come from tests/browser/conftest.py, imported above.
    tab: Page = request.getfixturevalue("page")
    live_url = request.getfixturevalue("url")
    request.getfixturevalue("log_in_as")(world.leader_a)
    data = statistics_data(world)
    response = tab.goto(
        live_url(f"/hotlines/{data.hotline.uuid}/statistics/?start=2026-06-01&end=2026-07-08")
    )
    assert response is not None
    assert response.status == 200, response.status
    weekdays = text_pattern("Opkald fordelt på ugedag", "Calls by weekday")
    expect(tab.get_by_role("img", name=weekdays)).to_be_visible()
    assert_accessible(tab)
    tab.set_viewport_size(PHONE)
    assert_accessible(tab)
