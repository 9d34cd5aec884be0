"""iCalendar output (RFC 5545), written by hand: a pure module over values, no ORM, no I/O.

What it guarantees, because calendar clients are strict about it:

* every content line ends with CRLF (§3.1);
* lines longer than 75 octets are folded: CRLF followed by one space, never inside a UTF-8
  character (§3.1);
* TEXT values escape backslash, semicolon, comma and newlines (§3.3.11);
* times are UTC with the "Z" suffix (§3.3.5, form #2), so no VTIMEZONE is needed;
* every event has a UID and a DTSTAMP (§3.6.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
PRODID = "-//Samspil//Samspil calendar//DA"

EventStatus = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]


@dataclass(frozen=True)
class Event:
    """One VEVENT. `starts_at` and `ends_at` must be aware datetimes."""

    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    status: EventStatus = "CONFIRMED"


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash first, then `;` and `,`, then every kind of newline."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line (without its CRLF) into physical lines of at most 75 octets.

    A continuation line starts with a single space, which counts towards its 75 octets. A
    multi-octet UTF-8 character is never split.
    """
    if len(line.encode()) <= MAX_LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode())
        if size + width > MAX_LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return CRLF.join(parts)


def format_utc(value: dt.datetime) -> str:
    """A DATE-TIME in UTC, e.g. 20270302T180000Z. Refuses naive datetimes."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{format_utc(event.starts_at)}",
        f"DTEND:{format_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        # A URI value, not TEXT: it is not escaped (§3.3.13); it may not contain CR or LF.
        lines.append(f"URL:{event.url.replace(chr(13), '').replace(chr(10), '')}")
    lines += [f"STATUS:{event.status}", "END:VEVENT"]
    return lines


def render_calendar(events: Iterable[Event], *, name: str, now: dt.datetime) -> str:
    """A whole VCALENDAR stream. `now` is the DTSTAMP of every event (the time the feed was
    generated, as METHOD:PUBLISH intends)."""
    stamp = format_utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
