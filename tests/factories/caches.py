"""Forget what was cached from rows that a rolled-back transaction took back."""

from __future__ import annotations


def forget_caches() -> None:
    """Empty Django's caches and the database search backend's in-process maps.

    A rolled-back transaction takes its rows back but not what was cached from
    them (Wagtail's site root paths, rendered fragments, search counts).
    """
    from django.core.cache import caches

    from search.backends import database

    for cache in caches.all(initialized_only=False):
        cache.clear()
    database.forget_memory()
