"""A small hand-made data set for the hotline statistics, on the `world` personas.

København's hotline, period Monday 1 June – Wednesday 8 July 2026 (ISO weeks 23–28, week 28
cut after three days), `TODAY` 8 July 2026. Holiday weeks: 24 (the office is closed on Friday
12 June), 27 and 28 (the school summer holiday); normal weeks: 23, 25, 26.

| # | received (local)  | week | family         | topic     | follow-up (due)                        |
|---|-------------------|------|----------------|-----------|----------------------------------------|
| 1 | Mon 1.6. 00:10    | 23   | family_a       | conflict  | done 2.6. 14:00 (2.6.) on time         |
| 2 | Tue 2.6. 10:30    | 23   | family_a_other | conflict  | done 4.6. 00:30 local (3.6.) late      |
| 3 | Fri 12.6. 20:15   | 24 H | family_a       | ran away  | done 15.6. (15.6.) on time             |
| 4 | Sat 13.6. 21:05   | 24 H | —, stub        | —         | —                                      |
| 5 | Sun 28.6. 23:30   | 26   | family_a       | conflict  | escalated, done 1.7. (29.6.) late      |
| 6 | Mon 29.6. 00:15   | 27 H | family_a_other | other     | done 30.6. (30.6.) on time             |
| 7 | Sat 4.7. 20:40    | 27 H | family_a       | conflict  | escalated, open (6.7.) overdue         |
| 8 | Sat 4.7. 20:50    | 27 H | — (unknown)    | practical | —                                      |
| 9 | Wed 8.7. 23:59    | 28 H | family_a       | ran away  | open (9.7.) not yet due                |

Outside the period: Sunday 31 May 23:30 local (21:30 UTC) and Thursday 9 July 09:00.
Call 1 is 31 May 22:10 in UTC and call 6 is 28 June 22:15 in UTC: counted by their local day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from samspil.hotline.enums import CallerRole, CallStatus, FollowUpStatus
from samspil.hotline.models import Call, CallTopic, Hotline
from samspil.hotline.periods import Period
from tests.competence.factories import at
from tests.hotline.factories import (
    CallFactory,
    CallTopicFactory,
    ClosureDayFactory,
    FollowUpFactory,
    HotlineFactory,
)

PERIOD = Period(dt.date(2026, 6, 1), dt.date(2026, 7, 8))
TODAY = dt.date(2026, 7, 8)
CONFLICT = "Konflikt med barnet"
RAN_AWAY = "Barnet er stukket af / savnet"
OTHER = "Andet"
PRACTICAL = "Praktisk spørgsmål"


@dataclass
class StatsData:
    hotline: Hotline
    calls: list[Call]


def _topic(name: str) -> CallTopic:
    topic: CallTopic = CallTopicFactory(name=name)
    return topic


def statistics_data(w: Any, hotline: Hotline | None = None) -> StatsData:
    """The table above, on `hotline` (a new København hotline with leader_a as team leader
    unless given). Returns the nine calls in the period in order."""
    hotline = hotline or HotlineFactory(
        name="Akuttelefonen København", municipality=w.a, team_leader=w.leader_a
    )
    ClosureDayFactory(
        municipality=w.a, date=dt.date(2026, 6, 12), every_year=False, reason="Personaledag"
    )

    def call(when: dt.datetime, family: Any, topic: str | None, **extra: Any) -> Call:
        made: Call = CallFactory(
            hotline=hotline,
            received_at=when,
            family=family,
            topic=_topic(topic) if topic else None,
            **extra,
        )
        return made

    def follow_up(made: Call, due: dt.date, **extra: Any) -> None:
        assignee = w.consultant_a if made.family == w.family_a else w.consultant_a2
        FollowUpFactory(call=made, family=made.family, assignee=assignee, due_date=due, **extra)

    def done(day: dt.datetime) -> dict[str, Any]:
        return {"status": FollowUpStatus.DONE, "done_at": day, "outcome": "Ringet op."}

    calls = [
        call(at(2026, 6, 1, 0, 10), w.family_a, CONFLICT),
        call(at(2026, 6, 2, 10, 30), w.family_a_other, CONFLICT),
        call(at(2026, 6, 12, 20, 15), w.family_a, RAN_AWAY),
        call(
            at(2026, 6, 13, 21, 5),
            None,
            None,
            status=CallStatus.STUB,
            caller_role="",
            caller_name="",
            urgency="",
            advice="",
        ),
        call(at(2026, 6, 28, 23, 30), w.family_a, CONFLICT),
        call(at(2026, 6, 29, 0, 15), w.family_a_other, OTHER),
        call(at(2026, 7, 4, 20, 40), w.family_a, CONFLICT),
        call(at(2026, 7, 4, 20, 50), None, PRACTICAL, caller_role=CallerRole.OTHER),
        call(at(2026, 7, 8, 23, 59), w.family_a, RAN_AWAY),
    ]
    call(at(2026, 5, 31, 23, 30), w.family_a, CONFLICT)  # outside: the day before
    call(at(2026, 7, 9, 9, 0), w.family_a, CONFLICT)  # outside: the day after
    follow_up(calls[0], dt.date(2026, 6, 2), **done(at(2026, 6, 2, 14)))
    follow_up(calls[1], dt.date(2026, 6, 3), **done(at(2026, 6, 4, 0, 30)))
    follow_up(calls[2], dt.date(2026, 6, 15), **done(at(2026, 6, 15, 11)))
    follow_up(
        calls[4],
        dt.date(2026, 6, 29),
        escalated_at=at(2026, 6, 30, 7),
        escalated_to=w.leader_a,
        **done(at(2026, 7, 1, 9)),
    )
    follow_up(calls[5], dt.date(2026, 6, 30), **done(at(2026, 6, 30, 15)))
    follow_up(
        calls[6], dt.date(2026, 7, 6), escalated_at=at(2026, 7, 7, 7), escalated_to=w.leader_a
    )
    follow_up(calls[8], dt.date(2026, 7, 9))
    return StatsData(hotline=hotline, calls=calls)


def add_calls(hotline: Hotline, family: Any, count: int, start: dt.datetime) -> None:
    """`count` more calls of `family`, one a day from `start` (for query-count tests)."""
    for day in range(count):
        CallFactory(
            hotline=hotline,
            family=family,
            received_at=start + dt.timedelta(days=day, hours=day % 5),
            topic=_topic(OTHER if day % 2 else CONFLICT),
        )
