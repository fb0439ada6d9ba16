"""Requests per second and latency of the API's list endpoints under load.

Target: the organisations and results lists of the REST API v1 do not slow
down with the number of organisations (page-number pagination, a constant
number of queries per request): with 20,000 organisations their p95 stays
within ``P95_TOLERANCE`` times the p95 with 500.

Subject, on a real server over loopback: ``/api/v1/organisations/``,
``/api/v1/results/`` (the latest published НОК campaign by default) and
``/api/v1/results/?campaign=nok-2024``, each with ``page_size=50`` and a
random ``page`` over all the list's pages on every request; and the
organisations and default results lists walked by cursor (``?cursor=``): the
build process follows every ``next`` link once, and each request asks for a
random one of those pages.

Baseline (same server, same run): ``/healthz/``, the cheapest endpoint; the
requests per second of every endpoint are given as a ratio to it.

Server: gunicorn with the project's ``gunicorn.conf.py`` (threaded workers,
``CPU + 1`` processes of four threads unless ``GUNICORN_WORKERS`` /
``GUNICORN_THREADS`` say otherwise, access log on),
bound to a free port on 127.0.0.1, with ``portal_site.settings.production``
(DEBUG off, a random ``SECRET_KEY``, static files collected into a temporary
``STATIC_ROOT``) and the anonymous API throttle lifted
(``QP_API_ANON_RATE=1000000/min``): every request comes from one address.

Database: every size gets its own fresh database on a throwaway PostgreSQL 15
cluster (``scripts/services.py``; ``QP_TEST_POSTGRES_URL`` names an existing
server instead, where the databases are created and dropped). Only when
PostgreSQL cannot be started are the sizes built in temporary SQLite files,
and the report says so. Each size is migrated and built by
``portal_site.demo.build`` (one Декада questionnaire per organisation) in its
own spawned process, which also counts each endpoint's queries on the first
and the last page in-process; the build time is reported.

Load: ``concurrency`` threads, each with its own ``http.client`` connection
(kept alive when the server allows it: the threaded workers do; sync workers
would close every connection, so each request would open a new one), request one
endpoint as fast as they can for ``WARMUP_SECONDS`` plus ``seconds``;
requests completed during the timed part are counted. Any status but 200 is
an error. The client runs on the same machine and competes with the server
for CPU.

Django is imported only in the spawned build processes and the server: this
module is imported by ``bench/run.py`` before any settings exist.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.pages import database_version

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "portal_site.settings.production"
ANON_RATE = "1000000/min"
PAGE_SIZE = 50
CAMPAIGN = "nok-2024"
WARMUP_SECONDS = 2.0
P95_TOLERANCE = 1.5
START_TIMEOUT = 90.0
REQUEST_TIMEOUT = 60.0
HOST = "127.0.0.1"
HEADERS = {"Accept": "application/json"}


@dataclass(frozen=True)
class Endpoint:
    """One measured URL; ``paginated`` lists get a random ``page`` each request,
    ``cursor`` lists a random page of their cursor walk."""

    name: str
    path: str
    paginated: bool
    cursor: bool = False


ENDPOINTS = (
    Endpoint("baseline: /healthz/", "/healthz/", paginated=False),
    Endpoint(
        "organisations",
        f"/api/v1/organisations/?page_size={PAGE_SIZE}",
        paginated=True,
    ),
    Endpoint(
        "results (default)", f"/api/v1/results/?page_size={PAGE_SIZE}", paginated=True
    ),
    Endpoint(
        f"results ({CAMPAIGN})",
        f"/api/v1/results/?campaign={CAMPAIGN}&page_size={PAGE_SIZE}",
        paginated=True,
    ),
    Endpoint(
        "organisations, cursor",
        f"/api/v1/organisations/?page_size={PAGE_SIZE}&cursor=",
        paginated=True,
        cursor=True,
    ),
    Endpoint(
        "results, cursor",
        f"/api/v1/results/?page_size={PAGE_SIZE}&cursor=",
        paginated=True,
        cursor=True,
    ),
)


@dataclass(frozen=True)
class Build:
    """What the spawned build process reports about one size."""

    organisations: int
    database: str
    build_seconds: float
    counts: dict[str, int]  # endpoint name -> items in the list (0: not a list)
    queries: dict[str, tuple[int, int]]  # endpoint name -> first page, last page
    cursors: dict[str, tuple[str, ...]]  # cursor endpoint name -> every page's path


@dataclass(frozen=True)
class Load:
    """One endpoint under load: completed requests in the timed window."""

    name: str
    pages: int
    requests: int
    seconds: float
    errors: int
    error_sample: str
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


@dataclass(frozen=True)
class SizeFigures:
    build: Build
    workers: int
    load_average: float  # of the machine, 1 minute, just before the load
    loads: tuple[Load, ...]


def run(*, organisations: Sequence[int], seconds: float, concurrency: int) -> int:
    """Build every size, serve it with gunicorn, load it, print; 1 if a target fails."""
    sizes = list(organisations)
    if not sizes or min(sizes) < 1:
        raise ValueError("--organisations: give positive sizes, e.g. 500,20000")
    if seconds <= 0 or concurrency < 1:
        raise ValueError("--seconds must be positive and --concurrency at least 1")
    from scripts import services

    results: list[SizeFigures] = []
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="qp-bench-api-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        try:
            server: str | None = cleanup.enter_context(
                services.postgresql(log=lambda line: print(f"[api] postgresql: {line}"))
            )
        except services.ServiceUnavailable as error:
            print(
                f"!!! [api] PostgreSQL unavailable ({error}); falling back to SQLite",
                file=sys.stderr,
            )
            server = None
        environment = _environment(workdir)
        started = time.perf_counter()
        _collectstatic(environment, workdir)
        print(f"[api] collectstatic: {time.perf_counter() - started:.0f} s")
        for size in sizes:
            with ExitStack() as database:
                url = _fresh_database(server, workdir, size, database)
                env = {**environment, "DATABASE_URL": url}
                build = _in_fresh_process(env, size)
                print(
                    f"[api] {size} organisations built in {build.build_seconds:.0f} s "
                    f"({build.database})",
                    flush=True,
                )
                with _gunicorn(env, workdir / f"gunicorn-{size}.log") as (port, logs):
                    load_average = os.getloadavg()[0]
                    loads = tuple(
                        _load(port, endpoint, build, seconds, concurrency)
                        for endpoint in _warmed(port, concurrency)
                    )
                    workers = _booted_workers(logs)
            results.append(
                SizeFigures(
                    build=build,
                    workers=workers,
                    load_average=load_average,
                    loads=loads,
                )
            )
            _report_size(results[-1], seconds, concurrency)
    return _report(results, seconds, concurrency)


# ------------------------------------------------------------------ parent side


def _environment(workdir: Path) -> dict[str, str]:
    """The server's environment: production settings with throwaway paths."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "QP_API_ANON_RATE": ANON_RATE,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
    }
    environment.pop("PORT", None)
    return environment


def _collectstatic(environment: dict[str, str], workdir: Path) -> None:
    """Production settings serve hashed static files; collect them once a run."""
    env = {**environment, "DATABASE_URL": f"sqlite:///{workdir / 'static.sqlite3'}"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _fresh_database(
    server: str | None, workdir: Path, size: int, cleanup: ExitStack
) -> str:
    """A new empty database for one size; its removal is registered on ``cleanup``."""
    if server is None:
        return f"sqlite:///{workdir / f'api-{size}.sqlite3'}"
    name = f"qp_bench_api_{size}"
    _postgres(server, "DROP DATABASE IF EXISTS {}", name)
    _postgres(server, "CREATE DATABASE {}", name)
    cleanup.callback(_postgres, server, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    parts = urlsplit(server)
    head = parts.path.rpartition("/")[0]
    return urlunsplit(parts._replace(path=f"{head}/{name}"))


def _postgres(url: str, statement: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL(statement).format(sql.Identifier(database)))


def _in_fresh_process(env: dict[str, str], organisations: int) -> Build:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        # The build's INFO logs (a line per task and page) would drown the report.
        quiet = {**env, "LOG_LEVEL": "WARNING"}
        return pool.submit(build_size, quiet, organisations).result()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def worker_description(workers: int) -> str:
    """ "3 workers × 4 threads" for the reports (threads from ``gunicorn.conf.py``)."""
    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    if threads <= 1:
        return f"{workers} sync workers"
    return f"{workers} workers × {threads} threads"


def workers_default() -> int:
    """The number of workers ``gunicorn.conf.py`` starts here."""
    default = multiprocessing.cpu_count() + 1
    return int(os.environ.get("GUNICORN_WORKERS", default))


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], logfile: Path) -> Iterator[tuple[int, Path]]:
    """Serve the project with gunicorn on a free loopback port until exit."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "portal_site.wsgi:application",
    ]
    with logfile.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_ready(process, port, logfile)
        yield port, logfile
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until /healthz/ answers 200 and every worker has booted."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode}:\n{_tail(log)}"
            )
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            try:
                connection.request("GET", "/healthz/")
                response = connection.getresponse()
                response.read()
                if response.status == 200 and _booted_workers(log) >= workers_default():
                    return
            finally:
                connection.close()
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn not ready in {START_TIMEOUT:.0f} s:\n{_tail(log)}")


def _booted_workers(log: Path) -> int:
    return log.read_text(errors="replace").count("Booting worker with pid")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (a graceful stop), SIGKILL if it hangs."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=35)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _warmed(port: int, concurrency: int) -> tuple[Endpoint, ...]:
    """Touch every endpoint through every worker once before any timing."""
    for endpoint in ENDPOINTS:
        _hammer(port, lambda _rng, e=endpoint: e.path, concurrency, 0.0, 1.0)
    return ENDPOINTS


def _load(
    port: int, endpoint: Endpoint, build: Build, seconds: float, concurrency: int
) -> Load:
    count = build.counts[endpoint.name]
    pages = max(1, math.ceil(count / PAGE_SIZE)) if endpoint.paginated else 1
    walk = build.cursors.get(endpoint.name, ())

    def path(rng: random.Random) -> str:
        if walk:
            return rng.choice(walk)
        if not endpoint.paginated:
            return endpoint.path
        return f"{endpoint.path}&page={rng.randint(1, pages)}"

    samples, errors = _hammer(port, path, concurrency, WARMUP_SECONDS, seconds)
    latencies = sorted(latency * 1000 for latency in samples)
    if len(latencies) < 2:
        raise RuntimeError(f"{endpoint.name}: {len(latencies)} requests completed")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    figures = Load(
        name=endpoint.name,
        pages=pages,
        requests=len(latencies),
        seconds=seconds,
        errors=len(errors),
        error_sample="; ".join(sorted(set(errors))[:3]),
        p50_ms=statistics.median(latencies),
        p95_ms=cuts[94],
        p99_ms=cuts[98],
    )
    print(
        f"[api] {build.organisations}: {endpoint.name}: {figures.rps:.1f} req/s, "
        f"p95 {figures.p95_ms:.1f} ms, errors {figures.errors}",
        flush=True,
    )
    return figures


def _hammer(
    port: int,
    path: Callable[[random.Random], str],
    concurrency: int,
    warmup: float,
    seconds: float,
) -> tuple[list[float], list[str]]:
    """``concurrency`` threads request ``path(rng)`` until the window closes.

    Returns the latencies (s) of the requests that completed inside the timed
    window (after ``warmup``) and a description of every failed one there.
    """
    start = time.perf_counter()
    timed_from = start + warmup
    until = timed_from + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    failures: list[list[str]] = [[] for _ in range(concurrency)]

    def client(index: int) -> None:
        rng = random.Random(index)
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            while (began := time.perf_counter()) < until:
                url = path(rng)
                failure = ""
                try:
                    connection.request("GET", url, headers=HEADERS)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        failure = f"{response.status} {url}"
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    failure = f"{type(error).__name__} {url}"
                done = time.perf_counter()
                if timed_from <= done <= until:
                    latencies[index].append(done - began)
                    if failure:
                        failures[index].append(failure)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client, args=(index,), daemon=True)
        for index in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (
        [value for chunk in latencies for value in chunk],
        [value for chunk in failures for value in chunk],
    )


def _report_size(figures: SizeFigures, seconds: float, concurrency: int) -> None:
    build = figures.build
    print(
        f"[api] {build.organisations} organisations ({build.database}, built in "
        f"{build.build_seconds:.0f} s); gunicorn {worker_description(figures.workers)} on "
        f"{os.cpu_count()} CPUs (load average {figures.load_average:.1f} before); "
        f"{concurrency} connections, {WARMUP_SECONDS:.0f} s warm-up + {seconds:.0f} s "
        f"an endpoint; ratios to the baseline's requests/s"
    )
    base = figures.loads[0].rps
    print(
        f"[api]   {'endpoint':<22} {'pages':>5} {'req/s':>8} {'p50':>9} {'p95':>9} "
        f"{'p99':>9} {'errors':>6} {'queries':>7} {'ratio':>7}"
    )
    for row in figures.loads:
        first, last = build.queries[row.name]
        queries = f"{first}/{last}" if first != last else str(first)
        print(
            f"[api]   {row.name:<22} {row.pages:>5} {row.rps:8.1f} "
            f"{row.p50_ms:6.1f} ms {row.p95_ms:6.1f} ms {row.p99_ms:6.1f} ms "
            f"{row.errors:>6} {queries:>7} {row.rps / base:6.3f}x"
        )
        if row.errors:
            print(f"[api]     errors, e.g.: {row.error_sample}")


def _report(results: list[SizeFigures], seconds: float, concurrency: int) -> int:
    """Print the comparison of the smallest and largest sizes; 1 on a miss."""
    ok = all(row.errors == 0 for size in results for row in size.loads)
    if not ok:
        print("[api] ERRORS: some requests did not answer 200")
    if len(results) < 2:
        return 0 if ok else 1
    small, large = results[0], results[-1]
    few, many = small.build.organisations, large.build.organisations
    print(
        f"[api] {few} vs {many} organisations (p95 and requests/s, "
        f"target: list p95 within {P95_TOLERANCE}x, queries constant):"
    )
    for a, b in zip(small.loads, large.loads, strict=True):
        listed = a.name != ENDPOINTS[0].name
        ratio = b.p95_ms / a.p95_ms
        queries_a = small.build.queries[a.name]
        queries_b = large.build.queries[b.name]
        constant = len({*queries_a, *queries_b}) == 1
        flat = ratio <= P95_TOLERANCE
        if listed:
            ok &= flat and constant
        verdict = (
            ("flat" if flat else "SLOWER") + (", queries constant" if constant else "")
            if listed
            else "baseline"
        )
        if listed and not constant:
            verdict += f", queries {queries_a} -> {queries_b} GROW"
        print(
            f"[api]   {a.name:<22} p95 {a.p95_ms:6.1f} -> {b.p95_ms:6.1f} ms "
            f"({ratio:4.2f}x); {a.rps:7.1f} -> {b.rps:7.1f} req/s "
            f"({b.rps / a.rps:4.2f}x); {verdict}"
        )
    return 0 if ok else 1


# ------------------------------------------------------------------- child side


def build_size(env: dict[str, str], organisations: int) -> Build:
    """In a fresh process: migrate an empty database, build the region, count queries."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from portal_site import demo

    if settings.DEBUG:
        raise RuntimeError("DEBUG is on: query logging would distort the timings")
    if connection.introspection.table_names():
        raise RuntimeError("the database is not empty")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    demo.build(
        demo.DemoScale(organisations=organisations, responses=organisations),
        log=lambda line: print(f"[api] {organisations}: {line}", flush=True),
    )
    build_seconds = time.perf_counter() - started
    counts, queries, cursors = _count_queries()
    if counts[ENDPOINTS[1].name] != organisations:
        raise RuntimeError(
            f"the organisations list has {counts[ENDPOINTS[1].name]} items, "
            f"not {organisations}"
        )
    connection.close()
    return Build(
        organisations=organisations,
        database=database_version(),
        build_seconds=build_seconds,
        counts=counts,
        queries=queries,
        cursors=cursors,
    )


def _count_queries() -> tuple[
    dict[str, int], dict[str, tuple[int, int]], dict[str, tuple[str, ...]]
]:
    """Each endpoint's list size, its queries on the first and last page, and
    the path of every page of each cursor walk."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT="application/json")
    counts: dict[str, int] = {}
    queries: dict[str, tuple[int, int]] = {}
    cursors: dict[str, tuple[str, ...]] = {}
    for endpoint in ENDPOINTS:
        figures = []
        urls = [endpoint.path]
        if endpoint.cursor:
            walk, items = _walk(client, endpoint.path)
            cursors[endpoint.name] = tuple(walk)
            counts[endpoint.name] = items
            urls = [walk[0], walk[-1]]
        elif endpoint.paginated:
            first = client.get(endpoint.path)
            if first.status_code != 200:
                raise RuntimeError(f"{endpoint.path} answered {first.status_code}")
            counts[endpoint.name] = int(json.loads(first.content)["count"])
            last = max(1, math.ceil(counts[endpoint.name] / PAGE_SIZE))
            urls = [f"{endpoint.path}&page=1", f"{endpoint.path}&page={last}"]
        else:
            counts[endpoint.name] = 0
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            figures.append(len(captured.captured_queries))
        queries[endpoint.name] = (figures[0], figures[-1])
    return counts, queries, cursors


def _walk(client, path: str) -> tuple[list[str], int]:
    """Follow ``next`` from ``path``; return every page's path and the item count."""
    from urllib.parse import urlsplit

    walk, items = [path], 0
    while True:
        response = client.get(walk[-1])
        if response.status_code != 200:
            raise RuntimeError(f"{walk[-1]} answered {response.status_code}")
        data = json.loads(response.content)
        items += len(data["results"])
        if not data["next"]:
            return walk, items
        parts = urlsplit(data["next"])
        walk.append(f"{parts.path}?{parts.query}")
