from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import Enrolment
from tests.competence.factories import SessionFactory, at, offering_for


@time_machine.travel(dt.datetime(2027, 2, 20, 9, tzinfo=dt.UTC), tick=False)
def test_consultant_start_page_lists_own_families_coming_activities(world, client) -> None:
    offering = offering_for(world)
    soon = SessionFactory(
        offering=offering, starts_at=at(2027, 3, 2, 19), ends_at=at(2027, 3, 2, 21)
    )
    later = SessionFactory(
        offering=offering, starts_at=at(2027, 6, 2, 19), ends_at=at(2027, 6, 2, 21)
    )
    Enrolment.objects.create(session=soon, family=world.family_a, status=EnrolmentStatus.ENROLLED)
    Enrolment.objects.create(session=later, family=world.family_a, status=EnrolmentStatus.ENROLLED)
    Enrolment.objects.create(
        session=soon,
        family=world.family_a_other,
        status=EnrolmentStatus.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    client.force_login(world.consultant_a)
    upcoming = client.get("/").context["upcoming"]
    assert [(e.family.name, e.session.starts_at) for e in upcoming] == [
        ("Familien Andersen", soon.starts_at)
    ]
