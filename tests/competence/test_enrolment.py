"""Enrolment: places, the waiting list, cancellations, promotion, attendance, the access an
enrolment gives, and the pages around it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.competence.enums import Attendance, EnrolmentStatus, PlaceKind, TimeSlot
from samspil.competence.models import CompetenceSettings, Enrolment, Session, Theme
from samspil.competence.selectors.enrolment import mandatory_gaps
from samspil.competence.selectors.offerings import time_slot_q
from samspil.competence.services import enrolment as services
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import Engagement
from tests import factories
from tests.competence.factories import SessionFactory, at, in_catalogue, offering_for

NOW = at(2027, 2, 1, 9)  # a Monday morning, a month before the default session


@pytest.fixture(autouse=True)
def _frozen_time():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(world) -> Session:  # type: ignore[no-untyped-def]
    """A session (2 places, 2 March 2027 19–21) of an offering in A's and B's catalogue."""
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    in_catalogue(offering, world.b)
    return SessionFactory(offering=offering, capacity=2)


def _families(world, count: int) -> list:  # type: ignore[no-untyped-def]
    return [factories.FamilyFactory(municipality=world.a) for _ in range(count)]


def _enrol(world, session, family):  # type: ignore[no-untyped-def]
    return services.enrol_family(actor=world.consultant_a, session=session, family=family)


# -- places and the waiting list -------------------------------------------------------------


def test_enrol_with_a_free_place_gives_a_place(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    assert (enrolment.status, enrolment.waitlisted_at) == (EnrolmentStatus.ENROLLED, None)


def test_enrol_in_a_full_session_puts_the_family_on_the_waiting_list(world, session) -> None:  # type: ignore[no-untyped-def]
    first, second, third = _families(world, 3)
    _enrol(world, session, first)
    _enrol(world, session, second)
    enrolment = _enrol(world, session, third)
    assert (enrolment.status, enrolment.waitlisted_at) == (EnrolmentStatus.WAITLISTED, NOW)
    assert session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 2


def test_enrol_twice_in_the_same_session_is_refused(world, session) -> None:  # type: ignore[no-untyped-def]
    _enrol(world, session, world.family_a)
    with pytest.raises(ValidationError) as error:
        _enrol(world, session, world.family_a)
    assert error.value.message_dict == {
        "family": ["The family is already enrolled in this session."]
    }


def test_enrol_twice_while_waiting_says_so(world, session) -> None:  # type: ignore[no-untyped-def]
    session.capacity = 1
    session.save()
    _enrol(world, session, world.family_a_other)
    _enrol(world, session, world.family_a)
    with pytest.raises(ValidationError) as error:
        _enrol(world, session, world.family_a)
    assert error.value.message_dict == {
        "family": ["The family is already on the waiting list for this session."]
    }


def test_enrol_again_after_cancelling_is_allowed(world, session) -> None:  # type: ignore[no-untyped-def]
    services.cancel_enrolment(
        actor=world.consultant_a, enrolment=_enrol(world, session, world.family_a)
    )
    assert _enrol(world, session, world.family_a).status == EnrolmentStatus.ENROLLED


def test_enrol_in_a_cancelled_session_is_refused(world, session) -> None:  # type: ignore[no-untyped-def]
    session.cancelled = True
    session.save()
    with pytest.raises(ValidationError) as error:
        _enrol(world, session, world.family_a)
    assert error.value.message_dict == {"session": ["The session is cancelled."]}


def test_enrol_in_a_session_that_has_started_is_refused(world, session) -> None:  # type: ignore[no-untyped-def]
    with (
        time_machine.travel(at(2027, 3, 2, 19, 30), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        _enrol(world, session, world.family_a)
    assert error.value.message_dict == {"session": ["The session has already started."]}


def test_enrol_in_an_offering_outside_the_catalogue_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    session = SessionFactory(offering=offering_for(world))
    with pytest.raises(ValidationError) as error:
        _enrol(world, session, world.family_a)
    assert error.value.message_dict == {
        "session": ["The offering is not in the catalogue of the family's municipality."]
    }


def test_enrol_a_family_of_another_municipality_is_denied(world, session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.enrol_family(actor=world.consultant_b, session=session, family=world.family_a)


def test_enrol_by_the_foster_parent_for_another_family_is_denied(world, session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.enrol_family(
            actor=world.foster_parent_a, session=session, family=world.family_a_other
        )


def test_enrol_is_audited_with_the_status(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    entry = AuditEntry.objects.get(action="competence.enrolment.create")
    assert (entry.actor, entry.municipality_id, entry.object_uuid, entry.data["status"]) == (
        world.consultant_a,
        world.a.pk,
        enrolment.uuid,
        "enrolled",
    )


# -- cancellation and promotion --------------------------------------------------------------


def test_cancel_promotes_the_first_waiting_family_and_emails_it(
    world, session, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    holder, other = _families(world, 2)
    first_waiting, second_waiting = _families(world, 2)
    first_waiting.email = "familie@example.dk"
    first_waiting.save()
    factories.ParentFactory(family=first_waiting, email="mor@example.dk")
    factories.ParentFactory(family=first_waiting, first_name="Jens", email="far@example.dk")
    place = _enrol(world, session, holder)
    _enrol(world, session, other)
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        _enrol(world, session, first_waiting)
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        _enrol(world, session, second_waiting)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(actor=world.consultant_a, enrolment=place)
    statuses = dict(session.enrolments.values_list("family_id", "status"))
    assert (statuses[first_waiting.pk], statuses[second_waiting.pk]) == ("enrolled", "waitlisted")
    assert len(mail.outbox) == 1
    assert (mail.outbox[0].to, mail.outbox[0].subject) == (
        ["familie@example.dk", "far@example.dk", "mor@example.dk"],
        f"You have a place: {session.offering.title}",
    )


def test_cancel_of_a_waiting_list_place_promotes_nobody(
    world, session, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    first, second, waiting, last = _families(world, 4)
    _enrol(world, session, first)
    _enrol(world, session, second)
    queued = _enrol(world, session, waiting)
    _enrol(world, session, last)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(actor=world.consultant_a, enrolment=queued)
    statuses = dict(session.enrolments.values_list("family_id", "status"))
    assert (statuses[waiting.pk], statuses[last.pk], len(mail.outbox)) == (
        "cancelled",
        "waitlisted",
        0,
    )


def test_cancel_without_anyone_waiting_frees_the_place(world, session) -> None:  # type: ignore[no-untyped-def]
    services.cancel_enrolment(
        actor=world.consultant_a, enrolment=_enrol(world, session, world.family_a)
    )
    assert session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 0


def test_cancel_in_good_time_is_not_late(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = services.cancel_enrolment(
        actor=world.consultant_a, enrolment=_enrol(world, session, world.family_a)
    )
    assert (enrolment.status, enrolment.cancelled_at, enrolment.late_cancellation) == (
        EnrolmentStatus.CANCELLED,
        NOW,
        False,
    )


def test_cancel_less_than_48_hours_before_is_late(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with time_machine.travel(at(2027, 2, 28, 20), tick=False):  # 47 hours before
        enrolment = services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    assert enrolment.late_cancellation is True


def test_cancel_49_hours_before_is_in_good_time(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with time_machine.travel(at(2027, 2, 28, 18), tick=False):
        enrolment = services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    assert enrolment.late_cancellation is False


def test_cancel_uses_the_municipality_late_cancellation_hours(world, session) -> None:  # type: ignore[no-untyped-def]
    CompetenceSettings.objects.create(municipality=world.a, late_cancellation_hours=72)
    enrolment = _enrol(world, session, world.family_a)
    with time_machine.travel(at(2027, 2, 28, 18), tick=False):  # 49 hours before
        enrolment = services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    assert enrolment.late_cancellation is True


def test_cancel_creates_the_default_settings_on_first_use(world, session) -> None:  # type: ignore[no-untyped-def]
    services.cancel_enrolment(
        actor=world.consultant_a, enrolment=_enrol(world, session, world.family_a)
    )
    assert CompetenceSettings.objects.get(municipality=world.a).late_cancellation_hours == 48


def test_cancel_twice_is_refused(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    with pytest.raises(ValidationError) as error:
        services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    assert error.value.messages == ["The enrolment is already cancelled."]


def test_cancel_by_the_institution_is_denied(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with pytest.raises(PermissionDeniedError):
        services.cancel_enrolment(actor=world.specialist_a, enrolment=enrolment)


# -- the access an enrolment gives -----------------------------------------------------------


def _specialist_sees_family(client, world) -> int:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist_a)
    return client.get(reverse("families:detail", args=[world.family_a.uuid])).status_code


def test_enrolment_gives_the_specialist_access_to_the_family(world, session, client) -> None:  # type: ignore[no-untyped-def]
    before = _specialist_sees_family(client, world)
    enrolment = _enrol(world, session, world.family_a)
    engagement = Engagement.objects.get(source=f"competence.enrolment:{enrolment.uuid}")
    assert (before, _specialist_sees_family(client, world)) == (404, 200)
    assert (engagement.kind, engagement.starts_on, engagement.ends_on) == (
        "enrolment",
        dt.date(2027, 2, 1),
        dt.date(2027, 3, 2),
    )


def test_waiting_list_place_gives_no_access(world, session, client) -> None:  # type: ignore[no-untyped-def]
    for family in _families(world, 2):
        _enrol(world, session, family)
    assert _enrol(world, session, world.family_a).status == EnrolmentStatus.WAITLISTED
    assert _specialist_sees_family(client, world) == 404


def test_promotion_gives_access(world, session, client) -> None:  # type: ignore[no-untyped-def]
    first, second = _families(world, 2)
    place = _enrol(world, session, first)
    _enrol(world, session, second)
    _enrol(world, session, world.family_a)
    services.cancel_enrolment(actor=world.consultant_a, enrolment=place)
    assert _specialist_sees_family(client, world) == 200


def test_cancellation_ends_access_after_the_grace_period(world, session, client) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    services.cancel_enrolment(actor=world.consultant_a, enrolment=enrolment)
    grace = world.a.engagement_grace_days
    with time_machine.travel(NOW + dt.timedelta(days=grace), tick=False):
        within = _specialist_sees_family(client, world)
    with time_machine.travel(NOW + dt.timedelta(days=grace + 1), tick=False):
        after = _specialist_sees_family(client, world)
    assert (within, after) == (200, 404)


# -- attendance ------------------------------------------------------------------------------


def test_register_attendance_records_each_family(world, session) -> None:  # type: ignore[no-untyped-def]
    came = _enrol(world, session, world.family_a)
    stayed_away = _enrol(world, session, world.family_a_other)
    with time_machine.travel(at(2027, 3, 2, 21, 30), tick=False):
        changed = services.register_attendance(
            actor=world.specialist_a,
            session=session,
            marks={came.uuid: Attendance.ATTENDED, stayed_away.uuid: Attendance.NO_SHOW},
        )
    assert changed == 2
    assert dict(session.enrolments.values_list("family_id", "attendance")) == {
        world.family_a.pk: "attended",
        world.family_a_other.pk: "no_show",
    }
    assert AuditEntry.objects.filter(action="competence.enrolment.attendance").count() == 2


def test_register_attendance_before_the_start_is_refused(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with pytest.raises(ValidationError) as error:
        services.register_attendance(
            actor=world.specialist_a, session=session, marks={enrolment.uuid: "attended"}
        )
    assert error.value.messages == ["Attendance can be registered once the session has started."]


def test_register_attendance_by_a_consultant_is_denied(world, session) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with (
        time_machine.travel(at(2027, 3, 2, 21, 30), tick=False),
        pytest.raises(PermissionDeniedError),
    ):
        services.register_attendance(
            actor=world.consultant_a, session=session, marks={enrolment.uuid: "attended"}
        )


def test_attendance_page_saves_the_marks(world, session, client) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    with time_machine.travel(at(2027, 3, 2, 21, 30), tick=False):
        client.force_login(world.specialist_a)  # sessions expire after an idle hour
        response = client.post(
            reverse("competence:session_attendance", args=[session.uuid]),
            {f"attendance_{enrolment.uuid}": "no_show"},
        )
    enrolment.refresh_from_db()
    assert (response.status_code, enrolment.attendance) == (302, "no_show")


# -- the fixed programme ---------------------------------------------------------------------


def test_mandatory_gaps_lists_unattended_mandatory_offerings(world) -> None:  # type: ignore[no-untyped-def]
    mandatory = offering_for(world, title="Tilknytning 1")
    in_catalogue(mandatory, world.a, mandatory=True)
    attended = offering_for(world, title="Tilknytning 2")
    in_catalogue(attended, world.a, mandatory=True)
    in_model = factories.FamilyFactory(
        municipality=world.a, name="Familien I", in_model_since=dt.date(2026, 1, 1)
    )
    Enrolment.objects.create(
        session=SessionFactory(offering=attended),
        family=in_model,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.ATTENDED,
    )
    Enrolment.objects.create(
        session=SessionFactory(offering=mandatory),
        family=in_model,
        status=EnrolmentStatus.ENROLLED,
        attendance=Attendance.NO_SHOW,
    )
    factories.FamilyFactory(
        municipality=world.a,
        name="Familien Ude",
        in_model_since=dt.date(2025, 1, 1),
        in_model_until=dt.date(2026, 1, 1),
    )
    gaps = mandatory_gaps(world.a)
    assert [(g.family.name, [o.title for o in g.offerings]) for g in gaps] == [
        ("Familien I", ["Tilknytning 1"])
    ]


def test_mandatory_gaps_is_empty_without_mandatory_offerings(world) -> None:  # type: ignore[no-untyped-def]
    factories.FamilyFactory(municipality=world.a, in_model_since=dt.date(2026, 1, 1))
    assert mandatory_gaps(world.a) == []


def test_mandatory_gaps_ignores_other_municipalities_catalogues(world) -> None:  # type: ignore[no-untyped-def]
    in_catalogue(offering_for(world), world.b, mandatory=True)
    factories.FamilyFactory(municipality=world.a, in_model_since=dt.date(2026, 1, 1))
    assert mandatory_gaps(world.a) == []


def test_mandatory_gaps_query_count_does_not_grow_with_families(world) -> None:  # type: ignore[no-untyped-def]
    in_catalogue(offering_for(world), world.a, mandatory=True)
    factories.FamilyFactory(municipality=world.a, in_model_since=dt.date(2026, 1, 1))
    with CaptureQueriesContext(connection) as one:
        assert len(mandatory_gaps(world.a)) == 1
    for _ in range(2):
        factories.FamilyFactory(municipality=world.a, in_model_since=dt.date(2026, 1, 1))
    with CaptureQueriesContext(connection) as three:
        assert len(mandatory_gaps(world.a)) == 3
    assert len(three) == len(one)


# -- time slots ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "slot"),
    [
        (at(2027, 3, 2, 9), TimeSlot.WEEKDAY_DAYTIME),
        (at(2027, 3, 2, 16, 59), TimeSlot.WEEKDAY_DAYTIME),
        (at(2027, 3, 2, 17), TimeSlot.EVENINGS),
        (at(2027, 3, 6, 10), TimeSlot.WEEKENDS),
        (at(2027, 3, 7, 19), TimeSlot.WEEKENDS),
        (at(2027, 7, 2, 23, 30), TimeSlot.EVENINGS),  # summer time: 21:30 UTC
    ],
)
def test_time_slot_filter_agrees_with_session_time_slot(world, starts_at, slot) -> None:  # type: ignore[no-untyped-def]
    session = SessionFactory(
        offering=offering_for(world),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=20),
    )
    matching = [
        s.value
        for s in TimeSlot
        if Session.objects.filter(time_slot_q([s.value]), pk=session.pk).exists()
    ]
    assert (session.time_slot, matching) == (slot, [slot.value])


# -- pages -----------------------------------------------------------------------------------


def test_foster_parent_signs_up_from_the_catalogue(world, session, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("competence:enrol", args=[session.uuid]),
        {"family": world.family_a.uuid, "next": reverse("competence:catalogue")},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("competence:catalogue"))
    assert list(session.enrolments.values_list("family_id", "status")) == [
        (world.family_a.pk, "enrolled")
    ]


def test_foster_parent_cannot_sign_up_another_family(world, session, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("competence:enrol", args=[session.uuid]),
        {"family": world.family_a_other.uuid},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["You cannot enrol this family."]
    assert session.enrolments.count() == 0


def test_signing_up_twice_on_the_page_explains_why(world, session, client) -> None:  # type: ignore[no-untyped-def]
    _enrol(world, session, world.family_a)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:enrol", args=[session.uuid]), {"family": world.family_a.uuid}
    )
    assert response.status_code == 200
    assert response.context["enrol_form"].errors == {
        "family": ["The family is already enrolled in this session."]
    }
    assert f'value="{world.family_a.uuid}" selected' in response.content.decode()


def test_consultant_enrols_a_family_on_the_session_page(world, session, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("competence:enrol", args=[session.uuid]), {"family": world.family_a_other.uuid}
    )
    assert response["Location"] == reverse("competence:session_detail", args=[session.uuid])
    assert session.enrolments.get().family == world.family_a_other


def test_foster_parent_cancels_on_the_session_page(world, session, client) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    client.force_login(world.foster_parent_a)
    response = client.post(reverse("competence:cancel_enrolment", args=[enrolment.uuid]))
    enrolment.refresh_from_db()
    assert (response.status_code, enrolment.status) == (302, "cancelled")


def test_cancel_page_of_another_municipality_answers_404(world, session, client) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    client.force_login(world.consultant_b)
    response = client.post(reverse("competence:cancel_enrolment", args=[enrolment.uuid]))
    enrolment.refresh_from_db()
    assert (response.status_code, enrolment.status) == (404, "enrolled")


def test_session_page_shows_places_and_waiting_list_to_the_institution(
    world, session, client
) -> None:  # type: ignore[no-untyped-def]
    _enrol(world, session, world.family_a)
    _enrol(world, session, world.family_a_other)
    services.enrol_family(actor=world.consultant_b, session=session, family=world.family_b)
    client.force_login(world.specialist_a)
    roster = client.get(reverse("competence:session_detail", args=[session.uuid])).context["roster"]
    assert (
        [e.family.name for e in roster.enrolled],
        [e.family.name for e in roster.waitlisted],
    ) == (["Familien Andersen", "Familien Østergaard"], ["Familien Bæk"])


def test_session_page_shows_a_consultant_only_their_families(world, session, client) -> None:  # type: ignore[no-untyped-def]
    _enrol(world, session, world.family_a)
    services.enrol_family(actor=world.consultant_b, session=session, family=world.family_b)
    client.force_login(world.consultant_b)
    response = client.get(reverse("competence:session_detail", args=[session.uuid]))
    assert [e.family.name for e in response.context["roster"].enrolled] == ["Familien Bæk"]
    assert "Familien Andersen" not in response.content.decode()


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_session_page_query_count_does_not_grow_with_families(world, session, client) -> None:  # type: ignore[no-untyped-def]
    session.capacity = 10
    session.save()
    _enrol(world, session, world.family_a)
    url = reverse("competence:session_detail", args=[session.uuid])
    with time_machine.travel(at(2027, 3, 2, 21), tick=False):
        client.force_login(world.specialist_a)
        one = _queries(client, url)
        for family in _families(world, 2):
            Enrolment.objects.create(session=session, family=family, status="enrolled")
        three = _queries(client, url)
    assert three == one


# -- the catalogue ---------------------------------------------------------------------------


def _catalogue(client, user, query: str = ""):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(reverse("competence:catalogue") + query)


def test_catalogue_shows_the_municipality_offerings_with_free_places(
    world, session, client
) -> None:  # type: ignore[no-untyped-def]
    in_catalogue(offering_for(world, published=False, title="Kladde"), world.a)
    offering_for(world, title="Ikke i kataloget")
    _enrol(world, session, world.family_a_other)
    response = _catalogue(client, world.foster_parent_a)
    offerings = list(response.context["page"].object_list)
    assert [(o.title, [(s.free_places, s.my_status) for s in o.upcoming]) for o in offerings] == [
        (session.offering.title, [(1, "")])
    ]


def test_catalogue_shows_the_family_its_own_status(world, session, client) -> None:  # type: ignore[no-untyped-def]
    enrolment = _enrol(world, session, world.family_a)
    offering = _catalogue(client, world.foster_parent_a).context["page"].object_list[0]
    assert [(s.my_status, s.my_enrolment) for s in offering.upcoming] == [
        ("enrolled", enrolment.uuid)
    ]


def test_catalogue_defaults_to_the_family_preferred_times(world, session, client) -> None:  # type: ignore[no-untyped-def]
    world.family_a.prefers_weekends = True
    world.family_a.save()
    response = _catalogue(client, world.foster_parent_a)
    assert (response.context["form"]["slot"].value(), response.context["page"].paginator.count) == (
        ["weekends"],
        0,
    )


def test_catalogue_without_preferences_shows_every_time(world, session, client) -> None:  # type: ignore[no-untyped-def]
    response = _catalogue(client, world.foster_parent_a)
    assert response.context["page"].paginator.count == 1


def test_catalogue_filters_by_time_slot(world, session, client) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=session.offering, starts_at=at(2027, 3, 3, 9))
    offering = (
        _catalogue(client, world.consultant_a, "?slot=weekday_daytime")
        .context["page"]
        .object_list[0]
    )
    assert [s.time_slot for s in offering.upcoming] == [TimeSlot.WEEKDAY_DAYTIME]


def test_catalogue_filters_by_theme(world, session, client) -> None:  # type: ignore[no-untyped-def]
    autism = Theme.objects.get(name="Autisme, piktogrammer og TEACCH")
    other = offering_for(world, title="Autisme i hverdagen", themes=[autism])
    in_catalogue(other, world.a)
    response = _catalogue(client, world.consultant_a, f"?theme={autism.pk}")
    assert [o.title for o in response.context["page"].object_list] == ["Autisme i hverdagen"]


def test_catalogue_lists_mandatory_offerings_first(world, session, client) -> None:  # type: ignore[no-untyped-def]
    mandatory = offering_for(world, title="Zeta obligatorisk")
    in_catalogue(mandatory, world.a, mandatory=True)
    response = _catalogue(client, world.consultant_a)
    assert [(o.title, o.mandatory) for o in response.context["page"].object_list] == [
        ("Zeta obligatorisk", True),
        (session.offering.title, False),
    ]


def test_catalogue_hides_past_and_cancelled_sessions(world, session, client) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=session.offering, starts_at=at(2027, 1, 5), cancelled=False)
    SessionFactory(offering=session.offering, starts_at=at(2027, 3, 9), cancelled=True)
    offering = _catalogue(client, world.consultant_a).context["page"].object_list[0]
    assert [s.pk for s in offering.upcoming] == [session.pk]


def test_catalogue_htmx_request_renders_only_the_results(world, session, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(reverse("competence:catalogue"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert ("<html" in body, session.offering.title in body) == (False, True)


def test_catalogue_query_count_does_not_grow_with_rows(world, session, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.foster_parent_a)
    url = reverse("competence:catalogue")
    one = _queries(client, url)
    for _ in range(2):
        offering = offering_for(world)
        in_catalogue(offering, world.a)
        SessionFactory(offering=offering)
        SessionFactory(offering=offering, starts_at=at(2027, 3, 6, 10))
    three = _queries(client, url)
    assert three == one


def test_catalogue_of_another_municipality_is_its_own(world, session, client) -> None:  # type: ignore[no-untyped-def]
    only_b = offering_for(world, title="Kun i Vejle")
    in_catalogue(only_b, world.b)
    titles_a = [o.title for o in _catalogue(client, world.consultant_a).context["page"].object_list]
    titles_b = [o.title for o in _catalogue(client, world.consultant_b).context["page"].object_list]
    assert (titles_a, sorted(titles_b)) == (
        [session.offering.title],
        sorted([session.offering.title, "Kun i Vejle"]),
    )


def test_session_on_virtual_place_shows_link_only_with_a_place(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    session = SessionFactory(
        offering=offering, place_kind=PlaceKind.VIRTUAL, link="https://møde.example/abc", place=""
    )
    url = reverse("competence:session_detail", args=[session.uuid])
    client.force_login(world.foster_parent_a)
    before = "https://møde.example/abc" in client.get(url).content.decode()
    _enrol(world, session, world.family_a)
    after = "https://møde.example/abc" in client.get(url).content.decode()
    assert (before, after) == (False, True)
