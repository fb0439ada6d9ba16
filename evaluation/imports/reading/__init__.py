"""Reading uploaded spreadsheets safely and finding their header.

``read_rows`` turns XLSX, XLS, ODS or CSV bytes into rows of Python values.
The format is recognised by content, never by the file name: a zip whose
parts are an Office workbook is XLSX, one with the OpenDocument mimetype is
ODS, an OLE2 compound file with a ``Workbook`` stream is XLS, anything else
must be text and is read as CSV. Workbooks are read with ``python-calamine``:
formula cells give their cached values and are never evaluated (a formula
saved without a cached value, as openpyxl writes them, reads as empty, and so
does a cached error such as ``#ДЕЛ/0!``, which calamine drops).

Refused, each with a Russian message: empty and oversize files, files with
too many rows, macro-enabled workbooks, password-protected ones, zip bombs and
"sparse" workbooks whose few cells sit so far apart that the reader would have
to allocate a huge grid (calamine allocates every cell of the used rectangle
and aborts the process when that fails, so such files are measured before
calamine sees them).

``find_header`` locates the header below any title rows, including two-row
headers made of merged group cells, and maps the form's columns by their
Russian wording (see :func:`normalise` for the matching rules).
``iter_records`` and ``data_rows`` walk the data rows under it.

The package, one job a module: :mod:`.rows` (``read_rows``, the entry point),
:mod:`.safety` (what a file must not be), :mod:`.grid` (the grid guard's
measures), :mod:`.workbook` (XLSX, XLS and ODS through calamine, hidden cells),
:mod:`.delimited` (CSV), :mod:`.headers` (finding the header) and
:mod:`.records` (the data rows under it). This module names what callers use.
"""

from __future__ import annotations

from evaluation.imports.reading.headers import (
    ColumnSpec,
    HeaderMatch,
    find_header,
    header_stems,
    normalise,
)
from evaluation.imports.reading.records import (
    NUMBERING_HEADERS,
    column_letter,
    data_rows,
    iter_records,
    unmapped_columns,
)
from evaluation.imports.reading.rows import read_rows
from evaluation.imports.reading.workbook import other_sheets

__all__ = [
    "NUMBERING_HEADERS",
    "ColumnSpec",
    "HeaderMatch",
    "column_letter",
    "data_rows",
    "find_header",
    "header_stems",
    "iter_records",
    "normalise",
    "other_sheets",
    "read_rows",
    "unmapped_columns",
]
