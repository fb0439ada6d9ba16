"""Built open-data files, kept in the private storage once per data version.

The idea of :mod:`publications.documents.store`, for files too large to build
in memory: a file's name holds what it was built from, so a new publication
version (or a changed organisations register) gets a new file and an old one
is never served for it. A file is written row by row to a temporary file and
put in place whole, or not at all (:func:`evaluation.files.write_whole`, as
publications' documents are); the number of its rows is kept beside it
(``<name>.rows``, written last, so its presence means the file is complete).

Only datasets marked ``stored`` are kept (the frozen НОК results and
aggregates, the organisations register); the others describe states on the
day of the download and are written for each request to a temporary file.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.db.models import Count, Max

from evaluation.files import private_storage, write_whole
from evaluation.models import Organisation
from evaluation.opendata.registry import Table

ROOT = "opendata"

Build = Callable[[BinaryIO], int]


def organisations_version() -> str:
    """What the organisations' names and districts in the files depend on.

    One aggregate query: how many organisations there are, the newest id and
    the latest change (``updated_at`` moves on every save).
    """
    figures = Organisation.objects.aggregate(
        count=Count("pk"), top=Max("pk"), changed=Max("updated_at")
    )
    changed = figures["changed"]
    stamp = changed.isoformat() if changed is not None else "-"
    return f"{figures['count']}:{figures['top']}:{stamp}"


def _digest(*parts: object) -> str:
    sha = hashlib.sha256("\0".join(str(part) for part in parts).encode())
    return sha.hexdigest()[:16]


def stored_name(table: Table, fmt: str) -> str | None:
    """The storage name of a table's file, or None when it is not kept.

    ``opendata/results/nok-2024/v2-<digest>.csv``: the dataset, the campaign,
    the publication version and a digest of the publication (id and time) and
    of :func:`organisations_version`.
    """
    dataset = table.dataset
    if not dataset.stored:
        return None
    if dataset.needs_campaign and table.publication is None:
        return None
    folder = f"{ROOT}/{dataset.slug}/{table.campaign.slug if table.campaign else '_'}"
    publication = table.publication
    if publication is None:
        return f"{folder}/{_digest(organisations_version())}.{fmt}"
    key = _digest(
        publication.pk, publication.published_at.isoformat(), organisations_version()
    )
    return f"{folder}/v{publication.version}-{key}.{fmt}"


def open_stored(name: str, build: Build) -> tuple[BinaryIO, int]:
    """The stored file ``name`` opened for reading, and its number of rows.

    Built with ``build`` (which writes the file and returns the row count)
    on the first request, then read from the storage.
    """
    storage = private_storage()
    rows_name = f"{name}.rows"
    if not storage.exists(rows_name):
        counted: list[int] = []
        write_whole(name, lambda file: counted.append(build(file)))
        count = counted[0]
        if storage.exists(rows_name):
            storage.delete(rows_name)
        storage.save(rows_name, ContentFile(str(count).encode()))
    with storage.open(rows_name, "rb") as file:
        count = int(file.read())
    return storage.open(name, "rb"), count


def open_table(table: Table, fmt: str) -> tuple[BinaryIO, int]:
    """A table's file in ``fmt`` opened for reading, and its number of rows.

    Kept datasets come from the storage (built on first request); the others
    are written to a temporary file, deleted when it is closed.

    Raises:
        KeyError: unknown format.
    """
    name = stored_name(table, fmt)
    if name is not None:
        return open_stored(name, lambda file: table.write(file, fmt))
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    try:
        count = table.write(scratch, fmt)
    except BaseException:
        scratch.close()
        raise
    scratch.seek(0)
    return scratch, count
