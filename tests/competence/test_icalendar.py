"""The hand-written iCalendar output (RFC 5545): pure functions, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samspil.competence.icalendar import Event, escape_text, fold, format_utc, render_calendar

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


def _event(**kwargs: object) -> Event:
    values: dict[str, object] = {
        "uid": "session-1@samspil",
        "starts_at": dt.datetime(2027, 3, 2, 19, 0, tzinfo=CPH),
        "ends_at": dt.datetime(2027, 3, 2, 21, 0, tzinfo=CPH),
        "summary": "Oplæg",
    }
    values.update(kwargs)
    return Event(**values)  # type: ignore[arg-type]


def test_escape_text_escapes_backslash_semicolon_comma_and_newlines() -> None:
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_fold_short_line_is_unchanged() -> None:
    line = "SUMMARY:" + "x" * 67
    assert fold(line) == line


def test_fold_long_line_splits_at_75_octets_with_a_leading_space() -> None:
    line = "SUMMARY:" + "x" * 100
    assert fold(line).split("\r\n") == ["SUMMARY:" + "x" * 67, " " + "x" * 33]


def test_fold_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "ø" * 40  # 8 + 80 octets
    physical = fold(line).split("\r\n")
    assert physical == ["SUMMARY:" + "ø" * 33, " " + "ø" * 7]
    assert [len(part.encode()) for part in physical] == [74, 15]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_fold_keeps_every_line_within_75_octets_and_unfolds_to_the_original(text: str) -> None:
    line = "DESCRIPTION:" + text
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_format_utc_converts_to_utc_with_z() -> None:
    assert format_utc(dt.datetime(2027, 7, 1, 19, 30, tzinfo=CPH)) == "20270701T173000Z"


def test_format_utc_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_utc(dt.datetime(2027, 7, 1, 19, 30))


def test_render_calendar_ends_every_line_with_crlf() -> None:
    body = render_calendar([_event()], name="Samspil", now=NOW)
    assert body.endswith("END:VCALENDAR\r\n")
    assert body.replace("\r\n", "").count("\n") == 0
    assert body.replace("\r\n", "").count("\r") == 0


def test_render_calendar_writes_one_event_with_uid_dtstamp_and_utc_times() -> None:
    body = render_calendar(
        [_event(location="Lindehuset, mødelokalet", status="TENTATIVE")], name="Samspil", now=NOW
    )
    assert body.split("\r\n") == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Samspil//Samspil calendar//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Samspil",
        "BEGIN:VEVENT",
        "UID:session-1@samspil",
        "DTSTAMP:20270301T080000Z",
        "DTSTART:20270302T180000Z",
        "DTEND:20270302T200000Z",
        "SUMMARY:Oplæg",
        "LOCATION:Lindehuset\\, mødelokalet",
        "STATUS:TENTATIVE",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]


def test_render_calendar_folds_a_long_summary() -> None:
    body = render_calendar([_event(summary="Tilknytning; " * 10)], name="Samspil", now=NOW)
    summary = next(
        line for line in body.replace("\r\n ", "").split("\r\n") if line.startswith("SUMMARY")
    )
    assert summary == "SUMMARY:" + "Tilknytning\\; " * 10
    assert max(len(line.encode()) for line in body.split("\r\n")) == 75


def test_render_calendar_strips_line_breaks_from_a_url() -> None:
    body = render_calendar([_event(url="https://x.example/a\r\nb")], name="Samspil", now=NOW)
    assert "URL:https://x.example/ab\r\n" in body
