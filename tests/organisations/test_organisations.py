from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.organisations.models import Collaboration, CompetenceArea, Municipality
from tests import factories


def test_all_98_municipalities_are_shipped(db) -> None:
    assert Municipality.objects.count() == 98
    assert Municipality.objects.get(code="820").name == "Vesthimmerlands"


@pytest.fixture
def api(client):  # type: ignore[no-untyped-def]
    def call(user, method: str, path: str, payload: object | None = None):  # type: ignore[no-untyped-def]
        _record, token = create_api_token(user=user, name="t")
        return getattr(client, method)(
            f"/api/v1{path}",
            data=payload,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return call


INSTITUTION = {
    "name": "Brohuset",
    "kind": "doegninstitution",
    "owner_kind": "municipal",
    "owner_municipality": "101",
    "municipality": "101",
    "postcode": "2400",
    "competence_areas": ["Autisme"],
}


def test_leader_creates_institution_through_api(api, world) -> None:
    CompetenceArea.objects.create(name="Autisme")
    response = api(world.leader_a, "post", "/institutions", INSTITUTION)
    assert response.status_code == 201
    assert (response.json()["name"], response.json()["competence_areas"]) == (
        "Brohuset",
        ["Autisme"],
    )
    assert AuditEntry.objects.filter(action="organisations.institution.create").count() == 1


def test_institution_owned_privately_with_owner_municipality_answers_422(api, world) -> None:
    response = api(
        world.leader_a,
        "post",
        "/institutions",
        {**INSTITUTION, "owner_kind": "private", "competence_areas": []},
    )
    assert response.status_code == 422


def test_consultant_cannot_create_institution(api, world) -> None:
    response = api(
        world.consultant_a, "post", "/institutions", {**INSTITUTION, "competence_areas": []}
    )
    assert response.status_code == 403


def test_leader_of_other_municipality_cannot_change_institution(api, world) -> None:
    response = api(
        world.leader_b,
        "put",
        f"/institutions/{world.institution_a.pk}",
        {**INSTITUTION, "competence_areas": [], "version": 1},
    )
    assert response.status_code == 403


def test_leader_creates_collaboration_with_own_municipality(api, world) -> None:
    payload = {
        "name": "KBH-samarbejdet",
        "starts_on": "2024-01-01",
        "municipalities": ["101"],
        "institutions": [world.institution_a.pk],
    }
    response = api(world.leader_a, "post", "/collaborations", payload)
    assert response.status_code == 201
    assert response.json()["municipalities"] == [world.a.pk]


def test_collaboration_without_own_municipality_answers_422(api, world) -> None:
    payload = {
        "name": "Andres",
        "starts_on": "2024-01-01",
        "municipalities": ["630"],
        "institutions": [world.institution_a.pk],
    }
    assert api(world.leader_a, "post", "/collaborations", payload).status_code == 422


def test_leader_changes_institution_in_the_ui(world, client) -> None:
    client.force_login(world.leader_a)
    url = reverse("organisations:institution_edit", args=[world.institution_a.pk])
    response = client.post(
        url,
        {
            "name": "Lindehuset II",
            "kind": "opholdssted",
            "owner_kind": "private",
            "municipality": world.a.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    world.institution_a.refresh_from_db()
    assert (world.institution_a.name, world.institution_a.kind) == ("Lindehuset II", "opholdssted")


def test_collaborating_institutions_are_listed_for_the_municipality(world) -> None:
    from samspil.organisations.selectors import institutions_for

    other = factories.InstitutionFactory(name="Fjordbakken", municipality=world.b)
    collaboration = Collaboration.objects.create(name="Fælles", starts_on=dt.date(2024, 1, 1))
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([other])
    names = sorted(i.name for i in institutions_for(world.leader_a, municipality_id=world.a.pk))
    assert names == ["Fjordbakken", "Lindehuset"]


def test_institution_saved_on_stale_version_answers_409(api, world) -> None:
    payload = {**INSTITUTION, "competence_areas": [], "version": 1}
    assert (
        api(world.leader_a, "put", f"/institutions/{world.institution_a.pk}", payload).status_code
        == 200
    )
    response = api(
        world.leader_a,
        "put",
        f"/institutions/{world.institution_a.pk}",
        {**payload, "name": "Andet navn"},
    )
    assert response.status_code == 409
    assert ("name", "Brohuset") in [(c["field"], c["after"]) for c in response.json()["changes"]]
    world.institution_a.refresh_from_db()
    assert (world.institution_a.name, world.institution_a.version) == ("Brohuset", 2)


def test_collaboration_edit_on_stale_version_is_refused_in_the_ui(world, client) -> None:
    collaboration = Collaboration.objects.create(name="Fælles", starts_on=dt.date(2024, 1, 1))
    collaboration.municipalities.set([world.a])
    collaboration.institutions.set([world.institution_a])
    client.force_login(world.leader_a)
    url = reverse("organisations:collaboration_edit", args=[collaboration.pk])
    data = {
        "name": "Fælles 2",
        "starts_on": "2024-01-01",
        "municipalities": [world.a.pk],
        "institutions": [world.institution_a.pk],
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "Fælles 3"})
    assert response.status_code == 200
    assert response.context["form"].conflict.current_version == 2
    collaboration.refresh_from_db()
    assert collaboration.name == "Fælles 2"
