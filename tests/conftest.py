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
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
_BACKEND_MARKS = ("postgresql", "elasticsearch", "browser", "multiinstance")
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


@pytest.fixture
def nginx_path() -> str:
    """Debian's nginx for the multi-instance run; skip (locally) or fail (CI)."""
    import shutil

    path = os.environ.get("QP_NGINX", "").strip()
    path = path or shutil.which("nginx") or ""
    if not path and Path("/usr/sbin/nginx").exists():
        path = "/usr/sbin/nginx"
    if not path:
        reason = "нет nginx: QP_NGINX не задан и nginx не установлен"
        if IN_CI:
            pytest.fail(reason + " (в CI это ошибка)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's source (npm); skip (locally) or fail (CI) without it."""
    path = Path(os.environ.get("QP_AXE_SCRIPT", "").strip() or AXE_SCRIPT)
    if not path.is_file():
        reason = (
            f"нет axe-core: {path} не найден "
            "(npm ci --no-audit --no-fund или QP_AXE_SCRIPT)"
        )
        if IN_CI:
            pytest.fail(reason + " (в CI это ошибка)")
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def browser_page(chromium_path, live_server, monkeypatch):
    """A Chromium page (Russian locale) for tests against ``live_server``."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # of the test itself are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(locale="ru-RU")
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture
def artefacts_dir(request: pytest.FixtureRequest) -> Path:
    """An empty ``var/test-artefacts/<test name>/`` for screenshots and the like.

    ``QP_TEST_ARTEFACTS`` replaces the ``var/test-artefacts`` root. The folder is
    emptied first, so what it holds after a run came from that run.
    """
    import shutil

    root = os.environ.get("QP_TEST_ARTEFACTS", "").strip()
    base = Path(root) if root else ROOT / "var" / "test-artefacts"
    path = base / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture
def published_region(db):
    """Twelve organisations, three published НОК campaigns, a Декада, the site tree."""
    from tests.factories.region import build_region

    return build_region()
