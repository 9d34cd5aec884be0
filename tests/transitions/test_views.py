"""The transitions pages: the list and its filters, creating a transition (finding the child
and the family), the transition's page, editing with a conflict, the status, meetings, ticking
steps (plain and HTMX), the child's involvement, advice and requests, and the template."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from samspil.transitions.enums import AdviceKind, Party, Phase, TransitionStatus
from samspil.transitions.models import Advice, CollaborationMeeting, PlanStep, Transition
from samspil.transitions.services import advice as advice_services
from samspil.transitions.services import plans as plan_services
from tests.transitions.factories import (
    child_at_institution,
    complete,
    move,
    reload,
    step_of,
    transition_for,
)

TODAY = timezone.localdate()


# -- the list ---------------------------------------------------------------------------------------


def test_list_shows_open_transitions_with_plan_progress(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    plan_services.set_step_done(
        actor=world.consultant_a, step=step_of(transition), done=True, expected_version=1
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:list"))
    [row] = response.context["page"].object_list
    assert (row, row.steps_done, row.steps_total) == (
        transition,
        1,
        PlanStep.objects.filter(plan__transition=transition).count(),
    )
    assert "Ida Jensen" in response.content.decode()


def test_list_hides_completed_transitions_unless_asked(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = complete(world, move(world, transition_for(world), on=TODAY), on=TODAY)
    client.force_login(world.consultant_a)
    assert list(client.get(reverse("transitions:list")).context["page"].object_list) == []
    response = client.get(reverse("transitions:list"), {"status": "completed"})
    assert list(response.context["page"].object_list) == [transition]


def test_list_searches_the_childs_name(world, client) -> None:  # type: ignore[no-untyped-def]
    ida = transition_for(world)
    transition_for(
        world, child=child_at_institution(world, first_name="Karl"), family=world.family_a_other
    )
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:list"), {"q": "ida"})
    assert list(response.context["page"].object_list) == [ida]


def test_list_answers_htmx_with_the_results_alone(world, client) -> None:  # type: ignore[no-untyped-def]
    transition_for(world)
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:list"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Ida Jensen" in page
    assert "<h1>" not in page


def test_list_is_not_found_for_roles_without_transitions(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.evaluator)
    assert client.get(reverse("transitions:list")).status_code == 404


# -- creating -----------------------------------------------------------------------------------------


def test_create_page_suggests_children_not_placed_and_without_transition(world, client) -> None:  # type: ignore[no-untyped-def]
    waiting = child_at_institution(world, first_name="Vera")
    busy = child_at_institution(world, first_name="Otto")
    transition_for(world, child=busy)
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:create"))
    assert response.context["children"].records == [waiting]


def test_create_page_finds_the_family_by_name(world, client) -> None:  # type: ignore[no-untyped-def]
    child = child_at_institution(world)
    client.force_login(world.consultant_a)
    response = client.get(
        reverse("transitions:create"), {"child": str(child.uuid), "family-q": "Østergaard"}
    )
    assert response.context["families"].records == [world.family_a_other]
    assert response.context["child"] == child


def test_create_page_does_not_find_families_of_another_municipality(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:create"), {"family-q": "Bæk"})
    assert response.context["families"].records == []


def test_create_page_answers_404_for_a_child_of_another_municipality(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:create"), {"child": str(world.child_b.uuid)})
    assert response.status_code == 404


def test_create_transition_from_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    child = child_at_institution(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("transitions:create"),
        {
            "child": str(child.uuid),
            "family": str(world.family_a.uuid),
            "institution": world.institution_a.pk,
            "planned_move_on": "2027-01-15",
            "consultant": world.consultant_a.pk,
            "internal_notes": "",
        },
    )
    transition = Transition.objects.get(child=child)
    assert response.url == reverse("transitions:detail", args=[transition.uuid])
    assert (transition.family, transition.planned_move_on, transition.created_by) == (
        world.family_a,
        dt.date(2027, 1, 15),
        world.consultant_a,
    )


def test_create_transition_keeps_the_input_on_error(world, client) -> None:  # type: ignore[no-untyped-def]
    child = child_at_institution(world)
    transition_for(world, child=child)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("transitions:create"),
        {
            "child": str(child.uuid),
            "family": str(world.family_a_other.uuid),
            "institution": world.institution_a.pk,
            "planned_move_on": "2027-02-01",
            "internal_notes": "Typed text",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "already has an open transition" in page
    assert "Typed text" in page
    assert Transition.objects.filter(child=child).count() == 1


def test_create_page_is_forbidden_for_a_specialist(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist_a)
    assert client.get(reverse("transitions:create")).status_code == 403


# -- the transition's page -------------------------------------------------------------------------------


def test_detail_shows_the_plan_in_three_phases(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:detail", args=[transition.uuid]))
    phases = response.context["detail"].phases
    assert [phase.phase for phase in phases] == [Phase.BEFORE, Phase.DURING, Phase.AFTER]
    assert all(phase.steps for phase in phases)
    page = response.content.decode()
    first = phases[0].steps[0].step
    assert f'id="step-{first.uuid}"' in page
    assert "Mark as done" in page
    assert "Before the move" in page


def test_detail_offers_the_manager_the_status_and_step_forms(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:detail", args=[transition.uuid]))
    statuses = [value for value, _label in response.context["status_form"].fields["status"].choices]
    assert statuses == [
        TransitionStatus.MOVING,
        TransitionStatus.AFTER_MOVE,
        TransitionStatus.CANCELLED,
    ]
    assert "step_form" in response.context


def test_detail_offers_the_specialist_no_status_form(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.specialist_a)
    response = client.get(reverse("transitions:detail", args=[transition.uuid]))
    assert "status_form" not in response.context
    assert response.context["detail"].can_contribute is True


def test_change_status_on_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    client.post(
        reverse("transitions:status", args=[transition.uuid]),
        {"version": transition.version, "status": "after_move", "on": "2026-10-01"},
    )
    transition.refresh_from_db()
    assert (transition.status, transition.moved_on) == ("after_move", dt.date(2026, 10, 1))


def test_change_status_without_reason_shows_the_error(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("transitions:status", args=[transition.uuid]),
        {"version": transition.version, "status": "cancelled"},
    )
    assert "Say why the transition is cancelled." in response.content.decode()
    assert reload(transition).status == TransitionStatus.PLANNING


def test_edit_with_a_stale_version_shows_the_conflict_and_keeps_the_input(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    url = reverse("transitions:edit", args=[transition.uuid])
    client.post(url, {"version": 1, "planned_move_on": "2027-03-01", "internal_notes": "first"})
    response = client.post(
        url, {"version": 1, "planned_move_on": "2027-04-01", "internal_notes": "second"}
    )
    page = response.content.decode()
    assert "Someone else changed this record" in page
    assert "second" in page
    assert reload(transition).planned_move_on == dt.date(2027, 3, 1)


# -- steps ----------------------------------------------------------------------------------------------


def test_tick_step_redirects_to_the_step(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    step = step_of(transition)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("transitions:step_tick", args=[step.uuid]), {"version": 1, "done": "1"}
    )
    step.refresh_from_db()
    assert response.url.endswith(f"#step-{step.uuid}")
    assert (step.done, step.done_by) == (True, world.specialist_a)


def test_tick_step_with_htmx_answers_the_step_alone(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    step = step_of(transition)
    client.force_login(world.consultant_a)
    response = client.post(
        reverse("transitions:step_tick", args=[step.uuid]),
        {"version": 1, "done": "1"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.strip().startswith(f'<li id="step-{step.uuid}"')
    assert "Undo" in page


def test_tick_step_with_a_stale_version_says_so(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    step = step_of(transition)
    plan_services.set_step_done(actor=world.consultant_a, step=step, done=True, expected_version=1)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("transitions:step_tick", args=[step.uuid]),
        {"version": 1},
        headers={"HX-Request": "true"},
    )
    step.refresh_from_db()
    assert "Someone else changed this step meanwhile" in response.content.decode()
    assert step.done is True


def test_foster_parent_ticks_own_step_but_not_the_institutions(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    own, other = step_of(transition, Party.FOSTER_FAMILY), step_of(transition, Party.INSTITUTION)
    client.force_login(world.foster_parent_a)
    client.post(reverse("transitions:step_tick", args=[own.uuid]), {"version": 1, "done": "1"})
    response = client.post(
        reverse("transitions:step_tick", args=[other.uuid]), {"version": 1, "done": "1"}
    )
    own.refresh_from_db()
    assert (own.done, response.status_code) == (True, 403)


def test_add_step_on_the_page(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    client.post(
        reverse("transitions:step_create", args=[transition.uuid]),
        {"phase": "after", "text": "Visit after three months", "responsible": "institution"},
    )
    assert PlanStep.objects.filter(
        plan__transition=transition, text="Visit after three months"
    ).exists()


# -- meetings, involvement, advice ------------------------------------------------------------------------


def test_record_a_meeting(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    parent = world.family_a.parents.get()
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("transitions:meeting_create", args=[transition.uuid]),
        {
            "held_at": "2026-11-20T14:00",
            "place": "Lindehuset",
            "staff": [world.specialist_a.pk, world.consultant_a.pk],
            "parents": [parent.pk],
            "other_participants": "Biological mother",
            "shared_about_child": "Likes football",
            "division_of_work": "We visit twice",
            "minutes": "",
        },
    )
    meeting = CollaborationMeeting.objects.get(transition=transition)
    assert response.url == reverse("transitions:detail", args=[transition.uuid])
    assert (meeting.shared_about_child, list(meeting.parents.all())) == ("Likes football", [parent])


def test_meeting_form_offers_staff_of_the_municipality_and_institution_only(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.consultant_a)
    response = client.get(reverse("transitions:meeting_create", args=[transition.uuid]))
    staff = set(response.context["form"].fields["staff"].queryset)
    assert world.consultant_b not in staff
    assert {world.consultant_a, world.specialist_a, world.case_worker_a} <= staff


def test_edit_a_meeting_adds_the_minutes(world, client) -> None:  # type: ignore[no-untyped-def]
    from tests.transitions.factories import meeting_for

    meeting = meeting_for(world, transition_for(world), minutes="")
    client.force_login(world.consultant_a)
    client.post(
        reverse("transitions:meeting_edit", args=[meeting.uuid]),
        {
            "version": meeting.version,
            "held_at": timezone.localtime(meeting.held_at).strftime("%Y-%m-%dT%H:%M"),
            "staff": [world.consultant_a.pk],
            "shared_about_child": meeting.shared_about_child,
            "division_of_work": meeting.division_of_work,
            "minutes": "Now with minutes",
        },
    )
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Now with minutes", 2)


def test_record_involvement_of_the_child(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.specialist_a)
    client.post(
        reverse("transitions:involvement", args=[transition.uuid]),
        {
            "version": 1,
            "methods": ["visits", "life_book"],
            "child_views": "Wants a dog",
            "views_shared_with_family": "on",
        },
    )
    response = client.get(reverse("transitions:detail", args=[transition.uuid]))
    page = response.content.decode()
    assert "Photo book or life book" in page
    assert "Wants a dog" in page


def test_foster_parent_asks_and_the_specialist_answers(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = move(world, transition_for(world))
    client.force_login(world.foster_parent_a)
    client.post(
        reverse("transitions:advice_create", args=[transition.uuid]),
        {"topic": "Meals", "text": "She will not eat with us."},
    )
    request = Advice.objects.get(kind=AdviceKind.REQUEST)
    client.force_login(world.specialist_a)
    form_page = client.get(
        reverse("transitions:advice_create", args=[transition.uuid]), {"request": request.uuid}
    )
    assert form_page.context["form"]["in_reply_to"].value() == str(request.uuid)
    client.post(
        reverse("transitions:advice_create", args=[transition.uuid]),
        {
            "channel": "phone",
            "topic": "Meals",
            "text": "Short meals with a task.",
            "in_reply_to": str(request.uuid),
        },
    )
    client.force_login(world.foster_parent_a)
    detail = client.get(reverse("transitions:detail", args=[transition.uuid])).context["detail"]
    assert [(v.entry.kind, v.answered) for v in detail.advice] == [
        (AdviceKind.ADVICE, False),
        (AdviceKind.REQUEST, True),
    ]


def test_foster_parent_gets_the_request_form(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.foster_parent_a)
    response = client.get(reverse("transitions:advice_create", args=[transition.uuid]))
    assert sorted(response.context["form"].fields) == ["text", "topic"]


def test_advice_form_keeps_the_input_on_error(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    client.force_login(world.specialist_a)
    response = client.post(
        reverse("transitions:advice_create", args=[transition.uuid]),
        {"channel": "phone", "topic": "Sleep", "text": ""},
    )
    assert "Sleep" in response.content.decode()
    assert Advice.objects.count() == 0


def test_open_requests_are_flagged_for_the_institution(world, client) -> None:  # type: ignore[no-untyped-def]
    transition = transition_for(world)
    advice_services.add_advice(
        actor=world.foster_parent_a,
        transition=transition,
        values={"topic": "Sleep", "text": "Help"},
    )
    client.force_login(world.specialist_a)
    page = client.get(reverse("transitions:detail", args=[transition.uuid])).content.decode()
    assert "1 request from the foster family is not answered yet." in page


# -- the template -------------------------------------------------------------------------------------------


def test_template_index_takes_a_leader_of_one_municipality_to_its_template(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    response = client.get(reverse("transitions:template_index"))
    assert response.url == reverse("transitions:template", args=["101"])


def test_template_page_shows_the_default(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    response = client.get(reverse("transitions:template", args=["101"]))
    assert response.context["view"].is_default is True
    assert "uses the default template" in response.content.decode()


def _template_post(rows: list[tuple[str, str, str, str]], version: int) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version,
        "steps-TOTAL_FORMS": len(rows),
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 60,
    }
    for index, (phase, text, responsible, offset) in enumerate(rows):
        data.update(
            {
                f"steps-{index}-phase": phase,
                f"steps-{index}-text": text,
                f"steps-{index}-responsible": responsible,
                f"steps-{index}-offset_days": offset,
            }
        )
    return data


def test_save_the_template(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    url = reverse("transitions:template", args=["101"])
    client.post(
        url,
        _template_post(
            [
                ("after", "Review", "consultant", "30"),
                ("before", "Visit", "foster_family", "-7"),
                ("before", "", "institution", ""),
            ],
            0,
        ),
    )
    response = client.get(url)
    assert [step.text for step in response.context["view"].steps] == ["Visit", "Review"]


def test_save_the_template_on_a_stale_version_shows_the_conflict(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    url = reverse("transitions:template", args=["101"])
    client.post(url, _template_post([("before", "Visit", "foster_family", "-7")], 0))
    response = client.post(url, _template_post([("before", "Other", "foster_family", "-7")], 0))
    assert "Someone else changed this record" in response.content.decode()


def test_reset_the_template(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    url = reverse("transitions:template", args=["101"])
    client.post(url, _template_post([("before", "Visit", "foster_family", "-7")], 0))
    client.post(reverse("transitions:template_reset", args=["101"]), {"version": 1})
    assert client.get(url).context["view"].is_default is True


def test_template_of_another_municipality_is_not_found(world, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.leader_a)
    assert client.get(reverse("transitions:template", args=["630"])).status_code == 404


def test_family_page_snippet_lists_the_transitions(world, client) -> None:  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string

    from samspil.transitions.selectors.transitions import transitions_for_family

    transition = transition_for(world)
    html = render_to_string(
        "transitions/panel.html",
        {"transitions": transitions_for_family(world.foster_parent_a, world.family_a)},
    )
    assert reverse("transitions:detail", args=[transition.uuid]) in html
    assert transitions_for_family(world.consultant_b, world.family_a) == []


def test_child_page_selector_lists_only_visible_transitions(world) -> None:  # type: ignore[no-untyped-def]
    from samspil.transitions.selectors.transitions import transitions_for_child

    transition = transition_for(world)
    assert transitions_for_child(world.case_worker_a, transition.child) == [transition]
    assert transitions_for_child(world.consultant_b, transition.child) == []
