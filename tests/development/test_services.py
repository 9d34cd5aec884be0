"""Writes of development plans: who may do what, validation, versions and the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samspil.accounts.enums import Role
from samspil.audit.models import AuditEntry
from samspil.competence.enums import SupervisionKind, SupervisionStatus
from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.development import services
from samspil.development.enums import GoalOwnerKind, GoalStatus
from samspil.development.models import CourseLink, DevelopmentPlan, Goal, ProgressNote
from tests import factories
from tests.competence.factories import course_for
from tests.development import factories as f


def _values(**extra: object) -> dict[str, object]:
    return {
        "title": "Samarbejde med skolen",
        "description": "Skolen og familien taler sammen hver uge.",
        "methods": "Kontaktbog; møde med lærer hver måned.",
        "owner_kind": GoalOwnerKind.FAMILY,
        "owner": None,
        "status": GoalStatus.NOT_STARTED,
        "review_on": f.days(60),
        **extra,
    }


# -- the plan -----------------------------------------------------------------------------------


def test_create_plan_by_the_consultant_saves_it_and_writes_the_audit_entry(world) -> None:
    plan = services.create_plan(
        actor=world.consultant_a, family=world.family_a, purpose="  Ro i hverdagen.  "
    )
    entry = AuditEntry.objects.get(action="development.plan.create")
    assert (plan.purpose, plan.created_by, plan.version) == (
        "Ro i hverdagen.",
        world.consultant_a,
        1,
    )
    assert (entry.object_uuid, entry.municipality_id, entry.data["family"]) == (
        plan.uuid,
        world.a.pk,
        str(world.family_a.uuid),
    )


@pytest.mark.parametrize("persona", ["foster_parent_a", "case_worker_a", "consultant_b"])
def test_create_plan_by_someone_outside_the_municipality_staff_is_refused(world, persona) -> None:
    with pytest.raises(PermissionDeniedError):
        services.create_plan(
            actor=getattr(world, persona), family=world.family_a, purpose="Ro i hverdagen."
        )
    assert DevelopmentPlan.objects.count() == 0


def test_create_plan_for_a_family_with_a_plan_answers_a_validation_error(world) -> None:
    f.plan_for(world)
    with pytest.raises(ValidationError) as error:
        services.create_plan(actor=world.leader_a, family=world.family_a, purpose="Igen.")
    assert error.value.message_dict == {"family": ["The family already has a development plan."]}


def test_create_plan_without_a_purpose_answers_a_validation_error(world) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_plan(actor=world.consultant_a, family=world.family_a, purpose="   ")
    assert list(error.value.message_dict) == ["purpose"]


def test_update_plan_with_a_stale_version_is_refused_with_the_changes(world) -> None:
    plan = f.plan_for(world)
    services.update_plan(
        actor=world.consultant_a, plan=plan, values={"purpose": "Ny tekst"}, expected_version=1
    )
    stale = DevelopmentPlan.objects.get(pk=plan.pk)
    with pytest.raises(ConcurrentEditError) as error:
        services.update_plan(
            actor=world.leader_a, plan=stale, values={"purpose": "Anden"}, expected_version=1
        )
    assert (error.value.current_version, error.value.changes[0].after) == (2, "Ny tekst")
    assert DevelopmentPlan.objects.get(pk=plan.pk).purpose == "Ny tekst"


# -- goals --------------------------------------------------------------------------------------


def test_add_goal_puts_it_last_and_writes_the_audit_entry(world) -> None:
    plan = f.plan_for(world)
    first = services.add_goal(actor=world.consultant_a, plan=plan, values=_values(title="Et"))
    second = services.add_goal(actor=world.consultant_a, plan=plan, values=_values(title="To"))
    assert (first.position, second.position) == (0, 1)
    assert list(plan.goals.values_list("title", flat=True)) == ["Et", "To"]
    entry = AuditEntry.objects.filter(action="development.goal.create").latest("id")
    assert (entry.object_uuid, entry.changes["title"]["after"], entry.data["version"]) == (
        second.uuid,
        "To",
        1,
    )


def test_add_open_goal_without_a_review_date_answers_a_validation_error(world) -> None:
    plan = f.plan_for(world)
    with pytest.raises(ValidationError) as error:
        services.add_goal(actor=world.consultant_a, plan=plan, values=_values(review_on=None))
    assert error.value.message_dict == {"review_on": ["Set when the goal is reviewed next."]}


def test_add_achieved_goal_needs_no_review_date(world) -> None:
    plan = f.plan_for(world)
    goal = services.add_goal(
        actor=world.consultant_a,
        plan=plan,
        values=_values(status=GoalStatus.ACHIEVED, review_on=None),
    )
    assert (goal.status, goal.review_on) == (GoalStatus.ACHIEVED, None)


def test_add_goal_owned_by_an_engaged_specialist_is_accepted(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    plan = f.plan_for(world)
    goal = services.add_goal(
        actor=world.consultant_a,
        plan=plan,
        values=_values(owner_kind=GoalOwnerKind.PERSON, owner=world.specialist_a),
    )
    assert (goal.owner_kind, goal.owner) == (GoalOwnerKind.PERSON, world.specialist_a)


def test_add_goal_owned_by_a_specialist_not_engaged_is_refused(world) -> None:
    plan = f.plan_for(world)
    with pytest.raises(ValidationError) as error:
        services.add_goal(
            actor=world.consultant_a,
            plan=plan,
            values=_values(owner_kind=GoalOwnerKind.PERSON, owner=world.specialist_a),
        )
    assert list(error.value.message_dict) == ["owner"]


def test_add_goal_owned_by_another_municipality_s_consultant_is_refused(world) -> None:
    plan = f.plan_for(world)
    with pytest.raises(ValidationError):
        services.add_goal(
            actor=world.consultant_a,
            plan=plan,
            values=_values(owner_kind=GoalOwnerKind.PERSON, owner=world.consultant_b),
        )
    assert plan.goals.count() == 0


def test_add_goal_by_the_foster_parent_is_refused(world) -> None:
    plan = f.plan_for(world)
    with pytest.raises(PermissionDeniedError):
        services.add_goal(actor=world.foster_parent_a, plan=plan, values=_values())


def test_update_goal_by_the_leader_changes_the_fields_and_bumps_the_version(world) -> None:
    goal = f.goal(f.plan_for(world))
    services.update_goal(
        actor=world.leader_a,
        goal=goal,
        values={"title": "Nyt mål", "owner_kind": GoalOwnerKind.PERSON, "owner": world.leader_a},
        expected_version=1,
    )
    goal.refresh_from_db()
    entry = AuditEntry.objects.get(action="development.goal.update")
    assert (goal.title, goal.owner, goal.version) == ("Nyt mål", world.leader_a, 2)
    assert (entry.changes["title"]["after"], entry.data["version"]) == ("Nyt mål", 2)


def test_update_goal_keeps_an_owner_whose_engagement_ended(world) -> None:
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)  # no engagement now
    services.update_goal(
        actor=world.consultant_a,
        goal=goal,
        values={"title": "Omformuleret", "owner": world.specialist_a},
        expected_version=1,
    )
    goal.refresh_from_db()
    assert (goal.title, goal.owner) == ("Omformuleret", world.specialist_a)


def test_update_goal_with_a_stale_version_is_refused(world) -> None:
    goal = f.goal(f.plan_for(world))
    services.update_goal(
        actor=world.consultant_a, goal=goal, values={"title": "A"}, expected_version=1
    )
    with pytest.raises(ConcurrentEditError) as error:
        services.update_goal(
            actor=world.consultant_a,
            goal=Goal.objects.get(pk=goal.pk),
            values={"title": "B"},
            expected_version=1,
        )
    assert (error.value.current_version, Goal.objects.get(pk=goal.pk).title) == (2, "A")


def test_goal_owner_specialist_may_set_status_and_review_date(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    services.update_goal(
        actor=world.specialist_a,
        goal=goal,
        values={"status": GoalStatus.PAUSED, "review_on": f.days(90)},
        expected_version=1,
    )
    goal.refresh_from_db()
    assert (goal.status, goal.review_on) == (GoalStatus.PAUSED, f.days(90))


def test_goal_owner_specialist_may_not_change_the_title(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a, title="Oprindeligt")
    with pytest.raises(PermissionDeniedError):
        services.update_goal(
            actor=world.specialist_a, goal=goal, values={"title": "Nyt"}, expected_version=1
        )
    assert Goal.objects.get(pk=goal.pk).title == "Oprindeligt"


def test_engaged_specialist_may_not_review_a_goal_of_someone_else(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.consultant_a)
    with pytest.raises(PermissionDeniedError):
        services.update_goal(
            actor=world.specialist_a,
            goal=goal,
            values={"status": GoalStatus.ACHIEVED},
            expected_version=1,
        )


def test_review_goal_saves_status_date_and_note_in_one_go(world) -> None:
    goal = f.goal(f.plan_for(world), review_on=f.days(2))
    services.review_goal(
        actor=world.consultant_a,
        goal=goal,
        status=GoalStatus.IN_PROGRESS,
        review_on=f.days(92),
        note="Gennemgået med familien.",
        expected_version=1,
    )
    goal.refresh_from_db()
    note = ProgressNote.objects.get(goal=goal)
    actions = list(
        AuditEntry.objects.filter(object_uuid=goal.uuid)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert (goal.review_on, goal.version, note.text, note.author) == (
        f.days(92),
        2,
        "Gennemgået med familien.",
        world.consultant_a,
    )
    assert actions == ["development.goal.update", "development.goal.note"]


# -- progress notes -----------------------------------------------------------------------------


def test_foster_parent_adds_a_progress_note_and_the_audit_entry_has_no_text(world) -> None:
    goal = f.goal(f.plan_for(world))
    note = services.add_progress_note(
        actor=world.foster_parent_a, goal=goal, text=" Hemmelig tekst om barnet "
    )
    entry = AuditEntry.objects.get(action="development.goal.note")
    assert (note.text, note.author) == ("Hemmelig tekst om barnet", world.foster_parent_a)
    assert entry.data == {"note": str(note.uuid), "channel": "cli"}
    assert "Hemmelig" not in str(entry.changes) + str(entry.data)


def test_foster_parent_of_another_family_may_not_add_a_note(world) -> None:
    other_parent = factories.UserFactory(username="other_parent")
    factories.ParentFactory(family=world.family_a_other, user=other_parent)
    goal = f.goal(f.plan_for(world))
    with pytest.raises(PermissionDeniedError):
        services.add_progress_note(actor=other_parent, goal=goal, text="Hej")


def test_engaged_specialist_adds_a_note_to_a_goal_they_own(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    note = services.add_progress_note(actor=world.specialist_a, goal=goal, text="Session 2.")
    assert note.goal == goal


def test_engaged_specialist_may_not_note_on_a_goal_they_do_not_own(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world))
    with pytest.raises(PermissionDeniedError):
        services.add_progress_note(actor=world.specialist_a, goal=goal, text="Session 2.")


def test_owner_specialist_after_the_engagement_ran_out_may_not_note(world) -> None:
    factories.engage(
        world.family_a, world.institution_a, ends_on=f.days(-60)
    )  # access until 30 days ago
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    with pytest.raises(PermissionDeniedError):
        services.add_progress_note(actor=world.specialist_a, goal=goal, text="For sent.")


def test_empty_progress_note_answers_a_validation_error(world) -> None:
    goal = f.goal(f.plan_for(world))
    with pytest.raises(ValidationError) as error:
        services.add_progress_note(actor=world.consultant_a, goal=goal, text="  ")
    assert error.value.message_dict == {"text": ["Write the note."]}


# -- supervision courses ------------------------------------------------------------------------


def test_link_course_of_the_family_records_it_and_writes_the_audit_entry(world) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world)
    link = services.link_course(actor=world.consultant_a, goal=goal, course=course)
    entry = AuditEntry.objects.get(action="development.goal.link_course")
    assert (link.plan, link.goal, link.course) == (goal.plan, goal, course)
    assert (entry.object_uuid, entry.data["course"]) == (goal.uuid, str(course.uuid))


def test_link_course_of_another_family_is_refused(world) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world, world.family_a_other)
    with pytest.raises(ValidationError) as error:
        services.link_course(actor=world.consultant_a, goal=goal, course=course)
    assert error.value.message_dict == {
        "course": ["Choose one of the family's supervision courses."]
    }


def test_link_declined_course_is_refused(world) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world, status=SupervisionStatus.DECLINED, kind=SupervisionKind.CONSULTATIVE)
    with pytest.raises(ValidationError):
        services.link_course(actor=world.consultant_a, goal=goal, course=course)
    assert CourseLink.objects.count() == 0


def test_a_course_works_on_one_goal_of_a_plan_only(world) -> None:
    plan = f.plan_for(world)
    first, second = f.goal(plan), f.goal(plan)
    course = course_for(world)
    services.link_course(actor=world.consultant_a, goal=first, course=course)
    with pytest.raises(ValidationError) as error:
        services.link_course(actor=world.consultant_a, goal=second, course=course)
    assert list(error.value.message_dict) == ["course"]


def test_a_group_course_works_on_a_goal_in_each_family_s_plan(world) -> None:
    course = course_for(world, kind=SupervisionKind.GROUP)
    course.families.add(world.family_a_other)
    goal_a = f.goal(f.plan_for(world))
    goal_other = f.goal(f.plan_for(world, world.family_a_other))
    services.link_course(actor=world.consultant_a, goal=goal_a, course=course)
    services.link_course(actor=world.consultant_a, goal=goal_other, course=course)
    assert CourseLink.objects.filter(course=course).count() == 2


def test_link_course_by_the_supervising_specialist_is_refused(world) -> None:
    factories.engage(world.family_a, world.institution_a)
    goal = f.goal(f.plan_for(world), owner=world.specialist_a)
    with pytest.raises(PermissionDeniedError):
        services.link_course(actor=world.specialist_a, goal=goal, course=course_for(world))


def test_unlink_course_deletes_the_link_only(world) -> None:
    goal = f.goal(f.plan_for(world))
    course = course_for(world)
    link = f.link(goal, course, world.consultant_a)
    services.unlink_course(actor=world.leader_a, link=link)
    entry = AuditEntry.objects.get(action="development.goal.unlink_course")
    assert (CourseLink.objects.count(), course.__class__.objects.filter(pk=course.pk).exists()) == (
        0,
        True,
    )
    assert entry.data["course"] == str(course.uuid)


def test_a_coordinator_of_an_engaged_institution_may_own_a_goal(world) -> None:
    coordinator = factories.staff(Role.COORDINATOR, institution=world.institution_a)
    factories.engage(world.family_a, world.institution_a)
    goal = services.add_goal(
        actor=world.consultant_a,
        plan=f.plan_for(world),
        values=_values(owner_kind=GoalOwnerKind.PERSON, owner=coordinator),
    )
    assert goal.owner == coordinator
