"""Large documents are built by a background task, with progress.

A results report of more than ``QP_DOCUMENT_BACKGROUND_ORGANISATIONS``
organisations (300 by default: see ``docs/benchmarks.md``, documents) would
hold a web worker for long. Its first request starts :func:`build_document`
on the site's task backend (the one the large imports use,
:mod:`evaluation.background`) and answers with a Russian progress page that
reloads itself every few seconds (a ``<meta refresh>``: no script, so nothing
for the Content Security Policy to allow); once the file
is stored the same address serves it from the cache.

The state of a build is kept in the shared cache under a key made of what the
document is built from (the kind, the campaign, the publication version, the
format and the site's data version, :func:`publications.cache.data_version`):
``cache.add`` is atomic in every backend the site uses, so two requests at once
start one build. A failed build keeps its Russian message until someone asks
to retry; a build whose progress has not moved for ``STALE_SECONDS`` (its
process stopped) counts as failed. The file itself is written whole or not at
all (:mod:`.store`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django_tasks import task

from evaluation.background import TASK_BACKEND

from ..conf import publications_settings
from . import store
from .render import DocumentError

logger = logging.getLogger("publications.documents")

#: A running build whose state has not changed for this long has stopped.
STALE_SECONDS = 30 * 60
#: How long a finished or failed state is kept (the file stays in storage).
STATE_SECONDS = 24 * 60 * 60
#: Seconds between reloads of the progress page.
REFRESH_SECONDS = 3

RUNNING, DONE, FAILED = "running", "done", "failed"


def threshold() -> int:
    """Reports of more organisations than this are built in the background."""
    return publications_settings.DOCUMENT_BACKGROUND_ORGANISATIONS


def state_key(kind: str, slug: str, version: int, extension: str) -> str:
    from publications.cache import data_version

    return f"qp:document-build:{kind}:{slug}:v{version}:{extension}:{data_version()}"


def get_state(key: str) -> dict[str, Any] | None:
    """The build's state, a stopped build reported as failed."""
    state = cache.get(key)
    if (
        state is not None
        and state["status"] == RUNNING
        and time.time() - state["updated"] > STALE_SECONDS
    ):
        state = {
            **state,
            "status": FAILED,
            "message": "Формирование документа прервано: остановился обработчик "
            "задач. Нажмите «Сформировать ещё раз».",
        }
        cache.set(key, state, STATE_SECONDS)
    return state


def _set(key: str, **changes: Any) -> dict[str, Any]:
    state = {**(cache.get(key) or {}), **changes, "updated": time.time()}
    cache.set(key, state, STATE_SECONDS)
    return state


def _running(attempt: int) -> dict[str, Any]:
    return {
        "status": RUNNING,
        "stage": "В очереди",
        "percent": 0,
        "attempt": attempt,
        "name": "",
        "message": "",
        "updated": time.time(),
    }


def start(key: str, kind: str, campaign_id: int, extension: str) -> dict[str, Any]:
    """Start the build unless one is under way or done; return its state."""
    if cache.add(key, _running(1), STATE_SECONDS):
        build_document.enqueue(key, kind, campaign_id, extension)
    return get_state(key) or _running(1)


def retry(
    key: str, attempt: int, kind: str, campaign_id: int, extension: str
) -> dict[str, Any]:
    """Start a failed build again; one retry per failed attempt, whoever asks."""
    state = get_state(key)
    if (
        state is not None
        and state["status"] == FAILED
        and state["attempt"] == attempt
        and cache.add(f"{key}:retry:{attempt}", 1, STATE_SECONDS)
    ):
        cache.set(key, _running(attempt + 1), STATE_SECONDS)
        build_document.enqueue(key, kind, campaign_id, extension)
    return get_state(key) or start(key, kind, campaign_id, extension)


def read(state: dict[str, Any]) -> bytes | None:
    """The stored file of a finished build (None if it has gone)."""
    storage = store.private_storage()
    if not state.get("name") or not storage.exists(state["name"]):
        return None
    with storage.open(state["name"], "rb") as file:
        return file.read()


def forget(key: str) -> None:
    cache.delete(key)


@task(backend=TASK_BACKEND)
def build_document(key: str, kind: str, campaign_id: int, extension: str) -> str:
    """Build and store one large document, reporting progress on ``key``.

    Returns:
        The stored file's name, or ``""`` when the build failed (the state
        then carries the Russian message).
    """
    from .views import build_results_report

    def progress(stage: str, percent: int) -> None:
        _set(key, stage=stage, percent=percent)

    try:
        name = build_results_report(campaign_id, extension, progress=progress)
    except DocumentError as error:
        _set(key, status=FAILED, message=str(error))
        return ""
    except Exception:
        logger.exception("Background document %s failed", key)
        _set(
            key,
            status=FAILED,
            message="Не удалось сформировать документ. Ошибка записана в "
            "журнал; попробуйте ещё раз или сообщите администратору.",
        )
        return ""
    _set(key, status=DONE, stage="Готово", percent=100, name=name)
    return name
