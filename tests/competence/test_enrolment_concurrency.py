"""Capacity under concurrency: only PostgreSQL's row locks make this hold, so the test runs
there only (CI runs the suite on both databases)."""

from __future__ import annotations

import datetime as dt
import threading
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import close_old_connections, connection

from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import Enrolment
from samspil.competence.services.enrolment import enrol_family
from samspil.families.models import Engagement
from tests import factories
from tests.competence.factories import SessionFactory, in_catalogue, offering_for

THREADS = 8
CAPACITY = 3


@pytest.fixture
def _reference_data(transactional_db: None) -> None:
    """The data migrations' municipalities and themes, which `world` needs: an earlier
    transactional test may have flushed them."""
    for migration in (
        "samspil.organisations.migrations.0002_load_municipalities",
        "samspil.competence.migrations.0002_load_themes",
    ):
        import_module(migration).load(django_apps, None)


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks (SELECT … FOR UPDATE) are a PostgreSQL behaviour.",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_reference_data")
def test_concurrent_enrolments_never_exceed_capacity(world) -> None:  # type: ignore[no-untyped-def]
    offering = offering_for(world)
    in_catalogue(offering, world.a)
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    session = SessionFactory(
        offering=offering,
        capacity=CAPACITY,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    families = [factories.FamilyFactory(municipality=world.a) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def enrol(family) -> None:  # type: ignore[no-untyped-def]
        close_old_connections()  # each thread opens its own connection
        try:
            barrier.wait(timeout=10)
            enrol_family(actor=world.consultant_a, session=session, family=family)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(family,)) for family in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    assert errors == []
    assert (
        statuses.count(EnrolmentStatus.ENROLLED),
        statuses.count(EnrolmentStatus.WAITLISTED),
    ) == (CAPACITY, THREADS - CAPACITY)
    assert Engagement.objects.filter(source__startswith="competence.enrolment:").count() == CAPACITY
    waitlisted_at = list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED).values_list(
            "waitlisted_at", flat=True
        )
    )
    assert None not in waitlisted_at
