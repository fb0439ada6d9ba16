"""Query counts that do not grow with the region, and the page content cache."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms_blocks.formatting import format_number
from evaluation.models import IndicatorInput
from evaluation.nok import services
from tests.factories.region import grow_region

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    client.get(url)  # warm Wagtail's own caches (site root paths)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_depend_on_the_number_of_organisations(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[0]
    urls = {
        "results": region.results_page.url,
        "results, filtered": region.results_page.url + "?sort=total&order=desc&page=2",
        "card": region.directory.card_url(organisation, region.latest),
        "directory": region.directory.url,
        "compare": region.directory.compare_url(
            [o.slug for o in region.organisations[:3]], region.latest
        ),
        "decade": region.decade_page.url,
    }
    before = {name: queries(client, url) for name, url in urls.items()}
    grow_region(region, 40)
    after = {name: queries(client, url) for name, url in urls.items()}
    assert after == before


def test_cached_content_is_reused_and_invalidated_on_publish(
    published_region, client, page_cache, django_capture_on_commit_callbacks
) -> None:
    region = published_region
    url = region.results_page.url
    client.get(url)  # warm Wagtail's own caches, then start from an empty one
    cache.clear()
    with CaptureQueriesContext(connection) as rendered:
        client.get(url)
    with CaptureQueriesContext(connection) as cached:
        response = client.get(url)
    assert response.status_code == 200
    assert len(cached) < len(rendered) / 2

    best = IndicatorInput.objects.filter(campaign=region.latest).first()
    best.premises_access = 0
    best.service_access = 0
    best.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.recompute_campaign(region.latest)
        publication = services.publish_campaign(region.latest, note="Исправление")
    html = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    assert f"Версия публикации {publication.version}" in html.get_text()
    result = publication.results.get(organisation=best.organisation)
    row = next(
        tr
        for tr in html.select("section.block--rating tbody tr")
        if tr.th.get_text(strip=True) == best.organisation.short_name
    )
    assert format_number(result.total, 2) in row.get_text()


def test_card_cache_follows_recompute_and_page_publish(
    published_region, client, page_cache, django_capture_on_commit_callbacks
) -> None:
    region = published_region
    organisation = region.organisations[0]
    url = region.directory.card_url(organisation, region.latest)
    client.get(url)
    old_total = (
        region.latest.publications.get().results.get(organisation=organisation).total
    )
    inputs = IndicatorInput.objects.get(
        campaign=region.latest, organisation=organisation
    )
    inputs.comfort_conditions = 0
    inputs.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.recompute_campaign(region.latest)
        publication = services.publish_campaign(region.latest, note="Исправление")
    new_total = publication.results.get(organisation=organisation).total
    assert new_total != old_total
    html = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    assert format_number(new_total, 2) in html.select(".cards .card")[0].get_text()

    page = region.results_page
    client.get(page.url)
    page.title = "Итоги НОК (обновлено)"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "Итоги НОК (обновлено)" in client.get(page.url).content.decode()


def test_editors_and_previews_are_never_served_from_the_cache(
    published_region, client, admin_client, page_cache
) -> None:
    page = published_region.results_page
    client.get(page.url)
    with CaptureQueriesContext(connection) as anonymous:
        client.get(page.url)
    admin_client.get(page.url)
    with CaptureQueriesContext(connection) as editor:
        admin_client.get(page.url)
    # The editor's second request renders in full: editors see current data.
    assert len(editor) > 2 * len(anonymous)
    page.title = "Черновик"
    preview = page.make_preview_request()
    assert "Черновик" in preview.content.decode()
