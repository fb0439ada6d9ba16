"""The empty-install factory replays every data migration that grants roles."""

from __future__ import annotations

import importlib
from pathlib import Path

from tests.factories.install import ROLE_MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]


def _granting_migrations() -> set[tuple[str, str]]:
    found = set()
    for app in ("evaluation", "publications"):
        for path in sorted((ROOT / app / "migrations").glob("0*.py")):
            name = f"{app}.migrations.{path.stem}"
            module = importlib.import_module(name)
            for function in ("create_roles", "grant"):
                if callable(getattr(module, function, None)):
                    found.add((name, function))
    return found


def test_every_role_granting_migration_is_replayed() -> None:
    assert _granting_migrations() == set(ROLE_MIGRATIONS)
