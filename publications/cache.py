"""Cache of rendered page content, invalidated when published data changes.

Rendered ``<main>`` fragments are cached under a key that includes a global
*data version*. Publishing or recomputing results, changing a campaign's
status and publishing or unpublishing a page bump the version, so every
fragment built from older data is never read again (it expires on its own).
Fragments never contain CSRF tokens or per-user markup: those stay in the
uncached site chrome.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest

from .conf import publications_settings

VERSION_KEY = "qp:data-version"


def _fresh_version() -> int:
    """A version no fragment has used: the clock, in microseconds.

    The version key can vanish (a full cache evicts it, a cache is emptied);
    starting again from 1 would bring back fragments keyed with old numbers.
    Bumps add 1, so the clock stays ahead of every number used before.
    """
    return time.time_ns() // 1_000


def data_version() -> int:
    """The current data version, shared by every process through the cache."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _fresh_version()
    return int(version)


def bump_data_version(**_kwargs: object) -> None:
    """Invalidate every cached fragment (a signal receiver)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def cached_fragment(
    request: HttpRequest | None, page_key: str, render: Callable[[], str]
) -> str:
    """Render through the cache unless caching is off or this is a preview.

    Args:
        request: The current request: its full path (with the query string)
            is part of the key. Previews and editors' requests are not cached.
        page_key: What identifies the page version (pk and revision).
        render: Produces the fragment on a miss.
    """
    timeout = publications_settings.PAGE_CACHE_SECONDS
    if (
        request is None
        or timeout <= 0
        or getattr(request, "is_preview", False)
        or request.method != "GET"
        or getattr(getattr(request, "user", None), "is_authenticated", False)
    ):
        return render()
    path = hashlib.sha1(
        request.get_full_path().encode(), usedforsecurity=False
    ).hexdigest()
    key = f"qp:fragment:{data_version()}:{page_key}:{path}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout)
    return html
