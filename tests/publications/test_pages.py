"""Page types: creation rules, render, preview, admin edit and API output."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from cms_blocks.formatting import format_number
from evaluation import selectors
from publications.models import (
    AssessmentIndexPage,
    CampaignResultsPage,
    CouncilPage,
    DecadeResultsPage,
    DocumentIndexPage,
    HomePage,
    MethodologyPage,
    NewsIndexPage,
    NewsPage,
    OrganisationIndexPage,
    StandardPage,
)

pytestmark = pytest.mark.django_db

ALL_TYPES = [
    HomePage,
    StandardPage,
    AssessmentIndexPage,
    CampaignResultsPage,
    DecadeResultsPage,
    MethodologyPage,
    OrganisationIndexPage,
    CouncilPage,
    DocumentIndexPage,
    NewsIndexPage,
    NewsPage,
]

# (child, parent) pairs that must be allowed; every other pair of these
# types is refused.
ALLOWED = {
    (HomePage, Page),
    (AssessmentIndexPage, HomePage),
    (OrganisationIndexPage, HomePage),
    (CouncilPage, HomePage),
    (DocumentIndexPage, HomePage),
    (NewsIndexPage, HomePage),
    (StandardPage, HomePage),
    (StandardPage, AssessmentIndexPage),
    (StandardPage, StandardPage),
    (CampaignResultsPage, AssessmentIndexPage),
    (DecadeResultsPage, AssessmentIndexPage),
    (MethodologyPage, AssessmentIndexPage),
    (NewsPage, NewsIndexPage),
}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.parametrize("child", ALL_TYPES, ids=lambda c: c.__name__)
def test_creation_rules(child) -> None:
    for parent in [Page, *ALL_TYPES]:
        allowed = (child, parent) in ALLOWED
        possible = (
            child in parent.allowed_subpage_models()
            and parent in child.allowed_parent_page_models()
        )
        assert possible is allowed, (child, parent)


def test_every_type_declares_api_fields() -> None:
    for page_type in ALL_TYPES:
        names = {field.name for field in page_type.api_fields}
        assert "lead" in names, page_type


def test_every_page_of_the_demo_tree_renders(published_region, client) -> None:
    pages = Page.objects.live().filter(depth__gte=2).specific()
    types = {type(page) for page in pages}
    assert types == set(ALL_TYPES)
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        html = soup(response)
        assert html.find("h1").get_text(strip=True), page.url
        assert html.find("main", id="main") is not None


def test_campaign_results_page_shows_summary_and_live_rating(
    published_region, client
) -> None:
    region = published_region
    response = client.get(region.results_page.url)
    html = soup(response)
    mean = selectors.aggregates(region.latest)["region"]["total"].mean
    assert format_number(mean, 2) in html.select_one(".cards").get_text()
    rows = html.select("section.block--rating tbody tr")
    assert len(rows) == len(region.organisations)
    best = selectors.published_results(region.latest).first()
    assert rows[0].th.get_text(strip=True) == best.organisation.short_name
    assert html.select("figure.chart svg[role=img]")
    csv_link = html.select_one("section.block--rating .downloads a")
    download = client.get(csv_link["href"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert best.organisation.short_name in download.getvalue().decode("utf-8-sig")


def test_results_page_and_card_say_what_a_score_means(published_region, client):
    """Two or three plain sentences and a link to the methodology page."""
    region = published_region
    method_url = MethodologyPage.objects.live().get().url
    results = soup(client.get(region.results_page.url)).select_one(".score-meaning")
    count = len(region.organisations)
    text = results.get_text(" ", strip=True)
    assert text.startswith("Итоговый балл — среднее пяти критериев (К1–К5)")
    assert "от 0 до 100" in text
    assert (
        f"со всеми {count}\u00a0оценёнными организациями {region.latest.year} года"
        in text
    )
    assert results.a["href"] == method_url

    organisation = region.organisations[0]
    result = selectors.published_results(region.latest).get(organisation=organisation)
    card = soup(client.get(f"{region.directory.url}{organisation.slug}/"))
    meaning = card.select_one(".score-meaning").get_text(" ", strip=True)
    respondents = result.inputs_snapshot["respondents"]
    assert f"Число опрошенных получателей услуг: {respondents}." in meaning
    assert card.select_one(".score-meaning a")["href"] == method_url


def test_the_home_page_offers_the_citizens_entry_points(published_region, client):
    region = published_region
    home = soup(client.get("/"))
    entry = home.select_one("nav.entry-points")
    form = entry.select_one("form[role=search]")
    assert form["action"] == region.directory.url
    assert form.select_one("input[name=q]")["id"] == "home-find"
    links = {a.get_text(strip=True): a["href"] for a in entry.select("a")}
    assert links["Заполнить анкету"] == region.directory.url
    assert region.results_page.url in links.values()
    found = client.get(form["action"], {"q": region.organisations[0].short_name})
    assert region.organisations[0].short_name in found.content.decode()


def test_results_page_without_rating_block_adds_the_rating(
    published_region, client
) -> None:
    page = published_region.results_page
    page.body = [
        (b.block_type, b.value) for b in page.body if b.block_type != "rating_table"
    ]
    page.save_revision().publish()
    html = soup(client.get(page.url))
    assert len(html.select("section.block--rating")) == 1
    assert len(html.select("section.block--rating tbody tr")) == len(
        published_region.organisations
    )


def test_methodology_page_is_generated_from_the_method(
    published_region, client
) -> None:
    page = MethodologyPage.objects.get()
    html = soup(client.get(page.url))
    text = html.get_text(" ")
    assert "344н" in text
    rows = html.select("tbody tr")
    assert len(rows) == 15
    assert "1.1" in rows[0].th.get_text()
    assert page.method["criteria"][0]["indicators"][0]["weight"] == "0.3"
    # Equal weights of the five criteria in the total (344н).
    assert text.count("Доля в итоговом балле: 0,20") == 5
    # Rule constants without exponents, codes only in Cyrillic, no internal code.
    assert "30 баллов за каждое условие, не более 100" in " ".join(text.split())
    assert "E+" not in text and "344n" not in text
    assert "К1. " in text and "K1" not in text


def test_council_page_lists_members_meetings_and_published_decisions(
    published_region, client
) -> None:
    from evaluation.models import CouncilDecision

    hidden = CouncilDecision.objects.first()
    hidden.is_published = False
    hidden.save()
    page = CouncilPage.objects.get()
    html = soup(client.get(page.url))
    text = html.get_text(" ")
    assert "Иванова Мария Петровна" in text
    assert "Протокол" in text
    shown = CouncilDecision.objects.filter(is_published=True)
    for decision in shown:
        assert decision.title in text
    assert hidden.title not in text
    assert len(html.select(".decision")) == shown.count()


def test_document_index_filters_by_kind(published_region, client) -> None:
    page = DocumentIndexPage.objects.get()
    html = soup(client.get(page.url))
    assert len(html.select(".document-list li")) == 2
    html = soup(client.get(page.url, {"kind": "order"}))
    items = html.select(".document-list li")
    assert len(items) == 1
    assert "Приказ" in items[0].get_text()


def test_preview_renders_a_draft(published_region) -> None:
    page = published_region.results_page
    page.title = "Черновик результатов"
    response = page.make_preview_request()
    assert response.status_code == 200
    assert "Черновик результатов" in response.content.decode()


def test_admin_edit_view_opens_for_every_page(published_region, admin_client) -> None:
    for page in Page.objects.live().filter(depth__gte=2):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page


def test_api_v2_serialises_blocks_with_live_data(published_region, client) -> None:
    region = published_region
    response = client.get(
        f"/api/v2/pages/{region.results_page.pk}/",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["campaign_summary"]["campaign"]["slug"] == region.latest.slug
    assert data["campaign_summary"]["organisations"] == len(region.organisations)
    rating = next(b for b in data["body"] if b["type"] == "rating_table")
    assert rating["value"]["count"] == len(region.organisations)
    best = selectors.published_results(region.latest).first()
    assert rating["value"]["rows"][0]["total"] == str(best.total)
    listing = client.get(
        "/api/v2/pages/",
        {"type": "qp_publications.MethodologyPage", "fields": "method"},
    )
    method = listing.json()["items"][0]["method"]
    assert [c["code"] for c in method["criteria"]] == ["K1", "K2", "K3", "K4", "K5"]


def test_api_v2_detail_of_every_page_type_has_its_api_fields(
    published_region, client
) -> None:
    pages = Page.objects.live().filter(depth__gte=2).specific()
    seen = set()
    for page in pages:
        response = client.get(f"/api/v2/pages/{page.pk}/")
        assert response.status_code == 200, page
        data = response.json()
        names = {field.name for field in type(page).api_fields}
        assert names <= set(data), (type(page).__name__, names - set(data))
        seen.add(type(page))
    assert seen == set(ALL_TYPES)
