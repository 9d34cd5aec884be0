"""Reads of mentor families (mentorplejefamilier): who may be a mentor for a family, the ranked
suggestions, the mandatory start-up course next to a mentorship, and the mentorships a user may
see. Every read starts from the policy in `networks/rules.py`; the suggestions and the detail
page write the audit log here.

**Eligibility.** A family may mentor `mentee` on `today` when all of these hold:

* *consent*: its `MentorProfile.consents` is set (given by the family, or recorded for it);
* *years*: `years_of_experience(today)` is at least `mentor_min_years` of the **mentee's**
  municipality (the brokering municipality sets what it asks of a mentor);
* *course*, when the mentee's municipality sets `mentor_requires_course`: the family completed a
  training or supervision course, which means either a competence `SupervisionCourse` with status
  CLOSED that the family took part in (one of its `families`), or an `Enrolment` with a place
  (status enrolled) and attendance "attended" at a session of an offering whose sessions (those
  not cancelled) have all ended by now;
* *capacity*: it has fewer active mentorships as mentor than `mentor_max_mentees` of the
  **mentor's own** municipality (which protects its families). Active = not ended: `ends_on`
  empty or today or later, including mentorships that start later;
* *pair*: it is not already in an active mentorship with the mentee.

Settings come from `NetworkSettings` (the model's defaults where a municipality stored none).

**Candidates** are the consenting families of the mentee's municipality and of the
municipalities sharing a current collaboration with it, except the mentee, and only those the
user may see under the families policy (this module never widens it: a consultant sees a
collaborating municipality's families only with a role there).

**Score** (higher is better; eligible candidates only). Four parts of 0–10 points each:

* distance: 10 − km / 5 (rounded down, at least 0; 10 at the door, 0 from 50 km); 3 when a
  postcode has no coordinates (km between the postcodes' points, by haversine);
* similar children: 10 × the share of the mentee's current children's age bands (0–2, 3–5,
  6–12, 13–17, 18+) the mentor has or had children in (any placement, from the child's age at its
  start to its age at the end or today); 0 when the mentee has no child placed;
* years: the years as foster family, at most 10;
* free capacity: 10 × (max mentees − active mentorships) / max mentees, rounded.

weighted by the reason: a new family distance 3, children 2, years 2, capacity 2; an extra child
2, 3, 2, 2; a child with particular needs 1, 3, 4, 2. Ties go to the nearer family, then the more
experienced, then by name. The same inputs always give the same order.

**The mandatory start-up course** is the mentee's municipality's fixed programme: the offerings
of its catalogue marked mandatory (`CatalogueEntry.mandatory`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.enums import Attendance, EnrolmentStatus, SupervisionStatus
from samspil.competence.models import (
    CatalogueEntry,
    Enrolment,
    Offering,
    Session,
    SupervisionCourse,
)
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily, FosterParent, Placement
from samspil.families.rules import family_filter
from samspil.families.selectors import current_placements
from samspil.networks import composition, geography, rules
from samspil.networks.enums import MentorReason
from samspil.networks.models import MentorContact, MentorProfile, Mentorship, NetworkSettings
from samspil.organisations.models import Collaboration

AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 2, "0–2"),
    (3, 5, "3–5"),
    (6, 12, "6–12"),
    (13, 17, "13–17"),
    (18, 200, "18+"),
)
UNKNOWN_DISTANCE_POINTS = 3
# Weights of (distance, similar children, years, free capacity) per reason.
WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    MentorReason.NEW_FAMILY: (3, 2, 2, 2),
    MentorReason.EXTRA_CHILD: (2, 3, 2, 2),
    MentorReason.PARTICULAR_NEEDS: (1, 3, 4, 2),
}


# -- small pure pieces --------------------------------------------------------------------------


def bands_between(youngest: int, oldest: int) -> list[str]:
    """The age bands covering ages `youngest`..`oldest` (inclusive), youngest first."""
    return [label for low, high, label in AGE_BANDS if low <= oldest and youngest <= high]


def _age(born: dt.date, on: dt.date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return max(years, 0)


def _band_order(labels: Iterable[str]) -> list[str]:
    wanted = set(labels)
    return [label for _low, _high, label in AGE_BANDS if label in wanted]


def _experience_bands(placements: Iterable[Placement], today: dt.date) -> list[str]:
    bands: set[str] = set()
    for placement in placements:
        if placement.starts_on > today:
            continue
        end = min(placement.ends_on or today, today)
        born = placement.child.date_of_birth
        bands.update(bands_between(_age(born, placement.starts_on), _age(born, end)))
    return _band_order(bands)


def distance_between(a: FosterFamily, b: FosterFamily) -> int | None:
    """Kilometres between the families' postcodes, or None when one is not in the table."""
    here, there = geography.coordinates(a.postcode), geography.coordinates(b.postcode)
    if here is None or there is None:
        return None
    return composition.distance_km(
        composition.Candidate(key=a.pk, areas=frozenset(), lat=here[0], lon=here[1]),
        composition.Candidate(key=b.pk, areas=frozenset(), lat=there[0], lon=there[1]),
    )


def score(
    *,
    reason: str,
    distance_km: int | None,
    shared_bands: int,
    mentee_bands: int,
    years: int,
    current_mentees: int,
    max_mentees: int,
) -> int:
    """The documented score (see the module docstring): a pure function of its inputs."""
    w_distance, w_children, w_years, w_capacity = WEIGHTS.get(reason, WEIGHTS["new_family"])
    distance = UNKNOWN_DISTANCE_POINTS if distance_km is None else max(0, 10 - distance_km // 5)
    children = round(10 * shared_bands / mentee_bands) if mentee_bands else 0
    experience = min(years, 10)
    free = max(max_mentees - current_mentees, 0)
    capacity = round(10 * free / max_mentees) if max_mentees else 0
    return (
        w_distance * distance + w_children * children + w_years * experience + w_capacity * capacity
    )


# -- assessing candidates -----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleCheck:
    """One eligibility rule for one family: `code` is consent, years, course, capacity or
    pair; `text` says in words what was found."""

    code: str
    met: bool
    text: str


@dataclass
class Candidate:
    family: FosterFamily
    checks: list[RuleCheck]
    years: int
    distance_km: int | None
    current_mentees: int
    max_mentees: int
    age_bands: list[str]
    shared_bands: list[str]
    courses: list[str]
    score: int = 0
    rank: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def lacks(self) -> list[str]:
        return [check.text for check in self.checks if not check.met]

    def snapshot(self, *, reason: str, of: int, today: dt.date) -> dict[str, Any]:
        """What Mentorship.ranking stores: why this family was suggested, as it was then."""
        return {
            "rank": self.rank,
            "of": of,
            "score": self.score,
            "reason": reason,
            "distance_km": self.distance_km,
            "current_mentees": self.current_mentees,
            "max_mentees": self.max_mentees,
            "years": self.years,
            "age_bands": self.age_bands,
            "shared_bands": self.shared_bands,
            "courses": self.courses,
            "reasons": self.reasons,
            "computed_on": today.isoformat(),
        }


def _active(today: dt.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)


def _candidate_queryset(mentee: FosterFamily, today: dt.date) -> QuerySet[FosterFamily]:
    """Families with everything the assessment reads prefetched: four queries in all."""
    active = Mentorship.objects.filter(_active(today), mentor=OuterRef("pk"))
    still_running = Session.objects.filter(
        offering=OuterRef("session__offering_id"), cancelled=False, ends_at__gt=timezone.now()
    )
    completed_enrolments = (
        Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED, attendance=Attendance.ATTENDED)
        .filter(~Exists(still_running))
        .select_related("session__offering")
        .order_by("session__starts_at", "id")
    )
    return (
        FosterFamily.objects.select_related("municipality", "mentor_profile")
        .annotate(
            active_mentees=Coalesce(
                Subquery(active.order_by().values("mentor").annotate(n=Count("pk")).values("n")),
                0,
            ),
            already_mentor=Exists(active.filter(mentee_id=mentee.pk)),
        )
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("child").order_by("starts_on", "id"),
                to_attr="mentor_placements",
            ),
            Prefetch(
                "supervision_courses",
                queryset=SupervisionCourse.objects.filter(status=SupervisionStatus.CLOSED)
                .select_related("theme", "institution")
                .order_by("closed_on", "id"),
                to_attr="closed_courses",
            ),
            Prefetch("enrolments", queryset=completed_enrolments, to_attr="completed_enrolments"),
        )
        .order_by("name", "id")
    )


def mentee_age_bands(mentee: FosterFamily, today: dt.date) -> list[str]:
    """The age bands of the children placed with the mentee now."""
    bands: set[str] = set()
    for placement in current_placements(today).filter(family=mentee):
        age = _age(placement.child.date_of_birth, today)
        bands.update(bands_between(age, age))
    return _band_order(bands)


def _max_mentees(municipality_ids: set[int]) -> dict[int, int]:
    stored = {
        s.municipality_id: s.mentor_max_mentees
        for s in NetworkSettings.objects.filter(municipality_id__in=municipality_ids)
    }
    default = NetworkSettings().mentor_max_mentees
    return {pk: stored.get(pk, default) for pk in municipality_ids}


def _completed_courses(family: FosterFamily) -> list[str]:
    names = [
        course.title or f"{course.get_kind_display()} ({course.theme or course.institution})"
        for course in getattr(family, "closed_courses", [])
    ]
    for enrolment in getattr(family, "completed_enrolments", []):
        title = enrolment.session.offering.title
        if title not in names:
            names.append(title)
    return names


def _mentees_text(current: int, maximum: int) -> str:
    if current == 0:
        return _("no current mentees (at most %(max)d)") % {"max": maximum}
    return ngettext(
        "%(count)d current mentee of at most %(max)d",
        "%(count)d current mentees of at most %(max)d",
        current,
    ) % {"count": current, "max": maximum}


def _checks(
    family: FosterFamily,
    *,
    settings: NetworkSettings,
    years: int,
    courses: list[str],
    current: int,
    maximum: int,
    mentee: FosterFamily,
) -> list[RuleCheck]:
    profile: MentorProfile | None = getattr(family, "mentor_profile", None)
    consents = profile is not None and profile.consents
    checks = [
        RuleCheck(
            "consent",
            consents,
            _("consents to be a mentor family") if consents else _("has not consented"),
        )
    ]
    required = settings.mentor_min_years
    years_text = ngettext(
        "%(years)d year as foster family", "%(years)d years as foster family", years
    ) % {"years": years}
    checks.append(
        RuleCheck(
            "years",
            years >= required,
            _("%(found)s (at least %(required)d required)")
            % {"found": years_text, "required": required},
        )
    )
    if not settings.mentor_requires_course:
        checks.append(RuleCheck("course", True, _("no course required")))
    elif courses:
        checks.append(
            RuleCheck("course", True, _("completed: %(courses)s") % {"courses": ", ".join(courses)})
        )
    else:
        checks.append(RuleCheck("course", False, _("no completed training or supervision course")))
    if current < maximum:
        checks.append(RuleCheck("capacity", True, _mentees_text(current, maximum)))
    else:
        text = ngettext(
            "already has %(count)d mentee, the most allowed",
            "already has %(count)d mentees, the most allowed",
            current,
        ) % {"count": current}
        checks.append(RuleCheck("capacity", False, text))
    if getattr(family, "already_mentor", False):
        checks.append(
            RuleCheck(
                "pair", False, _("is already mentor for %(mentee)s") % {"mentee": mentee.name}
            )
        )
    return checks


def _reasons(candidate: Candidate, mentee_bands: list[str]) -> list[str]:
    reasons = []
    if candidate.distance_km is None:
        reasons.append(_("distance unknown (postcode not found)"))
    else:
        reasons.append(_("%(km)d km away") % {"km": candidate.distance_km})
    if candidate.shared_bands:
        reasons.append(
            _("has had children aged %(bands)s") % {"bands": ", ".join(candidate.shared_bands)}
        )
    elif mentee_bands:
        reasons.append(
            _("no experience with children aged %(bands)s") % {"bands": ", ".join(mentee_bands)}
        )
    elif candidate.age_bands:
        reasons.append(
            _("has had children aged %(bands)s") % {"bands": ", ".join(candidate.age_bands)}
        )
    reasons.append(_mentees_text(candidate.current_mentees, candidate.max_mentees))
    reasons.append(
        ngettext(
            "%(years)d year as foster family", "%(years)d years as foster family", candidate.years
        )
        % {"years": candidate.years}
    )
    if candidate.courses:
        reasons.append(_("completed: %(courses)s") % {"courses": ", ".join(candidate.courses)})
    return reasons


def candidate_area(mentee: FosterFamily, today: dt.date) -> set[int]:
    """The mentee's municipality and those sharing a current collaboration with it."""
    collaborations = Collaboration.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        starts_on__lte=today,
        municipalities=mentee.municipality_id,
    ).values("pk")
    shared = Collaboration.municipalities.through.objects.filter(
        collaboration_id__in=collaborations
    ).values_list("municipality_id", flat=True)
    return {mentee.municipality_id, *shared}


def assess(
    user: UserLike,
    mentee: FosterFamily,
    reason: str,
    *,
    today: dt.date | None = None,
    families: Sequence[int] | None = None,
) -> list[Candidate]:
    """Every candidate (see the module docstring) with its rule checks, score and reasons;
    eligible ones ranked 1, 2, … first, then the others by name. `families` narrows the
    candidates to these ids, consenting or not (to explain why a family the caller named is not
    eligible). A fixed number of queries whatever the number of families.
    No audit entry: `suggestions_for` writes it."""
    today = today or timezone.localdate()
    settings = NetworkSettings.for_municipality(mentee.municipality)
    qs = (
        _candidate_queryset(mentee, today)
        .filter(family_filter(user), municipality_id__in=candidate_area(mentee, today))
        .exclude(pk=mentee.pk)
    )
    if families is None:
        qs = qs.filter(mentor_profile__consents=True)
    else:
        qs = qs.filter(pk__in=families)
    found = list(qs)
    maximum = _max_mentees({f.municipality_id for f in found})
    wanted = mentee_age_bands(mentee, today)
    candidates = []
    for family in found:
        years = family.years_of_experience(today)
        courses = _completed_courses(family)
        current = int(getattr(family, "active_mentees", 0))
        bands = _experience_bands(getattr(family, "mentor_placements", []), today)
        candidate = Candidate(
            family=family,
            checks=_checks(
                family,
                settings=settings,
                years=years,
                courses=courses,
                current=current,
                maximum=maximum[family.municipality_id],
                mentee=mentee,
            ),
            years=years,
            distance_km=distance_between(mentee, family),
            current_mentees=current,
            max_mentees=maximum[family.municipality_id],
            age_bands=bands,
            shared_bands=[band for band in bands if band in wanted],
            courses=courses,
        )
        candidate.score = score(
            reason=reason,
            distance_km=candidate.distance_km,
            shared_bands=len(candidate.shared_bands),
            mentee_bands=len(wanted),
            years=years,
            current_mentees=current,
            max_mentees=candidate.max_mentees,
        )
        candidate.reasons = _reasons(candidate, wanted)
        candidates.append(candidate)
    eligible = sorted(
        (c for c in candidates if c.eligible),
        key=lambda c: (
            -c.score,
            c.distance_km if c.distance_km is not None else 10**6,
            -c.years,
            c.family.name,
            c.family.pk,
        ),
    )
    for rank, candidate in enumerate(eligible, 1):
        candidate.rank = rank
    return eligible + [c for c in candidates if not c.eligible]


# -- the mandatory start-up course --------------------------------------------------------------


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


def startup_course(
    mentee: FosterFamily, start: dt.date, end: dt.date | None = None
) -> list[MandatoryCourse]:
    """For each mandatory offering of the mentee's municipality: the mentee's sessions of it
    (a place or the waiting list) between `start` and `end` (open-ended when None), or, when it
    has none, has not attended the course and has no later session, the offering's open
    sessions in the period ("not enrolled yet"). Three queries."""
    offerings = [
        entry.offering
        for entry in CatalogueEntry.objects.filter(
            municipality_id=mentee.municipality_id, mandatory=True
        )
        .select_related("offering")
        .order_by("offering__title", "offering__id")
    ]
    if not offerings:
        return []
    now = timezone.now()
    tz = timezone.get_current_timezone()
    after = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    before = (
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if end else None
    )

    def in_period(session: Session) -> bool:
        return session.starts_at >= after and (before is None or session.starts_at < before)

    own = list(
        Enrolment.objects.filter(family=mentee, session__offering__in=offerings)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "id")
    )
    open_sessions: dict[int, list[Session]] = defaultdict(list)
    for session in Session.objects.filter(
        offering__in=offerings, cancelled=False, starts_at__gte=max(after, now)
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
    mandatory = CatalogueEntry.objects.filter(
        municipality_id=mentorship.mentee.municipality_id, mandatory=True
    ).values("offering_id")
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


# -- suggestions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestions:
    mentee: FosterFamily
    reason: str
    settings: NetworkSettings
    ranked: list[Candidate]
    ineligible: list[Candidate]
    mentee_bands: list[str]
    current_mentors: list[Mentorship]
    startup_course: list[MandatoryCourse]


def suggestions_for(
    user: UserLike, mentee: FosterFamily, reason: str, *, today: dt.date | None = None
) -> Suggestions:
    """Ranked mentor suggestions for `mentee` (rules.can_broker_mentorship, else
    PermissionDeniedError), the consenting families that are not eligible with what they lack,
    and the mentee's mandatory start-up course from today. Side effect: the audit entry
    "networks.mentor.suggestions" naming every family listed."""
    if not rules.can_broker_mentorship(user, mentee):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    candidates = assess(user, mentee, reason, today=today)
    result = Suggestions(
        mentee=mentee,
        reason=reason,
        settings=NetworkSettings.for_municipality(mentee.municipality),
        ranked=[c for c in candidates if c.eligible],
        ineligible=[c for c in candidates if not c.eligible],
        mentee_bands=mentee_age_bands(mentee, today),
        current_mentors=list(
            Mentorship.objects.filter(_active(today), mentee=mentee)
            .select_related("mentor")
            .order_by("starts_on", "id")
        ),
        startup_course=startup_course(mentee, today),
    )
    log_action(
        "networks.mentor.suggestions",
        actor=user,
        obj=mentee,
        municipality_id=mentee.municipality_id,
        data={
            "reason": reason,
            "families": [str(c.family.uuid) for c in candidates],
            "ranked": [str(c.family.uuid) for c in result.ranked],
        },
    )
    return result


# -- mentorships --------------------------------------------------------------------------------


def _with_families(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    parents = FosterParent.objects.order_by("first_name", "last_name", "id")
    return qs.select_related(
        "mentor__municipality", "mentee__municipality", "brokered_by"
    ).prefetch_related(
        Prefetch("mentor__parents", queryset=parents),
        Prefetch("mentee__parents", queryset=parents),
    )


def mentorships_for(
    user: UserLike, *, current: bool | None = None, today: dt.date | None = None
) -> QuerySet[Mentorship]:
    """The mentorships `user` may see (rules.mentorship_filter), current ones (not ended) or
    past ones, with both families, their parents and the number of logged contacts."""
    today = today or timezone.localdate()
    qs = Mentorship.objects.filter(rules.mentorship_filter(user))
    if current is True:
        qs = qs.filter(_active(today))
    elif current is False:
        qs = qs.filter(ends_on__lt=today)
    contacts = (
        MentorContact.objects.filter(mentorship=OuterRef("pk"))
        .order_by()
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _with_families(qs)
        .annotate(contact_count=Coalesce(Subquery(contacts), 0))
        .order_by("-starts_on", "-id")
    )


def get_mentorship_for(
    user: UserLike, mentorship_uuid: uuid.UUID | str, *, audit: bool = True
) -> Mentorship:
    """One mentorship, or Http404 when it does not exist or `user` may not see it. Side effect:
    the audit entry "networks.mentorship.read" unless `audit` is False (the caller is about to
    change it and logs that instead)."""
    try:
        mentorship = _with_families(Mentorship.objects.filter(rules.mentorship_filter(user))).get(
            uuid=mentorship_uuid
        )
    except (Mentorship.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if audit:
        log_action(
            "networks.mentorship.read",
            actor=user,
            obj=mentorship,
            municipality_id=mentorship.mentee.municipality_id,
        )
    return mentorship


@dataclass(frozen=True)
class MentorshipDetail:
    mentorship: Mentorship
    contacts: list[MentorContact]
    clashes: dict[int, list[str]]
    startup_course: list[MandatoryCourse]
    can_change: bool
    can_log: bool
    own_side: str  # "mentor", "mentee" or "" (staff)
    is_current: bool

    @property
    def rows(self) -> list[tuple[MentorContact, list[str]]]:
        """The contact log with each contact's clash warnings."""
        return [(c, self.clashes.get(c.pk, [])) for c in self.contacts]

    @property
    def contact_minutes(self) -> int:
        return sum(c.minutes for c in self.contacts)


def mentorship_detail(
    user: UserLike, mentorship: Mentorship, *, today: dt.date | None = None
) -> MentorshipDetail:
    """What the mentorship page shows: the contact log with a warning on contacts that fall on
    a day of the mandatory start-up course, the course in the mentorship's period, and what
    `user` may do."""
    today = today or timezone.localdate()
    contacts = list(
        mentorship.contacts.select_related("recorded_by").order_by("-happened_on", "-id")
    )
    own = scope_for(user).foster_family_id
    side = (
        "mentor" if own == mentorship.mentor_id else "mentee" if own == mentorship.mentee_id else ""
    )
    return MentorshipDetail(
        mentorship=mentorship,
        contacts=contacts,
        clashes=contact_clashes(mentorship, contacts),
        startup_course=startup_course(mentorship.mentee, mentorship.starts_on, mentorship.ends_on),
        can_change=rules.can_change_mentorship(user, mentorship),
        can_log=rules.can_log_mentor_contact(user, mentorship),
        own_side=side,
        is_current=mentorship.ends_on is None or mentorship.ends_on >= today,
    )


# -- consent and the list page ------------------------------------------------------------------


def consenting_families_for(
    user: UserLike, *, today: dt.date | None = None
) -> QuerySet[FosterFamily]:
    """Families of the user's municipalities (consultant, leader) that consent to be mentor
    families, with their number of active mentorships as mentor."""
    today = today or timezone.localdate()
    municipalities = scope_for(user).municipalities(*rules.MUNICIPAL)
    active = (
        Mentorship.objects.filter(_active(today), mentor=OuterRef("pk"))
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        FosterFamily.objects.filter(family_filter(user))
        .filter(municipality_id__in=municipalities, mentor_profile__consents=True)
        .select_related("mentor_profile", "municipality")
        .annotate(active_mentees=Coalesce(Subquery(active), 0))
        .order_by("name", "id")
    )


def brokerable_families(user: UserLike) -> QuerySet[FosterFamily]:
    """The families `user` may find a mentor for or record consent for (consultant, leader of
    their municipality)."""
    municipalities = scope_for(user).municipalities(*rules.MUNICIPAL)
    return (
        FosterFamily.objects.filter(family_filter(user))
        .filter(municipality_id__in=municipalities)
        .select_related("municipality")
        .order_by("name", "id")
    )


def can_broker_any(user: UserLike) -> bool:
    return bool(scope_for(user).municipalities(*rules.MUNICIPAL))


def own_profile(user: UserLike) -> tuple[FosterFamily, MentorProfile | None] | None:
    """A foster parent's own family and its mentor profile (None when never recorded)."""
    family_id = scope_for(user).foster_family_id
    if family_id is None:
        return None
    family = (
        FosterFamily.objects.filter(family_filter(user), pk=family_id)
        .select_related("mentor_profile")
        .first()
    )
    if family is None:
        return None
    return family, getattr(family, "mentor_profile", None)


def visible_family(user: UserLike, family_uuid: uuid.UUID | str) -> FosterFamily | None:
    """A family `user` may see, by its uuid, or None (unknown and invisible alike). Not an
    audited read: the caller names the family to record a mentorship with it."""
    try:
        return (
            FosterFamily.objects.filter(family_filter(user))
            .select_related("municipality")
            .filter(uuid=family_uuid)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None
