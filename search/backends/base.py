"""The backend protocol of public search and the value types it exchanges.

Both implementations (``search.backends.database`` and
``search.backends.elastic``) take and return exactly these types; the query
service (``search.service``) is their only caller outside tests and commands.

Semantics both backends must share:

* ``SearchQuery.text`` is user input, not a query language. Every non-stop-word
  term must match (AND); a term matches its stem, a configured synonym or, for
  terms of 4+ letters, a typo candidate (Damerau-Levenshtein distance 1 for 4-7
  letters, 2 for longer). A multi-word alternative (a synonym such as
  "комплексный центр социального обслуживания населения", or the parts of a
  hyphenated word) matches when all its words occur, in any order. The exact
  phrase of the query in ``title``/``names`` ranks higher.
* Text made only of stop words ("и в на") finds nothing (total 0, facets
  empty apart from selected values); it is not browsing.
* Empty ``text`` browses everything that passes the filters, sorted by kind (in
  ``documents.KINDS`` order) and then title.
* ``filters`` maps a facet name (``documents.FACETS``, except ``kind``) to the
  accepted slugs: OR within one facet, AND across facets. ``kinds`` is the
  filter on the ``kind`` facet.
* The counts of facet F are computed over the documents matching the text and
  every active filter except F's own, so a visitor sees what ticking another
  value of F would add. Every facet of ``documents.FACETS`` is present in
  ``SearchResults.facets`` (possibly empty); buckets are sorted by count
  descending, then value; zero counts are left out except for selected values,
  which are always present.
* ``page`` is 1-based. A page past the end returns no hits and the real total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from search.documents import SearchDocument

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class SearchQuery:
    """What a visitor asked for.

    Attributes:
        text: Free text as typed (may be empty for browsing).
        filters: Facet name → selected slugs (OR inside, AND across facets).
        kinds: Selected document kinds (empty: all kinds).
        page: 1-based page number.
        page_size: Hits per page (1..``MAX_PAGE_SIZE``).
    """

    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        """Number of hits before this page."""
        return (self.page - 1) * self.page_size

    def active_filters(self) -> dict[str, tuple[str, ...]]:
        """All non-empty filters including ``kinds`` under the ``kind`` facet."""
        active = {name: tuple(v) for name, v in self.filters.items() if v}
        if self.kinds:
            active["kind"] = tuple(self.kinds)
        return active


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet with the number of matching documents.

    ``label`` is filled in by the query service; backends leave it empty.
    """

    value: str
    count: int
    label: str = ""
    selected: bool = False


@dataclass(frozen=True)
class SearchHit:
    """One result.

    Attributes:
        id: The document id (``"organisation:42"``).
        kind: The document kind.
        title: The document title.
        url: Public URL.
        snippet: Plain-text excerpt around the matched terms (no markup; the
            view highlights). Falls back to the start of ``text``.
        score: Backend relevance score (not comparable across backends);
            ``0.0`` when browsing.
        document: The stored document, for display extras (district, score…).
    """

    id: str
    kind: str
    title: str
    url: str
    snippet: str = ""
    score: float = 0.0
    document: SearchDocument | None = None


@dataclass(frozen=True)
class SearchResults:
    """One page of results with facet counts."""

    query: SearchQuery
    total: int
    hits: tuple[SearchHit, ...]
    facets: Mapping[str, tuple[FacetCount, ...]]
    corrected: tuple[tuple[str, str], ...] = ()

    @property
    def page(self) -> int:
        """Current 1-based page."""
        return self.query.page

    @property
    def page_size(self) -> int:
        """Hits per page."""
        return self.query.page_size

    @property
    def num_pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.query.page_size))

    @property
    def has_next(self) -> bool:
        """Whether a later page exists."""
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        """Whether an earlier page exists."""
        return self.page > 1


@dataclass(frozen=True)
class Suggestion:
    """One autocomplete entry: a title that starts with (a word starting with) the prefix."""

    text: str
    kind: str
    url: str
    id: str = ""
    #: The document's display extras when it was stored without a URL, so the
    #: query service can build the URL from the current site.
    extra: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class HealthStatus:
    """Whether a backend can serve queries, for the health check."""

    backend: str
    ok: bool
    detail: str = ""
    documents: int | None = None


@runtime_checkable
class SearchBackend(Protocol):
    """What the query service needs from a search backend."""

    name: str

    def index(self, docs: Iterable[SearchDocument], *, refresh: bool = False) -> int:
        """Add or replace documents (by id); return how many were written.

        ``refresh=True`` makes them searchable before returning (tests).
        """
        ...

    def delete(self, ids: Iterable[str], *, refresh: bool = False) -> int:
        """Remove documents by id (missing ids are ignored); return how many went."""
        ...

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a query with facets and pagination (see the module docstring)."""
        ...

    def suggest(self, prefix: str, limit: int = 10) -> Sequence[Suggestion]:
        """Return up to ``limit`` titles/names matching ``prefix`` word-wise."""
        ...

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``docs`` without downtime; return the count.

        Queries keep being answered from the old generation until the new one
        is complete, then it is switched in at once (alias swap in
        Elasticsearch, one transaction in the database).
        """
        ...

    def clear(self) -> None:
        """Remove every document (and, where cheap, the backend's storage)."""
        ...

    def health(self) -> HealthStatus:
        """Check that the backend answers; never raises."""
        ...
