"""Open data at scale: the campaign dump and the results CSV (issue #27).

Acceptance: "the full open-data dump of a 20,000-organisation campaign: time
and peak memory recorded, with memory not growing with the number of rows".

- **Data:** the national demo (:mod:`portal_site.demo_national`, ``N``
  organisations, two published НОК years, a published Декада with ``N``
  questionnaires) built in a fresh temporary SQLite file, or in the empty
  database ``--database-url`` names, for two sizes: ``N`` and ``N / 10``.
- **Subject:** through the API views (Django's test client, a fresh private
  storage): the results CSV of the newest НОК campaign, first request
  (written and stored) and later ones (read from the storage), and the
  campaign's full ZIP dump (every dataset in CSV and XLSX, the dictionary,
  the README), first and later requests.
- **Baseline:** the floor of the same file: the published results' values
  read with ``values_list`` and written with a bare ``csv.writer`` to a
  temporary file, no labels, no formatting.
- **Memory:** the peak of Python allocations during a first request (the
  stored files removed; ``tracemalloc``, in a run of its own, not timed), and the
  process's ``VmHWM`` (``bench/memory_probe.py``), which includes the build.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

SETTINGS = "portal_site.settings.test"  # DEBUG off; a fresh private storage


@dataclass(frozen=True)
class Figures:
    """What one size measured (seconds, MiB)."""

    organisations: int
    database: str
    build_seconds: float
    rows: int
    baseline: float
    csv_first: float
    csv_stored: float
    csv_peak_mb: float
    dump_first: float
    dump_later: float
    dump_peak_mb: float
    dump_bytes: int
    process_peak_mb: float


def run(*, organisations: int, repeat: int, database_url: str | None = None) -> int:
    """Measure two sizes, each in a fresh process; print; 1 if memory grew."""
    small = max(20, organisations // 10)
    figures = []
    workdir = Path(tempfile.mkdtemp(prefix="qp-bench-opendata-"))
    try:
        for size in (small, organisations):
            url = database_url or f"sqlite:///{workdir / f'opendata-{size}.sqlite3'}"
            with ProcessPoolExecutor(
                max_workers=1, mp_context=get_context("spawn")
            ) as pool:
                figures.append(pool.submit(measure, url, size, repeat).result())
            _print(figures[-1])
            database_url = None  # the second size in a fresh SQLite file
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return _report(figures, repeat)


def _print(f: Figures) -> None:
    n = f"{f.organisations:>6}"
    print(f"[opendata] {n} orgs on {f.database}, built in {f.build_seconds:.0f} s")
    print(f"[opendata] {n}   results rows:               {f.rows}")
    print(f"[opendata] {n}   baseline (bare csv.writer):  {f.baseline:.3f} s")
    print(
        f"[opendata] {n}   results CSV, first (store):  {f.csv_first:.3f} s "
        f"({f.csv_first / f.baseline:.1f}x)"
    )
    print(
        f"[opendata] {n}   results CSV, stored:         {f.csv_stored:.3f} s "
        f"({f.csv_stored / f.baseline:.1f}x)"
    )
    print(f"[opendata] {n}   results CSV, first, peak Python: {f.csv_peak_mb:.1f} MiB")
    print(
        f"[opendata] {n}   dump, first:                 {f.dump_first:.3f} s "
        f"({f.dump_first / f.baseline:.1f}x), {f.dump_bytes / 2**20:.1f} MiB"
    )
    print(
        f"[opendata] {n}   dump, later:                 {f.dump_later:.3f} s "
        f"({f.dump_later / f.baseline:.1f}x)"
    )
    print(f"[opendata] {n}   dump, first, peak Python:    {f.dump_peak_mb:.1f} MiB")
    print(f"[opendata] {n}   process peak RSS (VmHWM):    {f.process_peak_mb:.0f} MB")


def _report(figures: list[Figures], repeat: int) -> int:
    print(f"[opendata] best of {repeat} later requests; first requests once")
    small, large = figures
    growth = large.dump_peak_mb / small.dump_peak_mb
    rows = large.rows / max(small.rows, 1)
    print(
        f"[opendata] dump peak memory x{growth:.2f} for x{rows:.1f} rows "
        f"(results CSV x{large.csv_peak_mb / small.csv_peak_mb:.2f})"
    )
    return 0 if growth < 2 else 1


def measure(database_url: str, organisations: int, repeat: int) -> Figures:
    """In a fresh process: set Django up on an empty database, build, measure."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.memory_probe import peak_rss_mb
    from bench.pages import database_version
    from evaluation import selectors
    from evaluation.files import private_storage
    from portal_site import demo_national

    if connection.introspection.table_names():
        raise RuntimeError(f"{database_url} is not empty: give an empty database")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    demo_national.build(
        demo_national.NationalScale(
            organisations=organisations, responses=organisations
        ),
        log=lambda line: print(f"[opendata] {organisations}: {line}", flush=True),
    )
    build_seconds = time.perf_counter() - started
    campaign = selectors.published_campaigns("nok").first()
    client = Client()
    csv_url = (
        reverse(
            "evaluation-api:dataset-download", kwargs={"slug": "results", "fmt": "csv"}
        )
        + f"?campaign={campaign.slug}"
    )
    dump_url = reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})

    def fetch(url: str) -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return size

    def forget_store() -> None:
        shutil.rmtree(Path(private_storage().location) / "opendata", ignore_errors=True)

    def peak_of(url: str) -> float:
        forget_store()  # a first request: the files are written again
        tracemalloc.start()
        try:
            fetch(url)
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    def timed(url: str) -> tuple[float, int]:
        begun = time.perf_counter()
        size = fetch(url)
        return time.perf_counter() - begun, size

    baseline = min(_baseline(campaign) for _ in range(repeat))
    rows = selectors.published_results(campaign).count()
    csv_first, _ = timed(csv_url)
    csv_stored = min(timed(csv_url)[0] for _ in range(repeat))
    csv_peak = peak_of(csv_url)
    dump_first, dump_bytes = timed(dump_url)
    dump_later = min(timed(dump_url)[0] for _ in range(repeat))
    dump_peak = peak_of(dump_url)
    return Figures(
        organisations=organisations,
        database=database_version(),
        build_seconds=build_seconds,
        rows=rows,
        baseline=baseline,
        csv_first=csv_first,
        csv_stored=csv_stored,
        csv_peak_mb=csv_peak,
        dump_first=dump_first,
        dump_later=dump_later,
        dump_peak_mb=dump_peak,
        dump_bytes=dump_bytes,
        process_peak_mb=peak_rss_mb(),
    )


def _baseline(campaign) -> float:
    from evaluation import selectors

    begun = time.perf_counter()
    values = selectors.published_results(campaign).values_list(
        "organisation_id", "organisation__short_name", "k1", "k2", "k3", "k4", "k5",
        "total", "rank",
    )  # fmt: skip
    with tempfile.TemporaryFile("w+", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        for row in values.iterator(chunk_size=2000):
            writer.writerow(row)
    return time.perf_counter() - begun
