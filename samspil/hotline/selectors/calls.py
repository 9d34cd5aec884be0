"""Reads behind registering a hotline call: the hotline a user registers calls on, the family
search, the call view, the open stubs, and one call.

**The call view** is deliberately narrow (see `hotline/rules.py`): the families of the hotline's
municipalities by name and address, the children's first names, the fixed consultant and the
family's recent calls (date, topic, urgency) — never the case. Every search writes
"hotline.family.search" (the hotline, the number of results and the query's length, never the
query: it may be a name), every opened family "hotline.family.read" and every list of calls
read "hotline.call.list" (the calls' and families' ids only), here.

**The search** is tolerant of typos and of Danish letters. Both the query and the candidates are
folded (`fold`: lower case, æ→ae, ø→oe, å→aa, accents stripped, punctuation to spaces) and split
into words. Each query word scores its best match among the family's words: 100 for the same
word, 95 for the beginning of one (from three letters, so typing along works), else rapidfuzz's
`ratio` (an edit similarity, 0–100; from three letters). The words of the family's name count
fully, those of the foster parents' names, the address, postcode and city `OTHER_WEIGHT` of it
(so "Hansen" puts Familien Hansen before a family whose foster mother is a Hansen). A family is a
hit when every query word scores at least `WORD_CUTOFF`; hits rank by the mean score, then by
name. A query of at least six digits (spaces,
"+" and "-" ignored) is a phone number instead: it matches the family's or a foster parent's
number (the Danish "+45"/"0045" prefix ignored) that contains it (100) or is within one or two
wrong digits of it (`ratio` ≥ `PHONE_CUTOFF`). The candidates are read once per search, only
the fields above, and at most `MAX_HITS` hits are returned.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from rapidfuzz import fuzz

from samspil.audit.services import log_action
from samspil.core.types import UserLike
from samspil.families.models import ConsultantAssignment, FosterFamily, FosterParent
from samspil.families.selectors import current_placements
from samspil.hotline import rules
from samspil.hotline.enums import CallAction, CallStatus, Urgency
from samspil.hotline.models import Call, CallTopic, FollowUp, Hotline

MAX_HITS = 10
MIN_QUERY = 2
WORD_CUTOFF = 75.0
PREFIX_SCORE = 95.0
OTHER_WEIGHT = 0.98
PHONE_DIGITS = 6
PHONE_CUTOFF = 85.0
RECENT_CALLS = 5
OPEN_CALLS_LIMIT = 100

_FOLDS = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_PHONE_CHARS = re.compile(r"[\s+\-().]")


# -- pure pieces ---------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, æ→ae, ø→oe, å→aa (and ä, ö, ü, ß), other accents stripped, everything but
    letters and digits to single spaces: "Østergård-Bæk" → "oestergaard baek"."""
    text = text.lower().translate(_FOLDS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text).strip()


def phone_digits(text: str) -> str:
    """The digits of a phone number without the Danish country prefix; "" when `text` is not
    a phone number."""
    digits = _PHONE_CHARS.sub("", text)
    if not digits.isdigit():
        return ""
    for prefix in ("0045", "45"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 8:
            return digits[len(prefix) :]
    return digits


def word_score(word: str, candidates: list[str]) -> float:
    """How well one query word matches the best of a family's words (0–100)."""
    best = 0.0
    for candidate in candidates:
        if candidate == word:
            return 100.0
        if len(word) >= 3 and candidate.startswith(word):
            best = max(best, PREFIX_SCORE)
        elif len(word) >= 3:
            best = max(best, fuzz.ratio(word, candidate))
    return best


def text_score(words: list[str], name: list[str], other: list[str]) -> float | None:
    """The mean of the words' scores against the family's `name` words and `other` words, or
    None when a word has no match."""
    scores = [max(word_score(word, name), OTHER_WEIGHT * word_score(word, other)) for word in words]
    if not scores or min(scores) < WORD_CUTOFF:
        return None
    return sum(scores) / len(scores)


def phone_score(digits: str, numbers: list[str]) -> float | None:
    best = 0.0
    for number in numbers:
        if not number:
            continue
        if digits in number:
            return 100.0
        best = max(best, fuzz.ratio(digits, number))
    return best if best >= PHONE_CUTOFF else None


# -- the hotline ---------------------------------------------------------------------------------


def get_hotline_for_calls(user: UserLike, hotline_uuid: uuid.UUID | str) -> Hotline:
    """The hotline `user` registers calls on: Http404 when they may not see it, PermissionDenied
    when they see it but may not register calls now (a rota member outside their shift)."""
    try:
        hotline = Hotline.objects.select_related("municipality").get(uuid=hotline_uuid)
    except (Hotline.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if rules.can_register_calls(user, hotline):
        return hotline
    if Hotline.objects.filter(rules.hotline_filter(user), pk=hotline.pk).exists():
        raise PermissionDenied
    raise Http404


def answering_hotlines(user: UserLike) -> list[Hotline]:
    """The active hotlines `user` answers now (the start page's "Register a call")."""
    return list(
        Hotline.objects.filter(rules.answering_hotline_filter(user), active=True)
        .distinct()
        .order_by("name", "id")
    )


def topics() -> QuerySet[CallTopic]:
    return CallTopic.objects.filter(active=True).order_by("position", "name")


# -- the family search ---------------------------------------------------------------------------


def call_view_families(user: UserLike, hotline: Hotline) -> QuerySet[FosterFamily]:
    """The families `user` may find and open in the call view of `hotline`."""
    return FosterFamily.objects.filter(rules.call_view_family_filter(user, hotline))


@dataclass(frozen=True)
class FamilyHit:
    uuid: uuid.UUID
    name: str
    address: str
    postcode: str
    city: str
    score: float


@dataclass
class _Candidate:
    uuid: uuid.UUID
    name: str
    address: str
    postcode: str
    city: str
    name_words: list[str] = field(default_factory=list)
    other_words: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _candidates(user: UserLike, hotline: Hotline) -> list[_Candidate]:
    """Two queries: the families (only the fields the search needs) and their foster
    parents' names and numbers."""
    families = call_view_families(user, hotline)
    by_id: dict[int, _Candidate] = {}
    for pk, family_uuid, name, address, postcode, city, phone in families.values_list(
        "pk", "uuid", "name", "address", "postcode", "city", "phone"
    ):
        by_id[pk] = _Candidate(
            uuid=family_uuid,
            name=name,
            address=address,
            postcode=postcode,
            city=city,
            name_words=fold(name).split(),
            other_words=fold(f"{address} {postcode} {city}").split(),
            phones=[phone_digits(phone)],
        )
    if by_id:
        parents = FosterParent.objects.filter(family__in=families).values_list(
            "family_id", "first_name", "last_name", "phone"
        )
        for family_id, first_name, last_name, phone in parents:
            candidate = by_id.get(family_id)
            if candidate is not None:
                candidate.other_words += fold(f"{first_name} {last_name}").split()
                candidate.phones.append(phone_digits(phone))
    return list(by_id.values())


def rank(query: str, candidates: list[_Candidate]) -> list[FamilyHit]:
    """The best `MAX_HITS` candidates for `query` (see the module's docstring)."""
    digits = phone_digits(query)
    words = fold(query).split()
    hits: list[FamilyHit] = []
    for candidate in candidates:
        if len(digits) >= PHONE_DIGITS:
            score = phone_score(digits, candidate.phones)
        else:
            score = text_score(words, candidate.name_words, candidate.other_words)
        if score is not None:
            hits.append(
                FamilyHit(
                    uuid=candidate.uuid,
                    name=candidate.name,
                    address=candidate.address,
                    postcode=candidate.postcode,
                    city=candidate.city,
                    score=score,
                )
            )
    hits.sort(key=lambda hit: (-hit.score, fold(hit.name), hit.name))
    return hits[:MAX_HITS]


def search_families(user: UserLike, hotline: Hotline, query: str) -> list[FamilyHit]:
    """The families of the hotline's municipalities matching `query`, best first. A query
    shorter than two characters searches nothing. Side effect: "hotline.family.search" with
    the number of results and the query's length (not the query)."""
    query = query.strip()
    if len(fold(query)) < MIN_QUERY and len(phone_digits(query)) < MIN_QUERY:
        return []
    hits = rank(query, _candidates(user, hotline))
    log_action(
        "hotline.family.search",
        actor=user,
        obj=hotline,
        municipality_id=hotline.municipality_id,
        data={
            "hotline": str(hotline.uuid),
            "results": len(hits),
            "query_length": len(query),
            "by_phone": len(phone_digits(query)) >= PHONE_DIGITS,
        },
    )
    return hits


# -- the call view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentCall:
    received_at: dt.datetime
    topic: str
    urgency: str


@dataclass(frozen=True)
class CallView:
    """What the person on duty sees of a family: nothing of the case."""

    uuid: uuid.UUID
    name: str
    address: str
    postcode: str
    city: str
    phone: str
    children: list[str]
    consultant: str | None
    recent_calls: list[RecentCall]


def get_call_view(user: UserLike, hotline: Hotline, family_uuid: uuid.UUID | str) -> CallView:
    """The call view of one family, or Http404 when it is not one `user` may open on
    `hotline`. Side effect: "hotline.family.read"."""
    try:
        family = (
            call_view_families(user, hotline)
            .only("pk", "uuid", "name", "address", "postcode", "city", "phone", "municipality_id")
            .get(uuid=family_uuid)
        )
    except (FosterFamily.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    log_action(
        "hotline.family.read",
        actor=user,
        obj=family,
        municipality_id=family.municipality_id,
        data={"hotline": str(hotline.uuid)},
    )
    return _call_view(family)


def _call_view(family: FosterFamily) -> CallView:
    children = list(
        current_placements()
        .filter(family=family)
        .order_by("child__first_name")
        .values_list("child__first_name", flat=True)
    )
    consultant = (
        ConsultantAssignment.objects.filter(family=family, ends_on__isnull=True)
        .select_related("consultant")
        .first()
    )
    urgencies = dict(Urgency.choices)
    recent = [
        RecentCall(received_at=received_at, topic=topic or "", urgency=str(urgencies.get(u, "")))
        for received_at, topic, u in Call.objects.filter(family=family)
        .order_by("-received_at", "-id")
        .values_list("received_at", "topic__name", "urgency")[:RECENT_CALLS]
    ]
    return CallView(
        uuid=family.uuid,
        name=family.name,
        address=family.address,
        postcode=family.postcode,
        city=family.city,
        phone=family.phone,
        children=children,
        consultant=(
            consultant.consultant.get_full_name() or consultant.consultant.get_username()
            if consultant
            else None
        ),
        recent_calls=recent,
    )


# -- calls ---------------------------------------------------------------------------------------


def open_calls(user: UserLike, hotline: Hotline) -> QuerySet[Call]:
    """The hotline's calls still to complete: stubs from the telephony system and calls
    registered without a family (only for whoever may register calls on it)."""
    if not rules.can_register_calls(user, hotline):
        return Call.objects.none()
    stubs = Call.objects.filter(hotline=hotline, status=CallStatus.STUB)
    unlinked = Call.objects.filter(hotline=hotline, family__isnull=True)
    return (
        (stubs | unlinked)
        .select_related("hotline", "topic", "registered_by")
        .order_by("-received_at", "id")[:OPEN_CALLS_LIMIT]
    )


def open_call_list(user: UserLike, hotline: Hotline) -> list[Call]:
    """`open_calls` read for the page. Side effect: "hotline.call.list" (ids only) when it
    lists any."""
    calls = list(open_calls(user, hotline))
    audit_call_list(user, calls, hotline=hotline)
    return calls


def get_call_for(user: UserLike, call_uuid: uuid.UUID | str, *, audit: bool = True) -> Call:
    """One call `user` may see (Http404 otherwise), with its follow-up. Side effect:
    "hotline.call.read" unless `audit` is False."""
    try:
        call = (
            Call.objects.filter(rules.call_filter(user))
            .select_related("hotline", "family", "topic", "registered_by", "follow_up__assignee")
            .distinct()
            .get(uuid=call_uuid)
        )
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_call_read(user, call)
    return call


def audit_call_read(user: UserLike, call: Call) -> None:
    log_action(
        "hotline.call.read",
        actor=user,
        obj=call.family or call,
        municipality_id=call.family.municipality_id if call.family else None,
        data={"call": str(call.uuid)},
    )


def audit_call_list(
    user: UserLike, calls: Sequence[Call], *, hotline: Hotline | None = None
) -> None:
    """One entry for a list of calls read (a page of the API's list, the open calls): the
    calls' and their families' ids, nothing else (a list shows callers' and families' names
    and numbers: never copied here). Under the one municipality the rows belong to (the
    family's, else the hotline's), or none when they span several. Nothing for an empty
    list."""
    if not calls:
        return
    municipalities = {
        call.family.municipality_id if call.family else call.hotline.municipality_id
        for call in calls
    }
    data: dict[str, Any] = {
        "calls": sorted(str(call.uuid) for call in calls),
        "families": sorted({str(call.family.uuid) for call in calls if call.family}),
    }
    if hotline is not None:
        data["hotline"] = str(hotline.uuid)
    log_action(
        "hotline.call.list",
        actor=user,
        municipality_id=municipalities.pop() if len(municipalities) == 1 else None,
        data=data,
    )


def get_call_to_complete(user: UserLike, call_uuid: uuid.UUID | str) -> Call:
    """A call `user` may complete or link to a family (a stub, or a call without a family):
    Http404 when they may neither see nor change it, PermissionDenied when they see it but
    may not change it."""
    try:
        call = Call.objects.select_related("hotline", "family", "topic").get(uuid=call_uuid)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if rules.can_change_call(user, call):
        return call
    if rules.can_view_call(user, call):
        raise PermissionDenied
    raise Http404


def follow_up_of(call: Call) -> FollowUp | None:
    """The call's follow-up, or None (a call without a family has none)."""
    follow_up: FollowUp | None = getattr(call, "follow_up", None)
    return follow_up


def can_register_calls(user: UserLike, hotline: Hotline) -> bool:
    return rules.can_register_calls(user, hotline)


def action_labels(actions: list[str]) -> list[str]:
    """The call's further actions as their labels, in the enum's order."""
    return [str(CallAction(action).label) for action in actions if action in CallAction.values]
