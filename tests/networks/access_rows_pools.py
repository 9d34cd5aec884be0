"""Access-matrix rows for pools of network groups: every persona × the pool pages × own / other
municipality. A pool of municipality A (consultant_a's, with family_a) and one of B are created
on first use for the test's world. The proposal API is POST only (the matrix sends GET), so its
401/403/422 are in test_proposal_api.py; the coordinator, who is no matrix persona, is in
test_pools_views.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from samspil.networks.models import Pool
from tests.access import Row, expect
from tests.networks.factories_pools import pool_of


def _pool(world: Any, which: str) -> Pool:
    attr = f"_pool_{which}"
    if not hasattr(world, attr):
        if which == "a":
            pool = pool_of(world.consultant_a, [world.family_a])
        else:
            pool = pool_of(world.consultant_b, [world.family_b])
        setattr(world, attr, pool)
    return getattr(world, attr)  # type: ignore[no-any-return]


def _page(name: str, which: str) -> Callable[[object], str]:
    return lambda w: reverse(name, args=[_pool(w, which).uuid])


OWN_A = {"consultant_a": 200, "leader_a": 200}
STAFF_WHO_LIST = {"consultant_a": 200, "consultant_b": 200, "leader_a": 200, "specialist_a": 200}

ROWS: list[Row] = [
    # The list: staff who may see pools (what each sees is tested in test_pools_views.py);
    # everyone else 404.
    *expect("pool-list", lambda w: reverse("networks:pool_list"), STAFF_WHO_LIST, 404),
    *expect(
        "pool-create",
        lambda w: reverse("networks:pool_create"),
        {"consultant_a": 200, "consultant_b": 200, "leader_a": 200},
        403,
    ),
    *expect("pool-a-detail", _page("networks:pool_detail", "a"), OWN_A, 404),
    *expect("pool-b-detail", _page("networks:pool_detail", "b"), {"consultant_b": 200}, 404),
    *expect("pool-a-proposal", _page("networks:pool_proposal", "a"), OWN_A, 404),
    *expect("pool-a-add-families", _page("networks:pool_add_families", "a"), OWN_A, 404),
    *expect(
        "pool-b-add-families",
        _page("networks:pool_add_families", "b"),
        {"consultant_b": 200},
        404,
    ),
]
