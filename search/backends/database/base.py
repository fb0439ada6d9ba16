"""What the database search backends share: writing, facets, browsing, caching.

Text matching differs per database (``postgres.py``, ``sqlite.py``); everything
else (facets, filters, browsing, typo vocabulary, pagination) is the same SQL
on both, written here once. The subclasses fill in the hooks marked
"per database" below.

A term of the query matches when any of its alternatives matches (the word, a
synonym or a typo candidate); a multi-word alternative matches when all its
words occur. An exact phrase of the query in the title or names ranks first.

Ranking is bounded: only matches holding a word of the query in the title or
names are ranked (phrase, then the database's own rank); the rest follow in
browsing order, read from the browse index. A common word found in a quarter
of the corpus thus ranks a few thousand rows instead of tens of thousands.

Facet counts read a narrow table (``qp_search_match`` on PostgreSQL,
``qp_search_facets`` on SQLite: the facet columns and two ``SearchFacetSet``
keys per entry) in one pass: the matches are grouped by the key of their
first three facets' values and by the key of the other four's (two integer
groupings instead of one per facet), every filter variant is a conditional
count of the same SQL the hits use, and the few hundred groups are added up per
value in Python (:func:`add_up_facets`).

Per index version (``SearchState`` token, new with every write), Django's cache
keeps the facet counts of a text and filters, the entry ids of a result page,
and the typo candidates of query words; a repeated query then costs the token
and one primary-key read of the page's documents.
"""

# SQL here is assembled from constant fragments and "%s" placeholders only; every
# user value travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

from django.core.cache import caches
from django.db import DatabaseError, connections, models, transaction

from search import analysis
from search.backends.base import (
    HealthStatus,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
)
from search.backends.database.facets import (
    _COLUMN,
    _FACET_SETS,
    _FACET_SETS_LIMIT,
    _SET_COLUMNS,
    FACET_PARTS,
    _facet_set,
    _facets,
    _joined,
    add_up_facets,
    facet_key,
)
from search.documents import FACETS, KINDS, SearchDocument, document_from_mapping
from search.models import SearchEntry, SearchFacetSet, SearchState, SearchTerm

_BATCH = 500
#: Most entries a page of text hits may visit in browsing order: beyond that
#: the matches are collected through the narrow table and sorted instead.
_BROWSE_VISITS = 3000
#: Django cache holding totals and facet counts of recent queries. Keys carry
#: the index version token, so a write to the index makes them unreachable.
CACHE_ALIAS = "default"
CACHE_SECONDS = 600

#: A page of hits as ``(entry id, boost, rank)``.
Page = list[tuple[int, float, float]]
#: The analysed terms of a query.
Terms = Sequence[analysis.QueryTerm]
#: An SQL condition and its parameters.
Clause = tuple[str, list[Any]]
#: The grouped rows of the counting pass, and the ids of the matches passing
#: every filter when known (see ``BaseDatabaseBackend._group``).
Grouped = tuple[list[tuple[Any, ...]], list[int] | None]
#: A new entry, its document and its two facet set keys.
IndexRow = tuple[SearchEntry, SearchDocument, tuple[int, ...]]


class PageRequest(NamedTuple):
    """What a page of hits is read for.

    Attributes:
        query: The query as asked.
        terms: Its analysed terms (empty when browsing).
        match: The text condition on ``qp_search_entry e``.
        filters: The active filters.
        total: How many entries match the text and filters.
        within: The ids of those entries, when the counting pass knows them.
    """

    query: SearchQuery
    terms: Terms
    match: Clause
    filters: dict[str, tuple[str, ...]]
    total: int
    within: list[int] | None


class CountingPass(NamedTuple):
    """The pieces of the counting statement that :meth:`_group` runs.

    Attributes:
        match: The text condition and its parameters ("" when browsing).
        filters: The active filters.
        variants: ``None`` (every filter), then each filtered facet.
        token: The index version.
        numbers: One conditional count per variant, as SQL.
        number_params: The parameters of ``numbers``.
        where: `` WHERE …`` over the narrow table (or "").
        where_params: The parameters of ``where``.
    """

    match: Clause
    filters: dict[str, tuple[str, ...]]
    variants: list[str | None]
    token: str
    numbers: str
    number_params: list[Any]
    where: str
    where_params: list[Any]


class BaseDatabaseBackend:
    """Search in the project database; see ``DatabaseBackend`` for the factory.

    This class alone serves a database the search does not support: its
    health says so, and any query raises ``NotImplementedError``.

    Args:
        using: Database alias.
    """

    name = "database"
    #: Whether this class knows the database's text search.
    supported: ClassVar[bool] = False
    #: Tables beside ``qp_search_entry`` with a row per entry, and the column
    #: holding the entry id.
    side_tables: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: The narrow table of an entry's facet columns and facet set keys.
    narrow_table: ClassVar[str] = ""
    #: SQL of "the campaigns column holds this value" (``|value|``).
    campaign_test: ClassVar[str] = "instr({alias}.campaigns, %s) > 0"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def vendor(self) -> str:
        """``"postgresql"`` or ``"sqlite"``."""
        return connections[self.using].vendor

    # --- per database ------------------------------------------------------------

    def _unsupported(self) -> NotImplementedError:
        return NotImplementedError(f"СУБД {self.vendor} не поддерживается поиском")

    def _insert_text(self, cursor: Any, rows: Sequence[IndexRow]) -> None:
        """Write the text index and the narrow table of freshly created entries."""
        raise self._unsupported()

    def _text_match(self, terms: Terms, alias: str) -> Clause:
        """SQL condition on ``alias`` for the (non-empty) text part."""
        raise self._unsupported()

    def _group(self, cursor: Any, counting: CountingPass) -> Grouped:
        """The grouped rows of the counting pass (see :func:`add_up_facets`).

        Second: the ids of the matches passing every filter when known
        cheaply (for the page), else None.
        """
        raise self._unsupported()

    def _text_page(self, request: PageRequest) -> Page:
        """One page of text hits, in order."""
        raise self._unsupported()

    def _suggest_rows(self, complete: Sequence[str], last: str, limit: int) -> list:
        """``(doc_id, kind, title, url, extra)`` of the titles to suggest."""
        raise self._unsupported()

    def _conditional_count(self, condition: str) -> str:
        """SQL counting the rows that meet ``condition``."""
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    def _relevance(self, boost: Any, rank: Any) -> float:
        """A hit's score from its phrase boost and the database's rank."""
        return float(boost or 0) + float(rank or 0)

    def _read_transaction(self):
        """The transaction a query runs in (none here)."""
        return contextlib.nullcontext()

    def _prepare(self, text: bool) -> str:
        """Set up the query's transaction and return the index token."""
        return self._token()

    def _after_rebuild(self) -> None:
        """Runs inside the rebuild's transaction, after the last document."""

    def _after_rebuild_commit(self) -> None:
        """Runs after the rebuild committed, when no transaction is open."""

    def _check_tables(self) -> None:
        """Read the database's own search tables (raises ``DatabaseError``)."""

    # --- writing -----------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument], *, refresh: bool = False) -> int:
        """Add or replace documents by id (``refresh`` is implicit in a database)."""
        unique = {doc.id: doc for doc in docs}
        if not unique:
            return 0
        documents = list(unique.values())
        with transaction.atomic(using=self.using):
            for start in range(0, len(documents), _BATCH):
                batch = documents[start : start + _BATCH]
                self._delete_ids([doc.id for doc in batch])
                self._insert(batch)
            self._touch()
        return len(documents)

    def delete(self, ids: Iterable[str], *, refresh: bool = False) -> int:
        """Remove documents by id; unknown ids are ignored."""
        id_list = list(dict.fromkeys(ids))
        removed = 0
        with transaction.atomic(using=self.using):
            for start in range(0, len(id_list), _BATCH):
                removed += self._delete_ids(id_list[start : start + _BATCH])
            if removed:
                self._touch()
        return removed

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index in one transaction.

        Readers keep seeing the previous index until the transaction commits
        (PostgreSQL MVCC; SQLite readers are blocked only during the commit).
        """
        with transaction.atomic(using=self.using):
            self.clear()
            count = 0
            batch: list[SearchDocument] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= _BATCH:
                    count += self.index(batch)
                    batch = []
            count += self.index(batch)
            self._after_rebuild()
        if not connections[self.using].in_atomic_block:
            self._after_rebuild_commit()
        return count

    def clear(self) -> None:
        """Remove every document and the typo vocabulary (not the facet sets)."""
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            for table, _column in self.side_tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("DELETE FROM qp_search_entry")
            cursor.execute("DELETE FROM qp_search_term")
            # Facet sets stay: a key always means the same values, and a
            # query counting under the previous generation may still read
            # its keys' values after a rebuild commits.
            self._touch()

    def _cursor(self):
        return connections[self.using].cursor()

    def _touch(self) -> None:
        """Give the index a new version token (invalidates cached facet counts)."""
        SearchState.objects.using(self.using).update_or_create(
            name="index", defaults={"token": uuid.uuid4().hex}
        )

    def _token(self) -> str:
        state = SearchState.objects.using(self.using).filter(name="index").first()
        return state.token if state else ""

    def _delete_ids(self, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        marks = ", ".join(["%s"] * len(ids))
        entries = f"SELECT id FROM qp_search_entry WHERE doc_id IN ({marks})"
        with self._cursor() as cursor:
            for table, column in self.side_tables:
                cursor.execute(
                    f"DELETE FROM {table} WHERE {column} IN ({entries})", list(ids)
                )
            cursor.execute(
                f"DELETE FROM qp_search_entry WHERE doc_id IN ({marks})", list(ids)
            )
            return cursor.rowcount

    def _insert(self, docs: Sequence[SearchDocument]) -> None:
        entries = SearchEntry.objects.using(self.using).bulk_create(
            [
                SearchEntry(
                    doc_id=doc.id,
                    kind=doc.kind,
                    kind_order=KINDS.index(doc.kind),
                    title=doc.title,
                    sort_title=analysis.normalise(doc.title)[:200],
                    url=doc.url,
                    names="\n".join(doc.names),
                    body=doc.text,
                    published_at=doc.published_at,
                    score=doc.score,
                    district=doc.district[:200],
                    org_kind=doc.org_kind[:200],
                    campaigns=_joined(doc.campaign)[:2000],
                    score_band=doc.score_band[:200],
                    status=doc.status[:200],
                    doc_type=doc.doc_type[:200],
                    document=doc.to_dict(),
                )
                for doc in docs
            ]
        )
        sets: dict[int, dict[str, str]] = {}
        keys: list[tuple[int, ...]] = []
        for entry in entries:
            entry_keys = []
            for part, facets in enumerate(FACET_PARTS):
                values = {_COLUMN[f]: getattr(entry, _COLUMN[f]) for f in facets}
                key = facet_key(part, values.values())
                sets[key] = values
                entry_keys.append(key)
            keys.append(tuple(entry_keys))
        SearchFacetSet.objects.using(self.using).bulk_create(
            [SearchFacetSet(key=key, **values) for key, values in sets.items()],
            ignore_conflicts=True,
        )
        with self._cursor() as cursor:
            self._insert_text(cursor, list(zip(entries, docs, keys, strict=True)))
        words: set[str] = set()
        for doc in docs:
            words |= analysis.vocabulary_words(
                " ".join((doc.title, *doc.names, doc.text))
            )
        SearchTerm.objects.using(self.using).bulk_create(
            [
                SearchTerm(word=word, length=len(word), head=word[:2], tail=word[-3:])
                for word in sorted(words)
                if len(word) <= 100
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )

    # --- reading -----------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a query with facets and pagination (see ``search.backends.base``)."""
        filters = query.active_filters()
        unknown = set(filters) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facets: {sorted(unknown)}")
        text = query.text.strip()
        if text and not analysis.surface_tokens(text):
            # Only stop words: nothing to look for, so nothing is found.
            return SearchResults(
                query=query, total=0, hits=(), facets=_facets({}, filters)
            )
        with self._read_transaction():
            token = self._prepare(bool(text))
            terms = (
                analysis.analyse_query(
                    text, lookup_typos=lambda words: self._typos(words, token)
                )
                if text
                else []
            )
            match = self._match_clause(terms)
            total, counts, within = self._counts(text, match, filters, token)
            hits = (
                self._hits(
                    PageRequest(query, terms, match, filters, total, within), token
                )
                if total > query.offset
                else ()
            )
        corrected = tuple(
            (term.original[0], correction)
            for term in terms
            for correction in term.corrections
        )
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=_facets(counts, filters),
            corrected=corrected,
        )

    def _match_clause(self, terms: Terms, alias: str = "e") -> Clause:
        """SQL condition on ``alias`` for the text part ("" when browsing)."""
        return self._text_match(terms, alias) if terms else ("", [])

    def _counts(
        self,
        text: str,
        match: Clause,
        filters: dict[str, tuple[str, ...]],
        token: str,
    ) -> tuple[int, dict[str, dict[str, int]], list[int] | None]:
        """Total and facet counts, cached per index version, text and filters.

        The third value is for the page: the ids of the matches passing the
        filters when the database's grouping knows them (see :meth:`_group`)
        and the counts were not cached; otherwise None.

        One statement over the narrow table groups the matches by ``key_a``
        and by ``key_b`` with one count per filter variant (every filter;
        every filter but one facet's own), written with the same ``_where``
        clauses as the hits; :func:`add_up_facets` turns the groups into
        counts per value, with each key's values read once per process.
        The cache is Django's (``CACHE_ALIAS``), shared by threads and, with a
        shared cache backend, by processes; the index version token in the key
        retires old entries.
        """
        key = _cache_key(
            "counts",
            self.using,
            token,
            text,
            tuple(sorted((facet, tuple(sorted(v))) for facet, v in filters.items())),
        )
        cache = caches[CACHE_ALIAS]
        cached = cache.get(key)
        if cached is not None:
            return (*cached, None)
        variants: list[str | None] = [None, *filters]
        aggregates: list[str] = []
        aggregate_params: list[Any] = []
        for variant in variants:
            scoped = {n: v for n, v in filters.items() if n != variant}
            clauses, scoped_params = self._where(("", []), scoped)
            aggregates.append(
                self._conditional_count(" AND ".join(clauses))
                if clauses
                else "COUNT(*)"
            )
            aggregate_params.extend(scoped_params)
        # A row failing two filters counts nowhere: with two or more filters
        # only rows failing at most one are grouped.
        conditions, condition_params = (
            ([match[0]], list(match[1])) if match[0] else ([], [])
        )
        if len(filters) >= 2:
            flags = []
            for facet, values in filters.items():
                clauses, params = self._where(("", []), {facet: values})
                flags.append(f"CASE WHEN {clauses[0]} THEN 1 ELSE 0 END")
                condition_params.extend(params)
            conditions.append(f"({' + '.join(flags)}) >= {len(filters) - 1}")
        counting = CountingPass(
            match=match,
            filters=filters,
            variants=variants,
            token=token,
            numbers=", ".join(aggregates),
            number_params=aggregate_params,
            where=f" WHERE {' AND '.join(conditions)}" if conditions else "",
            where_params=condition_params,
        )
        with self._cursor() as cursor:
            rows, within = self._group(cursor, counting)
            sets = self._facet_sets(
                cursor, [int(row[1]) for row in rows if row[0] and row[1] is not None]
            )
        result = add_up_facets(rows, sets, variants)
        cache.set(key, result, CACHE_SECONDS)
        return (*result, within)

    def _facet_sets(
        self, cursor: Any, keys: Sequence[int]
    ) -> dict[int, dict[str, tuple[str, ...]]]:
        """The facet sets of ``keys``: from memory, the rest read in chunks."""
        if len(_FACET_SETS) > _FACET_SETS_LIMIT:
            _FACET_SETS.clear()
        missing = [key for key in keys if key not in _FACET_SETS]
        columns = ", ".join(_SET_COLUMNS)
        if len(missing) > 4 * _BATCH:
            # Many unknown: one read of the whole (small) table is cheaper.
            cursor.execute(f"SELECT key, {columns} FROM qp_search_facet_set")
            for key, *values in cursor.fetchall():
                _FACET_SETS[int(key)] = _facet_set(values)
            missing = []
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            cursor.execute(
                f"SELECT key, {columns} FROM qp_search_facet_set "
                "WHERE key IN (" + ", ".join(["%s"] * len(chunk)) + ")",
                chunk,
            )
            for key, *values in cursor.fetchall():
                _FACET_SETS[int(key)] = _facet_set(values)
        lost = [key for key in missing if key not in _FACET_SETS]
        if lost:
            self._restore_facet_sets(cursor, lost)
        return {key: _FACET_SETS[key] for key in keys if key in _FACET_SETS}

    def _restore_facet_sets(self, cursor: Any, keys: Sequence[int]) -> None:
        """Rebuild facet sets that indexed rows name but the table lacks.

        A partial restore or a table flush can leave index rows whose facet
        set is gone. Each row holds its facet columns too, so the set is
        rebuilt from one row per key (the key is a hash of those values) and
        stored again, instead of failing every query that meets the row.
        """
        columns = ", ".join(_SET_COLUMNS)
        wanted = set(keys)
        restored: dict[int, dict[str, str]] = {}
        for start in range(0, len(keys), _BATCH):
            chunk = list(keys[start : start + _BATCH])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key_a, key_b, {columns} FROM {self.narrow_table} "
                f"WHERE key_a IN ({marks}) OR key_b IN ({marks})",
                [*chunk, *chunk],
            )
            for key_a, key_b, *values in cursor.fetchall():
                row = dict(zip(_SET_COLUMNS, values, strict=True))
                for part, key in enumerate((int(key_a), int(key_b))):
                    if key not in wanted or key in restored:
                        continue
                    facets = FACET_PARTS[part]
                    part_values = {_COLUMN[f]: row[_COLUMN[f]] or "" for f in facets}
                    if facet_key(part, part_values.values()) == key:
                        restored[key] = part_values
        if not restored:
            return
        SearchFacetSet.objects.using(self.using).bulk_create(
            [SearchFacetSet(key=key, **values) for key, values in restored.items()],
            ignore_conflicts=True,
        )
        for key, values in restored.items():
            full = dict.fromkeys(_SET_COLUMNS, "") | values
            _FACET_SETS[key] = _facet_set([full[column] for column in _SET_COLUMNS])

    def _typos(self, words: Sequence[str], token: str = "") -> dict[str, list[str]]:
        """Typo candidates of the words the vocabulary does not know.

        Known words cost one lookup in the unique index; only unknown ones
        read the candidates of similar length sharing the first two or last
        three letters. Cached per index version.
        """
        wanted = [word for word in dict.fromkeys(words) if analysis.max_edits(word)]
        if not wanted:
            return {}
        key = _cache_key("typos", self.using, token, tuple(wanted))
        cache = caches[CACHE_ALIAS]
        cached = cache.get(key)
        if cached is not None:
            return cached
        terms = SearchTerm.objects.using(self.using)
        known = set(terms.filter(word__in=wanted).values_list("word", flat=True))
        wanted = [word for word in wanted if word not in known]
        if not wanted:
            cache.set(key, {}, CACHE_SECONDS)
            return {}
        conditions = []
        for word in wanted:
            edits = analysis.max_edits(word)
            near = models.Q(
                length__gte=len(word) - edits, length__lte=len(word) + edits
            )
            conditions.append(near & models.Q(head=word[:2]))
            conditions.append(near & models.Q(tail=word[-3:]))
        query = conditions[0]
        for condition in conditions[1:]:
            query |= condition
        vocabulary = set(terms.filter(query).values_list("word", flat=True))
        result = {word: analysis.typo_candidates(word, vocabulary) for word in wanted}
        cache.set(key, result, CACHE_SECONDS)
        return result

    def _where(
        self,
        match: Clause,
        filters: dict[str, tuple[str, ...]],
        alias: str = "e",
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if match[0]:
            clauses.append(match[0])
            params.extend(match[1])
        position = self.campaign_test.format(alias=alias)
        for facet, values in sorted(filters.items()):
            if facet == "campaign":
                clauses.append("(" + " OR ".join([position] * len(values)) + ")")
                params.extend(f"|{value}|" for value in values)
            else:
                marks = ", ".join(["%s"] * len(values))
                clauses.append(f"{alias}.{facet} IN ({marks})")
                params.extend(values)
        return clauses, params

    def _hits(self, request: PageRequest, token: str = "") -> tuple[SearchHit, ...]:
        """The page's hits: entry ids ranked (cached per index version), then
        the stored documents of those ids only."""
        query, terms, filters = request.query, request.terms, request.filters
        key = _cache_key(
            "page",
            self.using,
            token,
            query.text.strip(),
            tuple(sorted((facet, tuple(sorted(v))) for facet, v in filters.items())),
            query.page,
            query.page_size,
        )
        cache = caches[CACHE_ALIAS]
        page = cache.get(key)
        if page is None:
            page = self._page(request)
            cache.set(key, page, CACHE_SECONDS)
        if not page:
            return ()
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.document, e.body FROM qp_search_entry e "
                "WHERE e.id IN (" + ", ".join(["%s"] * len(page)) + ")",
                [id_ for id_, _boost, _rank in page],
            )
            stored = {id_: (document, body) for id_, document, body in cursor}
        hits = []
        for id_, boost, rank in page:
            if id_ not in stored:  # pragma: no cover - same transaction
                continue
            document, body = stored[id_]
            data = document if isinstance(document, dict) else json.loads(document)
            doc = document_from_mapping(data)
            hits.append(
                SearchHit(
                    id=doc.id,
                    kind=doc.kind,
                    title=doc.title,
                    url=doc.url,
                    snippet=analysis.make_snippet(body or "", terms),
                    score=self._relevance(boost, rank) if terms else 0.0,
                    document=doc,
                )
            )
        return tuple(hits)

    def _page(self, request: PageRequest) -> Page:
        """``(entry id, boost, rank)`` of the page's hits, in order."""
        if request.terms:
            return self._text_page(request)
        clauses, params = self._where(request.match, request.filters)
        sql = "SELECT e.id, 0, 0 FROM qp_search_entry e"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY e.kind_order, e.sort_title, e.id LIMIT %s OFFSET %s"
        params.extend([request.query.page_size, request.query.offset])
        with self._cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(id_), boost, rank) for id_, boost, rank in cursor.fetchall()]

    def suggest(self, prefix: str, limit: int = 10) -> Sequence[Suggestion]:
        """Titles whose words start with the typed words (the last one as a prefix)."""
        tokens = analysis.surface_tokens(prefix)
        if not tokens or len(prefix.strip()) < 2 or limit < 1:
            return []
        *complete, last = tokens
        key = _cache_key("suggest", self.using, self._token(), tuple(tokens), limit)
        cache = caches[CACHE_ALIAS]
        cached = cache.get(key)
        if cached is None:
            cached = [
                Suggestion(
                    text=title, kind=kind, url=url, id=doc_id, extra=_extra(extra)
                )
                for doc_id, kind, title, url, extra in self._suggest_rows(
                    complete, last, limit
                )
            ]
            cache.set(key, cached, CACHE_SECONDS)
        return cached

    def health(self) -> HealthStatus:
        """Count the indexed documents; report a database error instead of raising."""
        try:
            documents = SearchEntry.objects.using(self.using).count()
            if not self.supported:
                return HealthStatus(
                    backend=self.name, ok=False, detail=str(self._unsupported())
                )
            self._check_tables()
        except DatabaseError as error:
            return HealthStatus(backend=self.name, ok=False, detail=str(error))
        return HealthStatus(
            backend=self.name, ok=True, detail=self.vendor, documents=documents
        )


def _cache_key(*parts: Any) -> str:
    """A short cache key for ``parts`` (their ``repr`` hashed)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"qp-search:{digest}"


def _extra(value: Any) -> dict[str, Any] | None:
    # SQLite's json_extract gives text; psycopg may give text or a dict.
    if value is None:
        return None
    return json.loads(value) if isinstance(value, str) else dict(value)


def _query_words(terms: Terms) -> list[str]:
    """Every word of the query's alternatives, once, in order of appearance."""
    return list(
        dict.fromkeys(
            word
            for term in terms
            for alternative in term.alternatives
            for word in alternative
        )
    )
