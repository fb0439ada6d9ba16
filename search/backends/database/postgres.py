"""The database search backend on PostgreSQL: full-text search in Russian.

``qp_search_entry.search_vector`` holds
``setweight(to_tsvector('russian', title + names), 'A') ||
setweight(to_tsvector('russian', text), 'B')`` over ё-folded, lower-cased text
(GIN index). Queries are raw ``to_tsquery('russian', …)`` strings built from
analysed terms, so PostgreSQL stems the query words itself. Matches with a
word of the query in the title or names are ranked by ``ts_rank`` on the
title-and-names vector ``head_vector``.

Facet counts read ``qp_search_match`` (the entry's facet columns, facet set
keys and vector) with grouping sets: one statement, one pass.
"""

# SQL here is assembled from constant fragments and "%s" placeholders only; every
# user value travels as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from search import analysis
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
from search.backends.database.facets import _SET_COLUMNS

# PostgreSQL refuses tsvectors over 1 MB; long PDF texts are cut before that.
_MAX_VECTOR_TEXT = 400_000


class PostgresBackend(BaseDatabaseBackend):
    """Search in a PostgreSQL database (``tsvector`` and GIN indexes)."""

    supported = True
    side_tables = (("qp_search_match", "id"),)
    narrow_table = "qp_search_match"
    campaign_test = "strpos({alias}.campaigns, %s) > 0"

    def _read_transaction(self):
        """One transaction per query: its ``set_config`` is local to it."""
        return transaction.atomic(using=self.using)

    def _prepare(self, text: bool) -> str:
        """Set up the query's transaction and return the index token (one trip).

        Text queries turn sequential scans off: the planner underrates
        evaluating ``@@`` on every row (each vector is read from TOAST) and
        the GIN index answers without reading vectors at all.
        """
        if not text:
            return self._token()
        with self._cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "(SELECT token FROM qp_search_state WHERE name = 'index')"
            )
            return cursor.fetchone()[1] or ""

    def _after_rebuild(self) -> None:
        self._each_table("ANALYZE")

    def _after_rebuild_commit(self) -> None:
        # Outside a transaction (VACUUM cannot run in one): set the rows'
        # hint bits and visibility now, or the first queries after a
        # rebuild pay for it, and drop the row versions the vector update
        # left behind.
        self._each_table("VACUUM (ANALYZE)")

    def _each_table(self, command: str) -> None:
        with self._cursor() as cursor:
            for table in ("qp_search_entry", "qp_search_match"):
                cursor.execute(f"{command} {table}")

    def _insert_text(self, cursor: Any, rows: Sequence[IndexRow]) -> None:
        ids = [entry.pk for entry, _doc, _keys in rows]
        heads = [
            analysis.normalise(" ".join((doc.title, *doc.names)))
            for _entry, doc, _keys in rows
        ]
        bodies = [
            analysis.normalise(doc.text[:_MAX_VECTOR_TEXT])
            for _entry, doc, _keys in rows
        ]
        keys = [entry_keys for _entry, _doc, entry_keys in rows]
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

    def _text_match(self, terms: Terms, alias: str) -> Clause:
        return (
            f"{alias}.search_vector @@ to_tsquery('russian', %s)",
            [_tsquery(terms)],
        )

    def _conditional_count(self, condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})"

    def _group(self, cursor: Any, counting: CountingPass) -> Grouped:
        """Grouping sets over ``qp_search_match``: both keys and the total."""
        cursor.execute(
            "SELECT 3 - GROUPING(e.key_a, e.key_b), "
            f"COALESCE(e.key_a, e.key_b), {counting.numbers} "
            f"FROM qp_search_match e{counting.where} "
            "GROUP BY GROUPING SETS ((e.key_a), (e.key_b), ())",
            [*counting.number_params, *counting.where_params],
        )
        return cursor.fetchall(), None

    def _text_page(self, request: PageRequest) -> Page:
        """One page of text hits: ``(entry id, boost, rank)``.

        The rank (phrase of the query in title/names first, then ``ts_rank``
        over title and names) is non-zero only where title or names hold a
        word of the query; the other matches all rank 0 and follow in browsing
        order. So only the first group is ranked (usually a small part of the
        matches: common words sit in body texts), and the page is completed
        from the second one, read in browsing order from the browse index when
        matches are dense (no need to visit all of them), or collected through
        the GIN index and sorted when they are sparse.
        """
        query, terms, filters = request.query, request.terms, request.filters
        clauses, where_params = self._where(request.match, filters)
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
            rest_total = request.total - in_ranked
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

    def _suggest_rows(self, complete: Sequence[str], last: str, limit: int) -> list:
        # The GIN index over the title-and-names vector (migration 0003)
        # expands the prefix among title words only; sort keys are inline
        # columns (sort_title has the title's length, up to 200).
        raw = " & ".join([*complete, f"{last}:*"])
        with transaction.atomic(using=self.using), self._cursor() as cursor:
            cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
            cursor.execute(
                "SELECT e.doc_id, e.kind, e.title, e.url, "
                "CASE WHEN e.url = '' THEN e.document -> 'extra' END "
                "FROM qp_search_entry e "
                "WHERE e.head_vector @@ to_tsquery('russian', %s) "
                "ORDER BY e.kind_order, length(e.sort_title), e.sort_title, e.id "
                "LIMIT %s",
                [raw, limit],
            )
            return cursor.fetchall()


def _tsquery(terms: Terms) -> str:
    """Raw ``to_tsquery`` text: AND of terms, OR of alternatives, AND inside one."""
    return " & ".join(
        "("
        + " | ".join(
            "(" + " & ".join(alternative) + ")" for alternative in term.alternatives
        )
        + ")"
        for term in terms
    )


def _any_tsquery(terms: Terms) -> str:
    """Raw ``to_tsquery`` text matching any word of the query (for ranking)."""
    return " | ".join(_query_words(terms))


def _phrase_tsquery(text: str) -> str:
    """Exact phrase of the query, for ``head_vector`` (title and names).

    No weight label: ``head_vector`` is built without weights.
    """
    words = [part for word in analysis.words(text) for part in word.split("-") if part]
    return " <-> ".join(words)
