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
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import snowballstemmer
from django.conf import settings
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from evaluation.imports.errors import ImportFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# Uncompressed size of all parts of a workbook together. ODS XML takes about
# 100 bytes per cell, so 200,000 rows x 20 columns need about 400 MB.
DEFAULT_MAX_UNCOMPRESSED = 512 * 1024 * 1024
# Compression ratio of one large part. Real sheets reach 10-20 (XLSX) and
# 90-125 (ODS survey sheets full of "да"/"нет"); zip bombs reach 1000.
MAX_RATIO = 300
RATIO_MIN_SIZE = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
# Cells of the rectangle from A1 to the farthest filled cell of a sheet, the
# grid calamine allocates (about 32 bytes a cell, and a Python object more).
DEFAULT_MAX_CELLS = 10_000_000

ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
DATA_SHEET = "Данные"  # the data sheet of our templates (after "Инструкция")

_RESAVE_XLSX = (
    "Откройте его в Excel или LibreOffice и сохраните как книгу Excel (.xlsx)."
)
_SIGNATURES = (
    (b"%PDF", "документ PDF"),
    (b"\x89PNG", "изображение PNG"),
    (b"\xff\xd8\xff", "изображение JPEG"),
    (b"GIF8", "изображение GIF"),
    (b"Rar!", "архив RAR"),
    (b"7z\xbc\xaf\x27\x1c", "архив 7-Zip"),
    (b"\x1f\x8b", "архив GZIP"),
    (b"{\\rtf", "документ RTF"),
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


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
        max_bytes: Size limit; default ``settings.QP_IMPORT_MAX_BYTES`` (20 MB).
        max_rows: Limit on the sheet's rows up to its last filled row
            (title and header rows included); default
            ``settings.QP_IMPORT_MAX_ROWS`` (200,000).
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
        max_bytes = _setting("QP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if max_rows is None:
        max_rows = _setting("QP_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if not data:
        raise ImportFileError(f"Файл «{filename}» пуст.")
    if len(data) > max_bytes:
        raise ImportFileError(
            f"Файл «{filename}» слишком большой: {_mb(len(data))} МБ, "
            f"допустимо не больше {_mb(max_bytes)} МБ. Разделите его на части."
        )
    if data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        _check_zip(data, filename)
        rows = _read_workbook(data, filename, sheet, hidden)
    elif data.startswith(OLE_SIGNATURE):
        _check_ole(data, filename)
        rows = _read_workbook(data, filename, sheet)
    else:
        return _trim(_read_csv(data, filename, max_rows), filename, max_rows)
    return _trim(rows, filename, max_rows, blanks_done=True)  # see _shared_rows


def other_sheets(data: bytes, read: str | None = None) -> list[str]:
    """The visible worksheets of a workbook other than the one read first
    (``read``; default: the one :func:`read_rows` picks), in workbook order.

    An institution's file may open with an instructions sheet or a cover
    page; the engine looks for the form's header on these sheets when the
    first one has none. CSV files and unreadable workbooks give none.
    """
    if not data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)):
        return []
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [
            item.name
            for item in workbook.sheets_metadata
            if item.typ == SheetTypeEnum.WorkSheet
            and item.visible == SheetVisibleEnum.Visible
        ]
    except Exception:  # noqa: BLE001 (read_rows has reported the file already)
        return []
    if read is None:
        read = DATA_SHEET if DATA_SHEET in visible else (visible or [None])[0]
    return [name for name in visible if name != read]


# --------------------------------------------------------------------------- zip


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # an unsupported compression method
    ValueError,
)


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse zips that are not workbooks, carry macros, or unpack too big."""
    _no_hidden_parts().clear()
    try:
        _inspect_zip(zipfile.ZipFile(io.BytesIO(data)), filename)
    except _ZIP_ERRORS:
        raise ImportFileError(
            f"Файл «{filename}» повреждён: архив книги не читается. {_RESAVE_XLSX}"
        ) from None


def _inspect_zip(archive: zipfile.ZipFile, filename: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError(
            f"Файл «{filename}» отклонён: в нём {len(infos)} частей, это не похоже на "
            "обычную таблицу."
        )
    names = {info.filename.lower(): info.filename for info in infos}
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "mimetype" in names and _read_small(archive, names["mimetype"]).startswith(
        ODS_MIMETYPE  # also "…-template" (.ots)
    ):
        kind = "ods"
    elif "xl/workbook.bin" in names:
        raise ImportFileError(
            f"Файл «{filename}» — двоичная книга Excel (.xlsb), она не поддерживается. "
            f"{_RESAVE_XLSX}"
        )
    elif "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise ImportFileError(
            f"Файл «{filename}» — документ Word или PowerPoint, а не таблица. "
            "Загрузите книгу Excel (.xlsx), ODS или CSV."
        )
    else:
        raise ImportFileError(
            f"Файл «{filename}» — архив, но не таблица XLSX или ODS. "
            "Загрузите саму таблицу, не упакованную в архив."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise ImportFileError(_password_message(filename))
    _check_declared_sizes(infos, filename)
    if kind == "xlsx":
        _check_xlsx_macros(archive, names, filename)
    else:
        _check_ods_macros(names, filename)
    _check_extents(archive, infos, kind, filename)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    with archive.open(name) as part:
        return part.read(limit)


def _bomb_message(filename: str, size: int) -> str:
    return (
        f"Файл «{filename}» отклонён: после распаковки он занял бы {_mb(size)} МБ "
        "(похоже на «zip-бомбу»). Если это настоящая таблица, разделите её на части."
    )


def _check_declared_sizes(infos: list[zipfile.ZipInfo], filename: str) -> None:
    """Sizes as the archive declares them; ``_check_extents`` verifies them."""
    limit = _setting("QP_IMPORT_MAX_UNCOMPRESSED", DEFAULT_MAX_UNCOMPRESSED)
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise ImportFileError(_bomb_message(filename, total))
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(
            1, info.compress_size
        ):
            raise ImportFileError(_bomb_message(filename, total))


_MACRO_MESSAGE = (
    "Файл «{filename}» содержит макросы. Макросы не загружаются: сохраните книгу "
    "без них (в Excel: «Сохранить как» → «Книга Excel (.xlsx)») и загрузите снова."
)


def _check_xlsx_macros(
    archive: zipfile.ZipFile, names: dict[str, str], filename: str
) -> None:
    """``vbaProject.bin``, XLM macro sheets or a macro-enabled content type."""
    if any(
        name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/")
        for name in names
    ):
        raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))
    types = _read_small(archive, names["[content_types].xml"]).lower()
    if b"macroenabled" in types or b"vbaproject" in types or b"macrosheet" in types:
        raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))


def _check_ods_macros(names: dict[str, str], filename: str) -> None:
    """LibreOffice Basic modules (``Basic/<library>/<module>.xml``) or scripts.

    The library index files LibreOffice may write without any macro
    (``script-lc.xml``, ``script-lb.xml``, ``dialog-l?.xml``) are allowed.
    """
    index_files = ("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml")
    for name in names:
        if name.startswith("scripts/") and not name.endswith("/"):
            raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))
        if (
            name.startswith("basic/")
            and not name.endswith("/")
            and name.rsplit("/", 1)[-1] not in index_files
        ):
            raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))


_XML_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
# A cell start tag with a reference (``<c r="B12" ...>``), in any spelling.
_XLSX_CELL = re.compile(
    rb"<" + _XML_NAME + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]+)(\d+)[\"']"
)
# The same with a value: ``<v>`` with text, an inline string, or a formula
# followed by its cached value. Calamine skips other cells (styled empty
# cells, formulas without cached values), which real files may have far below
# and right of the data.
_XLSX_VALUE_CELL = re.compile(
    rb"<" + _XML_NAME + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]+)(\d+)[\"'][^>]*(?<!/)>"
    rb"\s*(?:<" + _XML_NAME + rb"f\b[^>]*?(?:/>|>[^<]*</" + _XML_NAME + rb"f>)\s*)?"
    rb"<" + _XML_NAME + rb"(?:v>\s*[^<\s]|is\b)"
)
_XLSX_ROW = re.compile(rb"<" + _XML_NAME + rb"row\s[^>]*?\br\s*=\s*[\"'](\d+)")
_XLSX_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_CHUNK = 4 * 1024 * 1024


def _column_number(letters: bytes) -> int:
    """``b"A"`` → 1, ``b"AB"`` → 28 (capped: anything past XFD is "huge")."""
    if len(letters) > 4:
        return 1 << 20
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _row_number(digits: bytes) -> int:
    return int(digits) if len(digits) < 10 else 1 << 40


def _check_extents(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: str, filename: str
) -> None:
    """Read every part once (sizes verified) and measure the sheets' grids.

    Python's zipfile stops at the declared size and checks the CRC, so a part
    that lies about its size fails here instead of inflating in calamine.
    """
    limit = _setting("QP_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.lower()
        if kind == "ods" and name == "content.xml":
            rows, columns = _ods_extent(_chunks(archive, info, b"</table:table-row>"))
        elif kind == "xlsx" and name.endswith(".xml"):
            rows, columns = _xlsx_extent(archive, info, limit)
        else:
            for _ in _chunks(archive, info, b""):
                pass
            continue
        if rows * columns > limit:
            raise ImportFileError(
                f"Файл «{filename}» отклонён: заполненные ячейки листа разбросаны "
                f"на {rows} строк и {columns} столбцов, такую таблицу не прочитать. "
                "Удалите лишние ячейки далеко за пределами данных или разделите "
                "файл на части."
            )


def _chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, boundary: bytes
) -> Iterator[bytes]:
    """The part in pieces that end right after the last ``boundary`` in them.

    With ``b"<"`` no tag is ever split (``<`` cannot appear unescaped inside
    one); with a closing tag no element of that kind is. An empty boundary
    only drains the part.
    """
    carry = b""
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            if not boundary:
                continue
            buffer = carry + chunk
            cut = buffer.rfind(boundary)
            if cut <= 0:
                carry = buffer
                continue
            cut += 0 if boundary == b"<" else len(boundary)
            carry = buffer[cut:]
            yield buffer[:cut]
    if carry:
        yield carry


def _xlsx_extent(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int
) -> tuple[int, int]:
    """(rows, columns) of the grid calamine would allocate for this part.

    Excel, LibreOffice, openpyxl and XlsxWriter all write cells as
    ``<c r="B12" ...>``; such a sheet is measured by one fast pass. Any other
    spelling (attribute order, quotes, case, cells without a reference) takes
    the general pass. When the grid is over ``limit`` a last pass counts only
    cells with values, as styled empty cells far away do not make calamine
    allocate.

    The fast pass (:func:`_xlsx_scan_bounded`) only ever accepts: it gives a
    grid at least as large as the canonical pass would, and when that is
    over ``limit`` the canonical pass measures again, so every file is
    refused exactly when the canonical pass refuses it.
    """
    bound = _xlsx_scan_bounded(archive, info)
    if bound is not None and bound[0] * bound[1] <= limit:
        return bound
    grid = None if bound is None else _xlsx_scan_canonical(archive, info)
    if grid is None:
        grid = _xlsx_scan_general(archive, info, _XLSX_CELL)
    if grid[0] * grid[1] > limit:
        grid = _xlsx_scan_general(archive, info, _XLSX_VALUE_CELL)
    return grid


def _worksheet_chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Iterator[tuple[bytes, bytes]]:
    """(namespace prefix, chunk) from the worksheet root on; none if no root."""
    prefix: bytes | None = None
    for chunk in _chunks(archive, info, b"<"):
        if prefix is None:
            root = _XLSX_ROOT.search(chunk)
            if root is None:
                continue  # cells live inside the root element
            prefix = root.group(1) or b""
        yield prefix, chunk


def _at_most_digits(number: int) -> bytes:
    """A pattern for the decimal numbers from 0 to ``number``, each followed
    by ``"``. Leading zeros only make a number look larger (never smaller),
    so the pattern may refuse "007" when ``number`` has two digits, but never
    accepts a number above ``number``."""
    text = str(number).encode()
    options = [rb'\d{1,%d}"' % (len(text) - 1)] if len(text) > 1 else []
    for index, digit in enumerate(text):
        if digit > ord("0"):
            options.append(
                re.escape(text[:index])
                + b"[0-%c]" % (digit - 1)
                + rb"\d" * (len(text) - index - 1)
                + b'"'
            )
    options.append(text + b'"')
    return b"(?:" + b"|".join(options) + b")"


def _at_most_letters(number: int) -> bytes:
    """A pattern for the column letters from A to column ``number`` (A = 1)."""
    if number < 1:
        return b"(?!)"
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    options = [b"[A-Z]{1,%d}" % (len(letters) - 1)] if len(letters) > 1 else []
    for index, letter in enumerate(letters):
        if letter > ord("A"):
            options.append(
                letters[:index]
                + b"[A-%c]" % (letter - 1)
                + b"[A-Z]" * (len(letters) - index - 1)
            )
    options.append(letters)
    return b"(?:" + b"|".join(options) + b")"


_MAX_WIDENINGS = 64  # cells past the bounds in one piece before it is parsed whole


def _outside(name: bytes, rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell tag that is not ``<c r="…"`` within ``columns`` × ``rows``."""
    return re.compile(
        b"<"
        + name
        + rb'c(?=[\s>/])(?! r="'
        + _at_most_letters(columns)
        + _at_most_digits(rows)
        + b")"
    )


def _xlsx_scan_bounded(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> tuple[int, int] | None:
    """A grid at least as large as :func:`_xlsx_scan_canonical` measures;
    None if any cell tag is spelt otherwise.

    Most of the sheet is not parsed cell by cell. The number of the last
    ``<row r="12"`` of each piece gives a candidate height, and one search
    with a pattern that matches any cell tag *except* ``<c r="…"`` with a
    column and row within the bounds so far proves that the piece adds
    nothing beyond them (the search fails fast on every ordinary cell). A
    piece where the search finds such a cell (a wider row, a row numbered
    past the last ``<row>`` tag, cells out of order or spelt differently) is
    measured cell by cell as in the canonical pass. Either way every cell of
    the sheet is within the returned bounds.

    The part is read in chunks and searched in place (``pos``/``endpos``),
    each piece ending right before a ``<``, so no tag is split and no large
    buffer is copied.
    """
    rows = columns = 0
    verified = (-1, -1)
    name = row_start = row_number = canonical = verify = None
    carry = b""
    hidden, tail = False, b""  # whether the part may hide rows or columns
    with archive.open(info) as part:
        while True:
            chunk = part.read(_CHUNK)
            if chunk and not hidden:
                hidden = b"hidden" in chunk or b"hidden" in tail + chunk[:6]
                tail = chunk[-6:]
            if not chunk:
                pieces = [(carry, 0, len(carry))] if carry else []
            else:
                first = chunk.find(b"<")
                last = chunk.rfind(b"<")
                if first < 0:
                    carry += chunk
                    continue
                head = carry + chunk[:first]
                pieces = [(head, 0, len(head))] if head else []
                if last > first:
                    pieces.append((chunk, first, last))
                carry = chunk[last:]
            for text, start, end in pieces:
                if name is None:
                    root = _XLSX_ROOT.search(text, start, end)
                    if root is None:
                        continue  # cells live inside the root element
                    name = re.escape(root.group(1) or b"")
                    row_start = b"<" + (root.group(1) or b"") + b'row r="'
                    row_number = re.compile(re.escape(row_start) + rb'(\d{1,9})"')
                    canonical = re.compile(
                        b"<" + name + rb'c(?: r="([A-Z]{1,3})(\d{1,9})"|[\s>/])'
                    )
                tag = text.rfind(row_start, start, end)
                if tag >= 0 and (found := row_number.match(text, tag, end)):
                    rows = max(rows, int(found.group(1)))
                position, widened = start, 0
                while True:
                    if verified != (rows, columns):
                        verify = _outside(name, rows, columns)
                        verified = (rows, columns)
                    found = verify.search(text, position, end)
                    if found is None:
                        break
                    if widened == _MAX_WIDENINGS:  # many: measure the rest
                        matches = canonical.findall(text, found.start(), end)
                        if (b"", b"") in matches:
                            return None
                        rows = max(rows, *map(int, [m[1] for m in matches]))
                        columns = max(
                            columns, *map(_column_number, {m[0] for m in matches})
                        )
                        break
                    cell = canonical.match(text, found.start(), end)
                    if cell.group(1) is None:
                        return None
                    rows = max(rows, int(cell.group(2)))
                    columns = max(columns, _column_number(cell.group(1)))
                    position, widened = found.end(), widened + 1
            if not chunk:
                if not hidden:
                    _no_hidden_parts().add(info.filename)
                return rows, columns


_SCANNED = threading.local()


def _no_hidden_parts() -> set[str]:
    """XLSX parts of the file being read (this thread) that the size check
    read whole and found without a ``hidden`` flag: :func:`_skip_hidden`
    need not read them again."""
    if not hasattr(_SCANNED, "parts"):
        _SCANNED.parts = set()
    return _SCANNED.parts


def _xlsx_scan_canonical(
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


def _xlsx_scan_general(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes]
) -> tuple[int, int]:
    """The grid from ``pattern``'s cells, plus cells and rows without a reference.

    A cell without ``r`` goes right of the previous one and a row without
    ``r`` below the previous one, so each adds at most one column or row.
    """
    max_row = max_column = row_refs = 0
    cell_tags = referenced = row_tags = referenced_rows = 0
    for prefix, chunk in _worksheet_chunks(archive, info):
        name = re.escape(prefix)
        matches = pattern.findall(chunk)
        if matches:
            max_row = max(max_row, max(_row_number(m[1]) for m in matches))
            columns = {m[0] for m in matches}
            max_column = max(max_column, max(map(_column_number, columns)))
        referenced += len(_XLSX_CELL.findall(chunk))
        cell_tags += len(re.findall(b"<" + name + rb"c[\s>/]", chunk))
        row_tags += len(re.findall(b"<" + name + rb"row[\s>/]", chunk))
        numbers = _XLSX_ROW.findall(chunk)
        referenced_rows += len(numbers)
        row_refs = max(row_refs, *map(_row_number, numbers), 0)
    loose_cells = cell_tags - referenced
    if loose_cells > 0:
        max_row = max(max_row, row_refs) + max(0, row_tags - referenced_rows)
        max_column += loose_cells
    return max_row, max_column


_ODS_TABLE_OR_ROW = re.compile(rb"<table:table(?:-row(?=[\s/>])([^>]*?)(/?)>|[\s>])")
_ODS_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)")
_ODS_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)")
_ODS_ROW_END = b"</table:table-row>"
_ODS_VALUE_MARKERS = (b"office:value-type", b"<text:p", b"<text:h")


def _ods_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
    """(rows, columns) of the largest table's filled rectangle in ``content.xml``.

    Rows and cells are counted with their ``number-*-repeated`` attributes up
    to the last cell with a value, which is what calamine expands; the long
    empty runs LibreOffice writes after the data do not count. ``chunks`` end
    after a row's closing tag, so every row lies within one chunk.
    """
    worst = 0, 0
    rows = width = filled_rows = 0
    for content in chunks:
        for match in _ODS_TABLE_OR_ROW.finditer(content):
            if match.group(1) is None:  # a new table
                if filled_rows * width > worst[0] * worst[1]:
                    worst = filled_rows, width
                rows = width = filled_rows = 0
                continue
            repeat = _ODS_ROWS_REPEATED.search(match.group(1))
            rows += _row_number(repeat.group(1)) if repeat else 1
            if match.group(2):  # <table:table-row/>: no cells
                continue
            start = match.end()
            end = content.find(_ODS_ROW_END, start)
            end = len(content) if end < 0 else end
            last = max(
                content.rfind(marker, start, end) for marker in _ODS_VALUE_MARKERS
            )
            if last < 0:
                continue
            filled_rows = rows
            cut = content.find(b"<table:", last, end)
            body = content[start : end if cut < 0 else cut]
            cells = body.count(b"<table:table-cell") + body.count(
                b"<table:covered-table-cell"
            )
            for number in _ODS_COLUMNS_REPEATED.findall(body):
                cells += _row_number(number) - 1
            width = max(width, cells)
    if filled_rows * width > worst[0] * worst[1]:
        worst = filled_rows, width
    return worst


# --------------------------------------------------------------------------- ole


def _ole_entry(data: bytes, name: str) -> bool:
    """Whether the compound file has a storage or stream called ``name``.

    Directory entries are 128 bytes and sectors are 512 or 4096 bytes after
    a header sector, so every entry starts at a multiple of 128 from the start
    of the file: a name found there, with the matching length field and an
    entry type of storage (1) or stream (2), is a real entry. This avoids
    following the FAT chains and never mistakes cell text for an entry.
    """
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    length = len(encoded).to_bytes(2, "little")
    position = data.find(encoded, 512)
    while position != -1:
        if (
            position % 128 == 0
            and data[position + 64 : position + 66] == length
            and data[position + 66 : position + 67] in (b"\x01", b"\x02")
        ):
            return True
        position = data.find(encoded, position + 1)
    return False


def _password_message(filename: str) -> str:
    return (
        f"Файл «{filename}» защищён паролем. Снимите пароль (в Excel: «Файл» → "
        "«Сведения» → «Защита книги») и загрузите снова."
    )


def _check_ole(data: bytes, filename: str) -> None:
    """Refuse encrypted workbooks, VBA projects and non-Excel OLE documents.

    VBA lives in a ``_VBA_PROJECT_CUR`` storage (Excel 97 and later) or a
    ``_VBA_PROJECT`` one (Excel 5/95); ``Macros`` is Word's. Excel 4 macro
    sheets are found later, from the sheet types calamine reports.
    """
    if _ole_entry(data, "EncryptedPackage"):  # a password-protected .xlsx
        raise ImportFileError(_password_message(filename))
    if any(_ole_entry(data, name) for name in ("_VBA_PROJECT_CUR", "_VBA_PROJECT")):
        raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))
    if not (_ole_entry(data, "Workbook") or _ole_entry(data, "Book")):
        if _ole_entry(data, "WordDocument") or _ole_entry(data, "Macros"):
            raise ImportFileError(
                f"Файл «{filename}» — документ Word, а не таблица. "
                "Загрузите книгу Excel (.xlsx), ODS или CSV."
            )
        raise ImportFileError(
            f"Файл «{filename}» — документ Office, но не книга Excel. {_RESAVE_XLSX}"
        )


# --------------------------------------------------------------------- workbooks


class _SharedStrings(dict):
    """Cell values by themselves: each distinct short string is kept once.

    Looking a cell up gives the one shared object of an equal string seen
    before (``None`` for empty and whitespace-only text); other cells (numbers,
    booleans, dates) are given back as they are and never stored, since
    ``True == 1 == 1.0`` would merge them.
    """

    __slots__ = ()
    LIMIT = 200_000  # distinct strings kept

    def __missing__(self, cell: object) -> object:
        if cell.__class__ is not str:
            return cell
        value = None if not cell or cell.isspace() else cell
        if len(cell) <= 64 and len(self) < self.LIMIT:
            self[cell] = value
        return value


def _shared_rows(sheet) -> list[list[object]]:
    """The sheet's rows, built one at a time: blank strings become None and
    repeated short strings ("да", dates, channel names, INNs) share one
    object, since survey files hold millions of equal cells. Measured on
    100,000 × 21 cells: peak memory of reading down from 359 to 230 MB.
    ``iter_rows`` keeps every row, so row numbers hold, but starts each row
    at the first used column: leading empty columns are put back, so an
    index is the sheet's column (A = 0) and error messages name the letter
    the user sees."""
    share = _SharedStrings().__getitem__
    start = sheet.start
    lead = [None] * start[1] if start else []
    if lead:
        return [[*lead, *map(share, row)] for row in sheet.iter_rows()]
    return [[*map(share, row)] for row in sheet.iter_rows()]


def _read_workbook(
    data: bytes,
    filename: str,
    sheet: str | None,
    hidden: dict[str, list[int]] | None = None,
) -> list[list[object]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
        if any(
            item.typ in (SheetTypeEnum.MacroSheet, SheetTypeEnum.Vba)
            for item in metadata
        ):
            raise ImportFileError(_MACRO_MESSAGE.format(filename=filename))
        if sheet is not None:
            if sheet not in workbook.sheet_names:
                raise ImportFileError(
                    f"В файле «{filename}» нет листа «{sheet}». Листы: "
                    + ", ".join(f"«{name}»" for name in workbook.sheet_names)
                    + "."
                )
            name = sheet
        elif DATA_SHEET in workbook.sheet_names:
            name = DATA_SHEET
        else:
            worksheets = [m for m in metadata if m.typ == SheetTypeEnum.WorkSheet]
            visible = [m for m in worksheets if m.visible == SheetVisibleEnum.Visible]
            if not worksheets:
                raise ImportFileError(f"В файле «{filename}» нет листов с таблицами.")
            name = (visible or worksheets)[0].name
        found = workbook.get_sheet_by_name(name)
        rows = _shared_rows(found)
        if data.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
            _skip_hidden(rows, data, name, hidden)
        return rows
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 (calamine raises many kinds)
        if type(error).__name__ == "PasswordError":
            raise ImportFileError(_password_message(filename)) from None
        raise ImportFileError(
            f"Не удалось прочитать файл «{filename}»: он повреждён или сохранён в "
            f"неподдерживаемом виде. {_RESAVE_XLSX}"
        ) from None


# ------------------------------------------------------------------- hidden cells

_XML_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|col)(?=[\s/>])([^>]*)>")
_XML_ATTRIBUTE = re.compile(rb"([\w.:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XLSX_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_XLSX_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ODS_TAG = re.compile(
    rb"<table:(table-row|table-column|table)(?=[\s/>])([^>]*)>|</table:table>"
)


def _attributes(text: bytes) -> dict[str, str]:
    """An XML tag's attributes without namespace prefixes (``r:id`` → ``id``)."""
    found = {}
    for name, double, single in _XML_ATTRIBUTE.findall(text):
        value = double if double or not single else single
        found[name.decode().rpartition(":")[2]] = html.unescape(value.decode())
    return found


def _skip_hidden(
    rows: list[list[object]],
    data: bytes,
    sheet: str,
    hidden: dict[str, list[int]] | None,
) -> None:
    """Blank the hidden rows and columns of the sheet read (in place)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {info.filename.lower(): info.filename for info in archive.infolist()}
        if "xl/workbook.xml" in names:
            hidden_rows, hidden_columns = _xlsx_hidden(archive, names, sheet)
        elif "content.xml" in names:
            hidden_rows, hidden_columns = _ods_hidden(
                archive.read(names["content.xml"]), sheet
            )
        else:
            return
    except (*_ZIP_ERRORS, KeyError, ValueError):
        return  # a hidden flag we cannot read leaves the cells as they are
    width = max((len(row) for row in rows), default=0)
    hidden_rows = sorted(
        r
        for r in hidden_rows
        if r < len(rows) and any(cell is not None for cell in rows[r])
    )
    hidden_columns = sorted(
        c
        for c in hidden_columns
        if c < width and any(c < len(row) and row[c] is not None for row in rows)
    )
    for index in hidden_rows:
        rows[index] = [None] * len(rows[index])
    if hidden_columns:
        for row in rows:
            for column in hidden_columns:
                if column < len(row):
                    row[column] = None
    if hidden is not None:
        hidden["rows"] = [r + 1 for r in hidden_rows]
        hidden["columns"] = hidden_columns


def _xlsx_hidden(
    archive: zipfile.ZipFile, names: dict[str, str], sheet: str
) -> tuple[set[int], set[int]]:
    """Hidden rows and columns (0-based) of an XLSX sheet, from its XML."""
    workbook = archive.read(names["xl/workbook.xml"])
    target_id = next(
        (
            attributes.get("id")
            for attributes in map(_attributes, _XLSX_SHEET.findall(workbook))
            if attributes.get("name") == sheet
        ),
        None,
    )
    rels = archive.read(names["xl/_rels/workbook.xml.rels"])
    target = next(
        attributes["Target"]
        for attributes in map(_attributes, _XLSX_RELATIONSHIP.findall(rels))
        if attributes.get("Id") == target_id
    )
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    info = archive.getinfo(names[path.lower()])
    rows: set[int] = set()
    columns: set[int] = set()
    if info.filename in _no_hidden_parts():
        return rows, columns  # read whole by the size check: nothing hidden
    for chunk in _chunks(archive, info, b"<"):
        if b"hidden" not in chunk:
            continue
        for tag, text in _XML_TAG.findall(chunk):
            attributes = _attributes(text)
            if attributes.get("hidden") not in ("1", "true"):
                continue
            if tag == b"col":
                first = int(attributes["min"])
                last = min(int(attributes.get("max", first)), first + 16384)
                columns.update(range(first - 1, last))
            elif "r" in attributes:
                rows.add(int(attributes["r"]) - 1)
    return rows, columns


def _ods_hidden(content: bytes, sheet: str) -> tuple[set[int], set[int]]:
    """Hidden (collapsed or filtered) rows and columns (0-based) of an ODS
    table, from ``content.xml``."""
    rows: set[int] = set()
    columns: set[int] = set()
    if b'table:visibility="' not in content:
        return rows, columns
    inside = False
    row = column = 0
    for match in _ODS_TAG.finditer(content):
        tag, text = match.group(1), match.group(2)
        if tag is None:  # </table:table>
            if inside:
                break
            continue
        attributes = _attributes(text)
        if tag == b"table":
            inside = attributes.get("name") == sheet
            continue
        if not inside:
            continue
        hidden = attributes.get("visibility", "visible") != "visible"
        if tag == b"table-row":
            repeated = int(attributes.get("number-rows-repeated", "1"))
            if hidden:
                rows.update(range(row, row + min(repeated, MAX_HIDDEN_SPAN)))
            row += repeated
        else:
            repeated = int(attributes.get("number-columns-repeated", "1"))
            if hidden:
                columns.update(range(column, column + min(repeated, MAX_HIDDEN_SPAN)))
            column += repeated
    return rows, columns


#: Hidden rows or columns taken from one repeated ODS element at most (a
#: sheet's trailing rows are one element repeated a million times).
MAX_HIDDEN_SPAN = 20_000


# --------------------------------------------------------------------------- csv


_DELIMITERS = (";", "\t", ",")  # in order of preference on a tie


def _not_a_table(filename: str, what: str) -> ImportFileError:
    return ImportFileError(
        f"Файл «{filename}» — {what}, а не таблица. Загрузите книгу Excel (.xlsx), "
        "ODS или CSV."
    )


def _decode(data: bytes, filename: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1251.

    Strict UTF-8 goes first: Russian text in Windows-1251 is practically never
    valid UTF-8 (its letters are bytes 0xC0-0xFF, which UTF-8 allows only as
    lead bytes followed by 0x80-0xBF), so a file that decodes is UTF-8.
    """
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise _not_a_table(filename, what)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")  # Excel's "Unicode text" (.txt)
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:8192]:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return data.decode("cp1251")
            except UnicodeDecodeError:
                pass  # 0x98 is the one byte Windows-1251 lacks
    raise ImportFileError(
        f"Файл «{filename}» не распознан: это не XLSX, XLS, ODS и не текстовый CSV "
        "(в кодировке UTF-8 или Windows-1251)."
    )


def _looks_like_text(text: str, filename: str) -> None:
    sample = text[:8192]
    head = sample.lstrip()[:1024].lower()
    if head.startswith(("<!doctype html", "<html")) or "<table" in head:
        raise ImportFileError(
            f"Файл «{filename}» — веб-страница (HTML), сохранённая как таблица. "
            f"{_RESAVE_XLSX}"
        )
    if head.startswith("<?xml"):
        raise ImportFileError(
            f"Файл «{filename}» — таблица в формате XML, он не поддерживается. "
            f"{_RESAVE_XLSX}"
        )
    controls = sum(1 for char in sample if char < " " and char not in "\t\r\n")
    if controls > max(2, len(sample) // 100):
        raise ImportFileError(
            f"Файл «{filename}» не распознан: это не XLSX, XLS, ODS и не текстовый CSV."
        )


def _delimiter(text: str) -> str:
    """``;``, tab or ``,``: the one that splits the first lines most consistently.

    For each candidate the first 50 non-empty lines are parsed (quotes
    respected); the candidate wins whose most common width above one column
    covers the most lines, then the wider one, then ``;`` before tab before
    ``,``. Title lines above the header have one cell and do not count, and in
    a Russian ``;`` file the decimal commas ("45,5") make the comma split lines
    into varying widths, so ``,`` loses there.
    """
    lines = [line for line in text[:65536].splitlines()[:200] if line.strip()][:50]
    best, best_score = ";", (0, 0)
    for delimiter in _DELIMITERS:
        widths: dict[int, int] = {}
        try:
            for row in csv.reader(lines, delimiter=delimiter):
                if len(row) > 1:
                    widths[len(row)] = widths.get(len(row), 0) + 1
        except csv.Error:
            continue
        if not widths:
            continue
        width, lines_of_width = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (lines_of_width, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, filename: str, max_rows: int) -> list[list[object]]:
    text = _decode(data, filename)
    _looks_like_text(text, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[object]] = []
    try:
        for row in reader:
            if len(rows) >= max_rows:
                # Past the limit only empty lines may follow; keep none of them.
                if any(cell.strip() for cell in row):
                    _too_many(filename, max_rows)
                continue
            rows.append(row)  # type: ignore[arg-type]
    except csv.Error as error:
        raise ImportFileError(
            f"Файл «{filename}»: ошибка CSV в строке {reader.line_num} ({error}). "
            "Проверьте кавычки в этой строке."
        ) from None
    return rows


# ---------------------------------------------------------------------- trimming


def _too_many(filename: str, max_rows: int) -> None:
    raise ImportFileError(
        f"В файле «{filename}» больше {max_rows} строк. Разделите его на части."
    )


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
        _too_many(filename, max_rows)
    return rows


# ------------------------------------------------------------------------ header


@dataclass(frozen=True)
class ColumnSpec:
    """A column a form expects.

    Attributes:
        key: Internal name of the column.
        title: The canonical Russian header (templates and messages).
        aliases: Other wordings met in real files.
        required: The file must have this column.
    """

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which key.

    Attributes:
        header_row: 0-based index of the (last) header row; data starts below.
        positions: Column index (A = 0) of each key found.
        titles: The header text of each key as found in the file (for two-row
            headers "group sub-header", or the sub-header alone if that is
            what matched), for error messages.
        unknown: Headers that matched no column of the form (for a warning).
        unknown_columns: The column index of each of ``unknown``.
        ambiguous: For a key matched by stemmed words whose header fits other
            fields of the form just as well ("ИНН или код"), those fields'
            keys (the preview's mapping step lets the user choose).
    """

    header_row: int
    positions: dict[str, int]
    titles: dict[str, str]
    unknown: list[str] = field(default_factory=list)
    unknown_columns: list[int] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


_NON_WORD = re.compile(r"[^\w%]+|_+")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _header_text(value: object) -> str:
    """A header cell as text: integral floats lose ``.0``, dates are Russian."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def normalise(text: object, *, loose: bool = False) -> str:
    """The form of a header used for matching.

    Rules, in order: integral numbers lose ``.0``; lower case; ``ё`` → ``е``;
    ``№`` → the word "номер"; with ``loose``, text in parentheses or brackets
    is dropped ("Численность (чел.)" → "численность"); every run of characters
    other than letters, digits and ``%`` (punctuation, quotes, ``*`` marks of
    required columns, hyphens, slashes, line breaks, non-breaking spaces)
    becomes one space; leading and trailing spaces go. So "Вопрос №1",
    "вопрос  № 1" and "ВОПРОС № 1*" are all "вопрос номер 1".
    """
    value = _header_text(text).lower().replace("ё", "е").replace("№", " номер ")
    if loose:
        value = _PARENTHESES.sub(" ", value)
    return _NON_WORD.sub(" ", value).strip()


def _column_candidates(
    rows: list[list[object]], index: int, two_rows: bool
) -> list[tuple[str, ...]]:
    """Header texts each column may be known by, best first, for one layout.

    For a two-row header the upper row's group titles are carried right over
    the empty cells of their merged span (calamine gives a merged cell's value
    to its top-left cell only) as long as the lower row has sub-headers; a
    column is then known as "group sub-header" or by the sub-header alone. A
    cell merged down over both rows keeps its upper text.
    """
    lower = rows[index]
    if not two_rows:
        return [(_header_text(cell),) if cell is not None else () for cell in lower]
    upper = rows[index - 1]
    group = None
    result: list[tuple[str, ...]] = []
    for column in range(max(len(lower), len(upper))):
        top = upper[column] if column < len(upper) else None
        sub = lower[column] if column < len(lower) else None
        if top is not None:
            group = _header_text(top)
        elif sub is None:
            group = None
        if sub is None:
            result.append((group,) if top is not None and group else ())
        elif group:
            result.append((f"{group} {_header_text(sub)}", _header_text(sub)))
        else:
            result.append((_header_text(sub),))
    return result


#: Words that say nothing about which column it is: prepositions,
#: conjunctions and units ("Количество анкет, шт.", "Численность, чел.").
_HEADER_STOP_WORDS = frozenset(
    [
        "в",
        "во",
        "и",
        "или",
        "по",
        "с",
        "со",
        "о",
        "об",
        "от",
        "на",
        "для",
        "из",
        "к",
        "у",
        "при",
        "за",
        "до",
        "а",
        "также",
        "том",
        "числе",
        "шт",
        "штук",
        "чел",
        "человек",
        "ед",
        "единиц",
        "руб",
        "тыс",
    ]
)
_HEADER_WORD = re.compile(r"[0-9a-zа-я]+")
_STEMMER = snowballstemmer.stemmer("russian")
_STEMMER_LOCK = threading.Lock()  # a stemmer keeps its state while it works
_STEMS: dict[str, frozenset[str]] = {}


def header_stems(text: str) -> frozenset[str]:
    """The stemmed content words of a header, for matching by meaning.

    ``normalise`` rules first (case, ``ё``, ``№``, punctuation); ``%`` is the
    word "процент"; prepositions, conjunctions and units go; every other word
    is reduced to its Snowball Russian stem, so "Недостатки, выявленные …"
    and "недостатков, выявленных …" give the same words.
    """
    cached = _STEMS.get(text)
    if cached is None:
        value = normalise(text).replace("%", " процент ")
        words = [w for w in _HEADER_WORD.findall(value) if w not in _HEADER_STOP_WORDS]
        with _STEMMER_LOCK:  # imports may run in threads (background uploads)
            cached = frozenset(_STEMMER.stemWords(words))
        if len(_STEMS) < 100_000:
            _STEMS[text] = cached
    return cached


@lru_cache(maxsize=64)
def _vocabulary(
    columns: tuple[ColumnSpec, ...],
) -> tuple[list[tuple[int, frozenset[str]]], dict[str, list[int]]]:
    """The stemmed wordings of a form's columns, once per form: a list of
    (column index, stems), and for each stem the wordings that hold it."""
    names: list[tuple[int, frozenset[str]]] = []
    index: dict[str, list[int]] = {}
    for order, spec in enumerate(columns):
        for name in (spec.title, *spec.aliases):
            stems = header_stems(name)
            if stems:
                for word in stems:
                    index.setdefault(word, []).append(len(names))
                names.append((order, stems))
    return names, index


def _stem_pass(
    candidates: list[tuple[str, ...]],
    columns: Sequence[ColumnSpec],
    positions: dict[str, int],
    titles: dict[str, str],
    ambiguous: dict[str, list[str]],
) -> None:
    """Map the specs still unmatched by stemmed words (see :func:`header_stems`).

    A column matches a spec when every word of one of the spec's wordings
    is among the column's words. Pairs are taken best first: the wording
    with more words, then the column with fewer words left over, so
    "Фактический срок реализации" goes to its own column even though the
    planned date's shorter "срок реализации" fits it too. Only wordings that
    share a word with the column are compared (data cells such as "да" or
    dates share none), which keeps the search cheap on the rows above data.
    """
    names, index = _vocabulary(tuple(columns))
    used = set(positions.values())
    matched = {order for order, spec in enumerate(columns) if spec.key in positions}
    pairs = []
    for column, options in enumerate(candidates):
        if not options or column in used:
            continue
        # The cell's own text only: a group title carried over from the
        # left may be a title row, and its words would match anything.
        text = options[-1]
        words = header_stems(text)
        best: dict[int, int] = {}
        for word in words:
            for number in index.get(word, ()):
                order, stems = names[number]
                if order not in matched and stems <= words:
                    best[order] = max(best.get(order, 0), len(stems))
        pairs += [
            ((-size, len(words) - size, order, column), order, column, text)
            for order, size in best.items()
        ]
    assigned = []
    for score, order, column, text in sorted(pairs, key=lambda pair: pair[0]):
        spec = columns[order]
        if spec.key in positions or column in used:
            continue
        positions[spec.key] = column
        titles[spec.key] = text
        used.add(column)
        assigned.append((score, order, column))
    # A column that fits another still unmatched field exactly as well
    # ("ИНН или код") is ambiguous: the pick above is only a guess.
    for score, order, column in assigned:
        others = [
            columns[other].key
            for other_score, other, other_column, _ in pairs
            if other_column == column
            and other != order
            and other_score[:2] == score[:2]
            and columns[other].key not in positions
        ]
        if others:
            ambiguous[columns[order].key] = others


def _match_layout(
    candidates: list[tuple[str, ...]], columns: Sequence[ColumnSpec]
) -> tuple[dict[str, int], dict[str, str], dict[str, list[str]]]:
    """Map specs to columns: exact wording first, then without parentheses,
    then by stemmed words; also the ambiguous matches (see :class:`HeaderMatch`)."""
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for loose in (False, True):
        texts = [
            [(text, normalise(text, loose=loose)) for text in options]
            for options in candidates
        ]
        for spec in columns:
            if spec.key in positions:
                continue
            names = {
                normalise(name, loose=loose) for name in (spec.title, *spec.aliases)
            }
            names.discard("")
            used = set(positions.values())
            for column, options in enumerate(texts):
                if column in used:
                    continue
                found = next((text for text, norm in options if norm in names), None)
                if found is not None:
                    positions[spec.key] = column
                    titles[spec.key] = found
                    break
    # A lone cell is a title ("Сведения о численности получателей …"), not a
    # header: only rows of two or more headers are matched by meaning.
    if len(positions) < len(columns) and sum(map(bool, candidates)) > 1:
        _numbered_pass(candidates, columns, positions, titles)
        _stem_pass(candidates, columns, positions, titles, ambiguous)
    return positions, titles, ambiguous


_ENDS_IN_NUMBER = re.compile(r"\d$")


def _numbered_pass(
    candidates: list[tuple[str, ...]],
    columns: Sequence[ColumnSpec],
    positions: dict[str, int],
    titles: dict[str, str],
) -> None:
    """Map numbered columns headed by their name and then their wording.

    The typing template of the printed questionnaire heads a column
    "Вопрос 1. При посещении организации обращались ли вы …": it is the column
    "Вопрос 1" (a name ending in a number, followed by more words; "Вопрос 1"
    is not a prefix of "Вопрос 10 …").
    """
    texts = [normalise(options[-1]) if options else "" for options in candidates]
    used = set(positions.values())
    for spec in columns:
        if spec.key in positions:
            continue
        prefixes = tuple(
            f"{name} "
            for name in {normalise(n) for n in (spec.title, *spec.aliases)}
            if _ENDS_IN_NUMBER.search(name)
        )
        if not prefixes:
            continue
        for column, text in enumerate(texts):
            if column not in used and text.startswith(prefixes):
                positions[spec.key] = column
                titles[spec.key] = candidates[column][-1]
                used.add(column)
                break


def find_header(
    rows: list[list[object]], columns: Sequence[ColumnSpec], *, search_rows: int = 30
) -> HeaderMatch:
    """Find the header row (or merged two-row header) that names the columns.

    Every row among the first ``search_rows`` is tried alone and together
    with the row above it. The layout naming all required columns and the
    most columns overall wins; on a tie a one-row header beats a two-row one,
    and an upper row beats a lower one.

    Raises:
        ImportFileError: no layout names every required column; the message
            lists the missing columns of the layout that came closest.
    """
    required = [spec for spec in columns if spec.required]
    best: HeaderMatch | None = None
    best_score = (0, 0)
    closest: tuple[int, int, list[str]] = (-1, 0, [spec.title for spec in required])
    for index in range(min(search_rows, len(rows))):
        for two_rows in (False, True):
            if two_rows and index == 0:
                continue
            candidates = _column_candidates(rows, index, two_rows)
            positions, titles, ambiguous = _match_layout(candidates, columns)
            missing = [spec.title for spec in required if spec.key not in positions]
            if len(positions) > closest[1]:
                closest = (index, len(positions), missing)
            score = (len(positions), 0 if two_rows else 1)
            if missing or not positions or score <= best_score:
                continue
            used = set(positions.values())
            unknown_columns = [
                column
                for column, options in enumerate(candidates)
                if options and options[0] and column not in used
            ]
            unknown = [candidates[column][0] for column in unknown_columns]
            best = HeaderMatch(
                index, positions, titles, unknown, unknown_columns, ambiguous
            )
            best_score = score
    if best is not None:
        return best
    row, found, missing = closest
    listed = ", ".join(f"«{title}»" for title in missing)
    if found:
        where = f" Ближе всего строка {row + 1}, но в ней нет столбцов: {listed}."
    else:
        where = (
            f" В первых {min(search_rows, len(rows))} строках не найдено ни одного "
            f"столбца формы; нужны столбцы: {listed}."
        )
    raise ImportFileError(
        "Не найдена строка заголовков формы."
        + where
        + " Проверьте, что загружаете нужную форму, или скачайте шаблон."
    )


# ------------------------------------------------------------------------- data


def _is_numbering(row: list[object], mapped: int) -> bool:
    """A "1 | 2 | 3 …" row under the header, as printed forms number columns.

    It must start at 1, run without gaps and have at least as many cells as
    the form has mapped columns (and at least three).
    """
    filled = [cell for cell in row if cell is not None]
    if len(filled) < max(3, mapped):
        return False
    numbers = []
    for cell in filled:
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float):
            number = float(cell)
        else:
            text = str(cell).strip().rstrip(".")
            if not text.isdigit():
                return False
            number = float(text)
        numbers.append(number)
    return numbers == [float(n) for n in range(1, len(numbers) + 1)]


def _first_data_row(rows: list[list[object]], match: HeaderMatch) -> int:
    start = match.header_row + 1
    if start < len(rows) and _is_numbering(rows[start], len(match.positions)):
        start += 1
    return start


def data_rows(
    rows: list[list[object]], match: HeaderMatch
) -> Iterator[tuple[int, list[object]]]:
    """(spreadsheet row number, cells) of each data row with a mapped value.

    Rows whose mapped cells are all empty are skipped (row numbers still
    count them), and so is a column-numbering row right under the header.
    """
    positions = sorted(match.positions.values())
    for index in range(_first_data_row(rows, match), len(rows)):
        row = rows[index]
        width = len(row)
        for position in positions:
            if position < width and row[position] is not None:
                yield index + 1, row
                break


_NUMBERING = frozenset({"номер п п", "номер", "п п", "номер строки"})
#: Normalised headers of row-number columns, which hold no data to load.
NUMBERING_HEADERS = _NUMBERING


def column_letter(column: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    return _letter(column)


def _letter(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def unmapped_columns(
    rows: list[list[object]],
    match: HeaderMatch,
    data: Sequence[tuple[int, list[object]]],
) -> list[str]:
    """Warnings, in Russian, about every column that is not loaded.

    Columns whose header names no field of the form are listed by header;
    columns without a header that hold data are listed by letter. Nothing in
    a file is dropped without saying so, except a row-number column ("№ п/п"). Only the columns past or between
    the mapped ones are scanned, once per column.
    """
    warnings = []
    # A row-number column ("№ п/п") of a form without one holds no data.
    unknown = [title for title in match.unknown if normalise(title) not in _NUMBERING]
    if unknown:
        warnings.append(
            "Столбцы не распознаны и не загружаются: "
            + ", ".join(f"«{title}»" for title in unknown)
            + ". Если в них нужные данные, переименуйте заголовок как в шаблоне."
        )
    header = rows[match.header_row]
    upper = rows[match.header_row - 1] if match.header_row else []
    mapped = set(match.positions.values())
    width = max((len(cells) for _, cells in data), default=0)
    silent = [
        column
        for column in range(width)
        if column not in mapped
        and (column >= len(header) or header[column] is None)
        and (column >= len(upper) or upper[column] is None)
        and any(column < len(cells) and cells[column] is not None for _, cells in data)
    ]
    if silent:
        warnings.append(
            "Столбцы без заголовка содержат данные и не загружаются: "
            + ", ".join(_letter(column) for column in silent)
            + ". Подпишите столбец, если его нужно загрузить."
        )
    return warnings


def iter_records(
    rows: list[list[object]], match: HeaderMatch
) -> Iterator[tuple[int, dict[str, object]]]:
    """(spreadsheet row number, {key: raw value}) of each data row.

    The same rows as :func:`data_rows`: empty ones are skipped but counted.
    """
    positions = list(match.positions.items())
    for number, row in data_rows(rows, match):
        width = len(row)
        yield number, {key: row[pos] if pos < width else None for key, pos in positions}
