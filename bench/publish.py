"""Publish a national-scale НОК campaign through the life cycle (issue #27).

Acceptance: "the life cycle's publish of a 20,000-organisation campaign
(recompute, aggregates, search index, cache bump) under 60 s on PostgreSQL,
with peak memory recorded".

- **Data:** the national demo (:mod:`portal_site.demo_national`: ``N``
  organisations in 134 districts, two published НОК years, a published
  Декада with ``50 × N`` questionnaires, the site tree) in a database of its
  own on the PostgreSQL server (``<database>_publish_<N>``, created and built
  once, reused by later runs), then for each repeat a new НОК campaign of all
  ``N`` organisations with the inputs of ``nok-2024``, opened for collection.
- **Subject:** in a fresh process (spawned, so its peak RSS is its own), the
  editor's steps of «Ход кампании»: ``lifecycle.recompute`` (rate, rank,
  ``COPY`` of the results), then ``send_to_council`` and the council's
  approval (timed apart, not part of the subject), then ``lifecycle.publish``
  with its commit and what follows it: the published rows, the publish-time
  aggregates, the search index update of every organisation's document, the
  results page going live and the page cache's version bump.
- **Baseline:** the pure rating method on the same inputs in memory
  (``parse_inputs`` + ``rate`` + ``dense_rank``), as in ``bench/recompute.py``.
- **Memory:** ``VmHWM`` of the spawned process (see ``bench/memory_probe.py``).

``--profile`` prints the 30 most expensive functions of the publish step
(cumulative) and the 15 with the most time of their own.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date

BUDGET_SECONDS = 60.0


def _database(server_url: str, organisations: int) -> str:
    """A database of this benchmark on the server of ``server_url`` (made if missing)."""
    import psycopg
    from psycopg import sql

    base, _, name = server_url.rpartition("/")
    name = name.split("?")[0] or "postgres"
    own = f"{name}_publish_{organisations}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [own]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(own)))
    return f"{base}/{own}"


def _prepare(organisations: int) -> None:
    """Migrate and build the national demo once (reused when it is there)."""
    from django.core.management import call_command

    from evaluation.models import Campaign, Organisation
    from portal_site import demo_national

    call_command("migrate", verbosity=0, interactive=False)
    if Campaign.objects.filter(slug="decade-2024", status="published").exists():
        count = Organisation.objects.filter(code__startswith="DEMO-").count()
        if count != organisations:
            raise RuntimeError(
                f"the benchmark's database holds {count} organisations, not "
                f"{organisations}: drop it to rebuild"
            )
        print(f"[publish] national demo of {count} organisations reused")
        return
    if Campaign.objects.filter(slug="nok-2023").exists():
        raise RuntimeError(
            "the benchmark's database holds a national demo whose build did not "
            "finish: drop it to rebuild"
        )
    started = time.perf_counter()
    demo_national.build(
        demo_national.NationalScale(
            organisations=organisations, responses=50 * organisations
        ),
        log=lambda line: print(f"[publish] build: {line}"),
    )
    print(
        f"[publish] national demo of {organisations} organisations and "
        f"{50 * organisations} questionnaires built in "
        f"{time.perf_counter() - started:.1f} s"
    )


def _campaign(number: int):
    """A new НОК campaign of every demo organisation, collecting, with inputs."""
    from django.db import transaction

    from evaluation.bulk import bulk_insert
    from evaluation.enums import CampaignKind
    from evaluation.models import Campaign, IndicatorInput, Organisation
    from evaluation.nok import lifecycle

    # A new campaign each time: a published one cannot be deleted (its
    # results page holds it), and a new one is what an editor publishes.
    number += Campaign.objects.filter(slug__startswith="bench-publish-").count()
    slug = f"bench-publish-{number}"
    with transaction.atomic():
        campaign = Campaign.objects.create(
            kind=CampaignKind.NOK,
            year=2025,
            title=f"Бенчмарк публикации {number}",
            slug=slug,
            period_start=date(2025, 3, 1),
            period_end=date(2025, 10, 31),
        )
        through = Campaign.organisations.through
        bulk_insert(
            [
                through(campaign_id=campaign.pk, organisation_id=pk)
                for pk in Organisation.objects.filter(
                    code__startswith="DEMO-"
                ).values_list("pk", flat=True)
            ]
        )
        lifecycle.open_campaign(campaign, actor=None)
        source = IndicatorInput.objects.filter(campaign__slug="nok-2024")
        rows = []
        for item in source:
            item.pk = None
            item.campaign = campaign
            rows.append(item)
        bulk_insert(rows)
    return campaign


def _baseline(campaign, repeat: int) -> float:
    from evaluation.models import IndicatorInput
    from evaluation.rating import dense_rank, get_method, parse_inputs, rate

    method = get_method(campaign.method_version)
    payloads = [
        (item.organisation_id, item.as_calculator_input())
        for item in IndicatorInput.objects.filter(campaign=campaign).select_related(
            "campaign"
        )
    ]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        totals = [(pk, rate(parse_inputs(data), method).total) for pk, data in payloads]
        dense_rank(totals)
        best = min(best, time.perf_counter() - started)
    return best


def child(campaign_id: int, profile: bool, queue) -> None:
    """In a fresh process: the life cycle of one campaign; put timings and peak RSS."""
    import django

    django.setup()
    from django.db import transaction

    from bench.memory_probe import peak_rss_mb
    from evaluation.models import Campaign, PublishedResult
    from evaluation.nok import lifecycle
    from portal_site import demo

    campaign = Campaign.objects.get(pk=campaign_id)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    lifecycle.recompute(campaign, actor=None)
    timings["recompute"] = time.perf_counter() - started

    started = time.perf_counter()
    lifecycle.send_to_council(campaign, actor=None)
    demo._council_approves(
        campaign,
        demo._council_member(),
        number=f"{campaign.pk}/2025",
        decided_on=date(2025, 11, 20),
        title="Об утверждении результатов (бенчмарк)",
        text="Общественный совет решил: утвердить результаты.",
    )
    timings["council"] = time.perf_counter() - started

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    with transaction.atomic():
        publication = lifecycle.publish(campaign, actor=None)
        timings["publish"] = time.perf_counter() - started
        started = time.perf_counter()
    # Leaving the block commits and runs what waits for the commit: search
    # index, results page, page cache version.
    timings["after_commit"] = time.perf_counter() - started
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        timings["profile"] = out.getvalue()  # type: ignore[assignment]
    published = PublishedResult.objects.filter(publication=publication).count()
    queue.put({**timings, "published": published, "peak_mb": peak_rss_mb()})


def run(*, organisations: int, repeat: int, server_url: str, profile: bool) -> int:
    """Measure, print the figures and the ratio; return 1 if over budget."""
    os.environ["DATABASE_URL"] = _database(server_url, organisations)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings.test")
    import django

    django.setup()
    from django.db import connection

    _prepare(organisations)
    context = multiprocessing.get_context("spawn")
    results = []
    base = float("inf")
    for number in range(1, repeat + 1):
        started = time.perf_counter()
        campaign = _campaign(number)
        print(
            f"[publish] campaign {number} ready in {time.perf_counter() - started:.1f} s"
        )
        base = min(base, _baseline(campaign, 1))
        connection.close()  # the child opens its own
        queue = context.Queue()
        process = context.Process(target=child, args=(campaign.pk, profile, queue))
        process.start()
        result = queue.get()
        process.join()
        if result["published"] != organisations:
            raise RuntimeError(
                f"published {result['published']} results, expected {organisations}"
            )
        if profile:
            print(result.pop("profile"))
        result["subject"] = (
            result["recompute"] + result["publish"] + result["after_commit"]
        )
        print(
            f"[publish] run {number}: recompute {result['recompute']:.2f} s, "
            f"publish {result['publish']:.2f} s, after commit "
            f"{result['after_commit']:.2f} s (council steps {result['council']:.2f} s), "
            f"peak {result['peak_mb']:.0f} MB"
        )
        results.append(result)
    best = min(results, key=lambda r: r["subject"])
    version = connection.cursor().connection.info.server_version
    verdict = "within" if best["subject"] < BUDGET_SECONDS else "OVER"
    print(f"[publish] database: postgresql {version}")
    print(f"[publish] organisations: {organisations}, best of {repeat}")
    print(f"[publish] baseline (pure rating in memory):   {base:.3f} s")
    print(f"[publish] lifecycle.recompute:                {best['recompute']:.3f} s")
    print(f"[publish] lifecycle.publish (transaction):    {best['publish']:.3f} s")
    print(f"[publish] after commit (index, page, cache):  {best['after_commit']:.3f} s")
    print(f"[publish] recompute + publish:                {best['subject']:.3f} s")
    print(
        f"[publish] ratio to baseline:                  {best['subject'] / base:.2f}x"
    )
    print(f"[publish] peak memory of the process:         {best['peak_mb']:.0f} MB")
    print(f"[publish] budget {BUDGET_SECONDS:.0f} s: {verdict}")
    return 0 if best["subject"] < BUDGET_SECONDS else 1


def main(*, organisations: int, repeat: int, profile: bool) -> int:
    """Run on the server of ``DATABASE_URL`` or on a throwaway PostgreSQL cluster."""
    import sys

    from scripts import services

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return run(
            organisations=organisations,
            repeat=repeat,
            server_url=url,
            profile=profile,
        )
    try:
        with services.postgresql(log=lambda line: print(f"[postgresql] {line}")) as url:
            return run(
                organisations=organisations,
                repeat=repeat,
                server_url=url,
                profile=profile,
            )
    except services.ServiceUnavailable as error:
        print(f"!!! PostgreSQL unavailable, publish not run: {error}", file=sys.stderr)
        return 1
