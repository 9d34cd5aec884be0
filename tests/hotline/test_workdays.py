"""`workdays`: the next working day after a call, for the fixed consultant's follow-up."""

from __future__ import annotations

import datetime as dt

import pytest

from samspil.hotline import workdays


def test_next_working_day_of_a_weekday_is_the_next_day() -> None:
    assert workdays.next_working_day(dt.date(2026, 3, 3)) == dt.date(2026, 3, 4)


def test_next_working_day_of_a_friday_is_monday() -> None:
    assert workdays.next_working_day(dt.date(2026, 3, 6)) == dt.date(2026, 3, 9)


def test_next_working_day_of_a_saturday_is_monday() -> None:
    assert workdays.next_working_day(dt.date(2026, 3, 7)) == dt.date(2026, 3, 9)


def test_next_working_day_skips_easter() -> None:
    # Maundy Thursday 2 April 2026 to Easter Monday 6 April.
    assert workdays.next_working_day(dt.date(2026, 4, 1)) == dt.date(2026, 4, 7)


def test_next_working_day_skips_store_bededag_2023() -> None:
    assert workdays.next_working_day(dt.date(2023, 5, 4)) == dt.date(2023, 5, 8)


def test_next_working_day_does_not_skip_store_bededag_from_2024() -> None:
    # Abolished from 2024: the fourth Friday after Easter is a working day.
    assert workdays.next_working_day(dt.date(2024, 4, 25)) == dt.date(2024, 4, 26)


def test_public_holiday_names_store_bededag_2023_only() -> None:
    assert (
        workdays.public_holiday(dt.date(2023, 5, 5)),
        workdays.public_holiday(dt.date(2024, 4, 26)),
    ) == ("Store bededag", None)


def test_next_working_day_skips_closure_days() -> None:
    closures = {dt.date(2026, 12, 24)}
    assert workdays.next_working_day(dt.date(2026, 12, 23), closures) == dt.date(2026, 12, 28)


def test_next_working_day_across_the_year_end() -> None:
    # 31 December 2026 is a Thursday, 1 January a holiday, then the weekend.
    assert workdays.next_working_day(dt.date(2026, 12, 31)) == dt.date(2027, 1, 4)


def test_next_working_day_across_the_year_end_with_a_closed_new_years_eve() -> None:
    closures = {dt.date(2026, 12, 31)}
    assert workdays.next_working_day(dt.date(2026, 12, 30), closures) == dt.date(2027, 1, 4)


def test_next_working_day_refuses_a_year_of_closures() -> None:
    start = dt.date(2026, 1, 1)
    closures = {start + dt.timedelta(days=n) for n in range(400)}
    with pytest.raises(ValueError, match="No working day"):
        workdays.next_working_day(start, closures)
