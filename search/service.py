"""The query service: the one place public search queries are built and run.

It chooses the backend once from ``search.conf`` (``ELASTICSEARCH_URL`` set →
Elasticsearch, unset → the database), validates visitor input into a
:class:`~search.backends.base.SearchQuery`, resolves facet labels, and turns
the apps' objects into documents through their ``indexing`` modules (the only
modules of the apps that ``search`` imports).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any

from evaluation import indexing as evaluation_indexing
from publications import indexing as publications_indexing
from search.backends.base import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    FacetCount,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Suggestion,
)
from search.conf import search_settings
from search.documents import (
    FACETS,
    KIND_LABELS,
    KINDS,
    SearchDocument,
    document_from_mapping,
)

logger = logging.getLogger(__name__)

#: The apps' indexing modules, in the order their documents are built.
INDEXING_MODULES: tuple[ModuleType, ...] = (evaluation_indexing, publications_indexing)

#: Longest query text accepted (longer input is cut).
MAX_QUERY_LENGTH = 200


class SearchUnavailableError(Exception):
    """The backend could not answer (node down, database error)."""


_backend: SearchBackend | None = None
_backend_key: tuple[str, str] | None = None


def get_backend() -> SearchBackend:
    """The configured backend, created once per configuration."""
    global _backend, _backend_key  # a process-wide singleton
    key = (search_settings.ELASTICSEARCH_URL, search_settings.INDEX_PREFIX)
    if _backend is None or key != _backend_key:
        _backend = make_backend(*key)
        _backend_key = key
    return _backend


def make_backend(
    elasticsearch_url: str = "", index_prefix: str = "qp"
) -> SearchBackend:
    """Build a backend: Elasticsearch for a URL, the database otherwise."""
    if elasticsearch_url:
        from search.backends.elastic import ElasticsearchBackend

        return ElasticsearchBackend(url=elasticsearch_url, index_prefix=index_prefix)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


# ------------------------------------------------------------------------ queries


def build_query(
    text: str = "",
    filters: Mapping[str, Iterable[str]] | None = None,
    kinds: Iterable[str] = (),
    page: int | str | None = 1,
    page_size: int | str | None = DEFAULT_PAGE_SIZE,
) -> SearchQuery:
    """Turn visitor input into a valid query, dropping what cannot be used.

    Unknown facets and kinds are ignored, page numbers are clamped to 1 or more
    and page sizes to ``1..MAX_PAGE_SIZE``; the text is stripped and cut to
    ``MAX_QUERY_LENGTH`` characters.
    """
    clean_filters: dict[str, tuple[str, ...]] = {}
    for facet, values in (filters or {}).items():
        if facet not in FACETS or facet == "kind":
            continue
        kept = tuple(dict.fromkeys(str(v)[:200] for v in values if str(v).strip()))
        if kept:
            clean_filters[facet] = kept
    clean_kinds = tuple(dict.fromkeys(k for k in kinds if k in KINDS))
    return SearchQuery(
        text=" ".join((text or "").split())[:MAX_QUERY_LENGTH],
        filters=clean_filters,
        kinds=clean_kinds,
        page=max(1, _int(page, 1)),
        page_size=min(MAX_PAGE_SIZE, max(1, _int(page_size, DEFAULT_PAGE_SIZE))),
    )


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def search(query: SearchQuery) -> SearchResults:
    """Run a query on the configured backend and label its facets.

    Raises:
        SearchUnavailableError: When the backend fails; the cause is logged.
    """
    try:
        results = get_backend().search(query)
    except Exception as error:
        logger.exception("search: query failed: %r", query)
        raise SearchUnavailableError(str(error)) from error
    return label_facets(with_urls(results))


def with_urls(results: SearchResults) -> SearchResults:
    """Fill the URLs that were not known when the hits were indexed.

    An organisation indexed before the page that shows it existed was stored
    without a URL; it is built now from the hit's stored extras and the
    current site, so a link never depends on the order things were created.
    """
    missing = [hit for hit in results.hits if not hit.url and hit.document]
    if not missing:
        return results
    filled = publications_indexing.fill_urls(
        [
            {"kind": hit.kind, "url": "", "extra": dict(hit.document.extra)}
            for hit in missing
            if hit.document
        ]
    )
    urls = {
        hit.id: mapping["url"] for hit, mapping in zip(missing, filled, strict=True)
    }
    return replace(
        results,
        hits=tuple(
            replace(hit, url=urls[hit.id]) if urls.get(hit.id) else hit
            for hit in results.hits
        ),
    )


def label_facets(results: SearchResults) -> SearchResults:
    """Fill the Russian labels of every facet value (slug when unknown)."""
    labels = facet_labels()
    facets = {
        facet: tuple(
            replace(bucket, label=labels.get(facet, {}).get(bucket.value, bucket.value))
            for bucket in results.facets.get(facet, ())
        )
        for facet in FACETS
    }
    return replace(results, facets=facets)


def facet_labels() -> dict[str, dict[str, str]]:
    """Labels of facet values: kinds, score bands, and what the apps provide."""
    labels: dict[str, dict[str, str]] = {
        "kind": {kind: str(label) for kind, label in KIND_LABELS.items()},
        "score_band": {
            slug: label for _lower, slug, label in search_settings.SCORE_BANDS
        },
    }
    for module in INDEXING_MODULES:
        for facet, values in module.facet_labels().items():
            labels.setdefault(facet, {}).update(values)
    return labels


def suggest(prefix: str, limit: int = 10) -> Sequence[Suggestion]:
    """Autocomplete entries for the search box (empty for under two letters)."""
    prefix = " ".join((prefix or "").split())[:MAX_QUERY_LENGTH]
    if len(prefix) < 2:
        return []
    try:
        suggestions = get_backend().suggest(prefix, max(1, min(limit, 20)))
    except Exception as error:
        logger.exception("search: suggestions failed for %r", prefix)
        raise SearchUnavailableError(str(error)) from error
    missing = [entry for entry in suggestions if not entry.url and entry.extra]
    if not missing:
        return suggestions
    filled = publications_indexing.fill_urls(
        [{"kind": entry.kind, "url": "", "extra": entry.extra} for entry in missing]
    )
    urls = {
        entry.id: mapping["url"] for entry, mapping in zip(missing, filled, strict=True)
    }
    return [
        replace(entry, url=urls[entry.id]) if urls.get(entry.id) else entry
        for entry in suggestions
    ]


def selected_facets(results: SearchResults) -> list[FacetCount]:
    """The selected facet values of a result page, for "remove filter" links."""
    return [
        bucket
        for facet in FACETS
        for bucket in results.facets.get(facet, ())
        if bucket.selected
    ]


# ----------------------------------------------------------------------- indexing


def _documents(mappings: Iterable[Mapping[str, Any]]) -> list[SearchDocument]:
    return [
        document_from_mapping(mapping)
        for mapping in publications_indexing.fill_urls(mappings)
    ]


def changes_for(objects: Iterable[Any]) -> tuple[list[SearchDocument], list[str]]:
    """Documents to write and ids to remove for changed objects of any app."""
    mappings: list[Mapping[str, Any]] = []
    removals: list[str] = []
    for obj in objects:
        for module in INDEXING_MODULES:
            write, remove = module.changes_for(obj)
            mappings.extend(write)
            removals.extend(remove)
    documents = _documents(mappings)
    written = {doc.id for doc in documents}
    return documents, [
        doc_id for doc_id in dict.fromkeys(removals) if doc_id not in written
    ]


def index_objects(
    objects: Iterable[Any],
    *,
    refresh: bool = False,
    backend: SearchBackend | None = None,
) -> int:
    """(Re)index changed objects; objects that are no longer public are removed.

    Args:
        objects: Changed model instances of any app (unknown ones are ignored).
        refresh: Make the change searchable before returning.
        backend: Where to write (the configured backend by default).

    Returns:
        The number of documents written.
    """
    documents, removals = changes_for(objects)
    backend = backend or get_backend()
    if removals:
        backend.delete(removals, refresh=refresh)
    return backend.index(documents, refresh=refresh) if documents else 0


def removal_ids(objects: Iterable[Any]) -> list[str]:
    """Ids of the documents of deleted or unpublished objects.

    Read them while the objects still have their primary keys (Django clears
    ``pk`` once a delete has run).
    """
    ids: list[str] = []
    for obj in objects:
        for module in INDEXING_MODULES:
            ids.extend(module.removals_for(obj))
    return list(dict.fromkeys(ids))


def remove_ids(
    ids: Sequence[str], *, refresh: bool = False, backend: SearchBackend | None = None
) -> int:
    """Remove documents by id; return how many were in the index."""
    if not ids:
        return 0
    return (backend or get_backend()).delete(list(ids), refresh=refresh)


def remove(
    objects: Iterable[Any],
    *,
    refresh: bool = False,
    backend: SearchBackend | None = None,
) -> int:
    """Remove the documents of deleted or unpublished objects; return how many."""
    return remove_ids(removal_ids(objects), refresh=refresh, backend=backend)


def all_documents() -> Iterator[SearchDocument]:
    """Every public document of every app, for ``rebuild_index``."""
    for module in INDEXING_MODULES:
        batch: list[Mapping[str, Any]] = []
        for mapping in module.all_documents():
            batch.append(mapping)
            if len(batch) >= 500:
                yield from _documents(batch)
                batch = []
        yield from _documents(batch)


def rebuild(backend: SearchBackend | None = None) -> int:
    """Reindex everything into ``backend`` (the configured one by default)."""
    return (backend or get_backend()).rebuild(all_documents())
