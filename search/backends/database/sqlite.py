"""The database search backend on SQLite: FTS5 over Python-analysed terms.

The FTS5 table ``qp_search_fts`` holds the Python-analysed terms
(``search.analysis.index_terms``: Snowball stems, hyphenated words as parts and
whole); queries are FTS5 expressions of the same stems, ranked by ``bm25``.

When filters leave at most a few thousand matches, the counting pass hands
their ids to the page: the ranked part is ranked among them, and the rest is
read by primary key and sorted in browsing order: no second pass over the
filters or FTS5.

Facet counts are grouped in Python altogether: the FTS5 table gives the
matching ids, each id's two facet set keys come from memory (read once per
index version), and ``Counter`` counts them per key (per pair of keys when
there are filters, which are decided once per facet set). No lookup of every
match in ``qp_search_facets`` and no two sorts: a query for a word in half of
100,000 entries takes 45 instead of 84 ms.
"""

# SQL here is assembled from constant fragments and "%s" placeholders only; every
# user value travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from operator import itemgetter
from typing import Any

from search import analysis
from search.backends.base import SearchQuery
from search.backends.database.base import (
    _BROWSE_VISITS,
    BaseDatabaseBackend,
    Clause,
    CountingPass,
    Grouped,
    IndexRow,
    Page,
    PageRequest,
    Terms,
    _query_words,
)
from search.backends.database.facets import _COLUMN, FACET_PARTS, _joined

# bm25 weights of the FTS5 columns title_terms, names_terms, text_terms.
_BM25 = "bm25(qp_search_fts, 10.0, 8.0, 1.0)"
#: The most matches-passing-the-filters whose ids the counting pass hands to
#: the page (beyond, the page finds them in SQL).
_WITHIN_LIMIT = 5000
#: Per database alias: the entries' facet set keys of the index token (see
#: ``_entry_keys``).
_ENTRY_KEYS: dict[str, _EntryKeys] = {}


class SQLiteBackend(BaseDatabaseBackend):
    """Search in an SQLite database (FTS5 and ``bm25``)."""

    supported = True
    side_tables = (("qp_search_fts", "rowid"), ("qp_search_facets", "id"))
    narrow_table = "qp_search_facets"

    # Queries run in no transaction of their own: SQLite transactions are
    # ``IMMEDIATE`` here (see the settings), which takes the write lock, so a
    # search would wait for a running import to commit and fail after the
    # busy timeout. In autocommit each statement reads a committed WAL
    # snapshot and never waits for a writer (the base class's default).

    def _check_tables(self) -> None:
        with self._cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM qp_search_fts")

    def _insert_text(self, cursor: Any, rows: Sequence[IndexRow]) -> None:
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
                for entry, doc, _keys in rows
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
                for entry, _doc, key in rows
            ],
        )

    def _text_match(self, terms: Terms, alias: str) -> Clause:
        return (
            f"{alias}.id IN (SELECT rowid FROM qp_search_fts "
            "WHERE qp_search_fts MATCH %s)",
            [_fts_query(terms)],
        )

    def _relevance(self, boost: Any, rank: Any) -> float:
        # bm25 is lower for better matches.
        return float(boost or 0) - float(rank or 0)

    def _group(self, cursor: Any, counting: CountingPass) -> Grouped:
        """Grouped in Python (:meth:`_groups_in_python`), else in SQL.

        SQLite has no grouping sets: in SQL the rows are materialised once
        (only the columns read: a narrower sort) and grouped twice.
        """
        rows, within = self._groups_in_python(
            cursor,
            counting.match,
            counting.filters,
            counting.variants,
            counting.token,
        )
        if rows is not None:
            return rows, within
        needed = ", ".join(
            ["e.key_a", "e.key_b", *(f"e.{_COLUMN[f]}" for f in counting.filters)]
        )
        numbers = counting.numbers
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT {needed} "
            f"FROM qp_search_facets e{counting.where}) "
            f"SELECT 2, e.key_a, {numbers} FROM m e "
            f"GROUP BY e.key_a UNION ALL SELECT 1, e.key_b, {numbers} "
            f"FROM m e GROUP BY e.key_b "
            f"UNION ALL SELECT 0, NULL, {numbers} FROM m e",
            [*counting.where_params, *counting.number_params * 3],
        )
        return cursor.fetchall(), within

    def _groups_in_python(
        self,
        cursor: Any,
        match: Clause,
        filters: dict[str, tuple[str, ...]],
        variants: Sequence[str | None],
        token: str,
    ) -> tuple[list[tuple[Any, ...]] | None, list[int] | None]:
        """The rows of the counting pass, grouped in Python.

        The FTS5 table gives the matching ids; each id's two facet set keys
        come from memory (:func:`_entry_keys`), and ``Counter`` counts
        the matches per key in C (per pair of keys when there are filters,
        which are decided once per facet set, not per row). This replaces
        looking every match up in ``qp_search_facets`` and sorting it twice.
        Rows None when an id is not in memory (the index changed after the
        keys were read): the caller counts in SQL. Second: the ids of the
        matches passing every filter, for the page, when a text query has
        filters and they leave at most ``_WITHIN_LIMIT``.
        """
        memory = _entry_keys(cursor, self.using, token)
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
            pairs = Counter(memory.pairs_of(ids)) if match[0] else memory.pairs
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
                compress(ids, map(passing.__contains__, memory.pairs_of(ids)))
            )
        return rows, within

    def _text_page(self, request: PageRequest) -> Page:
        """One page of text hits: ``(entry id, boost, rank)``.

        As on PostgreSQL, only matches holding a word of the query in title
        or names are ranked (phrase first, then ``bm25``); the others follow
        in browsing order, read from the browse index. ``within``: the ids
        of every match passing the filters, when the counting pass knows them.
        """
        query, terms, filters = request.query, request.terms, request.filters
        total = request.total
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
        if request.within is not None:
            return self._page_within(
                query, request.within, f"({text_query}) AND ({in_head})", phrase, boost
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

    def _page_within(
        self,
        query: SearchQuery,
        within: list[int],
        ranked_match: str,
        phrase: str,
        boost: str,
    ) -> Page:
        """The page of :meth:`_text_page` when the filtered matches are known.

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

    def _suggest_rows(self, complete: Sequence[str], last: str, limit: int) -> list:
        parts = [f'"{analysis.stem(word)}"' for word in complete]
        stemmed = analysis.stem(last)
        prefixes = {f'"{last}"*', f'"{stemmed}"*'} if stemmed else {f'"{last}"*'}
        parts.append("(" + " OR ".join(sorted(prefixes)) + ")")
        raw = "{title_terms names_terms} : (" + " AND ".join(parts) + ")"
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT e.doc_id, e.kind, e.title, e.url, "
                "CASE WHEN e.url = '' THEN json_extract(e.document, '$.extra') END "
                "FROM qp_search_entry e "
                "WHERE e.id IN (SELECT rowid FROM qp_search_fts "
                "WHERE qp_search_fts MATCH %s) "
                "ORDER BY e.kind_order, length(e.title), e.sort_title LIMIT %s",
                [raw, limit],
            )
            return cursor.fetchall()


class _EntryKeys:
    """Every entry's two facet set keys, read once per index version.

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

    def pairs_of(self, ids: Iterable[int]) -> Iterator[tuple[int, int]]:
        """The pair of keys of each entry of ``ids`` (``KeyError`` for one
        read after the keys were)."""
        firsts, seconds = self.keys
        return zip(
            map(firsts.__getitem__, ids), map(seconds.__getitem__, ids), strict=True
        )


def _entry_keys(cursor: Any, using: str, token: str) -> _EntryKeys:
    """Every entry's pair of facet set keys, and the keys counted.

    Read once per index version and database alias and kept in memory (about
    160 bytes an entry, equal keys sharing one object: 16 MB for 100,000
    entries, read in 100–250 ms by the first query after a write); a write to
    the index gives it a new token and the next query reads the table again.
    """
    cached = _ENTRY_KEYS.get(using)
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
    _ENTRY_KEYS[using] = memory
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


def _fts_query(terms: Terms) -> str:
    """FTS5 expression of AND of terms, OR of alternatives, AND inside one.

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


def _fts_any(terms: Terms) -> str:
    """FTS5 expression matching any word of the query (stems)."""
    stems = dict.fromkeys(map(analysis.stem, _query_words(terms)))
    return " OR ".join(f'"{stem}"' for stem in stems)


def _fts_phrase(text: str) -> str:
    """FTS5 phrase of the query's index terms in the title and names columns."""
    terms = analysis.index_terms(text)
    if not terms:
        return ""
    return '{title_terms names_terms} : "' + " ".join(terms) + '"'
