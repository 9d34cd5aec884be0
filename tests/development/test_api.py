"""The development-plan API: the same policy as the UI, 201 on writes, 404 outside scope
(exactly like an unknown id), 403 visible but not allowed, 409 on a stale version, 422 with the
reasons; audited reads; constant query counts on the list."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.development.enums import GoalStatus
from samspil.development.models import DevelopmentPlan, Goal, ProgressNote
from tests import factories
from tests.competence.factories import course_for
from tests.development import factories as f

UNKNOWN = "00000000-0000-4000-8000-000000000000"

# -- reading ------------------------------------------------------------------------------------


def test_list_answers_the_visible_plans_with_their_numbers(world, api) -> None:
    plan = f.plan_for(world)
    f.goal(plan, review_on=f.days(2))
    f.goal(plan, status=GoalStatus.ACHIEVED, review_on=None)
    f.plan_for(world, world.family_b)
    body = api(world.consultant_a, "get", "/development-plans").json()
    item = body["items"][0]
    assert body["count"] == 1
    assert (item["id"], item["family"]["name"], item["goals"], item["open_goals"]) == (
        str(plan.uuid),
        "Familien Andersen",
        2,
        1,
    )
    assert (item["reviews_due"], item["next_review"]) == (1, str(f.days(2)))


def test_list_filtered_by_family_answers_that_family_s_plan(world, api) -> None:
    f.plan_for(world)
    other = f.plan_for(world, world.family_a_other)
    body = api(world.leader_a, "get", f"/development-plans?family={world.family_a_other.uuid}")
    assert [item["id"] for item in body.json()["items"]] == [str(other.uuid)]


def test_list_for_the_foster_parent_answers_their_own_plan_only(world, api) -> None:
    own = f.plan_for(world)
    f.plan_for(world, world.family_a_other)
    body = api(world.foster_parent_a, "get", "/development-plans").json()
    assert [item["id"] for item in body["items"]] == [str(own.uuid)]


def test_list_runs_the_same_queries_for_one_and_three_plans(world, client) -> None:
    f.goal(f.plan_for(world))
    _record, token = create_api_token(user=world.consultant_a, name="test")
    headers = {"Authorization": f"Bearer {token}"}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/development-plans", headers=headers).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first use of the token records when it was used
    one = count()
    extra = factories.FamilyFactory(municipality=world.a, name="Familien Ny")
    factories.assign(extra, world.consultant_a2)
    for family in (world.family_a_other, extra):
        f.goal(f.plan_for(world, family))
    assert count() == one


def test_detail_answers_goals_notes_and_courses_and_is_audited(world, api) -> None:
    plan = f.plan_for(world)
    goal = f.goal(plan, title="Rolige aftener", owner=world.consultant_a)
    f.note(goal, world.foster_parent_a, text="Bedre nu.")
    course = course_for(world, title="Sengetid")
    f.link(goal, course, world.consultant_a)
    response = api(world.foster_parent_a, "get", f"/development-plans/{plan.uuid}")
    body = response.json()
    answered = body["goals"][0]
    assert (response.status_code, body["created_by"], answered["title"]) == (
        200,
        "consultant_a",
        "Rolige aftener",
    )
    assert (answered["owner_kind"], answered["owner"], answered["notes"][0]["text"]) == (
        "person",
        "consultant_a",
        "Bedre nu.",
    )
    assert answered["courses"] == [
        {
            "id": str(course.uuid),
            "title": "Sengetid",
            "kind": "individual",
            "status": "open",
            "institution": "Lindehuset",
        }
    ]
    entry = AuditEntry.objects.get(action="development.plan.read")
    assert (entry.object_uuid, entry.actor, entry.data["channel"]) == (
        plan.uuid,
        world.foster_parent_a,
        "api",
    )


def test_detail_of_an_invisible_plan_answers_404_like_an_unknown_one(world, api) -> None:
    plan = f.plan_for(world, world.family_b)
    invisible = api(world.consultant_a, "get", f"/development-plans/{plan.uuid}")
    unknown = api(world.consultant_a, "get", f"/development-plans/{UNKNOWN}")
    assert (invisible.status_code, invisible.json()) == (unknown.status_code, unknown.json())
    assert invisible.status_code == 404
    assert not AuditEntry.objects.filter(action="development.plan.read").exists()


# -- creating the plan --------------------------------------------------------------------------


def test_create_plan_answers_201_with_the_plan(world, api) -> None:
    response = api(
        world.consultant_a,
        "post",
        "/development-plans",
        {"family": str(world.family_a.uuid), "purpose": "Ro i hverdagen."},
    )
    plan = DevelopmentPlan.objects.get()
    assert (response.status_code, response.json()["id"], response.json()["goals"]) == (
        201,
        str(plan.uuid),
        [],
    )
    assert AuditEntry.objects.get(action="development.plan.create").data["channel"] == "api"


def test_create_plan_for_an_invisible_family_answers_422_like_an_unknown_one(world, api) -> None:
    invisible = api(
        world.consultant_a,
        "post",
        "/development-plans",
        {"family": str(world.family_b.uuid), "purpose": "X"},
    )
    unknown = api(
        world.consultant_a, "post", "/development-plans", {"family": UNKNOWN, "purpose": "X"}
    )
    assert (invisible.status_code, invisible.json()["errors"]) == (
        422,
        {"family": ["No family with this id."]},
    )
    assert invisible.json() == unknown.json()


def test_create_plan_by_the_foster_parent_answers_403(world, api) -> None:
    response = api(
        world.foster_parent_a,
        "post",
        "/development-plans",
        {"family": str(world.family_a.uuid), "purpose": "Vores egen"},
    )
    assert (response.status_code, DevelopmentPlan.objects.count()) == (403, 0)


def test_create_a_second_plan_answers_422(world, api) -> None:
    f.plan_for(world)
    response = api(
        world.consultant_a,
        "post",
        "/development-plans",
        {"family": str(world.family_a.uuid), "purpose": "Igen"},
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"family": ["The family already has a development plan."]},
    )


# -- goals --------------------------------------------------------------------------------------


def test_add_goal_answers_201_with_the_goal(world, api) -> None:
    plan = f.plan_for(world)
    response = api(
        world.consultant_a,
        "post",
        f"/development-plans/{plan.uuid}/goals",
        {"title": "Skolen", "owner": "consultant_a2", "review_on": "2026-12-01"},
    )
    goal = Goal.objects.get()
    assert (response.status_code, response.json()["id"], response.json()["owner"]) == (
        201,
        str(goal.uuid),
        "consultant_a2",
    )
    assert (goal.status, response.json()["notes"], response.json()["courses"]) == (
        GoalStatus.NOT_STARTED,
        [],
        [],
    )


def test_add_open_goal_without_a_review_date_answers_422(world, api) -> None:
    plan = f.plan_for(world)
    response = api(
        world.consultant_a, "post", f"/development-plans/{plan.uuid}/goals", {"title": "Skolen"}
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"review_on": ["Set when the goal is reviewed next."]},
    )


def test_add_goal_with_an_owner_who_may_not_be_responsible_answers_422(world, api) -> None:
    plan = f.plan_for(world)
    for username in ("consultant_b", "nobody"):
        response = api(
            world.consultant_a,
            "post",
            f"/development-plans/{plan.uuid}/goals",
            {"title": "Skolen", "owner": username, "review_on": "2026-12-01"},
        )
        assert (response.status_code, list(response.json()["errors"])) == (422, ["owner"])
    assert Goal.objects.count() == 0


def test_add_goal_to_an_invisible_plan_answers_404(world, api) -> None:
    plan = f.plan_for(world, world.family_b)
    response = api(
        world.consultant_a,
        "post",
        f"/development-plans/{plan.uuid}/goals",
        {"title": "X", "review_on": "2026-12-01"},
    )
    assert (response.status_code, Goal.objects.count()) == (404, 0)


def test_patch_goal_changes_the_fields_sent(world, api) -> None:
    goal = f.goal(f.plan_for(world), title="Gammel", owner=world.consultant_a)
    response = api(
        world.consultant_a,
        "patch",
        f"/development-goals/{goal.uuid}",
        {"version": 1, "title": "Ny", "owner": None},
    )
    goal.refresh_from_db()
    assert (response.status_code, response.json()["version"], response.json()["owner"]) == (
        200,
        2,
        None,
    )
    assert (goal.title, goal.owner_kind, goal.status) == ("Ny", "family", GoalStatus.IN_PROGRESS)


def test_patch_goal_with_a_stale_version_answers_409_with_the_changes(world, api) -> None:
    goal = f.goal(f.plan_for(world))
    api(
        world.consultant_a, "patch", f"/development-goals/{goal.uuid}", {"version": 1, "title": "A"}
    )
    response = api(
        world.leader_a, "patch", f"/development-goals/{goal.uuid}", {"version": 1, "title": "B"}
    )
    body = response.json()
    assert (response.status_code, body["current_version"]) == (409, 2)
    assert (body["changes"][0]["field"], body["changes"][0]["after"]) == ("title", "A")
    assert Goal.objects.get(pk=goal.pk).title == "A"


def test_patch_goal_by_the_foster_parent_answers_403(world, api) -> None:
    goal = f.goal(f.plan_for(world))
    response = api(
        world.foster_parent_a,
        "patch",
        f"/development-goals/{goal.uuid}",
        {"version": 1, "status": "achieved"},
    )
    assert (response.status_code, Goal.objects.get(pk=goal.pk).status) == (
        403,
        GoalStatus.IN_PROGRESS,
    )


def test_patch_goal_by_the_owner_specialist_sets_the_status_but_not_the_title(world, api) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    status = api(
        world.specialist_a,
        "patch",
        f"/development-goals/{goal.uuid}",
        {"version": 1, "status": "paused", "review_on": "2027-01-15"},
    )
    title = api(
        world.specialist_a, "patch", f"/development-goals/{goal.uuid}", {"version": 2, "title": "X"}
    )
    assert (status.status_code, status.json()["status"], title.status_code) == (200, "paused", 403)


def test_patch_goal_of_another_municipality_answers_404(world, api) -> None:
    goal = f.goal(f.plan_for(world, world.family_b))
    response = api(
        world.consultant_a, "patch", f"/development-goals/{goal.uuid}", {"version": 1, "title": "X"}
    )
    assert response.status_code == 404


def test_patch_goal_with_an_unknown_status_answers_422(world, api) -> None:
    goal = f.goal(f.plan_for(world))
    response = api(
        world.consultant_a,
        "patch",
        f"/development-goals/{goal.uuid}",
        {"version": 1, "status": "forgotten"},
    )
    assert response.status_code == 422
    goal.refresh_from_db()
    assert (goal.status != "forgotten", goal.version) == (True, 1)  # nothing saved


# -- notes --------------------------------------------------------------------------------------


def test_add_note_by_the_foster_parent_answers_201(world, api) -> None:
    goal = f.goal(f.plan_for(world))
    response = api(
        world.foster_parent_a,
        "post",
        f"/development-goals/{goal.uuid}/notes",
        {"text": "Vi øver hver aften."},
    )
    note = ProgressNote.objects.get()
    assert (response.status_code, response.json()["id"], response.json()["author"]) == (
        201,
        str(note.uuid),
        "foster_parent_a",
    )


def test_add_empty_note_answers_422(world, api) -> None:
    goal = f.goal(f.plan_for(world))
    response = api(
        world.consultant_a, "post", f"/development-goals/{goal.uuid}/notes", {"text": "   "}
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"text": ["Write the note."]},
    )


def test_add_note_on_an_invisible_goal_answers_404(world, api) -> None:
    goal = f.goal(f.plan_for(world, world.family_a_other))
    response = api(
        world.foster_parent_a, "post", f"/development-goals/{goal.uuid}/notes", {"text": "Hej"}
    )
    assert (response.status_code, ProgressNote.objects.count()) == (404, 0)


def test_add_note_by_an_engaged_specialist_on_a_goal_they_do_not_own_answers_403(
    world, api
) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world))
    response = api(
        world.specialist_a, "post", f"/development-goals/{goal.uuid}/notes", {"text": "Hej"}
    )
    assert (response.status_code, ProgressNote.objects.count()) == (403, 0)
