"""The instrument catalogue: `instruments/`, `instruments/<code>/`, `GET /api/v1/instruments`
and `GET /api/v1/instruments/{code}`, and the `load_instrument` command."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.measures import catalogue
from samspil.measures.models import Instrument, InstrumentVersion
from samspil.measures.services import instruments as services

pytestmark = pytest.mark.django_db

SHIPPED = {
    "burden-rating",
    "course-evaluation",
    "sdq-parent-4-17",
    "sdq-self-11-17",
    "sdq-teacher-4-17",
    "who-5",
}


def own_rating(world: Any, municipality: Any, leader: Any) -> InstrumentVersion:
    return services.configure_burden_rating(
        actor=leader,
        municipality=municipality,
        items=[{"key": "overall", "label": {"da": "Samlet", "en": "Overall"}}],
        own_items=[],
        expected_version=None,
    )


def test_list_shows_shipped_and_own_municipalitys_instruments(world: Any, login: Any) -> None:
    own_rating(world, world.a, world.leader_a)
    own_rating(world, world.b, world.leader_b)
    page = login(world.consultant_a).get(reverse("measures:instrument_list"))
    assert page.status_code == 200
    codes = {instrument.code for instrument, _version in page.context["rows"]}
    assert codes == SHIPPED | {"burden-rating-101"}
    assert b"WHO-5 Well-Being Index" in page.content
    assert b"burden-rating-630" not in page.content


def test_list_offers_configuring_to_leaders_and_importing_to_the_sysadmin(
    world: Any, login: Any
) -> None:
    configure = reverse("measures:rating_configure").encode()
    imports = reverse("measures:item_text_import").encode()
    leader = login(world.leader_a).get(reverse("measures:instrument_list")).content
    assert configure in leader
    assert imports not in leader
    admin = login(world.sysadmin).get(reverse("measures:instrument_list")).content
    assert imports in admin
    assert configure not in admin


def test_list_queries_do_not_grow_with_instruments(world: Any, login: Any) -> None:
    client = login(world.leader_a)
    url = reverse("measures:instrument_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    own_rating(world, world.a, world.leader_a)
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["who-5"]))
    services.store_version(definition={**definition, "code": "who-5-short"})
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert len(page.context["rows"]) == len(SHIPPED) + 2
    assert len(more.captured_queries) == len(few.captured_queries)


def test_detail_shows_items_scales_bands_and_reliable_change_with_sources(
    world: Any, login: Any
) -> None:
    page = login(world.consultant_a).get(
        reverse("measures:instrument_detail", args=["sdq-teacher-4-17"])
    )
    html = page.content.decode()
    detail = page.context["page"]
    assert [row.key for row in detail.items][:3] == ["1", "2", "3"]
    assert {row.key for row in detail.items if row.reverse} == {"7", "11", "14", "21", "25"}
    bands = {row.scale: row.bands for row in detail.bands}
    assert bands["total_difficulties"] == [
        ("normal", "0–11"),
        ("borderline", "12–15"),
        ("abnormal", "16–40"),
    ]
    reliable = {row.scale: row for row in detail.reliable}
    assert (reliable["hyperactivity"].sd, reliable["hyperactivity"].reliability) == (2.8, 0.88)
    assert "Goodman 2001" in reliable["hyperactivity"].source
    assert "Komiteen for Sundhedsoplysning" in html
    assert 'id="reliable-change"' in html


def test_detail_shows_an_earlier_version_on_request(world: Any, login: Any) -> None:
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["who-5"]))
    definition["intro"] = {"da": "De sidste 14 dage:", "en": "The last 14 days:"}
    services.store_version(definition=definition)
    client = login(world.consultant_a)
    url = reverse("measures:instrument_detail", args=["who-5"])
    assert client.get(url).context["page"].version.number == 2
    earlier = client.get(url + "?version=1")
    assert earlier.context["page"].version.number == 1
    assert b"an earlier version" in earlier.content
    assert client.get(url + "?version=9").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("consultant_b", 404), ("foster_parent_a", 403), ("evaluator", 404)],
)
def test_another_municipalitys_instrument_is_not_in_the_catalogue(
    world: Any, login: Any, persona: str, status: int
) -> None:
    own_rating(world, world.a, world.leader_a)
    page = login(getattr(world, persona)).get(
        reverse("measures:instrument_detail", args=["burden-rating-101"])
    )
    assert page.status_code == status
    assert b"Samlet" not in page.content


def test_foster_parents_do_not_get_the_catalogue(world: Any, login: Any) -> None:
    page = login(world.foster_parent_a).get(reverse("measures:instrument_list"))
    assert page.status_code == 403
    assert b"WHO-5" not in page.content


# -- the API ------------------------------------------------------------------------------------


def api(client: Client, user: Any, path: str) -> Any:
    bearer = f"Bearer {create_api_token(user=user, name='catalogue')[1]}"
    return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=bearer)


def test_api_lists_the_catalogue(world: Any, client: Client) -> None:
    own_rating(world, world.a, world.leader_a)
    body = api(client, world.consultant_a, "/instruments").json()
    by_code = {item["code"]: item for item in body["items"]}
    assert set(by_code) == SHIPPED | {"burden-rating-101"}
    assert by_code["sdq-self-11-17"] | {"name": ""} == {
        "code": "sdq-self-11-17",
        "name": "",
        "family": "sdq",
        "municipality": None,
        "version": 1,
        "respondent": "child",
        "subject": "child",
        "age_min": 11,
        "age_max": 17,
        "licensed_texts": True,
    }
    assert by_code["burden-rating-101"]["municipality"] == "101"


def test_api_gives_the_current_definition(world: Any, client: Client) -> None:
    body = api(client, world.consultant_b, "/instruments/who-5").json()
    assert body["version"] == 1
    assert body["definition"]["reliable_change"]["percentage"]["threshold"] == 10
    assert body["definition"]["scoring"]["scales"][0]["code"] == "raw"


def test_api_hides_another_municipalitys_instrument(world: Any, client: Client) -> None:
    own_rating(world, world.a, world.leader_a)
    assert api(client, world.consultant_b, "/instruments/burden-rating-101").status_code == 404
    assert api(client, world.consultant_b, "/instruments/nothing-like-it").status_code == 404
    assert api(client, world.consultant_a, "/instruments/burden-rating-101").status_code == 200


# -- load_instrument ----------------------------------------------------------------------------


def write(tmp_path: Path, definition: dict[str, Any]) -> Path:
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition), "utf-8")
    return path


def test_load_instrument_stores_a_new_instrument_without_code(world: Any, tmp_path: Path) -> None:
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["who-5"]))
    definition.update(code="who-5-teen", name={"da": "WHO-5 unge", "en": "WHO-5 youth"})
    out = StringIO()
    call_command("load_instrument", str(write(tmp_path, definition)), stdout=out)
    assert "who-5-teen: stored version 1" in out.getvalue()
    version = InstrumentVersion.objects.get(instrument__code="who-5-teen")
    assert (version.is_current, version.respondent) == (True, "foster_parent")
    assert Instrument.objects.get(code="who-5-teen").municipality is None


def test_load_instrument_adds_a_version_and_keeps_the_old_one(world: Any, tmp_path: Path) -> None:
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["who-5"]))
    definition["intro"] = {"da": "Seneste to uger:", "en": "The last two weeks:"}
    path = write(tmp_path, definition)
    call_command("load_instrument", str(path), stdout=StringIO())
    out = StringIO()
    call_command("load_instrument", str(path), stdout=out)  # again: nothing new
    numbers = InstrumentVersion.objects.filter(instrument__code="who-5").order_by("number")
    assert [(v.number, v.is_current) for v in numbers] == [(1, False), (2, True)]
    assert "unchanged, version 2 is current" in out.getvalue()


def test_load_instrument_prints_every_problem_and_stores_nothing(
    world: Any, tmp_path: Path
) -> None:
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["who-5"]))
    definition["code"] = "broken"
    definition["respondent"] = "dog"
    definition["items"][0]["options"] = "nope"
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("load_instrument", str(write(tmp_path, definition)), stderr=err)
    assert "respondent must be one of" in err.getvalue()
    assert "unknown option set 'nope'" in err.getvalue()
    assert not Instrument.objects.filter(code="broken").exists()
