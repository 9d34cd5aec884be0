"""Offerings, their sessions and the municipalities' catalogues."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.competence.enums import EnrolmentStatus, OfferingKind
from samspil.competence.models import CatalogueEntry, Enrolment, Offering, Session, Theme
from samspil.competence.services import offerings as services
from samspil.competence.services.enrolment import enrol_family
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import Engagement
from tests import factories
from tests.competence.factories import SessionFactory, at, in_catalogue, offering_for

NOW = at(2027, 2, 1, 9)


@pytest.fixture(autouse=True)
def _frozen_time():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _theme(name: str = "Tilknytningsteori") -> Theme:
    return Theme.objects.get(name=name)


def _form_data(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "institution": world.institution_a.pk,
        "kind": OfferingKind.TALK,
        "title": "Tilknytning i praksis",
        "description": "To timer om tilknytning.",
        "target_group": "Nye plejefamilier",
        "themes": [_theme().pk],
        "responsible": world.specialist_a.pk,
        "published": "on",
    }
    data.update(overrides)
    return data


# -- offerings -------------------------------------------------------------------------------


def test_offering_create_page_publishes_the_offering(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist_a)
    response = client.post(reverse("competence:offering_create"), _form_data(world))
    offering = Offering.objects.get()
    assert response["Location"] == reverse("competence:offering_detail", args=[offering.uuid])
    assert (
        offering.institution,
        offering.responsible,
        list(offering.themes.values_list("name", flat=True)),
        offering.published,
    ) == (world.institution_a, world.specialist_a, ["Tilknytningsteori"], True)
    entry = AuditEntry.objects.get(action="competence.offering.create")
    assert (entry.object_uuid, entry.changes["themes"]["after"]) == (
        offering.uuid,
        ["Tilknytningsteori"],
    )


def test_offering_create_without_themes_keeps_input_and_explains(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:offering_create"), _form_data(world, themes=[], title="Mit oplæg")
    )
    assert (response.status_code, list(response.context["form"].errors)) == (200, ["themes"])
    assert 'value="Mit oplæg"' in response.content.decode()
    assert Offering.objects.count() == 0


def test_offering_responsible_must_be_a_specialist_of_the_institution(world) -> None:  # type: ignore[no-untyped-def]
    values = {
        "kind": OfferingKind.TALK,
        "title": "Oplæg",
        "description": "Om noget.",
        "target_group": "Alle",
        "responsible": world.consultant_a,
        "themes": [_theme()],
    }
    with pytest.raises(ValidationError) as error:
        services.create_offering(
            actor=world.specialist_a, institution=world.institution_a, values=values
        )
    assert error.value.message_dict == {
        "responsible": ["The responsible person must be a specialist of the institution."]
    }


def test_offering_of_another_institution_cannot_be_created(world) -> None:  # type: ignore[no-untyped-def]
    other = factories.InstitutionFactory()
    with pytest.raises(PermissionDeniedError):
        services.create_offering(actor=world.specialist_a, institution=other, values={})


def test_offering_can_follow_one_on_the_same_theme(world) -> None:  # type: ignore[no-untyped-def]
    talk = offering_for(world, title="Oplæg")
    values = {
        "kind": OfferingKind.GROUP_SUPERVISION,
        "title": "Gruppesupervision på en sag",
        "description": "Vi tager en sag op.",
        "target_group": "Familier der har hørt oplægget",
        "responsible": world.specialist_a,
        "follows": talk,
        "themes": [_theme()],
    }
    follower = services.create_offering(
        actor=world.specialist_a, institution=world.institution_a, values=values
    )
    assert follower.follows == talk


def test_offering_cannot_follow_one_without_a_shared_theme(world) -> None:  # type: ignore[no-untyped-def]
    talk = offering_for(world, title="Oplæg")
    values = {
        "kind": OfferingKind.GROUP_SUPERVISION,
        "title": "Supervision",
        "description": "Om autisme.",
        "target_group": "Alle",
        "responsible": world.specialist_a,
        "follows": talk,
        "themes": [_theme("Autisme, piktogrammer og TEACCH")],
    }
    with pytest.raises(ValidationError) as error:
        services.create_offering(
            actor=world.specialist_a, institution=world.institution_a, values=values
        )
    assert error.value.message_dict == {
        "follows": ["An offering can only follow one that shares a theme with it."]
    }


def test_offering_chain_cannot_go_round_in_a_circle(world) -> None:  # type: ignore[no-untyped-def]
    first = offering_for(world, title="Første")
    second = offering_for(world, title="Anden", follows=first)
    with pytest.raises(ValidationError) as error:
        services.update_offering(
            actor=world.specialist_a,
            offering=first,
            values={"follows": second},
            expected_version=first.version,
        )
    assert error.value.message_dict == {"follows": ["The chain would go round in a circle."]}


def test_offering_page_shows_what_comes_before_and_after(world, client) -> None:  # type: ignore[no-untyped-def]
    talk = offering_for(world, title="Oplæg om tilknytning")
    group = offering_for(world, title="Gruppesupervision", follows=talk)
    follow_up = offering_for(world, title="Opfølgning", follows=group)
    offering_for(world, title="Kladde", follows=group, published=False)
    client.force_login(world.foster_parent_a)
    chain = client.get(reverse("competence:offering_detail", args=[group.uuid])).context["chain"]
    assert ([o.title for o in chain.before], [o.title for o in chain.after]) == (
        ["Oplæg om tilknytning"],
        [follow_up.title],
    )


def test_offering_edit_after_someone_else_saved_shows_their_change(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world, title="Oprindelig titel")
    url = reverse("competence:offering_edit", args=[offering.uuid])
    stale = _form_data(world, title="Min titel", version=offering.version)
    stale.pop("institution")
    services.update_offering(
        actor=world.specialist_a,
        offering=Offering.objects.get(pk=offering.pk),
        values={"title": "Kollegas titel"},
        expected_version=1,
    )
    client.force_login(world.specialist_a)
    response = client.post(url, stale)
    conflict = response.context["form"].conflict
    assert [(c.field, c.after, c.by) for c in conflict.changes] == [
        ("title", "Kollegas titel", "specialist_a")
    ]
    assert 'value="Min titel"' in response.content.decode()
    offering.refresh_from_db()
    assert (offering.title, offering.version) == ("Kollegas titel", 2)


def test_offering_update_with_stale_version_raises_conflict(world) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    services.update_offering(
        actor=world.specialist_a, offering=offering, values={"title": "Ny"}, expected_version=1
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.update_offering(
            actor=world.specialist_a,
            offering=Offering.objects.get(pk=offering.pk),
            values={"title": "Anden"},
            expected_version=1,
        )
    assert error.value.current_version == 2


def test_offering_draft_is_visible_only_to_its_institution(world, client) -> None:  # type: ignore[no-untyped-def]
    draft = offering_for(world, published=False)
    url = reverse("competence:offering_detail", args=[draft.uuid])
    seen = {}
    for persona in ("specialist_a", "consultant_a", "foster_parent_a"):
        client.force_login(getattr(world, persona))
        seen[persona] = client.get(url).status_code
    assert seen == {"specialist_a": 200, "consultant_a": 404, "foster_parent_a": 404}


def test_offering_of_another_institution_cannot_be_edited(world, client) -> None:  # type: ignore[no-untyped-def]
    other = factories.InstitutionFactory()
    offering = offering_for(
        world,
        institution=other,
        responsible=factories.staff(Role.SPECIALIST, institution=other),
    )
    client.force_login(world.specialist_a)
    assert client.get(reverse("competence:offering_edit", args=[offering.uuid])).status_code == 403


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_offering_list_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    SessionFactory(offering=offering_for(world))
    client.force_login(world.specialist_a)
    url = reverse("competence:offering_list")
    one = _queries(client, url)
    for _ in range(2):
        SessionFactory(offering=offering_for(world))
    three = _queries(client, url)
    assert three == one


def test_offering_list_shows_only_the_own_institution(world, client) -> None:  # type: ignore[no-untyped-def]
    mine = offering_for(world, title="Vores")
    other = factories.InstitutionFactory()
    offering_for(
        world,
        institution=other,
        title="Deres",
        responsible=factories.staff(Role.SPECIALIST, institution=other),
    )
    client.force_login(world.specialist_a)
    page = client.get(reverse("competence:offering_list")).context["page"]
    assert [o.title for o in page.object_list] == [mine.title]


# -- sessions --------------------------------------------------------------------------------


def _session_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "date": "2027-03-04",
        "start": "19:00",
        "end": "21:00",
        "place_kind": "institution",
        "place": "Mødelokalet",
        "capacity": "12",
    }
    data.update(overrides)
    return data


def test_session_create_page_adds_a_session(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:session_create", args=[offering.uuid]), _session_data()
    )
    session = Session.objects.get()
    assert response["Location"] == reverse("competence:session_detail", args=[session.uuid])
    assert (session.starts_at, session.ends_at, session.capacity) == (
        at(2027, 3, 4, 19),
        at(2027, 3, 4, 21),
        12,
    )


def test_session_virtual_without_link_keeps_input_and_explains(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:session_create", args=[offering.uuid]),
        _session_data(place_kind="virtual", place="Teams", capacity="30"),
    )
    assert response.context["form"].errors == {"link": ["A virtual session needs a link."]}
    assert 'value="30"' in response.content.decode()


def test_session_ending_before_it_starts_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:session_create", args=[offering.uuid]),
        _session_data(start="20:00", end="19:00"),
    )
    assert response.context["form"].errors == {"end": ["The session must end after it starts."]}


def test_session_in_the_past_is_refused(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("competence:session_create", args=[offering.uuid]),
        _session_data(date="2027-01-04"),
    )
    assert response.context["form"].non_field_errors() == [
        "A new session must start in the future."
    ]
    assert Session.objects.count() == 0


def test_session_cancel_cancels_its_enrolments_and_ends_access(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    session = SessionFactory(offering=offering)
    enrolment = enrol_family(actor=world.consultant_a, session=session, family=world.family_a)
    client.force_login(world.specialist_a)
    client.post(reverse("competence:session_cancel", args=[session.uuid]))
    session.refresh_from_db()
    enrolment.refresh_from_db()
    engagement = Engagement.objects.get(source=f"competence.enrolment:{enrolment.uuid}")
    assert (session.cancelled, enrolment.status, enrolment.late_cancellation) == (
        True,
        EnrolmentStatus.CANCELLED,
        False,
    )
    assert engagement.ends_on == NOW.date()


def test_session_cancel_by_a_consultant_is_forbidden(world, client) -> None:  # type: ignore[no-untyped-def]
    session = SessionFactory(offering=offering_for(world))
    client.force_login(world.consultant_a)
    response = client.post(reverse("competence:session_cancel", args=[session.uuid]))
    session.refresh_from_db()
    assert (response.status_code, session.cancelled) == (403, False)


def test_offering_page_session_list_query_count_does_not_grow(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    SessionFactory(offering=offering)
    client.force_login(world.foster_parent_a)
    url = reverse("competence:offering_detail", args=[offering.uuid])
    one = _queries(client, url)
    for day in (3, 4):
        session = SessionFactory(offering=offering, starts_at=at(2027, 3, day, 19))
        Enrolment.objects.create(session=session, family=world.family_a, status="enrolled")
    three = _queries(client, url)
    assert three == one


# -- catalogues ------------------------------------------------------------------------------


def _manage(client, world, offering, action: str):  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    return client.post(
        reverse("competence:catalogue_manage"),
        {"municipality": world.a.code, "offering": offering.uuid, "action": action},
    )


def test_catalogue_manage_links_an_offering(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    response = _manage(client, world, offering, "link")
    assert response.status_code == 302
    assert list(CatalogueEntry.objects.values_list("municipality", "offering", "mandatory")) == [
        (world.a.pk, offering.pk, False)
    ]
    entry = AuditEntry.objects.get(action="competence.catalogue.link")
    assert (entry.municipality_id, entry.object_uuid) == (world.a.pk, offering.uuid)


def test_catalogue_manage_marks_an_entry_mandatory(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    _manage(client, world, offering, "mandatory")
    assert CatalogueEntry.objects.get().mandatory is True


def test_catalogue_manage_unlinks_an_offering(world, client) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    _manage(client, world, offering, "unlink")
    assert (
        CatalogueEntry.objects.count(),
        AuditEntry.objects.filter(action="competence.catalogue.unlink").count(),
    ) == (0, 1)


def test_catalogue_manage_refuses_drafts(world, client) -> None:  # type: ignore[no-untyped-def]
    draft = offering_for(world, published=False)
    with pytest.raises(ValidationError) as error:
        services.link_offering(actor=world.leader_a, municipality=world.a, offering=draft)
    assert error.value.message_dict == {
        "offering": ["Only published offerings can be in a catalogue."]
    }


def test_catalogue_of_another_municipality_cannot_be_managed(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        services.link_offering(
            actor=world.leader_a, municipality=world.b, offering=offering_for(world)
        )


def test_catalogue_manage_page_lists_linked_offerings_first(world, client) -> None:  # type: ignore[no-untyped-def]
    offering_for(world, title="Alfa")
    linked = offering_for(world, title="Omega")
    in_catalogue(linked, world.a, mandatory=True)
    client.force_login(world.leader_a)
    page = client.get(reverse("competence:catalogue_manage")).context["page"]
    assert [(o.title, o.linked, o.mandatory) for o in page.object_list] == [
        ("Omega", True, True),
        ("Alfa", False, False),
    ]


def test_catalogue_manage_page_query_count_does_not_grow_with_rows(world, client) -> None:  # type: ignore[no-untyped-def]
    in_catalogue(offering_for(world), world.a)
    client.force_login(world.leader_a)
    url = reverse("competence:catalogue_manage")
    one = _queries(client, url)
    for _ in range(2):
        in_catalogue(offering_for(world), world.a, mandatory=True)
    three = _queries(client, url)
    assert three == one
