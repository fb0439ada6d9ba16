"""Recompute a whole НОК campaign (issue 3: 10,000 organisations < 5 s on PostgreSQL).

Subject: ``evaluation.nok.services.recompute_campaign`` — read every organisation's
inputs, rate them, rank them, replace the stored results in one transaction.
Baseline (same run, same inputs): the pure rating method alone, in memory
(``parse_inputs`` + ``rate`` + ``dense_rank``), i.e. the floor no database
code can beat. The ratio says how much the persistence costs on top.
"""

from __future__ import annotations

import random
import time
from datetime import date

from django.db import connection, transaction

from evaluation.enums import CampaignKind, CampaignStatus, DataSource
from evaluation.models import Campaign, IndicatorInput, Organisation, Result
from evaluation.nok import services
from evaluation.rating import dense_rank, get_method, parse_inputs, rate
from portal_site import demo

BUDGET_SECONDS = 5.0


def _campaign(organisations: int, seed: int = 7) -> Campaign:
    slug = f"bench-recompute-{organisations}"
    existing = Campaign.objects.filter(slug=slug).first()
    if existing and existing.inputs.count() == organisations:
        return existing
    rng = random.Random(seed)
    with transaction.atomic():
        Campaign.objects.filter(slug=slug).delete()
        Organisation.objects.filter(code__startswith="DEMO-").delete()
        orgs = demo._organisations(rng, demo._districts(), organisations)
        campaign = Campaign.objects.create(
            kind=CampaignKind.NOK,
            year=2024,
            title=f"Бенчмарк: {organisations} организаций",
            slug=slug,
            period_start=date(2024, 3, 1),
            period_end=date(2024, 10, 31),
            status=CampaignStatus.REVIEW,
        )
        campaign.organisations.set(orgs)
        IndicatorInput.objects.bulk_create(
            [
                IndicatorInput(
                    campaign=campaign,
                    organisation=org,
                    source=DataSource.DEMO,
                    **demo._inputs(rng, rng.uniform(0.2, 0.9)),
                )
                for org in orgs
            ],
            batch_size=2000,
        )
    return campaign


def _best(function, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return min(timings)


def run(*, organisations: int, repeat: int) -> int:
    """Measure, print the figures and the ratio; return 1 if over budget."""
    started = time.perf_counter()
    campaign = _campaign(organisations)
    print(f"[recompute] data ready in {time.perf_counter() - started:.1f} s")
    method = get_method(campaign.method_version)
    payloads = [
        (item.organisation_id, item.as_calculator_input())
        for item in IndicatorInput.objects.filter(campaign=campaign).select_related(
            "campaign"
        )
    ]

    def baseline() -> None:
        totals = [(pk, rate(parse_inputs(data), method).total) for pk, data in payloads]
        dense_rank(totals)

    def subject() -> None:
        services.recompute_campaign(campaign)

    base = _best(baseline, repeat)
    measured = _best(subject, repeat)
    stored = Result.objects.filter(campaign=campaign).count()
    if stored != organisations:
        raise RuntimeError(
            f"recompute stored {stored} results, expected {organisations}"
        )
    vendor = connection.vendor
    version = (
        connection.cursor().connection.info.server_version
        if vendor == "postgresql"
        else ""
    )
    verdict = "within" if measured < BUDGET_SECONDS else "OVER"
    print(f"[recompute] database: {vendor} {version}")
    print(f"[recompute] organisations: {organisations}, best of {repeat}")
    print(f"[recompute] baseline (pure rating in memory): {base:.3f} s")
    print(f"[recompute] recompute_campaign:               {measured:.3f} s")
    print(f"[recompute] ratio recompute / baseline:       {measured / base:.2f}x")
    print(f"[recompute] budget {BUDGET_SECONDS:.1f} s: {verdict}")
    return 0 if measured < BUDGET_SECONDS else 1
