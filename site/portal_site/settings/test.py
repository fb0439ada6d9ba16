"""Test overlay: fast hashing, local-memory cache, temporary media, immediate tasks."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import REST_FRAMEWORK, env_str

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="qp-test-media-")
QP_PRIVATE_ROOT = tempfile.mkdtemp(prefix="qp-test-private-")
STORAGES["private"]["OPTIONS"]["location"] = QP_PRIVATE_ROOT  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "imports": {"BACKEND": "evaluation.imports.background.ThreadBackend"},
}
QP_DEMO = False
# Tests that exercise the page cache turn it on with the settings fixture.
QP_PAGE_CACHE_SECONDS = 0
# The test run passes a real node's URL here; the site itself stays on the
# database backend unless a test asks for Elasticsearch explicitly.
QP_SEARCH = {
    "ELASTICSEARCH_URL": "",
    # One index per pytest-xdist worker (``gw0``, ``gw1``, …).
    "INDEX_PREFIX": "-".join(
        filter(None, ("qp-test", os.environ.get("PYTEST_XDIST_WORKER", "")))
    ),
}
QP_TEST_ELASTICSEARCH_URL = env_str("QP_TEST_ELASTICSEARCH_URL")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
LOGGING = {"version": 1, "disable_existing_loggers": False}

# The suite calls the public calculator more often than a visitor would.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "calculator": "10000/min",
        "anon": "100000/min",
        "user": "100000/min",
        "imports": "10000/min",
    },
}
