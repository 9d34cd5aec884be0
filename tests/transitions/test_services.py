"""The transitions services: creating (the engagement, the plan copied from the template, the
involvement record), statuses and the engagement's end, dates, steps, the template, meetings,
involvement and advice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samspil.core.concurrency import ConcurrentEditError
from samspil.core.exceptions import PermissionDeniedError
from samspil.families.models import Engagement
from samspil.transitions.default_plan import DEFAULT_STEPS, StepSpec
from samspil.transitions.enums import (
    AdviceKind,
    InvolvementMethod,
    Party,
    Phase,
    TransitionStatus,
)
from samspil.transitions.models import ChildInvolvement, DischargePlanTemplate, PlanStep
from samspil.transitions.selectors.transitions import involvement_of
from samspil.transitions.services import advice as advice_services
from samspil.transitions.services import plans as plan_services
from samspil.transitions.services import transitions as services
from samspil.transitions.services.transitions import ENGAGEMENT_KIND
from tests import factories
from tests.transitions.factories import (
    advice_for,
    child_at_institution,
    complete,
    meeting_for,
    move,
    reload,
    step_of,
    transition_for,
)

TODAY = timezone.localdate()


def _steps(transition) -> list[PlanStep]:  # type: ignore[no-untyped-def]
    return list(PlanStep.objects.filter(plan__transition=transition).order_by("position"))


# -- creating ---------------------------------------------------------------------------------


def test_create_transition_engages_the_institution_with_the_family_from_today(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    engagement = Engagement.objects.get(source=f"transitions.transition:{transition.uuid}")
    assert (
        engagement.pk,
        engagement.family,
        engagement.institution,
        engagement.kind,
        engagement.starts_on,
        engagement.ends_on,
        engagement.access_until,
    ) == (
        transition.engagement_id,
        world.family_a,
        world.institution_a,
        ENGAGEMENT_KIND,
        TODAY,
        None,
        None,
    )


def test_create_transition_copies_the_default_plan_with_due_dates_from_the_moving_day(
    world,
) -> None:  # type: ignore[no-untyped-def]
    move_day = TODAY + dt.timedelta(days=50)
    transition = transition_for(world, planned_move_on=move_day)
    steps = _steps(transition)
    assert [(s.phase, s.text, s.responsible) for s in steps] == [
        (spec.phase, str(spec.text), spec.responsible) for spec in DEFAULT_STEPS
    ]
    assert steps[0].due_on == move_day + dt.timedelta(days=DEFAULT_STEPS[0].offset_days or 0)
    assert transition.plan.template_version is None


def test_create_transition_uses_the_municipalitys_own_template(world) -> None:  # type: ignore[no-untyped-def]
    plan_services.save_template(
        actor=world.leader_a,
        municipality=world.a,
        steps=[
            StepSpec(Phase.AFTER, "Review", Party.CONSULTANT, 30),
            StepSpec(Phase.BEFORE, "Visit", Party.FOSTER_FAMILY, -7),
        ],
        expected_version=0,
    )
    transition = transition_for(world)
    assert [(s.phase, s.text) for s in _steps(transition)] == [
        (Phase.BEFORE, "Visit"),
        (Phase.AFTER, "Review"),
    ]
    assert transition.plan.template_version == 1


def test_create_transition_makes_the_involvement_record_and_audits(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.audit.models import AuditEntry

    transition = transition_for(world)
    entry = AuditEntry.objects.get(action="transitions.transition.create")
    assert ChildInvolvement.objects.filter(transition=transition).count() == 1
    assert (entry.object_uuid, entry.municipality_id, entry.data["child"]) == (
        transition.uuid,
        world.a.pk,
        str(transition.child.uuid),
    )
    assert "Internal" not in str(entry.data) + str(entry.changes)


def test_create_transition_refuses_a_second_open_transition_of_the_child(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(ValidationError) as error:
        transition_for(world, child=transition.child, family=world.family_a_other)
    assert "already has an open transition" in str(error.value.message_dict["child"])


def test_create_transition_allows_a_new_one_after_cancelling(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    services.change_status(
        actor=world.consultant_a,
        transition=transition,
        status=TransitionStatus.CANCELLED,
        reason="The family withdrew.",
        expected_version=transition.version,
    )
    second = transition_for(world, child=transition.child, family=world.family_a_other)
    assert second.status == TransitionStatus.PLANNING


def test_create_transition_by_another_municipality_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        transition_for(world, actor=world.consultant_b)


def test_create_transition_by_a_specialist_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        transition_for(world, actor=world.specialist_a)


def test_create_transition_refuses_a_consultant_of_another_municipality(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.transitions.services.transitions import create_transition

    with pytest.raises(ValidationError) as error:
        create_transition(
            actor=world.consultant_a,
            child=child_at_institution(world),
            institution=world.institution_a,
            family=world.family_a,
            consultant=world.consultant_b,
        )
    assert list(error.value.message_dict) == ["consultant"]


# -- statuses and the engagement -----------------------------------------------------------------


def test_completing_ends_the_engagement_with_the_grace_period(world) -> None:  # type: ignore[no-untyped-def]
    started = transition_for(world, today=TODAY - dt.timedelta(days=90))
    transition = move(world, started, on=TODAY - dt.timedelta(days=60))
    completed = complete(world, transition, on=TODAY - dt.timedelta(days=5))
    engagement = Engagement.objects.get(pk=completed.engagement_id)
    assert (completed.status, completed.completed_on) == (
        TransitionStatus.COMPLETED,
        TODAY - dt.timedelta(days=5),
    )
    assert (engagement.ends_on, engagement.access_until) == (
        TODAY - dt.timedelta(days=5),
        TODAY + dt.timedelta(days=25),
    )


def test_cancelling_ends_the_engagement_today_and_needs_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(ValidationError) as error:
        services.change_status(
            actor=world.consultant_a,
            transition=transition,
            status=TransitionStatus.CANCELLED,
            expected_version=transition.version,
        )
    assert list(error.value.message_dict) == ["reason"]
    services.change_status(
        actor=world.consultant_a,
        transition=transition,
        status=TransitionStatus.CANCELLED,
        reason="Match did not work.",
        expected_version=transition.version,
    )
    assert Engagement.objects.get(pk=transition.engagement_id).ends_on == TODAY


def test_moving_records_the_moving_day(world) -> None:  # type: ignore[no-untyped-def]
    transition = move(world, transition_for(world), on=TODAY - dt.timedelta(days=2))
    assert (transition.status, transition.moved_on) == (
        TransitionStatus.AFTER_MOVE,
        TODAY - dt.timedelta(days=2),
    )


def test_completing_from_planning_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(ValidationError) as error:
        services.change_status(
            actor=world.consultant_a,
            transition=transition,
            status=TransitionStatus.COMPLETED,
            expected_version=transition.version,
        )
    assert list(error.value.message_dict) == ["status"]


def test_a_closed_transition_cannot_change_status(world) -> None:  # type: ignore[no-untyped-def]
    transition = complete(world, move(world, transition_for(world), on=TODAY), on=TODAY)
    with pytest.raises(ValidationError):
        services.change_status(
            actor=world.consultant_a,
            transition=transition,
            status=TransitionStatus.CANCELLED,
            reason="x",
            expected_version=transition.version,
        )


def test_change_status_with_a_stale_version_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    stale = transition.version
    move(world, transition)
    with pytest.raises(ConcurrentEditError):
        services.change_status(
            actor=world.consultant_a,
            transition=reload(transition),
            status=TransitionStatus.COMPLETED,
            expected_version=stale,
        )


# -- editing -------------------------------------------------------------------------------------


def test_a_new_planned_moving_day_moves_the_due_dates_of_open_steps_only(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world, planned_move_on=TODAY + dt.timedelta(days=60))
    first, second = _steps(transition)[:2]
    plan_services.set_step_done(
        actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
    )
    services.update_transition(
        actor=world.consultant_a,
        transition=transition,
        values={"planned_move_on": TODAY + dt.timedelta(days=70)},
        expected_version=transition.version,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.due_on == TODAY + dt.timedelta(days=60 + (DEFAULT_STEPS[0].offset_days or 0))
    assert second.due_on == TODAY + dt.timedelta(days=70 + (DEFAULT_STEPS[1].offset_days or 0))


def test_update_transition_audits_that_the_notes_changed_without_the_text(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.audit.models import AuditEntry

    transition = transition_for(world)
    services.update_transition(
        actor=world.consultant_a,
        transition=transition,
        values={"internal_notes": "Secret new note"},
        expected_version=transition.version,
    )
    entry = AuditEntry.objects.get(action="transitions.transition.update")
    assert entry.changes == {"internal_notes": {"before": "…", "after": "…"}}


def test_update_transition_by_the_case_worker_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(PermissionDeniedError):
        services.update_transition(
            actor=world.case_worker_a,
            transition=transition,
            values={"internal_notes": "x"},
            expected_version=transition.version,
        )


# -- the plan and the template ---------------------------------------------------------------------


def test_template_edit_does_not_change_existing_plans(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    before = [(s.phase, s.text) for s in _steps(transition)]
    plan_services.save_template(
        actor=world.leader_a,
        municipality=world.a,
        steps=[StepSpec(Phase.DURING, "Only this", Party.INSTITUTION, 0)],
        expected_version=0,
    )
    assert [(s.phase, s.text) for s in _steps(transition)] == before
    newer = transition_for(world, child=child_at_institution(world, first_name="Karl"))
    assert [s.text for s in _steps(newer)] == ["Only this"]


def test_save_template_by_a_consultant_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError):
        plan_services.save_template(
            actor=world.consultant_a,
            municipality=world.a,
            steps=[StepSpec(Phase.DURING, "x", Party.INSTITUTION, 0)],
            expected_version=0,
        )


def test_save_template_with_a_stale_version_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    steps = [StepSpec(Phase.DURING, "x", Party.INSTITUTION, 0)]
    plan_services.save_template(
        actor=world.leader_a, municipality=world.a, steps=steps, expected_version=0
    )
    plan_services.save_template(
        actor=world.leader_a, municipality=world.a, steps=steps, expected_version=1
    )
    with pytest.raises(ConcurrentEditError) as error:
        plan_services.save_template(
            actor=world.leader_a, municipality=world.a, steps=steps, expected_version=1
        )
    assert error.value.current_version == 2


def test_save_template_without_steps_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        plan_services.save_template(
            actor=world.leader_a, municipality=world.a, steps=[], expected_version=0
        )
    assert list(error.value.message_dict) == ["steps"]


def test_reset_template_brings_back_the_default(world) -> None:  # type: ignore[no-untyped-def]
    plan_services.save_template(
        actor=world.leader_a,
        municipality=world.a,
        steps=[StepSpec(Phase.DURING, "x", Party.INSTITUTION, 0)],
        expected_version=0,
    )
    plan_services.reset_template(actor=world.leader_a, municipality=world.a, expected_version=1)
    assert DischargePlanTemplate.objects.filter(municipality=world.a).exists() is False
    assert len(_steps(transition_for(world))) == len(DEFAULT_STEPS)


def test_add_step_goes_after_the_phases_other_steps(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    step = plan_services.add_step(
        actor=world.consultant_a,
        transition=transition,
        values={
            "phase": Phase.DURING,
            "text": "Bring the bike",
            "responsible": Party.FOSTER_FAMILY,
        },
    )
    phases = [s.phase for s in _steps(transition)]
    texts = [s.text for s in _steps(transition)]
    assert phases == sorted(phases, key=[Phase.BEFORE, Phase.DURING, Phase.AFTER].index)
    assert texts.index("Bring the bike") == phases.index(Phase.AFTER) - 1
    assert step.version == 1


def test_tick_step_records_who_and_when(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    step = plan_services.set_step_done(
        actor=world.specialist_a, step=step_of(transition), done=True, expected_version=1
    )
    step.refresh_from_db()
    assert (step.done, step.done_by, step.done_at is not None, step.version) == (
        True,
        world.specialist_a,
        True,
        2,
    )


def test_tick_step_with_a_stale_version_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    plan_services.set_step_done(
        actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
    )
    with pytest.raises(ConcurrentEditError):
        plan_services.set_step_done(
            actor=world.specialist_a, step=step_of(transition), done=False, expected_version=1
        )


def test_foster_parent_ticks_the_familys_steps_only(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    own = plan_services.set_step_done(
        actor=world.foster_parent_a,
        step=step_of(transition, Party.FOSTER_FAMILY),
        done=True,
        expected_version=1,
    )
    assert own.done is True
    with pytest.raises(PermissionDeniedError):
        plan_services.set_step_done(
            actor=world.foster_parent_a,
            step=step_of(transition, Party.INSTITUTION),
            done=True,
            expected_version=1,
        )


def test_case_worker_cannot_tick_steps(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(PermissionDeniedError):
        plan_services.set_step_done(
            actor=world.case_worker_a, step=step_of(transition), done=True, expected_version=1
        )


def test_steps_of_a_completed_transition_cannot_be_ticked(world) -> None:  # type: ignore[no-untyped-def]
    transition = complete(world, move(world, transition_for(world), on=TODAY), on=TODAY)
    with pytest.raises(PermissionDeniedError):
        plan_services.set_step_done(
            actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
        )


# -- meetings, involvement, advice --------------------------------------------------------------------


def test_add_meeting_records_participants(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    parent = world.family_a.parents.get()
    meeting = meeting_for(world, transition, other_participants="Biological mother\n\nTeacher")
    meeting.parents.set([parent])
    assert set(meeting.staff.all()) == {world.consultant_a, world.specialist_a}
    assert meeting.other_participant_list == ["Biological mother", "Teacher"]


def test_add_meeting_refuses_staff_from_elsewhere_and_a_future_meeting(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.transitions.services.meetings import add_meeting

    transition = transition_for(world)
    with pytest.raises(ValidationError) as error:
        add_meeting(
            actor=world.specialist_a,
            transition=transition,
            values={"held_at": timezone.now() + dt.timedelta(days=5)},
            staff=[world.consultant_b],
        )
    assert sorted(error.value.message_dict) == ["held_at", "staff"]


def test_foster_parent_cannot_add_a_meeting(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.transitions.services.meetings import add_meeting

    transition = transition_for(world)
    with pytest.raises(PermissionDeniedError):
        add_meeting(
            actor=world.foster_parent_a,
            transition=transition,
            values={"held_at": timezone.now(), "other_participants": "Us"},
        )


def test_update_involvement_keeps_known_methods_in_order(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    involvement = services.update_involvement(
        actor=world.specialist_a,
        involvement=involvement_of(transition),
        values={
            "methods": [InvolvementMethod.LIFE_BOOK, InvolvementMethod.CONVERSATIONS],
            "child_views": "Wants her bike.",
        },
        expected_version=1,
    )
    assert (involvement.methods, involvement.child_views, involvement.version) == (
        [InvolvementMethod.CONVERSATIONS, InvolvementMethod.LIFE_BOOK],
        "Wants her bike.",
        2,
    )


def test_update_involvement_refuses_unknown_methods(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(ValidationError):
        services.update_involvement(
            actor=world.consultant_a,
            involvement=involvement_of(transition),
            values={"methods": ["hypnosis"]},
            expected_version=1,
        )


def test_specialist_logs_advice_and_foster_parent_a_request(world) -> None:  # type: ignore[no-untyped-def]
    transition = move(world, transition_for(world))
    request = advice_services.add_advice(
        actor=world.foster_parent_a,
        transition=transition,
        values={"topic": "Meals", "text": "She will not eat with us."},
    )
    answer = advice_for(world, transition, in_reply_to=request, topic="Meals")
    assert (request.kind, request.channel, answer.kind, answer.in_reply_to) == (
        AdviceKind.REQUEST,
        "message",
        AdviceKind.ADVICE,
        request,
    )


def test_advice_cannot_answer_advice(world) -> None:  # type: ignore[no-untyped-def]
    transition = move(world, transition_for(world))
    first = advice_for(world, transition)
    with pytest.raises(ValidationError) as error:
        advice_for(world, transition, in_reply_to=first)
    assert list(error.value.message_dict) == ["in_reply_to"]


def test_case_worker_cannot_log_advice(world) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    with pytest.raises(PermissionDeniedError):
        advice_services.add_advice(
            actor=world.case_worker_a,
            transition=transition,
            values={"topic": "x", "text": "y", "channel": "phone"},
        )


def test_specialist_of_another_institution_cannot_log_advice(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.accounts.enums import Role

    other = factories.staff(Role.SPECIALIST, institution=factories.InstitutionFactory())
    transition = transition_for(world)
    with pytest.raises(PermissionDeniedError):
        advice_services.add_advice(
            actor=other,
            transition=transition,
            values={"topic": "x", "text": "y", "channel": "phone"},
        )
