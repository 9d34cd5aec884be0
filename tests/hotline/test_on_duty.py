"""Who is on duty on a hotline now: a person, an institution or the social on-call service by
its shift, a gap when the hotline is open and nobody answers, nothing when it is closed — on
the pages and as `GET /api/v1/hotlines/{id}/on-duty` (and the list `GET /api/v1/hotlines`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.hotline.enums import StaffedBy
from samspil.hotline.selectors import hotlines as selectors
from tests.competence.factories import at
from tests.hotline.factories import HotlineFactory, ShiftFactory
from tests.hotline.factories_rota import rota_hotline

NOW = at(2026, 12, 2, 10)  # Wednesday


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def api(client, user, path: str):  # type: ignore[no-untyped-def]
    _record, token = create_api_token(user=user, name="test")
    return client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})


def evening_only(world):  # type: ignore[no-untyped-def]
    return rota_hotline(
        world,
        always_open=False,
        opening_hours=[{"weekdays": "01234", "starts": "16:00", "ends": "08:00"}],
    )


# -- the selector -----------------------------------------------------------------------------------


def test_on_duty_is_the_person_of_the_shift_now(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    shift = ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 2, 8))
    duty = selectors.on_duty([hotline])[hotline.pk]
    assert (duty.shift, duty.person, duty.gap) == (shift, world.consultant_a, False)


def test_on_duty_without_a_shift_on_a_24_7_hotline_is_a_gap(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    duty = selectors.on_duty([hotline])[hotline.pk]
    assert (duty.shift, duty.is_open, duty.gap) == (None, True, True)


def test_on_duty_of_a_rota_shift_without_a_person_is_a_gap(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=None, starts_at=at(2026, 12, 2, 8))
    assert selectors.on_duty([hotline])[hotline.pk].gap


def test_on_duty_of_the_on_call_service_is_no_gap(world) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(
        hotline=hotline,
        person=None,
        staffed_by=StaffedBy.ON_CALL_SERVICE,
        starts_at=at(2026, 12, 2, 8),
    )
    duty = selectors.on_duty([hotline])[hotline.pk]
    assert (duty.staffed_by, duty.gap) == (StaffedBy.ON_CALL_SERVICE, False)


def test_on_duty_outside_the_opening_hours_is_closed_not_a_gap(world) -> None:  # type: ignore[no-untyped-def]
    hotline = evening_only(world)
    duty = selectors.on_duty([hotline])[hotline.pk]
    assert (duty.is_open, duty.gap) == (False, False)


def test_on_duty_inside_overnight_opening_hours_is_open(world) -> None:  # type: ignore[no-untyped-def]
    hotline = evening_only(world)
    # Thursday 03:00 is inside Wednesday's 16:00–08:00.
    assert selectors.on_duty([hotline], at(2026, 12, 3, 3))[hotline.pk].is_open


def test_on_duty_reads_all_hotlines_in_one_query(world) -> None:  # type: ignore[no-untyped-def]
    hotlines = [rota_hotline(world, name=f"Linje {n}") for n in range(3)]
    for hotline in hotlines:
        ShiftFactory(hotline=hotline, person=world.consultant_a, starts_at=at(2026, 12, 2, 8))
    with CaptureQueriesContext(connection) as queries:
        duty = selectors.on_duty(hotlines)
        names = [d.person.username for d in duty.values() if d.person]
    assert (len(queries), names) == (1, ["consultant_a"] * 3)


# -- the API ---------------------------------------------------------------------------------------------


def test_api_on_duty_names_the_person_and_the_shift(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=world.consultant_a2, starts_at=at(2026, 12, 2, 8))
    body = api(client, world.consultant_a, f"/hotlines/{hotline.uuid}/on-duty").json()
    assert body == {
        "hotline": str(hotline.uuid),
        "at": "2026-12-02T09:00:00Z",
        "staffed_by": "consultants",
        "person": {"username": "consultant_a2", "name": world.consultant_a2.get_full_name()},
        "institution": None,
        "phone_number": hotline.phone_number,
        "shift": {"starts_at": "2026-12-02T07:00:00Z", "ends_at": "2026-12-02T15:00:00Z"},
        "gap": False,
    }


def test_api_on_duty_names_the_institution(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(
        hotline=hotline,
        person=None,
        staffed_by=StaffedBy.INSTITUTION,
        institution=world.institution_a,
        starts_at=at(2026, 12, 2, 8),
    )
    body = api(client, world.consultant_a, f"/hotlines/{hotline.uuid}/on-duty").json()
    assert (body["staffed_by"], body["institution"], body["person"], body["gap"]) == (
        "institution",
        "Lindehuset",
        None,
        False,
    )


def test_api_on_duty_says_gap_when_nobody_answers(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    body = api(client, world.consultant_a, f"/hotlines/{hotline.uuid}/on-duty").json()
    assert (body["staffed_by"], body["shift"], body["gap"]) == (None, None, True)


def test_api_on_duty_at_another_moment(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    ShiftFactory(hotline=hotline, person=world.consultant_a2, starts_at=at(2026, 12, 5, 8))
    body = api(
        client,
        world.consultant_a,
        f"/hotlines/{hotline.uuid}/on-duty?at=2026-12-05T09:00:00%2B01:00",
    ).json()
    assert (body["at"], body["person"]["username"]) == (
        "2026-12-05T09:00:00+01:00",
        "consultant_a2",
    )


def test_api_on_duty_of_a_hotline_of_another_municipality_is_not_found(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    response = api(client, world.consultant_b, f"/hotlines/{hotline.uuid}/on-duty")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_api_on_duty_of_an_unknown_hotline_is_not_found(world, client) -> None:  # type: ignore[no-untyped-def]
    response = api(
        client, world.consultant_a, "/hotlines/00000000-0000-0000-0000-000000000000/on-duty"
    )
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_api_hotlines_lists_the_visible_ones(world, client) -> None:  # type: ignore[no-untyped-def]
    rota_hotline(world)
    HotlineFactory(municipality=world.b, name="Vejle")
    body = api(client, world.consultant_a, "/hotlines").json()
    assert (
        body["count"],
        [h["name"] for h in body["items"]],
        body["items"][0]["municipality"],
    ) == (
        1,
        ["Akuttelefonen København"],
        "101",
    )


def test_api_hotlines_lists_the_hotlines_a_specialist_is_on_the_rota_of(world, client) -> None:  # type: ignore[no-untyped-def]
    rota_hotline(world, members=[world.specialist_a])
    rota_hotline(world, members=[], name="Anden")
    body = api(client, world.specialist_a, "/hotlines").json()
    assert [h["name"] for h in body["items"]] == ["Akuttelefonen København"]


def test_api_hotlines_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    rota_hotline(world)
    _record, token = create_api_token(user=world.consultant_a, name="test")
    headers = {"Authorization": f"Bearer {token}"}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/v1/hotlines", headers=headers)
        return len(queries)

    count()  # the token's first use is recorded once
    one = count()
    rota_hotline(world, name="To")
    rota_hotline(world, name="Tre")
    assert count() == one


def test_api_on_duty_time_zone_of_at_is_kept(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    body = api(
        client, world.consultant_a, f"/hotlines/{hotline.uuid}/on-duty?at=2026-12-05T08:00:00Z"
    ).json()
    assert dt.datetime.fromisoformat(body["at"]) == at(2026, 12, 5, 9)
