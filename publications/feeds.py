"""RSS 2.0 and Atom 1.0 feeds: new results, council decisions, documents.

Every feed exists in both formats (the Atom class only changes
``feed_type``). Items are built per request as :class:`FeedEntry` values with
absolute links and GUIDs, because several items may share one link (every
version of a campaign's results leads to the same results page) and a feed
object is shared between threads, so it must not keep the request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from cms_blocks.formatting import count_with_noun, format_date, format_number, quote
from evaluation.enums import CampaignKind
from evaluation.models import (
    Campaign,
    CouncilDecision,
    Organisation,
    Publication,
    PublishedResult,
)
from evaluation.rating import aggregate

from .models import (
    CampaignResultsPage,
    CouncilPage,
    DocumentIndexPage,
    DocumentKind,
    OrganisationIndexPage,
    PortalDocument,
)
from .widgets import CRITERIA, organisation_directory, public_organisation

ITEMS_LIMIT = 50


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, ready to write."""

    title: str
    link: str
    guid: str
    description: str
    pubdate: datetime


@dataclass(frozen=True)
class FeedSource:
    """What a feed is built from: the request and, per organisation, the organisation."""

    request: HttpRequest
    organisation: Organisation | None = None
    directory: OrganisationIndexPage | None = None

    def absolute(self, url: str | None) -> str:
        return self.request.build_absolute_uri(url or "/")


def _day_start(day: date) -> datetime:
    """A date as the start of that day in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _page_url(source: FeedSource, model: type[Page]) -> str:
    page = model.objects.live().order_by("path").first()
    return source.absolute(page.get_url(source.request) if page else None)


def _directory_url(source: FeedSource) -> str:
    directory = organisation_directory()
    return source.absolute(directory.get_url(source.request) if directory else None)


class EntryFeed(Feed):
    """A feed of :class:`FeedEntry` items, in Russian."""

    language = "ru"
    item_guid_is_permalink = False

    #: The public page the feed stands for (its link), where it is one page.
    page_class = None

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSource:
        return FeedSource(request)

    def link(self, obj: FeedSource) -> str:
        return _page_url(obj, self.page_class)

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        raise NotImplementedError

    def subtitle(self, obj: FeedSource) -> str:
        return self._get_dynamic_attr("description", obj)

    def feed_guid(self, obj: FeedSource) -> str:
        # Feeds may share a link (the same page); their own URL is unique.
        return obj.request.build_absolute_uri(obj.request.path)

    def author_name(self) -> str:
        # Atom requires an author of the feed.
        return str(getattr(settings, "WAGTAIL_SITE_NAME", "") or "Портал качества")

    def item_title(self, item: FeedEntry) -> str:
        return item.title

    def item_link(self, item: FeedEntry) -> str:
        return item.link

    def item_guid(self, item: FeedEntry) -> str:
        return item.guid

    def item_description(self, item: FeedEntry) -> str:
        return item.description

    def item_pubdate(self, item: FeedEntry) -> datetime:
        return item.pubdate

    def item_updateddate(self, item: FeedEntry) -> datetime:
        # Atom requires <updated> in every entry; items are never edited.
        return item.pubdate


# ----------------------------------------------------------------- results


def _results_entries(source: FeedSource) -> list[FeedEntry]:
    publications = list(
        Publication.objects.filter(campaign__kind=CampaignKind.NOK)
        .select_related("campaign")
        .order_by("-published_at", "-pk")[:ITEMS_LIMIT]
    )
    totals: dict[int, list[Decimal | None]] = defaultdict(list)
    for publication_id, total in PublishedResult.objects.filter(
        publication__in=publications
    ).values_list("publication_id", "total"):
        totals[publication_id].append(total)
    pages: dict[int, str] = {}
    for page in (
        CampaignResultsPage.objects.live()
        .filter(campaign__in={p.campaign_id for p in publications})
        .order_by("-path")
    ):
        # Reverse path order: the first page in the tree wins.
        pages[page.campaign_id] = source.absolute(page.get_url(source.request))
    fallback = _directory_url(source)
    entries = []
    for publication in publications:
        region = aggregate(totals.get(publication.pk, []))
        lines = [
            f"Среднее по краю значение итогового балла: "
            f"{format_number(region.mean, 2)} из 100 "
            f"({count_with_noun(region.count, 'организация', 'организации', 'организаций')})."
        ]
        if publication.note:
            lines.append(f"Примечание к версии: {publication.note}")
        link = pages.get(publication.campaign_id, fallback)
        entries.append(
            FeedEntry(
                title=f"Опубликованы результаты: {publication.campaign}, "
                f"версия {publication.version}",
                link=link,
                guid=f"{link}#publication-{publication.pk}",
                description="\n".join(lines),
                pubdate=publication.published_at,
            )
        )
    return entries


class ResultsFeed(EntryFeed):
    """New versions of НОК results (RSS 2.0)."""

    title = "Результаты независимой оценки качества"
    description = (
        "Публикации и исправленные версии результатов независимой оценки "
        "качества условий оказания услуг организациями социального обслуживания."
    )

    def link(self, obj: FeedSource) -> str:
        return _directory_url(obj)

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        return _results_entries(obj)


class ResultsAtomFeed(ResultsFeed):
    """New versions of НОК results (Atom 1.0)."""

    feed_type = Atom1Feed


# --------------------------------------------------------------- decisions


def _decision_entry(decision: CouncilDecision, link: str) -> FeedEntry:
    lines = [decision.text]
    if decision.campaign is not None:
        lines.append(f"Кампания: {decision.campaign}.")
    if decision.organisation is not None:
        lines.append(f"Организация: {decision.organisation.short_name}.")
    return FeedEntry(
        title=f"{decision}: {decision.title}",
        link=link,
        guid=f"{link}#decision-{decision.pk}",
        description="\n".join(lines),
        pubdate=_day_start(decision.decided_on),
    )


def _published_decisions():
    return (
        CouncilDecision.objects.filter(is_published=True)
        .select_related("campaign", "organisation")
        .order_by("-decided_on", "-pk")
    )


class DecisionsFeed(EntryFeed):
    """Published decisions of the public council (RSS 2.0)."""

    page_class = CouncilPage
    title = "Решения общественного совета"
    description = (
        "Решения общественного совета по независимой оценке качества условий "
        "оказания услуг организациями социального обслуживания."
    )

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        link = self.link(obj)
        return [
            _decision_entry(decision, link)
            for decision in _published_decisions()[:ITEMS_LIMIT]
        ]


class DecisionsAtomFeed(DecisionsFeed):
    """Published decisions of the public council (Atom 1.0)."""

    feed_type = Atom1Feed


# --------------------------------------------------------------- documents


class DocumentsFeed(EntryFeed):
    """Published documents, newest first (RSS 2.0)."""

    page_class = DocumentIndexPage
    title = "Документы о независимой оценке качества"
    description = (
        "Приказы, положения, решения общественного совета, планы и отчёты "
        "о независимой оценке качества."
    )

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        documents = PortalDocument.objects.annotate(
            day=Coalesce("issued_on", TruncDate("created_at"))
        ).order_by(F("day").desc(), "-created_at", "-pk")[:ITEMS_LIMIT]
        entries = []
        for document in documents:
            details = [str(DocumentKind(document.kind).label)]
            if document.number:
                details.append(f"№ {document.number}")
            if document.issued_on:
                details.append(f"от {format_date(document.issued_on)}")
            lines = [" ".join(details).removesuffix(".") + "."]
            if document.description:
                lines.append(document.description)
            link = obj.absolute(document.url)
            entries.append(
                FeedEntry(
                    title=document.title,
                    link=link,
                    guid=link,
                    description="\n".join(lines),
                    pubdate=_day_start(document.issued_on)
                    if document.issued_on
                    else document.created_at,
                )
            )
        # Within one day the database order is by upload time; sort by the
        # date the feed shows so that it never goes back in time.
        return sorted(entries, key=lambda entry: entry.pubdate, reverse=True)


class DocumentsAtomFeed(DocumentsFeed):
    """Published documents, newest first (Atom 1.0)."""

    feed_type = Atom1Feed


# ------------------------------------------------------------ organisation


class OrganisationFeed(EntryFeed):
    """One organisation's published results and the council's decisions on it."""

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSource:
        return FeedSource(
            request, public_organisation(kwargs["slug"]), organisation_directory()
        )

    def title(self, obj: FeedSource) -> str:
        return f"{obj.organisation.short_name}: результаты оценки и решения совета"

    def description(self, obj: FeedSource) -> str:
        return (
            f"Результаты независимой оценки качества организации "
            f"{quote(obj.organisation.name)} и решения общественного совета о ней."
        )

    def link(self, obj: FeedSource) -> str:
        return self._card_url(obj, None)

    def _card_url(self, obj: FeedSource, campaign: Campaign | None) -> str:
        # The stable card without a campaign; a campaign's card with one.
        if obj.directory is None:
            return obj.absolute(None)
        return obj.absolute(obj.directory.card_url(obj.organisation, campaign))

    def items(self, obj: FeedSource) -> list[FeedEntry]:
        organisation = obj.organisation
        entries = []
        results = (
            PublishedResult.objects.filter(
                organisation=organisation,
                publication__campaign__kind=CampaignKind.NOK,
            )
            .select_related("publication__campaign")
            .order_by("-publication__published_at", "-pk")[:ITEMS_LIMIT]
        )
        for result in results:
            publication = result.publication
            lines = [f"Итоговый балл: {format_number(result.total, 2)} из 100."]
            if result.rank:
                lines.append(f"Место в рейтинге: {result.rank}.")
            lines.append(
                "Баллы по критериям: "
                + "; ".join(
                    f"{criterion.value} {criterion.label} — "
                    f"{format_number(getattr(result, field), 2)}"
                    for field, criterion in CRITERIA
                )
                + "."
            )
            if publication.note:
                lines.append(f"Примечание к версии: {publication.note}")
            link = self._card_url(obj, publication.campaign)
            entries.append(
                FeedEntry(
                    title=f"Опубликованы результаты: {publication.campaign}, "
                    f"версия {publication.version}",
                    link=link,
                    guid=f"{link}#publication-{publication.pk}",
                    description="\n".join(lines),
                    pubdate=publication.published_at,
                )
            )
        link = self._card_url(obj, None)
        entries += [
            _decision_entry(decision, link)
            for decision in _published_decisions().filter(organisation=organisation)[
                :ITEMS_LIMIT
            ]
        ]
        entries.sort(key=lambda entry: entry.pubdate, reverse=True)
        return entries[:ITEMS_LIMIT]


class OrganisationAtomFeed(OrganisationFeed):
    """One organisation's feed (Atom 1.0)."""

    feed_type = Atom1Feed
