"""Development-plan tests assert English messages: run them in English (the UI default is
Danish). Time stands still at NOW (factories.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from samspil.accounts.services import create_api_token
from tests.development.factories import NOW


@pytest.fixture(autouse=True)
def _english(client: Client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client: Client) -> Callable[..., Any]:
    """api(user, "get" | "post" | "patch", "/development-plans", payload) with a fresh token."""

    def call(user: Any, method: str, path: str, payload: object | None = None) -> Any:
        _record, token = create_api_token(user=user, name="test")
        return getattr(client, method)(
            f"/api/v1{path}",
            data=payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return call
