"""Aggregates computed once when results are published (issue #27, item 1).

The stored figures must be exactly what the selectors computed from the
published rows before; a correction stores its own; the results page then
reads one page of the rating, whatever the number of organisations.
"""

from __future__ import annotations

import importlib
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import selectors
from evaluation.models import PublicationAggregates, PublishedResult
from evaluation.nok import aggregates as published_aggregates
from tests.factories.region import grow_region

pytestmark = pytest.mark.django_db

fill_in = importlib.import_module(
    "evaluation.migrations.0030_publication_aggregates"
).fill_in


def _everything(region) -> dict:
    """All the aggregates the public pages show of the latest campaign."""
    campaign = region.latest
    organisation = region.organisations[0]
    card = selectors.organisation_card(organisation, campaign)
    district = organisation.district.slug
    return {
        "region": selectors.aggregates(campaign),
        "districts": selectors.aggregates(campaign, group_by="district"),
        "kinds": selectors.aggregates(campaign, group_by="kind"),
        "card": (card.ranked, card.region, card.district, card.kind),
        "trend": [(p.campaign.pk, p.value, p.count) for p in card.region_history],
        "trend district": [
            (p.campaign.pk, p.value, p.count)
            for p in selectors.trend(district=district, figure="k2")
        ],
        "trend kind": [
            (p.campaign.pk, p.value, p.count)
            for p in selectors.trend(kind=organisation.kind, figure="total")
        ],
        "options": selectors.rating_filter_options(campaign),
    }


def _forget_stored() -> None:
    PublicationAggregates.objects.all().delete()


def _pages(client, region) -> list[str]:
    """The results page and a card as shown (tokens that vary taken out)."""
    urls = [
        region.results_page.url,
        region.directory.card_url(region.organisations[0], region.latest),
    ]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(
            re.sub(
                r'(csrfmiddlewaretoken" value|nonce)="[^"]*"',
                "",
                response.content.decode(),
            )
        )
    return pages


def test_pages_show_the_same_figures_from_stored_aggregates(
    published_region, client
) -> None:
    region = published_region
    from_stored = _pages(client, region)
    _forget_stored()
    assert _pages(client, region) == from_stored
    assert "Распределение итоговых баллов" in from_stored[0]


def test_publishing_stores_the_figures_the_rows_give(published_region) -> None:
    region = published_region
    campaign = region.latest
    publication = selectors.latest_publication(campaign)
    stored = published_aggregates.stored(publication)
    assert stored is not None
    totals = list(
        PublishedResult.objects.filter(publication=publication).values_list(
            "total", flat=True
        )
    )
    known = [t for t in totals if t is not None]
    assert stored.organisations == len(totals) == 12
    assert stored.ranked == 12
    expected_mean = (sum(known) / len(known)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert stored.region["total"].mean == expected_mean
    assert stored.region["total"].min == min(known)
    assert stored.region["total"].max == max(known)
    counts, missing = stored.distribution(bin_width=10)
    assert missing == len(totals) - len(known)
    assert counts == [
        sum(1 for t in known if min(int(t // 10), 9) == b) for b in range(10)
    ]
    assert stored.distribution(bin_width=5)[0][14:16] == [
        sum(1 for t in known if 70 <= t < 75),
        sum(1 for t in known if 75 <= t < 80),
    ]

    from_stored = _everything(region)
    _forget_stored()
    assert published_aggregates.stored(publication) is None
    computed = _everything(region)
    assert from_stored == computed
    assert from_stored["region"]["region"]["total"].mean == expected_mean
    assert len(from_stored["trend"]) == 3


def test_the_migration_fills_in_earlier_publications_with_the_same_function(
    published_region,
) -> None:
    before = {
        row.publication_id: row.data for row in PublicationAggregates.objects.all()
    }
    assert len(before) == 3  # the three НОК campaigns, not the Декада
    _forget_stored()
    fill_in(apps, None)
    after = {
        row.publication_id: row.data for row in PublicationAggregates.objects.all()
    }
    assert after == before


def test_a_correction_stores_its_own_and_the_old_version_keeps_its(
    published_region,
) -> None:
    region = published_region
    campaign = region.latest
    first = selectors.latest_publication(campaign)
    first_data = PublicationAggregates.objects.get(publication=first).data
    organisation = region.organisations[0]
    first_card = selectors.organisation_card(organisation, campaign, version=1)

    grow_region(region, 5)

    second = selectors.latest_publication(campaign)
    assert second.version == 2
    assert PublicationAggregates.objects.get(publication=first).data == first_data
    assert published_aggregates.stored(second).organisations == 17
    assert published_aggregates.stored(second).ranked == 17
    assert selectors.aggregates(campaign)["region"]["total"].count == 17
    # The earlier version's card still shows that version's means.
    old_card = selectors.organisation_card(organisation, campaign, version=1)
    assert old_card.result.publication.version == 1
    assert (old_card.ranked, old_card.region) == (first_card.ranked, first_card.region)
    assert old_card.region["total"].count == 12
    # The new version's stored figures are the ones its rows give.
    new_stored = _everything(region)
    _forget_stored()
    assert _everything(region) == new_stored


_ALL_ROWS = re.compile(r'FROM "qp_evaluation_publishedresult"', re.IGNORECASE)
_NAMED = re.compile(
    r'"qp_evaluation_publishedresult"\."organisation_id" (IN \(|= )', re.IGNORECASE
)


def _results_page_queries(client, url: str) -> list[str]:
    client.get(url)  # warm Wagtail's own caches (site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_results_page_reads_one_page_of_the_rating(
    published_region, client, django_assert_num_queries
) -> None:
    region = published_region
    url = region.results_page.url
    small = _results_page_queries(client, url)
    html_small = client.get(url).content.decode()
    grow_region(region, 48)
    assert selectors.aggregates(region.latest)["region"]["total"].count == 60
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    card_url = region.directory.card_url(region.organisations[0], region.latest)
    large = _results_page_queries(client, url) + _results_page_queries(client, card_url)
    # A publication's rows are only counted or read a page at a time (rows
    # of named organisations, such as the plans' effects, may be read).
    for sql in large:
        upper = sql.upper()
        if _ALL_ROWS.search(sql) and not _NAMED.search(sql):
            assert "COUNT(" in upper or "LIMIT 25" in upper, sql
    html = response.content.decode()
    assert '<p class="card__label">Оценено организаций</p><p class="score">60</p>' in (
        html
    )
    assert '<p class="score">12</p>' in html_small
