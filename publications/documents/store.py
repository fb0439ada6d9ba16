"""Built documents kept in the private storage, once per version.

A document's name holds what it was built from (the object, the publication
version and a digest of its content), so a new version or changed data gets
a new file and an old one is never served for it. A file is written whole or
not at all: the bytes are built in memory first and, on a file system,
written to a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile

from evaluation.files import private_storage

ROOT = "documents"


def digest(*parts: str | bytes) -> str:
    """A short digest of what a document is built from."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else part.encode())
        sha.update(b"\0")
    return sha.hexdigest()[:16]


def document_name(kind: str, key: str, version: str, extension: str) -> str:
    return f"{ROOT}/{kind}/{key}/{version}.{extension}"


def _write_whole(name: str, content: bytes) -> None:
    storage = private_storage()
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        storage.save(name, ContentFile(content))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def cached(name: str, build: Callable[[], bytes]) -> bytes:
    """The stored document ``name``, built and stored on the first request."""
    storage = private_storage()
    if storage.exists(name):
        with storage.open(name, "rb") as file:
            return file.read()
    content = build()
    _write_whole(name, content)
    return content
