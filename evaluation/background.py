"""Background tasks of the site on Django's task framework (``django_tasks``).

Shared by the large imports (:mod:`evaluation.imports.background`) and the
large documents (:mod:`publications.documents.background`). Both enqueue on
the ``imports`` alias of ``settings.TASKS`` (named for its first user): by
default :class:`ThreadBackend`, a thread of the web process, so ``runserver``
and gunicorn need no broker or worker; a deployment with a worker points the
alias at a queueing backend (``django_tasks_db.DatabaseBackend`` and
``manage.py db_worker --backend imports``) and nothing else changes.
"""

from __future__ import annotations

import threading

from django.db import close_old_connections, connections
from django_tasks.backends.immediate import ImmediateBackend

#: The task backend alias of every background task of the site.
TASK_BACKEND = "imports"

_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


class ThreadBackend(ImmediateBackend):
    """Runs each task in a daemon thread of the current process.

    The task framework's immediate backend, moved off the request thread: the
    request that enqueues returns at once, the result object is updated as
    the task runs. Results live only in memory (like the immediate backend's):
    each task keeps its progress where its pages read it (an import record,
    a document's build state).
    """

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        from django_tasks.base import TaskResult, TaskResultStatus
        from django_tasks.utils import get_random_id

        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )

        def run() -> None:
            close_old_connections()
            try:
                self._execute_task(result)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, name=f"task-{result.id}", daemon=True)
        with _threads_lock:
            _threads.append(thread)
        thread.start()
        return result


def live_threads() -> set[str]:
    """Names of the task threads of this process that are still running."""
    with _threads_lock:
        return {thread.name for thread in _threads if thread.is_alive()}


def wait_for_background(timeout: float = 60) -> None:
    """Join every task thread (tests and management commands)."""
    while True:
        with _threads_lock:
            if not _threads:
                return
            thread = _threads.pop()
        thread.join(timeout)
