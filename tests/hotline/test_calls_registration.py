"""Registering a call on the call page: the follow-up's due date (the first working day after
the call's Copenhagen date: weekends, public holidays, Store Bededag until 2023, the
municipality's closure days), its assignee (the fixed consultant, or the team leader at once),
the confirmation, a call from an unknown number, and the form keeping the input on errors."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from samspil.hotline.enums import CallAction, CallStatus, Urgency
from samspil.hotline.models import Call, FollowUp
from tests import factories
from tests.hotline.factories import CallTopicFactory, ClosureDayFactory, ShiftFactory

UTC = dt.UTC


def post_call(client, hotline, family, received: str, **extra):  # type: ignore[no-untyped-def]
    data = {
        "family": str(family.uuid) if family else "",
        "topic": CallTopicFactory().pk,
        "urgency": Urgency.HIGH,
        "caller_role": "foster_parent",
        "advice": "Talte om at give barnet ro.",
        "actions": [CallAction.ON_CALL_SERVICE],
        "received_at": received,
        "caller_name": "",
        "caller_phone": "",
        "notes": "",
        **extra,
    }
    return client.post(reverse("hotline:call_create", args=[hotline.uuid]), data)


def due_after(world, login, hotline, now: dt.datetime, received: str) -> dt.date:  # type: ignore[no-untyped-def]
    """Register a call for family_a at `received` (local) while the clock shows `now`."""
    with time_machine.travel(now, tick=False):
        response = post_call(login(world.consultant_a2), hotline, world.family_a, received)
    assert response.status_code == 302
    return FollowUp.objects.get(call__family=world.family_a).due_date


def test_call_on_a_tuesday_is_due_on_wednesday(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    due = due_after(
        world, login, hotline, dt.datetime(2026, 3, 3, 21, 0, tzinfo=UTC), "2026-03-03T21:30"
    )
    assert due == dt.date(2026, 3, 4)


def test_call_on_a_friday_is_due_on_monday(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    due = due_after(
        world, login, hotline, dt.datetime(2026, 3, 6, 21, 0, tzinfo=UTC), "2026-03-06T21:30"
    )
    assert due == dt.date(2026, 3, 9)


def test_call_on_a_saturday_night_is_due_on_monday(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    due = due_after(
        world, login, hotline, dt.datetime(2026, 3, 8, 2, 0, tzinfo=UTC), "2026-03-08T02:15"
    )
    assert due == dt.date(2026, 3, 9)


def test_call_before_easter_is_due_after_easter_monday(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    # Maundy Thursday 2 April, Good Friday 3 April and Easter Monday 6 April 2026 are holidays.
    due = due_after(
        world, login, hotline, dt.datetime(2026, 4, 1, 20, 0, tzinfo=UTC), "2026-04-01T20:00"
    )
    assert due == dt.date(2026, 4, 7)


def test_call_before_store_bededag_2023_is_due_the_monday_after(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    # Store Bededag, Friday 5 May 2023, was a public holiday.
    due = due_after(
        world, login, hotline, dt.datetime(2023, 5, 4, 20, 0, tzinfo=UTC), "2023-05-04T20:00"
    )
    assert due == dt.date(2023, 5, 8)


def test_call_before_what_was_store_bededag_2024_is_due_that_friday(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    # Abolished from 2024: Friday 26 April 2024 is a working day.
    due = due_after(
        world, login, hotline, dt.datetime(2024, 4, 25, 20, 0, tzinfo=UTC), "2024-04-25T20:00"
    )
    assert due == dt.date(2024, 4, 26)


def test_call_before_a_yearly_closure_day_skips_it(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    # København closes on 24 December every year; 25 and 26 are holidays, 27 a Sunday.
    ClosureDayFactory(municipality=world.a, date=dt.date(2020, 12, 24), every_year=True)
    due = due_after(
        world, login, hotline, dt.datetime(2026, 12, 23, 20, 0, tzinfo=UTC), "2026-12-23T20:00"
    )
    assert due == dt.date(2026, 12, 28)


def test_call_before_another_municipalitys_closure_day_does_not_skip_it(
    world, hotline, login
) -> None:  # type: ignore[no-untyped-def]
    ClosureDayFactory(municipality=world.b, date=dt.date(2020, 12, 24), every_year=True)
    due = due_after(
        world, login, hotline, dt.datetime(2026, 12, 23, 20, 0, tzinfo=UTC), "2026-12-23T20:00"
    )
    assert due == dt.date(2026, 12, 24)


def test_call_just_after_midnight_copenhagen_counts_from_the_local_date(
    world, hotline, login
) -> None:  # type: ignore[no-untyped-def]
    # Thursday 5 March 2026 23:30 UTC is Friday 00:30 in Copenhagen: due Monday, not Friday.
    due = due_after(
        world, login, hotline, dt.datetime(2026, 3, 5, 23, 45, tzinfo=UTC), "2026-03-06T00:30"
    )
    assert due == dt.date(2026, 3, 9)


def test_call_at_2330_utc_on_a_friday_is_a_saturday_call(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 6, 23, 40, tzinfo=UTC), tick=False):
        post_call(login(world.consultant_a2), hotline, world.family_a, "2026-03-07T00:30")
    call = Call.objects.get(family=world.family_a)
    assert (call.received_at, call.local_date, call.follow_up.due_date) == (
        dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC),
        dt.date(2026, 3, 7),
        dt.date(2026, 3, 9),
    )


def test_call_follow_up_goes_to_the_fixed_consultant(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    due_after(world, login, hotline, dt.datetime(2026, 3, 3, 21, 0, tzinfo=UTC), "2026-03-03T21:30")
    follow_up = FollowUp.objects.get(call__family=world.family_a)
    assert (follow_up.assignee, follow_up.assigned_to_leader, len(mail.outbox)) == (
        world.consultant_a,
        False,
        0,
    )


def test_call_for_a_family_without_consultant_goes_to_the_team_leader_at_once(
    world, hotline, login, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    family = factories.FamilyFactory(municipality=world.a, name="Familien Uden")
    with django_capture_on_commit_callbacks(execute=True):
        post_call(login(world.consultant_a), hotline, family, "")
    follow_up = FollowUp.objects.get(call__family=family)
    assert (follow_up.assignee, follow_up.assigned_to_leader, [m.to for m in mail.outbox]) == (
        world.leader_a,
        True,
        [[world.leader_a.email]],
    )


def test_call_registered_shows_the_due_date_and_the_assignee(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 6, 21, 0, tzinfo=UTC), tick=False):
        client = login(world.consultant_a2)
        response = post_call(client, hotline, world.family_a, "2026-03-06T21:30")
        page = client.get(response.url)
    expected = (
        f"{world.consultant_a.get_full_name()} follows up by <strong>Monday March 9, 2026</strong>."
    )
    assert expected in page.text


def test_call_received_defaults_to_now_in_copenhagen(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 3, 21, 0, 30, tzinfo=UTC), tick=False):
        response = login(world.consultant_a).get(
            reverse("hotline:call_create", args=[hotline.uuid])
        )
    assert 'name="received_at" value="2026-03-03T22:00"' in response.text


def test_call_from_an_unknown_number_is_registered_without_family_or_follow_up(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = post_call(
        login(world.specialist_a), hotline, None, "", caller_phone="+45 99 88 77 66"
    )
    call = Call.objects.get()
    assert (
        response.status_code,
        call.family,
        call.status,
        call.caller_phone,
        FollowUp.objects.count(),
    ) == (
        302,
        None,
        CallStatus.REGISTERED,
        "+45 99 88 77 66",
        0,
    )


def test_call_form_keeps_the_input_and_says_what_is_missing(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    response = post_call(
        login(world.specialist_a),
        hotline,
        world.family_a,
        "",
        urgency="",
        advice="Ringede tilbage.",
    )
    form = response.context["form"]
    assert (
        response.status_code,
        form.errors["urgency"],
        form["advice"].value(),
        response.context["view"].name,
        Call.objects.count(),
    ) == (200, ["This field is required."], "Ringede tilbage.", "Familien Andersen", 0)


def test_call_in_the_future_is_refused_with_a_translated_error(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 3, 21, 0, tzinfo=UTC), tick=False):
        response = post_call(login(world.consultant_a), hotline, world.family_a, "2026-03-04T12:00")
    assert response.context["form"].errors["received_at"] == [
        "The call cannot be received in the future."
    ]


def test_call_form_errors_are_in_danish_for_a_danish_user(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.specialist_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "da"
    response = post_call(client, hotline, world.family_a, "", urgency="")
    assert response.context["form"].errors["urgency"] == ["Dette felt er påkrævet."]


def test_call_for_a_family_of_another_municipality_is_refused(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = post_call(login(world.specialist_a), hotline, world.family_b, "")
    assert (response.context["form"].errors["family"], Call.objects.count()) == (
        ["Choose the family again: it was not found."],
        0,
    )


def test_call_registration_outside_the_shift_is_forbidden(world, hotline, login) -> None:  # type: ignore[no-untyped-def]
    factories_shift = ShiftFactory(hotline=hotline, person=world.specialist_a)
    factories_shift.starts_at -= dt.timedelta(days=2)
    factories_shift.ends_at -= dt.timedelta(days=2)
    factories_shift.save()
    from samspil.hotline.models import RotaMember

    RotaMember.objects.create(hotline=hotline, user=world.specialist_a)
    response = post_call(login(world.specialist_a), hotline, world.family_a, "")
    assert (response.status_code, Call.objects.count()) == (403, 0)


@pytest.mark.parametrize("received", ["", "2026-03-03T21:30"])
def test_call_registered_by_the_person_on_duty_is_theirs(world, hotline, login, received) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 3, 21, 40, tzinfo=UTC), tick=False):
        ShiftFactory(hotline=hotline, person=world.specialist_a)
        post_call(login(world.specialist_a), hotline, world.family_a, received)
    call = Call.objects.get()
    assert (call.registered_by, call.hotline, call.actions) == (
        world.specialist_a,
        hotline,
        ["on_call_service"],
    )
