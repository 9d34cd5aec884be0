"""Trend pages and the trends API: series per instrument, respondent and scale, the change since
the first measurement, the reliable-change marker, who sees what, the audit and query counts.

Reliable-change figures by hand (Jacobson & Truax, parent SDQ total: SD 5.8, r 0.82):
S_E = 5.8·√0.18 = 2.4607, S_diff = √2·S_E = 3.4800; 20 → 12 gives RCI = −8 / 3.48 = −2.30
(reliable, lower is better: improvement); 15 → 11 gives −1.15 (not reliable); 10 → 18 gives
+2.30 (reliable deterioration)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.audit.models import AuditEntry
from samspil.measures.selectors import trends as selectors
from tests import factories
from tests.measures.factories_responses import (
    TEACHER,
    burden,
    record,
    sdq_series,
    sdq_with_total,
    who5_with_percentage,
)

pytestmark = pytest.mark.django_db


def child_page(w: Any) -> str:
    return reverse("measures:child_trends", args=[w.child_a.uuid])


def family_page(w: Any) -> str:
    return reverse("measures:family_trends", args=[w.family_a.uuid])


def total_series(trends: selectors.Trends, respondent: str = "foster_parent") -> Any:
    group = next(g for g in trends.groups if g.respondent == respondent)
    return next(s for s in group.scales if s.scale == "total_difficulties")


def test_change_and_a_reliable_improvement_are_shown(world: Any, login: Any) -> None:
    sdq_series(world, [20, 15, 12])
    page = login(world.consultant_a).get(child_page(world))
    assert page.status_code == 200
    series = total_series(page.context["trends"])
    assert [p.value for p in series.points] == [20, 15, 12]
    assert [p.band for p in series.points] == ["abnormal", "borderline", "normal"]
    assert [p.band4 for p in series.points] == ["very_high", "slightly_raised", "close_to_average"]
    assert series.change == -8
    assert series.reliable.verdict == selectors.IMPROVEMENT
    assert series.reliable.index == -2.30
    assert (series.reliable.sd, series.reliable.reliability) == (5.8, 0.82)
    html = page.content.decode()
    assert "reliable improvement" in html
    assert "RCI = -2.30" in html
    assert "−8" in html


@pytest.mark.parametrize(
    ("totals", "verdict", "index"),
    [([15, 11], selectors.NO_CHANGE, -1.15), ([10, 18], selectors.DETERIORATION, 2.30)],
)
def test_reliable_change_marker_values(
    world: Any, totals: list[int], verdict: str, index: float
) -> None:
    sdq_series(world, totals)
    series = total_series(selectors.child_trends(world.consultant_a, world.child_a))
    assert series.change == totals[1] - totals[0]
    assert series.reliable.verdict == verdict
    assert series.reliable.index == index


def test_one_measurement_has_no_change_and_no_verdict(world: Any, login: Any) -> None:
    sdq_series(world, [14])
    page = login(world.consultant_a).get(child_page(world))
    series = total_series(page.context["trends"])
    assert (series.change, series.reliable) == (None, None)
    assert "needs two scored measurements" in page.content.decode()


def test_the_numbers_are_in_the_table_beside_the_chart(world: Any, login: Any) -> None:
    first, second = sdq_series(world, [20, 12])
    html = login(world.consultant_a).get(child_page(world)).content.decode()
    assert 'role="img"' in html
    assert reverse("measures:response_detail", args=[first.uuid]) in html
    assert reverse("measures:response_detail", args=[second.uuid]) in html
    assert "<td>20</td><td>abnormal</td><td>very high</td>" in html
    assert "<td>12</td><td>normal</td><td>close to average</td>" in html


def test_sdq_from_different_respondents_are_separate_series(world: Any) -> None:
    sdq_series(world, [20, 12])
    sdq_series(world, [9, 16], code=TEACHER, respondent="teacher")
    trends = selectors.child_trends(world.consultant_a, world.child_a)
    assert [(g.instrument, g.respondent) for g in trends.groups] == [
        ("sdq-parent-4-17", "foster_parent"),
        ("sdq-teacher-4-17", "teacher"),
    ]
    assert total_series(trends, "teacher").change == 7  # 9 → 16, never mixed with 20 → 12
    assert total_series(trends, "teacher").reliable.verdict == selectors.DETERIORATION


def test_a_foster_parents_answers_in_two_families_are_two_series(world: Any) -> None:
    sdq_series(world, [20])
    other = world.family_a_other
    factories.PlacementFactory(child=world.child_a, family=other, starts_on=dt.date(2020, 1, 1))
    record(
        actor=world.consultant_a,
        family=other,
        child=world.child_a,
        code="sdq-parent-4-17",
        answers=sdq_with_total(10),
        answered_on=dt.date(2025, 9, 1),
    )
    trends = selectors.child_trends(world.consultant_a, world.child_a)
    assert sorted(g.family_name for g in trends.groups) == [
        "Familien Andersen",
        "Familien Østergaard",
    ]
    assert all(total_series_of(g).change is None for g in trends.groups)


def total_series_of(group: selectors.TrendGroup) -> Any:
    return next(s for s in group.scales if s.scale == "total_difficulties")


def test_family_page_shows_who5_with_its_threshold_and_the_childrens_burden_rating(
    world: Any, login: Any
) -> None:
    for day, percentage in ((dt.date(2025, 1, 10), 48), (dt.date(2025, 7, 10), 60)):
        record(
            actor=world.consultant_a,
            family=world.family_a,
            code="who-5",
            answers=who5_with_percentage(percentage),
            answered_on=day,
        )
    for day, overall in ((dt.date(2025, 1, 10), 7), (dt.date(2025, 7, 10), 6)):
        record(
            actor=world.consultant_a,
            family=world.family_a,
            child=world.child_a,
            code="burden-rating",
            answers=burden(overall),
            answered_on=day,
        )
    sdq_series(world, [20, 12])  # the child's page only
    page = login(world.consultant_a).get(family_page(world))
    trends = page.context["trends"]
    assert sorted(g.instrument for g in trends.groups) == ["burden-rating", "who-5"]
    who5 = next(g for g in trends.groups if g.instrument == "who-5")
    percentage = next(s for s in who5.scales if s.scale == "percentage")
    assert [p.value for p in percentage.points] == [48, 60]
    assert percentage.change == 12
    assert percentage.reliable.verdict == selectors.IMPROVEMENT
    assert percentage.reliable.method == "threshold"
    rating = next(g for g in trends.groups if g.instrument == "burden-rating")
    assert rating.child_name == "Alma"
    overall = next(s for s in rating.scales if s.scale == "overall")
    assert (overall.change, overall.reliable.verdict) == (-1, selectors.NO_CHANGE)
    mean = next(s for s in rating.scales if s.scale == "areas_mean_x100")
    assert [p.shown for p in mean.points] == ["1", "1"]
    assert "A change of at least 10 points counts as reliable" in page.content.decode()


# -- who sees what ------------------------------------------------------------------------------


def _teacher_and_parent(world: Any) -> None:
    sdq_series(world, [20, 12])
    sdq_series(world, [9, 16], code=TEACHER, respondent="teacher")


def test_foster_parent_sees_own_answers_but_not_the_teachers(world: Any, login: Any) -> None:
    _teacher_and_parent(world)
    page = login(world.foster_parent_a).get(child_page(world))
    assert page.status_code == 200
    assert [g.respondent for g in page.context["trends"].groups] == ["foster_parent"]
    assert "Enter a paper form" not in page.content.decode()


def test_consultant_sees_every_respondent(world: Any, login: Any) -> None:
    _teacher_and_parent(world)
    page = login(world.consultant_a).get(child_page(world))
    assert [g.respondent for g in page.context["trends"].groups] == ["foster_parent", "teacher"]
    assert "Enter a paper form" in page.content.decode()


def test_case_worker_sees_only_their_childs_answers(world: Any, login: Any) -> None:
    _teacher_and_parent(world)
    record(
        actor=world.consultant_a,
        family=world.family_a,
        code="who-5",
        answers=who5_with_percentage(60),
        answered_on=dt.date(2025, 3, 1),
    )
    client = login(world.case_worker_a)
    assert len(client.get(child_page(world)).context["trends"].groups) == 2
    family = client.get(family_page(world))
    assert family.status_code == 200
    assert family.context["trends"].groups == []  # the family's WHO-5 is not the child's


def test_consultant_of_another_municipality_gets_404(world: Any, login: Any) -> None:
    _teacher_and_parent(world)
    client = login(world.consultant_b)
    assert client.get(child_page(world)).status_code == 404
    assert client.get(family_page(world)).status_code == 404


def test_engaged_specialist_sees_the_family_but_no_trends(world: Any, login: Any) -> None:
    _teacher_and_parent(world)
    client = login(world.specialist_a)
    assert client.get(family_page(world)).status_code == 404
    factories.engage(world.family_a, world.institution_a)
    response = client.get(family_page(world))
    assert response.status_code == 403
    assert b"Familien Andersen" not in response.content


def test_trend_read_is_audited_with_ids_only(world: Any, login: Any) -> None:
    responses = sdq_series(world, [20, 12])
    login(world.consultant_a).get(child_page(world))
    entry = AuditEntry.objects.get(action="measures.trend.read")
    assert entry.object_uuid == world.child_a.uuid
    assert entry.municipality_id == world.a.pk
    assert entry.data["child"] == str(world.child_a.uuid)
    assert entry.data["responses"] == sorted(str(r.uuid) for r in responses)
    assert set(entry.data) == {"child", "responses", "channel"}  # no scores, no names


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [child_page, family_page])
def test_trend_page_queries_do_not_grow_with_responses(
    world: Any, login: Any, django_assert_num_queries: Any, url: Any
) -> None:
    def add(n: int) -> None:
        for k in range(n):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=90 * (len(added) + k))
            record(
                actor=world.consultant_a,
                family=world.family_a,
                child=world.child_a,
                code="burden-rating",
                answers=burden(5),
                answered_on=day,
            )
            record(
                actor=world.consultant_a,
                family=world.family_a,
                child=world.child_a,
                code="sdq-parent-4-17",
                answers=sdq_with_total(10 + k),
                answered_on=day,
            )
        added.extend(range(n))

    added: list[int] = []
    client = login(world.consultant_a)
    add(1)
    client.get(url(world))  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(url(world))
    add(2)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url(world))
    assert page.status_code == 200


# -- the API ------------------------------------------------------------------------------------


def _api(client: Client, user: Any, path: str) -> Any:
    token = create_api_token(user=user, name="trends")[1]
    return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_child_trends_give_series_with_change_and_verdict(world: Any, client: Client) -> None:
    responses = sdq_series(world, [20, 12])
    response = _api(client, world.consultant_a, f"/children/{world.child_a.uuid}/trends")
    assert response.status_code == 200
    series = {s["scale"]: s for s in response.json()["series"]}
    total = series["total_difficulties"]
    assert total["instrument"] == "sdq-parent-4-17"
    assert total["respondent"] == "foster_parent"
    assert [p["value"] for p in total["points"]] == [20, 12]
    assert [p["response"] for p in total["points"]] == [str(r.uuid) for r in responses]
    assert total["change"] == -8
    assert total["reliable"]["verdict"] == "reliable_improvement"
    assert total["reliable"]["method"] == "jacobson_truax"
    assert total["reliable"]["index"] == -2.3
    assert series["externalising"]["reliable"] is None


def test_api_trends_of_an_invisible_child_answer_404(world: Any, client: Client) -> None:
    sdq_series(world, [20, 12])
    response = _api(client, world.consultant_b, f"/children/{world.child_a.uuid}/trends")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_family_trends_for_the_foster_parent(world: Any, client: Client) -> None:
    record(
        actor=world.consultant_a,
        family=world.family_a,
        code="who-5",
        answers=who5_with_percentage(40),
        answered_on=dt.date(2025, 3, 1),
    )
    response = _api(client, world.foster_parent_a, f"/families/{world.family_a.uuid}/trends")
    assert response.status_code == 200
    assert {s["scale"] for s in response.json()["series"]} == {"raw", "percentage"}
