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
"""

# SQL here is assembled from constant fragments and "%s" placeholders only; every
# user value travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

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
from search.models import SearchEntry, SearchState, SearchTerm

_BATCH = 500
# PostgreSQL refuses tsvectors over 1 MB; long PDF texts are cut before that.
_MAX_VECTOR_TEXT = 400_000
# bm25 weights of the FTS5 columns title_terms, names_terms, text_terms.
_BM25 = "bm25(qp_search_fts, 10.0, 8.0, 1.0)"
#: Column of ``qp_search_entry`` holding each facet.
_COLUMN = {facet: "campaigns" if facet == "campaign" else facet for facet in FACETS}
#: Totals and facet counts of recent queries, per index version (per process).
_COUNTS: OrderedDict[tuple[Any, ...], tuple[int, dict[str, dict[str, int]]]] = (
    OrderedDict()
)
_COUNTS_SIZE = 512


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
        return count

    def clear(self) -> None:
        """Remove every document and the typo vocabulary."""
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("DELETE FROM qp_search_fts")
                cursor.execute("DELETE FROM qp_search_facets")
            cursor.execute("DELETE FROM qp_search_entry")
            cursor.execute("DELETE FROM qp_search_term")
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

    def _prepare(self, terms: Sequence[analysis.QueryTerm]) -> str:
        """Set up the query's transaction and return the index token (one trip).

        On PostgreSQL text queries turn sequential scans off: the planner
        underrates evaluating ``@@`` on every row (each vector is read from
        TOAST) and the GIN index answers without reading vectors at all.
        """
        if not (terms and self.vendor == "postgresql"):
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
                    "INSERT INTO qp_search_facets (id, kind, district, org_kind, "
                    "campaigns, score_band, status, doc_type) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            entry.pk,
                            entry.kind,
                            entry.district,
                            entry.org_kind,
                            entry.campaigns,
                            entry.score_band,
                            entry.status,
                            entry.doc_type,
                        )
                        for entry in entries
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
        terms = analysis.analyse_query(text, lookup_typos=self._typos) if text else []
        if text and not terms:
            return SearchResults(
                query=query, total=0, hits=(), facets=_facets({}, filters)
            )
        with transaction.atomic(using=self.using):
            match = self._match_clause(terms)
            total, counts = self._counts(text, match, filters, self._prepare(terms))
            hits = (
                self._hits(query, terms, match, filters) if total > query.offset else ()
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
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """Total and facet counts, cached per index version, text and filters.

        PostgreSQL: facets without a filter share one ``GROUPING SETS`` pass
        under every filter; each filtered facet gets a pass under the other
        filters. SQLite: one ``UNION ALL`` statement over the narrow table
        ``qp_search_facets``, each facet's part under the other filters.
        """
        key = (
            self.using,
            token,
            text,
            tuple(sorted((facet, tuple(sorted(v))) for facet, v in filters.items())),
        )
        cached = _COUNTS.get(key)
        if cached is not None:
            _COUNTS.move_to_end(key)
            return cached
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        free = [facet for facet in FACETS if facet not in filters]
        # Filtered facets counted in a pass of their own (PostgreSQL).
        separate = dict(filters)
        clauses, params = self._where(match, filters)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        total = 0
        with self._cursor() as cursor:
            if not free:
                cursor.execute(f"SELECT COUNT(*) FROM qp_search_entry e{where}", params)
                total = int(cursor.fetchone()[0])
            elif self.vendor == "postgresql":
                columns = [f"e.{_COLUMN[facet]}" for facet in free]
                sets = ", ".join([*(f"({column})" for column in columns), "()"])
                cursor.execute(
                    f"SELECT {', '.join(columns)}, GROUPING({', '.join(columns)}), "
                    f"COUNT(*) FROM qp_search_entry e{where} "
                    f"GROUP BY GROUPING SETS ({sets})",
                    params,
                )
                width = len(columns)
                for row in cursor.fetchall():
                    *values, grouping, count = row
                    grouped = [
                        i for i in range(width) if not grouping >> (width - 1 - i) & 1
                    ]
                    if not grouped:
                        total = int(count)
                        continue
                    _add(counts, free[grouped[0]], values[grouped[0]], int(count))
            else:
                # SQLite: one statement over the narrow facet table; each
                # facet's part applies every filter except its own.
                parts: list[str] = []
                all_params: list[Any] = []
                for facet in FACETS:
                    others = {n: v for n, v in filters.items() if n != facet}
                    part_clauses, part_params = self._where(match, others)
                    part_where = (
                        " WHERE " + " AND ".join(part_clauses) if part_clauses else ""
                    )
                    column = _COLUMN[facet]
                    parts.append(
                        f"SELECT %s, e.{column}, COUNT(*) FROM qp_search_facets e"
                        f"{part_where} GROUP BY e.{column}"
                    )
                    all_params.extend([facet, *part_params])
                parts.append(f"SELECT '', '', COUNT(*) FROM qp_search_facets e{where}")
                all_params.extend(params)
                cursor.execute(" UNION ALL ".join(parts), all_params)
                for facet, value, count in cursor.fetchall():
                    if facet:
                        _add(counts, facet, value, int(count))
                    else:
                        total = int(count)
                separate = {}
            for facet in separate:
                others = {name: v for name, v in filters.items() if name != facet}
                clauses, params = self._where(match, others)
                where = " WHERE " + " AND ".join(clauses) if clauses else ""
                column = _COLUMN[facet]
                cursor.execute(
                    f"SELECT e.{column}, COUNT(*) FROM qp_search_entry e{where} "
                    f"GROUP BY e.{column}",
                    params,
                )
                for value, count in cursor.fetchall():
                    _add(counts, facet, value, int(count))
        result = (total, counts)
        _COUNTS[key] = result
        while len(_COUNTS) > _COUNTS_SIZE:
            _COUNTS.popitem(last=False)
        return result

    def _typos(self, words: Sequence[str]) -> dict[str, list[str]]:
        """Typo candidates of the words the vocabulary does not know (one query)."""
        wanted = [word for word in dict.fromkeys(words) if analysis.max_edits(word)]
        if not wanted:
            return {}
        conditions = [models.Q(word__in=wanted)]
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
        vocabulary = set(
            SearchTerm.objects.using(self.using)
            .filter(query)
            .values_list("word", flat=True)
        )
        return {
            word: analysis.typo_candidates(word, vocabulary)
            for word in wanted
            if word not in vocabulary
        }

    def _match_clause(
        self, terms: Sequence[analysis.QueryTerm]
    ) -> tuple[str, list[Any]]:
        """SQL condition on alias ``e`` for the text part ("" when browsing)."""
        if not terms:
            return "", []
        if self.vendor == "postgresql":
            return (
                "e.search_vector @@ to_tsquery('russian', %s)",
                [_tsquery(terms)],
            )
        return (
            "e.id IN (SELECT rowid FROM qp_search_fts WHERE qp_search_fts MATCH %s)",
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
    ) -> tuple[SearchHit, ...]:
        if not terms:
            clauses, params = self._where(match, filters)
            sql = "SELECT e.document, e.body, 0, 0 FROM qp_search_entry e"
            if clauses:
                sql += " WHERE " + " AND ".join(clauses)
            sql += " ORDER BY e.kind_order, e.sort_title, e.id"
        elif self.vendor == "postgresql":
            clauses, params = self._where(match, filters)
            phrase = _phrase_tsquery(query.text)
            # Ranked on title and names only: reading every match's full
            # vector would cost more than the whole budget on common words.
            sql = (
                "SELECT e.document, e.body, "
                + (
                    "CASE WHEN e.head_vector @@ to_tsquery('russian', %s) "
                    "THEN 1 ELSE 0 END"
                    if phrase
                    else "0"
                )
                + ", ts_rank(e.head_vector, to_tsquery('russian', %s)) AS rank "
                "FROM qp_search_entry e WHERE "
                + " AND ".join(clauses)
                + " ORDER BY 3 DESC, 4 DESC, e.kind_order, e.sort_title, e.id"
            )
            params = [*([phrase] if phrase else []), _any_tsquery(terms), *params]
        else:
            # Rank and page inside the FTS table (ties by id), then read the
            # wide entry rows of the shown page only.
            clauses, params = self._where(("", []), filters, alias="f")
            phrase = _fts_phrase(query.text)
            inner = (
                "SELECT qp_search_fts.rowid AS id, "
                + (
                    "CASE WHEN qp_search_fts.rowid IN (SELECT rowid FROM qp_search_fts "
                    "WHERE qp_search_fts MATCH %s) THEN 1 ELSE 0 END"
                    if phrase
                    else "0"
                )
                + f" AS boost, {_BM25} AS rank FROM qp_search_fts "
                "WHERE qp_search_fts MATCH %s"
                # "+" keeps SQLite from handing the id list to FTS5, which
                # would run the MATCH once per filtered id.
                + (
                    " AND +qp_search_fts.rowid IN (SELECT f.id FROM qp_search_facets f "
                    "WHERE " + " AND ".join(clauses) + ")"
                    if clauses
                    else ""
                )
                + " ORDER BY boost DESC, rank ASC, id LIMIT %s OFFSET %s"
            )
            params = [
                *([phrase] if phrase else []),
                _fts_query(terms),
                *params,
                query.page_size,
                query.offset,
            ]
            sql = (
                f"SELECT e.document, e.body, h.boost, h.rank FROM ({inner}) h "
                "JOIN qp_search_entry e ON e.id = h.id "
                "ORDER BY h.boost DESC, h.rank ASC, h.id"
            )
        if not (terms and self.vendor == "sqlite"):
            sql += " LIMIT %s OFFSET %s"
            params.extend([query.page_size, query.offset])
        with self._cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits = []
        for document, body, boost, rank in rows:
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

    def suggest(self, prefix: str, limit: int = 10) -> Sequence[Suggestion]:
        """Titles whose words start with the typed words (the last one as a prefix)."""
        tokens = analysis.surface_tokens(prefix)
        if not tokens or len(prefix.strip()) < 2 or limit < 1:
            return []
        *complete, last = tokens
        if self.vendor == "postgresql":
            # Without weights the GIN index answers alone; the small inline
            # title vector then keeps title and name matches only.
            raw = " & ".join([*complete, f"{last}:*"])
            sql = (
                "SELECT e.doc_id, e.kind, e.title, e.url FROM qp_search_entry e "
                "WHERE e.search_vector @@ to_tsquery('russian', %s) "
                "AND e.head_vector @@ to_tsquery('russian', %s) "
                "ORDER BY e.kind_order, length(e.title), e.sort_title LIMIT %s"
            )
            with transaction.atomic(using=self.using), self._cursor() as cursor:
                cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
                cursor.execute(sql, [raw, raw, limit])
                rows = cursor.fetchall()
            return [
                Suggestion(text=title, kind=kind, url=url, id=doc_id)
                for doc_id, kind, title, url in rows
            ]
        else:
            parts = [f'"{analysis.stem(word)}"' for word in complete]
            stemmed = analysis.stem(last)
            prefixes = {f'"{last}"*', f'"{stemmed}"*'} if stemmed else {f'"{last}"*'}
            parts.append("(" + " OR ".join(sorted(prefixes)) + ")")
            raw = "{title_terms names_terms} : (" + " AND ".join(parts) + ")"
            sql = (
                "SELECT e.doc_id, e.kind, e.title, e.url FROM qp_search_entry e "
                "WHERE e.id IN (SELECT rowid FROM qp_search_fts "
                "WHERE qp_search_fts MATCH %s) "
                "ORDER BY e.kind_order, length(e.title), e.sort_title LIMIT %s"
            )
        with self._cursor() as cursor:
            cursor.execute(sql, [raw, limit])
            rows = cursor.fetchall()
        return [
            Suggestion(text=title, kind=kind, url=url, id=doc_id)
            for doc_id, kind, title, url in rows
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


def _json(value: Any) -> dict[str, Any]:
    import json

    return json.loads(value)


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
    """Exact phrase of the query in weight A (title, names), stop words included."""
    words = [part for word in analysis.words(text) for part in word.split("-") if part]
    return " <-> ".join(f"{word}:A" for word in words)


def _fts_query(terms: Sequence[analysis.QueryTerm]) -> str:
    """FTS5 expression of the same shape as :func:`_tsquery`, over stems."""
    return " AND ".join(
        "("
        + " OR ".join(
            "(" + " AND ".join(f'"{analysis.stem(word)}"' for word in alternative) + ")"
            for alternative in term.alternatives
        )
        + ")"
        for term in terms
    )


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


def _add(counts: dict[str, dict[str, int]], facet: str, value: Any, count: int) -> None:
    """Add a GROUP BY row to the counts (campaign strings hold several values)."""
    values = str(value or "").split("|") if facet == "campaign" else [value]
    bucket = counts[facet]
    for one in values:
        if one:
            bucket[one] = bucket.get(one, 0) + count
