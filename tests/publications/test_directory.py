"""Organisation directory, cards routed from data, comparison, preview image."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from cms_blocks.formatting import format_number
from evaluation import selectors
from evaluation.enums import MeasureStatus, PlanStatus
from evaluation.models import ImprovementPlan
from evaluation.nok import services

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_directory_filters_and_links_every_card(published_region, client) -> None:
    region = published_region
    directory = region.directory
    html = soup(client.get(directory.url))
    links = [row.th.a["href"] for row in html.select("tbody tr")]
    assert links == [directory.card_url(o) for o in region.organisations]
    target = region.organisations[0]
    html = soup(client.get(directory.url, {"q": target.short_name[:8]}))
    names = [row.th.get_text(strip=True) for row in html.select("tbody tr")]
    assert target.short_name in names
    assert all(target.short_name[:8].lower() in n.lower() for n in names)
    html = soup(client.get(directory.url, {"district": target.district.slug}))
    assert {row.select("td")[1].get_text() for row in html.select("tbody tr")} == {
        target.district.name
    }
    html = soup(client.get(directory.url, {"q": "ничего-такого-нет"}))
    assert "Ничего не найдено" in html.get_text()


def test_card_has_stable_urls_per_organisation_and_campaign(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[0]
    latest_url = region.directory.card_url(organisation)
    assert latest_url == f"{region.directory.url}{organisation.slug}/"
    first = region.campaigns[0]
    old_url = region.directory.card_url(organisation, first)
    assert old_url == f"{region.directory.url}{organisation.slug}/{first.slug}/"

    html = soup(client.get(latest_url))
    result = selectors.published_results(region.latest).get(organisation=organisation)
    cards = html.select(".cards .card")
    assert format_number(result.total, 2) in cards[0].get_text()
    assert str(result.rank) in cards[1].get_text()
    assert html.find("link", rel="canonical")["href"] == region.directory.card_url(
        organisation, region.latest
    )
    html_old = soup(client.get(old_url))
    old = selectors.published_results(first).get(organisation=organisation)
    assert format_number(old.total, 2) in html_old.select(".cards .card")[0].get_text()
    switch = html_old.select_one(".campaign-switch a[aria-current=page]")
    assert switch.get_text(strip=True) == str(first.year)

    assert client.get(f"{region.directory.url}no-such-org/").status_code == 404
    assert (
        client.get(f"{region.directory.url}{organisation.slug}/nok-1999/").status_code
        == 404
    )
    decade_card = f"{region.directory.url}{organisation.slug}/{region.decade.slug}/"
    assert client.get(decade_card).status_code == 404


def test_card_explains_every_indicator_and_compares_with_averages(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[1]
    html = soup(client.get(region.directory.card_url(organisation, region.latest)))
    indicators = html.select(".indicator-list details")
    assert len(indicators) == 15
    result = selectors.published_results(region.latest).get(organisation=organisation)
    explanation = selectors.how_computed(result, "1.1")
    assert explanation["formula"] in indicators[0].get_text()
    tables = html.select("section[aria-labelledby=org-criteria] table")
    assert len(tables) == 2  # the chart's data and the comparison with averages
    rows = tables[1].select("tbody tr")
    district = selectors.aggregates(region.latest, group_by="district")[
        organisation.district.slug
    ]
    cells = [td.get_text() for td in rows[0].find_all("td")]
    assert cells[0] == format_number(result.k1, 2)
    assert cells[2] == format_number(district["k1"].mean, 2)
    trend_rows = html.select("section[aria-labelledby=org-trend] tbody tr")
    assert [r.th.get_text() for r in trend_rows] == [
        str(c.year) for c in region.campaigns
    ]
    assert html.select_one("section[aria-labelledby=org-decade]") is not None
    assert "bus.gov.ru" in html.find("a", string="Оценить на bus.gov.ru")["href"]
    widget = html.find("a", string="Виджет и QR-код для сайта организации")["href"]
    assert client.get(widget).status_code == 200
    feed = html.find("link", type="application/rss+xml", title=True)
    assert client.get(feed["href"]).status_code == 200


def test_card_shows_the_plan_with_progress_and_effect(published_region, client) -> None:
    region = published_region
    plan = ImprovementPlan.objects.filter(
        campaign=region.latest, status=PlanStatus.APPROVED
    ).first()
    html = soup(client.get(region.directory.card_url(plan.organisation, region.latest)))
    section = html.select_one("section[aria-labelledby=org-plan]")
    rows = section.select("tbody tr")
    assert len(rows) == plan.measures.count()
    done = plan.measures.filter(status=MeasureStatus.DONE).count()
    assert section.find("progress")["value"] == str(done)
    # The next НОК is not published yet, so no effect can be measured.
    assert "следующая оценка ещё не опубликована" in section.get_text().lower()

    plan.status = PlanStatus.DRAFT
    plan.save()
    html = soup(client.get(region.directory.card_url(plan.organisation, region.latest)))
    assert (
        "Утверждённого плана"
        in html.select_one("section[aria-labelledby=org-plan]").get_text()
    )


def test_comparison_of_up_to_four_organisations(published_region, client) -> None:
    region = published_region
    directory = region.directory
    slugs = [o.slug for o in region.organisations[:5]]
    url = directory.compare_url(slugs[:2], region.latest)
    html = soup(client.get(url))
    header = [a.get_text() for a in html.select("thead th a:not(.muted)")]
    assert header == [o.short_name for o in region.organisations[:2]]
    total_row = html.select("tbody tr")[0]
    results = {
        r.organisation.slug: r for r in selectors.published_results(region.latest)
    }
    assert [td.get_text() for td in total_row.find_all("td")][:2] == [
        format_number(results[s].total, 2) for s in slugs[:2]
    ]
    assert len(html.select("tbody tr.row--indicator")) == 15

    html = soup(client.get(directory.compare_url(slugs, region.latest)))
    assert len(html.select("thead th a:not(.muted)")) == 4
    assert "не более 4" in html.find(role="alert").get_text()

    found = soup(client.get(url, {"q": region.organisations[3].short_name}))
    add = found.select_one("section[aria-labelledby=compare-found] a")
    assert f"org={slugs[3]}" in add["href"]
    empty = soup(client.get(directory.compare_url([])))
    assert "не выбраны" in empty.get_text()


def test_preview_image_is_generated_once_per_publication(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[0]
    card = soup(client.get(region.directory.card_url(organisation, region.latest)))
    url = card.find("meta", property="og:image")["content"]
    path = url.split("testserver", 1)[1]
    response = client.get(path)
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630)
    again = client.get(path)
    assert again.content == response.content

    services.publish_campaign(region.latest, note="Исправление")
    newer = client.get(path)
    assert newer.status_code == 200
    from django.core.files.storage import default_storage

    assert default_storage.exists(
        f"social/{organisation.slug}/{region.latest.slug}-v2.png"
    )
