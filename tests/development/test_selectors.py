"""Reads of development plans: the list and its filters, one plan, the consultant's reviews due,
the goals a course works on; constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from samspil.accounts.scopes import scope_for
from samspil.audit.models import AuditEntry
from samspil.development import selectors
from samspil.development.enums import GoalStatus
from samspil.families.models import ConsultantAssignment
from tests import factories
from tests.competence.factories import course_for
from tests.development import factories as f

# -- the list -----------------------------------------------------------------------------------


def test_plans_for_consultant_lists_the_municipality_s_plans_with_their_numbers(world) -> None:
    plan = f.plan_for(world)
    f.goal(plan, review_on=f.days(3))
    f.goal(plan, review_on=f.days(20))
    f.goal(plan, status=GoalStatus.ACHIEVED, review_on=None)
    f.plan_for(world, world.family_a_other)
    f.plan_for(world, world.family_b)
    plans = list(selectors.plans_for(world.consultant_a))
    first = plans[0]
    assert [p.family.name for p in plans] == ["Familien Andersen", "Familien Østergaard"]
    assert (first.goals_total, first.open_goals, first.reviews_due, first.next_review) == (
        3,
        2,
        1,
        f.days(3),
    )
    assert [a.consultant for a in first.family.current_assignment_list] == [world.consultant_a]


def test_plans_for_my_families_keeps_those_i_am_fixed_consultant_of(world) -> None:
    f.plan_for(world)
    f.plan_for(world, world.family_a_other)
    mine = selectors.plans_for(
        world.consultant_a, selectors.PlanFilters(consultant_id=world.consultant_a.pk)
    )
    assert [p.family for p in mine] == [world.family_a]


def test_plans_for_reviews_due_keeps_plans_with_a_review_within_a_week(world) -> None:
    due = f.plan_for(world)
    f.goal(due, review_on=f.days(7))
    later = f.plan_for(world, world.family_a_other)
    f.goal(later, review_on=f.days(8))
    f.goal(later, status=GoalStatus.DROPPED, review_on=f.days(-3))
    plans = selectors.plans_for(world.leader_a, selectors.PlanFilters(due=True))
    assert [p.family for p in plans] == [world.family_a]


def test_plans_for_search_matches_the_family_name(world) -> None:
    f.plan_for(world)
    f.plan_for(world, world.family_a_other)
    plans = selectors.plans_for(world.leader_a, selectors.PlanFilters(search="STERGAARD"))
    assert [p.family for p in plans] == [world.family_a_other]


def test_plans_for_writes_no_audit_entry(world) -> None:
    f.plan_for(world)
    list(selectors.plans_for(world.consultant_a))
    assert AuditEntry.objects.count() == 0


def test_plans_for_runs_the_same_queries_for_one_and_three_plans(
    world, django_assert_num_queries
) -> None:
    def run() -> None:
        for plan in selectors.plans_for(world.consultant_a):
            [a.consultant.username for a in plan.family.current_assignment_list]

    first = f.plan_for(world)
    f.goal(first)
    scope_for(world.consultant_a)  # read once per request
    with django_assert_num_queries(2):
        run()
    extra = factories.FamilyFactory(municipality=world.a, name="Familien Ny")
    factories.assign(extra, world.consultant_a2)
    for family in (world.family_a_other, extra):
        f.goal(f.plan_for(world, family))
    with django_assert_num_queries(2):
        run()


# -- one plan -----------------------------------------------------------------------------------


def test_get_plan_for_writes_the_read_to_the_audit_log(world) -> None:
    plan = f.plan_for(world)
    selectors.get_plan_for(world.consultant_a, plan.uuid)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_uuid, entry.actor, entry.municipality_id) == (
        "development.plan.read",
        plan.uuid,
        world.consultant_a,
        world.a.pk,
    )


def test_get_plan_for_another_municipality_is_404_and_not_audited(world) -> None:
    plan = f.plan_for(world)
    with pytest.raises(Http404):
        selectors.get_plan_for(world.consultant_b, plan.uuid)
    assert AuditEntry.objects.count() == 0


def test_family_plan_for_a_family_without_plan_answers_none_without_audit(world) -> None:
    family, plan = selectors.family_plan_for(world.consultant_a, world.family_a.uuid)
    assert (family, plan, AuditEntry.objects.count()) == (world.family_a, None, 0)


def test_family_plan_for_a_case_worker_is_404_although_they_see_the_family(world) -> None:
    f.plan_for(world)
    with pytest.raises(Http404):
        selectors.family_plan_for(world.case_worker_a, world.family_a.uuid)


def test_plan_detail_shows_goals_in_order_with_notes_newest_first(world) -> None:
    plan = f.plan_for(world)
    second = f.goal(plan, title="Andet", position=2)
    first = f.goal(plan, title="Første", position=1)
    old = f.note(first, world.consultant_a, written_at=f.NOW - dt.timedelta(days=10))
    new = f.note(first, world.foster_parent_a)
    detail = selectors.plan_detail(world.consultant_a, plan)
    assert [view.goal for view in detail.goals] == [first, second]
    assert detail.goals[0].notes == [new, old]


def test_plan_detail_marks_overdue_and_due_soon_goals(world) -> None:
    plan = f.plan_for(world)
    f.goal(plan, review_on=f.days(-1), position=1)
    f.goal(plan, review_on=f.days(5), position=2)
    f.goal(plan, review_on=f.days(30), position=3)
    detail = selectors.plan_detail(world.consultant_a, plan)
    assert [(v.overdue, v.due_soon) for v in detail.goals] == [
        (True, False),
        (False, True),
        (False, False),
    ]


def test_plan_detail_shows_a_specialist_only_their_own_institution_s_courses(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    other_institution = factories.InstitutionFactory(name="Solsikken", municipality=world.a)
    goal = f.goal(f.plan_for(world))
    own = course_for(world, title="Lindehusets forløb")
    other = course_for(world, title="Solsikkens forløb", institution=other_institution)
    f.link(goal, own, world.consultant_a)
    f.link(goal, other, world.consultant_a)
    seen_by_specialist = selectors.plan_detail(world.specialist_a, goal.plan).goals[0].links
    seen_by_consultant = selectors.plan_detail(world.consultant_a, goal.plan).goals[0].links
    assert [link.course for link in seen_by_specialist] == [own]
    assert [link.course for link in seen_by_consultant] == [own, other]


def test_plan_detail_offers_the_family_s_unlinked_courses_to_editors_only(world) -> None:
    goal = f.goal(f.plan_for(world))
    linked = course_for(world, title="Linket")
    free = course_for(world, title="Fri")
    course_for(world, world.family_a_other, title="Andens")
    f.link(goal, linked, world.consultant_a)
    assert selectors.plan_detail(world.consultant_a, goal.plan).linkable == [free]
    assert selectors.plan_detail(world.foster_parent_a, goal.plan).linkable == []


def test_plan_detail_runs_the_same_queries_for_one_and_three_goals(
    world, django_assert_num_queries
) -> None:
    plan = f.plan_for(world)
    first = f.goal(plan)
    f.note(first, world.consultant_a)
    f.link(first, course_for(world), world.consultant_a)
    scope_for(world.consultant_a)  # read once per request
    with django_assert_num_queries(4):
        selectors.plan_detail(world.consultant_a, plan)
    for _n in range(2):
        goal = f.goal(plan, owner=world.consultant_a)
        f.note(goal, world.foster_parent_a)
        f.note(goal, world.consultant_a)
        f.link(goal, course_for(world), world.consultant_a)
    with django_assert_num_queries(4):
        selectors.plan_detail(world.consultant_a, plan)


# -- reviews due on the start page -------------------------------------------------------------


def test_reviews_due_for_lists_due_and_overdue_goals_of_my_families_earliest_first(world) -> None:
    plan = f.plan_for(world)
    soon = f.goal(plan, title="Om en uge", review_on=f.days(7))
    overdue = f.goal(plan, title="For sent", review_on=f.days(-2))
    f.goal(plan, title="Senere", review_on=f.days(8))
    f.goal(plan, title="Nået", status=GoalStatus.ACHIEVED, review_on=f.days(1))
    f.goal(plan, title="Opgivet", status=GoalStatus.DROPPED, review_on=f.days(1))
    paused = f.goal(plan, title="På pause", status=GoalStatus.PAUSED, review_on=f.days(0))
    rows = selectors.reviews_due_for(world.consultant_a)
    assert [(row.goal, row.overdue) for row in rows] == [
        (overdue, True),
        (paused, False),
        (soon, False),
    ]
    assert (rows[0].family.name, rows[0].goal.title, rows[0].goal.review_on) == (
        "Familien Andersen",
        "For sent",
        f.days(-2),
    )


def test_reviews_due_for_leaves_out_families_of_other_consultants(world) -> None:
    f.goal(f.plan_for(world, world.family_a_other), review_on=f.days(1))
    f.goal(f.plan_for(world, world.family_b), review_on=f.days(1))
    assert selectors.reviews_due_for(world.consultant_a) == []
    assert [row.family for row in selectors.reviews_due_for(world.consultant_a2)] == [
        world.family_a_other
    ]


def test_reviews_due_for_leaves_out_a_family_i_no_longer_am_consultant_of(world) -> None:
    f.goal(f.plan_for(world), review_on=f.days(1))
    ConsultantAssignment.objects.filter(family=world.family_a).update(ends_on=f.days(-1))
    factories.assign(world.family_a, world.consultant_a2, starts_on=f.TODAY)
    assert selectors.reviews_due_for(world.consultant_a) == []
    assert len(selectors.reviews_due_for(world.consultant_a2)) == 1


def test_reviews_due_for_takes_today_as_a_parameter(world) -> None:
    f.goal(f.plan_for(world), review_on=f.days(20))
    assert selectors.reviews_due_for(world.consultant_a, today=f.days(14)) != []
    assert selectors.reviews_due_for(world.consultant_a) == []


@pytest.mark.parametrize("persona", ["foster_parent_a", "specialist_a", "evaluator"])
def test_reviews_due_for_someone_without_a_municipal_role_is_empty_without_query(
    world, persona, django_assert_num_queries
) -> None:
    f.goal(f.plan_for(world), review_on=f.days(1))
    user = getattr(world, persona)
    selectors.reviews_due_for(user)  # the scope is read once per user
    with django_assert_num_queries(0):
        assert selectors.reviews_due_for(user) == []


def test_reviews_due_for_runs_one_query_for_one_and_three_goals(
    world, django_assert_num_queries
) -> None:
    plan = f.plan_for(world)
    f.goal(plan, review_on=f.days(1))
    selectors.reviews_due_for(world.consultant_a)  # the scope
    with django_assert_num_queries(1):
        rows = selectors.reviews_due_for(world.consultant_a)
        [(row.family.name, row.goal.title) for row in rows]
    extra = factories.FamilyFactory(municipality=world.a, name="Familien Ny")
    factories.assign(extra, world.consultant_a)
    f.goal(plan, review_on=f.days(2))
    f.goal(f.plan_for(world, extra), review_on=f.days(3))
    with django_assert_num_queries(1):
        rows = selectors.reviews_due_for(world.consultant_a)
        assert [(row.family.name, row.goal.title) for row in rows][2][0] == "Familien Ny"


# -- the course page --------------------------------------------------------------------------


def test_goal_links_for_course_lists_the_goals_the_user_may_see(world) -> None:
    course = course_for(world)
    course.families.add(world.family_a_other)
    goal_a = f.goal(f.plan_for(world), title="Andersens mål")
    goal_other = f.goal(f.plan_for(world, world.family_a_other), title="Østergaards mål")
    f.link(goal_a, course, world.consultant_a)
    f.link(goal_other, course, world.consultant_a)
    by_consultant = selectors.goal_links_for_course(world.consultant_a, course)
    by_parent = selectors.goal_links_for_course(world.foster_parent_a, course)
    assert [link.goal for link in by_consultant] == [goal_a, goal_other]
    assert [link.goal for link in by_parent] == [goal_a]
