"""Hotline tests assert English messages: run them in English (the UI default is Danish,
whose translations are tested through the pages' language switch elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client: Client) -> Iterator[None]:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def hotline(world):  # type: ignore[no-untyped-def]
    """København's hotline, with leader_a as team leader."""
    from tests.hotline.factories import HotlineFactory

    return HotlineFactory(
        name="Akuttelefonen København", municipality=world.a, team_leader=world.leader_a
    )


@pytest.fixture
def on_duty(world, hotline):  # type: ignore[no-untyped-def]
    """specialist_a answers the hotline now (a shift from an hour ago to seven hours ahead)."""
    from tests.hotline.factories import ShiftFactory

    return ShiftFactory(hotline=hotline, person=world.specialist_a)
