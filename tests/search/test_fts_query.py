"""The FTS5 expressions of the SQLite search."""

from __future__ import annotations

from search.analysis import QueryTerm
from search.backends.database.sqlite import _fts_query


def test_alternatives_equal_once_stemmed_are_written_once():
    terms = [
        QueryTerm(
            original=("сайт",),
            alternatives=(("сайт",), ("сайта",), ("сайты",), ("кнопка",)),
            corrections=("сайта", "сайты"),
        ),
        QueryTerm(
            original=("кцсон",), alternatives=(("кцсон",), ("центр", "социальный"))
        ),
    ]

    assert _fts_query(terms) == (
        '(("сайт") OR ("кнопк")) AND (("кцсон") OR ("центр" AND "социальн"))'
    )
