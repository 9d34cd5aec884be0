"""`make bench`: server-side timings of the main pages and API lists on the national data set,
written to BENCHMARKS.md.

Runs in-process with Django's test `Client` (no network, no WSGI server), against its own
database: `data/bench.sqlite3` by default, or `BENCH_DATABASE_URL` (e.g. PostgreSQL). The
database is migrated and, when the national data set is missing, filled with
`python manage.py generate_national`. Not a test: nothing is asserted about time.

Side effects: migrates and writes the bench database (national data, a TOTP authenticator and an
API token for each measuring user, audit entries for the reads measured); writes BENCHMARKS.md
(or --output). Progress goes to stderr.

The hotline is measured like the other pages (the leaders' statistics page, the consultant's
start page with its follow-ups) plus one write: registering a call end to end through the API
(`POST /api/v1/hotline-calls` → the call and the fixed consultant's follow-up with its due
date; each request adds a call to the bench database). Then `bench/composition.py`: the
network-group optimiser against a greedy assignment on synthetic pools of 50, 200 and 1,000
families (no database), and `bench/rota.py`'s quarter rota for 30 staff when it is there
(`run_rota_bench`), each written as its own section.

    uv run python bench/run.py [--requests 30] [--warmup 5] [--scale 1.0] [--output FILE]
                               [--composition-time-factor 1.0 | --skip-composition]
                               [--skip-rota]
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import json
import math
import os
import platform
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SAMSPIL_DATA_DIR") or ROOT / "data")
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"

# Before Django reads its settings: the bench database (never the everyday one), and the
# testing profile so that settings load without production secrets.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
os.environ.setdefault("SAMSPIL_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from allauth.mfa.utils import is_mfa_enabled  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.utils import CursorWrapper  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.query import ModelIterable, prefetch_related_objects  # noqa: E402
from django.db.models.sql.compiler import SQLCompiler  # noqa: E402
from django.template.base import Template  # noqa: E402
from django.template.defaulttags import URLNode  # noqa: E402
from django.templatetags.i18n import BlockTranslateNode, TranslateNode  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from ninja.operation import Operation  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench import composition  # noqa: E402
from samspil.accounts.enums import Role  # noqa: E402
from samspil.accounts.models import User  # noqa: E402
from samspil.accounts.scopes import scope_for  # noqa: E402
from samspil.accounts.services import create_api_token  # noqa: E402
from samspil.api import api  # noqa: E402
from samspil.audit.models import AuditEntry  # noqa: E402
from samspil.audit.services import log_action  # noqa: E402
from samspil.competence.models import Offering  # noqa: E402
from samspil.core.demo.national import national_exists, national_username  # noqa: E402
from samspil.core.demo.national_hotline import NATIONAL_SUFFIX  # noqa: E402
from samspil.development.models import DevelopmentPlan  # noqa: E402
from samspil.families.models import (  # noqa: E402
    Child,
    ConsultantAssignment,
    FosterFamily,
    FosterParent,
    Placement,
)
from samspil.hotline.models import Call, Hotline, Shift  # noqa: E402
from samspil.measures.models import Response  # noqa: E402
from samspil.networks.models import Meeting, Mentorship, NetworkGroup  # noqa: E402
from samspil.transitions.models import Transition  # noqa: E402

# The test Client's host name, as the test runner would allow it.
if "testserver" not in settings.ALLOWED_HOSTS:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

TARGET_RATIO = 3.0
LARGE = "101"  # København, the largest municipality
SMALL = "825"  # Læsø, the smallest: the same pages there show whether queries grow with rows


def log(message: str) -> None:
    """Print a progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Page:
    label: str
    path: str  # may contain {family}; with `url_name`, the query string (may contain {new_family})
    who: str  # "consultant", "leader", "foster_parent", "specialist", "api" or "anonymous"
    url_name: str = ""  # reversed for the path when given (pages whose views may not exist yet)
    arg: str = ""  # the record whose UUID is the URL's argument: "group", "hotline"
    body: str = ""  # a POST's JSON body (may contain {family} and {now}); empty for a GET
    expected: int = 200  # the status of a request that worked

    @property
    def needs(self) -> set[str]:
        """The records (Clients.ids keys) the path and body need."""
        text = self.path + self.body
        wanted = {
            name for name in ("family", "new_family", "group", "child") if f"{{{name}}}" in text
        }
        return wanted | ({self.arg} if self.arg else set())


PAGES = [
    Page("Minimal view (yardstick)", "/bench/minimal", "consultant"),
    Page("Minimal view, anonymous", "/bench/minimal", "anonymous"),
    Page("Start page (with hotline follow-ups)", "/", "consultant"),
    Page("Family list", "/families/", "consultant"),
    Page("Family list, search", "/families/?q=Hansen", "consultant"),
    Page("Family detail", "/families/{family}/", "consultant"),
    Page("Children list", "/children/", "consultant"),
    Page("Audit log", "/audit/", "leader"),
    Page("API: families", "/api/v1/families", "api"),
    Page("API: children", "/api/v1/children", "api"),
    Page("API: municipalities", "/api/v1/municipalities", "api"),
    Page("Catalogue (foster parent)", "/catalogue/", "foster_parent"),
    Page("Year calendar (foster parent)", "/calendar/?year=2026", "foster_parent"),
    Page("Supervision list (specialist)", "/supervision/", "specialist"),
    Page("API: enrolments", "/api/v1/enrolments", "api"),
    Page("Network groups", "", "consultant", url_name="networks:group_list"),
    Page("Network group detail", "", "consultant", url_name="networks:group_detail", arg="group"),
    Page("Network cadence gaps", "", "leader", url_name="networks:gap_report"),
    Page("Mentor families", "", "consultant", url_name="networks:mentor_list"),
    Page(
        "Mentor suggestions",
        "?family={new_family}&reason=new_family",
        "consultant",
        url_name="networks:mentor_suggestions",
    ),
    Page(
        "Hotline statistics (leader)",
        "",
        "leader",
        url_name="hotline:statistics",
        arg="hotline",
    ),
    Page(
        "Registering a hotline call end to end (API POST)",
        "/api/v1/hotline-calls",
        "api",
        body='{{"family": "{family}", "received_at": "{now}"}}',
        expected=201,
    ),
    Page("Development plans", "", "consultant", url_name="development:plan_list"),
    Page("Transitions", "", "consultant", url_name="transitions:list"),
    Page("Child trends", "", "consultant", url_name="measures:child_trends", arg="child"),
    Page("API: child trends", "/api/v1/children/{child}/trends", "api"),
]
YARDSTICK = PAGES[0]
HOTLINE_CALLS = "/api/v1/hotline-calls"


def api_has_post(path: str) -> bool:
    """Whether the API offers POST `path` (the hotline endpoint is written alongside this)."""
    paths = api.get_openapi_schema().get("paths", {})
    return "post" in paths.get(path, {})


def available(pages: list[Page]) -> tuple[list[Page], list[str]]:
    """The pages whose URL exists, and a note for each page skipped because its URL name is not
    defined (yet): the networks views are written alongside this benchmark."""
    found, notes = [], []
    for page in pages:
        if page.body and not api_has_post(page.path):
            notes.append(
                f"{page.label}: the API has no `POST {page.path}` (yet), so it was not measured."
            )
            continue
        if page.url_name:
            try:
                reverse(page.url_name, args=[uuid.UUID(int=0)] if page.arg else [])
            except NoReverseMatch:
                notes.append(
                    f"{page.label}: the URL name `{page.url_name}` is not defined, so the page "
                    "was not measured."
                )
                continue
        found.append(page)
    return found, notes


@dataclass
class Clients:
    """Logged-in clients for one municipality, and the records whose pages are measured:
    `ids` maps "family" (the consultant's family with the most placements), "group" (the
    municipality's active network group with the most meetings) and "new_family" (its most
    recently approved family without a mentor) to UUIDs; a small municipality may lack a group."""

    code: str
    by_who: dict[str, Client]
    ids: dict[str, str]

    def has(self, page: Page) -> bool:
        return page.needs <= set(self.ids)

    def path(self, page: Page) -> str:
        query = page.path.format(**self.ids)
        if not page.url_name:
            return query
        return reverse(page.url_name, args=[self.ids[page.arg]] if page.arg else []) + query

    def send(self, page: Page) -> Any:
        """One request for `page`: a GET, or a POST of its body (`{now}` a minute ago)."""
        client = self.by_who[page.who]
        if not page.body:
            return client.get(self.path(page))
        now = (timezone.localtime() - timedelta(minutes=1)).isoformat()
        body = page.body.format(now=now, **self.ids)
        return client.post(self.path(page), data=json.loads(body), content_type="application/json")

    def shown(self, page: Page) -> str:
        """The path with the records' UUIDs masked, for the report."""
        path = self.path(page)
        for value in self.ids.values():
            path = path.replace(value, "‹uuid›")
        return path


@dataclass
class Result:
    page: Page
    shown: str = ""  # the path measured, UUIDs masked
    samples_ms: list[float] = field(default_factory=list)  # wall clock per request
    cpu_ms: list[float] = field(default_factory=list)  # this thread's CPU time per request
    statuses: set[int] = field(default_factory=set)
    queries: int = 0
    sql_ms: float = 0.0
    slowest_sql: str = ""
    slowest_sql_ms: float = 0.0
    small_queries: int | None = None
    small_status: int | None = None
    profile: list[tuple[str, float]] = field(default_factory=list)  # (where, share of time)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def prepare_database(scale: float) -> float | None:
    """Migrate the bench database and generate the national data set if it is missing.
    Returns the generation time in seconds, or None when the data was already there."""
    log(f"Migrating the bench database ({connection.vendor}: {connection.settings_dict['NAME']}) …")
    call_command("migrate", interactive=False, verbosity=0)
    generated = (
        AuditEntry.objects.filter(action="core.demo.generate_national").order_by("-id").first()
    )
    complete = (
        national_exists()
        and Offering.objects.filter(responsible__username__startswith="nat.").exists()
        and generated is not None
        and "network_groups" in generated.data  # generated with the networks data
        and "hotline_calls" in generated.data  # and with the hotline data
        and "responses" in generated.data  # and with the measures data
    )
    if complete:
        log("National data set present.")
        return None
    log(f"Generating the national data set (scale {scale}) …")
    started = time.perf_counter()
    call_command("generate_national", scale=scale, reset=True, stdout=sys.stderr, stderr=sys.stderr)
    return time.perf_counter() - started


def measuring_user(username: str) -> User:
    """The national user `username`, with an activated TOTP authenticator so that the
    two-factor middleware lets them through (as it does every staff member who set it up)."""
    user = User.objects.get(username=username)
    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def clients_for(code: str) -> Clients:
    """Clients for the first consultant and leader of municipality `code`, and an API client
    with a fresh personal token of the consultant (side effect: a token and its audit entry)."""
    consultant = measuring_user(national_username("konsulent", code, 1))
    leader = measuring_user(national_username("leder", code, 1))
    consultant_client = Client()
    consultant_client.force_login(consultant)
    leader_client = Client()
    leader_client.force_login(leader)
    _record, token = create_api_token(user=consultant, name=f"bench {timezone.now():%Y-%m-%d}")
    api_client = Client(headers={"Authorization": f"Bearer {token}"})
    family = (
        FosterFamily.objects.filter(
            consultant_assignments__consultant=consultant,
            consultant_assignments__ends_on__isnull=True,
        )
        .annotate(placement_count=Count("placements", distinct=True))
        .order_by("-placement_count", "name", "id")
        .first()
    )
    if family is None:
        raise SystemExit(f"No family of {consultant.username}: is the national data complete?")
    parent = FosterParent.objects.filter(family=family).order_by("id").first()
    if parent is None:
        raise SystemExit(f"No foster parent in {family}: is the national data complete?")
    if parent.user is None:
        parent_user = User.objects.create(username=f"nat.bench.parent.{code}")
        FosterParent.objects.filter(pk=parent.pk).update(user=parent_user)
        parent.user = parent_user
    parent_client = Client()
    parent_client.force_login(parent.user)
    specialist = (
        User.objects.filter(
            memberships__role=Role.SPECIALIST,
            memberships__institution__municipality__code=code,
        )
        .order_by("username")
        .first()
    )
    if specialist is None:
        raise SystemExit(f"No specialist in municipality {code}: is the national data complete?")
    specialist_client = Client()
    specialist_client.force_login(measuring_user(specialist.username))
    ids = {"family": str(family.uuid)}
    group = (
        NetworkGroup.objects.filter(municipality__code=code, ended_on__isnull=True)
        .annotate(meeting_count=Count("meetings"))
        .order_by("-meeting_count", "name", "id")
        .first()
    )
    if group is not None:
        ids["group"] = str(group.uuid)
    new_family = (
        FosterFamily.objects.filter(municipality__code=code, mentorships_as_mentee=None)
        .order_by("-approved_on", "id")
        .first()
    )
    if new_family is not None:
        ids["new_family"] = str(new_family.uuid)
    hotline = (
        Hotline.objects.filter(municipality__code=code, name__endswith=NATIONAL_SUFFIX)
        .order_by("id")
        .first()
    )
    if hotline is not None:
        ids["hotline"] = str(hotline.uuid)
    child = (
        Child.objects.filter(responses__family__municipality__code=code)
        .annotate(response_count=Count("responses"))
        .order_by("-response_count", "id")
        .first()
    )
    if child is not None:
        ids["child"] = str(child.uuid)
    return Clients(
        code=code,
        by_who={
            "consultant": consultant_client,
            "leader": leader_client,
            "api": api_client,
            "foster_parent": parent_client,
            "specialist": specialist_client,
            "anonymous": Client(),
        },
        ids=ids,
    )


@dataclass
class QueryTimer:
    """A database execute wrapper that times every query of one request."""

    timings: list[tuple[float, str]] = field(default_factory=list)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append(((time.perf_counter() - started) * 1000, sql))


def count_queries(clients: Clients, page: Page) -> tuple[int, int, QueryTimer]:
    """One untimed request: its status, its number of queries and their timings."""
    timer = QueryTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        response = clients.send(page)
    return response.status_code, len(captured.captured_queries), timer


def measure(
    pages: list[Page], large: Clients, small: Clients, warmup: int, requests: int
) -> list[Result]:
    """Time every page for the large municipality: `warmup` untimed GETs each, then `requests`
    rounds of one timed GET per page, interleaved (each round in a rotated order) so that a
    change in the machine's load touches every page alike. Then count each page's queries
    there and in the small municipality (untimed GETs; the SQL time is the median of three)."""
    results = [Result(page, shown=large.shown(page)) for page in pages]
    bar = tqdm(total=len(pages) * (warmup + 1 + requests + 4), desc="Requests", file=sys.stderr)
    for page in pages:
        bar.set_postfix_str(f"warm-up: {page.label}")
        for _ in range(warmup):
            large.send(page)
        if small.has(page):
            small.send(page)
        bar.update(warmup + 1)
    bar.set_postfix_str("measuring")
    for round_number in range(requests):
        shift = round_number % len(pages)
        for result in results[shift:] + results[:shift]:
            cpu_started = time.thread_time()
            started = time.perf_counter()
            response = large.send(result.page)
            result.samples_ms.append((time.perf_counter() - started) * 1000)
            result.cpu_ms.append((time.thread_time() - cpu_started) * 1000)
            result.statuses.add(response.status_code)
            bar.update(1)
    bar.set_postfix_str("counting queries, profiling")
    for result in results:
        runs = sorted(
            (count_queries(large, result.page) for _ in range(3)),
            key=lambda run: sum(ms for ms, _sql in run[2].timings),
        )
        _status, result.queries, timer = runs[1]
        result.sql_ms = sum(ms for ms, _sql in timer.timings)
        slowest_ms, slowest_sql = max(timer.timings, default=(0.0, ""))
        result.slowest_sql_ms = slowest_ms
        result.slowest_sql = " ".join(slowest_sql.split())
        if small.has(result.page):
            small.send(result.page)  # an API token records its last use at most once a minute
            result.small_status, result.small_queries, _timer = count_queries(small, result.page)
        result.profile = profile_page(large, result.page)
        bar.update(4)
    bar.close()
    return results


# Where a request spends its time: (label, functions). A share is the cumulative time inside
# these functions over the page's whole time under cProfile; shares overlap (a query run from a
# template counts in "templates" and in "ORM").
PROBES: list[tuple[str, tuple[Callable[..., Any], ...]]] = [
    ("templates (with what they evaluate)", (Template.render,)),
    ("{% translate %} tags", (TranslateNode.render, BlockTranslateNode.render)),
    ("{% url %} tags", (URLNode.render,)),
    ("ORM: fetching rows and building model instances", (ModelIterable.__iter__,)),
    ("ORM: prefetch_related", (prefetch_related_objects,)),
    ("ORM: compiling SQL", (SQLCompiler.as_sql,)),
    ("SQL execution", (CursorWrapper._execute,)),  # type: ignore[attr-defined]
    ("API validation and serialisation", (Operation._result_to_response,)),
    ("audit log writes", (log_action,)),
    ("session save", (SessionStore.save,)),
    ("access scope (memberships)", (scope_for,)),
]


def _code_key(function: Callable[..., Any]) -> tuple[str, int, str]:
    code = getattr(function, "__func__", function).__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def profile_page(clients: Clients, page: Page, requests: int = 10) -> list[tuple[str, float]]:
    """Run `requests` requests under cProfile; the share of time inside each probe, largest
    first."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        clients.send(page)
    profiler.disable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    shares = []
    for label, functions in PROBES:
        cumulative = sum(table.get(_code_key(f), (0, 0, 0, 0.0))[3] for f in functions)
        if total and cumulative:
            shares.append((label, cumulative / total))
    return sorted(shares, key=lambda share: -share[1])


def database_description() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"
    return connection.vendor


def cpu_description() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def nproc() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _shorten(sql: str, limit: int = 160) -> str:
    return sql if len(sql) <= limit else sql[: limit - 1] + "…"


def _profile_text(result: Result, limit: int = 5) -> str:
    shown = [(label, share) for label, share in result.profile if share >= 0.05][:limit]
    return ", ".join(f"{label} {share:.0%}" for label, share in shown)


def diagnose(result: Result, yardstick: Result) -> list[str]:
    """Why a page misses the target, from its own numbers and profile."""
    lines: list[str] = []
    ratio = result.median_ms / yardstick.median_ms
    if ratio > TARGET_RATIO:
        python_ms = max(result.median_ms - result.sql_ms, 0.0)
        rest = "serialisation" if result.page.who == "api" else "template rendering"
        where = (
            "the database"
            if result.sql_ms >= python_ms
            else f"Python (ORM row handling, the view, {rest})"
        )
        text = (
            f"**{result.page.label}** is {ratio:.1f}× the minimal view "
            f"({result.median_cpu_ms / yardstick.median_cpu_ms:.1f}× in CPU time): of "
            f"{result.median_ms:.1f} ms, about {result.sql_ms:.1f} ms are spent executing "
            f"{result.queries} SQL queries and {python_ms:.1f} ms in Python, so most of it is "
            f"{where}."
        )
        if result.profile:
            text += f" Profile: {_profile_text(result)}."
        if result.slowest_sql_ms >= 1.0:
            text += (
                f" Slowest query ({result.slowest_sql_ms:.1f} ms): `{_shorten(result.slowest_sql)}`"
            )
        lines.append(text)
    if result.small_queries is not None and result.small_queries != result.queries:
        lines.append(
            f"**{result.page.label}** runs {result.queries} queries for København but "
            f"{result.small_queries} for Læsø: the query count depends on the data "
            "(or on a difference in what the two users see, e.g. an empty list)."
        )
    return lines


def caveats(info: RunInfo) -> list[str]:
    """What makes this run's numbers less telling than they look."""
    notes: list[str] = []
    if info.load_before[0] > nproc() or info.load_after[0] > nproc():
        notes.append(
            f"The machine was busy (load average {info.load_before[0]:.1f}–"
            f"{info.load_after[0]:.1f} on {nproc()} CPUs): wall-clock times are inflated and "
            "noisier than on an idle machine. The ratios and the CPU times are the steadier "
            "numbers; compare those between runs."
        )
    audit_entries = info.counts.get("audit entries", 0)
    if audit_entries < 100_000:
        notes.append(
            f"The audit log holds only {audit_entries:,} entries (generate_national writes only "
            "its own summary: the log is append-only, so a reset could not remove more), so "
            "the audit page is measured on a nearly empty table; a year of reads would hold "
            "millions."
        )
    notes += info.notes
    return notes


def row_counts() -> dict[str, int]:
    return {
        "foster families": FosterFamily.objects.count(),
        "children": Child.objects.count(),
        "placements": Placement.objects.count(),
        "consultant assignments": ConsultantAssignment.objects.count(),
        "users": User.objects.count(),
        "audit entries": AuditEntry.objects.count(),
        "foster families in København": FosterFamily.objects.filter(
            municipality__code=LARGE
        ).count(),
        "foster families in Læsø": FosterFamily.objects.filter(municipality__code=SMALL).count(),
        "network groups": NetworkGroup.objects.count(),
        "network meetings": Meeting.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "hotline shifts": Shift.objects.count(),
        "hotline calls": Call.objects.count(),
        "measure responses": Response.objects.count(),
        "development plans": DevelopmentPlan.objects.count(),
        "transitions": Transition.objects.count(),
    }


@dataclass(frozen=True)
class RunInfo:
    counts: dict[str, int]
    generated_s: float | None
    elapsed_s: float
    warmup: int
    requests: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    notes: list[str] = field(default_factory=list)  # pages skipped or measured only in part
    composition: list[str] = field(default_factory=list)  # the composition section's lines
    hotline: list[str] = field(default_factory=list)  # the hotline section's lines


def _load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in load)


def render_markdown(results: list[Result], info: RunInfo) -> str:
    """BENCHMARKS.md: method, machine, table, target and the pages that miss it."""
    yardstick = results[0]
    now = timezone.localtime()
    table = [
        "| page | as | path | status | median ms | p95 ms | × minimal | CPU ms | CPU × minimal "
        "| queries (København) | queries (Læsø) | SQL ms |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    misses: list[str] = []
    for result in results:
        ratio = result.median_ms / yardstick.median_ms
        cpu_ratio = result.median_cpu_ms / yardstick.median_cpu_ms
        status = ", ".join(str(code) for code in sorted(result.statuses))
        mark = "" if ratio <= TARGET_RATIO else " ✗"
        path = result.shown
        small = "—" if result.small_queries is None else str(result.small_queries)
        table.append(
            f"| {result.page.label} | {result.page.who} | `{path}` | {status} "
            f"| {result.median_ms:.1f} | {result.p95_ms:.1f} | {ratio:.1f}{mark} "
            f"| {result.median_cpu_ms:.1f} | {cpu_ratio:.1f} "
            f"| {result.queries} | {small} | {result.sql_ms:.1f} |"
        )
        if result is not yardstick:
            misses += diagnose(result, yardstick)
    bad_status = [
        r
        for r in results
        if r.statuses != {r.page.expected} or r.small_status not in (r.page.expected, None)
    ]
    generated = (
        f"; generating the national data set took {info.generated_s:.0f} s"
        if info.generated_s
        else ""
    )
    environment = [
        f"- Date: {now:%Y-%m-%d %H:%M %Z}",
        f"- Database: {database_description()} (`{connection.vendor}`)",
        f"- Machine: {cpu_description()}, `nproc` = {nproc()}, {platform.platform()}",
        f"- Load average (1/5/15 min) before the run {_load(info.load_before)}, "
        f"after {_load(info.load_after)}",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
        f"- Rows: {', '.join(f'{name} {number:,}' for name, number in info.counts.items())}",
        f"- Requests: {info.warmup} warm-up and {info.requests} measured per page; the whole "
        f"run took {info.elapsed_s:.0f} s{generated}.",
    ]
    within = [
        r.page.label
        for r in results
        if r is not yardstick
        and r.median_ms / yardstick.median_ms <= TARGET_RATIO
        and r.small_queries in (r.queries, None)
    ]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`); do not edit by hand, run it again. Not a test:",
        "nothing here is asserted; the numbers are for finding slow pages before users do.",
        "",
        "## What is measured",
        "",
        "Server time of one GET, in process: `time.perf_counter()` around Django's test `Client`",
        "(all middleware, the session, the access policy, the audit write of a detail read,",
        "template rendering or JSON serialisation; no network, no WSGI server, no browser). Every",
        f"page is requested as a consultant or leader of København (municipality {LARGE}, the",
        "largest) on the national data set from `python manage.py generate_national` (all 98",
        "municipalities). API lists use a personal token (`Authorization: Bearer …`). The family",
        "page is the consultant's own family with the most placements. Requests are interleaved:",
        "each round requests every page once, in a rotated order, so a change in the machine's",
        "load touches all pages alike. CPU ms is the thread's CPU time (`time.thread_time()`; the",
        "SQLite engine runs in the same thread), which a busy machine disturbs less than the wall",
        "clock.",
        "",
        "The yardstick is `/bench/minimal`, a view that returns `ok`, requested by the same",
        "logged-in consultant, so it carries the fixed cost of every request (session load and",
        "save, user, memberships, two-factor check): a ratio of 3 means the page's own work costs",
        "twice that fixed cost. The anonymous minimal view is shown for comparison. Query counts",
        "come from extra, untimed requests (`CaptureQueriesContext`), for København and for the",
        f"same page as the first consultant/leader of Læsø (municipality {SMALL}, the smallest):",
        "equal counts mean the number of queries does not grow with rows. SQL ms is the time spent",
        "executing SQL in one such request (timed with a database execute wrapper).",
        "",
        "## On what",
        "",
        *environment,
        "",
        "## Results",
        "",
        *table,
        "",
        "## Target",
        "",
        f"Every page within {TARGET_RATIO:g}× the minimal view at national scale; query counts",
        "constant in rows. ✗ marks a page over the time target.",
        "",
        "## Where the target is missed, and why",
        "",
    ]
    notes = caveats(info)
    if notes:
        lines += ["Caveats of this run:", "", *[f"- {note}" for note in notes], ""]
    if bad_status:
        lines += [
            "Pages that did not answer as expected (200, or 201 for the POST; their timings "
            "measure an error, not the page): "
            + ", ".join(
                f"{r.page.label} ({sorted(r.statuses)}, Læsø {r.small_status})" for r in bad_status
            )
            + ".",
            "",
        ]
    if misses:
        lines += [
            "Per page (profile shares are of the page's time under cProfile over 10 requests;",
            "they overlap, e.g. a query a template triggers counts under templates and ORM):",
            "",
            *[f"- {line}" for line in misses],
        ]
    else:
        lines.append("No page misses the target.")
    lines += ["", "Within the target: " + (", ".join(within) or "none") + ".", ""]
    lines += info.hotline
    lines += info.composition
    return "\n".join(lines)


def rota_section() -> tuple[list[str], list[str]]:
    """`bench/rota.py`'s quarter rota for 30 staff (written alongside this): its markdown lines,
    or a note why it was left out. Uses `run_rota_bench` when the module has it, else its
    `run` and `render` (shaped like `bench/composition.py`)."""
    try:
        from bench import rota as rota_bench
    except ImportError:
        return [], ["Hotline rota: there is no `bench/rota.py` (yet), so it was not measured."]
    log("Hotline rota benchmark (bench/rota.py) …")
    run_rota_bench = getattr(rota_bench, "run_rota_bench", None)
    if run_rota_bench is not None:
        accepts_log = "log" in inspect.signature(run_rota_bench).parameters
        output = run_rota_bench(log=log) if accepts_log else run_rota_bench()
        if isinstance(output, str):
            return output.splitlines(), []
        return [str(line) for line in output or []], []
    run, render = getattr(rota_bench, "run", None), getattr(rota_bench, "render", None)
    if run is None or render is None:
        return [], ["Hotline rota: `bench/rota.py` has no `run_rota_bench`, so it was not run."]
    problem, rows = run(log=log)
    return list(render(problem, rows, nproc())), []


def hotline_section(results: list[Result], rota: list[str]) -> list[str]:
    """What the hotline rows of the table measure, and the rota benchmark's own lines."""
    measured = {r.page.label for r in results}
    lines = [
        "## Hotline",
        "",
        "In the table above: **Start page (with hotline follow-ups)** is the consultant's start",
        "page, whose panel lists the consultant's open follow-ups and escalations; **Hotline",
        "statistics (leader)** is the project lead's page for København's national hotline (a",
        "year of calls: hour of day, weekday, holiday periods against normal weeks, topics,",
        "families, follow-ups, with its charts), counted in the database with a fixed number of",
        "queries; **Registering a hotline call end to end (API POST)** is `POST",
        f'{HOTLINE_CALLS}` with the consultant\'s token and `{{"family": …, "received_at": …}}`:',
        "the request, the policy, the call, the follow-up for the family's fixed consultant with",
        "its due date (the next working day), two audit entries, and the JSON answer (201). It is",
        "measured in the same rounds as the pages; every request adds a call.",
        "",
    ]
    if "Registering a hotline call end to end (API POST)" not in measured:
        lines += ["The call registration was not measured (see the caveats).", ""]
    return lines + rota + ([""] if rota else [])


def main() -> None:
    """Run the benchmark and write the report (see the module docstring for side effects)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests per page")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="scale of the data set if it must be generated"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument(
        "--composition-time-factor",
        type=float,
        default=1.0,
        help="scale the composition benchmark's CP-SAT time limits (10, 20 and 60 s)",
    )
    parser.add_argument(
        "--skip-composition", action="store_true", help="leave out the composition benchmark"
    )
    parser.add_argument(
        "--skip-rota", action="store_true", help="leave out bench/rota.py's quarter rota"
    )
    parser.add_argument(
        "--skip-measures", action="store_true", help="leave out bench/measures.py's scoring"
    )
    parser.add_argument(
        "--full-measures",
        action="store_true",
        help="score all 100,000 answer sets through the API too (about 20 minutes)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()
    generated_s = prepare_database(args.scale)
    log("Preparing the measuring users …")
    large = clients_for(LARGE)
    small = clients_for(SMALL)
    counts = row_counts()
    pages, notes = available(PAGES)
    for page in list(pages):
        if not large.has(page):
            pages.remove(page)
            notes.append(
                f"{page.label}: København has no {' or '.join(sorted(page.needs - set(large.ids)))}"
                " to show (too small a data set?), so the page was not measured."
            )
        elif not small.has(page):
            notes.append(
                f"{page.label}: Læsø has no {' or '.join(sorted(page.needs - set(small.ids)))} "
                "to show, so its query count was not compared."
            )
    for note in notes:
        log(f"NOTE: {note}")
    results = measure(pages, large, small, args.warmup, args.requests)
    for result in results:
        if result.statuses != {result.page.expected}:
            log(f"WARNING: {result.page.label} answered {sorted(result.statuses)} (København)")
        if result.small_status not in (result.page.expected, None):
            log(f"WARNING: {result.page.label} answered {result.small_status} (Læsø)")
    rota_lines, rota_notes = ([], []) if args.skip_rota else rota_section()
    notes += rota_notes
    section: list[str] = []
    if not args.skip_composition:
        rows = composition.run(time_factor=args.composition_time_factor, log=log)
        section = composition.render(rows, nproc())
    if not args.skip_measures:
        from bench import measures as measures_bench

        section += measures_bench.run_measures_bench(quick=not args.full_measures, log=log)
    info = RunInfo(
        counts=counts,
        generated_s=generated_s,
        elapsed_s=time.perf_counter() - started,
        warmup=args.warmup,
        requests=args.requests,
        load_before=load_before,
        load_after=os.getloadavg(),
        notes=notes,
        composition=section,
        hotline=hotline_section(results, rota_lines),
    )
    args.output.write_text(render_markdown(results, info), encoding="utf-8")
    log(f"Wrote {args.output}.")
    yardstick = results[0]
    for result in results:
        log(
            f"  {result.page.label:<28} {result.median_ms:8.2f} ms "
            f"×{result.median_ms / yardstick.median_ms:5.1f}  "
            f"cpu ×{result.median_cpu_ms / yardstick.median_cpu_ms:5.1f}  "
            f"{result.queries:3d} queries"
        )


if __name__ == "__main__":
    main()
