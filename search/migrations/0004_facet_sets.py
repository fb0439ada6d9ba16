"""Facet sets: facet counting groups matches by two keys of facet values.

Adds :class:`search.models.SearchFacetSet` (the values behind a key: of the
first three facets, or of the other four) and, per vendor, the narrow rows the
counting pass scans:

* PostgreSQL: the table ``qp_search_match``: entry id, the two keys, the facet
  columns and the entry's ``search_vector`` with its own GIN index. Its heap
  rows are a tenth of ``qp_search_entry``'s (the vector goes to TOAST and is
  only read through the index), so a common word's tens of thousands of
  matches read few pages.
* SQLite: the columns ``key_a`` and ``key_b`` on ``qp_search_facets``.

Entries indexed before this migration are filled in here, so counts stay right
without a reindex.
"""

# SQL here is assembled from constant column names only.
# ruff: noqa: S608

import hashlib
import json

from django.db import migrations, models

COLUMNS = (
    "kind",
    "district",
    "org_kind",
    "campaigns",
    "score_band",
    "status",
    "doc_type",
)
#: Columns behind ``key_a`` and ``key_b``.
PARTS = (COLUMNS[:3], COLUMNS[3:])
BATCH = 1000


def facet_key(part, values):
    """Same as ``search.backends.database.facet_key`` (frozen here)."""
    digest = hashlib.blake2b(
        json.dumps([part, *values], ensure_ascii=False).encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE TABLE IF NOT EXISTS qp_search_match (id bigint PRIMARY KEY, "
            "key_a bigint NOT NULL, key_b bigint NOT NULL, "
            + ", ".join(f"{column} text NOT NULL" for column in COLUMNS)
            + ", search_vector tsvector) WITH (toast_tuple_target = 128)"
        )
        for column in COLUMNS:
            schema_editor.execute(
                f"ALTER TABLE qp_search_match ALTER COLUMN {column} SET STORAGE MAIN"
            )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS qp_search_match_vector "
            "ON qp_search_match USING gin (search_vector)"
        )
    elif vendor == "sqlite":
        schema_editor.execute("ALTER TABLE qp_search_facets ADD COLUMN key_a INTEGER")
        schema_editor.execute("ALTER TABLE qp_search_facets ADD COLUMN key_b INTEGER")
    else:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {', '.join(COLUMNS)} FROM qp_search_entry ORDER BY id"
        )
        rows = cursor.fetchall()
        for start in range(0, len(rows), BATCH):
            keyed = []
            sets = {}
            for id_, *values in rows[start : start + BATCH]:
                by_column = dict(zip(COLUMNS, values, strict=True))
                keys = []
                for part, columns in enumerate(PARTS):
                    part_values = [by_column[column] for column in columns]
                    key = facet_key(part, part_values)
                    sets[key] = [
                        by_column[column] if column in columns else ""
                        for column in COLUMNS
                    ]
                    keys.append(key)
                keyed.append((id_, *keys))
            cursor.executemany(
                f"INSERT INTO qp_search_facet_set (key, {', '.join(COLUMNS)}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [(key, *values) for key, values in sets.items()],
            )
            if vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO qp_search_match (id, key_a, key_b, {', '.join(COLUMNS)}, "
                    "search_vector) SELECT e.id, v.a, v.b, "
                    + ", ".join(f"e.{column}" for column in COLUMNS)
                    + ", e.search_vector FROM qp_search_entry e "
                    "JOIN unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v(id, a, b) "
                    "ON e.id = v.id",
                    [
                        [k[0] for k in keyed],
                        [k[1] for k in keyed],
                        [k[2] for k in keyed],
                    ],
                )
            else:
                cursor.executemany(
                    "UPDATE qp_search_facets SET key_a = %s, key_b = %s WHERE id = %s",
                    [(a, b, id_) for id_, a, b in keyed],
                )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS qp_search_match")
    elif vendor == "sqlite":
        schema_editor.execute("ALTER TABLE qp_search_facets DROP COLUMN key_b")
        schema_editor.execute("ALTER TABLE qp_search_facets DROP COLUMN key_a")


class Migration(migrations.Migration):
    dependencies = [("qp_search", "0003_head_vector_index")]

    operations = [
        migrations.CreateModel(
            name="SearchFacetSet",
            fields=[
                (
                    "key",
                    models.BigIntegerField(
                        primary_key=True, serialize=False, verbose_name="ключ"
                    ),
                ),
                ("kind", models.CharField(max_length=30, verbose_name="раздел")),
                (
                    "district",
                    models.CharField(blank=True, max_length=200, verbose_name="район"),
                ),
                (
                    "org_kind",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="вид организации"
                    ),
                ),
                (
                    "campaigns",
                    models.CharField(
                        blank=True, max_length=2000, verbose_name="кампании"
                    ),
                ),
                (
                    "score_band",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="диапазон балла"
                    ),
                ),
                (
                    "status",
                    models.CharField(blank=True, max_length=200, verbose_name="статус"),
                ),
                (
                    "doc_type",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="вид документа"
                    ),
                ),
            ],
            options={
                "verbose_name": "сочетание значений фильтров",
                "verbose_name_plural": "сочетания значений фильтров",
                "db_table": "qp_search_facet_set",
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
