"""Reads of mentor families (mentorplejefamilier): who may be a mentor for a family and the
ranked suggestions, the families to find a mentor for, the mentorships a user may see, and
consent. Every read starts from the policy in `networks/rules.py`; the suggestions and the
detail page write the audit log here. The ranking itself (checks, score, reasons, order) is the
pure module `networks/mentor_ranking.py`; the mandatory start-up course next to a mentorship is
`selectors/startup_course.py`.

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
collaborating municipality's families only with a role there). The score and the order are
documented in `networks/mentor_ranking.py`.

**Query counts** do not depend on the data: `assess` reads the candidates and, for all of them at
once, their placements, closed supervision courses and completed enrolments (six queries, none
skipped when there is no candidate); the suggestions add the mentee's current mentors, the
start-up course (three) and the audit entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from samspil.accounts.scopes import scope_for
from samspil.audit.services import log_action
from samspil.competence.enums import (
    Attendance,
    EnrolmentStatus,
    SupervisionKind,
    SupervisionStatus,
)
from samspil.competence.models import Enrolment, Session, SupervisionCourse
from samspil.core.exceptions import PermissionDeniedError
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily, FosterParent, Placement
from samspil.families.rules import family_filter
from samspil.families.selectors import current_placements
from samspil.networks import geography, mentor_ranking, rules
from samspil.networks.mentor_ranking import MenteeNeeds, PlacementSpan
from samspil.networks.models import MentorContact, MentorProfile, Mentorship, NetworkSettings
from samspil.networks.selectors.startup_course import (
    MandatoryCourse,
    contact_clashes,
    startup_course,
)
from samspil.organisations.models import Collaboration

Candidate = mentor_ranking.Candidate[FosterFamily]

# "Find a mentor family": at most this many families in the short list or the search results.
FIND_LIMIT = 20
# The short list: families approved within this many years that have no current mentor.
NEW_FAMILY_YEARS = 2


def _active(today: dt.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)


# -- assessing candidates -----------------------------------------------------------------------


def _area(mentee: FosterFamily, today: dt.date) -> Q:
    """The mentee's municipality and those sharing a current collaboration with it (a
    subquery, not a query of its own)."""
    collaborations = Collaboration.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        starts_on__lte=today,
        municipalities=mentee.municipality_id,
    ).values("pk")
    shared = Collaboration.municipalities.through.objects.filter(
        collaboration_id__in=collaborations
    ).values("municipality_id")
    return Q(municipality_id=mentee.municipality_id) | Q(municipality_id__in=shared)


# What the suggestions (page, API, ranking snapshot) read of a candidate: the rest of its row is
# not fetched, which at national scale (a hundred candidates and more) is a good part of the time.
CANDIDATE_FIELDS = (
    "uuid",
    "name",
    "postcode",
    "approved_on",
    "municipality__name",
    "municipality__code",
    "mentor_profile__consents",
)


def _candidates(
    user: UserLike, mentee: FosterFamily, today: dt.date, families: Sequence[int] | None
) -> QuerySet[FosterFamily]:
    """The candidate families (see the module docstring), with what the assessment reads of
    each row: its mentor profile, its active mentorships as mentor, whether one of them is with
    the mentee, and its own municipality's `mentor_max_mentees`."""
    active = Mentorship.objects.filter(_active(today), mentor=OuterRef("pk"))
    max_mentees = NetworkSettings.objects.filter(municipality_id=OuterRef("municipality_id"))
    qs = (
        FosterFamily.objects.filter(family_filter(user))
        .filter(_area(mentee, today))
        .exclude(pk=mentee.pk)
    )
    if families is None:
        qs = qs.filter(mentor_profile__consents=True)
    else:
        qs = qs.filter(pk__in=families)
    return (
        qs.select_related("municipality", "mentor_profile")
        .only(*CANDIDATE_FIELDS)
        .annotate(
            active_mentees=Coalesce(
                Subquery(active.order_by().values("mentor").annotate(n=Count("pk")).values("n")),
                0,
            ),
            already_mentor=Exists(active.filter(mentee_id=mentee.pk)),
            max_mentees=Coalesce(
                Subquery(max_mentees.values("mentor_max_mentees")[:1]),
                Value(NetworkSettings().mentor_max_mentees),
                output_field=IntegerField(),
            ),
        )
        .order_by("name", "id")
    )


def _placements(families: QuerySet[FosterFamily]) -> dict[int, list[PlacementSpan]]:
    """Every placement of `families` (a subquery), by family. One query."""
    found: dict[int, list[PlacementSpan]] = defaultdict(list)
    rows = (
        Placement.objects.filter(family__in=families.values("pk"))
        .order_by("starts_on", "id")
        .values_list("family_id", "starts_on", "ends_on", "child__date_of_birth")
    )
    for family_id, starts_on, ends_on, born in rows:
        found[family_id].append(PlacementSpan(starts_on, ends_on, born))
    return found


def _completed_courses(families: QuerySet[FosterFamily]) -> dict[int, list[str]]:
    """The names of the training and supervision courses `families` (a subquery) completed, by
    family: closed supervision courses by closing date, then offerings attended whose sessions
    have all ended, by session. Two queries."""
    found: dict[int, list[str]] = defaultdict(list)
    kinds = dict(SupervisionKind.choices)
    closed = (
        SupervisionCourse.families.through.objects.filter(
            fosterfamily_id__in=families.values("pk"),
            supervisioncourse__status=SupervisionStatus.CLOSED,
        )
        .order_by("supervisioncourse__closed_on", "supervisioncourse_id")
        .values_list(
            "fosterfamily_id",
            "supervisioncourse__title",
            "supervisioncourse__kind",
            "supervisioncourse__theme__name",
            "supervisioncourse__institution__name",
        )
    )
    for family_id, title, kind, theme, institution in closed:
        found[family_id].append(title or f"{kinds.get(kind, kind)} ({theme or institution})")
    still_running = Session.objects.filter(
        offering=OuterRef("session__offering_id"), cancelled=False, ends_at__gt=timezone.now()
    )
    attended = (
        Enrolment.objects.filter(
            family__in=families.values("pk"),
            status=EnrolmentStatus.ENROLLED,
            attendance=Attendance.ATTENDED,
        )
        .filter(~Exists(still_running))
        .order_by("session__starts_at", "id")
        .values_list("family_id", "session__offering__title")
    )
    for family_id, title in attended:
        if title not in found[family_id]:
            found[family_id].append(title)
    return found


def _by_name(family: FosterFamily) -> tuple[str, int]:
    return family.name, family.pk


def mentee_age_bands(mentee: FosterFamily, today: dt.date) -> list[str]:
    """The age bands of the children placed with the mentee now. One query."""
    born = (
        current_placements(today)
        .filter(family=mentee)
        .values_list("child__date_of_birth", flat=True)
    )
    return mentor_ranking.current_bands(born, today)


def assess(
    user: UserLike,
    mentee: FosterFamily,
    reason: str,
    *,
    today: dt.date | None = None,
    families: Sequence[int] | None = None,
    settings: NetworkSettings | None = None,
    mentee_bands: list[str] | None = None,
) -> list[Candidate]:
    """Every candidate (see the module docstring) with its rule checks, score and reasons;
    eligible ones ranked 1, 2, … first, then the others by name. `families` narrows the
    candidates to these ids, consenting or not (to explain why a family the caller named is not
    eligible). `settings` (the mentee's municipality's) and `mentee_bands` save their queries
    when the caller has them. Six queries at most, whatever the number of families.
    No audit entry: `suggestions_for` writes it."""
    today = today or timezone.localdate()
    if settings is None:
        settings = NetworkSettings.for_municipality(mentee.municipality)
    if mentee_bands is None:
        mentee_bands = mentee_age_bands(mentee, today)
    needs = MenteeNeeds(
        name=mentee.name,
        reason=reason,
        bands=mentee_bands,
        min_years=settings.mentor_min_years,
        requires_course=settings.mentor_requires_course,
    )
    qs = _candidates(user, mentee, today, families)
    found = list(qs)
    placements = _placements(qs)
    courses = _completed_courses(qs)
    here = geography.coordinates(mentee.postcode)
    candidates = []
    for family in found:
        profile: MentorProfile | None = getattr(family, "mentor_profile", None)
        candidates.append(
            mentor_ranking.assess_candidate(
                family,
                needs,
                consents=profile is not None and profile.consents,
                already_mentor=bool(getattr(family, "already_mentor", False)),
                years=family.years_of_experience(today),
                distance_km=mentor_ranking.distance_km(
                    here, geography.coordinates(family.postcode)
                ),
                current_mentees=int(getattr(family, "active_mentees", 0)),
                max_mentees=int(getattr(family, "max_mentees", 0)),
                age_bands=mentor_ranking.experience_bands(placements[family.pk], today),
                courses=courses[family.pk],
            )
        )
    return mentor_ranking.rank(candidates, by_name=_by_name)


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
    and the mentee's mandatory start-up course from today. Eleven queries whatever the data.
    Side effect: the audit entry "networks.mentor.suggestions" naming every family listed."""
    if not rules.can_broker_mentorship(user, mentee):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    settings = NetworkSettings.for_municipality(mentee.municipality)
    bands = mentee_age_bands(mentee, today)
    candidates = assess(user, mentee, reason, today=today, settings=settings, mentee_bands=bands)
    result = Suggestions(
        mentee=mentee,
        reason=reason,
        settings=settings,
        ranked=[c for c in candidates if c.eligible],
        ineligible=[c for c in candidates if not c.eligible],
        mentee_bands=bands,
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


def _with_families(qs: QuerySet[Mentorship], *, parents: bool = True) -> QuerySet[Mentorship]:
    qs = qs.select_related("mentor__municipality", "mentee__municipality", "brokered_by")
    if not parents:
        return qs
    ordered = FosterParent.objects.order_by("first_name", "last_name", "id")
    return qs.prefetch_related(
        Prefetch("mentor__parents", queryset=ordered),
        Prefetch("mentee__parents", queryset=ordered),
    )


def mentorships_for(
    user: UserLike,
    *,
    current: bool | None = None,
    today: dt.date | None = None,
    parents: bool = False,
) -> QuerySet[Mentorship]:
    """The mentorships `user` may see (rules.mentorship_filter), current ones (not ended) or
    past ones, with both families and the number of logged contacts; with `parents`, also both
    families' foster parents (the contact details a foster parent sees of the other family)."""
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
        _with_families(qs, parents=parents)
        .annotate(contact_count=Coalesce(Subquery(contacts), 0))
        .order_by("-starts_on", "-id")
    )


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count, which it then does not query."""

    def __init__(self, object_list: QuerySet[Mentorship], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def past_mentorships_page(
    user: UserLike, number: str | None, *, today: dt.date | None = None
) -> Page[Mentorship]:
    """Page `number` of the past mentorships `user` may see (as `mentorships_for`), with the
    total counted in the same query (a window count): one query whether there are past
    mentorships or not. A number past the end (or not a positive number) gives the last page or
    the first, as `Paginator.get_page` does, with two more queries."""
    size = django_settings.SAMSPIL_PAGE_SIZE
    qs = mentorships_for(user, current=False, today=today)
    try:
        wanted = int(number or 1)
    except ValueError:
        wanted = 1
    if wanted >= 1:
        offset = (wanted - 1) * size
        rows = list(qs.annotate(total=Window(Count("pk")))[offset : offset + size])
        if rows or wanted == 1:
            count = int(getattr(rows[0], "total", 0)) if rows else 0
            return Page(rows, wanted, _CountedPaginator(qs, size, count))
    return Paginator(qs, size).get_page(number)


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
    families, with their number of active mentorships as mentor and when they consented (only
    what the list page shows)."""
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
        .select_related("mentor_profile")
        .only("uuid", "name", "approved_on", "mentor_profile__consent_changed_at")
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


def brokerable_family(user: UserLike, family_uuid: uuid.UUID | str) -> FosterFamily | None:
    """One of `brokerable_families(user)` by its uuid, or None (unknown, invisible or not the
    user's municipality's alike). Not an audited read: the list page names the family to record
    its consent."""
    try:
        return brokerable_families(user).filter(uuid=family_uuid).first()
    except (ValueError, TypeError, ValidationError):
        return None


@dataclass(frozen=True)
class FoundFamilies:
    """The families "find a mentor family" offers: the matches of `search`, or without a
    search the new families without a mentor; at most FIND_LIMIT, `more` when others match."""

    search: str
    families: Sequence[FosterFamily]
    more: bool
    years: int = NEW_FAMILY_YEARS


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def families_to_find_mentor_for(
    user: UserLike, search: str = "", *, today: dt.date | None = None
) -> FoundFamilies:
    """The families `user` may find a mentor for (`brokerable_families`) whose name or city
    contains `search` or whose postcode starts with it, by name; without a search, those
    approved within the last NEW_FAMILY_YEARS years that have no current mentor family, newest
    first. At most FIND_LIMIT, each with `has_mentor` (a current mentor family). One query."""
    today = today or timezone.localdate()
    search = search.strip()
    qs = brokerable_families(user).annotate(
        has_mentor=Exists(Mentorship.objects.filter(_active(today), mentee=OuterRef("pk")))
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(postcode__startswith=search)
        ).order_by("name", "id")
    else:
        qs = qs.filter(
            approved_on__gte=_years_before(today, NEW_FAMILY_YEARS), has_mentor=False
        ).order_by("-approved_on", "name", "id")
    found = list(qs[: FIND_LIMIT + 1])
    return FoundFamilies(search=search, families=found[:FIND_LIMIT], more=len(found) > FIND_LIMIT)


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
