"""The public search page and the suggestions endpoint of the search box.

The page is a plain GET form: query text, facet checkboxes and pagination are
query-string parameters, so it works without JavaScript; a small script only
adds autocomplete from ``/search/suggest/``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from search import analysis, service
from search.backends.base import FacetCount, SearchHit, SearchQuery
from search.documents import FACET_LABELS, FACETS, KIND_LABELS

#: Query-string parameter of each facet (the facet names themselves).
FACET_PARAMS: tuple[str, ...] = FACETS


@dataclass(frozen=True)
class SnippetPart:
    """A run of snippet text, highlighted when it is a matched word."""

    text: str
    match: bool


@dataclass(frozen=True)
class HitView:
    """What the result list shows for one hit."""

    hit: SearchHit
    kind_label: str
    snippet: list[SnippetPart]
    details: list[str]


@dataclass(frozen=True)
class FacetView:
    """One facet's checkboxes."""

    name: str
    label: str
    buckets: tuple[FacetCount, ...]


def query_from_request(request: HttpRequest) -> SearchQuery:
    """Read the search parameters of a GET request into a valid query."""
    params = request.GET
    filters = {
        facet: params.getlist(facet) for facet in FACET_PARAMS if facet != "kind"
    }
    return service.build_query(
        text=params.get("q", ""),
        filters=filters,
        kinds=params.getlist("kind"),
        page=params.get("page", 1),
        page_size=service.DEFAULT_PAGE_SIZE,
    )


def _snippet(text: str, stems: frozenset[str]) -> list[SnippetPart]:
    parts: list[SnippetPart] = []
    position = 0
    for match in analysis.word_spans(text):
        start, end, word = match
        if any(analysis.stem(part) in stems for part in word.split("-") if part):
            if start > position:
                parts.append(SnippetPart(text[position:start], False))
            parts.append(SnippetPart(text[start:end], True))
            position = end
    if position < len(text):
        parts.append(SnippetPart(text[position:], False))
    return parts


def _details(hit: SearchHit, labels: dict[str, dict[str, str]]) -> list[str]:
    doc = hit.document
    if doc is None:
        return []
    extra = doc.extra
    details = []
    if doc.district:
        details.append(labels.get("district", {}).get(doc.district, doc.district))
    if doc.kind == "organisation" and extra.get("total"):
        details.append(
            f"итоговый балл {str(extra['total']).replace('.', ',')} "
            f"({extra.get('campaign_title', '')})".replace(" ()", "")
        )
    if doc.kind in {"measure", "report", "decision"} and extra.get("organisation_name"):
        details.append(str(extra["organisation_name"]))
    if doc.status:
        details.append(labels.get("status", {}).get(doc.status, doc.status))
    if doc.doc_type and doc.kind == "document":
        details.append(labels.get("doc_type", {}).get(doc.doc_type, doc.doc_type))
    if doc.published_at:
        details.append(doc.published_at.strftime("%d.%m.%Y"))
    return details


def _query_string(query: SearchQuery, **changes: Any) -> str:
    """The query string of ``query`` without ``page``, with a trailing "&"."""
    pairs: list[tuple[str, str]] = []
    if query.text:
        pairs.append(("q", query.text))
    pairs.extend(("kind", kind) for kind in query.kinds)
    for facet in FACET_PARAMS:
        pairs.extend((facet, value) for value in query.filters.get(facet, ()))
    drop = changes.get("drop")
    if drop:
        pairs = [pair for pair in pairs if pair != drop]
    encoded = urlencode(pairs)
    return encoded + "&" if encoded else ""


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The search page: form, facets with counts, results, pagination."""
    query = query_from_request(request)
    # The page has its own search form: the header's would be a second one.
    context: dict[str, Any] = {
        "query": query,
        "unavailable": False,
        "hide_header_search": True,
    }
    try:
        results = service.search(query)
        if results.total and not results.hits and query.page > results.num_pages:
            # A page past the end (an old link): show the last page instead.
            query = replace(query, page=results.num_pages)
            context["query"] = query
            results = service.search(query)
    except service.SearchUnavailableError:
        context["unavailable"] = True
        return render(request, "search/search_page.html", context, status=503)
    labels = service.facet_labels()
    terms = analysis.analyse_query(query.text) if query.text else []
    stems = analysis.highlight_stems(terms)
    hits = [
        HitView(
            hit=hit,
            kind_label=str(KIND_LABELS.get(hit.kind, hit.kind)),
            snippet=_snippet(hit.snippet, stems),
            details=_details(hit, labels),
        )
        for hit in results.hits
    ]
    facets = [
        FacetView(
            name=facet, label=str(FACET_LABELS[facet]), buckets=results.facets[facet]
        )
        for facet in FACETS
        if results.facets.get(facet)
    ]
    paginator = Paginator(range(results.total), query.page_size)
    page_obj = paginator.get_page(query.page)
    base = _query_string(query)
    selected = [
        {
            "facet": str(FACET_LABELS[facet]),
            "label": bucket.label,
            "remove_url": "?" + _query_string(query, drop=(facet, bucket.value)),
        }
        for facet in FACETS
        for bucket in results.facets.get(facet, ())
        if bucket.selected
    ]
    context.update(
        {
            "results": results,
            "hits": hits,
            "facets": facets,
            "selected": selected,
            "page_obj": page_obj,
            "query_prefix": base,
            "corrections": sorted(
                {correction for _typed, correction in results.corrected}
            ),
            "searched": bool(query.text or query.filters or query.kinds),
        }
    )
    return render(request, "search/search_page.html", context)


@require_GET
def suggest_view(request: HttpRequest) -> JsonResponse:
    """Suggestions for the search box as JSON: ``{"query": …, "suggestions": […]}``."""
    prefix = request.GET.get("q", "")
    try:
        suggestions = service.suggest(prefix, limit=8)
    except service.SearchUnavailableError:
        return JsonResponse(
            {"query": prefix, "suggestions": [], "error": "Поиск временно недоступен."},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(
        {
            "query": prefix,
            "suggestions": [
                {
                    "text": s.text,
                    "kind": s.kind,
                    "kind_label": str(KIND_LABELS.get(s.kind, s.kind)),
                    "url": s.url,
                }
                for s in suggestions
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
