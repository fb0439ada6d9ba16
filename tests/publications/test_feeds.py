"""RSS 2.0 and Atom 1.0 feeds: results, council decisions, documents, organisations."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cms_blocks.formatting import format_number
from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.models import CouncilDecision, Publication, PublishedResult
from evaluation.nok import services
from publications.models import (
    CampaignResultsPage,
    CouncilPage,
    DocumentKind,
    PortalDocument,
)

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
ATOM = "{http://www.w3.org/2005/Atom}"
FORMATS = ("rss", "atom")


@dataclass
class Item:
    title: str
    link: str
    guid: str
    description: str
    date: datetime


def read_feed(client, name: str, fmt: str, **kwargs) -> tuple[ET.Element, list[Item]]:
    """Fetch a feed and parse it with ElementTree: the channel/feed and its items."""
    response = client.get(reverse(f"publications:{name}-{fmt}", kwargs=kwargs))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    if fmt == "rss":
        assert response["Content-Type"].startswith("application/rss+xml")
        assert root.tag == "rss"
        assert root.get("version") == "2.0"
        channel = root.find("channel")
        items = [
            Item(
                title=item.findtext("title"),
                link=item.findtext("link"),
                guid=item.findtext("guid"),
                description=item.findtext("description"),
                date=parsedate_to_datetime(item.findtext("pubDate")),
            )
            for item in channel.findall("item")
        ]
        return channel, items
    assert response["Content-Type"].startswith("application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    # What Atom 1.0 requires: a feed id and author, an id and update time per entry.
    assert (
        root.findtext(f"{ATOM}id")
        == "http://testserver" + response.request["PATH_INFO"]
    )
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published")
    items = [
        Item(
            title=entry.findtext(f"{ATOM}title"),
            link=entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
            guid=entry.findtext(f"{ATOM}id"),
            description=entry.findtext(f"{ATOM}summary"),
            date=datetime.fromisoformat(entry.findtext(f"{ATOM}published")),
        )
        for entry in root.findall(f"{ATOM}entry")
    ]
    return root, items


def feed_title(root: ET.Element, fmt: str) -> str:
    return root.findtext("title" if fmt == "rss" else f"{ATOM}title")


def assert_newest_first(items: list[Item]) -> None:
    dates = [item.date for item in items]
    assert dates == sorted(dates, reverse=True)


def add_decision(**fields) -> CouncilDecision:
    defaults = {"text": "Текст решения.", "is_published": True}
    return CouncilDecision.objects.create(**{**defaults, **fields})


# ----------------------------------------------------------------- results


@pytest.mark.parametrize("fmt", FORMATS)
def test_results_feed_lists_publications_with_links_to_results_pages(
    published_region, client, fmt
) -> None:
    region = published_region
    first, latest = region.campaigns[0], region.latest
    services.publish_campaign(latest, note="Исправлена опечатка в данных оператора")
    CampaignResultsPage.objects.get(campaign=first).unpublish()

    root, items = read_feed(client, "feed-results", fmt)

    assert feed_title(root, fmt) == "Результаты независимой оценки качества"
    publications = Publication.objects.filter(campaign__kind=CampaignKind.NOK)
    assert len(items) == publications.count() == 4
    assert items[0].title == f"Опубликованы результаты: {latest.title}, версия 2"
    assert "Исправлена опечатка в данных оператора" in items[0].description
    mean = selectors.aggregates(latest)["region"]["total"].mean
    assert f"{format_number(mean, 2)} из 100" in items[0].description
    assert_newest_first(items)
    by_campaign = {c.title: c for c in region.campaigns}
    for item in items:
        campaign = by_campaign[item.title.split(": ", 1)[1].rsplit(", версия", 1)[0]]
        expected = (
            region.directory.url
            if campaign == first
            else CampaignResultsPage.objects.get(campaign=campaign).url
        )
        assert item.link == HOST + expected
    assert len({item.guid for item in items}) == len(items)


def test_results_feed_is_limited_to_fifty_items(published_region, client) -> None:
    latest = published_region.latest
    Publication.objects.bulk_create(
        Publication(campaign=latest, version=version, note=f"Версия {version}")
        for version in range(2, 62)
    )
    for fmt in FORMATS:
        _root, items = read_feed(client, "feed-results", fmt)
        assert len(items) == 50
        assert items[0].title.endswith("версия 61")


# --------------------------------------------------------------- decisions


@pytest.mark.parametrize("fmt", FORMATS)
def test_decisions_feed_shows_only_published_decisions(
    published_region, client, fmt
) -> None:
    region = published_region
    today = date.today()
    add_decision(
        number="9/черновик",
        decided_on=today,
        title="Проект решения, ещё не опубликован",
        is_published=False,
    )
    newest = add_decision(
        number="8/2025",
        decided_on=date(today.year, 1, 1),
        title="О плане работы совета",
        organisation=region.organisations[0],
    )

    root, items = read_feed(client, "feed-decisions", fmt)

    assert feed_title(root, fmt) == "Решения общественного совета"
    titles = [item.title for item in items]
    # The demo's four (three НОК and the Декада, approved by the council) and
    # the newest one added here; the draft is left out.
    assert len(items) == CouncilDecision.objects.filter(is_published=True).count() == 5
    assert not any("Проект решения" in title for title in titles)
    assert titles[0] == f"{newest}: О плане работы совета"
    assert region.organisations[0].short_name in items[0].description
    council_url = HOST + CouncilPage.objects.live().get().url
    assert {item.link for item in items} == {council_url}
    assert_newest_first(items)
    assert len({item.guid for item in items}) == len(items)


# --------------------------------------------------------------- documents


@pytest.mark.parametrize("fmt", FORMATS)
def test_documents_feed_links_files_newest_first(published_region, client, fmt) -> None:
    undated = PortalDocument.objects.create(
        title="Отчёт о выполнении планов",
        file=ContentFile(b"%PDF-1.4\n", name="report.pdf"),
        kind=DocumentKind.REPORT,
        description="Сводный отчёт.",
    )

    root, items = read_feed(client, "feed-documents", fmt)

    assert feed_title(root, fmt) == "Документы о независимой оценке качества"
    documents = {document.title: document for document in PortalDocument.objects.all()}
    assert len(items) == len(documents) == 3
    # Uploaded today without a document date: newer than the demo documents.
    assert items[0].title == undated.title
    assert "Отчёт." in items[0].description
    for item in items:
        assert item.link == HOST + documents[item.title].url
        assert item.link.startswith(f"{HOST}/documents/")
    assert_newest_first(items)


# ------------------------------------------------------------ organisation


@pytest.mark.parametrize("fmt", FORMATS)
def test_organisation_feed_has_only_that_organisations_items(
    published_region, client, fmt
) -> None:
    region = published_region
    organisation, other = region.organisations[0], region.organisations[1]
    own = add_decision(
        number="5/2024",
        decided_on=date(2024, 12, 1),
        title="О плане мероприятий организации",
        organisation=organisation,
    )
    add_decision(
        number="6/2024",
        decided_on=date(2024, 12, 2),
        title="О другой организации",
        organisation=other,
    )
    add_decision(
        number="7/2024",
        decided_on=date(2024, 12, 3),
        title="Неопубликованное решение об организации",
        organisation=organisation,
        is_published=False,
    )

    root, items = read_feed(client, "feed-organisation", fmt, slug=organisation.slug)

    assert organisation.short_name in feed_title(root, fmt)
    results = PublishedResult.objects.filter(
        organisation=organisation, publication__campaign__kind=CampaignKind.NOK
    )
    titles = [item.title for item in items]
    assert len(items) == results.count() + 1 == 4
    assert f"{own}: О плане мероприятий организации" in titles
    assert not any(
        "О другой организации" in t or "Неопубликованное" in t for t in titles
    )
    # Region-wide decisions (no organisation) belong to the decisions feed only.
    assert not any("Об утверждении результатов" in title for title in titles)
    card = HOST + region.directory.card_url(organisation)
    assert all(item.link.startswith(card) for item in items)
    latest_item = next(
        item
        for item in items
        if item.link == HOST + region.directory.card_url(organisation, region.latest)
    )
    result = selectors.published_results(region.latest).get(organisation=organisation)
    assert f"Итоговый балл: {format_number(result.total, 2)} из 100" in (
        latest_item.description
    )
    text = " ".join(item.title + item.description for item in items)
    assert other.short_name not in text
    assert_newest_first(items)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_inactive_organisation_feed_is_404(
    published_region, client, fmt
) -> None:
    name = f"publications:feed-organisation-{fmt}"
    assert client.get(reverse(name, kwargs={"slug": "no-such-org"})).status_code == 404
    organisation = published_region.organisations[0]
    organisation.is_active = False
    organisation.save()
    assert (
        client.get(reverse(name, kwargs={"slug": organisation.slug})).status_code == 404
    )
