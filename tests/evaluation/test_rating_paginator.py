"""The rating table's pages read one page of the rating, not the whole region (#27)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import selectors
from evaluation.models import PublishedResult
from tests.factories.region import grow_region


def _names(page) -> list[str]:
    return [row.organisation.short_name for row in page.object_list]


def test_rating_pages_by_rank_equal_the_whole_order_with_ties(published_region) -> None:
    region = published_region
    grow_region(region, 5)  # copies of one organisation's inputs: tied ranks
    campaign = region.latest
    publication = selectors.latest_publication(campaign)
    rows = selectors.rating_rows(campaign)
    ranks = list(
        PublishedResult.objects.filter(publication=publication).values_list(
            "rank", flat=True
        )
    )
    assert len(ranks) == 17
    assert len(set(ranks)) < len(ranks)  # the copies share a rank
    filters = selectors.RatingFilters()
    for per_page in (2, 3, 5):
        plain = Paginator(rows, per_page)
        paged = selectors.RatingPaginator(
            rows, per_page, publication=publication, filters=filters
        )
        assert paged.count == 17
        assert paged.num_pages == plain.num_pages
        for number in plain.page_range:
            assert _names(paged.page(number)) == _names(plain.page(number))


def test_default_order_reads_a_rank_prefix_and_the_stored_count(
    published_region,
) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    paginator = selectors.RatingPaginator(
        selectors.rating_rows(campaign),
        5,
        publication=publication,
        filters=selectors.RatingFilters(),
    )
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(2)
        rows = list(page.object_list)
    assert len(rows) == 5
    sql = [query["sql"] for query in queries.captured_queries]
    assert not any("COUNT(" in statement.upper() for statement in sql)
    assert len(sql) == 2  # the stored counts, then the page
    assert '"rank" <= 10' in sql[1]


def test_filtered_or_other_orders_count_and_page_the_rows(published_region) -> None:
    region = published_region
    campaign = region.latest
    publication = selectors.latest_publication(campaign)
    district = region.organisations[0].district
    for filters in (
        selectors.RatingFilters(district=district.slug),
        selectors.RatingFilters(sort="total", descending=True),
        selectors.RatingFilters(descending=True),
    ):
        rows = selectors.rating_rows(campaign, filters)
        plain = Paginator(rows, 4)
        paged = selectors.RatingPaginator(
            rows, 4, publication=publication, filters=filters
        )
        assert paged.count == rows.count()
        for number in plain.page_range:
            page = paged.page(number)
            assert _names(page) == _names(plain.page(number))
            assert "<=" not in str(page.object_list.query)
