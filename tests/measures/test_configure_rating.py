"""A leader's own burden rating (`instruments/burden-rating/configure/`), and answers keeping the
version they were given in — after a municipality's reconfiguration and after a new shipped
version."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.measures import catalogue
from samspil.measures.models import InstrumentVersion, Response
from samspil.measures.selectors import trends as trend_selectors
from samspil.measures.services import instruments as services
from tests.measures.factories_responses import record, sdq_series

pytestmark = pytest.mark.django_db
URL = "/instruments/burden-rating/configure/"


def form_data(version: int = 0, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": version,
        "municipality": "101",
        "name_da": "",
        "name_en": "",
        "use_overall": "on",
        "da_overall": "Samlet belastning",
        "en_overall": "Overall burden",
        "use_behaviour": "on",
        "da_behaviour": "Adfærd",
        "en_behaviour": "Behaviour",
        "da_everyday": "x",
        "en_everyday": "x",
        "da_school": "x",
        "en_school": "x",
        "da_contact": "x",
        "en_contact": "x",
        "own_da_1": "Søvn",
        "own_en_1": "Sleep",
    }
    return data | changes


def current(code: str = "burden-rating-101") -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__code=code, is_current=True)


def test_url_is_the_documented_one() -> None:
    assert reverse("measures:rating_configure") == URL


def test_leader_saves_a_choice_with_own_labels_and_an_own_question(world: Any, login: Any) -> None:
    page = login(world.leader_a).post(URL, form_data())
    assert page.status_code == 302
    version = current()
    definition = version.definition
    assert (version.number, version.instrument.municipality) == (1, world.a)
    assert version.instrument.based_on.code == "burden-rating"
    assert [i["key"] for i in definition["items"]] == ["overall", "behaviour", "own_1"]
    assert definition["items"][0]["label"] == {"da": "Samlet belastning", "en": "Overall burden"}
    assert definition["items"][2]["options"] == "level"
    scales = {s["code"]: s for s in definition["scoring"]["scales"]}
    assert scales["areas_mean_x100"]["items"] == ["behaviour"]
    assert scales["areas_mean_x100"]["min_answered"] == 1
    assert scales["own_1"] == {
        "code": "own_1",
        "method": "item",
        "item": "own_1",
        "label": {"da": "Søvn", "en": "Sleep"},
    }
    entry = AuditEntry.objects.get(action="measures.instrument.version")
    assert entry.data["code"] == "burden-rating-101"


def test_the_own_question_is_scored_and_shows_in_the_trend(world: Any, login: Any) -> None:
    login(world.leader_a).post(URL, form_data())
    record(
        actor=world.consultant_a,
        family=world.family_a,
        child=world.child_a,
        code="burden-rating-101",
        answers={"overall": 6, "behaviour": 3, "own_1": 2},
        answered_on=dt.date(2025, 6, 1),
    )
    trends = trend_selectors.family_trends(world.consultant_a, world.family_a)
    (group,) = trends.groups
    values = {s.scale: (s.label, s.points[0].shown) for s in group.scales}
    assert values == {
        "overall": ("Overall burden (0–10)", "6"),
        "areas_mean_x100": ("Mean of the areas (0–4)", "3"),
        "own_1": ("Sleep", "2"),
    }


def test_earlier_answers_keep_their_version_after_reconfiguring(world: Any, login: Any) -> None:
    client = login(world.leader_a)
    client.post(URL, form_data())
    old = record(
        actor=world.consultant_a,
        family=world.family_a,
        child=world.child_a,
        code="burden-rating-101",
        answers={"overall": 8, "behaviour": 4, "own_1": 1},
        answered_on=dt.date(2025, 1, 1),
    )
    client.post(URL, form_data(1, use_behaviour="", own_da_1="", own_en_1=""))
    assert current().number == 2
    assert [i["key"] for i in current().definition["items"]] == ["overall"]
    new = record(
        actor=world.consultant_a,
        family=world.family_a,
        child=world.child_a,
        code="burden-rating-101",
        answers={"overall": 5},
        answered_on=dt.date(2025, 7, 1),
    )
    old.refresh_from_db()
    assert (old.instrument_version.number, new.instrument_version.number) == (1, 2)
    assert old.answers == {"overall": 8, "behaviour": 4, "own_1": 1}
    page = login(world.consultant_a).get(reverse("measures:response_detail", args=[old.uuid]))
    assert "Sleep" in page.content.decode()  # the old version's own question
    trends = trend_selectors.family_trends(world.consultant_a, world.family_a)
    (group,) = trends.groups
    overall = next(s for s in group.scales if s.scale == "overall")
    assert [(p.version, p.value) for p in overall.points] == [(1, 8), (2, 5)]
    assert overall.change == -3


def test_earlier_answers_keep_their_version_after_a_new_shipped_version(world: Any) -> None:
    (old,) = sdq_series(world, [20])
    definition = copy.deepcopy(dict(catalogue.shipped_by_code()["sdq-parent-4-17"]))
    definition["intro"] = {"da": "Ny vejledning", "en": "New guidance"}
    services.store_version(definition=definition)
    (new,) = sdq_series(world, [12], start=dt.date(2025, 9, 1))
    old = Response.objects.get(pk=old.pk)
    assert (old.instrument_version.number, new.instrument_version.number) == (1, 2)
    assert old.instrument_version.definition.get("intro") is None
    trends = trend_selectors.child_trends(world.consultant_a, world.child_a)
    (group,) = trends.groups
    total = next(s for s in group.scales if s.scale == "total_difficulties")
    assert [(p.version, p.value) for p in total.points] == [(1, 20), (2, 12)]
    assert total.reliable.verdict == trend_selectors.IMPROVEMENT


def test_form_errors_keep_what_was_typed(world: Any, login: Any) -> None:
    page = login(world.leader_a).post(
        URL, form_data(en_behaviour="", own_da_2="Skole", own_en_2="")
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Give the question&#x27;s wording." in html
    assert "Give your own question in both Danish and English." in html
    assert 'value="Samlet belastning"' in html
    assert 'value="Skole"' in html
    assert not InstrumentVersion.objects.filter(instrument__code="burden-rating-101").exists()


def test_choosing_nothing_is_refused(world: Any, login: Any) -> None:
    page = login(world.leader_a).post(
        URL, form_data(use_overall="", use_behaviour="", own_da_1="", own_en_1="")
    )
    assert "Choose at least one question." in page.content.decode()
    assert not InstrumentVersion.objects.filter(instrument__code="burden-rating-101").exists()


def test_a_save_on_top_of_someone_elses_version_is_refused(world: Any, login: Any) -> None:
    client = login(world.leader_a)
    client.post(URL, form_data())  # version 1, as another leader's save
    page = client.post(URL, form_data(0, da_overall="Min egen"))  # started before it
    assert page.status_code == 200
    assert "Someone else changed this record" in page.content.decode()
    assert 'value="Min egen"' in page.content.decode()
    assert current().number == 1
    again = client.post(URL, form_data(1, da_overall="Min egen"))
    assert again.status_code == 302
    assert current().definition["items"][0]["label"]["da"] == "Min egen"


@pytest.mark.parametrize("persona", ["consultant_a", "case_worker_a", "sysadmin"])
def test_only_leaders_configure(world: Any, login: Any, persona: str) -> None:
    page = login(getattr(world, persona)).post(URL, form_data())
    assert page.status_code == 403
    assert not InstrumentVersion.objects.filter(instrument__code="burden-rating-101").exists()


def test_a_leader_configures_only_their_own_municipality(world: Any, login: Any) -> None:
    page = login(world.leader_b).post(URL, form_data(municipality="101"))
    assert page.status_code == 302
    assert not InstrumentVersion.objects.filter(instrument__code="burden-rating-101").exists()
    assert current("burden-rating-630").instrument.municipality == world.b
