"""The database search backend's factory picks one module per database."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from search.backends.database import (
    BaseDatabaseBackend,
    DatabaseBackend,
    PostgresBackend,
    SQLiteBackend,
)


def test_the_factory_picks_the_backend_of_the_connections_vendor():
    expected = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}

    backend = DatabaseBackend()

    assert type(backend) is expected[connection.vendor]
    assert backend.using == "default"
    assert backend.vendor == connection.vendor


def test_an_unsupported_database_says_so_in_health_and_queries(db, monkeypatch):
    monkeypatch.setattr(connections["default"], "vendor", "mysql")

    backend = DatabaseBackend()
    health = backend.health()

    assert type(backend) is BaseDatabaseBackend
    assert (health.ok, health.detail) == (False, "СУБД mysql не поддерживается поиском")
    with pytest.raises(NotImplementedError, match="СУБД mysql не поддерживается"):
        backend.suggest("пандус")


def test_supported_databases_report_their_vendor_in_health(db):
    backend = DatabaseBackend()
    backend.clear()

    health = backend.health()

    assert (health.ok, health.detail, health.documents) == (
        True,
        connection.vendor,
        0,
    )
