"""Measures benchmark: scoring SDQ answer sets with the pure scoring function and through the
API, and a child's trend page at national scale.

1. **Pure scoring:** 100,000 random SDQ answer sets (parent form; each item 0–2, about 5 % of the
   items left out, the impact supplement answered at random) scored with
   `samspil.measures.scoring.score` in one loop: total time and rate. No database.
2. **Scoring through the API:** the same kind of answer sets sent one by one as
   `POST /api/v1/instruments/sdq-parent-4-17/score` in process (Django's test `Client` with a
   personal API token: every middleware, the token check, schema validation, the instrument's
   current version read from the database, scoring, JSON): the time per request (median, p95,
   mean) and the total for the requests sent; with `--quick` fewer requests are sent and the
   total for 100,000 is extrapolated from the mean (and marked as such).
3. **A child's trend page at national scale:** the national child in København with the most
   responses, as the first national consultant of København, `GET /children/<uuid>/measures/`
   and `GET /api/v1/children/<uuid>/trends` (wall time per request, queries), when the national
   data set has measures data (`generate_national` with `national_measures.generate_measures`);
   otherwise a note says why it was left out.

Run alone it uses the bench database of `bench/run.py` (`data/bench.sqlite3` or
`BENCH_DATABASE_URL`), migrating it first; `bench/run.py` calls `run_measures_bench` and writes
the section into BENCHMARKS.md. Side effects: a user `bench.measures` when the national data
is missing (for the API token), API tokens and their audit entries, the trend reads' audit
entries.

    uv run python bench/measures.py [--count 100000] [--quick] [--requests 30]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CODE = "sdq-parent-4-17"
FULL = 100_000
QUICK_API = 2_000
SEED = 20261101
IMPACT = ("impact_distress", "impact_home", "impact_friendships", "impact_classroom",
          "impact_leisure", "impact_burden")  # fmt: skip


def _setup_django() -> None:
    """Standalone: the bench database (never the everyday one) and the testing profile, as
    bench/run.py does; nothing when Django is already set up (called from bench/run.py)."""
    from django.conf import settings

    if settings.configured:
        return
    data_dir = Path(os.environ.get("SAMSPIL_DATA_DIR") or ROOT / "data")
    os.environ["DATABASE_URL"] = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{data_dir / 'bench.sqlite3'}"
    )
    os.environ.setdefault("SAMSPIL_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings")
    import django

    django.setup()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def answer_sets(count: int, seed: int = SEED) -> list[dict[str, int | None]]:
    """`count` random SDQ answer sets (deterministic for the seed)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    sets = []
    for _ in range(count):
        answers: dict[str, int | None] = {
            str(n): (None if rng.random() < 0.05 else rng.randint(0, 2)) for n in range(1, 26)
        }
        gate = rng.choice((0, 0, 1, 2, 3))
        answers["impact_difficulties"] = gate
        if gate:
            answers.update({key: rng.randint(0, 3) for key in IMPACT})
            answers["impact_duration"] = rng.randint(0, 3)
        sets.append(answers)
    return sets


@dataclass
class Timing:
    label: str
    count: int
    total_s: float
    samples_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    status: set[int] = field(default_factory=set)

    @property
    def rate(self) -> float:
        return self.count / self.total_s if self.total_s else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[max(0, int(0.95 * len(ordered) + 0.5) - 1)] if ordered else 0.0

    @property
    def mean_ms(self) -> float:
        return statistics.fmean(self.samples_ms) if self.samples_ms else 0.0


def pure_scoring(count: int) -> Timing:
    """Score `count` answer sets with the pure function; the answer sets are made first."""
    from samspil.measures import catalogue, scoring

    definition = catalogue.shipped_by_code()[CODE]
    sets = answer_sets(count)
    started = time.perf_counter()
    for answers in sets:
        scoring.score(definition, answers)
    return Timing("pure", count, time.perf_counter() - started)


def _activated(username: str) -> Any:
    """The user with an activated TOTP authenticator (the two-factor middleware lets staff
    through only then)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    from samspil.accounts.models import User

    user = User.objects.get(username=username)
    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def _api_user() -> Any:
    from samspil.accounts.models import User

    consultant = User.objects.filter(username="nat.konsulent.101.1").first()
    if consultant is not None:
        return consultant
    return User.objects.get_or_create(username="bench.measures")[0]


def api_scoring(count: int, log: Callable[[str], None]) -> Timing:
    """Send `count` scoring requests in process and time each."""
    from django.test import Client
    from django.utils import timezone

    from samspil.accounts.services import create_api_token

    _record, token = create_api_token(user=_api_user(), name=f"bench {timezone.now():%Y-%m-%d}")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    path = f"/api/v1/instruments/{CODE}/score"
    bodies = [json.dumps({"answers": answers}) for answers in answer_sets(count, SEED + 1)]
    for body in bodies[:20]:  # warm up
        client.post(path, data=body, content_type="application/json")
    timing = Timing("api", count, 0.0)
    step = max(count // 10, 1)
    started = time.perf_counter()
    for number, body in enumerate(bodies, start=1):
        before = time.perf_counter()
        response = client.post(path, data=body, content_type="application/json")
        timing.samples_ms.append((time.perf_counter() - before) * 1000)
        timing.status.add(response.status_code)
        if number % step == 0:
            log(f"  API scoring: {number:,} of {count:,}")
    timing.total_s = time.perf_counter() - started
    return timing


def trend_child() -> tuple[Any, Any] | None:
    """The first national consultant of København and the child there with the most
    responses they may see; None without national measures data."""
    from django.db.models import Count

    from samspil.accounts.models import User
    from samspil.families.models import Child
    from samspil.measures import rules

    consultant = User.objects.filter(username="nat.konsulent.101.1").first()
    if consultant is None:
        return None
    child = (
        Child.objects.filter(responses__in=_visible_responses(consultant, rules))
        .annotate(answers=Count("responses"))
        .order_by("-answers", "id")
        .first()
    )
    if child is None:
        return None
    return _activated(consultant.username), child


def _visible_responses(user: Any, rules: Any) -> Any:
    from samspil.measures.models import Response

    return Response.objects.filter(rules.response_filter(user), family__municipality__code="101")


def trend_pages(requests: int, log: Callable[[str], None]) -> tuple[list[Timing], str]:
    """Time the child's trend page and the trends API; the rows and a note."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from samspil.accounts.services import create_api_token
    from samspil.measures.models import Response

    found = trend_child()
    if found is None:
        return [], (
            "A child's trend page: the bench database has no national measures data (run "
            "`generate_national --reset` with the measures generator hooked in), so it was not "
            "measured."
        )
    consultant, child = found
    page_client = Client()
    page_client.force_login(consultant)
    _record, token = create_api_token(user=consultant, name=f"bench {timezone.now():%Y-%m-%d}")
    api_client = Client(headers={"Authorization": f"Bearer {token}"})
    answered = Response.objects.filter(child=child).count()
    rows = []
    for label, client, path in (
        ("trend page", page_client, f"/children/{child.uuid}/measures/"),
        ("trends API", api_client, f"/api/v1/children/{child.uuid}/trends"),
    ):
        log(f"  {label} …")
        for _ in range(5):
            client.get(path)
        timing = Timing(label, requests, 0.0)
        started = time.perf_counter()
        for _ in range(requests):
            before = time.perf_counter()
            response = client.get(path)
            timing.samples_ms.append((time.perf_counter() - before) * 1000)
            timing.status.add(response.status_code)
        timing.total_s = time.perf_counter() - started
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        timing.queries = len(captured.captured_queries)
        rows.append(timing)
    note = (
        f"The child has {answered} responses (every instrument and respondent); the page draws "
        "a chart and a table per scale."
    )
    return rows, note


def render(
    pure: Timing, api: Timing, trends: list[Timing], trend_note: str, *, quick: bool
) -> list[str]:
    """The "Measures" section of BENCHMARKS.md, as lines."""
    api_total = api.total_s if api.count >= FULL else api.mean_ms * FULL / 1000
    api_total_text = (
        f"{api_total:,.0f} s" if api.count >= FULL else f"about {api_total:,.0f} s (extrapolated)"
    )
    lines = [
        "## Measures",
        "",
        "`bench/measures.py`: scoring random SDQ answer sets (parent form, about 5 % of the items "
        "left out, the impact supplement at random) with the pure function "
        "(`samspil.measures.scoring.score`, no database) and through the API "
        f"(`POST /api/v1/instruments/{CODE}/score` in process with a personal token: middleware, "
        "token check, validation, the current version read, scoring, JSON), and a child's trend "
        "page at national scale.",
        "",
        "| what | answer sets / requests | total s | per second | median ms | p95 ms | "
        "mean ms | for 100,000 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| pure scoring | {pure.count:,} | {pure.total_s:.2f} | {pure.rate:,.0f} | — | — "
        f"| {pure.total_s / pure.count * 1000:.4f} | "
        f"{pure.total_s * FULL / pure.count:,.1f} s |",
        f"| scoring through the API | {api.count:,} | {api.total_s:.1f} | {api.rate:,.0f} "
        f"| {api.median_ms:.2f} | {api.p95_ms:.2f} | {api.mean_ms:.2f} | {api_total_text} |",
        "",
    ]
    if quick or api.count < FULL:
        lines += [
            f"The API was measured with {api.count:,} requests (`--quick`); the total for "
            "100,000 is the mean × 100,000.",
            "",
        ]
    if api.status != {200}:
        lines += [f"**The API answered {sorted(api.status)}**, not only 200.", ""]
    if trends:
        lines += [
            "| page | requests | median ms | p95 ms | queries |",
            "| --- | ---: | ---: | ---: | ---: |",
            *[
                f"| {t.label} | {t.count} | {t.median_ms:.1f} | {t.p95_ms:.1f} | {t.queries} |"
                for t in trends
            ],
            "",
        ]
    lines += [trend_note, ""]
    return lines


def run_measures_bench(
    *,
    count: int = FULL,
    quick: bool = False,
    requests: int = 30,
    log: Callable[[str], None] = lambda message: None,
) -> list[str]:
    """Run the three parts and return the markdown lines (Django must be set up)."""
    log(f"Measures: scoring {count:,} SDQ answer sets with the pure function …")
    pure = pure_scoring(count)
    api_count = min(count, QUICK_API) if quick else count
    log(f"Measures: scoring {api_count:,} answer sets through the API …")
    api = api_scoring(api_count, log)
    log("Measures: a child's trend page at national scale …")
    trends, note = trend_pages(requests, log)
    return render(pure, api, trends, note, quick=quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=FULL, help="answer sets to score")
    parser.add_argument(
        "--quick", action="store_true", help=f"send only {QUICK_API:,} API requests"
    )
    parser.add_argument("--requests", type=int, default=30, help="trend page requests")
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    lines = run_measures_bench(
        count=args.count,
        quick=args.quick,
        requests=args.requests,
        log=lambda message: print(message, file=sys.stderr, flush=True),
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
