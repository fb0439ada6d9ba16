"""Shared fixtures and the backend policy of the test suite.

Backend-specific tests carry the ``postgresql`` or ``elasticsearch`` marks.
``postgresql`` tests are skipped on any other database; the test runner
(``scripts/run_tests.py``) checks that the PostgreSQL pass really ran them.
``elasticsearch`` tests need ``QP_TEST_ELASTICSEARCH_URL``: without it they are
skipped with the reason locally and fail when ``CI=true``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
_BACKEND_MARKS = ("postgresql", "elasticsearch", "browser")
_outcomes: dict[str, Counter[str]] = {mark: Counter() for mark in _BACKEND_MARKS}


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip PostgreSQL-only tests on other databases, before they touch the DB."""
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgresql = database_url.startswith(("postgres://", "postgresql://"))
    for item in items:
        if item.get_closest_marker("postgresql") and not on_postgresql:
            item.add_marker(
                pytest.mark.skip(reason="нужна PostgreSQL: DATABASE_URL не задан")
            )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes of backend-marked tests for the runner's backends line."""
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        for mark in _BACKEND_MARKS:
            if mark in report.keywords:
                _outcomes[mark][report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the backend outcome counts where the runner asked for them."""
    path = os.environ.get("QP_BACKEND_REPORT")
    if path:
        Path(path).write_text(
            json.dumps({mark: dict(counts) for mark, counts in _outcomes.items()})
        )


@pytest.fixture
def elasticsearch_url() -> str:
    """The URL of a real Elasticsearch node; skip (locally) or fail (CI) without one."""
    url = os.environ.get("QP_TEST_ELASTICSEARCH_URL", "").strip()
    if not url:
        reason = "нет узла Elasticsearch: QP_TEST_ELASTICSEARCH_URL не задан"
        if IN_CI:
            pytest.fail(reason + " (в CI это ошибка)")
        pytest.skip(reason)
    return url


@pytest.fixture
def chromium_path() -> str:
    """Debian's Chromium for browser tests; skip (locally) or fail (CI) without one."""
    path = os.environ.get("QP_CHROMIUM", "").strip()
    if not path:
        import shutil

        path = shutil.which("chromium") or ""
    if not path:
        reason = "нет Chromium: QP_CHROMIUM не задан и chromium не установлен"
        if IN_CI:
            pytest.fail(reason + " (в CI это ошибка)")
        pytest.skip(reason)
    return path
