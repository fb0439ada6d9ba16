"""Gunicorn configuration, tuned by environment variables.

Threaded workers by default: ``CPU + 1`` processes with four threads each
(gunicorn's ``gthread`` worker). A thread waiting for PostgreSQL leaves the
process to another request, and idle keep-alive connections cost no process.
On two CPUs this serves about a quarter more questionnaires a second than
``2 × CPU + 1`` single-threaded workers (docs/benchmarks.md, questionnaire).
Set ``GUNICORN_THREADS=1`` for the classic sync workers.
"""

import gc
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Keep the loaded application out of the garbage collector's passes.

    Django, Wagtail and the project leave a few hundred thousand long-lived
    objects after start-up; every full collection would walk them again.
    ``gc.freeze()`` moves them to a permanent generation, so collections only
    look at what requests allocate (shorter pauses of all a worker's threads).
    """
    gc.freeze()
