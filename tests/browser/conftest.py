"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
`live_server`, with axe-core for accessibility.

- One headless Chromium per pytest(-xdist) worker (session scope), stopped early once the
  worker's browser tests are done; a fresh browser context, Danish, per test.
- `live_server` makes every test transactional: the database is emptied after each test, the
  municipalities of the data migration included, so `_municipalities` loads them again first.
  (Serialized rollback would do that generally, but clashes with the content types that
  post_migrate recreates after other transactional tests.)
- Playwright's sync API runs an event loop in the test thread, which Django refuses ORM calls
  from unless DJANGO_ALLOW_ASYNC_UNSAFE is set: os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
  while Chromium runs. The test code itself is synchronous.
- While that loop runs, Django looks its per-thread database connections up per async context
  instead (asgiref's `Local`); `_keep_database_connections` keeps the thread's own.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from samspil.accounts.models import User
from samspil.organisations.models import Municipality

# Django reads this on every ORM call: set while Playwright runs (see Chromium below).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
PASSWORD = "correct-horse-battery"  # tests/factories.py
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
TOTP_MARGIN_SECONDS = 5

# Every browser test module sets `pytestmark = BROWSER_MARKS`.
BROWSER_MARKS = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
_load_municipalities = import_module(
    "samspil.organisations.migrations.0002_load_municipalities"
).load


def _keep_database_connections(saved: dict[str, BaseDatabaseWrapper]) -> None:
    """Once Playwright's loop runs in this thread, Django looks connections up per async context
    (asgiref's Local) and would open new ones. Keep the thread's own, which the live server
    shares (SQLite in memory) and the test database was set up with."""
    for alias, connection in saved.items():
        connections[alias] = connection


class Chromium:
    """Headless Chromium under Playwright: started on first use, stopped as soon as this worker
    has no browser test left to run, so that no other test runs with Playwright's event loop
    in its thread (or with DJANGO_ALLOW_ASYNC_UNSAFE set)."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._async_unsafe_before: str | None = None

    def get(self) -> Browser:
        if self._browser is None:
            self._start()
        assert self._browser is not None
        return self._browser

    def _start(self) -> None:
        if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
            pytest.fail(
                f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is missing. "
                "Install it with `make install-browser` (apt-get install chromium), or run "
                "`make test`, which does that first. (`playwright install` is not used here.)",
                pytrace=False,
            )
        saved = {alias: connections[alias] for alias in connections}
        # Django refuses ORM calls from a thread with a running event loop; the test code is
        # synchronous, Playwright's loop only waits for the browser.
        self._async_unsafe_before = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        self._playwright = sync_playwright().start()
        _keep_database_connections(saved)
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
            if self._async_unsafe_before is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self._async_unsafe_before


_CHROMIUM = Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's fixtures (its browser context among them) are torn down first
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        _CHROMIUM.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The worker's one Chromium (per pytest-xdist worker; shared by its browser tests)."""
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.fixture
def browser(django_db_setup: None, chromium: Chromium) -> Browser:
    """Sets up the test database before Playwright starts (see _keep_database_connections)."""
    return chromium.get()


@pytest.fixture(autouse=True)
def _municipalities(transactional_db: None) -> None:
    """The 98 municipalities of migration organisations.0002, which `world` needs."""
    if not Municipality.objects.exists():
        _load_municipalities(django_apps, None)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, Danish browser, desktop width."""
    context = browser.new_context(locale="da-DK", viewport=DESKTOP, timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def url(live_server: Any) -> Callable[[str], str]:
    """`url("/families/")` → the live server's absolute URL."""

    def _url(path: str) -> str:
        return live_server.url + path

    return _url


@pytest.fixture
def log_in_as(live_server: Any, context: BrowserContext) -> Callable[[User], None]:
    """The quick login: a session made by Django's test client, its cookie handed to the
    browser. (The real login form with two-factor is exercised in test_journeys.py.)"""

    def _log_in(user: User) -> None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return _log_in


def current_totp_code(user: User) -> str:
    """The code the user's authenticator app shows now (from the stored, encrypted secret).
    Near the end of a period it waits for the next one, so the code is still valid when the
    browser submits it."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    counters = list(yield_hotp_counters_from_time())  # now-tolerance … now … now+tolerance
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def text_pattern(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of the given texts (Danish or English copy)."""
    return re.compile("|".join(re.escape(text) for text in alternatives), re.IGNORECASE)


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) on "
        f"{page.url}:\n{format_violations(blocking)}"
    )
