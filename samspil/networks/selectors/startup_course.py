"""The mandatory start-up course next to a mentorship: the mentee's municipality's fixed
programme, i.e. the offerings of its catalogue marked mandatory (`CatalogueEntry.mandatory`), with
the mentee's sessions of it in a period and what to coordinate; and the warning on a mentor contact
that falls on a day the mentee has a place at one of its sessions. Used by the mentor suggestions
and the mentorship page (`selectors/mentors.py`). Reads only what the caller may already see
(the mentee and its mentorship); not audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samspil.competence.enums import Attendance, EnrolmentStatus
from samspil.competence.models import CatalogueEntry, Enrolment, Offering, Session
from samspil.families.models import FosterFamily
from samspil.networks.models import MentorContact, Mentorship


@dataclass(frozen=True)
class MandatorySession:
    session: Session
    status: str  # "enrolled", "waitlisted" or "" (not enrolled)


@dataclass(frozen=True)
class MandatoryCourse:
    """One mandatory offering next to a mentorship. `sessions` are the mentee's sessions of it
    in the period, or, when it is not enrolled yet, the offering's open sessions there."""

    offering: Offering
    state: str  # "enrolled", "waitlisted", "attended", "later", "not_enrolled"
    sessions: list[MandatorySession]
    advice: str

    @property
    def clashes(self) -> bool:
        """Does the course compete with the mentorship for the family's days?"""
        return self.state in ("enrolled", "waitlisted", "not_enrolled")


def _days(sessions: Iterable[Session]) -> str:
    return ", ".join(date_format(timezone.localtime(s.starts_at), "DATE_FORMAT") for s in sessions)


def _advice(mentee: FosterFamily, offering: Offering, state: str, sessions: list[Session]) -> str:
    names = {"family": mentee.name, "course": offering.title, "days": _days(sessions)}
    if state == "enrolled":
        text = _(
            "%(family)s takes part in the mandatory start-up course “%(course)s” on %(days)s. "
            "Plan mentor contacts on other days, and tell the mentor family that the course "
            "comes first."
        )
    elif state == "waitlisted":
        text = _(
            "%(family)s is on the waiting list for the mandatory start-up course “%(course)s” "
            "on %(days)s. Keep those days free of mentor contacts until the place is settled."
        )
    elif state == "attended":
        text = _("%(family)s has attended the mandatory start-up course “%(course)s”.")
    elif state == "later":
        text = _(
            "%(family)s is enrolled in the mandatory start-up course “%(course)s” on %(days)s, "
            "outside this period."
        )
    elif sessions:
        text = _(
            "%(family)s is not enrolled yet in the mandatory start-up course “%(course)s”. "
            "Enrol the family in one of its sessions first, then plan mentor contacts on other "
            "days."
        )
    else:
        text = _(
            "%(family)s is not enrolled yet in the mandatory start-up course “%(course)s”, and "
            "it has no session planned in this period. Ask the institution when it runs next."
        )
    return text % names


def _mandatory_offerings(mentee: FosterFamily) -> QuerySet[CatalogueEntry, Any]:
    """The ids of the mentee's municipality's mandatory offerings, as a subquery."""
    return CatalogueEntry.objects.filter(
        municipality_id=mentee.municipality_id, mandatory=True
    ).values("offering_id")


def startup_course(
    mentee: FosterFamily, start: dt.date, end: dt.date | None = None
) -> list[MandatoryCourse]:
    """For each mandatory offering of the mentee's municipality: the mentee's sessions of it
    (a place or the waiting list) between `start` and `end` (open-ended when None), or, when it
    has none, has not attended the course and has no later session, the offering's open
    sessions in the period ("not enrolled yet"). Three queries, whether or not the municipality
    has a mandatory course."""
    mandatory = _mandatory_offerings(mentee)
    offerings = list(Offering.objects.filter(pk__in=mandatory).order_by("title", "id"))
    now = timezone.now()
    tz = timezone.get_current_timezone()
    after = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    before = (
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if end else None
    )

    def in_period(session: Session) -> bool:
        return session.starts_at >= after and (before is None or session.starts_at < before)

    own = list(
        Enrolment.objects.filter(family=mentee, session__offering__in=mandatory)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "id")
    )
    open_sessions: dict[int, list[Session]] = defaultdict(list)
    for session in Session.objects.filter(
        offering__in=mandatory, cancelled=False, starts_at__gte=max(after, now)
    ).order_by("starts_at", "id"):
        if in_period(session):
            open_sessions[session.offering_id].append(session)
    courses = []
    for offering in offerings:
        mine = [e for e in own if e.session.offering_id == offering.pk]
        live = [e for e in mine if not e.session.cancelled]
        booked = [e for e in live if in_period(e.session)]
        later = [e for e in live if e.session.ends_at > now and not in_period(e.session)]
        sessions = [MandatorySession(session=e.session, status=e.status) for e in booked]
        if any(e.status == EnrolmentStatus.ENROLLED for e in booked):
            state = "enrolled"
        elif booked:
            state = "waitlisted"
        elif any(e.attendance == Attendance.ATTENDED for e in mine):
            state = "attended"
        elif later:
            state = "later"
            sessions = [MandatorySession(session=e.session, status=e.status) for e in later]
        else:
            state = "not_enrolled"
            sessions = [MandatorySession(session=s, status="") for s in open_sessions[offering.pk]]
        named = [
            s.session
            for s in sessions
            if state not in ("enrolled", "waitlisted") or s.status == state
        ]
        courses.append(
            MandatoryCourse(
                offering=offering,
                state=state,
                sessions=sessions,
                advice=_advice(mentee, offering, state, named),
            )
        )
    return courses


def contact_clashes(
    mentorship: Mentorship, contacts: Sequence[MentorContact]
) -> dict[int, list[str]]:
    """For each contact (by id) that falls on a day the mentee has a place at a session of the
    mandatory start-up course, a warning in words. One query."""
    days = {c.happened_on for c in contacts}
    if not days:
        return {}
    mandatory = _mandatory_offerings(mentorship.mentee)
    by_day: dict[dt.date, list[Enrolment]] = defaultdict(list)
    first, last = min(days), max(days)
    for enrolment in Enrolment.objects.filter(
        family_id=mentorship.mentee_id,
        status=EnrolmentStatus.ENROLLED,
        session__offering_id__in=mandatory,
        session__cancelled=False,
        session__starts_at__date__gte=first - dt.timedelta(days=1),
        session__starts_at__date__lte=last + dt.timedelta(days=1),
    ).select_related("session__offering"):
        by_day[timezone.localdate(enrolment.session.starts_at)].append(enrolment)
    clashes: dict[int, list[str]] = {}
    for contact in contacts:
        found = by_day.get(contact.happened_on, [])
        if found:
            clashes[contact.pk] = [
                _(
                    "Same day as the mandatory start-up course “%(course)s” (%(time)s), where "
                    "%(family)s has a place. Agree with both families that the course comes "
                    "first and move the mentor contact to another day."
                )
                % {
                    "course": e.session.offering.title,
                    "time": timezone.localtime(e.session.starts_at).strftime("%H:%M"),
                    "family": mentorship.mentee.name,
                }
                for e in found
            ]
    return clashes
