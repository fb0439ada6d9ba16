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

from tests.factories.caches import forget_caches

ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
_BACKEND_MARKS = ("postgresql", "elasticsearch", "browser", "multiinstance")
_outcomes: dict[str, Counter[str]] = {mark: Counter() for mark in _BACKEND_MARKS}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip PostgreSQL-only tests on other databases, before they touch the DB.

    Runs after pytest-django's ordering (plain database tests, then
    transactional ones, then the rest) and moves the tests of the shared
    published region next to each other, so that it is built once per run
    (see :class:`SharedRegion`).
    """
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgresql = database_url.startswith(("postgres://", "postgresql://"))
    for item in items:
        if item.get_closest_marker("postgresql") and not on_postgresql:
            item.add_marker(
                pytest.mark.skip(reason="нужна PostgreSQL: DATABASE_URL не задан")
            )
    shared = [item for item in items if _uses_shared_region(item)]
    if shared:
        first = items.index(shared[0])
        rest = [item for item in items if not _uses_shared_region(item)]
        items[:] = rest[:first] + shared + rest[first:]
    # The browser tests last, together, so that they share one Chromium (see
    # :class:`SharedBrowser`); they are transactional and leave an empty
    # database behind, which the tests without a database do not mind.
    items[:] = [item for item in items if not _uses_browser(item)] + [
        item for item in items if _uses_browser(item)
    ]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Under ``--dist loadgroup`` the shared region's tests go to one worker."""
    if item.config.pluginmanager.hasplugin("xdist") and _uses_shared_region(item):
        item.add_marker(pytest.mark.xdist_group("published_region"))


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs ``item`` as a TransactionTestCase (flushes)."""
    from pytest_django.fixtures import validate_django_db

    names = getattr(item, "fixturenames", ())
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


def _uses_shared_region(item: pytest.Item) -> bool:
    return "published_region" in getattr(
        item, "fixturenames", ()
    ) and not _transactional(item)


class SharedRegion:
    """The published region, built once for consecutive tests that use it.

    Building it takes seconds (the demo generator computes and publishes three
    campaigns and a Декада and makes the site tree). The first test of a run of
    ``published_region`` tests builds it inside an outer transaction, opened
    before pytest-django's per-test transaction; each test's own transaction
    is then a savepoint inside it and is rolled back as before, so every test
    starts from the freshly built region. When the next test does not use the
    region (or the session ends), the outer transaction is rolled back and the
    database is what the migrations left, as other tests expect. Transactional
    tests (which flush the database) build the region for themselves.
    """

    def __init__(self) -> None:
        self.atomic = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, blocker) -> None:
        from django.db import transaction

        from tests.factories.region import build_region

        if self.atomic is not None:
            return
        with blocker.unblock():
            atomic = transaction.atomic()
            # Tell ``atomic(durable=True)`` inside that this block is the test
            # harness's, as Django's TestCase marks its own.
            atomic._from_testcase = True
            atomic.__enter__()
            try:
                build_region()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self.atomic = atomic

    def close(self, blocker) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        atomic, self.atomic = self.atomic, None
        with blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
        forget_caches()


_shared_region = SharedRegion()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Open the shared region's transaction just before the test's own one."""
    if fixturedef.argname == "_django_db_helper" and _uses_shared_region(request.node):
        _shared_region.open(request.getfixturevalue("django_db_blocker"))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """Roll the shared region back, close the shared browser, when unused next."""
    result = yield
    if (
        _shared_region.is_open
        and nextitem is not None
        and not _uses_shared_region(nextitem)
    ):
        _shared_region.close(_blocker(item))
    if _shared_browser.is_open and (nextitem is None or not _uses_browser(nextitem)):
        _shared_browser.close()
    return result


def _blocker(item: pytest.Item):
    from pytest_django.plugin import blocking_manager_key

    return item.config.stash[blocking_manager_key]


@pytest.fixture(scope="session")
def _shared_region_guard(django_db_setup, django_db_blocker):
    """Close the shared region before the test database is destroyed."""
    yield _shared_region
    _shared_region.close(django_db_blocker)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes of backend-marked tests for the runner's backends line."""
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        for mark in _BACKEND_MARKS:
            if mark in report.keywords:
                _outcomes[mark][report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the backend outcome counts where the runner asked for them."""
    _shared_browser.close()  # when the run was stopped in the middle
    path = os.environ.get("QP_BACKEND_REPORT")
    # Under pytest-xdist the controller receives every worker's reports: only
    # it writes the file.
    if path and not hasattr(session.config, "workerinput"):
        Path(path).write_text(
            json.dumps({mark: dict(counts) for mark, counts in _outcomes.items()})
        )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Copy the PostgreSQL test database from a migrated template when given one.

    ``scripts/run_tests.py`` migrates one database before the PostgreSQL pass
    and names it in ``QP_TEST_PG_TEMPLATE``; the test database (one per
    pytest-xdist worker) is then ``CREATE DATABASE … TEMPLATE`` it, and the
    ``migrate`` that follows finds nothing to apply. Without the variable the
    test database is migrated from scratch as before.
    """
    from django.conf import settings

    template = os.environ.get("QP_TEST_PG_TEMPLATE", "").strip()
    database = settings.DATABASES["default"]
    if template and database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("TEST", {})["TEMPLATE"] = template


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


class SharedBrowser:
    """One Chromium for consecutive browser tests, a new context for each test.

    Starting Playwright's driver and Chromium takes a second or two; a browser
    context (its own cookies, storage and cache) is what isolates one test
    from another, so each test gets a fresh one. The browser tests are moved
    next to each other (``pytest_collection_modifyitems``); the browser is
    closed when the next test does not use it, so Playwright's event loop
    never runs under other tests.
    """

    def __init__(self) -> None:
        self.playwright = None
        self.browser = None
        self.path = ""
        self.saved_async_unsafe: str | None = None

    @property
    def is_open(self) -> bool:
        return self.browser is not None

    def get(self, path: str):
        from playwright.sync_api import sync_playwright

        if self.browser is not None and (
            self.path != path or not self.browser.is_connected()
        ):
            self.close()  # another executable, or Chromium went away
        if self.browser is None:
            # Playwright's sync API runs an event loop in this thread while it
            # is started; the ORM calls of the tests (and the flush after a
            # transactional one) are synchronous and safe.
            self.saved_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=path,
                args=["--no-sandbox", "--disable-dev-shm-usage"],
            )
            self.path = path
        return self.browser

    def close(self) -> None:
        browser, playwright = self.browser, self.playwright
        self.browser = self.playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()
            if self.saved_async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.saved_async_unsafe


_shared_browser = SharedBrowser()


def _uses_browser(item: pytest.Item) -> bool:
    return "browser_page" in getattr(item, "fixturenames", ())


@pytest.fixture
def browser_page(chromium_path, live_server):
    """A Chromium page (Russian locale) for tests against ``live_server``.

    The browser is shared by consecutive browser tests (:class:`SharedBrowser`);
    the page lives in a browser context of its own, closed after the test.
    """
    context = _shared_browser.get(chromium_path).new_context(locale="ru-RU")
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
    finally:
        context.close()


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
def published_region(_shared_region_guard, db):
    """Twelve organisations, three published НОК campaigns, a Декада, the site tree.

    Built once for consecutive tests (see :class:`SharedRegion`); each test
    gets new instances read from the database and empty caches, so what one
    test changes, in the database or in memory, never reaches the next.
    """
    from tests.factories.region import build_region, load_region

    if not _shared_region.is_open:
        return build_region()
    forget_caches()
    return load_region()
