"""The development-plan pages: what they show to whom, the forms (keeping input on errors and
conflicts), the POST actions, the list with its filters and constant query counts."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.development import selectors
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from tests import factories
from tests.competence.factories import course_for
from tests.development import factories as f


def _plan_url(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("development:plan", args=[world.family_a.uuid])


# -- the plan page ------------------------------------------------------------------------------


def test_plan_page_shows_goals_owner_notes_and_linked_courses(world, login) -> None:
    plan = f.plan_for(world, purpose="Tryghed i hverdagen.")
    goal = f.goal(plan, title="Rolige aftener", owner=world.consultant_a, review_on=f.days(3))
    f.note(goal, world.foster_parent_a, text="Tre gode aftener i træk.")
    f.link(goal, course_for(world, title="Supervision om sengetid"), world.consultant_a)
    response = login(world.consultant_a).get(_plan_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Tryghed i hverdagen.",
        "Rolige aftener",
        world.consultant_a.get_full_name(),
        "Tre gode aftener i træk.",
        "Supervision om sengetid",
        "Lindehuset",
        "Review due soon",
        "Edit the goal",
    ):
        assert text in body
    assert AuditEntry.objects.get(action="development.plan.read").object_uuid == plan.uuid


def test_plan_page_for_the_family_has_the_note_form_but_no_edit_links(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    body = login(world.foster_parent_a).get(_plan_url(world)).content.decode()
    assert reverse("development:goal_note", args=[goal.uuid]) in body
    assert reverse("development:goal_edit", args=[goal.uuid]) not in body
    assert reverse("development:goal_review", args=[goal.uuid]) not in body
    assert "Your consultant writes the plan with you." in body


def test_plan_page_shows_achieved_goals_in_their_own_section(world, login) -> None:
    plan = f.plan_for(world)
    f.goal(plan, title="Nået mål", status=GoalStatus.ACHIEVED, review_on=None)
    response = login(world.consultant_a).get(_plan_url(world))
    body = response.content.decode()
    assert "Achieved and dropped goals" in body
    assert "Every goal of the plan is achieved or dropped." in body


def test_plan_page_without_a_plan_offers_the_consultant_to_create_it(world, login) -> None:
    response = login(world.consultant_a).get(_plan_url(world))
    body = response.content.decode()
    assert (response.status_code, response.context["plan"]) == (200, None)
    assert reverse("development:plan_create", args=[world.family_a.uuid]) in body


def test_plan_page_without_a_plan_tells_the_family_it_comes(world, login) -> None:
    response = login(world.foster_parent_a).get(_plan_url(world))
    body = response.content.decode()
    assert "The family has no development plan yet." in body
    assert reverse("development:plan_create", args=[world.family_a.uuid]) not in body


def test_plan_page_of_an_unknown_family_is_404(world, login) -> None:
    response = login(world.consultant_a).get(
        reverse("development:plan", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert response.status_code == 404


def test_plan_page_runs_the_same_queries_for_one_and_three_goals(world, login) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = f.plan_for(world)
    client = login(world.consultant_a)
    course_for(world, title="Fri til at linke")
    f.note(f.goal(plan), world.consultant_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_plan_url(world)).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _n in range(2):
        goal = f.goal(plan, owner=world.consultant_a)
        f.note(goal, world.foster_parent_a)
        f.link(goal, course_for(world), world.consultant_a)
    assert count() == one


# -- creating and editing the plan --------------------------------------------------------------


def test_create_plan_page_creates_it_and_goes_on_to_the_first_goal(world, login) -> None:
    url = reverse("development:plan_create", args=[world.family_a.uuid])
    response = login(world.consultant_a).post(
        url, {"purpose": "Ro og forudsigelighed.", "agreed_on": "2026-09-30"}
    )
    plan = DevelopmentPlan.objects.get(family=world.family_a)
    assert response.url == reverse("development:goal_create", args=[world.family_a.uuid])
    assert (plan.purpose, str(plan.agreed_on)) == ("Ro og forudsigelighed.", "2026-09-30")


def test_create_plan_page_keeps_the_input_when_it_is_invalid(world, login) -> None:
    url = reverse("development:plan_create", args=[world.family_a.uuid])
    response = login(world.consultant_a).post(url, {"purpose": "", "agreed_on": "2026-09-31"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"purpose", "agreed_on"}
    assert 'value="2026-09-31"' in response.content.decode()
    assert DevelopmentPlan.objects.count() == 0


def test_create_plan_page_when_the_plan_exists_goes_to_the_plan(world, login) -> None:
    f.plan_for(world)
    response = login(world.consultant_a).get(
        reverse("development:plan_create", args=[world.family_a.uuid])
    )
    assert (response.status_code, response.url) == (302, _plan_url(world))


def test_create_plan_page_is_403_for_the_foster_parent(world, login) -> None:
    response = login(world.foster_parent_a).post(
        reverse("development:plan_create", args=[world.family_a.uuid]), {"purpose": "Vores"}
    )
    assert (response.status_code, DevelopmentPlan.objects.count()) == (403, 0)


def test_edit_plan_with_a_stale_version_shows_the_conflict_and_keeps_the_input(
    world, login
) -> None:
    plan = f.plan_for(world)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(version=2)
    response = login(world.consultant_a).post(
        reverse("development:plan_edit", args=[world.family_a.uuid]),
        {"purpose": "Min nye tekst", "agreed_on": "", "version": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record after you opened it." in body
    assert "Min nye tekst" in body
    assert DevelopmentPlan.objects.get(pk=plan.pk).purpose == plan.purpose


def test_edit_plan_page_get_is_audited_as_a_read(world, login) -> None:
    plan = f.plan_for(world)
    login(world.leader_a).get(reverse("development:plan_edit", args=[world.family_a.uuid]))
    reads = AuditEntry.objects.filter(action__startswith="development.")
    assert [(e.action, e.object_uuid) for e in reads] == [("development.plan.read", plan.uuid)]


# -- goals --------------------------------------------------------------------------------------


def _goal_post(**extra: str) -> dict[str, str]:
    return {
        "title": "Samarbejde med skolen",
        "description": "",
        "methods": "Kontaktbog",
        "responsible": "family",
        "status": "not_started",
        "review_on": "2026-12-01",
        **extra,
    }


def test_goal_create_page_offers_the_family_the_consultants_and_engaged_specialists(
    world, login
) -> None:
    factories.engage(world.family_a, world.institution_a)
    f.plan_for(world)
    response = login(world.consultant_a).get(
        reverse("development:goal_create", args=[world.family_a.uuid])
    )
    choices = dict(response.context["form"].fields["responsible"].choices)
    assert choices["family"] == "The foster family"
    assert {str(world.consultant_a.pk), str(world.leader_a.pk), str(world.specialist_a.pk)} <= set(
        choices
    )
    assert str(world.consultant_b.pk) not in choices


def test_goal_create_page_adds_the_goal_with_a_named_owner(world, login) -> None:
    f.plan_for(world)
    response = login(world.consultant_a).post(
        reverse("development:goal_create", args=[world.family_a.uuid]),
        _goal_post(responsible=str(world.consultant_a2.pk)),
    )
    goal = Goal.objects.get()
    assert response.url == f"{_plan_url(world)}#goal-{goal.uuid}"
    assert (goal.title, goal.owner_kind, goal.owner) == (
        "Samarbejde med skolen",
        GoalOwnerKind.PERSON,
        world.consultant_a2,
    )


def test_goal_create_page_save_and_add_another_comes_back_to_the_form(world, login) -> None:
    f.plan_for(world)
    url = reverse("development:goal_create", args=[world.family_a.uuid])
    response = login(world.consultant_a).post(url, _goal_post(another="1"))
    assert (response.url, Goal.objects.count()) == (url, 1)


def test_goal_create_page_without_a_review_date_keeps_the_input(world, login) -> None:
    f.plan_for(world)
    response = login(world.consultant_a).post(
        reverse("development:goal_create", args=[world.family_a.uuid]),
        _goal_post(review_on=""),
    )
    assert response.context["form"].errors == {"review_on": ["Set when the goal is reviewed next."]}
    assert "Samarbejde med skolen" in response.content.decode()
    assert Goal.objects.count() == 0


def test_goal_create_page_without_a_plan_is_404(world, login) -> None:
    response = login(world.consultant_a).get(
        reverse("development:goal_create", args=[world.family_a.uuid])
    )
    assert response.status_code == 404


def test_goal_edit_page_saves_the_changes(world, login) -> None:
    goal = f.goal(f.plan_for(world), title="Gammel titel")
    response = login(world.leader_a).post(
        reverse("development:goal_edit", args=[goal.uuid]),
        _goal_post(title="Ny titel", status="in_progress", version="1"),
    )
    goal.refresh_from_db()
    assert response.status_code == 302
    assert (goal.title, goal.status, goal.version) == ("Ny titel", GoalStatus.IN_PROGRESS, 2)


def test_goal_edit_page_keeps_a_former_owner_as_a_choice(world, login) -> None:
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)  # not engaged any more
    response = login(world.consultant_a).get(reverse("development:goal_edit", args=[goal.uuid]))
    form = response.context["form"]
    assert str(world.specialist_a.pk) in dict(form.fields["responsible"].choices)
    assert form["responsible"].value() == str(world.specialist_a.pk)


def test_goal_edit_page_is_403_for_the_owner_specialist(world, login) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    response = login(world.specialist_a).get(reverse("development:goal_edit", args=[goal.uuid]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="development.goal.read").exists()


# -- reviews, notes, courses ------------------------------------------------------------------


def test_review_post_saves_the_status_date_and_note(world, login) -> None:
    goal = f.goal(f.plan_for(world), review_on=f.days(2))
    response = login(world.consultant_a).post(
        reverse("development:goal_review", args=[goal.uuid]),
        {"version": "1", "status": "achieved", "review_on": "", "note": "Målet er nået."},
    )
    goal.refresh_from_db()
    assert response.url == f"{_plan_url(world)}#goal-{goal.uuid}"
    assert (goal.status, goal.review_on) == (GoalStatus.ACHIEVED, None)
    assert ProgressNote.objects.get(goal=goal).text == "Målet er nået."


def test_review_post_with_a_stale_version_shows_the_conflict_on_the_goal(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    Goal.objects.filter(pk=goal.pk).update(version=3)
    response = login(world.consultant_a).post(
        reverse("development:goal_review", args=[goal.uuid]),
        {"version": "1", "status": "paused", "review_on": "2027-01-01", "note": "Min note"},
    )
    body = response.content.decode()
    assert "Someone else changed this record after you opened it." in body
    assert "Min note" in body
    assert (Goal.objects.get(pk=goal.pk).status, ProgressNote.objects.count()) == (
        GoalStatus.IN_PROGRESS,
        0,
    )


def test_review_post_by_the_foster_parent_is_403(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    response = login(world.foster_parent_a).post(
        reverse("development:goal_review", args=[goal.uuid]),
        {"version": "1", "status": "achieved", "review_on": ""},
    )
    assert (response.status_code, Goal.objects.get(pk=goal.pk).status) == (
        403,
        GoalStatus.IN_PROGRESS,
    )


def test_note_post_by_the_foster_parent_adds_the_note(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    response = login(world.foster_parent_a).post(
        reverse("development:goal_note", args=[goal.uuid]), {"text": "Vi har prøvet det."}
    )
    note = ProgressNote.objects.get()
    assert response.status_code == 302
    assert (note.text, note.author) == ("Vi har prøvet det.", world.foster_parent_a)


def test_note_post_for_a_goal_of_another_family_is_404(world, login) -> None:
    goal = f.goal(f.plan_for(world, world.family_a_other))
    response = login(world.foster_parent_a).post(
        reverse("development:goal_note", args=[goal.uuid]), {"text": "Hej"}
    )
    assert (response.status_code, ProgressNote.objects.count()) == (404, 0)


def test_note_post_empty_shows_the_error_on_the_plan_page(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    response = login(world.foster_parent_a).post(
        reverse("development:goal_note", args=[goal.uuid]), {"text": ""}
    )
    panel = response.context["panels"][0]
    assert (response.status_code, panel["open"], list(panel["note_form"].errors)) == (
        200,
        True,
        ["text"],
    )


def test_link_post_links_the_course_and_unlink_removes_it(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world, title="Forløbet")
    client = login(world.consultant_a)
    client.post(
        reverse("development:goal_link_course", args=[goal.uuid]), {"course": str(course.uuid)}
    )
    linked = list(CourseLink.objects.values_list("goal_id", "course_id"))
    client.post(reverse("development:goal_unlink_course", args=[goal.uuid, course.uuid]))
    assert (linked, CourseLink.objects.count()) == ([(goal.pk, course.pk)], 0)


def test_link_post_of_another_family_s_course_shows_an_error(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    course_for(world, title="Vores")  # a course of the family, so the form is offered
    other = course_for(world, world.family_a_other)
    response = login(world.consultant_a).post(
        reverse("development:goal_link_course", args=[goal.uuid]), {"course": str(other.uuid)}
    )
    assert (response.status_code, CourseLink.objects.count()) == (200, 0)
    assert list(response.context["panels"][0]["link_form"].errors) == ["course"]


def test_unlink_post_by_the_foster_parent_is_403(world, login) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world)
    f.link(goal, course, world.consultant_a)
    response = login(world.foster_parent_a).post(
        reverse("development:goal_unlink_course", args=[goal.uuid, course.uuid])
    )
    assert (response.status_code, CourseLink.objects.count()) == (403, 1)


# -- the list -----------------------------------------------------------------------------------


def test_plan_list_filters_my_families_and_reviews_due(world, login) -> None:
    f.goal(f.plan_for(world), review_on=f.days(2))
    f.goal(f.plan_for(world, world.family_a_other), review_on=f.days(2))
    f.goal(f.plan_for(world, world.family_b), review_on=f.days(2))
    client = login(world.consultant_a)
    url = reverse("development:plan_list")
    everything = client.get(url).context["page"].object_list
    mine = client.get(url, {"mine": "on", "due": "on"}).context["page"].object_list
    assert [p.family.name for p in everything] == ["Familien Andersen", "Familien Østergaard"]
    assert [p.family.name for p in mine] == ["Familien Andersen"]


def test_plan_list_htmx_request_gets_only_the_results(world, login) -> None:
    f.plan_for(world)
    response = login(world.consultant_a).get(
        reverse("development:plan_list"), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Familien Andersen" in body
    assert "<h1>" not in body


def test_plan_list_is_404_for_the_foster_parent(world, login) -> None:
    assert login(world.foster_parent_a).get(reverse("development:plan_list")).status_code == 404


def test_plan_list_runs_the_same_queries_for_one_and_three_plans(
    world, login, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.goal(f.plan_for(world))
    client = login(world.consultant_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("development:plan_list")).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    extra = factories.FamilyFactory(municipality=world.a, name="Familien Ny")
    factories.assign(extra, world.consultant_a2)
    for family in (world.family_a_other, extra):
        f.goal(f.plan_for(world, family))
    assert count() == one
    assert len(client.get(reverse("development:plan_list")).context["page"].object_list) == 3


# -- the start-page panel -----------------------------------------------------------------------


def test_start_panel_lists_the_reviews_with_family_goal_and_date(world) -> None:
    overdue = f.goal(f.plan_for(world), title="Skolen", review_on=f.days(-1))
    html = render_to_string(
        "development/_start_panel.html",
        {"reviews": selectors.reviews_due_for(world.consultant_a)},
    )
    assert "Development plan reviews" in html
    assert f"{_plan_url(world)}#goal-{overdue.uuid}" in html
    assert "Familien Andersen</a> – Skolen" in html
    assert "overdue" in html


def test_start_panel_without_reviews_says_so(world) -> None:
    html = render_to_string("development/_start_panel.html", {"reviews": []})
    assert "No goal of your families' development plans is due for review in the next week." in html
