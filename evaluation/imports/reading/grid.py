"""The grid guard: the cells calamine would allocate for a sheet, measured
before calamine sees the file.

calamine allocates every cell of the rectangle from A1 to the farthest filled
cell and aborts the process when that fails, so "sparse" workbooks whose few
cells sit far apart must be refused first (``safety.check_extents``, with the
measures taken here). An XLSX part is measured by one fast scan (:func:`_xlsx_scan_bounded`), with the general scan for other spellings
and for counting only the cells with values; an ODS ``content.xml`` by
:func:`_ods_extent`. The canonical full scan the fast one is held to is the
tests' oracle (``tests/imports/grid_oracle.py``).
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator

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


def part_chunks(
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


def xlsx_extent(
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
    grid at least as large as the cell references span, and when that is
    over ``limit`` the general pass measures again (on a sheet the fast pass
    reads, it finds what the canonical scan of the tests' oracle finds), so
    every file is refused exactly when a full scan refuses it.
    """
    bound = _xlsx_scan_bounded(archive, info)
    if bound is not None and bound[0] * bound[1] <= limit:
        return bound
    grid = _xlsx_scan_general(archive, info, _XLSX_CELL)
    if grid[0] * grid[1] > limit:
        grid = _xlsx_scan_general(archive, info, _XLSX_VALUE_CELL)
    return grid


def _worksheet_chunks(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Iterator[tuple[bytes, bytes]]:
    """(namespace prefix, chunk) from the worksheet root on; none if no root."""
    prefix: bytes | None = None
    for chunk in part_chunks(archive, info, b"<"):
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
    """A grid at least as large as the ``<c r="B12"`` references span; None
    if any cell tag is spelt otherwise.

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
                    no_hidden_parts().add(info.filename)
                return rows, columns


_SCANNED = threading.local()


def no_hidden_parts() -> set[str]:
    """XLSX parts of the file being read (this thread) that the size check
    read whole and found without a ``hidden`` flag: :func:`_skip_hidden`
    need not read them again."""
    if not hasattr(_SCANNED, "parts"):
        _SCANNED.parts = set()
    return _SCANNED.parts


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


def ods_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
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
