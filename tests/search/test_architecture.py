"""STYLE.md §2: ``search`` reaches the domain apps only through ``indexing``.

The one other import allowed is the settings class every app builds its
settings object from (``evaluation.conf.AppSettings``, the lowest layer).
"""

from __future__ import annotations

import ast
from pathlib import Path

import search

APPS = ("evaluation", "publications", "cms_blocks")
#: Modules of the apps that are not ``indexing`` but that search may import.
SEAMS = {"evaluation.conf"}


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.extend(
                [node.module]
                if node.module.split(".")[0] not in APPS or "." in node.module
                else [f"{node.module}.{alias.name}" for alias in node.names]
            )
    return names


def test_search_imports_only_the_indexing_modules_of_the_apps():
    root = Path(search.__file__).parent
    offending = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in APPS
        and name.split(".")[1:] != ["indexing"]
        and name not in SEAMS
    }
    assert offending == set()


def test_the_check_sees_app_imports():
    source = Path(search.__file__).parent / "service.py"
    assert "evaluation.indexing" in _imports(source)
