"""Built documents kept in the private storage, once per version.

A document's name holds what it was built from (the object, the publication
version and a digest of its content), so a new version or changed data gets
a new file and an old one is never served for it. A file is written whole or
not at all: the bytes are built in memory first and, on a file system,
written to a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from evaluation.files import private_storage, write_whole

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


def cached(name: str, build: Callable[[], bytes]) -> bytes:
    """The stored document ``name``, built and stored on the first request."""
    storage = private_storage()
    if storage.exists(name):
        with storage.open(name, "rb") as file:
            return file.read()
    content = build()
    write_whole(name, lambda file: file.write(content))
    return content
