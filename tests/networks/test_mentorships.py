"""Consent, recording a mentorship, its end (with optimistic concurrency), the contact log, and
the list and mentorship pages for consultants and foster parents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks.models import MentorContact, MentorProfile, Mentorship, NetworkSettings
from samspil.networks.services import mentors as services
from tests import factories
from tests.competence.factories import at
from tests.networks import factories_mentors as m
from tests.networks.factories import MentorContactFactory


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with time_machine.travel(m.NOW, tick=False):
        yield


def _record(world: Any, mentor: Any, mentee: Any, **kwargs: Any) -> Mentorship:
    kwargs.setdefault("actor", world.consultant_a)
    kwargs.setdefault("reason", "new_family")
    kwargs.setdefault("starts_on", m.TODAY)
    return services.record_mentorship(mentor=mentor, mentee=mentee, **kwargs)


def _mentor_error(call: Any) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict["mentor"]


# -- consent --------------------------------------------------------------------------------------


def test_foster_parent_gives_consent_for_their_own_family(world, client) -> None:
    client.force_login(world.foster_parent_a)
    client.post(
        reverse("networks:mentor_consent"), {"family": world.family_a.uuid, "consents": "yes"}
    )
    profile = MentorProfile.objects.get(family=world.family_a)
    assert (profile.consents, profile.consent_changed_at) == (True, m.NOW)


def test_giving_consent_is_audited_as_the_familys_own(world) -> None:
    services.set_mentor_consent(actor=world.foster_parent_a, family=world.family_a, consents=True)
    entry = AuditEntry.objects.get(action="networks.mentor.consent")
    assert (entry.object_uuid, entry.changes, entry.data["by_family"]) == (
        world.family_a.uuid,
        {"consents": {"before": False, "after": True}},
        True,
    )


def test_foster_parent_withdraws_consent(world, client) -> None:
    m.consent(world.family_a)
    client.force_login(world.foster_parent_a)
    client.post(
        reverse("networks:mentor_consent"), {"family": world.family_a.uuid, "consents": "no"}
    )
    assert MentorProfile.objects.get(family=world.family_a).consents is False


def test_consultant_records_consent_on_the_familys_behalf(world, client) -> None:
    client.force_login(world.consultant_a)
    client.post(
        reverse("networks:mentor_consent"),
        {"family": world.family_a_other.uuid, "consents": "yes", "note": "Sagt ja i telefonen"},
    )
    profile = MentorProfile.objects.get(family=world.family_a_other)
    entry = AuditEntry.objects.get(action="networks.mentor.consent")
    assert (profile.consents, profile.note, entry.data["by_family"]) == (
        True,
        "Sagt ja i telefonen",
        False,
    )


def test_withdrawing_consent_from_the_list_keeps_the_note(world, client) -> None:
    services.set_mentor_consent(
        actor=world.consultant_a, family=world.family_a_other, consents=True, note="Sagt ja"
    )
    client.force_login(world.consultant_a)
    client.post(
        reverse("networks:mentor_consent"),
        {"family": world.family_a_other.uuid, "consents": "no"},
    )
    profile = MentorProfile.objects.get(family=world.family_a_other)
    assert (profile.consents, profile.note) == (False, "Sagt ja")


def test_foster_parent_cannot_change_another_familys_consent(world, client) -> None:
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:mentor_consent"),
        {"family": world.family_a_other.uuid, "consents": "yes"},
    )
    assert (response.status_code, MentorProfile.objects.count()) == (404, 0)


def test_consultant_of_another_municipality_cannot_record_consent(world) -> None:
    with pytest.raises(PermissionDeniedError):
        services.set_mentor_consent(actor=world.consultant_b, family=world.family_a, consents=True)


def test_case_worker_who_sees_the_family_gets_403_on_consent(world, client) -> None:
    client.force_login(world.case_worker_a)
    response = client.post(
        reverse("networks:mentor_consent"), {"family": world.family_a.uuid, "consents": "yes"}
    )
    assert response.status_code == 403
    assert not MentorProfile.objects.filter(family=world.family_a, consents=True).exists()


def test_withdrawn_consent_removes_the_family_from_the_suggestions(world) -> None:
    family = m.mentor(world, "Familien Erfaren")
    services.set_mentor_consent(actor=world.consultant_a, family=family, consents=False)
    mentee = m.new_family(world)
    with pytest.raises(ValidationError):
        _record(world, family, mentee)


# -- recording ------------------------------------------------------------------------------------


def test_record_mentorship_keeps_the_ranking_snapshot(world) -> None:
    m.mentor(world, "Familien Nabo")
    chosen = m.mentor(world, "Familien Hillerød", postcode="3400")
    mentorship = _record(world, chosen, m.new_family(world), ends_on=dt.date(2027, 6, 30))
    assert (
        mentorship.ranking["rank"],
        mentorship.ranking["of"],
        mentorship.ranking["reasons"][0],
        mentorship.ends_on,
        mentorship.brokered_by,
    ) == (2, 2, "29 km away", dt.date(2027, 6, 30), world.consultant_a)


def test_record_mentorship_is_audited(world) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    mentorship = _record(world, mentor, m.new_family(world))
    entry = AuditEntry.objects.get(action="networks.mentorship.create")
    assert (entry.object_uuid, entry.data["rank"], entry.data["mentor"]) == (
        mentorship.uuid,
        1,
        str(mentor.uuid),
    )


def test_record_refuses_a_mentor_that_is_not_eligible_with_the_reasons(world) -> None:
    short = m.mentor(world, "Familien Kort", years=1, course=False)
    assert _mentor_error(lambda: _record(world, short, m.new_family(world))) == [
        "Familien Kort cannot be a mentor family now: 1 year as foster family (at least 3 "
        "required); no completed training or supervision course."
    ]


def test_record_refuses_a_second_current_mentorship_between_the_pair(world) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    mentee = m.new_family(world)
    _record(world, mentor, mentee)
    assert _mentor_error(lambda: _record(world, mentor, mentee)) == [
        "Familien Erfaren cannot be a mentor family now: is already mentor for Familien Ny."
    ]


def test_record_refuses_a_mentor_at_capacity(world) -> None:
    NetworkSettings.objects.create(municipality=world.a, mentor_max_mentees=1)
    mentor = m.mentor(world, "Familien Erfaren")
    _record(world, mentor, m.new_family(world, "Familien En"))
    assert _mentor_error(lambda: _record(world, mentor, m.new_family(world))) == [
        "Familien Erfaren cannot be a mentor family now: already has 1 mentee, the most allowed."
    ]


def test_record_refuses_a_family_out_of_reach_like_an_unknown_one(world) -> None:
    other = m.mentor(world, "Familien Vejle", municipality=world.b, postcode="7100")
    assert _mentor_error(lambda: _record(world, other, m.new_family(world))) == [
        "Choose a family of the municipality or its collaboration that consents to be a "
        "mentor family."
    ]


def test_record_refuses_a_family_without_consent(world) -> None:
    unwilling = m.mentor(world, "Familien Nej", consents=False)
    assert _mentor_error(lambda: _record(world, unwilling, m.new_family(world))) == [
        "Familien Nej cannot be a mentor family now: has not consented."
    ]


def test_record_refuses_a_family_the_user_sees_outside_the_municipality(world) -> None:
    world.consultant_a.memberships.create(role="consultant", municipality=world.b)
    other = m.mentor(world, "Familien Vejle", municipality=world.b, postcode="7100")
    assert _mentor_error(lambda: _record(world, other, m.new_family(world))) == [
        "Choose a family of the municipality or its collaboration that consents to be a "
        "mentor family."
    ]


def test_case_worker_cannot_record_a_mentorship(world) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    with pytest.raises(PermissionDeniedError):
        _record(world, mentor, world.family_a, actor=world.case_worker_a)


def test_record_from_the_suggestions_page_redirects_to_the_mentorship(world, client) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    mentee = m.new_family(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:mentorship_create"),
        {
            "mentee": mentee.uuid,
            "reason": "extra_child",
            "mentor": mentor.uuid,
            "starts_on": "2026-10-01",
            "ends_on": "2027-03-31",
            "note": "Første besøg aftalt",
        },
    )
    mentorship = Mentorship.objects.get()
    assert (response.url, mentorship.reason, mentorship.note) == (
        reverse("networks:mentorship_detail", args=[mentorship.uuid]),
        "extra_child",
        "Første besøg aftalt",
    )


def test_refused_record_on_the_page_keeps_the_input_and_says_why(world, client) -> None:
    short = m.mentor(world, "Familien Kort", years=1)
    mentee = m.new_family(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:mentorship_create"),
        {
            "mentee": mentee.uuid,
            "reason": "new_family",
            "mentor": short.uuid,
            "starts_on": "2026-10-01",
            "note": "Mit udkast",
        },
    )
    form = response.context["form"]
    assert (form.data["note"], form.errors["mentor"], Mentorship.objects.count()) == (
        "Mit udkast",
        [
            "Familien Kort cannot be a mentor family now: 1 year as foster family (at least 3 "
            "required)."
        ],
        0,
    )


# -- the end --------------------------------------------------------------------------------------


def test_end_today_ends_the_mentorship_and_is_audited(world, client) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    client.force_login(world.consultant_a)
    client.post(
        reverse("networks:mentorship_end", args=[mentorship.uuid]),
        {"version": 1, "ends_on": "", "end_now": "1"},
    )
    mentorship.refresh_from_db()
    entry = AuditEntry.objects.get(action="networks.mentorship.end")
    assert (mentorship.ends_on, mentorship.version, entry.changes) == (
        m.TODAY,
        2,
        {"ends_on": {"before": None, "after": "2026-10-01"}},
    )


def test_planned_end_can_be_moved(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    services.set_mentorship_end(
        actor=world.consultant_a,
        mentorship=mentorship,
        ends_on=dt.date(2027, 3, 1),
        expected_version=1,
    )
    mentorship.refresh_from_db()
    assert mentorship.ends_on == dt.date(2027, 3, 1)


def test_end_before_the_start_is_refused(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    with pytest.raises(ValidationError):
        services.set_mentorship_end(
            actor=world.consultant_a,
            mentorship=mentorship,
            ends_on=dt.date(2026, 8, 1),
            expected_version=1,
        )


def test_end_with_a_stale_version_is_refused_with_the_changes(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    services.set_mentorship_end(
        actor=world.consultant_a2,
        mentorship=Mentorship.objects.get(pk=mentorship.pk),
        ends_on=dt.date(2027, 1, 31),
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.set_mentorship_end(
            actor=world.consultant_a,
            mentorship=mentorship,
            ends_on=dt.date(2027, 6, 30),
            expected_version=1,
        )
    assert [(c.field, c.after, c.by) for c in error.value.changes] == [
        ("ends_on", "2027-01-31", "consultant_a2")
    ]


def test_stale_end_on_the_page_shows_the_conflict_and_keeps_the_input(world, client) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    services.set_mentorship_end(
        actor=world.consultant_a2,
        mentorship=Mentorship.objects.get(pk=mentorship.pk),
        ends_on=dt.date(2027, 1, 31),
        expected_version=1,
    )
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:mentorship_end", args=[mentorship.uuid]),
        {"version": 1, "ends_on": "2027-06-30"},
    )
    form = response.context["end_form"]
    assert (form.data["ends_on"], form.data["version"], len(form.conflict.changes)) == (
        "2027-06-30",
        "2",
        1,
    )
    assert "Changes saved by others" in response.content.decode()


def test_foster_parent_cannot_end_their_mentorship(world, client) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:mentorship_end", args=[mentorship.uuid]),
        {"version": 1, "end_now": "1"},
    )
    mentorship.refresh_from_db()
    assert (response.status_code, mentorship.ends_on) == (403, None)


# -- the contact log ------------------------------------------------------------------------------


def _contact(world: Any, mentorship: Mentorship, actor: Any, **kwargs: Any) -> MentorContact:
    kwargs.setdefault("happened_on", dt.date(2026, 9, 20))
    kwargs.setdefault("kind", "visit")
    kwargs.setdefault("minutes", 90)
    return services.log_mentor_contact(actor=actor, mentorship=mentorship, **kwargs)


def test_consultant_logs_a_contact_and_it_is_audited(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    contact = _contact(world, mentorship, world.consultant_a, note="Godt første besøg")
    entry = AuditEntry.objects.get(action="networks.mentorship.log_contact")
    assert (contact.minutes, contact.recorded_by, entry.data["note"]) == (
        90,
        world.consultant_a,
        True,
    )


def test_mentee_family_logs_a_contact(world, client) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    client.force_login(world.foster_parent_a)
    client.post(
        reverse("networks:mentor_contact_log", args=[mentorship.uuid]),
        {"happened_on": "2026-09-20", "kind": "phone", "minutes": 20, "note": ""},
    )
    assert list(mentorship.contacts.values_list("kind", "recorded_by")) == [
        ("phone", world.foster_parent_a.pk)
    ]


def test_mentor_family_logs_a_contact(world) -> None:
    mentorship = m.mentorship(world, world.family_a, world.family_a_other)
    assert _contact(world, mentorship, world.foster_parent_a).recorded_by == world.foster_parent_a


def test_foster_parent_outside_the_mentorship_gets_404(world, client) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    client.force_login(world.foster_parent_a)
    response = client.post(
        reverse("networks:mentor_contact_log", args=[mentorship.uuid]),
        {"happened_on": "2026-09-20", "kind": "phone", "minutes": 20},
    )
    assert (response.status_code, mentorship.contacts.count()) == (404, 0)


def test_contact_in_the_future_is_refused(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    with pytest.raises(ValidationError) as error:
        _contact(world, mentorship, world.consultant_a, happened_on=dt.date(2026, 10, 2))
    assert error.value.message_dict == {
        "happened_on": ["A contact can be logged once it has happened."]
    }


def test_contact_before_the_mentorship_is_refused(world) -> None:
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    with pytest.raises(ValidationError) as error:
        _contact(world, mentorship, world.consultant_a, happened_on=dt.date(2026, 8, 20))
    assert error.value.message_dict == {
        "happened_on": ["The contact must fall within the mentorship."]
    }


def test_logging_a_contact_on_a_course_day_warns_on_the_page(world, client) -> None:
    mentee = m.new_family(world)
    m.enrol(mentee, m.mandatory_session(world, at(2026, 9, 15, 9)))
    mentorship = m.mentorship(world, m.mentor(world, "Familien Erfaren"), mentee)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("networks:mentor_contact_log", args=[mentorship.uuid]),
        {"happened_on": "2026-09-15", "kind": "visit", "minutes": 60},
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts[0] == "The contact was logged."
    assert texts[1].startswith("Same day as the mandatory start-up course")


# -- the pages ------------------------------------------------------------------------------------


def test_consultant_list_shows_current_and_past_mentorships_and_consenting_families(
    world, client
) -> None:
    mentor = m.mentor(world, "Familien Erfaren")
    current = m.mentorship(world, mentor, m.new_family(world, "Familien Nu"))
    past = m.mentorship(
        world, mentor, m.new_family(world, "Familien Før"), ends_on=dt.date(2026, 9, 20)
    )
    m.mentorship(
        world,
        m.mentor(world, "Familien Vejle", municipality=world.b, postcode="7100"),
        world.family_b,
        brokered_by=world.consultant_b,
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:mentor_list"))
    assert (
        response.context["current"],
        list(response.context["page"].object_list),
        [f.name for f in response.context["consenting"]],
    ) == ([current], [past], ["Familien Erfaren"])


def test_foster_parent_sees_their_mentorships_with_the_other_familys_contact(world, client) -> None:
    world.family_a_other.phone = "22 33 44 55"
    world.family_a_other.save()
    factories.ParentFactory(family=world.family_a_other, first_name="Lone", email="lone@x.dk")
    mine = m.mentorship(world, world.family_a_other, world.family_a)
    m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world))
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:mentor_list"))
    html = response.content.decode()
    assert (response.context["current"], "22 33 44 55" in html, "lone@x.dk" in html) == (
        [mine],
        True,
        True,
    )


def test_foster_parent_sees_no_contact_details_once_the_mentorship_ended(world, client) -> None:
    world.family_a_other.phone = "22 33 44 55"
    world.family_a_other.save()
    mentorship = m.mentorship(
        world, world.family_a_other, world.family_a, ends_on=dt.date(2026, 9, 20)
    )
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:mentorship_detail", args=[mentorship.uuid]))
    assert (response.status_code, "22 33 44 55" in response.content.decode()) == (200, False)


def test_foster_parent_sees_the_consent_toggle(world, client) -> None:
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:mentor_list"))
    assert response.context["own_consent_form"]["consents"].value() == "yes"


def test_mentor_list_answers_404_to_roles_without_mentorships(world, client) -> None:
    m.mentorship(world, world.family_a_other, world.family_a)
    client.force_login(world.specialist_a)
    response = client.get(reverse("networks:mentor_list"))
    page = response.content.decode()
    assert (
        response.status_code,
        world.family_a.name in page,
        world.family_a_other.name in page,
    ) == (
        404,
        False,
        False,
    )


def test_mentorship_page_read_is_audited(world, client) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    client.force_login(world.consultant_a)
    client.get(reverse("networks:mentorship_detail", args=[mentorship.uuid]))
    assert AuditEntry.objects.get(action="networks.mentorship.read").object_uuid == (
        mentorship.uuid
    )


def test_mentorship_page_gives_the_foster_parent_the_log_form_but_not_the_end_form(
    world, client
) -> None:
    mentorship = m.mentorship(world, world.family_a_other, world.family_a)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("networks:mentorship_detail", args=[mentorship.uuid]))
    assert ("contact_form" in response.context, "end_form" in response.context) == (True, False)


def _find(client: Any, **params: str) -> list[str]:
    response = client.get(reverse("networks:mentor_list"), params)
    return [f.name for f in response.context["find"].families]


def test_find_without_a_search_offers_new_families_without_a_mentor_newest_first(
    world, client
) -> None:
    m.new_family(world, "Familien Sommer")
    autumn = m.new_family(world, "Familien Efterår")
    autumn.approved_on = dt.date(2026, 9, 1)
    autumn.save()
    m.mentorship(world, m.mentor(world, "Familien Erfaren"), m.new_family(world, "Familien Har"))
    old = m.new_family(world, "Familien For Længe Siden")
    old.approved_on = dt.date(2024, 9, 30)
    old.save()
    client.force_login(world.consultant_a)
    assert _find(client) == ["Familien Efterår", "Familien Sommer"]


def test_find_searches_name_city_or_postcode_of_the_users_municipality_only(world, client) -> None:
    m.new_family(world, "Familien Lyngby", postcode="2800")
    client.force_login(world.consultant_b)
    assert (_find(client, q="Familien"), _find(client, q="vejle"), _find(client, q="71")) == (
        ["Familien Bæk"],
        ["Familien Bæk"],
        ["Familien Bæk"],
    )
    client.force_login(world.consultant_a)
    assert (_find(client, q="lyngby"), _find(client, q="28"), _find(client, q="Bæk")) == (
        ["Familien Lyngby"],
        ["Familien Lyngby"],
        [],
    )


def test_find_shows_at_most_20_families_and_says_more_match(world, client) -> None:
    for n in range(21):
        m.new_family(world, f"Familien {n:02d}", child_born=None)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:mentor_list"), {"q": "Familien"})
    find = response.context["find"]
    assert (
        len(find.families),
        find.more,
        "Only the first 20 families are shown" in (response.content.decode()),
    ) == (20, True, True)


def test_find_marks_a_family_that_has_a_mentor_now(world, client) -> None:
    m.mentorship(world, m.mentor(world, "Familien Erfaren"), world.family_a)
    client.force_login(world.consultant_a)
    response = client.get(reverse("networks:mentor_list"), {"q": "Andersen"})
    assert "has a mentor family now" in response.content.decode()


def test_htmx_search_answers_just_the_results(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("networks:mentor_list"), {"q": "Andersen"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert (html.lstrip().startswith("<"), "<h1>" in html, str(world.family_a.uuid) in html) == (
        True,
        False,
        True,
    )


def test_htmx_request_of_a_foster_parent_gets_the_whole_page(world, client) -> None:
    client.force_login(world.foster_parent_a)
    response = client.get(
        reverse("networks:mentor_list"), {"q": "Andersen"}, headers={"HX-Request": "true"}
    )
    assert ("<h1>" in response.content.decode(), "find" in response.context) == (True, False)


def test_choosing_a_family_to_record_consent_for_shows_its_form(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("networks:mentor_list"), {"consent": str(world.family_a_other.uuid)}
    )
    form = response.context["consent_form"]
    assert (response.context["consent_family"], form["family"].value()) == (
        world.family_a_other,
        str(world.family_a_other.uuid),
    )


@pytest.mark.parametrize("family", ["family_b", "nonsense"])
def test_consent_form_is_not_offered_for_a_family_outside_the_municipality(
    world, client, family
) -> None:
    client.force_login(world.consultant_a)
    chosen = str(getattr(world, family).uuid) if family != "nonsense" else family
    response = client.get(reverse("networks:mentor_list"), {"consent": chosen})
    assert ("consent_form" in response.context, response.status_code) == (False, 200)


def _add_mentorships(world: Any, count: int) -> None:
    for n in range(count):
        mentor = m.mentor(world, f"Familien Mentor {n}", child_born=dt.date(2015, 1, 1))
        factories.ParentFactory(family=mentor)
        mentee = m.new_family(world, f"Familien Mentee {n}")
        factories.ParentFactory(family=mentee)
        current = m.mentorship(world, mentor, mentee)
        MentorContactFactory(mentorship=current, recorded_by=world.consultant_a)
        m.mentorship(world, mentor, mentee, ends_on=dt.date(2026, 9, 10))


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["consultant_a", "foster_parent_a"])
def test_mentor_list_query_count_does_not_grow_with_rows(world, client, persona) -> None:
    client.force_login(getattr(world, persona))
    _add_mentorships(world, 1)
    m.mentorship(world, world.family_a_other, world.family_a)
    one = _queries(client, reverse("networks:mentor_list"))
    _add_mentorships(world, 3)
    m.mentorship(world, m.mentor(world, "Familien Ekstra"), world.family_a)
    assert _queries(client, reverse("networks:mentor_list")) == one
