"""The database search backend: PostgreSQL full-text search or SQLite FTS5.

As in ``wagtail.search.backends.database``, one module per database behind a
factory:

* ``base.py``: what both share (writing, facet counts, filters, browsing,
  typo vocabulary, pagination, caching), and the hooks a database fills in;
* ``facets.py``: facet set keys and the counts added up per value (pure);
* ``postgres.py``: ``tsvector`` matching, ``ts_rank``, grouping sets;
* ``sqlite.py``: FTS5 matching over Python-analysed stems, ``bm25``, facet
  counts grouped in Python.

:func:`DatabaseBackend` picks the module by the connection's vendor.
"""

from __future__ import annotations

from django.db import connections

from search.backends.database import facets, sqlite
from search.backends.database.base import CACHE_ALIAS, BaseDatabaseBackend
from search.backends.database.facets import FACET_PARTS, add_up_facets, facet_key
from search.backends.database.postgres import PostgresBackend
from search.backends.database.sqlite import SQLiteBackend

__all__ = [
    "CACHE_ALIAS",
    "FACET_PARTS",
    "BaseDatabaseBackend",
    "DatabaseBackend",
    "PostgresBackend",
    "SQLiteBackend",
    "add_up_facets",
    "facet_key",
    "forget_memory",
]

_BACKENDS: dict[str, type[BaseDatabaseBackend]] = {
    "postgresql": PostgresBackend,
    "sqlite": SQLiteBackend,
}


# A factory named as the class it stands for, as Wagtail's ``SearchBackend``.
def DatabaseBackend(using: str = "default") -> BaseDatabaseBackend:
    """The database search backend for the database ``using`` names.

    A database the search does not support gets the base class: its health
    says so and its queries raise ``NotImplementedError``.
    """
    vendor = connections[using].vendor
    return _BACKENDS.get(vendor, BaseDatabaseBackend)(using)


def forget_memory() -> None:
    """Empty this process's maps (facet sets; SQLite's entry keys).

    For tests that empty the tables under the backend's feet.
    """
    facets._FACET_SETS.clear()
    sqlite._ENTRY_KEYS.clear()
