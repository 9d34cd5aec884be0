"""Writes of supervision: opening individual and group courses, referring a family to a
consultative course and the institution's answer, the session log, extensions and closing.

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once),
audited with `log_action("competence.supervision.<verb>", …)`, and e-mails go out with
`transaction.on_commit`. Opening a course and accepting a referral record an engagement per
family (which gives the institution's staff access to the family); closing and declining end
them, so access lasts the municipality's grace period and then ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.accounts.scopes import scope_for
from samspil.audit.services import diff, log_action, snapshot
from samspil.competence import rules
from samspil.competence.enums import SupervisionKind, SupervisionLocation, SupervisionStatus
from samspil.competence.models import (
    CompetenceSettings,
    SupervisionCourse,
    SupervisionExtension,
    SupervisionSession,
)
from samspil.competence.selectors import supervision as selectors
from samspil.core.concurrency import claim_version
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.enums import EngagementKind
from samspil.families.models import FosterFamily
from samspil.families.services import end_engagements, record_engagement
from samspil.organisations.models import Institution

# The fields `values` may set when a course is opened or referred.
COURSE_FIELDS = [
    "title",
    "theme",
    "problem",
    "goal",
    "planned_sessions",
    "session_hours",
    "location",
    "consultant_takes_part",
]
REFERRAL_FIELDS = ["theme", "problem", "planned_sessions", "session_hours", "consultant_takes_part"]
SESSION_FIELDS = [
    "starts_at",
    "hours",
    "location",
    "consultant_present",
    "shared_notes",
    "private_notes",
]
AUDITED_COURSE_FIELDS = [
    "kind",
    "status",
    "institution",
    "supervisor",
    "title",
    "theme",
    "problem",
    "goal",
    "planned_sessions",
    "session_hours",
    "location",
    "consultant_takes_part",
    "opened_on",
]

GROUP_HOURS = (Decimal("2"), Decimal("3"))
GROUP_LOCATIONS = (SupervisionLocation.INSTITUTION, SupervisionLocation.MUNICIPAL)
CONSULTATIVE_SESSIONS = (4, 6)
CONSULTATIVE_HOURS = Decimal("2")
MAX_PLANNED_SESSIONS = 52
MAX_SESSION_HOURS = Decimal("8")


def engagement_source(course: SupervisionCourse) -> str:
    """What the course's engagements are recorded under (families.Engagement.source)."""
    return f"competence.supervision:{course.uuid}"


# -- validation helpers ---------------------------------------------------------------------------


class _Errors:
    """Collects field errors so a form shows every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def clean(self, instance: Any, exclude: list[str] | None = None) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    if message not in self.errors.get(name, []):
                        self.add(name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _apply(instance: Any, values: Mapping[str, Any], fields: list[str]) -> None:
    for name in fields:
        if name in values and values[name] is not None:
            setattr(instance, name, values[name])


def _check_institution(
    errors: _Errors,
    *,
    actor: User,
    municipality_id: int,
    institution: Institution,
    today: dt.date,
) -> None:
    eligible = selectors.eligible_institutions([municipality_id], today)
    if not eligible.filter(pk=institution.pk).exists():
        errors.add(
            "institution",
            _(
                "The institution must collaborate with the family's municipality or be one "
                "of its institutions for consultative courses."
            ),
        )
    scope = scope_for(actor)
    if municipality_id not in scope.municipalities(
        *rules.MUNICIPAL
    ) and institution.pk not in scope.institutions(*rules.INSTITUTION):
        errors.add("institution", _("You can only open courses delivered by your institution."))


def _check_supervisor(errors: _Errors, *, supervisor: User | None, institution_id: int) -> None:
    if supervisor is None:
        errors.add("supervisor", _("Choose the specialist who supervises."))
    elif not selectors.supervisors_for(institution_id).filter(pk=supervisor.pk).exists():
        errors.add("supervisor", _("The supervisor must be a specialist of the institution."))


def _check_text(errors: _Errors, values: Mapping[str, Any], name: str, message: str) -> None:
    if not str(values.get(name) or "").strip():
        errors.add(name, message)


def _lock(course: SupervisionCourse, expected_version: int) -> None:
    """Move the course to its next version (or raise ConcurrentEditError) and reload it, so
    the checks that follow see the row as it is now, locked until the transaction ends."""
    claim_version(course, expected_version=expected_version)
    course.refresh_from_db()


def _require_status(course: SupervisionCourse, status: SupervisionStatus, message: str) -> None:
    if course.status != status:
        raise ValidationError(message)


# -- side effects -------------------------------------------------------------------------------


def _engage(
    *,
    course: SupervisionCourse,
    families: Iterable[FosterFamily],
    kind: EngagementKind,
    actor: User,
    today: dt.date,
) -> None:
    for family in families:
        record_engagement(
            family=family,
            institution=course.institution,
            kind=kind,
            starts_on=today,
            ends_on=None,
            actor=actor,
            source=engagement_source(course),
        )


def _course_link(course: SupervisionCourse) -> str:
    path = reverse("competence:supervision_detail", args=[course.uuid])
    return settings.SAMSPIL_BASE_URL.rstrip("/") + path


def _mail_on_commit(*, template: str, context: dict[str, Any], recipients: list[User]) -> None:
    """Render one e-mail per recipient now and send them after the transaction commits."""
    messages = []
    for recipient in recipients:
        if not recipient.email:
            continue
        mail_context = {**context, "recipient": recipient}
        messages.append(
            (
                render_to_string(f"competence/email/{template}_subject.txt", mail_context).strip(),
                render_to_string(f"competence/email/{template}_body.txt", mail_context),
                recipient.email,
            )
        )

    def send() -> None:
        for subject, body, address in messages:
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])

    if messages:
        transaction.on_commit(send)


def _tell_consultants(
    course: SupervisionCourse, families: Sequence[FosterFamily], template: str
) -> None:
    """E-mail each family's fixed consultant about the course (once per consultant)."""
    by_consultant: dict[int, tuple[User, list[FosterFamily]]] = {}
    names = {f.pk: f for f in families}
    for assignment in selectors.fixed_consultants([f.pk for f in families]):
        entry = by_consultant.setdefault(assignment.consultant_id, (assignment.consultant, []))
        entry[1].append(names[assignment.family_id])
    for consultant, own_families in by_consultant.values():
        _mail_on_commit(
            template=template,
            context={
                "course": course,
                "family_names": ", ".join(f.name for f in own_families),
                "link": _course_link(course),
            },
            recipients=[consultant],
        )


def _log(
    verb: str,
    *,
    actor: User,
    course: SupervisionCourse,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    log_action(
        f"competence.supervision.{verb}",
        actor=actor,
        obj=course,
        municipality_id=course.municipality_id,
        changes=changes,
        data={"version": course.version, "kind": course.kind, **(data or {})},
    )


# -- opening ----------------------------------------------------------------------------------


def _open(
    *,
    actor: User,
    kind: SupervisionKind,
    families: Sequence[FosterFamily],
    institution: Institution,
    supervisor: User | None,
    values: Mapping[str, Any],
    errors: _Errors,
    today: dt.date,
) -> SupervisionCourse:
    municipality_id = families[0].municipality_id
    course = SupervisionCourse(
        kind=kind,
        status=SupervisionStatus.OPEN,
        municipality_id=municipality_id,
        institution=institution,
        supervisor=supervisor,
        opened_by=actor,
        opened_on=today,
    )
    _apply(course, values, COURSE_FIELDS)
    _check_institution(
        errors, actor=actor, municipality_id=municipality_id, institution=institution, today=today
    )
    _check_supervisor(errors, supervisor=supervisor, institution_id=institution.pk)
    errors.clean(course)
    errors.raise_if_any()
    course.save()
    course.families.set(families)
    _engage(
        course=course,
        families=families,
        kind=EngagementKind.SUPERVISION,
        actor=actor,
        today=today,
    )
    _log(
        "open",
        actor=actor,
        course=course,
        changes=diff({}, snapshot(course, AUDITED_COURSE_FIELDS)),
        data={"families": [str(f.uuid) for f in families]},
    )
    _tell_consultants(course, families, "supervision_opened")
    return course


@transaction.atomic
def open_supervision_course(
    *,
    actor: User,
    family: FosterFamily,
    institution: Institution,
    supervisor: User | None,
    values: Mapping[str, Any],
    today: dt.date | None = None,
) -> SupervisionCourse:
    """Open an individual supervision course for `family`: the problem, the goal set at the
    start, planned sessions × hours, location, whether the consultant takes part (`values`,
    see COURSE_FIELDS). The institution must collaborate with the family's municipality (or be
    one of its consultative institutions) and the supervisor must be one of its specialists.

    Side effects: an engagement of the institution with the family (access), the audit entry
    "competence.supervision.open", and on commit an e-mail with the problem and goal to the
    family's fixed consultant."""
    if not rules.can_open_course(actor, family):
        raise PermissionDeniedError
    errors = _Errors()
    _check_text(errors, values, "problem", _("Describe the problem the course is about."))
    _check_text(errors, values, "goal", _("Set the goal at the start of the course."))
    return _open(
        actor=actor,
        kind=SupervisionKind.INDIVIDUAL,
        families=[family],
        institution=institution,
        supervisor=supervisor,
        values=values,
        errors=errors,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def open_group_course(
    *,
    actor: User,
    families: Sequence[FosterFamily],
    institution: Institution,
    supervisor: User | None,
    values: Mapping[str, Any],
    today: dt.date | None = None,
) -> SupervisionCourse:
    """Open group supervision for several families of one municipality: sessions of 2–3 hours
    at the institution or on municipal premises. Side effects as `open_supervision_course`,
    for every family (audit "competence.supervision.open")."""
    families = list(families)
    if not families:
        raise ValidationError({"families": [_("Choose at least two families.")]})
    for family in families:
        if not rules.can_open_course(actor, family):
            raise PermissionDeniedError
    errors = _Errors()
    if len(families) < 2:
        errors.add("families", _("Choose at least two families."))
    if len({f.municipality_id for f in families}) > 1:
        errors.add("families", _("The families of a group must belong to one municipality."))
    _check_text(errors, values, "title", _("Give the group a title."))
    hours = values.get("session_hours")
    if hours is not None and not GROUP_HOURS[0] <= Decimal(hours) <= GROUP_HOURS[1]:
        errors.add("session_hours", _("Group supervision sessions last 2–3 hours."))
    if values.get("location") not in GROUP_LOCATIONS:
        errors.add(
            "location", _("Group supervision takes place at the institution or municipal premises.")
        )
    return _open(
        actor=actor,
        kind=SupervisionKind.GROUP,
        families=families,
        institution=institution,
        supervisor=supervisor,
        values=values,
        errors=errors,
        today=today or timezone.localdate(),
    )


# -- consultative courses: referral, acceptance, declining ---------------------------------------


@transaction.atomic
def refer_consultative_course(
    *,
    actor: User,
    family: FosterFamily,
    institution: Institution,
    values: Mapping[str, Any],
) -> SupervisionCourse:
    """The consultant refers (visiterer) `family` to a consultative course at one of the
    municipality's selected institutions: a theme, the problem, 4–6 conversations of (by
    default) 2 hours in the home (`values`, see REFERRAL_FIELDS). Status REFERRED: the
    institution gets no access to the family until it accepts.

    Side effect: the audit entry "competence.supervision.refer"."""
    if not rules.can_refer(actor, family):
        raise PermissionDeniedError
    errors = _Errors()
    course = SupervisionCourse(
        kind=SupervisionKind.CONSULTATIVE,
        status=SupervisionStatus.REFERRED,
        municipality_id=family.municipality_id,
        institution=institution,
        opened_by=actor,
        location=SupervisionLocation.HOME,
        session_hours=CONSULTATIVE_HOURS,
    )
    _apply(course, values, REFERRAL_FIELDS)
    if not CompetenceSettings.objects.filter(
        municipality_id=family.municipality_id, consultative_institutions=institution
    ).exists():
        errors.add(
            "institution",
            _("Choose one of the institutions the municipality selected for consultative courses."),
        )
    if values.get("theme") is None:
        errors.add("theme", _("Choose the theme of the course."))
    _check_text(errors, values, "problem", _("Describe the difficulty the family needs help with."))
    planned = values.get("planned_sessions")
    low, high = CONSULTATIVE_SESSIONS
    if planned is None or not low <= int(planned) <= high:
        errors.add("planned_sessions", _("A consultative course has 4–6 conversations."))
    errors.clean(course)
    errors.raise_if_any()
    course.save()
    course.families.set([family])
    _log(
        "refer",
        actor=actor,
        course=course,
        changes=diff({}, snapshot(course, AUDITED_COURSE_FIELDS)),
        data={"families": [str(family.uuid)]},
    )
    return course


@transaction.atomic
def accept_referral(
    *,
    actor: User,
    course: SupervisionCourse,
    supervisor: User | None,
    expected_version: int,
    goal: str = "",
    today: dt.date | None = None,
) -> SupervisionCourse:
    """The institution accepts a referral: a specialist becomes the supervisor and the course
    opens today (optionally with the goal agreed with the family).

    Side effects: an engagement per family (kind REFERRAL), the audit entry
    "competence.supervision.accept", and on commit the opening e-mail to the fixed consultant.
    Raises ConcurrentEditError if the referral changed since `expected_version`."""
    if not rules.can_deliver_course(actor, course):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    _lock(course, expected_version)
    _require_status(
        course, SupervisionStatus.REFERRED, _("This referral has already been answered.")
    )
    errors = _Errors()
    _check_supervisor(errors, supervisor=supervisor, institution_id=course.institution_id)
    errors.raise_if_any()
    before = snapshot(course, AUDITED_COURSE_FIELDS)
    course.status = SupervisionStatus.OPEN
    course.supervisor = supervisor
    course.opened_on = today
    if goal.strip():
        course.goal = goal.strip()
    errors.clean(course)
    errors.raise_if_any()
    course.save(update_fields=["status", "supervisor", "opened_on", "goal", "updated_at"])
    families = list(course.families.all())
    _engage(
        course=course,
        families=families,
        kind=EngagementKind.REFERRAL,
        actor=actor,
        today=today,
    )
    _log(
        "accept",
        actor=actor,
        course=course,
        changes=diff(before, snapshot(course, AUDITED_COURSE_FIELDS)),
    )
    _tell_consultants(course, families, "supervision_opened")
    return course


@transaction.atomic
def decline_referral(
    *,
    actor: User,
    course: SupervisionCourse,
    reason: str,
    expected_version: int,
    today: dt.date | None = None,
) -> SupervisionCourse:
    """The institution declines a referral with a reason (required). Status DECLINED; any
    engagement of the course ends today.

    Side effects: the audit entry "competence.supervision.decline" and on commit an e-mail
    with the reason to the consultant who referred the family."""
    if not rules.can_deliver_course(actor, course):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    _lock(course, expected_version)
    _require_status(
        course, SupervisionStatus.REFERRED, _("This referral has already been answered.")
    )
    if not reason.strip():
        raise ValidationError({"decline_reason": [_("Give the reason for declining.")]})
    course.status = SupervisionStatus.DECLINED
    course.decline_reason = reason.strip()
    course.save(update_fields=["status", "decline_reason", "updated_at"])
    end_engagements(source=engagement_source(course), on=today)
    _log(
        "decline",
        actor=actor,
        course=course,
        changes={
            "status": {"before": SupervisionStatus.REFERRED, "after": course.status},
            "decline_reason": {"before": "", "after": course.decline_reason},
        },
    )
    _mail_on_commit(
        template="supervision_declined",
        context={
            "course": course,
            "family_names": ", ".join(f.name for f in course.families.all()),
            "link": _course_link(course),
        },
        recipients=[course.opened_by],
    )
    return course


# -- the course's life: sessions, extensions, closing ---------------------------------------------


@transaction.atomic
def log_supervision_session(
    *,
    actor: User,
    course: SupervisionCourse,
    values: Mapping[str, Any],
    attended: Iterable[FosterFamily],
    delivered_by: User | None = None,
) -> SupervisionSession:
    """Record one supervision meeting that took place: when, hours, where, who delivered it
    (default: `actor`), which of the course's families attended, whether the consultant was
    there, shared notes (read by the consultant and the family) and private notes (the
    institution only). Refused once all planned sessions are logged (extend first).

    Side effect: the audit entry "competence.supervision.log_session" (without the notes)."""
    if not rules.can_deliver_course(actor, course):
        raise PermissionDeniedError
    # Serialise with closing and other session logs of the course.
    locked = SupervisionCourse.objects.select_for_update().get(pk=course.pk)
    _require_status(
        locked, SupervisionStatus.OPEN, _("Sessions can only be logged on an open course.")
    )
    errors = _Errors()
    if locked.sessions.count() >= locked.planned_sessions:
        errors.add(
            "__all__",
            _("All %(count)d planned sessions are logged. Extend the course to log more.")
            % {"count": locked.planned_sessions},
        )
    delivered_by = delivered_by or actor
    if not selectors.institution_staff(course.institution_id).filter(pk=delivered_by.pk).exists():
        errors.add("delivered_by", _("The session must be delivered by the institution's staff."))
    families = {f.pk: f for f in course.families.all()}
    attended = list(attended)
    if any(f.pk not in families for f in attended):
        errors.add("attended", _("Only families of the course can attend its sessions."))
    session = SupervisionSession(course=course, delivered_by=delivered_by)
    _apply(session, values, SESSION_FIELDS)
    starts_at = values.get("starts_at")
    if starts_at is not None:
        if starts_at > timezone.now():
            errors.add("starts_at", _("A session can be logged once it has taken place."))
        if locked.opened_on and timezone.localdate(starts_at) < locked.opened_on:
            errors.add("starts_at", _("The session cannot be before the course opened."))
    hours = values.get("hours")
    if hours is not None and Decimal(hours) > MAX_SESSION_HOURS:
        errors.add("hours", _("A session lasts at most 8 hours."))
    errors.clean(session)
    errors.raise_if_any()
    session.save()
    session.attended.set(attended)
    log_action(
        "competence.supervision.log_session",
        actor=actor,
        obj=course,
        municipality_id=course.municipality_id,
        data={
            "session": session.uuid,
            "starts_at": session.starts_at,
            "hours": session.hours,
            "location": session.location,
            "delivered_by": delivered_by.get_username(),
            "attended": [str(f.uuid) for f in attended],
            "consultant_present": session.consultant_present,
            "shared_notes": bool(session.shared_notes),
            "private_notes": bool(session.private_notes),
        },
    )
    return session


@transaction.atomic
def extend_course(
    *,
    actor: User,
    course: SupervisionCourse,
    added_sessions: int,
    reason: str,
    expected_version: int,
) -> SupervisionExtension:
    """Add sessions to an open course, with a reason. A consultative course keeps to at most
    6 conversations. Side effect: the audit entry "competence.supervision.extend"."""
    if not rules.can_deliver_course(actor, course):
        raise PermissionDeniedError
    _lock(course, expected_version)
    _require_status(course, SupervisionStatus.OPEN, _("Only an open course can be extended."))
    errors = _Errors()
    if added_sessions < 1:
        errors.add("added_sessions", _("Add at least one session."))
    if not reason.strip():
        errors.add("reason", _("Give the reason for the extension."))
    before = course.planned_sessions
    after = before + added_sessions
    if after > MAX_PLANNED_SESSIONS:
        errors.add("added_sessions", _("A course has at most 52 sessions."))
    if course.kind == SupervisionKind.CONSULTATIVE and after > CONSULTATIVE_SESSIONS[1]:
        errors.add("added_sessions", _("A consultative course has at most 6 conversations."))
    errors.raise_if_any()
    course.planned_sessions = after
    course.save(update_fields=["planned_sessions", "updated_at"])
    extension = SupervisionExtension.objects.create(
        course=course, added_sessions=added_sessions, reason=reason.strip(), by=actor
    )
    _log(
        "extend",
        actor=actor,
        course=course,
        changes={"planned_sessions": {"before": before, "after": after}},
        data={"reason": extension.reason},
    )
    return extension


@transaction.atomic
def close_course(
    *,
    actor: User,
    course: SupervisionCourse,
    goal_rating: int | None,
    closing_summary: str,
    expected_version: int,
    today: dt.date | None = None,
) -> SupervisionCourse:
    """Close an open course with goal attainment (1–5) and a closing summary. The course's
    engagements end today, so the institution's access lasts the municipality's grace period.

    Side effects: the audit entry "competence.supervision.close" and on commit the closing
    summary by e-mail to each family's fixed consultant."""
    if not rules.can_deliver_course(actor, course):
        raise PermissionDeniedError
    today = today or timezone.localdate()
    _lock(course, expected_version)
    _require_status(course, SupervisionStatus.OPEN, _("Only an open course can be closed."))
    errors = _Errors()
    if goal_rating is None:
        errors.add("goal_rating", _("Rate how far the goal was reached (1–5)."))
    if not closing_summary.strip():
        errors.add("closing_summary", _("Write the closing summary."))
    errors.raise_if_any()
    before = snapshot(course, ["status", "goal_rating", "closing_summary", "closed_on"])
    course.status = SupervisionStatus.CLOSED
    course.goal_rating = goal_rating
    course.closing_summary = closing_summary.strip()
    course.closed_on = today
    errors.clean(course)
    errors.raise_if_any()
    course.save(
        update_fields=["status", "goal_rating", "closing_summary", "closed_on", "updated_at"]
    )
    end_engagements(source=engagement_source(course), on=today)
    _log(
        "close",
        actor=actor,
        course=course,
        changes=diff(
            before, snapshot(course, ["status", "goal_rating", "closing_summary", "closed_on"])
        ),
    )
    _tell_consultants(course, list(course.families.all()), "supervision_closed")
    return course
