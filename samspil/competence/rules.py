"""The competence app's one access policy.

Offerings, sessions and catalogues are not personal data: every staff member and every foster
parent may browse published offerings. Enrolments, supervision courses and evaluations are
about families and follow the families policy:

| who                        | enrolments / supervision courses                                   |
|----------------------------|---------------------------------------------------------------------|
| consultant, leader         | those of their municipality's families                              |
| specialist, coordinator    | those their institution delivers (sessions, courses, referrals)     |
| foster parent              | their own family's                                                  |
| case worker                | none here (the child's case is in the families app)                 |
| evaluator, programme officer, administrator | none                                                |

Deny by default; `*_filter` answers the list question, `can_*` the yes/no question.
"""

from __future__ import annotations

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.competence.models import Enrolment, Offering, Session, SupervisionCourse
from samspil.core.types import UserLike
from samspil.families.models import FosterFamily

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)
INSTITUTION = (Role.SPECIALIST, Role.COORDINATOR)


# -- offerings and catalogues -------------------------------------------------------------------


def offering_filter(user: UserLike) -> Q:
    """Published offerings for everyone with a role or a family; drafts for their institution."""
    scope = scope_for(user)
    if not (scope.is_staff_member or scope.is_foster_parent):
        return NOTHING
    q = Q(published=True)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(institution_id__in=institutions)
    return q


def can_create_offering(user: UserLike) -> bool:
    return bool(scope_for(user).institutions(*INSTITUTION))


def can_manage_offering(user: UserLike, offering: Offering) -> bool:
    return offering.institution_id in scope_for(user).institutions(*INSTITUTION)


def can_manage_catalogue(user: UserLike, municipality_id: int) -> bool:
    return municipality_id in scope_for(user).municipalities(Role.LEADER)


def catalogue_municipalities(user: UserLike) -> frozenset[int]:
    """Whose catalogue `user` browses: the own family's municipality, or the staff's."""
    scope = scope_for(user)
    ids = set(scope.municipalities(Role.CONSULTANT, Role.LEADER, Role.CASE_WORKER))
    if scope.foster_family_id is not None:
        ids |= set(
            FosterFamily.objects.filter(pk=scope.foster_family_id).values_list(
                "municipality_id", flat=True
            )
        )
    return frozenset(ids)


# -- enrolments ---------------------------------------------------------------------------------


def enrolment_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(family__municipality_id__in=municipalities)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(session__offering__institution_id__in=institutions)
    if scope.foster_family_id is not None:
        q |= Q(family_id=scope.foster_family_id)
    return q


def can_enrol(user: UserLike, family: FosterFamily) -> bool:
    """The family itself, or its municipality's consultants and leaders."""
    scope = scope_for(user)
    return family.pk == scope.foster_family_id or family.municipality_id in scope.municipalities(
        *MUNICIPAL
    )


def can_cancel(user: UserLike, enrolment: Enrolment) -> bool:
    return can_enrol(user, enrolment.family)


def can_register_attendance(user: UserLike, session: Session) -> bool:
    return session.offering.institution_id in scope_for(user).institutions(*INSTITUTION)


# -- supervision courses -------------------------------------------------------------------------


def supervision_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    institutions = scope.institutions(*INSTITUTION)
    if institutions:
        q |= Q(institution_id__in=institutions)
    if scope.foster_family_id is not None:
        q |= Q(
            pk__in=SupervisionCourse.objects.filter(families=scope.foster_family_id).values("pk")
        )
    return q


def can_open_course(user: UserLike, family: FosterFamily) -> bool:
    """Consultants/leaders of the family's municipality, or a specialist whose institution the
    family may be seen by (see families.rules)."""
    from samspil.families import rules as family_rules

    scope = scope_for(user)
    if family.municipality_id in scope.municipalities(*MUNICIPAL):
        return True
    return bool(scope.institutions(*INSTITUTION)) and family_rules.can_view_family(user, family)


def can_deliver_course(user: UserLike, course: SupervisionCourse) -> bool:
    """The institution's staff log sessions, extend and close."""
    return course.institution_id in scope_for(user).institutions(*INSTITUTION)


def can_refer(user: UserLike, family: FosterFamily) -> bool:
    return family.municipality_id in scope_for(user).municipalities(*MUNICIPAL)


def can_read_private_notes(user: UserLike, course: SupervisionCourse) -> bool:
    return can_deliver_course(user, course)


def can_read_shared_notes(user: UserLike, course: SupervisionCourse) -> bool:
    scope = scope_for(user)
    return (
        can_deliver_course(user, course)
        or course.municipality_id in scope.municipalities(*MUNICIPAL)
        or _is_own_course(user, course)
    )


# Added with the supervision UI: the family reads the shared notes of its own courses.
# Uses prefetched `families` when present, so list pages stay at a constant query count.
def _is_own_course(user: UserLike, course: SupervisionCourse) -> bool:
    family_id = scope_for(user).foster_family_id
    return family_id is not None and any(f.pk == family_id for f in course.families.all())


# -- reports ------------------------------------------------------------------------------------


def report_municipalities(user: UserLike) -> frozenset[int]:
    """Whose aggregates (mandatory gaps, cadence, evaluations) `user` sees: leaders'."""
    return scope_for(user).municipalities(Role.LEADER)


# -- evaluations and training hours (added with issue 3: calendar, evaluations, reports) --------


def can_evaluate(user: UserLike, family: FosterFamily) -> bool:
    """Evaluations are given by the family itself, never by staff on its behalf."""
    return family.pk == scope_for(user).foster_family_id


def training_hours_filter(user: UserLike) -> Q:
    """The families (a filter on FosterFamily) whose training hours `user` may see: consultants
    and leaders of the family's municipality, and the family itself."""
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    if scope.foster_family_id is not None:
        q |= Q(pk=scope.foster_family_id)
    return q


def can_view_training_hours(user: UserLike, family: FosterFamily) -> bool:
    scope = scope_for(user)
    return family.pk == scope.foster_family_id or family.municipality_id in scope.municipalities(
        *MUNICIPAL
    )
