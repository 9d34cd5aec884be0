"""The hotline statistics' numbers on the hand-made data set of factories_stats.py: hour of day
and weekday in Danish time, holiday periods against normal weeks per week, topics, families,
follow-ups on time; the holiday-period definition as a pure function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from samspil.hotline.periods import (
    Period,
    default_period,
    holiday_reason,
    holiday_weeks,
    make_period,
    weekly_rate,
)
from samspil.hotline.selectors.statistics import (
    HotlineStatistics,
    compute_statistics,
)
from tests.hotline.factories import ClosureDayFactory, HotlineFactory
from tests.hotline.factories_stats import PERIOD, TODAY, statistics_data


@pytest.fixture
def stats(world) -> HotlineStatistics:  # type: ignore[no-untyped-def]
    data = statistics_data(world)
    return compute_statistics(world.leader_a, data.hotline, PERIOD, today=TODAY)


# -- holiday periods (pure) ---------------------------------------------------------------------


def test_holiday_reason_summer_christmas_public_holiday_and_closure() -> None:
    assert holiday_reason(dt.date(2026, 7, 13)) == "School summer holiday"  # week 29
    assert holiday_reason(dt.date(2026, 8, 3)) == "School summer holiday"  # week 32
    assert holiday_reason(dt.date(2026, 8, 10)) == ""  # week 33
    assert holiday_reason(dt.date(2026, 6, 22)) == ""  # week 26
    assert holiday_reason(dt.date(2026, 12, 21)) == "Christmas and New Year"  # 24.12. Thursday
    assert holiday_reason(dt.date(2026, 12, 28)) == "Christmas and New Year"  # 31.12., 1.1.
    assert holiday_reason(dt.date(2026, 3, 30)) == "Skærtorsdag"  # Easter week
    assert holiday_reason(dt.date(2026, 4, 6)) == "Anden påskedag"
    assert holiday_reason(dt.date(2026, 5, 11)) == "Kristi himmelfartsdag"
    assert holiday_reason(dt.date(2026, 9, 14), {dt.date(2026, 9, 18): "Studiedag"}) == "Studiedag"
    assert holiday_reason(dt.date(2026, 9, 14), {dt.date(2026, 9, 18): ""}) == (
        "The office is closed"
    )


def test_christmas_eve_on_a_sunday_makes_its_own_week_a_holiday_week() -> None:
    # 24 December 2023 was a Sunday: its week (51) has no public holiday of its own.
    assert holiday_reason(dt.date(2023, 12, 18)) == "Christmas and New Year"
    assert holiday_reason(dt.date(2023, 12, 11)) == ""


def test_holiday_weeks_of_a_year_cover_summer_easter_and_christmas() -> None:
    weeks = holiday_weeks(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert sorted(week for year, week in weeks if year == 2026) == [
        1, 14, 15, 20, 21, 22, 27, 28, 29, 30, 31, 32, 52, 53,
    ]  # fmt: skip
    assert (2025, 52) not in weeks  # the week of 1 January 2026 is 2026-W01


def test_weekly_rate_is_calls_per_seven_days() -> None:
    assert weekly_rate(6, 17) == Decimal("2.47")
    assert weekly_rate(3, 21) == Decimal("1.00")
    assert weekly_rate(5, 0) == Decimal("0.00")


def test_default_period_is_the_last_twelve_months() -> None:
    assert default_period(dt.date(2026, 11, 1)) == Period(
        dt.date(2025, 11, 2), dt.date(2026, 11, 1)
    )
    assert default_period(dt.date(2028, 2, 29)).start == dt.date(2027, 3, 1)


def test_make_period_refuses_reversed_and_too_long_periods() -> None:
    with pytest.raises(ValidationError):
        make_period(dt.date(2026, 5, 2), dt.date(2026, 5, 1))
    with pytest.raises(ValidationError):
        make_period(dt.date(2020, 1, 1), dt.date(2026, 1, 1))
    assert make_period(None, dt.date(2026, 7, 8)).start == dt.date(2025, 7, 9)


# -- the numbers ---------------------------------------------------------------------------------


def test_statistics_count_only_calls_of_the_local_period(stats: HotlineStatistics) -> None:
    assert stats.calls == 9
    assert stats.stubs == 1
    assert stats.without_family == 2


def test_statistics_count_calls_by_local_hour(stats: HotlineStatistics) -> None:
    by_hour = {int(b.key): b.calls for b in stats.by_hour if b.calls}
    assert by_hour == {0: 2, 10: 1, 20: 3, 21: 1, 23: 2}
    assert len(stats.by_hour) == 24
    assert stats.by_hour[20].label == "20–21"
    assert stats.busiest_hour == stats.by_hour[20]


def test_statistics_count_calls_by_local_weekday(stats: HotlineStatistics) -> None:
    assert [(b.label, b.calls) for b in stats.by_weekday] == [
        ("Monday", 2),
        ("Tuesday", 1),
        ("Wednesday", 1),
        ("Thursday", 0),
        ("Friday", 1),
        ("Saturday", 3),
        ("Sunday", 1),
    ]


def test_statistics_compare_holiday_periods_and_normal_weeks_per_week(
    stats: HotlineStatistics,
) -> None:
    weeks = [(w.week, w.days, w.calls, w.holiday) for w in stats.by_week]
    assert weeks == [
        (23, 7, 2, ""),
        (24, 7, 2, "Personaledag"),
        (25, 7, 0, ""),
        (26, 7, 1, ""),
        (27, 7, 3, "School summer holiday"),
        (28, 3, 1, "School summer holiday"),
    ]
    assert (stats.holiday.calls, stats.holiday.days, stats.holiday.per_week) == (
        6,
        17,
        Decimal("2.47"),
    )
    assert (stats.normal.calls, stats.normal.days, stats.normal.per_week) == (
        3,
        21,
        Decimal("1.00"),
    )
    assert stats.holiday.weeks == Decimal("2.4")
    assert stats.holiday_ratio == Decimal("2.5")


def test_statistics_count_topics_with_the_calls_without_one(stats: HotlineStatistics) -> None:
    counts = {b.label: b.calls for b in stats.by_topic if b.calls}
    assert counts == {
        "Konflikt med barnet": 4,
        "Barnet er stukket af / savnet": 2,
        "Andet": 1,
        "Praktisk spørgsmål": 1,
        "No topic (not completed)": 1,
    }


def test_statistics_rank_families_by_calls(world, stats: HotlineStatistics) -> None:  # type: ignore[no-untyped-def]
    assert [(f.name, f.calls) for f in stats.top_families] == [
        ("Familien Andersen", 5),
        ("Familien Østergaard", 2),
    ]
    assert stats.top_families[0].uuid == world.family_a.uuid


def test_statistics_judge_follow_ups_by_their_local_done_date(stats: HotlineStatistics) -> None:
    follow = stats.follow_ups
    assert (
        follow.total,
        follow.done_on_time,
        follow.done_late,
        follow.open_overdue,
        follow.open_not_due,
        follow.escalated,
    ) == (7, 3, 2, 1, 1, 2)
    assert follow.on_time_share == Decimal("50.0")


def test_statistics_of_an_empty_period_are_zero(world) -> None:  # type: ignore[no-untyped-def]
    hotline = HotlineFactory(municipality=world.a)
    stats = compute_statistics(world.leader_a, hotline, PERIOD, today=TODAY)
    assert stats.calls == 0
    assert stats.holiday_ratio is None
    assert stats.busiest_hour is None
    assert stats.follow_ups.on_time_share is None
    assert stats.top_families == ()


def test_yearly_closure_days_count_in_every_year(world) -> None:  # type: ignore[no-untyped-def]
    ClosureDayFactory(municipality=world.a, date=dt.date(2020, 9, 18), every_year=True)
    hotline = HotlineFactory(municipality=world.a)
    period = Period(dt.date(2026, 9, 7), dt.date(2026, 9, 27))
    stats = compute_statistics(world.leader_a, hotline, period, today=TODAY)
    assert [w.holiday for w in stats.by_week] == ["", "Juleaften", ""]


def test_collaboration_hotline_hides_names_of_families_the_leader_cannot_see(
    world,  # type: ignore[no-untyped-def]
) -> None:
    from samspil.organisations.models import Collaboration
    from tests.hotline.factories import CallFactory

    collaboration = Collaboration.objects.create(
        name="Fælles akuttelefon", starts_on=dt.date(2024, 1, 1)
    )
    collaboration.municipalities.set([world.a, world.b])
    hotline = HotlineFactory(municipality=None, collaboration=collaboration)
    CallFactory(hotline=hotline, family=world.family_b, received_at=PERIOD.bounds()[0])
    CallFactory(hotline=hotline, family=world.family_a, received_at=PERIOD.bounds()[0])
    stats = compute_statistics(world.leader_a, hotline, PERIOD, today=TODAY)
    assert {(f.name, f.municipality) for f in stats.top_families} == {
        ("Familien Andersen", "København"),
        ("", "Vejle"),
    }
