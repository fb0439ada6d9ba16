"""Server time and queries of the public pages with 500 organisations.

Target: the НОК results page of a 500-organisation region renders in under
150 ms of server time with the page cache off, and its number of queries does
not grow with the number of organisations.

Subject: the results page (plain, and filtered by district and sorted by
total), an organisation's card, the directory and the comparison of two
organisations, requested in-process through ``django.test.Client`` with the
page cache off (``QP_PAGE_CACHE_SECONDS=0``) and on (600 s, local memory,
warm). Each page gets ``repeat`` requests (round-robin over the pages), the
first ``WARMUP`` are discarded; median and p95 of the rest are reported, and
the queries of one more request.

Baseline (same run, same mode): the plain ``StandardPage`` ``/o-portale/``,
the same site chrome with no data. Ratios are to its median.

Query constancy: a second, smaller region is built in its own fresh database
and measured the same way; each page's query counts are printed side by side.

Each region lives in its own database (a temporary SQLite file unless
``--database-url`` names an empty one), so it is measured in its own spawned
process that sets Django up on that database. Django is imported only there:
this module is imported by ``bench/run.py`` before any settings exist.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from django.test import Client

BUDGET_MS = 150.0
SMALL_ORGANISATIONS = 50
RESPONSES = 5_000  # Декада questionnaires; none of the measured pages reads them
WARMUP = 3
CACHE_SECONDS = 600
CAMPAIGN = "nok-2024"
#: ``QP_BENCH_PAGES_BUILDER``: ``national`` (default) builds every region with
#: :mod:`portal_site.demo_national` (bulk paths, COPY on PostgreSQL: 20,000
#: organisations in minutes), ``region`` with :func:`portal_site.demo.build`
#: (the ORM row by row; the figures before 2026-12-08).
BUILDERS = ("national", "region")
SETTINGS = "portal_site.settings.test"  # default: DEBUG off, local-memory cache
BUDGETED = ("results", "results, filtered")


@dataclass(frozen=True)
class PageFigures:
    """One page in one mode: server time in ms and the queries of a request."""

    name: str
    url: str
    median_ms: float
    p95_ms: float
    queries: int


@dataclass(frozen=True)
class RegionFigures:
    """Everything measured on one region."""

    organisations: int
    database: str
    settings: str
    build_seconds: float
    builder: str
    uncached: tuple[PageFigures, ...]
    cached: tuple[PageFigures, ...]


def run(*, organisations: int, repeat: int, database_url: str | None = None) -> int:
    """Build both regions, measure, print; return 1 if a target is missed."""
    if repeat < WARMUP + 2:
        raise ValueError(
            f"--repeat must be at least {WARMUP + 2}: {WARMUP} warm-up requests "
            f"and two timed ones"
        )
    small = min(SMALL_ORGANISATIONS, organisations)
    with ExitStack() as cleanup:
        if database_url:
            large_url = database_url
            small_url = _sibling_database(database_url, cleanup)
        else:
            workdir = Path(tempfile.mkdtemp(prefix="qp-bench-pages-"))
            cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
            large_url = f"sqlite:///{workdir / 'large.sqlite3'}"
            small_url = f"sqlite:///{workdir / 'small.sqlite3'}"
        large_figures = _in_fresh_process(large_url, organisations, repeat)
        small_figures = _in_fresh_process(small_url, small, repeat)
    return _report(large_figures, small_figures, repeat)


# ------------------------------------------------------------------ parent side


def _in_fresh_process(url: str, organisations: int, repeat: int) -> RegionFigures:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(measure_region, url, organisations, repeat).result()


def _sibling_database(url: str, cleanup: ExitStack) -> str:
    """Create a new empty database next to ``url`` for the small region.

    Its removal is registered on ``cleanup``; the database at ``url`` is kept.
    """
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    if parts.scheme in {"postgres", "postgresql"}:
        sibling = f"{name}_pages_small"
        _postgres(url, "CREATE DATABASE {}", sibling)
        cleanup.callback(_postgres, url, "DROP DATABASE IF EXISTS {}", sibling)
        return urlunsplit(parts._replace(path=f"{head}/{sibling}"))
    if parts.scheme == "sqlite":
        stem, dot, suffix = name.rpartition(".")
        sibling = f"{stem}-small{dot}{suffix}" if dot else f"{name}-small"
        small_url = urlunsplit(parts._replace(path=f"{head}/{sibling}"))
        path = Path(_database_name(small_url))
        if path.exists():
            raise RuntimeError(f"{path} exists: the small region needs a new file")
        cleanup.callback(_remove_sqlite, path)
        return small_url
    raise ValueError(f"unsupported database URL: {url}")


def _database_name(url: str) -> str:
    import dj_database_url

    return str(dj_database_url.parse(url)["NAME"])


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _postgres(url: str, statement: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(database)))


def _report(large: RegionFigures, small: RegionFigures, repeat: int) -> int:
    print(f"[pages] database: {large.database}; settings {large.settings} (DEBUG off)")
    print(
        f"[pages] organisations: {large.organisations} (built in "
        f"{large.build_seconds:.0f} s by the {large.builder} builder); {repeat} requests a page, first {WARMUP} "
        f"discarded; ratios to the baseline's median in the same mode"
    )
    for row in large.uncached:
        print(f"[pages]   {row.name + ':':<19} {row.url}")
    for title, rows in (
        ("uncached (QP_PAGE_CACHE_SECONDS=0)", large.uncached),
        (f"cached ({CACHE_SECONDS} s, local memory, warm)", large.cached),
    ):
        base = rows[0].median_ms
        print(f"[pages] {title}:")
        print(f"[pages]   {'':<18} {'median':>9} {'p95':>9} {'queries':>7}  ratio")
        for row in rows:
            print(
                f"[pages]   {row.name:<18} {row.median_ms:6.1f} ms {row.p95_ms:6.1f} ms "
                f"{row.queries:>7} {row.median_ms / base:5.2f}x"
            )
    print(
        f"[pages] queries with {small.organisations} / {large.organisations} "
        f"organisations, uncached and cached (and the uncached medians):"
    )
    constant = True
    for few, many, few_cached, many_cached in zip(
        small.uncached, large.uncached, small.cached, large.cached, strict=True
    ):
        same = few.queries == many.queries and few_cached.queries == many_cached.queries
        constant &= same
        print(
            f"[pages]   {few.name:<18} {few.queries:>3} / {many.queries:<3}  "
            f"{few_cached.queries:>3} / {many_cached.queries:<3}  "
            f"{'constant' if same else 'GROWS':<8}  "
            f"({few.median_ms:.1f} / {many.median_ms:.1f} ms)"
        )
    within = True
    for row in large.uncached:
        if row.name in BUDGETED:
            ok = row.median_ms < BUDGET_MS
            within &= ok
            print(
                f"[pages] budget {BUDGET_MS:.0f} ms, {row.name} uncached: median "
                f"{row.median_ms:.1f} ms (p95 {row.p95_ms:.1f} ms): "
                f"{'within' if ok else 'OVER'}"
            )
    return 0 if within and constant else 1


# ------------------------------------------------------------------- child side


def measure_region(database_url: str, organisations: int, repeat: int) -> RegionFigures:
    """In a fresh process: set Django up on an empty database, build, measure."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from portal_site import demo, demo_national

    if settings.DEBUG:
        raise RuntimeError("DEBUG is on: query logging would distort the timings")
    if connection.introspection.table_names():
        raise RuntimeError(f"{database_url} is not empty: give an empty database")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log = lambda line: print(f"[pages] {organisations}: {line}", flush=True)  # noqa: E731
    if builder() == "national":
        demo_national.build(
            demo_national.NationalScale(
                organisations=organisations, responses=RESPONSES
            ),
            log=log,
        )
    else:
        demo.build(
            demo.DemoScale(organisations=organisations, responses=RESPONSES), log=log
        )
    build_seconds = time.perf_counter() - started
    pages = _pages()
    uncached = _measure_all(pages, repeat, cache_seconds=0)
    cached = _measure_all(pages, repeat, cache_seconds=CACHE_SECONDS)
    return RegionFigures(
        organisations=organisations,
        database=database_version(),
        settings=os.environ["DJANGO_SETTINGS_MODULE"],
        build_seconds=build_seconds,
        builder=builder(),
        uncached=uncached,
        cached=cached,
    )


def builder() -> str:
    """The region builder ``QP_BENCH_PAGES_BUILDER`` names (default ``national``)."""
    name = os.environ.get("QP_BENCH_PAGES_BUILDER", "national")
    if name not in BUILDERS:
        raise ValueError(f"QP_BENCH_PAGES_BUILDER must be one of {', '.join(BUILDERS)}")
    return name


def _pages() -> list[tuple[str, str]]:
    """The measured URLs, the baseline first; the same in every region."""
    from evaluation.models import Organisation

    first, second = Organisation.objects.order_by("code")[:2]
    district = first.district.slug
    return [
        ("baseline", "/o-portale/"),
        ("results", f"/ocenka/{CAMPAIGN}/"),
        (
            "results, filtered",
            f"/ocenka/{CAMPAIGN}/?district={district}&sort=total&order=desc",
        ),
        ("card", f"/organizacii/{first.slug}/{CAMPAIGN}/"),
        ("directory", "/organizacii/"),
        ("comparison", f"/organizacii/compare/?org={first.slug}&org={second.slug}"),
    ]


def _measure_all(
    pages: list[tuple[str, str]], repeat: int, *, cache_seconds: int
) -> tuple[PageFigures, ...]:
    """Time every page ``repeat`` times, round-robin, then count its queries.

    Rounds go over all pages in turn, so a burst of load from elsewhere on the
    machine slows every page alike instead of one page's whole series.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(
        QP_PAGE_CACHE_SECONDS=cache_seconds,
        ALLOWED_HOSTS=["testserver"],
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "qp-bench-pages",
            }
        },
    ):
        cache.clear()
        client = Client()
        samples: dict[str, list[float]] = {url: [] for _name, url in pages}
        for _ in range(repeat):
            for _name, url in pages:
                samples[url].append(_timed_get(client, url))
        figures = []
        for name, url in pages:
            kept = samples[url][WARMUP:]
            # A separate request: logging queries must not slow the timed ones.
            # The log is reset when the next request starts: count it at once.
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            figures.append(
                PageFigures(
                    name=name,
                    url=url,
                    median_ms=statistics.median(kept),
                    p95_ms=statistics.quantiles(kept, n=20, method="inclusive")[-1],
                    queries=len(queries.captured_queries),
                )
            )
        return tuple(figures)


def _timed_get(client: Client, url: str) -> float:
    """Server time of one GET in ms (the client calls the handler in-process)."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def database_version() -> str:
    """The database vendor and server version the current connection reports."""
    from django.db import connection

    statement = {
        "postgresql": "SHOW server_version",
        "sqlite": "SELECT sqlite_version()",
    }.get(connection.vendor)
    if statement is None:
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return f"{connection.vendor} {cursor.fetchone()[0]}"
