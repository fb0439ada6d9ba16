"""Large imports run as tasks of Django's task framework (``django_tasks``).

The task :func:`process_import` checks (``preview``) or writes (``apply``) one
:class:`~evaluation.models.ImportRecord` and reports progress on it, which the
admin page polls. Its backend is the ``imports`` alias of ``settings.TASKS``:

* the embedded default is :class:`ThreadBackend`, which runs the task in a
  thread of the web process, so ``runserver`` and gunicorn alike need no
  broker, worker or other server;
* a deployment with a task worker points the alias at a queueing backend
  (for example ``django_tasks_db.DatabaseBackend`` and its ``db_worker``)
  and nothing else changes: the task's arguments are plain ids.

Should a process stop mid-way (a worker killed, a host lost), the write
itself is one transaction, so nothing is half-imported; the record stays
"выполняется" until :func:`recover_interrupted` (``manage.py recover_imports``,
run before each worker starts) marks it failed with a reason that says to
upload the file again.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from evaluation.background import (  # noqa: F401 (settings and tests name them here)
    TASK_BACKEND,
    ThreadBackend,
    live_threads,
    wait_for_background,
)
from evaluation.conf import evaluation_settings
from evaluation.imports.engine import (
    apply_import,
    claim,
    record_progress,
    run_preview,
)
from evaluation.imports.errors import ImportFileError
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import get_form
from evaluation.models import ImportRecord, ImportStatus

logger = logging.getLogger(__name__)

Stage = Literal["preview", "apply", "import"]


@task(backend=TASK_BACKEND)
def process_import(record_id: int, user_id: int | None, stage: Stage) -> str:
    """Check or write one uploaded file; return the record's final status.

    Args:
        record_id: The :class:`ImportRecord` to process.
        user_id: The user who started it; their import scope is computed again
            here, so a permission withdrawn meanwhile takes effect.
        stage: ``"preview"`` checks the file, ``"apply"`` writes it (the record
            must already be claimed, see :func:`evaluation.imports.engine.claim`),
            ``"import"`` checks it and, when it has no errors, writes it (API
            uploads, which have no confirmation step).
    """
    record = ImportRecord.objects.select_related("campaign").get(pk=record_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        scope = import_scope(user, get_form(record.form), record.campaign)
        if stage in ("preview", "import"):
            run_preview(
                record,
                user=user,
                allowed_organisations=scope,
                progress=record_progress(record),
            )
        if stage == "import":
            record.refresh_from_db()
            if claim(record, "Запись"):
                apply_import(
                    record,
                    user=user,
                    allowed_organisations=scope,
                    progress=record_progress(record),
                    claimed=True,
                )
        elif stage == "apply":
            apply_import(
                record,
                user=user,
                allowed_organisations=scope,
                progress=record_progress(record),
                claimed=True,
            )
    except ImportFileError as error:
        _fail(record_id, str(error), stage="Отклонено")
    except Exception:
        logger.exception("Import %s failed", record_id)
        _fail(
            record_id,
            "Внутренняя ошибка при обработке файла; ничего не записано. "
            "Сообщите администратору.",
            stage="Внутренняя ошибка",
        )
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record_id)


def _fail(record_id: int, message: str, *, stage: str) -> None:
    """Mark a record still running as failed (the engine stores its own reasons
    and final states; this covers what it did not reach)."""
    ImportRecord.objects.filter(pk=record_id, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED,
        progress_stage=stage,
        errors=[{"row": 0, "column": "", "message": message}],
    )


def is_large(size: int) -> bool:
    """Whether a file of ``size`` bytes is checked and written by a task."""
    return size >= evaluation_settings.IMPORT_BACKGROUND_BYTES


#: Shown on a record whose processing stopped with its process.
INTERRUPTED = (
    "Обработка файла прервана: остановился обработчик задач. Ничего не "
    "записано. Загрузите файл ещё раз."
)


def recover_interrupted(older_than: dt.timedelta = dt.timedelta(minutes=30)) -> int:
    """Mark imports left running by a stopped process as failed; return how many.

    A record counts as left behind when it has been running longer than
    ``older_than`` since it was uploaded and no live thread of this process
    works on it. Nothing of it was written: the write is one transaction.
    """
    cutoff = timezone.now() - older_than
    if live_threads():
        # Threads of this very process are still working: leave it to them.
        return 0
    return ImportRecord.objects.filter(
        status=ImportStatus.RUNNING, created_at__lte=cutoff
    ).update(
        status=ImportStatus.FAILED,
        progress_stage="Прервано",
        errors=[{"row": 0, "column": "", "message": INTERRUPTED}],
    )


def run_in_background(record: ImportRecord, user, stage: Stage):
    """Enqueue :func:`process_import` for ``record``; return the task result."""
    return process_import.enqueue(record.pk, getattr(user, "pk", None), stage)
