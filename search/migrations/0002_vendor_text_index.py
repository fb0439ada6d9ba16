"""Vendor-specific full-text structures of the database search backend.

PostgreSQL: a GIN index over ``qp_search_entry.search_vector`` and narrow heap
rows (``toast_tuple_target``).
SQLite: the FTS5 table ``qp_search_fts`` (rowid = entry id) with stemmed terms
and the narrow facet table ``qp_search_facets`` (id = entry id).
Other vendors get nothing (the backend refuses to run there).
"""

from django.db import migrations

POSTGRES_FORWARD = (
    "CREATE INDEX IF NOT EXISTS qp_search_entry_vector "
    "ON qp_search_entry USING gin (search_vector)",
    # Keep heap rows narrow (facet columns and sort keys): text, stored
    # document and vectors go to TOAST, so scans over many matches read few
    # pages and only the shown page's documents are fetched.
    "ALTER TABLE qp_search_entry SET (toast_tuple_target = 128)",
    # ...but what ranking, sorting and facet counting read stays inline.
    *(
        f"ALTER TABLE qp_search_entry ALTER COLUMN {column} SET STORAGE MAIN"
        for column in (
            "head_vector",
            "sort_title",
            "kind",
            "district",
            "org_kind",
            "campaigns",
            "score_band",
            "status",
            "doc_type",
        )
    ),
)
POSTGRES_BACKWARD = (
    "ALTER TABLE qp_search_entry RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS qp_search_entry_vector",
)
SQLITE_FORWARD = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS qp_search_fts USING fts5("
    "title_terms, names_terms, text_terms, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')",
    # Facet columns again, in narrow rows (id = entry id): counting facets
    # over many matches reads these instead of the wide entry rows.
    "CREATE TABLE IF NOT EXISTS qp_search_facets (id INTEGER PRIMARY KEY, "
    "kind TEXT, district TEXT, org_kind TEXT, campaigns TEXT, score_band TEXT, "
    "status TEXT, doc_type TEXT)",
)
SQLITE_BACKWARD = (
    "DROP TABLE IF EXISTS qp_search_facets",
    "DROP TABLE IF EXISTS qp_search_fts",
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("qp_search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
