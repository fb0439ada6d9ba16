"""Unicode case folding for SQLite's ``LIKE``.

SQLite's built-in ``LIKE`` folds only ASCII letters, so on the default SQLite
setup ``icontains`` (which Django implements with ``LIKE``) finds «Канск» for
"Канск" but not for "канск". Every connection gets a ``like()`` function that
compares with Python's Unicode-aware case folding; SQLite then uses it for
every ``LIKE`` expression. PostgreSQL needs nothing: its ``UPPER``/``ILIKE``
fold Cyrillic already.

On SQLite, Django's ``contains`` and ``startswith`` are ``LIKE`` too and so
were already case-insensitive for ASCII (a documented Django caveat); they now
are for every script.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern[str]:
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def like(pattern: Any, value: Any, escape: Any = None) -> bool | None:
    """SQL ``value LIKE pattern [ESCAPE escape]`` with Unicode case folding.

    Args:
        pattern: The ``LIKE`` pattern (``%`` any run, ``_`` one character).
        value: The compared value; numbers are compared as their text.
        escape: The escape character, if the expression has one.

    Returns:
        Whether the value matches, or ``None`` (SQL NULL) when either is NULL.
    """
    if pattern is None or value is None:
        return None
    return (
        _pattern(str(pattern), None if escape is None else str(escape)).fullmatch(
            str(value)
        )
        is not None
    )


def install(sender: Any = None, connection: Any = None, **_kwargs: Any) -> None:
    """Register ``like()`` on a new SQLite connection (``connection_created``)."""
    if connection is None or connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, like, deterministic=True)
    raw.create_function("like", 3, like, deterministic=True)
