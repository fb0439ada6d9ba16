"""Forget what was cached from rows that a rolled-back transaction took back."""

from __future__ import annotations


def forget_caches() -> None:
    """Empty Django's caches and the database search backend's in-process maps.

    A rolled-back transaction takes its rows back but not what was cached from
    them (Wagtail's site root paths, rendered fragments, search counts), nor the
    files built from them once per publication version (open data, documents):
    another test may publish the same version with other figures.
    """
    import shutil

    from django.core.cache import caches

    from evaluation.files import private_storage
    from evaluation.opendata import store as opendata_store
    from publications.documents import store as documents_store
    from search.backends import database

    for cache in caches.all(initialized_only=False):
        cache.clear()
    database.forget_memory()
    storage = private_storage()
    for folder in (opendata_store.ROOT, documents_store.ROOT):
        shutil.rmtree(storage.path(folder), ignore_errors=True)
