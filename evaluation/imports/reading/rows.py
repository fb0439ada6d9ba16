"""One sheet of an uploaded file as rows of cell values, whatever its format
(recognised by content, never by the file name)."""

from __future__ import annotations

from evaluation.conf import evaluation_settings
from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading.delimited import read_csv
from evaluation.imports.reading.safety import (
    EMPTY_ZIP_SIGNATURE,
    OLE_SIGNATURE,
    ZIP_SIGNATURE,
    check_ole,
    check_zip,
    too_many_rows,
)
from evaluation.imports.reading.workbook import read_workbook
from evaluation.uploads import check_upload_size


def read_rows(
    data: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    sheet: str | None = None,
    hidden: dict[str, list[int]] | None = None,
) -> list[list[object]]:
    """The rows of one sheet as lists of cell values.

    The sheet is ``sheet`` if given; otherwise the one named "Данные" (the
    data sheet of our templates, which open with an instructions sheet);
    otherwise the first visible worksheet. CSV files have one sheet.

    Cells are returned as the reader gives them: ``str``, ``float`` (every
    number in a workbook, integral or not), ``bool``, ``date``, ``datetime``,
    ``time`` or ``timedelta``; CSV cells are all ``str``. Empty and
    whitespace-only strings become ``None``; trailing empty cells of each row
    and trailing empty rows are dropped, so ``rows[i]`` is spreadsheet row
    ``i + 1`` and ``rows[i][j]`` is column ``j`` (A = 0).

    Args:
        data: The uploaded file.
        filename: Its name, used only in messages.
        max_bytes: Size limit; default ``evaluation_settings.IMPORT_MAX_BYTES``.
        max_rows: Limit on the sheet's rows up to its last filled row
            (title and header rows included); default
            ``evaluation_settings.IMPORT_MAX_ROWS``.
        sheet: Name of the sheet to read.
        hidden: A dict to fill with what was skipped as hidden:
            ``{"rows": [spreadsheet row numbers], "columns": [column indexes,
            A = 0]}``.

    Hidden rows and columns of an XLSX or ODS sheet (an internal formula
    column, rows filtered out) read as empty: they are not data, and a hidden
    column's header must not confuse header recognition.

    Raises:
        ImportFileError: the file is empty, too big, not a spreadsheet,
            damaged, password-protected, macro-enabled, a zip bomb, has no
            such sheet, has too many rows, or has no data.
    """
    if max_bytes is None:
        max_bytes = evaluation_settings.IMPORT_MAX_BYTES
    if max_rows is None:
        max_rows = evaluation_settings.IMPORT_MAX_ROWS
    if not data:
        raise ImportFileError(f"Файл «{filename}» пуст.")
    check_upload_size(len(data), max_bytes, filename=filename, error=ImportFileError)
    if data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        check_zip(data, filename)
        rows = read_workbook(data, filename, sheet, hidden)
    elif data.startswith(OLE_SIGNATURE):
        check_ole(data, filename)
        rows = read_workbook(data, filename, sheet)
    else:
        return _trim(read_csv(data, filename, max_rows), filename, max_rows)
    return _trim(rows, filename, max_rows, blanks_done=True)  # see _shared_rows


def _trim(
    rows: list[list[object]], filename: str, max_rows: int, *, blanks_done: bool = False
) -> list[list[object]]:
    """Blank strings become None (unless the reader did it already); trailing
    empty cells and rows go (in place)."""
    for index, row in enumerate(rows):
        if not blanks_done:
            row = rows[index] = [
                None if cell.__class__ is str and (not cell or cell.isspace()) else cell
                for cell in row
            ]
        while row and row[-1] is None:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        raise ImportFileError(f"В файле «{filename}» нет данных: лист пуст.")
    if len(rows) > max_rows:
        too_many_rows(filename, max_rows)
    return rows
