"""Access-matrix rows for offerings, catalogues, sessions and enrolments (issue 3): every
persona × each page and API endpoint × own / other municipality. The records are created on
first use for the test's world: a published offering of institution A in the catalogues of
A and B with one session, a draft, and an enrolment of family A and of family B."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from samspil.competence.enums import EnrolmentStatus
from samspil.competence.models import Enrolment, Offering, Session
from tests.access import Row, expect
from tests.competence.factories import SessionFactory, in_catalogue, offering_for


@dataclass
class Records:
    offering: Offering
    draft: Offering
    session: Session
    enrolment_a: Enrolment
    enrolment_b: Enrolment


def _records(world: Any) -> Records:
    if not hasattr(world, "_enrolment_records"):
        offering = offering_for(world)
        in_catalogue(offering, world.a)
        in_catalogue(offering, world.b)
        session = SessionFactory(offering=offering)
        world._enrolment_records = Records(
            offering=offering,
            draft=offering_for(world, published=False),
            session=session,
            enrolment_a=Enrolment.objects.create(
                session=session, family=world.family_a, status=EnrolmentStatus.ENROLLED
            ),
            enrolment_b=Enrolment.objects.create(
                session=session, family=world.family_b, status=EnrolmentStatus.ENROLLED
            ),
        )
    return world._enrolment_records  # type: ignore[no-any-return]


def _page(name: str, attr: str | None = None) -> Callable[[object], str]:
    if attr is None:
        return lambda w: reverse(name)
    return lambda w: reverse(name, args=[getattr(_records(w), attr).uuid])


def _api(template: str, attr: str | None = None) -> Callable[[object], str]:
    if attr is None:
        return lambda w: "/api/v1" + template
    return lambda w: "/api/v1" + template.format(getattr(_records(w), attr).uuid)


# Everyone who holds a role or is a foster parent may browse published offerings.
EVERYONE = 200
CATALOGUE_USERS = {
    "consultant_a": 200,
    "consultant_b": 200,
    "leader_a": 200,
    "case_worker_a": 200,
    "foster_parent_a": 200,
}
ONLY_INSTITUTION = {"specialist_a": 200}

ROWS: list[Row] = [
    # Catalogue: the own municipality's (family or municipal staff); no catalogue → 404.
    *expect("competence-catalogue", _page("competence:catalogue"), CATALOGUE_USERS, 404),
    *expect(
        "competence-catalogue-manage", _page("competence:catalogue_manage"), {"leader_a": 200}, 404
    ),
    # The institution's own offerings and creating them.
    *expect("competence-offering-list", _page("competence:offering_list"), ONLY_INSTITUTION, 404),
    *expect(
        "competence-offering-create", _page("competence:offering_create"), ONLY_INSTITUTION, 403
    ),
    # A published offering and its session: everyone with a role or a family.
    *expect(
        "competence-offering-detail", _page("competence:offering_detail", "offering"), {}, EVERYONE
    ),
    *expect(
        "competence-offering-draft",
        _page("competence:offering_detail", "draft"),
        ONLY_INSTITUTION,
        404,
    ),
    *expect(
        "competence-offering-edit",
        _page("competence:offering_edit", "offering"),
        ONLY_INSTITUTION,
        403,
    ),
    *expect(
        "competence-session-create",
        _page("competence:session_create", "offering"),
        ONLY_INSTITUTION,
        403,
    ),
    *expect(
        "competence-session-detail", _page("competence:session_detail", "session"), {}, EVERYONE
    ),
    # API: offerings and sessions.
    *expect("api-offerings", _api("/offerings"), {}, EVERYONE, api=True),
    *expect("api-offering", _api("/offerings/{}", "offering"), {}, EVERYONE, api=True),
    *expect("api-offering-draft", _api("/offerings/{}", "draft"), ONLY_INSTITUTION, 404, api=True),
    *expect("api-sessions", _api("/sessions"), {}, EVERYONE, api=True),
    *expect("api-session", _api("/sessions/{}", "session"), {}, EVERYONE, api=True),
    # API: enrolments are about families: the municipality, the delivering institution, the
    # family itself.
    *expect("api-enrolments", _api("/enrolments"), {}, 200, api=True),
    *expect(
        "api-enrolment-a",
        _api("/enrolments/{}", "enrolment_a"),
        {"consultant_a": 200, "leader_a": 200, "specialist_a": 200, "foster_parent_a": 200},
        404,
        api=True,
    ),
    *expect(
        "api-enrolment-b",
        _api("/enrolments/{}", "enrolment_b"),
        {"consultant_b": 200, "specialist_a": 200},
        404,
        api=True,
    ),
]
