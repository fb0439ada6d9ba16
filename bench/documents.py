"""Time and memory of the campaign results report (PDF, DOCX) against its page.

Subject: the results report of a region of ``organisations`` (default 500;
the issue also asks for 5,000) built from scratch — selectors, HTML,
WeasyPrint layout — and its DOCX version, each ``repeat`` times (median).
Baseline (same run): the HTML results page of the same campaign requested
in-process with the page cache off, 10 times after 3 warm-up requests
(median). Memory: the Python allocations' peak of one build (tracemalloc)
and the process's resident high-water mark (VmHWM) before and after the
builds.

The region lives in a fresh temporary SQLite file, built by the demo builder
in its own spawned process that sets Django up on it (Django is imported
only there). Usage: ``bench/run.py documents [--organisations N] [--repeat N]``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

SETTINGS = "portal_site.settings.test"
CAMPAIGN = "nok-2024"
RESPONSES = 5_000
PAGE_REQUESTS, WARMUP = 13, 3


@dataclass(frozen=True)
class Figures:
    organisations: int
    build_seconds: float
    page_ms: float
    pdf_ms: float
    pdf_pages: int
    pdf_bytes: int
    pdf_python_peak_mb: float
    docx_ms: float
    docx_bytes: int
    docx_python_peak_mb: float
    rss_before_mb: float
    rss_after_mb: float


def run(*, organisations: int, repeat: int) -> int:
    """Build a region in a fresh process, measure, print; 0 unless it fails."""
    workdir = Path(tempfile.mkdtemp(prefix="qp-bench-documents-"))
    try:
        url = f"sqlite:///{workdir / 'region.sqlite3'}"
        with ProcessPoolExecutor(
            max_workers=1, mp_context=get_context("spawn")
        ) as pool:
            figures = pool.submit(measure, url, organisations, repeat).result()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _report(figures, repeat)
    return 0


def _report(f: Figures, repeat: int) -> None:
    print(
        f"[documents] organisations: {f.organisations} (built in "
        f"{f.build_seconds:.0f} s); medians of {repeat} builds, page of "
        f"{PAGE_REQUESTS - WARMUP} requests"
    )
    print(f"[documents]   HTML results page (uncached): {f.page_ms:8.1f} ms  1.00x")
    print(
        f"[documents]   results report PDF:           {f.pdf_ms:8.1f} ms "
        f"{f.pdf_ms / f.page_ms:5.1f}x  ({f.pdf_pages} pages, "
        f"{f.pdf_bytes / 1024:.0f} KiB, Python peak {f.pdf_python_peak_mb:.1f} MB)"
    )
    print(
        f"[documents]   results report DOCX:          {f.docx_ms:8.1f} ms "
        f"{f.docx_ms / f.page_ms:5.1f}x  ({f.docx_bytes / 1024:.0f} KiB, "
        f"Python peak {f.docx_python_peak_mb:.1f} MB)"
    )
    print(
        f"[documents]   process RSS high-water mark: {f.rss_before_mb:.0f} MB before "
        f"the builds, {f.rss_after_mb:.0f} MB after"
    )


def _timed(build) -> tuple[float, object]:
    started = time.perf_counter()
    result = build()
    return (time.perf_counter() - started) * 1000, result


def _peak(build) -> float:
    tracemalloc.start()
    try:
        build()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(database_url: str, organisations: int, repeat: int) -> Figures:
    """In a fresh process: set Django up on an empty database, build, measure."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings

    from bench.memory_probe import peak_rss_mb
    from evaluation.models import Campaign
    from portal_site import demo
    from publications.documents import reports, word
    from publications.documents.render import html_to_pdf, render_html

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    demo.build(
        demo.DemoScale(organisations=organisations, responses=RESPONSES),
        log=lambda line: print(f"[documents] {organisations}: {line}", flush=True),
    )
    build_seconds = time.perf_counter() - started
    campaign = Campaign.objects.get(slug=CAMPAIGN)

    with override_settings(QP_PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        samples = []
        for _ in range(PAGE_REQUESTS):
            elapsed, response = _timed(lambda: client.get(f"/ocenka/{CAMPAIGN}/"))
            if response.status_code != 200:
                raise RuntimeError(f"results page answered {response.status_code}")
            samples.append(elapsed)
    page_ms = statistics.median(samples[WARMUP:])

    def pdf() -> bytes:
        context = reports.results_report(campaign, draft=False)
        return html_to_pdf(
            render_html("publications/documents/results_report.html", context)
        )

    def docx() -> bytes:
        return word.results_report_docx(reports.results_report(campaign, draft=False))

    rss_before = peak_rss_mb()
    pdf_runs = [_timed(pdf) for _ in range(repeat)]
    docx_runs = [_timed(docx) for _ in range(repeat)]
    rss_after = peak_rss_mb()
    import io

    from pypdf import PdfReader

    content = pdf_runs[-1][1]
    return Figures(
        organisations=organisations,
        build_seconds=build_seconds,
        page_ms=page_ms,
        pdf_ms=statistics.median(ms for ms, _ in pdf_runs),
        pdf_pages=len(PdfReader(io.BytesIO(content)).pages),
        pdf_bytes=len(content),
        pdf_python_peak_mb=_peak(pdf),
        docx_ms=statistics.median(ms for ms, _ in docx_runs),
        docx_bytes=len(docx_runs[-1][1]),
        docx_python_peak_mb=_peak(docx),
        rss_before_mb=rss_before,
        rss_after_mb=rss_after,
    )
