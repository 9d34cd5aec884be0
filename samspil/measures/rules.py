"""The measures app's one access policy.

Answers and scores are personal data about a child or a foster family, often the most sensitive
in the system (a child's difficulties, a foster parent's well-being). Deny by default:

| who                                   | responses, scores, trends                | measurements, links            | plan, instruments                |
|---------------------------------------|------------------------------------------|--------------------------------|----------------------------------|
| leader of the family's municipality   | all of the municipality's families       | see, create, send, cancel      | edit the plan, configure ratings |
| consultant of that municipality       | all of the municipality's families       | see, create, send, cancel      | see                              |
| the child's case worker               | the child's (read only)                  | see the child's                | –                                |
| foster parent                         | their own family's answers as foster parent (their WHO-5, burden ratings, their own SDQs) | their own family's | – |
| institution staff, evaluator, programme officer | nothing (the evaluator gets a pseudonymised export with the evaluation issue) | – | – |
| (course evaluations)                  | only the family itself; staff see them in aggregate in the competence reports | – | – |
| system administrator                  | nothing                                  | –                              | import licensed item texts       |
| someone holding an answer link        | only the questionnaire of that one measurement, until it is submitted or expires (no account) | – | – |

Instrument definitions (items, options, scoring rules) are not personal data: every signed-in
user and every API token may use the scoring endpoint, which stores nothing. The catalogue (the
instrument pages and `GET /instruments`) is for staff: every staff role sees the shipped
instruments and its own municipalities' configured ones (`instrument_filter`); foster parents
answer questionnaires and do not need it.

Trend pages (`children/<uuid>/measures/`, `families/<uuid>/measures/`) need the child or family
to be visible under the families policy (else 404) and a role that may see answers at all
(`can_see_responses`, else 403); what they show is `response_filter`.
"""

from __future__ import annotations

from django.db.models import Q

from samspil.accounts.enums import Role
from samspil.accounts.scopes import scope_for
from samspil.core.types import UserLike
from samspil.measures.enums import Respondent
from samspil.measures.models import Measurement, Response

NOTHING = Q(pk__in=[])
MUNICIPAL = (Role.CONSULTANT, Role.LEADER)


AGGREGATE_ONLY = ("course-evaluation",)
"""Instrument families staff see only in aggregate (the competence reports), never per family:
a family's evaluation of the course it received is its own."""


def _subject_filter(user: UserLike, instrument_family: str) -> Q:
    scope = scope_for(user)
    staff = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        staff |= Q(family__municipality_id__in=municipalities)
    if scope.has_role(Role.CASE_WORKER) and scope.user_id is not None:
        staff |= Q(child__case_worker_id=scope.user_id)
    if staff != NOTHING:
        staff &= ~Q(**{f"{instrument_family}__in": AGGREGATE_ONLY})
    q = staff
    if scope.foster_family_id is not None:
        q |= Q(family_id=scope.foster_family_id, respondent=Respondent.FOSTER_PARENT)
    return q


def response_filter(user: UserLike) -> Q:
    """The responses `user` may see, as a filter on Response."""
    return _subject_filter(user, "instrument_version__instrument__family")


def score_filter(user: UserLike) -> Q:
    """The same rule as a filter on Score (which carries the response's subject)."""
    return _subject_filter(user, "instrument__family")


def measurement_filter(user: UserLike) -> Q:
    scope = scope_for(user)
    q = NOTHING
    municipalities = scope.municipalities(*MUNICIPAL)
    if municipalities:
        q |= Q(family__municipality_id__in=municipalities)
    if scope.has_role(Role.CASE_WORKER) and scope.user_id is not None:
        q |= Q(child__case_worker_id=scope.user_id)
    if scope.foster_family_id is not None:
        q |= Q(family_id=scope.foster_family_id, respondent=Respondent.FOSTER_PARENT)
    return q


def can_view_response(user: UserLike, response: Response) -> bool:
    return Response.objects.filter(response_filter(user), pk=response.pk).exists()


def can_manage_measurements(user: UserLike, municipality_id: int) -> bool:
    """Create extra measurements, send and revoke answer links, type in paper forms."""
    return municipality_id in scope_for(user).municipalities(*MUNICIPAL)


def can_manage_measurement(user: UserLike, measurement: Measurement) -> bool:
    return can_manage_measurements(user, measurement.family.municipality_id)


def can_edit_plan(user: UserLike, municipality_id: int) -> bool:
    return municipality_id in scope_for(user).municipalities(Role.LEADER)


def plan_municipalities(user: UserLike) -> frozenset[int]:
    """Municipalities whose measurement plan `user` may see."""
    return scope_for(user).municipalities(*MUNICIPAL)


def can_configure_instruments(user: UserLike, municipality_id: int) -> bool:
    return can_edit_plan(user, municipality_id)


def can_import_item_texts(user: UserLike) -> bool:
    scope = scope_for(user)
    return scope.has_role(Role.SYSADMIN) or bool(getattr(user, "is_superuser", False))


def can_use_instruments(user: UserLike) -> bool:
    """Read definitions and score answers: any signed-in user (no personal data)."""
    return bool(getattr(user, "is_authenticated", False))


def can_see_responses(user: UserLike) -> bool:
    """Holds a role for which `response_filter` can be non-empty (the municipality's staff,
    a case worker, a foster parent): the trend pages answer 403 to everyone else who can see
    the child or family (e.g. an engaged institution)."""
    scope = scope_for(user)
    return bool(
        scope.municipalities(*MUNICIPAL)
        or (scope.has_role(Role.CASE_WORKER) and scope.user_id is not None)
        or scope.foster_family_id is not None
    )


def can_read_instruments(user: UserLike) -> bool:
    """The instrument catalogue: any staff role (not personal data), and superusers."""
    return scope_for(user).is_staff_member or bool(getattr(user, "is_superuser", False))


def instrument_filter(user: UserLike) -> Q:
    """The instruments in `user`'s catalogue: the shipped ones and those configured by a
    municipality where `user` holds any role. Nothing for users who may not read it."""
    if not can_read_instruments(user):
        return NOTHING
    scope = scope_for(user)
    own: set[int] = set()
    for ids in scope.municipal.values():
        own |= ids
    return Q(municipality__isnull=True) | Q(municipality_id__in=own)


def configurable_municipalities(user: UserLike) -> frozenset[int]:
    """Municipalities whose own version of a configurable instrument `user` may save."""
    return scope_for(user).municipalities(Role.LEADER)


def can_list_measurements(user: UserLike) -> bool:
    """The measurement list is for whoever may see some measurements by role: consultants and
    leaders, case workers, foster parents (others get 404)."""
    scope = scope_for(user)
    return bool(
        scope.municipalities(*MUNICIPAL)
        or scope.has_role(Role.CASE_WORKER)
        or scope.foster_family_id is not None
    )
