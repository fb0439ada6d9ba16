"""What the publications app gives public search, as plain mappings.

The only module of ``publications`` that ``search`` imports (STYLE.md §2).
Mappings use the field names of ``search.documents.SearchDocument``. Indexed:

* live pages without view restrictions (title, lead, search description, body
  text);
* documents outside restricted collections (title, number, description and the
  text of PDF files, first pages only).

It also builds the public URLs of the evaluation app's documents
(:func:`fill_urls`): organisation cards, plans on cards, council decisions,
because page URLs belong to this app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils.html import strip_tags
from wagtail.models import (
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    get_page_models,
)
from wagtail.signals import page_published, page_unpublished

from evaluation.enums import CampaignKind
from publications.models import CouncilPage, PortalDocument
from publications.models.directory import OrganisationIndexPage

logger = logging.getLogger(__name__)

Mapping = dict[str, Any]
Subscription = tuple[Signal, type[Model] | None, Callable[..., Iterable[Any]], bool]

#: PDF text is read from the first pages only, and cut to this many characters.
PDF_MAX_PAGES = 50
PDF_MAX_CHARS = 200_000


# -------------------------------------------------------------------------- pages


def _page_text(page: Page) -> str:
    """Searchable text of a page's own fields (lead, intro, StreamField bodies)."""
    parts: list[str] = [getattr(page, "lead", "") or "", page.search_description or ""]
    for field in page._meta.get_fields():
        name = getattr(field, "name", "")
        if not name or name in {"title", "lead", "search_description"}:
            continue
        internal = getattr(field, "get_internal_type", lambda: "")()
        value = getattr(page, name, None)
        if value is None:
            continue
        if field.__class__.__name__ == "StreamField":
            try:
                parts.extend(str(text) for text in field.get_searchable_content(value))
            except Exception:  # a broken block must not stop indexing
                logger.exception("search: cannot read the body of page %s", page.pk)
        elif field.__class__.__name__ == "RichTextField" or internal == "TextField":
            parts.append(strip_tags(str(value)))
    return "\n".join(" ".join(part.split()) for part in parts if part and part.strip())


def _is_public_page(page: Page) -> bool:
    if not page.live or page.depth <= 1:
        return False
    return not PageViewRestriction.objects.filter(
        page__in=page.get_ancestors(inclusive=True)
    ).exists()


def page_document(page: Page) -> Mapping:
    """The search document of one live page (``page`` should be specific)."""
    campaign = getattr(page, "campaign", None)
    return {
        "id": f"page:{page.pk}",
        "kind": "page",
        "title": page.title,
        "names": [page.seo_title] if page.seo_title else [],
        "text": _page_text(page),
        "url": page.get_url() or page.url_path,
        "published_at": page.last_published_at or page.first_published_at,
        "campaign": [campaign.slug] if getattr(campaign, "slug", None) else [],
        "extra": {
            "page_type": str(page.specific_class._meta.verbose_name)
            if page.specific_class
            else ""
        },
    }


# ---------------------------------------------------------------------- documents


def pdf_text(document: PortalDocument) -> str:
    """Text of a PDF document's first pages ("" for other files or on errors)."""
    if document.file_extension.lower() != "pdf":
        return ""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    size = 0
    try:
        with document.file.open("rb") as handle:
            reader = PdfReader(handle)
            for page in reader.pages[:PDF_MAX_PAGES]:
                text = page.extract_text() or ""
                parts.append(text)
                size += len(text)
                if size >= PDF_MAX_CHARS:
                    break
    except (OSError, ValueError, PyPdfError):
        logger.warning("search: cannot read the text of document %s", document.pk)
        return ""
    return " ".join(" ".join(parts).split())[:PDF_MAX_CHARS]


def _is_public_document(document: PortalDocument) -> bool:
    return not CollectionViewRestriction.objects.filter(
        collection__in=document.collection.get_ancestors(inclusive=True)
    ).exists()


def document_document(document: PortalDocument) -> Mapping:
    """The search document of one public document (with its PDF text)."""
    names = [document.number, f"№ {document.number}"] if document.number else []
    return {
        "id": f"document:{document.pk}",
        "kind": "document",
        "title": document.title,
        "names": names,
        "text": "\n".join(
            part for part in (document.description, pdf_text(document)) if part
        ),
        "url": document.url,
        "published_at": document.issued_on or document.created_at,
        "doc_type": document.kind,
        "extra": {
            "number": document.number,
            "file_extension": document.file_extension,
            "kind_label": str(document.get_kind_display()),
        },
    }


# ------------------------------------------------------ URLs of evaluation objects


def fill_urls(mappings: Iterable[Mapping]) -> list[Mapping]:
    """Fill ``url`` of the evaluation app's documents from the live site pages.

    Organisations link to their card (the card of the latest НОК campaign),
    measures and reports to the plan on the card, decisions to the council
    page. Without the page that shows them the URL stays empty.
    """
    directory = OrganisationIndexPage.objects.live().order_by("path").first()
    council = CouncilPage.objects.live().order_by("path").first()
    base = (directory.get_url() or directory.url_path) if directory else ""
    council_url = (council.get_url() or council.url_path) if council else ""
    filled = []
    for mapping in mappings:
        if not mapping.get("url"):
            mapping = {**mapping, "url": _url(mapping, directory, base, council_url)}
        filled.append(mapping)
    return filled


def _url(
    mapping: Mapping,
    directory: OrganisationIndexPage | None,
    base: str,
    council_url: str,
) -> str:
    extra = mapping.get("extra") or {}
    kind = mapping.get("kind")
    if kind == "decision":
        return (
            f"{council_url}#decision-{extra.get('decision_pk')}" if council_url else ""
        )
    slug = extra.get("organisation_slug")
    if directory is None or not slug:
        return ""
    campaign = extra.get("campaign_slug")
    nok = kind == "organisation" or extra.get("campaign_kind") == CampaignKind.NOK
    if campaign and nok:
        url = base + directory.reverse_subpage(
            "campaign_card", kwargs={"slug": slug, "campaign_slug": campaign}
        )
    else:
        url = base + directory.reverse_subpage("card", kwargs={"slug": slug})
    return url + "#org-plan" if kind in {"measure", "report"} else url


# ---------------------------------------------------------------------- interface


def all_documents() -> Iterator[Mapping]:
    """Every public document of the app, for a full reindex."""
    for page in (
        Page.objects.live().filter(depth__gt=1).specific().iterator(chunk_size=200)
    ):
        if _is_public_page(page):
            yield page_document(page)
    for document in PortalDocument.objects.select_related("collection").iterator(
        chunk_size=200
    ):
        if _is_public_document(document):
            yield document_document(document)


def changes_for(obj: Any) -> tuple[list[Mapping], list[str]]:
    """Documents to write and ids to remove after ``obj`` changed."""
    if isinstance(obj, Page):
        page = Page.objects.filter(pk=obj.pk).specific().first()
        if page is None or not _is_public_page(page):
            return [], [f"page:{obj.pk}"]
        return [page_document(page)], []
    if isinstance(obj, PortalDocument):
        document = PortalDocument.objects.filter(pk=obj.pk).first()
        if document is None or not _is_public_document(document):
            return [], [f"document:{obj.pk}"]
        return [document_document(document)], []
    return [], []


def removals_for(obj: Any) -> list[str]:
    """Ids of the documents of an object that was deleted or unpublished."""
    if obj.pk is None:
        return []
    if isinstance(obj, Page):
        return [f"page:{obj.pk}"]
    if isinstance(obj, PortalDocument):
        return [f"document:{obj.pk}"]
    return []


def _instance(instance: Any = None, **_kwargs: Any) -> list[Any]:
    return [instance] if instance is not None else []


def subscriptions() -> list[Subscription]:
    """Signals that mean "reindex": ``(signal, sender, objects_of, is_removal)``."""
    subs: list[Subscription] = [
        (page_published, None, _instance, False),
        (page_unpublished, None, _instance, True),
        (post_save, PortalDocument, _instance, False),
        (post_delete, PortalDocument, _instance, True),
    ]
    subs.extend((post_delete, model, _instance, True) for model in get_page_models())
    return subs


def facet_labels() -> dict[str, dict[str, str]]:
    """Russian labels of the facet values this app's documents carry."""
    return {
        "doc_type": {
            value: str(label)
            for value, label in PortalDocument._meta.get_field("kind").choices
        },
    }
