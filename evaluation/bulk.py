"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def bulk_insert(objects: Sequence[models.Model], *, batch_size: int = 2000) -> int:
    """Insert new rows of one model as fast as the database allows.

    On PostgreSQL rows stream through ``COPY … FROM STDIN`` (psycopg 3
    adapts every value in its C extension); Django's ``bulk_create`` sends
    JSON values as elements of ``UNNEST`` text arrays, which psycopg escapes
    in Python and which dominated the time of recomputing 10,000 results
    (see ``bench/recompute.py``). Elsewhere ``bulk_create`` is used. Primary
    keys are not set on the objects; signals are not sent (as with
    ``bulk_create``). Runs inside the caller's transaction.

    Returns:
        The number of rows inserted.
    """
    if not objects:
        return 0
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.using(alias).bulk_create(objects, batch_size=batch_size)
        return len(objects)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        field.get_db_prep_save(
                            field.pre_save(obj, add=True), connection
                        )
                        for field in fields
                    ]
                )
    return len(objects)


class JsonText(str):
    """JSON already encoded, for :func:`insert_rows` (sent to ``COPY`` as is)."""


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    batch_size: int = 2000,
) -> int:
    """Insert plain value rows (``columns`` are attnames, e.g. ``organisation_id``).

    The fastest path for very large imports: no model instances on
    PostgreSQL (``COPY``; JSON values adapted by their field), ``bulk_create``
    of instances elsewhere. Every column without a database default must be
    given.
    """
    if not rows:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        decoded = [
            [json.loads(v) if v.__class__ is JsonText else v for v in row]
            for row in rows
        ]
        model._default_manager.using(alias).bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in decoded],
            batch_size=batch_size,
        )
        return len(rows)
    fields = [model._meta.get_field(column) for column in columns]
    adapt = [
        (index, field)
        for index, field in enumerate(fields)
        if field.get_internal_type() == "JSONField"
    ]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    statement = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if adapt:
                row = list(row)
                for index, field in adapt:
                    if row[index].__class__ is not JsonText:
                        row[index] = field.get_db_prep_save(row[index], connection)
            copy.write_row(row)
    return len(rows)


def copy_text(value: str) -> str:
    """A string as a field of ``COPY``'s text format (no NULLs).

    Backslash, tab, newline and carriage return are the characters that
    format gives a meaning; each is written as its backslash escape.
    """
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def copy_lines(
    model: type[models.Model],
    columns: Sequence[str],
    lines: Iterable[str],
    *,
    batch_size: int = 2000,
) -> int:
    """PostgreSQL only: insert rows given as ``COPY`` text lines.

    Each line holds the values of ``columns`` (attnames) in ``COPY``'s text
    format, tab-separated and ending in a newline (see :func:`copy_text`). For
    imports that format each distinct value once and so do less work than
    :func:`insert_rows`, which adapts every value of every row.

    Returns:
        The number of rows inserted.
    """
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise NotImplementedError("copy_lines needs PostgreSQL")
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == batch_size:
                copy.write("".join(batch))
                count += len(batch)
                batch.clear()
        if batch:
            copy.write("".join(batch))
            count += len(batch)
    return count
