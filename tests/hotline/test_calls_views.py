"""The call page on a phone: the search results and the call view (with and without HTMX), what
the call view shows and does not show, its audit entry, and its query counts."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.hotline.enums import Urgency
from tests import factories
from tests.competence.factories import at
from tests.hotline.factories import CallFactory, CallTopicFactory


def page(hotline, **params):  # type: ignore[no-untyped-def]
    url = reverse("hotline:call_create", args=[hotline.uuid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_call_page_shows_the_search_and_the_form_to_the_person_on_duty(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.specialist_a).get(page(hotline))
    assert (response.status_code, response.context["view"], response.context["hits"]) == (
        200,
        None,
        [],
    )


def test_call_page_search_without_javascript_lists_the_families_as_links(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.specialist_a).get(page(hotline, q="Ostergard"))
    link = f'href="{page(hotline)}?family={world.family_a_other.uuid}"'
    assert ([hit.name for hit in response.context["hits"]], link in response.text) == (
        ["Familien Østergaard"],
        True,
    )


def test_call_page_search_with_htmx_answers_only_the_results(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.specialist_a).get(
        page(hotline, q="Andersen"), headers={"HX-Request": "true", "HX-Target": "family-results"}
    )
    assert ("Familien Andersen" in response.text, 'id="call-form"' in response.text) == (
        True,
        False,
    )


def test_call_page_family_with_htmx_answers_the_call_view_and_clears_the_results(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.specialist_a).get(
        page(hotline, family=world.family_a.uuid),
        headers={"HX-Request": "true", "HX-Target": "call-family"},
    )
    hidden = f'<input type="hidden" name="family" value="{world.family_a.uuid}" form="call-form">'
    assert (hidden in response.text, 'id="family-results" hx-swap-oob="true"' in response.text) == (
        True,
        True,
    )


def test_call_view_shows_what_the_call_needs(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    world.family_a.phone = "33 44 55 66"
    world.family_a.save()
    topic = CallTopicFactory(name="Barnet er stukket af / savnet")
    CallFactory(
        hotline=hotline,
        family=world.family_a,
        topic=topic,
        urgency=Urgency.HIGH,
        received_at=at(2026, 1, 10, 2, 5),
    )
    view = login(world.specialist_a).get(page(hotline, family=world.family_a.uuid)).context["view"]
    assert (
        view.name,
        view.address,
        view.phone,
        view.children,
        view.consultant,
        [(c.received_at, c.topic, c.urgency) for c in view.recent_calls],
    ) == (
        "Familien Andersen",
        "Skovvej 1",
        "33 44 55 66",
        ["Alma"],
        world.consultant_a.get_full_name(),
        [(at(2026, 1, 10, 2, 5), "Barnet er stukket af / savnet", "Urgent")],
    )


def test_call_view_shows_nothing_of_the_case(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    world.child_a.last_name = "Kristoffersen"
    world.child_a.save()
    text = login(world.specialist_a).get(page(hotline, family=world.family_a.uuid)).text
    case = [
        "Kristoffersen",  # the child's last name
        world.case_worker_a.get_full_name(),
        world.child_a.date_of_birth.strftime("%d.%m.%Y"),
        "1.1.2022",  # the placement's start
        "Mette",  # the foster parent
        reverse("families:detail", args=[world.family_a.uuid]),
    ]
    assert [item for item in case if item in text] == []


def test_call_view_opening_is_audited(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    login(world.specialist_a).get(page(hotline, family=world.family_a.uuid))
    entry = AuditEntry.objects.get(action="hotline.family.read")
    assert (entry.actor, entry.object_uuid, entry.data["hotline"]) == (
        world.specialist_a,
        world.family_a.uuid,
        str(hotline.uuid),
    )


def test_call_page_search_is_audited(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    login(world.specialist_a).get(page(hotline, q="Andersen"))
    entry = AuditEntry.objects.get(action="hotline.family.search")
    assert (entry.actor, entry.data["results"], entry.data["query_length"]) == (
        world.specialist_a,
        1,
        8,
    )


def test_call_view_of_another_municipalitys_family_is_not_found(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    response = login(world.specialist_a).get(page(hotline, family=world.family_b.uuid))
    assert (response.status_code, world.family_b.name in response.content.decode()) == (404, False)
    assert not AuditEntry.objects.filter(action="hotline.family.read").exists()


def _count_queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_call_page_search_queries_do_not_grow_with_the_families(
    world, hotline, on_duty, login
) -> None:  # type: ignore[no-untyped-def]
    client = login(world.specialist_a)
    url = page(hotline, q="Hansen")
    factories.ParentFactory(family=factories.FamilyFactory(municipality=world.a))
    one = _count_queries(client, url)
    for _ in range(9):
        factories.ParentFactory(family=factories.FamilyFactory(municipality=world.a))
    assert _count_queries(client, url) == one


def test_call_view_queries_do_not_grow_with_the_calls(world, hotline, on_duty, login) -> None:  # type: ignore[no-untyped-def]
    client = login(world.specialist_a)
    url = page(hotline, family=world.family_a.uuid)
    CallFactory(hotline=hotline, family=world.family_a)
    one = _count_queries(client, url)
    CallFactory.create_batch(4, hotline=hotline, family=world.family_a)
    assert _count_queries(client, url) == one
