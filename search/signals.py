"""Keep the index in step with the apps: (re)index after the transaction commits.

The apps' ``indexing`` modules name the signals that mean "reindex this"; this
module connects one receiver per subscription. Work is deferred with
``transaction.on_commit`` so a rolled-back change never reaches the index, and
an unavailable backend is logged, never raised into the request that saved the
data (``rebuild_index`` repairs the index later).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from search import service

logger = logging.getLogger(__name__)

_receivers: list[Callable[..., None]] = []


def _index(objects: list[Any]) -> None:
    try:
        service.index_objects(objects)
    except Exception:  # indexing must never break the data change
        logger.exception("search: indexing failed for %s", objects)


def _remove(ids: list[str]) -> None:
    try:
        service.remove_ids(ids)
    except Exception:  # indexing must never break the data change
        logger.exception("search: removing %s from the index failed", ids)


def _receiver(
    objects_of: Callable[..., Iterable[Any]], is_removal: bool
) -> Callable[..., None]:
    def receive(sender: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):  # fixtures being loaded
            return
        objects = list(objects_of(**kwargs))
        if not objects:
            return
        if is_removal:
            # Ids now: a deleted object has no primary key by commit time.
            ids = service.removal_ids(objects)
            if ids:
                transaction.on_commit(lambda: _remove(ids))
        else:
            transaction.on_commit(lambda: _index(objects))

    return receive


def connect() -> None:
    """Connect the receivers named by the apps' ``indexing`` modules (once)."""
    if _receivers:
        return
    for module in service.INDEXING_MODULES:
        for signal, sender, objects_of, is_removal in module.subscriptions():
            receiver = _receiver(objects_of, is_removal)
            _receivers.append(receiver)
            signal.connect(receiver, sender=sender, weak=False)
