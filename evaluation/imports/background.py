"""Large imports run in a background thread of the web process.

This works with the embedded default (SQLite, ``runserver``) and with
gunicorn alike, without a broker or a worker process: the thread checks or
writes the file and reports its progress on the :class:`ImportRecord`, which
the admin page polls. Should the process stop mid-way, the record stays
"выполняется" and the file can simply be uploaded again: the write itself is
one transaction, so nothing is half-imported.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

from evaluation.imports.errors import ImportFileError
from evaluation.models import ImportRecord, ImportStatus

logger = logging.getLogger(__name__)
_threads: list[threading.Thread] = []


def run_in_background(
    record: ImportRecord, function: Callable[[], object]
) -> threading.Thread:
    """Run ``function`` (a preview or an apply of ``record``) in a thread."""

    def target() -> None:
        close_old_connections()
        try:
            function()
        except ImportFileError:
            pass  # the reason is stored on the record
        except Exception:
            logger.exception("Import %s failed", record.pk)
            ImportRecord.objects.filter(pk=record.pk).update(
                status=ImportStatus.FAILED,
                progress_stage="Внутренняя ошибка",
                errors=[
                    {
                        "row": 0,
                        "column": "",
                        "message": "Внутренняя ошибка при обработке файла; "
                        "ничего не записано. Сообщите администратору.",
                    }
                ],
            )
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name=f"import-{record.pk}", daemon=True)
    _threads.append(thread)
    thread.start()
    return thread


def wait_for_background(timeout: float = 60) -> None:
    """Join every background import (tests and management commands)."""
    while _threads:
        _threads.pop().join(timeout)
