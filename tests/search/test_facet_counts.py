"""Facet counts and totals checked against a plain reference, on every backend.

The database backend counts from a narrow table grouped by facet set keys, with
filters as conditional counts and rows failing two filters left out; the hits
come from other SQL. Here a seeded corpus with every facet filled at random is
queried with many filter combinations, and each total, every facet's counts
and the hits of all pages are compared with what the definition gives when
computed in Python over the documents the text matches.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from django.db import connection

from search.backends.base import SearchQuery
from search.documents import FACETS, KINDS
from tests.factories.search import SearchDocumentFactory

pytestmark = pytest.mark.django_db

DISTRICTS = ("achinsk", "kansk", "uyar", "tura")
ORG_KINDS = ("residential_home", "complex_centre", "")
CAMPAIGNS = ("nok-2023", "nok-2024", "nok-2025")
STATUSES = ("planned", "done", "")
DOC_TYPES = ("order", "plan", "")
WORDS = ("пандус", "поручни", "кнопка", "стенд")
SIZE = 160


def _documents() -> list:
    rng = random.Random(7)  # noqa: S311 - a fixed test corpus
    docs = []
    for number in range(SIZE):
        kind = rng.choice(KINDS)
        words = rng.sample(WORDS, rng.randint(1, 3))
        docs.append(
            SearchDocumentFactory.build(
                id=f"{kind}:{number + 1}",
                kind=kind,
                title=f"Запись {number + 1}",
                text="Установлен " + ", ".join(words),
                district=rng.choice((*DISTRICTS, "")),
                org_kind=rng.choice(ORG_KINDS),
                campaign=tuple(sorted(rng.sample(CAMPAIGNS, rng.randint(0, 2)))),
                status=rng.choice(STATUSES),
                doc_type=rng.choice(DOC_TYPES),
                score=rng.choice((None, 55.0, 75.0, 85.0, 95.0)),
            )
        )
    return docs


def _values(doc, facet: str) -> tuple[str, ...]:
    value = getattr(doc, facet)
    if facet == "campaign":
        return tuple(value)
    return (value,) if value else ()


def _passes(doc, filters: dict[str, tuple[str, ...]]) -> bool:
    return all(set(_values(doc, f)) & set(v) for f, v in filters.items())


def _queries() -> list[SearchQuery]:
    rng = random.Random(11)  # noqa: S311 - fixed test queries
    choices = {
        "district": DISTRICTS,
        "org_kind": ORG_KINDS[:2],
        "campaign": CAMPAIGNS,
        "status": STATUSES[:2],
        "doc_type": DOC_TYPES[:2],
        "score_band": ("90-100", "80-90", "0-70"),
    }
    queries = []
    for _ in range(30):
        facets = rng.sample(sorted(choices), rng.randint(0, 3))
        filters = {f: tuple(rng.sample(choices[f], rng.randint(1, 2))) for f in facets}
        kinds = (
            tuple(rng.sample(KINDS, rng.randint(1, 3))) if rng.random() < 0.5 else ()
        )
        queries.append(
            SearchQuery(
                text=rng.choice(("", *WORDS)),
                filters=filters,
                kinds=kinds,
                page_size=100,
            )
        )
    return queries


@pytest.fixture(
    params=[
        "database",
        pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    ]
)
def backend(request, db):
    """Each backend in turn (the database one emptied first)."""
    if request.param == "elasticsearch":
        return request.getfixturevalue("es_backend")
    from search.backends.database import DatabaseBackend

    database = DatabaseBackend()
    database.clear()
    return database


@pytest.fixture
def random_backend(backend):
    docs = _documents()
    assert backend.index(docs, refresh=True) == SIZE
    return backend, {doc.id: doc for doc in docs}


def _all_hits(backend, query: SearchQuery) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        results = backend.search(
            SearchQuery(
                text=query.text,
                filters=query.filters,
                kinds=query.kinds,
                page=page,
                page_size=100,
            )
        )
        found |= {hit.id for hit in results.hits}
        if not results.has_next:
            return found
        page += 1


def test_counts_totals_and_hits_match_the_definition(random_backend):
    backend, docs = random_backend
    matched_by_text: dict[str, set[str]] = {}
    for query in _queries():
        if query.text not in matched_by_text:
            matched_by_text[query.text] = _all_hits(
                backend, SearchQuery(text=query.text)
            )
        candidates = [docs[doc_id] for doc_id in matched_by_text[query.text]]
        active = query.active_filters()

        results = backend.search(query)

        expected = {doc.id for doc in candidates if _passes(doc, active)}
        assert results.total == len(expected), query
        assert _all_hits(backend, query) == expected, query
        for facet in FACETS:
            others = {f: v for f, v in active.items() if f != facet}
            counts: dict[str, int] = {}
            for doc in candidates:
                if _passes(doc, others):
                    for value in _values(doc, facet):
                        counts[value] = counts.get(value, 0) + 1
            for value in active.get(facet, ()):
                counts.setdefault(value, 0)
            got = {b.value: b.count for b in results.facets[facet]}
            assert got == counts, (query, facet)


def test_an_odd_campaign_value_counts_exactly_what_the_hits_show(random_backend):
    backend, _docs = random_backend
    # Not a campaign slug but two joined: whatever a backend makes of it, its
    # total agrees with its hits.
    query = SearchQuery(
        filters={"campaign": ("nok-2023|nok-2024",), "district": DISTRICTS[:2]},
        page_size=100,
    )

    results = backend.search(query)

    assert results.total == len(_all_hits(backend, query))


def test_missing_facet_set_is_an_error_not_a_silent_zero():
    from search.backends.database import add_up_facets

    with pytest.raises(LookupError):
        add_up_facets([(2, 123, 5)], {}, [None])


def test_facet_sets_outlive_a_rebuild(db):
    """A query counting under the previous generation can still read its keys."""
    from search.backends.database import FACET_PARTS, DatabaseBackend, facet_key
    from search.models import SearchFacetSet

    backend = DatabaseBackend()
    backend.clear()
    old = SearchDocumentFactory.build(district="achinsk", org_kind="complex_centre")
    backend.index([old])
    key = facet_key(0, ("organisation", "achinsk", "complex_centre"))
    assert FACET_PARTS[0] == ("kind", "district", "org_kind")
    assert SearchFacetSet.objects.filter(key=key, district="achinsk").exists()

    backend.rebuild([SearchDocumentFactory.build(district="kansk")])

    assert SearchFacetSet.objects.filter(key=key, district="achinsk").exists()
    assert backend.search(SearchQuery()).total == 1


def _counted(backend, query: SearchQuery, token: str):
    """``_counts`` of a query as the backend runs it (cache emptied first)."""
    from django.core.cache import caches

    from search import analysis
    from search.backends.database import CACHE_ALIAS

    caches[CACHE_ALIAS].clear()
    terms = analysis.analyse_query(query.text) if query.text else []
    match = backend._match_clause(terms)
    total, counts, _within = backend._counts(
        query.text, match, query.active_filters(), token
    )
    return total, counts


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite groups the counts in Python"
)


@sqlite_only
def test_sqlite_groups_in_python_exactly_as_in_sql(db, monkeypatch):
    """Every total and count of the Python grouping equals the SQL grouping's."""
    from search.backends.database import DatabaseBackend, SQLiteBackend

    backend = DatabaseBackend()
    backend.clear()
    backend.index(_documents())
    token = backend._token()
    queries = [
        *_queries(),
        SearchQuery(filters={"campaign": ("nok-2023|nok-2024",)}),
        SearchQuery(text="пандус", filters={"district": ("",), "status": ("done",)}),
    ]
    in_python = [_counted(backend, query, token) for query in queries]
    monkeypatch.setattr(SQLiteBackend, "_groups_in_python", lambda *args: (None, None))

    in_sql = [_counted(backend, query, token) for query in queries]

    assert in_python == in_sql
    assert in_python[-2][0] > 0  # the joined campaigns are found as SQL finds them


@sqlite_only
def test_sqlite_counts_in_sql_when_the_index_moved_on(db):
    """A query holding an older token still counts an entry added since."""
    from search.backends.database import DatabaseBackend

    backend = DatabaseBackend()
    backend.clear()
    backend.index([SearchDocumentFactory.build(id="page:1", text="пандус у входа")])
    old_token = backend._token()
    assert _counted(backend, SearchQuery(text="пандус"), old_token)[0] == 1
    backend.index([SearchDocumentFactory.build(id="page:2", text="пандус во дворе")])

    # The entry keys in memory are those of the old token: the new entry is
    # not among them, so this count falls back to SQL instead of failing.
    total, counts = _counted(backend, SearchQuery(text="пандус"), old_token)

    assert total == 2
    assert sum(counts["kind"].values()) == 2


@sqlite_only
def test_sqlite_pages_from_known_matches_are_the_pages_sql_finds(db, monkeypatch):
    """Hits in order, page by page: the ids from the counting pass change nothing."""
    from django.core.cache import caches

    from search.backends.database import (
        CACHE_ALIAS,
        DatabaseBackend,
        SQLiteBackend,
        sqlite,
    )

    rng = random.Random(3)  # noqa: S311 - a fixed test corpus
    docs = _documents()
    for number, doc in enumerate(docs):
        # Query words in some titles (ranked by bm25, a phrase boosted) and
        # not in others (browsing order).
        if rng.random() < 0.5:
            title = " ".join(rng.sample(WORDS, rng.randint(1, 2)))
            docs[number] = SearchDocumentFactory.build(
                **{**doc.to_dict(), "title": f"{title} {number}", "id": doc.id}
            )
    backend = DatabaseBackend()
    backend.clear()
    backend.index(docs)
    queries = [
        SearchQuery(text=query.text, filters=query.filters, kinds=query.kinds)
        for query in _queries()
        if query.text and query.active_filters()
    ]
    queries.append(SearchQuery(text="кнопка стенд", filters={"status": ("done",)}))
    calls = []
    original = SQLiteBackend._page_within

    def spied(self, *args):
        calls.append(args)
        return original(self, *args)

    monkeypatch.setattr(SQLiteBackend, "_page_within", spied)

    def pages(query: SearchQuery) -> list[str]:
        ids: list[str] = []
        for page in range(1, 40):
            caches[CACHE_ALIAS].clear()
            results = backend.search(replace(query, page=page, page_size=4))
            ids.extend(hit.id for hit in results.hits)
            if not results.has_next:
                return ids
        raise AssertionError("more pages than the corpus holds")

    from_known = [pages(query) for query in queries]
    assert calls
    monkeypatch.setattr(sqlite, "_WITHIN_LIMIT", -1)
    calls.clear()

    from_sql = [pages(query) for query in queries]

    assert not calls
    assert from_known == from_sql
    assert max(map(len, from_known)) > 8


def test_facet_sets_lost_from_their_table_are_rebuilt_from_the_index(db):
    """A flush or partial restore empties the sets; queries still count right."""
    from search.backends import database
    from search.models import SearchFacetSet

    backend = database.DatabaseBackend()
    backend.clear()
    docs = _documents()
    backend.index(docs, refresh=True)
    query = SearchQuery(
        text="пандус", filters={"district": DISTRICTS[:2]}, page_size=100
    )
    before = backend.search(query)
    stored = {row["key"]: row for row in SearchFacetSet.objects.values()}
    SearchFacetSet.objects.all().delete()
    database.facets._FACET_SETS.clear()
    from django.core.cache import caches

    caches[database.CACHE_ALIAS].clear()

    after = backend.search(query)

    assert after.total == before.total > 0
    assert after.facets == before.facets
    restored = {row["key"]: row for row in SearchFacetSet.objects.values()}
    assert restored  # the sets this query met are stored again, as they were
    assert all(stored[key] == row for key, row in restored.items())
