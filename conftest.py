"""Personas shared by every test: one per role, in municipality A (København) and B (Vejle),
so every access test has its negative twin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings

from samspil.accounts.enums import Role
from samspil.accounts.models import User
from samspil.families.models import Child, FosterFamily, Placement
from samspil.organisations.models import Institution, Municipality
from tests import factories

# Property tests run on loaded CI machines: no per-example time limit (speed is measured by
# benchmarks, never by tests).
hypothesis_settings.register_profile("samspil", deadline=None)
hypothesis_settings.load_profile("samspil")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()


@dataclass
class World:
    a: Municipality
    b: Municipality
    institution_a: Institution
    consultant_a: User
    consultant_a2: User
    consultant_b: User
    leader_a: User
    leader_b: User
    case_worker_a: User
    specialist_a: User
    foster_parent_a: User
    evaluator: User
    programme_officer: User
    sysadmin: User
    family_a: FosterFamily
    family_a_other: FosterFamily
    family_b: FosterFamily
    child_a: Child
    child_b: Child
    placement_a: Placement
    placement_b: Placement

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    a = Municipality.objects.get(code="101")
    b = Municipality.objects.get(code="630")
    institution_a = factories.InstitutionFactory(name="Lindehuset", municipality=a)
    consultant_a = factories.staff(Role.CONSULTANT, municipality=a, username="consultant_a")
    consultant_a2 = factories.staff(Role.CONSULTANT, municipality=a, username="consultant_a2")
    consultant_b = factories.staff(Role.CONSULTANT, municipality=b, username="consultant_b")
    family_a = factories.FamilyFactory(municipality=a, name="Familien Andersen")
    family_a_other = factories.FamilyFactory(municipality=a, name="Familien Østergaard")
    family_b = factories.FamilyFactory(
        municipality=b, name="Familien Bæk", postcode="7100", city="Vejle"
    )
    factories.assign(family_a, consultant_a)
    factories.assign(family_a_other, consultant_a2)
    factories.assign(family_b, consultant_b)
    parent_user = factories.UserFactory(username="foster_parent_a")
    factories.ParentFactory(family=family_a, user=parent_user)
    case_worker_a = factories.staff(Role.CASE_WORKER, municipality=a, username="case_worker_a")
    child_a = factories.ChildFactory(municipality=a, first_name="Alma", case_worker=case_worker_a)
    child_b = factories.ChildFactory(municipality=b, first_name="Bo")
    return World(
        a=a,
        b=b,
        institution_a=institution_a,
        consultant_a=consultant_a,
        consultant_a2=consultant_a2,
        consultant_b=consultant_b,
        leader_a=factories.staff(Role.LEADER, municipality=a, username="leader_a"),
        leader_b=factories.staff(Role.LEADER, municipality=b, username="leader_b"),
        case_worker_a=case_worker_a,
        specialist_a=factories.staff(
            Role.SPECIALIST, institution=institution_a, username="specialist_a"
        ),
        foster_parent_a=parent_user,
        evaluator=factories.staff(Role.EVALUATOR, username="evaluator"),
        programme_officer=factories.staff(Role.PROGRAMME_OFFICER, username="programme_officer"),
        sysadmin=factories.staff(Role.SYSADMIN, username="sysadmin"),
        family_a=family_a,
        family_a_other=family_a_other,
        family_b=family_b,
        child_a=child_a,
        child_b=child_b,
        placement_a=factories.PlacementFactory(child=child_a, family=family_a),
        placement_b=factories.PlacementFactory(child=child_b, family=family_b),
    )


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    def _login(user: User | None) -> Client:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
