"""The embedded default (SQLite in WAL mode): search answers while an import writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from search.backends.database import DatabaseBackend
from tests.factories.search import SearchDocumentFactory, forget_search_index

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's locking only"
)

#: Runs in its own process on a file copy of the test database, with the
#: project's SQLite settings (WAL, IMMEDIATE transactions): another connection
#: holds the write lock, as a long import does, while the search runs.
SCRIPT = """
import os, sqlite3, sys
os.environ["DATABASE_URL"] = "sqlite:///" + sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "portal_site.settings.dev"
import django
django.setup()
from search.backends.base import SearchQuery
from search.backends.database import DatabaseBackend
writer = sqlite3.connect(sys.argv[1], isolation_level=None)
writer.execute("PRAGMA journal_mode=WAL")
writer.execute("BEGIN IMMEDIATE")
writer.execute("UPDATE qp_search_state SET token = token")
print(DatabaseBackend().search(SearchQuery(text="пандус")).total)
writer.execute("ROLLBACK")
"""


@pytest.mark.django_db(transaction=True)
def test_search_answers_while_another_connection_holds_the_write_lock(tmp_path):
    forget_search_index()  # a flush before this test leaves FTS rows behind
    DatabaseBackend().index(
        [SearchDocumentFactory.build(title="Пандус у главного входа")], refresh=True
    )
    copy = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }

    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SCRIPT, str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=False,
    )

    # Before: "database is locked" after the five-second busy timeout.
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "1"
