"""Run the whole test suite on SQLite and PostgreSQL, with a real Elasticsearch.

``make test`` calls this. It runs the static checks, starts a throwaway
Elasticsearch node and PostgreSQL cluster (see ``scripts/services.py``), runs
pytest once on SQLite and once on PostgreSQL, stops the services and ends with
one ``backends:`` line and one ``tests: N passed, N failed`` line. The browser
tests get Debian's Chromium and axe-core (``npm ci`` from ``package-lock.json``).

Without ``CI=true`` a service that cannot start is reported as skipped with its
reason; with ``CI=true`` it fails the run.

The two passes run at the same time, one per core (``QP_TEST_PASSES=sequential``
runs them one after the other): each is one pytest process with its own test
database, media and private folders; the search tests' Elasticsearch indexes
have random prefixes; the SQLite pass keeps its screenshots in
``var/test-artefacts/sqlite/``. Every output line is prefixed with its pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import services  # noqa: E402

VENV_BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
#: pytest-xdist workers of each pass (``QP_TEST_WORKERS=2``; unset, ``0`` or
#: ``1``: one process). Each worker has its own test database
#: (``test_<name>_gw0``, …), media and private folders and search index prefix;
#: the shared published region's tests go to one worker together
#: (``--dist loadgroup``, see ``tests/conftest.py``). Off by default until it is
#: measured as a gain on an idle two-core machine (on a loaded one it was not).
DEFAULT_WORKERS = "1"
#: ``concurrent`` (default): the SQLite and PostgreSQL passes at once;
#: ``sequential``: one after the other.
PASSES = os.environ.get("QP_TEST_PASSES", "concurrent").strip().lower()
_print_lock = threading.Lock()


def xdist_args() -> list[str]:
    """The pytest options that spread a pass over the workers."""
    workers = os.environ.get("QP_TEST_WORKERS", DEFAULT_WORKERS).strip()
    if workers in {"", "0", "1"}:
        return []
    return ["-n", workers, "--dist", "loadgroup"]


def log(message: str) -> None:
    """Print a progress line of the runner."""
    print(f"[run_tests] {message}", flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    """Run a command in the repository root and return its exit status."""
    log("$ " + " ".join(command))
    return subprocess.call(command, cwd=ROOT, env=env)


def static_checks() -> list[str]:
    """Run Django's checks, the migrations check, ruff and import-linter."""
    python = str(VENV_BIN / "python")
    failures = []
    checks = {
        "django check": [python, "manage.py", "check", "--fail-level", "WARNING"],
        "migrations": [python, "manage.py", "makemigrations", "--check", "--dry-run"],
        "ruff check": [str(VENV_BIN / "ruff"), "check", "."],
        "ruff format": [str(VENV_BIN / "ruff"), "format", "--check", "."],
        "import-linter": [str(VENV_BIN / "lint-imports")],
    }
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal_site.settings.test"}
    env.pop("DATABASE_URL", None)
    for name, command in checks.items():
        if run(command, env=env) != 0:
            failures.append(name)
    return failures


@contextlib.contextmanager
def optional_service(name: str, factory) -> Iterator[tuple[str | None, str]]:
    """Start a service; yield (url, "") or (None, reason) when it cannot start."""
    try:
        with factory(log=lambda line: log(f"{name}: {line}")) as url:
            yield url, ""
    except services.ServiceUnavailable as error:
        log(f"!!! {name} UNAVAILABLE: {error}")
        yield None, str(error)


class PytestPass:
    """One pytest process on one backend; its output lines prefixed with the label."""

    def __init__(self, label: str, extra_env: dict[str, str], args: list[str]):
        self.label = label
        self.report = Path(tempfile.mkstemp(prefix=f"qp-{label}-", suffix=".json")[1])
        self.junit = Path(tempfile.mkstemp(prefix=f"qp-{label}-", suffix=".xml")[1])
        self.env = {**os.environ, **extra_env, "QP_BACKEND_REPORT": str(self.report)}
        if "DATABASE_URL" not in extra_env:
            self.env.pop("DATABASE_URL", None)
        self.command = [
            str(VENV_BIN / "python"),
            "-m",
            "pytest",
            f"--junitxml={self.junit}",
            *xdist_args(),
            *args,
        ]
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.started = 0.0

    def start(self) -> PytestPass:
        log(f"--- pytest on {self.label} ---")
        log("$ " + " ".join(self.command))
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self.reader = threading.Thread(
            target=self._relay, args=(self.process.stdout,), daemon=True
        )
        self.reader.start()
        return self

    def _relay(self, stream) -> None:
        for line in stream:
            with _print_lock:
                print(f"[{self.label}] {line}", end="", flush=True)

    def stop(self) -> None:
        """End the process (the run was interrupted)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def wait(self) -> dict:
        """Wait for the process; return its outcome."""
        if self.process is None or self.reader is None:
            raise RuntimeError(f"pytest on {self.label} was not started")
        status = self.process.wait()
        self.reader.join()
        counts = junit_counts(self.junit)
        backend_counts = (
            json.loads(self.report.read_text() or "{}")
            if self.report.stat().st_size
            else {}
        )
        self.report.unlink(missing_ok=True)
        self.junit.unlink(missing_ok=True)
        log(
            f"--- pytest on {self.label}: exit {status} in "
            f"{time.monotonic() - self.started:.0f} s ---"
        )
        return {"status": status, "counts": counts, "backends": backend_counts}


@contextlib.contextmanager
def postgresql_template(server_url: str) -> Iterator[str | None]:
    """Migrate one database that the PostgreSQL pass copies; yield its name.

    The pass's test database and the multi-instance deployment's database are
    then ``CREATE DATABASE … TEMPLATE`` it (see ``tests/conftest.py``) instead
    of each running every migration. Yields None (each migrates as before)
    when the template cannot be made. Dropped afterwards.
    """
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"qp_template_{os.getpid()}"
    url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal_site.settings.test",
        "DATABASE_URL": url,
    }
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        started = time.monotonic()
        command = [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput"]
        if run([*command, "-v", "0"], env=env) == 0:
            log(f"template database {name} in {time.monotonic() - started:.0f} s")
            yield name
        else:
            log(f"!!! template database {name} failed: the pass migrates its own")
            yield None
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def junit_counts(path: Path) -> dict[str, int]:
    """Read passed/failed/skipped totals from a JUnit XML report."""
    import xml.etree.ElementTree as ET

    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if not path.exists() or not path.stat().st_size:
        return counts
    for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts["failed"] += failed
        counts["skipped"] += skipped
        counts["passed"] += tests - failed - skipped
    return counts


def backend_state(result: dict | None, mark: str | None, reason: str) -> str:
    """Summarise one backend as ok, failed or skipped (with the reason)."""
    if result is None:
        return f"skipped ({reason})" if reason else "skipped"
    if result["status"] != 0:
        return "failed"
    if mark is None:
        return "ok"
    outcome = result["backends"].get(mark, {})
    if outcome.get("passed", 0) and not outcome.get("skipped", 0):
        return "ok"
    return f"skipped ({reason or 'its tests were skipped'})"


def main(argv: list[str]) -> int:
    """Run everything and return the exit status for ``make test``."""
    started = time.monotonic()
    log(f"CI={'true' if IN_CI else 'false'}; python {sys.version.split()[0]}")
    failures = static_checks()
    results: dict[str, dict | None] = {}
    try:
        browser = services.chromium(log=lambda line: log(f"chromium: {line}"))
        browser_reason = ""
    except services.ServiceUnavailable as error:
        log(f"!!! chromium UNAVAILABLE: {error}")
        browser, browser_reason = None, str(error)
    try:
        nginx = services.nginx(log=lambda line: log(f"nginx: {line}"))
        nginx_reason = ""
    except services.ServiceUnavailable as error:
        log(f"!!! nginx UNAVAILABLE: {error}")
        nginx, nginx_reason = None, str(error)
    try:
        services.weasyprint_libraries(log=lambda line: log(f"weasyprint: {line}"))
    except services.ServiceUnavailable as error:
        log(f"!!! WeasyPrint libraries UNAVAILABLE (PDF tests fail): {error}")
    try:
        axe = services.axe_core(log=lambda line: log(f"axe: {line}"))
        axe_reason = ""
    except services.ServiceUnavailable as error:
        log(f"!!! axe UNAVAILABLE: {error}")
        axe, axe_reason = None, str(error)
    with optional_service("elasticsearch", services.elasticsearch) as (
        es_url,
        es_reason,
    ):
        es_env = {"QP_TEST_ELASTICSEARCH_URL": es_url} if es_url else {}
        if browser:
            es_env["QP_CHROMIUM"] = browser
        if axe:
            es_env["QP_AXE_SCRIPT"] = axe
        if nginx:
            es_env["QP_NGINX"] = nginx
        with optional_service("postgresql", services.postgresql) as (pg_url, pg_reason):
            concurrent = bool(pg_url) and PASSES != "sequential"
            sqlite_env = dict(es_env)
            if concurrent:
                # Both passes write screenshots for the same test names.
                sqlite_env["QP_TEST_ARTEFACTS"] = str(
                    Path(
                        os.environ.get("QP_TEST_ARTEFACTS", "").strip()
                        or ROOT / "var" / "test-artefacts"
                    )
                    / "sqlite"
                )
            sqlite = PytestPass("sqlite", sqlite_env, argv)
            postgresql = None
            try:
                sqlite.start()
                if not concurrent:
                    results["sqlite"] = sqlite.wait()
                results["postgresql"] = None
                if pg_url:
                    pg_env = {**es_env, "DATABASE_URL": pg_url}
                    with postgresql_template(pg_url) as template:
                        if template:
                            pg_env["QP_TEST_PG_TEMPLATE"] = template
                        postgresql = PytestPass("postgresql", pg_env, argv)
                        results["postgresql"] = postgresql.start().wait()
                if concurrent:
                    results["sqlite"] = sqlite.wait()
            finally:
                for one in (sqlite, postgresql):
                    if one is not None:
                        one.stop()

    states = {
        "sqlite": backend_state(results["sqlite"], None, ""),
        "postgresql": backend_state(results["postgresql"], "postgresql", pg_reason),
        "elasticsearch": backend_state(
            results["postgresql"] or results["sqlite"], "elasticsearch", es_reason
        ),
        "browser": backend_state(
            results["sqlite"], "browser", browser_reason or axe_reason
        ),
        "axe": "ok" if axe else f"skipped ({axe_reason})",
        # Two app instances behind nginx, a task worker, PostgreSQL and
        # Elasticsearch: run once, in the PostgreSQL pass.
        "multiinstance": backend_state(
            results["postgresql"], "multiinstance", nginx_reason or pg_reason
        ),
    }
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for result in results.values():
        if result:
            for key in totals:
                totals[key] += result["counts"][key]

    exit_status = 0
    if failures:
        log("static checks failed: " + ", ".join(failures))
        exit_status = 1
    if any(r and r["status"] != 0 for r in results.values()):
        exit_status = 1
    not_ok = [name for name, state in states.items() if state != "ok"]
    if not_ok:
        banner = "!" * 72
        print(banner, flush=True)
        for name in not_ok:
            print(f"!!! backend {name}: {states[name]}", flush=True)
        if IN_CI:
            print("!!! CI=true: every backend must run; this run FAILS.", flush=True)
            exit_status = 1
        else:
            print("!!! (not CI: reported as skipped; CI=true would fail)", flush=True)
        print(banner, flush=True)
    log(f"finished in {time.monotonic() - started:.0f} s")
    print("backends: " + " ".join(f"{k}={v.split(' ')[0]}" for k, v in states.items()))
    print(
        f"tests: {totals['passed']} passed, {totals['failed']} failed, "
        f"{totals['skipped']} skipped"
    )
    return exit_status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
