"""The rota page (a list of shifts per day, who is on duty now, gaps before they happen), the
generation form and its status polled with HTMX, a shift's page with the manager's override and
swap, and the page's query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.hotline.enums import RotaRunStatus
from samspil.hotline.models import Hotline, RotaRun, Shift
from samspil.hotline.services import rota as services
from tests.competence.factories import at
from tests.hotline.factories import ShiftFactory
from tests.hotline.factories_rota import UnavailabilityFactory, consultants, rota_hotline

NOW = at(2026, 12, 2, 10)  # Wednesday 2 December 2026, 10:00


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(services, "SOLVER_SECONDS", 2.0)
    monkeypatch.setattr(services, "SOLVER_WORKERS", 2)
    with time_machine.travel(NOW, tick=False):
        yield


def day_of_shifts(hotline: Hotline, day: int, people) -> list[Shift]:  # type: ignore[no-untyped-def]
    found = []
    for (hour, length), person in zip(((8, 8), (16, 7), (23, 9)), people, strict=False):
        starts = at(2026, 12, day, hour)
        found.append(
            ShiftFactory(
                hotline=hotline,
                person=person,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=length),
            )
        )
    return found


def rota_url(hotline: Hotline, **query: str) -> str:
    url = reverse("hotline:rota", args=[hotline.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# -- the page -------------------------------------------------------------------------------------


def test_rota_page_lists_the_shifts_per_day(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    day_of_shifts(hotline, 2, [world.consultant_a, world.consultant_a2, world.consultant_a])
    client.force_login(world.consultant_a)
    response = client.get(rota_url(hotline, start="2026-12-02", days="2"))
    days = response.context["days"]
    assert [(d.day, len(d.rows)) for d in days] == [
        (dt.date(2026, 12, 2), 3),
        (dt.date(2026, 12, 3), 0),
    ]


def test_rota_page_highlights_who_is_on_duty_now(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    morning, *_ = day_of_shifts(hotline, 2, [world.consultant_a, world.consultant_a2])
    client.force_login(world.consultant_a)
    response = client.get(rota_url(hotline, start="2026-12-02", days="1"))
    html = response.content.decode()
    assert (
        response.context["on_duty"].shift,
        [r.is_now for r in response.context["days"][0].rows],
    ) == (
        morning,
        [True, False],
    )
    assert f'id="shift-{morning.uuid}" class="card" aria-current="true"' in html


def test_rota_page_shows_a_gap_before_it_happens(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    _m, evening, _n = day_of_shifts(hotline, 2, [world.consultant_a, None, world.consultant_a2])
    client.force_login(world.consultant_a)
    response = client.get(rota_url(hotline, start="2026-12-02", days="1"))
    assert (
        response.context["gaps"],
        "1 shift has nobody on duty:" in response.content.decode(),
    ) == (
        [evening],
        True,
    )


def test_rota_page_does_not_count_a_past_shift_without_a_person_as_a_gap(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    day_of_shifts(hotline, 1, [None, world.consultant_a, world.consultant_a2])
    client.force_login(world.consultant_a)
    response = client.get(rota_url(hotline, start="2026-12-01", days="1"))
    assert ([r.is_gap for r in response.context["days"][0].rows], response.context["gaps"]) == (
        [False, False, False],
        [],
    )


def test_rota_page_warns_of_a_person_now_unavailable(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    day_of_shifts(hotline, 3, [world.consultant_a])
    UnavailabilityFactory(
        user=world.consultant_a, starts_at=at(2026, 12, 3, 0), ends_at=at(2026, 12, 4, 0)
    )
    client.force_login(world.leader_a)
    response = client.get(rota_url(hotline, start="2026-12-03", days="1"))
    assert [r.unavailable for r in response.context["days"][0].rows] == [True]


def test_rota_page_shows_the_generation_form_to_managers_only(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    leader = client.get(rota_url(hotline)).context
    client.force_login(world.consultant_a)
    consultant = client.get(rota_url(hotline)).context
    assert ("generate_form" in leader, "generate_form" in consultant) == (True, False)


def test_rota_page_suggests_the_next_quarter(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    form = client.get(rota_url(rota_hotline(world))).context["generate_form"]
    assert (form.initial["first_day"], form.initial["last_day"]) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
    )


def test_rota_page_with_a_wrong_start_shows_today(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(rota_url(rota_hotline(world), start="nonsense"))
    assert (response.context["first_day"], response.context["day_count"]) == (
        dt.date(2026, 12, 2),
        7,
    )


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rota_page_query_count_does_not_grow_with_the_shifts(world, client) -> None:  # type: ignore[no-untyped-def]
    people = [world.consultant_a, world.consultant_a2, *consultants(world, 4)]
    hotline = rota_hotline(world, members=people)
    day_of_shifts(hotline, 3, people[:3])
    client.force_login(world.leader_a)
    url = rota_url(hotline, start="2026-12-03", days="3")
    one = _queries(client, url)
    day_of_shifts(hotline, 4, people[3:6])
    day_of_shifts(hotline, 5, people[:3])
    UnavailabilityFactory(user=people[4], starts_at=at(2026, 12, 4, 0), ends_at=at(2026, 12, 5, 0))
    assert _queries(client, url) == one


def test_rota_page_query_count_is_the_same_for_a_consultant_with_more_shifts(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    day_of_shifts(hotline, 3, [world.consultant_a, None, world.consultant_a2])
    client.force_login(world.consultant_a)
    url = rota_url(hotline, start="2026-12-03", days="3")
    one = _queries(client, url)
    for day in (4, 5):
        day_of_shifts(hotline, day, [world.consultant_a, None, world.consultant_a2])
    assert _queries(client, url) == one


# -- generating ------------------------------------------------------------------------------------


def test_generate_from_the_page_makes_the_rota_and_shows_it(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=consultants(world, 4))
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:rota_generate", args=[hotline.uuid]),
        {"first_day": "2026-12-02", "last_day": "2026-12-03"},
        follow=True,
    )
    run = response.context["run"]
    assert (run.run.status, run.result["created"], response.redirect_chain[-1][0]) == (
        RotaRunStatus.DONE,
        6,
        rota_url(hotline, start="2026-12-02") + "#generation",
    )


def test_generate_from_the_page_shows_why_a_period_is_impossible(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world, members=[])
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:rota_generate", args=[hotline.uuid]),
        {"first_day": "2026-12-03", "last_day": "2026-12-03"},
        follow=True,
    )
    assert "Nobody is on the rota, so these hours cannot be covered" in response.content.decode()


def test_generate_from_the_page_with_a_bad_period_keeps_the_form(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:rota_generate", args=[hotline.uuid]),
        {"first_day": "2026-12-05", "last_day": "2026-12-03"},
    )
    assert response.context["generate_form"].errors == {
        "last_day": ["The period ends before it starts."]
    }


def test_generate_from_the_page_is_forbidden_to_a_consultant(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("hotline:rota_generate", args=[hotline.uuid]),
        {"first_day": "2026-12-03", "last_day": "2026-12-03"},
    )
    assert (response.status_code, RotaRun.objects.count()) == (403, 0)


def test_run_status_is_polled_while_queued(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    run = RotaRun.objects.create(
        hotline=hotline,
        period_start=dt.date(2026, 12, 3),
        period_end=dt.date(2026, 12, 3),
        requested_by=world.leader_a,
    )
    client.force_login(world.leader_a)
    url = reverse("hotline:rota_run", args=[hotline.uuid, run.uuid])
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert (f'hx-get="{url}"' in html, "HX-Refresh" in response.headers) == (True, False)


def test_run_status_reloads_the_page_once_done(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    run = RotaRun.objects.create(
        hotline=hotline,
        period_start=dt.date(2026, 12, 3),
        period_end=dt.date(2026, 12, 3),
        requested_by=world.leader_a,
        status=RotaRunStatus.DONE,
        result={"rota_shifts": 3, "gaps": 0, "counts": []},
    )
    client.force_login(world.leader_a)
    response = client.get(
        reverse("hotline:rota_run", args=[hotline.uuid, run.uuid]), headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Refresh"] == "true"


def test_run_status_of_a_running_run_shows_the_progress(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    run = RotaRun.objects.create(
        hotline=hotline,
        period_start=dt.date(2026, 12, 3),
        period_end=dt.date(2026, 12, 3),
        requested_by=world.leader_a,
        status=RotaRunStatus.RUNNING,
        progress={
            "shifts": 270,
            "people": 30,
            "solutions": 4,
            "objective": 1200,
            "seconds": 3.0,
            "limit": 20.0,
        },
    )
    client.force_login(world.leader_a)
    response = client.get(reverse("hotline:rota_run", args=[hotline.uuid, run.uuid]))
    assert "3.0 of at most 20.0 seconds" in response.content.decode()


# -- a shift's page ----------------------------------------------------------------------------------


def test_shift_page_offers_the_manager_override_and_swap(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a, b, _c = day_of_shifts(
        hotline, 3, [world.consultant_a, world.consultant_a2, world.consultant_a]
    )
    client.force_login(world.leader_a)
    context = client.get(reverse("hotline:shift_detail", args=[a.uuid])).context
    assert [value for value, _label in context["swap_form"].fields["other"].choices] == [
        f"{b.uuid}:1"
    ]
    assert set(context["override_form"].fields["person"].queryset) == {
        world.consultant_a,
        world.consultant_a2,
    }


def test_shift_page_shows_no_forms_to_a_consultant(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a, *_ = day_of_shifts(hotline, 3, [world.consultant_a])
    client.force_login(world.consultant_a)
    context = client.get(reverse("hotline:shift_detail", args=[a.uuid])).context
    assert ("override_form" in context, context["changeable"]) == (False, False)


def test_override_from_the_page_refused_shows_the_reason(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a, *_ = day_of_shifts(hotline, 3, [world.consultant_a])
    UnavailabilityFactory(
        user=world.consultant_a2, starts_at=at(2026, 12, 3, 0), ends_at=at(2026, 12, 4, 0)
    )
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:shift_override", args=[a.uuid]),
        {"override-version": "1", "override-person": str(world.consultant_a2.pk)},
    )
    errors = response.context["override_form"].errors["person"]
    assert (errors[-1], Shift.objects.get(pk=a.pk).person) == (
        "Tick “Change anyway” to make the change all the same.",
        world.consultant_a,
    )


def test_override_from_the_page_confirmed_is_made(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a, *_ = day_of_shifts(hotline, 3, [world.consultant_a])
    UnavailabilityFactory(
        user=world.consultant_a2, starts_at=at(2026, 12, 3, 0), ends_at=at(2026, 12, 4, 0)
    )
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:shift_override", args=[a.uuid]),
        {
            "override-version": "1",
            "override-person": str(world.consultant_a2.pk),
            "override-confirm": "on",
        },
    )
    assert (response.status_code, Shift.objects.get(pk=a.pk).person) == (302, world.consultant_a2)


def test_override_from_the_page_to_nobody_makes_a_gap_on_the_rota(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a, *_ = day_of_shifts(hotline, 3, [world.consultant_a])
    client.force_login(world.leader_a)
    client.post(
        reverse("hotline:shift_override", args=[a.uuid]),
        {"override-version": "1", "override-person": ""},
    )
    response = client.get(rota_url(hotline, start="2026-12-03", days="1"))
    assert response.context["gaps"] == [a]


def test_swap_from_the_page_exchanges_the_people(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = day_of_shifts(hotline, 3, [world.consultant_a])[0]
    b = day_of_shifts(hotline, 5, [world.consultant_a2])[0]
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:shift_swap", args=[a.uuid]),
        {"swap-version": "1", "swap-other": f"{b.uuid}:1"},
    )
    assert (response.status_code, Shift.objects.get(pk=a.pk).person) == (302, world.consultant_a2)


def test_swap_from_the_page_with_a_stale_version_shows_the_conflict(world, client) -> None:  # type: ignore[no-untyped-def]
    hotline = rota_hotline(world)
    a = day_of_shifts(hotline, 3, [world.consultant_a])[0]
    b = day_of_shifts(hotline, 5, [world.consultant_a2])[0]
    client.force_login(world.leader_a)
    response = client.post(
        reverse("hotline:shift_swap", args=[a.uuid]),
        {"swap-version": "1", "swap-other": f"{b.uuid}:1"},
    )
    # Both are at version 2 now; a page opened before the swap still names b's version 1.
    response = client.post(
        reverse("hotline:shift_swap", args=[b.uuid]),
        {"swap-version": "1", "swap-other": f"{a.uuid}:2"},
    )
    assert response.status_code == 200
    assert response.context["swap_form"].conflict.current_version == 2
