"""The database search backend: PostgreSQL full-text search or SQLite FTS5.

Text matching differs per vendor; everything else (facets, filters, browsing,
typo vocabulary, pagination) is the same SQL on both.

* **PostgreSQL**: ``qp_search_entry.search_vector`` holds
  ``setweight(to_tsvector('russian', title + names), 'A') ||
  setweight(to_tsvector('russian', text), 'B')`` over ё-folded, lower-cased text
  (GIN index). Queries are raw ``to_tsquery('russian', …)`` strings built from
  analysed terms, so PostgreSQL stems the query words itself.
* **SQLite**: the FTS5 table ``qp_search_fts`` holds the Python-analysed terms
  (``search.analysis.index_terms``: Snowball stems, hyphenated words as parts and
  whole); queries are FTS5 expressions of the same stems, ranked by ``bm25``.

A term of the query matches when any of its alternatives matches (the word, a
synonym or a typo candidate); a multi-word alternative matches when all its
words occur. An exact phrase of the query in the title or names ranks first.

Ranking is bounded: only matches holding a word of the query in the title or
names are ranked (phrase, then ``ts_rank`` on the title-and-names vector or
``bm25``); the rest follow in browsing order, read from the browse index. A
common word found in a quarter of the corpus thus ranks a few thousand rows
instead of tens of thousands. On SQLite, when filters leave at most a few
thousand matches, the counting pass hands their ids to the page: the ranked
part is ranked among them, and the rest is read by primary key and sorted in
browsing order: no second pass over the filters or FTS5.

Facet counts read a narrow table (``qp_search_match`` on PostgreSQL,
``qp_search_facets`` on SQLite: the facet columns and two ``SearchFacetSet``
keys per entry) in one pass: the matches are grouped by the key of their
first three facets' values and by the key of the other four's (two integer
groupings instead of one per facet), every filter variant is a conditional
count of the same SQL the hits use, and the few hundred groups are added up per
value in Python. SQLite groups in Python altogether: the FTS5 table gives
the matching ids, each id's two keys come from memory (read once per index
version), and ``Counter`` counts them per key (per pair of keys when there are
filters, which are decided once per facet set). No lookup of every match in
``qp_search_facets`` and no two sorts: a query for a word in half of 100,000
entries takes 45 instead of 84 ms.

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
import functools
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import compress
from operator import itemgetter
from typing import Any

from django.core.cache import caches
from django.db import DatabaseError, connections, models, transaction

from search import analysis
from search.backends.base import (
    FacetCount,
    HealthStatus,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
)
from search.documents import FACETS, KINDS, SearchDocument, document_from_mapping
from search.models import SearchEntry, SearchFacetSet, SearchState, SearchTerm

_BATCH = 500
# PostgreSQL refuses tsvectors over 1 MB; long PDF texts are cut before that.
_MAX_VECTOR_TEXT = 400_000
# bm25 weights of the FTS5 columns title_terms, names_terms, text_terms.
_BM25 = "bm25(qp_search_fts, 10.0, 8.0, 1.0)"
#: Column of ``qp_search_entry`` holding each facet.
#: Most entries a page of text hits may visit in browsing order (PostgreSQL):
#: beyond that the matches are sorted instead.
_BROWSE_VISITS = 3000
_COLUMN = {facet: "campaigns" if facet == "campaign" else facet for facet in FACETS}
#: Columns of a facet set, in ``FACETS`` order.
_SET_COLUMNS = tuple(_COLUMN[facet] for facet in FACETS)
#: The two parts of the facets an entry's two facet set keys stand for.
FACET_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (FACETS[:3], FACETS[3:])
#: Facet sets read so far (key → values per facet). Keys are hashes of the
#: values, so an entry never goes stale; the dict is emptied when it grows past
#: the limit.
_FACET_SETS: dict[int, dict[str, tuple[str, ...]]] = {}
_FACET_SETS_LIMIT = 100_000
#: SQLite: the most matches-passing-the-filters whose ids the counting pass
#: hands to the page (beyond, the page finds them in SQL).
_WITHIN_LIMIT = 5000
#: SQLite, per database alias: the entries' facet set keys of the index token
#: (see ``_sqlite_entry_keys``).
_SQLITE_KEYS: dict[str, _EntryKeys] = {}
#: Django cache holding totals and facet counts of recent queries. Keys carry
#: the index version token, so a write to the index makes them unreachable.
CACHE_ALIAS = "default"
CACHE_SECONDS = 600


class DatabaseBackend:
    """Search in the project database (PostgreSQL or SQLite).

    Args:
        using: Database alias.
    """

    name = "database"

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def vendor(self) -> str:
        """``"postgresql"`` or ``"sqlite"``."""
        return connections[self.using].vendor

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
            if self.vendor == "postgresql":
                with self._cursor() as cursor:
                    cursor.execute("ANALYZE qp_search_entry")
                    cursor.execute("ANALYZE qp_search_match")
        if self.vendor == "postgresql" and not connections[self.using].in_atomic_block:
            # Outside a transaction (VACUUM cannot run in one): set the rows'
            # hint bits and visibility now, or the first queries after a
            # rebuild pay for it, and drop the row versions the vector update
            # left behind.
            with self._cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) qp_search_entry")
                cursor.execute("VACUUM (ANALYZE) qp_search_match")
        return count

    def clear(self) -> None:
        """Remove every document and the typo vocabulary (not the facet sets)."""
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("DELETE FROM qp_search_fts")
                cursor.execute("DELETE FROM qp_search_facets")
            elif self.vendor == "postgresql":
                cursor.execute("DELETE FROM qp_search_match")
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

    def _read_transaction(self):
        """The transaction a query runs in.

        PostgreSQL: one transaction (its ``set_config`` is local to it). SQLite:
        none. Its transactions are ``IMMEDIATE`` here (see the settings), which
        takes the write lock: a search would wait for a running import to
        commit and fail after the busy timeout. In autocommit each statement
        reads a committed WAL snapshot and never waits for a writer.
        """
        if self.vendor == "postgresql":
            return transaction.atomic(using=self.using)
        return contextlib.nullcontext()

    def _prepare(self, text: bool) -> str:
        """Set up the query's transaction and return the index token (one trip).

        On PostgreSQL text queries turn sequential scans off: the planner
        underrates evaluating ``@@`` on every row (each vector is read from
        TOAST) and the GIN index answers without reading vectors at all.
        """
        if not (text and self.vendor == "postgresql"):
            return self._token()
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "(SELECT token FROM qp_search_state WHERE name = 'index')"
            )
            return cursor.fetchone()[1] or ""

    def _delete_ids(self, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        marks = ", ".join(["%s"] * len(ids))
        with self._cursor() as cursor:
            if self.vendor == "sqlite":
                entries = f"SELECT id FROM qp_search_entry WHERE doc_id IN ({marks})"
                cursor.execute(
                    f"DELETE FROM qp_search_fts WHERE rowid IN ({entries})", list(ids)
                )
                cursor.execute(
                    f"DELETE FROM qp_search_facets WHERE id IN ({entries})", list(ids)
                )
            elif self.vendor == "postgresql":
                cursor.execute(
                    "DELETE FROM qp_search_match WHERE id IN "
                    f"(SELECT id FROM qp_search_entry WHERE doc_id IN ({marks}))",
                    list(ids),
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
        ids = [entry.pk for entry in entries]
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
        heads = [analysis.normalise(" ".join((doc.title, *doc.names))) for doc in docs]
        bodies = [analysis.normalise(doc.text[:_MAX_VECTOR_TEXT]) for doc in docs]
        with self._cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "UPDATE qp_search_entry AS e SET "
                    "search_vector = setweight(to_tsvector('russian', v.head), 'A') || "
                    "setweight(to_tsvector('russian', v.body), 'B'), "
                    "head_vector = to_tsvector('russian', v.head) "
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) "
                    "AS v(id, head, body) WHERE e.id = v.id",
                    [ids, heads, bodies],
                )
                cursor.execute(
                    "INSERT INTO qp_search_match (id, key_a, key_b, "
                    f"{', '.join(_SET_COLUMNS)}, search_vector) "
                    f"SELECT e.id, v.a, v.b, {', '.join(f'e.{c}' for c in _SET_COLUMNS)}, "
                    "e.search_vector FROM qp_search_entry e "
                    "JOIN unnest(%s::bigint[], %s::bigint[], %s::bigint[]) "
                    "AS v(id, a, b) ON e.id = v.id",
                    [ids, [k[0] for k in keys], [k[1] for k in keys]],
                )
            elif self.vendor == "sqlite":
                cursor.executemany(
                    "INSERT INTO qp_search_fts "
                    "(rowid, title_terms, names_terms, text_terms) "
                    "VALUES (%s, %s, %s, %s)",
                    [
                        (
                            entry.pk,
                            " ".join(analysis.index_terms(doc.title)),
                            " ".join(analysis.index_terms(" ".join(doc.names))),
                            " ".join(analysis.index_terms(doc.text)),
                        )
                        for entry, doc in zip(entries, docs, strict=True)
                    ],
                )
                cursor.executemany(
                    "INSERT INTO qp_search_facets (id, key_a, key_b, kind, district, "
                    "org_kind, campaigns, score_band, status, doc_type) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            entry.pk,
                            *key,
                            entry.kind,
                            entry.district,
                            entry.org_kind,
                            entry.campaigns,
                            entry.score_band,
                            entry.status,
                            entry.doc_type,
                        )
                        for entry, key in zip(entries, keys, strict=True)
                    ],
                )
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
                self._hits(query, terms, match, filters, total, token, within)
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

    def _counts(
        self,
        text: str,
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        token: str,
    ) -> tuple[int, dict[str, dict[str, int]], list[int] | None]:
        """Total and facet counts, cached per index version, text and filters.

        The third value is for the page: on SQLite, when the counts were not
        cached and filters narrow a text query to at most ``_WITHIN_LIMIT``
        entries, their ids; otherwise None.

        One statement over the narrow table groups the matches by ``key_a``
        and by ``key_b`` (grouping sets on PostgreSQL, a materialised
        ``UNION ALL`` on SQLite) with one count per filter variant (every
        filter; every filter but one facet's own), written with the same
        ``_where`` clauses as the hits; :func:`add_up_facets` turns the
        groups into counts per value, with each key's values read once per
        process.
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
            if not clauses:
                aggregates.append("COUNT(*)")
            elif self.vendor == "postgresql":
                aggregates.append(f"COUNT(*) FILTER (WHERE {' AND '.join(clauses)})")
            else:
                aggregates.append(
                    f"SUM(CASE WHEN {' AND '.join(clauses)} THEN 1 ELSE 0 END)"
                )
            aggregate_params.extend(scoped_params)
        numbers = ", ".join(aggregates)
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
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT 3 - GROUPING(e.key_a, e.key_b), "
                    f"COALESCE(e.key_a, e.key_b), {numbers} "
                    f"FROM qp_search_match e{where} "
                    "GROUP BY GROUPING SETS ((e.key_a), (e.key_b), ())",
                    [*aggregate_params, *condition_params],
                )
                rows, within = cursor.fetchall(), None
            else:
                rows, within = self._sqlite_groups(
                    cursor, match, filters, variants, token
                )
            if rows is None:
                # SQLite has no grouping sets: the rows are materialised once
                # (only the columns read below: a narrower sort) and grouped
                # twice.
                needed = ", ".join(
                    ["e.key_a", "e.key_b", *(f"e.{_COLUMN[f]}" for f in filters)]
                )
                cursor.execute(
                    f"WITH m AS MATERIALIZED (SELECT {needed} "
                    f"FROM qp_search_facets e{where}) "
                    f"SELECT 2, e.key_a, {numbers} FROM m e "
                    f"GROUP BY e.key_a UNION ALL SELECT 1, e.key_b, {numbers} "
                    f"FROM m e GROUP BY e.key_b "
                    f"UNION ALL SELECT 0, NULL, {numbers} FROM m e",
                    [*condition_params, *aggregate_params * 3],
                )
                rows = cursor.fetchall()
            sets = self._facet_sets(
                cursor, [int(row[1]) for row in rows if row[0] and row[1] is not None]
            )
        result = add_up_facets(rows, sets, variants)
        cache.set(key, result, CACHE_SECONDS)
        return (*result, within)

    def _sqlite_groups(
        self,
        cursor: Any,
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        variants: Sequence[str | None],
        token: str,
    ) -> tuple[list[tuple[Any, ...]] | None, list[int] | None]:
        """SQLite: the rows of the counting pass, grouped in Python.

        The FTS5 table gives the matching ids; each id's two facet set keys
        come from memory (:func:`_sqlite_entry_keys`), and ``Counter`` counts
        the matches per key in C (per pair of keys when there are filters,
        which are decided once per facet set, not per row). This replaces
        looking every match up in ``qp_search_facets`` and sorting it twice.
        Rows None when an id is not in memory (the index changed after the
        keys were read): the caller counts in SQL. Second: the ids of the
        matches passing every filter, for the page, when a text query has
        filters and they leave at most ``_WITHIN_LIMIT``.
        """
        memory = _sqlite_entry_keys(cursor, self.using, token)
        key_a, key_b = memory.keys
        ids: list[int] = []
        if match[0]:
            cursor.execute(
                "SELECT rowid FROM qp_search_fts WHERE qp_search_fts MATCH %s",
                match[1],
            )
            ids = list(map(itemgetter(0), cursor.fetchall()))
        try:
            if not filters:
                # Each part counted on its own, in C: no pairs, no masks.
                if not match[0]:
                    counted = memory.counted
                else:
                    counted = (
                        Counter(map(key_a.__getitem__, ids)),
                        Counter(map(key_b.__getitem__, ids)),
                    )
                return [
                    (0, None, counted[0].total()),
                    *((2, key, count) for key, count in counted[0].items()),
                    *((1, key, count) for key, count in counted[1].items()),
                ], None
            pairs = (
                Counter(
                    zip(
                        map(key_a.__getitem__, ids),
                        map(key_b.__getitem__, ids),
                        strict=True,
                    )
                )
                if match[0]
                else memory.pairs
            )
        except KeyError:
            return None, None
        part_keys = ({pair[0] for pair in pairs}, {pair[1] for pair in pairs})
        sets = self._facet_sets(cursor, [*part_keys[0], *part_keys[1]])
        # Bit i of a facet set's mask: it passes filter i (always, when the
        # filter's facet belongs to the other part). A pair passes what both do.
        checks = list(filters.items())
        full = (1 << len(checks)) - 1
        masks: dict[int, int] = {}
        for facets, keys in zip(FACET_PARTS, part_keys, strict=True):
            for key in keys:
                found = sets.get(key)
                if found is None:
                    raise LookupError(f"search: facet set {key} is missing")
                mask = 0
                for bit, (facet, values) in enumerate(checks):
                    if facet not in facets or _passes(found, facet, values):
                        mask |= 1 << bit
                masks[key] = mask
        # Per variant the filters a match must pass: all, or all but one facet's.
        needed = [
            full if variant is None else full & ~(1 << list(filters).index(variant))
            for variant in variants
        ]
        by_part: list[Counter[tuple[int, int]]] = [Counter(), Counter()]
        totals: Counter[int] = Counter()
        for (first, second), count in pairs.items():
            mask = masks[first] & masks[second]
            by_part[0][first, mask] += count
            by_part[1][second, mask] += count
            totals[mask] += count
        rows: list[tuple[Any, ...]] = [
            (0, None, *(_masked(totals.items(), want) for want in needed))
        ]
        for part, grouped in enumerate(by_part):
            per_key: dict[int, list[int]] = {}
            for (key, mask), count in grouped.items():
                numbers = per_key.setdefault(key, [0] * len(needed))
                for index, want in enumerate(needed):
                    if mask & want == want:
                        numbers[index] += count
            rows.extend((2 - part, key, *numbers) for key, numbers in per_key.items())
        within = None
        if ids and totals[full] <= _WITHIN_LIMIT:
            passing = {
                pair for pair in pairs if masks[pair[0]] & masks[pair[1]] == full
            }
            within = list(
                compress(
                    ids,
                    map(
                        passing.__contains__,
                        zip(
                            map(key_a.__getitem__, ids),
                            map(key_b.__getitem__, ids),
                            strict=True,
                        ),
                    ),
                )
            )
        return rows, within

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
        table = "qp_search_facets" if self.vendor == "sqlite" else "qp_search_match"
        columns = ", ".join(_SET_COLUMNS)
        wanted = set(keys)
        restored: dict[int, dict[str, str]] = {}
        for start in range(0, len(keys), _BATCH):
            chunk = list(keys[start : start + _BATCH])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT key_a, key_b, {columns} FROM {table} "
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

    def _match_clause(
        self, terms: Sequence[analysis.QueryTerm], alias: str = "e"
    ) -> tuple[str, list[Any]]:
        """SQL condition on ``alias`` for the text part ("" when browsing)."""
        if not terms:
            return "", []
        if self.vendor == "postgresql":
            return (
                f"{alias}.search_vector @@ to_tsquery('russian', %s)",
                [_tsquery(terms)],
            )
        return (
            f"{alias}.id IN (SELECT rowid FROM qp_search_fts "
            "WHERE qp_search_fts MATCH %s)",
            [_fts_query(terms)],
        )

    def _where(
        self,
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        alias: str = "e",
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if match[0]:
            clauses.append(match[0])
            params.extend(match[1])
        position = f"strpos({alias}.campaigns, %s) > 0"
        if self.vendor != "postgresql":
            position = f"instr({alias}.campaigns, %s) > 0"
        for facet, values in sorted(filters.items()):
            if facet == "campaign":
                clauses.append("(" + " OR ".join([position] * len(values)) + ")")
                params.extend(f"|{value}|" for value in values)
            else:
                marks = ", ".join(["%s"] * len(values))
                clauses.append(f"{alias}.{facet} IN ({marks})")
                params.extend(values)
        return clauses, params

    def _hits(
        self,
        query: SearchQuery,
        terms: Sequence[analysis.QueryTerm],
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        total: int,
        token: str = "",
        within: list[int] | None = None,
    ) -> tuple[SearchHit, ...]:
        """The page's hits: entry ids ranked (cached per index version), then
        the stored documents of those ids only."""
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
            page = self._page(query, terms, match, filters, total, within)
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
            data = document if isinstance(document, dict) else _json(document)
            doc = document_from_mapping(data)
            relevance = float(boost or 0) + (
                -float(rank or 0) if self.vendor == "sqlite" else float(rank or 0)
            )
            hits.append(
                SearchHit(
                    id=doc.id,
                    kind=doc.kind,
                    title=doc.title,
                    url=doc.url,
                    snippet=analysis.make_snippet(body or "", terms),
                    score=relevance if terms else 0.0,
                    document=doc,
                )
            )
        return tuple(hits)

    def _page(
        self,
        query: SearchQuery,
        terms: Sequence[analysis.QueryTerm],
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        total: int,
        within: list[int] | None = None,
    ) -> list[tuple[int, float, float]]:
        """``(entry id, boost, rank)`` of the page's hits, in order."""
        if not terms:
            clauses, params = self._where(match, filters)
            sql = "SELECT e.id, 0, 0 FROM qp_search_entry e"
            if clauses:
                sql += " WHERE " + " AND ".join(clauses)
            sql += " ORDER BY e.kind_order, e.sort_title, e.id LIMIT %s OFFSET %s"
            params.extend([query.page_size, query.offset])
        elif self.vendor == "postgresql":
            return self._postgres_page(query, terms, match, filters, total)
        else:
            return self._sqlite_page(query, terms, filters, total, within)
        with self._cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(id_), boost, rank) for id_, boost, rank in cursor.fetchall()]

    def _postgres_page(
        self,
        query: SearchQuery,
        terms: Sequence[analysis.QueryTerm],
        match: tuple[str, list[Any]],
        filters: dict[str, tuple[str, ...]],
        total: int,
    ) -> list[tuple[int, float, float]]:
        """One page of text hits on PostgreSQL: ``(entry id, boost, rank)``.

        The rank (phrase of the query in title/names first, then ``ts_rank``
        over title and names) is non-zero only where title or names hold a
        word of the query; the other matches all rank 0 and follow in browsing
        order. So only the first group is ranked (usually a small part of the
        matches: common words sit in body texts), and the page is completed
        from the second one, read in browsing order from the browse index when
        matches are dense (no need to visit all of them), or collected through
        the GIN index and sorted when they are sparse.
        """
        clauses, where_params = self._where(match, filters)
        where = " AND ".join(clauses)
        phrase = _phrase_tsquery(query.text)
        any_words = _any_tsquery(terms)
        window = query.offset + query.page_size
        in_head = "e.head_vector @@ to_tsquery('russian', %s)"
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT e.id, "
                + (
                    "CASE WHEN e.head_vector @@ to_tsquery('russian', %s) "
                    "THEN 1 ELSE 0 END"
                    if phrase
                    else "0"
                )
                + " AS boost, ts_rank(e.head_vector, to_tsquery('russian', %s)) "
                "AS rank, COUNT(*) OVER () FROM qp_search_entry e "
                f"WHERE {where} AND {in_head} "
                "ORDER BY boost DESC, rank DESC, e.kind_order, e.sort_title, e.id "
                "LIMIT %s",
                [
                    *([phrase] if phrase else []),
                    any_words,
                    *where_params,
                    any_words,
                    window,
                ],
            )
            ranked = cursor.fetchall()
            in_ranked = ranked[0][3] if ranked else 0
            page = [(id_, boost, rank) for id_, boost, rank, _n in ranked]
            page = page[query.offset : window]
            rest_total = total - in_ranked
            if rest_total > 0 and window > in_ranked:
                rest_offset = max(0, query.offset - in_ranked)
                wanted = window - max(query.offset, in_ranked)
                cursor.execute(
                    "SELECT reltuples FROM pg_class "
                    "WHERE oid = 'qp_search_entry'::regclass"
                )
                entries = max(float(cursor.fetchone()[0] or 0), 1.0)
                # Rows the browse index would visit to fill the page.
                visits = (rest_offset + wanted) * entries / rest_total
                if visits <= _BROWSE_VISITS:
                    cursor.execute(
                        "SELECT set_config('enable_bitmapscan', 'off', true)"
                    )
                    order = "e.kind_order, e.sort_title, e.id"
                    rest_where, rest_params = where, where_params
                else:
                    # "+ 0" keeps the planner off the browse index; the
                    # matches are collected from the narrow table.
                    order = "e.kind_order + 0, e.sort_title, e.id"
                    narrow, rest_params = self._where(
                        self._match_clause(terms, alias="m"), filters, alias="m"
                    )
                    rest_where = (
                        "e.id IN (SELECT m.id FROM qp_search_match m "
                        f"WHERE {' AND '.join(narrow)})"
                    )
                cursor.execute(
                    f"SELECT e.id FROM qp_search_entry e WHERE {rest_where} "
                    f"AND NOT COALESCE({in_head}, false) ORDER BY {order} "
                    "LIMIT %s OFFSET %s",
                    [*rest_params, any_words, wanted, rest_offset],
                )
                page.extend((id_, 0, 0.0) for (id_,) in cursor.fetchall())
                if visits <= _BROWSE_VISITS:
                    cursor.execute("SELECT set_config('enable_bitmapscan', 'on', true)")
        return page

    def _sqlite_page(
        self,
        query: SearchQuery,
        terms: Sequence[analysis.QueryTerm],
        filters: dict[str, tuple[str, ...]],
        total: int,
        within: list[int] | None = None,
    ) -> list[tuple[int, float, float]]:
        """One page of text hits on SQLite: ``(entry id, boost, rank)``.

        As on PostgreSQL, only matches holding a word of the query in title
        or names are ranked (phrase first, then ``bm25``); the others follow
        in browsing order, read from the browse index. ``within``: the ids
        of every match passing the filters, when the counting pass knows them.
        """
        clauses, params = self._where(("", []), filters, alias="f")
        # "+" keeps SQLite from handing the id list to FTS5, which would run
        # the MATCH once per filtered id.
        filtered = (
            " AND +qp_search_fts.rowid IN (SELECT f.id FROM qp_search_facets f "
            "WHERE " + " AND ".join(clauses) + ")"
            if clauses
            else ""
        )
        text_query = _fts_query(terms)
        in_head = "{title_terms names_terms} : (" + _fts_any(terms) + ")"
        phrase = _fts_phrase(query.text)
        window = query.offset + query.page_size
        boost = (
            "CASE WHEN qp_search_fts.rowid IN (SELECT rowid FROM qp_search_fts "
            "WHERE qp_search_fts MATCH %s) THEN 1 ELSE 0 END"
            if phrase
            else "0"
        )
        if within is not None:
            return self._sqlite_page_within(
                query, within, f"({text_query}) AND ({in_head})", phrase, boost
            )
        with self._cursor() as cursor:
            # bm25() cannot sit beside a window function: rank first.
            cursor.execute(
                f"WITH r AS MATERIALIZED (SELECT qp_search_fts.rowid AS id, {boost}"
                f" AS boost, {_BM25} AS rank FROM qp_search_fts "
                f"WHERE qp_search_fts MATCH %s{filtered}) "
                "SELECT id, boost, rank, COUNT(*) OVER () FROM r "
                "ORDER BY boost DESC, rank ASC, id LIMIT %s",
                [
                    *([phrase] if phrase else []),
                    f"({text_query}) AND ({in_head})",
                    *params,
                    window,
                ],
            )
            ranked = cursor.fetchall()
            in_ranked = ranked[0][3] if ranked else 0
            page = [(int(id_), boost, rank) for id_, boost, rank, _n in ranked]
            page = page[query.offset : window]
            if total > in_ranked and window > in_ranked:
                rest_offset = max(0, query.offset - in_ranked)
                wanted = window - max(query.offset, in_ranked)
                cursor.execute("SELECT COUNT(*) FROM qp_search_facets")
                entries = max(int(cursor.fetchone()[0] or 0), 1)
                # Rows the browse index would visit to fill the page.
                visits = (rest_offset + wanted) * entries / (total - in_ranked)
                rest = f"({text_query}) NOT ({in_head})"
                if visits <= _BROWSE_VISITS:
                    entry_clauses, entry_params = self._where(("", []), filters)
                    sql = (
                        "SELECT e.id FROM qp_search_entry e WHERE e.id IN "
                        "(SELECT rowid FROM qp_search_fts WHERE qp_search_fts MATCH %s)"
                        + "".join(f" AND {clause}" for clause in entry_clauses)
                        + " ORDER BY e.kind_order, e.sort_title, e.id"
                    )
                else:
                    # Sparse: the matches are collected through the narrow
                    # table and sorted ("+" keeps SQLite off the browse index).
                    entry_clauses, entry_params = self._where(
                        ("", []), filters, alias="f"
                    )
                    sql = (
                        "SELECT e.id FROM qp_search_entry e WHERE e.id IN "
                        "(SELECT f.id FROM qp_search_facets f WHERE f.id IN "
                        "(SELECT rowid FROM qp_search_fts WHERE qp_search_fts MATCH %s)"
                        + "".join(f" AND {clause}" for clause in entry_clauses)
                        + ") ORDER BY +e.kind_order, e.sort_title, e.id"
                    )
                cursor.execute(
                    sql + " LIMIT %s OFFSET %s",
                    [rest, *entry_params, wanted, rest_offset],
                )
                page.extend((int(id_), 0, 0.0) for (id_,) in cursor.fetchall())
        return page

    def _sqlite_page_within(
        self,
        query: SearchQuery,
        within: list[int],
        ranked_match: str,
        phrase: str,
        boost: str,
    ) -> list[tuple[int, float, float]]:
        """The page of :meth:`_sqlite_page` when the filtered matches are known.

        The same order from less work: the ranked part is ranked among
        ``within`` only (no pass over ``qp_search_facets`` for the filters),
        and the rest is ``within`` without the ranked ids, read by primary key
        and sorted in browsing order, not found again through FTS5.
        """
        window = query.offset + query.page_size
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT qp_search_fts.rowid, {boost}, {_BM25} FROM qp_search_fts "
                "WHERE qp_search_fts MATCH %s "
                "AND +qp_search_fts.rowid IN (SELECT value FROM json_each(%s))",
                [*([phrase] if phrase else []), ranked_match, json.dumps(within)],
            )
            ranked = sorted(
                ((int(id_), boost, rank) for id_, boost, rank in cursor.fetchall()),
                key=lambda row: (-row[1], row[2], row[0]),
            )
            page = ranked[query.offset : window]
            if window > len(ranked):
                rest = list(set(within).difference(row[0] for row in ranked))
                cursor.execute(
                    "SELECT e.id FROM qp_search_entry e "
                    "WHERE e.id IN (SELECT value FROM json_each(%s)) "
                    "ORDER BY e.kind_order, e.sort_title, e.id LIMIT %s OFFSET %s",
                    [
                        json.dumps(rest),
                        window - max(query.offset, len(ranked)),
                        max(0, query.offset - len(ranked)),
                    ],
                )
                page.extend((int(id_), 0, 0.0) for (id_,) in cursor.fetchall())
        return page

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
            cached = self._suggest(complete, last, limit)
            cache.set(key, cached, CACHE_SECONDS)
        return cached

    def _suggest(
        self, complete: Sequence[str], last: str, limit: int
    ) -> list[Suggestion]:
        if self.vendor == "postgresql":
            # The GIN index over the title-and-names vector (migration 0003)
            # expands the prefix among title words only; sort keys are inline
            # columns (sort_title has the title's length, up to 200).
            raw = " & ".join([*complete, f"{last}:*"])
            sql = (
                "SELECT e.doc_id, e.kind, e.title, e.url, "
                "CASE WHEN e.url = '' THEN e.document -> 'extra' END "
                "FROM qp_search_entry e "
                "WHERE e.head_vector @@ to_tsquery('russian', %s) "
                "ORDER BY e.kind_order, length(e.sort_title), e.sort_title, e.id "
                "LIMIT %s"
            )
            with transaction.atomic(using=self.using), self._cursor() as cursor:
                cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
                cursor.execute(sql, [raw, limit])
                rows = cursor.fetchall()
            return [
                Suggestion(
                    text=title, kind=kind, url=url, id=doc_id, extra=_extra(extra)
                )
                for doc_id, kind, title, url, extra in rows
            ]
        else:
            parts = [f'"{analysis.stem(word)}"' for word in complete]
            stemmed = analysis.stem(last)
            prefixes = {f'"{last}"*', f'"{stemmed}"*'} if stemmed else {f'"{last}"*'}
            parts.append("(" + " OR ".join(sorted(prefixes)) + ")")
            raw = "{title_terms names_terms} : (" + " AND ".join(parts) + ")"
            sql = (
                "SELECT e.doc_id, e.kind, e.title, e.url, "
                "CASE WHEN e.url = '' THEN json_extract(e.document, '$.extra') END "
                "FROM qp_search_entry e "
                "WHERE e.id IN (SELECT rowid FROM qp_search_fts "
                "WHERE qp_search_fts MATCH %s) "
                "ORDER BY e.kind_order, length(e.title), e.sort_title LIMIT %s"
            )
        with self._cursor() as cursor:
            cursor.execute(sql, [raw, limit])
            rows = cursor.fetchall()
        return [
            Suggestion(text=title, kind=kind, url=url, id=doc_id, extra=_extra(extra))
            for doc_id, kind, title, url, extra in rows
        ]

    def health(self) -> HealthStatus:
        """Count the indexed documents; report a database error instead of raising."""
        try:
            documents = SearchEntry.objects.using(self.using).count()
            if self.vendor == "sqlite":
                with self._cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM qp_search_fts")
            elif self.vendor != "postgresql":
                return HealthStatus(
                    backend=self.name,
                    ok=False,
                    detail=f"СУБД {self.vendor} не поддерживается поиском",
                )
        except DatabaseError as error:
            return HealthStatus(backend=self.name, ok=False, detail=str(error))
        return HealthStatus(
            backend=self.name, ok=True, detail=self.vendor, documents=documents
        )


class _EntryKeys:
    """SQLite: every entry's two facet set keys, read once per index version.

    Args:
        token: The index version they were read for.
        firsts, seconds: Per entry, its key of each part (``FACET_PARTS``).
        ids: The entries, in the order of ``firsts`` and ``seconds``.
    """

    def __init__(
        self, token: str, ids: list[int], firsts: list[int], seconds: list[int]
    ) -> None:
        self.token = token
        self._firsts, self._seconds = firsts, seconds
        #: Entry id → its key of each part.
        self.keys = (
            dict(zip(ids, firsts, strict=True)),
            dict(zip(ids, seconds, strict=True)),
        )

    @functools.cached_property
    def counted(self) -> tuple[Counter[int], Counter[int]]:
        """Entries per key of each part (browsing without filters)."""
        return Counter(self._firsts), Counter(self._seconds)

    @functools.cached_property
    def pairs(self) -> Counter[tuple[int, int]]:
        """Entries per pair of keys (browsing with filters)."""
        return Counter(zip(self._firsts, self._seconds, strict=True))


def _sqlite_entry_keys(cursor: Any, using: str, token: str) -> _EntryKeys:
    """SQLite: every entry's pair of facet set keys, and the keys counted.

    Read once per index version and database alias and kept in memory (about
    160 bytes an entry, equal keys sharing one object: 16 MB for 100,000
    entries, read in 100–250 ms by the first query after a write); a write to
    the index gives it a new token and the next query reads the table again.
    """
    cached = _SQLITE_KEYS.get(using)
    if cached is not None and cached.token == token:
        return cached
    cursor.execute("SELECT id, key_a, key_b FROM qp_search_facets")
    rows = cursor.fetchall()
    firsts, seconds = (list(map(itemgetter(n), rows)) for n in (1, 2))
    # Equal keys share one int object (a few hundred distinct keys).
    shared = {key: key for key in (*firsts, *seconds)}
    memory = _EntryKeys(
        token,
        list(map(itemgetter(0), rows)),
        *(list(map(shared.__getitem__, keys)) for keys in (firsts, seconds)),
    )
    _SQLITE_KEYS[using] = memory
    return memory


def _passes(
    found: dict[str, tuple[str, ...]], facet: str, values: Sequence[str]
) -> bool:
    """Whether a facet set passes a filter, as ``_where``'s SQL decides it."""
    if facet == "campaign":
        # The column's text again ("|a|b|"), searched as ``instr`` does.
        column = _joined(found[facet])
        return any(f"|{value}|" in column for value in values)
    return (found[facet][0] if found[facet] else "") in values


def _masked(counts: Iterable[tuple[int, int]], want: int) -> int:
    """The sum of the counts whose mask has every bit of ``want``."""
    return sum(count for mask, count in counts if mask & want == want)


def _cache_key(*parts: Any) -> str:
    """A short cache key for ``parts`` (their ``repr`` hashed)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"qp-search:{digest}"


def _json(value: Any) -> dict[str, Any]:
    import json

    return json.loads(value)


def _extra(value: Any) -> dict[str, Any] | None:
    # SQLite's json_extract gives text; psycopg may give text or a dict.
    if value is None:
        return None
    return json.loads(value) if isinstance(value, str) else dict(value)


def _facets(
    counts: dict[str, dict[str, int]], filters: dict[str, tuple[str, ...]]
) -> dict[str, tuple[FacetCount, ...]]:
    """Sorted buckets per facet; selected values are always present."""
    result: dict[str, tuple[FacetCount, ...]] = {}
    for facet in FACETS:
        values = dict(counts.get(facet, {}))
        selected = set(filters.get(facet, ()))
        for value in selected:
            values.setdefault(value, 0)
        result[facet] = tuple(
            FacetCount(value=value, count=count, selected=value in selected)
            for value, count in sorted(
                values.items(), key=lambda item: (-item[1], item[0])
            )
        )
    return result


def _tsquery(terms: Sequence[analysis.QueryTerm]) -> str:
    """Raw ``to_tsquery`` text: AND of terms, OR of alternatives, AND inside one."""
    return " & ".join(
        "("
        + " | ".join(
            "(" + " & ".join(alternative) + ")" for alternative in term.alternatives
        )
        + ")"
        for term in terms
    )


def _any_tsquery(terms: Sequence[analysis.QueryTerm]) -> str:
    """Raw ``to_tsquery`` text matching any word of the query (for ranking)."""
    words = dict.fromkeys(
        word
        for term in terms
        for alternative in term.alternatives
        for word in alternative
    )
    return " | ".join(words)


def _phrase_tsquery(text: str) -> str:
    """Exact phrase of the query, for ``head_vector`` (title and names).

    No weight label: ``head_vector`` is built without weights.
    """
    words = [part for word in analysis.words(text) for part in word.split("-") if part]
    return " <-> ".join(words)


def _fts_query(terms: Sequence[analysis.QueryTerm]) -> str:
    """FTS5 expression of the same shape as :func:`_tsquery`, over stems.

    Alternatives equal once stemmed (a word and its typo candidates "сайта",
    "сайты") are written once: FTS5 would read the same doclist again for each.
    """
    return " AND ".join(
        "("
        + " OR ".join(
            dict.fromkeys(
                "("
                + " AND ".join(f'"{analysis.stem(word)}"' for word in alternative)
                + ")"
                for alternative in term.alternatives
            )
        )
        + ")"
        for term in terms
    )


def _fts_any(terms: Sequence[analysis.QueryTerm]) -> str:
    """FTS5 expression matching any word of the query (stems)."""
    words = dict.fromkeys(
        analysis.stem(word)
        for term in terms
        for alternative in term.alternatives
        for word in alternative
    )
    return " OR ".join(f'"{word}"' for word in words)


def _fts_phrase(text: str) -> str:
    """FTS5 phrase of the query's index terms in the title and names columns."""
    terms = analysis.index_terms(text)
    if not terms:
        return ""
    return '{title_terms names_terms} : "' + " ".join(terms) + '"'


def _joined(values: Iterable[str]) -> str:
    """``|a|b|`` for the campaigns column ("" without values)."""
    values = [value for value in values if value]
    return "|" + "|".join(values) + "|" if values else ""


def facet_key(part: int, values: Iterable[str]) -> int:
    """The ``SearchFacetSet`` key of one part's column values (64-bit hash)."""
    digest = hashlib.blake2b(
        json.dumps([part, *values], ensure_ascii=False).encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _facet_set(values: Sequence[Any]) -> dict[str, tuple[str, ...]]:
    """The non-empty values per facet of a facet set's columns."""
    result: dict[str, tuple[str, ...]] = {}
    for facet, value in zip(FACETS, values, strict=True):
        text = str(value or "")
        if facet == "campaign":
            result[facet] = tuple(one for one in text.split("|") if one)
        else:
            result[facet] = (text,) if text else ()
    return result


def add_up_facets(
    rows: Iterable[Sequence[Any]],
    sets: dict[int, dict[str, tuple[str, ...]]],
    variants: Sequence[str | None],
) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facet counts from the grouped counting pass.

    Each row is ``(part, key, count per variant…)``: part 2 groups by the
    key of the first facets (``FACET_PARTS[0]``), 1 by the key of the
    others, 0 is the total. Variant ``None`` applies every filter; variant F
    every filter but F's own, which is what the counts of facet F use.

    Raises:
        LookupError: A row names a facet set the table lacks.
    """
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    total = 0
    column = {f: variants.index(f) if f in variants else 0 for f in FACETS}
    for part, key, *numbers in rows:
        if not part:
            total = int(numbers[0] or 0)
            continue
        if key is None:
            continue
        found = sets.get(int(key))
        if found is None:
            raise LookupError(f"search: facet set {key} is missing")
        for facet in FACET_PARTS[2 - int(part)]:
            count = int(numbers[column[facet]] or 0)
            if not count:
                continue
            bucket = counts[facet]
            for value in found[facet]:
                bucket[value] = bucket.get(value, 0) + count
    return total, counts
