"""API endpoints for mentor families: ranked suggestions, mentorships, their end and contact
log. The same selectors, services and policy as the UI: 404 outside it, 403 for a mentorship the
caller sees but may not change, 409 on a stale version, 422 with the reasons. A family named in
a body that is unknown or invisible answers the same 422 message.

`GET /mentor-suggestions?family=&reason=`, `GET|POST /mentorships`, `GET|PATCH
/mentorships/{id}` (PATCH sets the end), `POST /mentorships/{id}/contacts`."""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import request_user
from samspil.families import selectors as family_selectors
from samspil.families.models import FosterFamily
from samspil.networks import rules
from samspil.networks.enums import ContactKind, MentorReason
from samspil.networks.models import MentorContact, Mentorship
from samspil.networks.selectors import mentors as selectors
from samspil.networks.selectors import startup_course
from samspil.networks.services import mentors as services

router = Router(tags=["networks"])

UNKNOWN_FAMILY = "No family with this id."


# -- schemas ----------------------------------------------------------------------------------


class FamilyRef(Schema):
    id: uuid.UUID = Field(alias="uuid")
    name: str
    municipality: str = Field(alias="municipality.code")


class RuleOut(Schema):
    code: str = Field(description="consent, years, course, capacity or pair.")
    met: bool
    text: str


class CandidateOut(Schema):
    family: FamilyRef
    rank: int | None = Field(description="1 is the best suggestion; null when not eligible.")
    score: int
    distance_km: int | None = Field(description="Null when a postcode has no coordinates.")
    current_mentees: int
    max_mentees: int
    years: int
    age_bands: list[str] = Field(description="Ages of the children it has or had placed.")
    shared_bands: list[str] = Field(description="Of those, the mentee's children's bands.")
    courses: list[str] = Field(description="Completed training or supervision courses.")
    reasons: list[str] = Field(description="Why it ranks where it does, in words.")
    rules: list[RuleOut] = Field(alias="checks")
    lacks: list[str] = Field(description="What it lacks to be eligible (empty when eligible).")


class SessionOut(Schema):
    id: uuid.UUID = Field(alias="session.uuid")
    starts_at: dt.datetime = Field(alias="session.starts_at")
    ends_at: dt.datetime = Field(alias="session.ends_at")
    status: str = Field(description='"enrolled", "waitlisted" or "" (not enrolled).')


class StartupCourseOut(Schema):
    offering: uuid.UUID = Field(alias="offering.uuid")
    title: str = Field(alias="offering.title")
    state: str = Field(description="enrolled, waitlisted, attended, later or not_enrolled.")
    clashes: bool = Field(description="Whether it competes with mentor contacts for days.")
    sessions: list[SessionOut]
    advice: str = Field(description="What to coordinate, in words.")


class SuggestionsOut(Schema):
    mentee: FamilyRef
    reason: MentorReason
    mentee_age_bands: list[str] = Field(alias="mentee_bands")
    min_years: int = Field(alias="settings.mentor_min_years")
    requires_course: bool = Field(alias="settings.mentor_requires_course")
    ranked: list[CandidateOut]
    ineligible: list[CandidateOut]
    startup_course: list[StartupCourseOut]


class MentorshipOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    version: int
    mentor: FamilyRef
    mentee: FamilyRef
    reason: MentorReason
    starts_on: dt.date
    ends_on: dt.date | None
    current: bool
    note: str
    brokered_by: str = Field(alias="brokered_by.username")
    ranking: dict[str, Any] = Field(description="Why the mentor was suggested, when recorded.")

    @staticmethod
    def resolve_current(obj: Mentorship) -> bool:
        return obj.ends_on is None or obj.ends_on >= timezone.localdate()


class ContactOut(Schema):
    happened_on: dt.date
    kind: ContactKind
    minutes: int
    note: str
    recorded_by: str = Field(alias="recorded_by.username")
    clashes: list[str] = Field(
        [], description="Warnings: a mandatory start-up course session on the same day."
    )


class MentorshipDetailOut(MentorshipOut):
    contacts: list[ContactOut] = Field(alias="contact_log")
    startup_course: list[StartupCourseOut] = Field(alias="startup_course_log")


class MentorshipIn(Schema):
    mentor: uuid.UUID
    mentee: uuid.UUID
    reason: MentorReason
    starts_on: dt.date
    ends_on: dt.date | None = Field(None, description="The planned end, if any.")
    note: str = ""


class ContactIn(Schema):
    happened_on: dt.date
    kind: ContactKind
    minutes: int = Field(ge=1, le=24 * 60)
    note: str = ""


class EndIn(Schema):
    ends_on: dt.date | None = Field(description="The planned or actual end; null: none.")
    version: int = Field(description="The version the change starts from (409 if stale).")


class SuggestionsIn(Schema):
    family: uuid.UUID
    reason: MentorReason = MentorReason.NEW_FAMILY


class MentorshipFilterIn(Schema):
    current: bool | None = Field(None, description="true: not ended; false: ended.")


class Error(Schema):
    detail: Any


# -- helpers ------------------------------------------------------------------------------------


def _with_log(request: HttpRequest, mentorship: Mentorship) -> Mentorship:
    """The mentorship with its contact log (each contact with its clash warnings) and the
    mandatory start-up course in its period."""
    detail = selectors.mentorship_detail(request.user, mentorship)
    for contact in detail.contacts:
        setattr(contact, "clashes", detail.clashes.get(contact.pk, []))  # noqa: B010
    setattr(mentorship, "contact_log", detail.contacts)  # noqa: B010
    setattr(mentorship, "startup_course_log", detail.startup_course)  # noqa: B010
    return mentorship


def _family(request: HttpRequest, family_uuid: uuid.UUID, field: str) -> FosterFamily:
    family = selectors.visible_family(request.user, family_uuid)
    if family is None:
        raise ValidationError({field: [UNKNOWN_FAMILY]})
    return family


# -- endpoints ----------------------------------------------------------------------------------


@router.get("/mentor-suggestions", response={200: SuggestionsOut, 403: Error, 404: Error})
def mentor_suggestions(request: HttpRequest, query: Query[SuggestionsIn]) -> Any:
    """Ranked mentor families for `family` and `reason`, with the score, the reasons, the
    distance and current mentees of each; the consenting families that are not eligible, with
    what they lack; and the mentee's mandatory start-up course. 404 when the family is not
    visible, 403 when it is but you may not broker a mentor for it. Audited."""
    mentee = family_selectors.get_family_for(request.user, query.family, audit=False)
    return selectors.suggestions_for(request.user, mentee, query.reason)


@router.get("/mentorships", response=list[MentorshipOut])
@paginate(PageNumberPagination, page_size=settings.SAMSPIL_PAGE_SIZE)
def list_mentorships(request: HttpRequest, filters: Query[MentorshipFilterIn]) -> Any:
    return selectors.mentorships_for(request.user, current=filters.current)


@router.post("/mentorships", response={201: MentorshipDetailOut, 403: Error, 422: Error})
def create_mentorship(request: HttpRequest, payload: MentorshipIn) -> Any:
    """Record a mentorship (as "Record the mentorship" on the suggestions page). The mentor
    must be eligible now; otherwise 422 on "mentor" with what it lacks. 403 when you see the
    mentee but may not broker for it."""
    mentee = _family(request, payload.mentee, "mentee")
    if not rules.can_broker_mentorship(request.user, mentee):
        raise PermissionDeniedError
    mentor = selectors.visible_family(request.user, payload.mentor)
    if mentor is None:
        raise ValidationError({"mentor": [services.unknown_mentor_message()]})
    mentorship = services.record_mentorship(
        actor=request_user(request),
        mentor=mentor,
        mentee=mentee,
        reason=payload.reason,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    mentorship = selectors.get_mentorship_for(request.user, mentorship.uuid, audit=False)
    return Status(201, _with_log(request, mentorship))


@router.get("/mentorships/{mentorship_id}", response=MentorshipDetailOut)
def get_mentorship(request: HttpRequest, mentorship_id: uuid.UUID) -> Any:
    return _with_log(request, selectors.get_mentorship_for(request.user, mentorship_id))


@router.patch(
    "/mentorships/{mentorship_id}",
    response={200: MentorshipDetailOut, 403: Error, 404: Error, 409: Error, 422: Error},
)
def set_mentorship_end(request: HttpRequest, mentorship_id: uuid.UUID, payload: EndIn) -> Any:
    """Set, move or clear the end (today ends it now). 409 with `current_version` and the
    intervening `changes` when the mentorship changed since `version`; 403 for the families
    and the mentor's own municipality, who see it but do not broker it."""
    mentorship = selectors.get_mentorship_for(request.user, mentorship_id, audit=False)
    services.set_mentorship_end(
        actor=request_user(request),
        mentorship=mentorship,
        ends_on=payload.ends_on,
        expected_version=payload.version,
    )
    mentorship = selectors.get_mentorship_for(request.user, mentorship_id, audit=False)
    return _with_log(request, mentorship)


@router.post(
    "/mentorships/{mentorship_id}/contacts",
    response={201: ContactOut, 403: Error, 404: Error, 422: Error},
)
def log_contact(request: HttpRequest, mentorship_id: uuid.UUID, payload: ContactIn) -> Any:
    """Add a contact to the log (the consultant or either family). The answer's `clashes`
    warns when it fell on a day of the mandatory start-up course the mentee has a place at."""
    mentorship = selectors.get_mentorship_for(request.user, mentorship_id, audit=False)
    contact: MentorContact = services.log_mentor_contact(
        actor=request_user(request),
        mentorship=mentorship,
        happened_on=payload.happened_on,
        kind=payload.kind,
        minutes=payload.minutes,
        note=payload.note,
    )
    setattr(  # noqa: B010
        contact,
        "clashes",
        startup_course.contact_clashes(mentorship, [contact]).get(contact.pk, []),
    )
    return Status(201, contact)
