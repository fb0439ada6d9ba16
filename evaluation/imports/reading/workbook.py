"""Reading an XLSX, XLS or ODS workbook with python-calamine: which sheet,
its rows (equal short strings shared), and its hidden rows and columns blanked.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading.grid import no_hidden_parts, part_chunks
from evaluation.imports.reading.safety import (
    EMPTY_ZIP_SIGNATURE,
    MACRO_MESSAGE,
    OLE_SIGNATURE,
    RESAVE_XLSX,
    ZIP_ERRORS,
    ZIP_SIGNATURE,
    password_message,
)

DATA_SHEET = "Данные"  # the data sheet of our templates (after "Инструкция")


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


def read_workbook(
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
            raise ImportFileError(MACRO_MESSAGE.format(filename=filename))
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
            raise ImportFileError(password_message(filename)) from None
        raise ImportFileError(
            f"Не удалось прочитать файл «{filename}»: он повреждён или сохранён в "
            f"неподдерживаемом виде. {RESAVE_XLSX}"
        ) from None


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
    except (*ZIP_ERRORS, KeyError, ValueError):
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
    if info.filename in no_hidden_parts():
        return rows, columns  # read whole by the size check: nothing hidden
    for chunk in part_chunks(archive, info, b"<"):
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
