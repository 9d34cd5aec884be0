"""`cutting.cut`: the hotline's hours cut into shifts — each hour once, at the shift changes,
inside the opening hours, by staffing rule, around kept shifts, DST-safe in Danish local time."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from samspil.hotline import cutting
from samspil.hotline.cutting import CPH, Staffing, Window

BOUNDARIES = [dt.time(8), dt.time(16), dt.time(23)]
EVERY_DAY = frozenset(range(7))


def local(piece: cutting.Piece) -> tuple[str, str]:
    return (
        piece.starts_at.astimezone(CPH).strftime("%d %H:%M"),
        piece.ends_at.astimezone(CPH).strftime("%d %H:%M"),
    )


def lengths(pieces: list[cutting.Piece]) -> list[float]:
    return [(p.ends_at - p.starts_at).total_seconds() / 3600 for p in pieces]


def test_cut_a_day_at_the_shift_changes() -> None:
    pieces = cutting.cut(dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES)
    assert [local(p) for p in pieces] == [
        ("05 08:00", "05 16:00"),
        ("05 16:00", "05 23:00"),
        ("05 23:00", "06 08:00"),
    ]


def test_cut_covers_every_hour_of_a_period_once_without_gaps() -> None:
    pieces = cutting.cut(dt.date(2027, 1, 1), dt.date(2027, 3, 31), boundaries=BOUNDARIES)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(pieces))


def test_consecutive_periods_meet_exactly() -> None:
    january = cutting.cut(dt.date(2027, 1, 1), dt.date(2027, 1, 31), boundaries=BOUNDARIES)
    february = cutting.cut(dt.date(2027, 2, 1), dt.date(2027, 2, 28), boundaries=BOUNDARIES)
    assert january[-1].ends_at == february[0].starts_at


def test_cut_the_october_night_lasts_ten_hours() -> None:
    # Sunday 25 October 2026: clocks go back at 03:00 CEST to 02:00 CET.
    pieces = cutting.cut(dt.date(2026, 10, 24), dt.date(2026, 10, 25), boundaries=BOUNDARIES)
    assert lengths(pieces) == [8, 7, 10, 8, 7, 9]


def test_cut_the_march_night_lasts_eight_hours() -> None:
    # Sunday 28 March 2027: clocks go forward at 02:00 CET to 03:00 CEST.
    pieces = cutting.cut(dt.date(2027, 3, 27), dt.date(2027, 3, 28), boundaries=BOUNDARIES)
    assert lengths(pieces) == [8, 7, 8, 8, 7, 9]


def test_cut_keeps_wall_clock_change_times_across_dst() -> None:
    pieces = cutting.cut(dt.date(2026, 10, 24), dt.date(2026, 10, 26), boundaries=BOUNDARIES)
    assert {p.starts_at.astimezone(CPH).strftime("%H:%M") for p in pieces} == {
        "08:00",
        "16:00",
        "23:00",
    }


def test_cut_stores_aware_utc_instants() -> None:
    piece = cutting.cut(dt.date(2027, 7, 1), dt.date(2027, 7, 1), boundaries=BOUNDARIES)[0]
    assert (piece.starts_at.tzinfo, piece.starts_at.hour) == (dt.UTC, 6)  # 08:00 CEST


def test_cut_a_change_time_missing_in_march_falls_an_hour_later() -> None:
    pieces = cutting.cut(
        dt.date(2027, 3, 28), dt.date(2027, 3, 28), boundaries=[dt.time(2, 30), dt.time(12)]
    )
    assert [local(p) for p in pieces] == [("28 03:30", "28 12:00"), ("28 12:00", "29 02:30")]


def test_cut_marks_night_shifts_by_their_start() -> None:
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=[dt.time(6), dt.time(22)]
    )
    assert [(local(p)[0], p.night) for p in pieces] == [("05 06:00", False), ("05 22:00", True)]


def test_cut_marks_a_shift_starting_before_six_as_night() -> None:
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=[dt.time(5, 59), dt.time(12)]
    )
    assert [p.night for p in pieces] == [True, False]


def test_cut_marks_weekend_shifts_by_their_start_day() -> None:
    # Friday 8 January 2027 to Sunday the 10th.
    pieces = cutting.cut(dt.date(2027, 1, 8), dt.date(2027, 1, 10), boundaries=[dt.time(8)])
    assert [p.weekend for p in pieces] == [False, True, True]


def test_cut_marks_public_holiday_shifts() -> None:
    # 1 January 2027 (New Year's Day) and the 2nd.
    pieces = cutting.cut(dt.date(2027, 1, 1), dt.date(2027, 1, 2), boundaries=[dt.time(8)])
    assert [p.holiday for p in pieces] == [True, False]


def test_cut_keeps_inside_the_opening_hours() -> None:
    weekday_evenings = Window(frozenset(range(5)), dt.time(16), dt.time(8))
    pieces = cutting.cut(
        dt.date(2027, 1, 8), dt.date(2027, 1, 9), boundaries=BOUNDARIES, opening=[weekday_evenings]
    )
    # Friday 16:00 until Saturday 08:00; nothing on Saturday.
    assert [local(p) for p in pieces] == [("08 16:00", "08 23:00"), ("08 23:00", "09 08:00")]


def test_cut_cuts_at_the_edges_of_opening_hours_between_shift_changes() -> None:
    pieces = cutting.cut(
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 5),
        boundaries=BOUNDARIES,
        opening=[Window(EVERY_DAY, dt.time(18), dt.time(6))],
    )
    assert [local(p) for p in pieces] == [("05 18:00", "05 23:00"), ("05 23:00", "06 06:00")]


def test_cut_gives_hours_of_a_staffing_rule_to_its_staff() -> None:
    nights = Staffing(Window(EVERY_DAY, dt.time(23), dt.time(8)), "on_call_service")
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES, staffing=[nights]
    )
    assert [(p.staffed_by, p.needs_person) for p in pieces] == [
        ("consultants", True),
        ("consultants", True),
        ("on_call_service", False),
    ]


def test_cut_names_the_institution_of_a_staffing_rule() -> None:
    weekend = Staffing(Window(frozenset({5, 6}), dt.time(0), dt.time(0)), "institution", 42)
    staffed = cutting.cut(
        dt.date(2027, 1, 9), dt.date(2027, 1, 9), boundaries=BOUNDARIES, staffing=[weekend]
    )
    assert {(p.staffed_by, p.institution) for p in staffed} == {("institution", 42)}


def test_cut_does_not_cut_at_midnight_inside_a_rule_over_several_days() -> None:
    # Saturday and Sunday all day: Friday's night is cut where the rule begins, Saturday's
    # night runs on into Sunday as one shift.
    weekend = Staffing(Window(frozenset({5, 6}), dt.time(0), dt.time(0)), "institution", 42)
    staffed = cutting.cut(
        dt.date(2027, 1, 8), dt.date(2027, 1, 9), boundaries=BOUNDARIES, staffing=[weekend]
    )
    assert [(local(p), p.staffed_by) for p in staffed] == [
        (("08 08:00", "08 16:00"), "consultants"),
        (("08 16:00", "08 23:00"), "consultants"),
        (("08 23:00", "09 00:00"), "consultants"),
        (("09 00:00", "09 08:00"), "institution"),
        (("09 08:00", "09 16:00"), "institution"),
        (("09 16:00", "09 23:00"), "institution"),
        (("09 23:00", "10 08:00"), "institution"),
    ]


def test_cut_cuts_at_a_staffing_rule_edge_between_shift_changes() -> None:
    evening = Staffing(Window(EVERY_DAY, dt.time(20), dt.time(23)), "on_call_service")
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES, staffing=[evening]
    )
    assert [(local(p), p.staffed_by) for p in pieces][1:3] == [
        (("05 16:00", "05 20:00"), "consultants"),
        (("05 20:00", "05 23:00"), "on_call_service"),
    ]


def test_cut_cuts_around_kept_shifts() -> None:
    day = cutting.cut(dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES)
    kept = (day[0].starts_at, day[0].starts_at + dt.timedelta(hours=10))  # 08:00–18:00
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES, keep=[kept]
    )
    assert [local(p) for p in pieces] == [("05 18:00", "05 23:00"), ("05 23:00", "06 08:00")]


def test_cut_leaves_out_hours_already_past() -> None:
    day = cutting.cut(dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES)
    now = day[1].starts_at + dt.timedelta(hours=1)
    pieces = cutting.cut(
        dt.date(2027, 1, 5), dt.date(2027, 1, 5), boundaries=BOUNDARIES, not_before=now
    )
    assert pieces == day[1:]


def test_period_bounds_are_local_midnights() -> None:
    start, end = cutting.period_bounds(dt.date(2026, 10, 25), dt.date(2026, 10, 25))
    assert (end - start) == dt.timedelta(hours=25)


def test_windows_overlap_across_midnight() -> None:
    nights = Window(EVERY_DAY, dt.time(23), dt.time(8))
    early = Window(frozenset({0}), dt.time(6), dt.time(7))
    assert cutting.windows_overlap(nights, early)


def test_windows_on_different_days_do_not_overlap() -> None:
    monday = Window(frozenset({0}), dt.time(8), dt.time(16))
    tuesday = Window(frozenset({1}), dt.time(8), dt.time(16))
    assert not cutting.windows_overlap(monday, tuesday)


@settings(deadline=None)  # timing is for benchmarks, not tests
@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 1)),
    days=st.integers(min_value=1, max_value=40),
    changes=st.sets(
        st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45])), min_size=1, max_size=5
    ),
)
def test_cut_covers_the_period_exactly_for_any_change_times(
    start: dt.date, days: int, changes: set[tuple[int, int]]
) -> None:
    boundaries = sorted(dt.time(h, m) for h, m in changes)
    last = start + dt.timedelta(days=days - 1)
    pieces = cutting.cut(start, last, boundaries=boundaries)
    first_start = cutting.at_local(start, boundaries[0])
    assert pieces[0].starts_at == first_start
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(pieces))
    assert all(p.starts_at.astimezone(CPH).date() <= last for p in pieces)
    assert pieces[-1].ends_at.astimezone(CPH).date() == last + dt.timedelta(days=1)
