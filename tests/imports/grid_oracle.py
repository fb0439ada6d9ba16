"""The canonical XLSX grid scan: the tests' oracle for the grid guard.

Production measures a sheet with the fast bounded scan and, for other
spellings, the general one (``evaluation.imports.reading.grid``); this scan of
``<c r="B12"`` tags was the guard before the fast scan existed, and the tests
hold the fast one to it.
"""

from __future__ import annotations

import re
import zipfile

from evaluation.imports.reading.grid import _column_number, _worksheet_chunks


def xlsx_scan_canonical(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[int, int] | None:
    """The grid from ``<c r="B12"`` tags; None if any cell tag is spelt otherwise."""
    max_row = max_column = 0
    pattern = None
    for prefix, chunk in _worksheet_chunks(archive, info):
        if pattern is None:
            pattern = re.compile(
                b"<" + re.escape(prefix) + rb'c(?: r="([A-Z]{1,3})(\d{1,9})"|[\s>/])'
            )
        matches = pattern.findall(chunk)
        if not matches:
            continue
        if (b"", b"") in matches:
            return None
        max_row = max(max_row, max(map(int, [match[1] for match in matches])))
        columns = {match[0] for match in matches}
        max_column = max(max_column, max(map(_column_number, columns)))
    return max_row, max_column
