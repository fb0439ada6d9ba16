"""Pure writers of open data: CSV for Russian Excel, XLSX and JSON.

A table is a sequence of :class:`Column` and rows that map column keys to
plain Python values (``str``, ``int``, ``Decimal``, ``date``, ``bool`` or
``None``). The writers never query: readers (:mod:`evaluation.opendata.readers`)
yield the rows, the writers encode them one by one into a binary file, so a
table is never held whole in memory.

Text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``,
a tab or a carriage return at the start) is prefixed with an apostrophe in CSV
and XLSX (OWASP "CSV injection"); numbers stay numbers, and JSON keeps the
text as it is, since no spreadsheet evaluates it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, BinaryIO

from django.utils import timezone
from import_export import fields, resources
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Row = Mapping[str, Any]

#: Characters that make Excel, LibreOffice or Google Sheets read text as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Control characters that XML 1.0 (and so XLSX) cannot hold; tab, LF, CR stay.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_WIDTH_SAMPLE = 500


class ColumnType(StrEnum):
    """The type of a column in the data dictionary."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    """One column of a dataset: the entry of the data dictionary.

    Attributes:
        key: Stable machine name (JSON key, CSV column of the dictionary).
        title_ru: Russian header of CSV and XLSX files.
        type: A :class:`ColumnType` value.
        description_ru: What the column holds, in Russian.
        unit: Unit of measurement (``"балл"``, ``"%"``), empty when none.
    """

    key: str
    title_ru: str
    type: str = ColumnType.STRING
    description_ru: str = ""
    unit: str = ""


class ColumnField(fields.Field):
    """A dataset column declared as a django-import-export field.

    ``attribute`` is the column key (rows are mappings, which
    ``fields.Field.get_value`` reads by key), ``column_name`` the Russian
    header; a ``dehydrate_<name>`` method of the resource computes a column.
    """

    def __init__(
        self,
        key: str,
        title_ru: str,
        type: str = ColumnType.STRING,
        description_ru: str = "",
        unit: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(attribute=key, column_name=title_ru, **kwargs)
        self.column = Column(key, title_ru, type, description_ru, unit)


class OpenDataResource(resources.Resource):
    """The columns of an open dataset as a Resource: its ``ColumnField``s in
    ``Meta.fields`` order are the data dictionary.

    The portal's writers (:func:`write`) encode the rows one by one from
    :meth:`values`; ``Resource.export()`` is not used, because it builds a
    whole ``tablib.Dataset`` of rendered strings in memory (and loses the
    numeric and date cell types of the XLSX file).
    """

    @classmethod
    def columns(cls) -> tuple[Column, ...]:
        """The data dictionary: the columns in ``Meta.fields`` order."""
        order = cls._meta.fields or tuple(cls.fields)
        return tuple(cls.fields[name].column for name in order)

    def values(self, rows: Iterable[Row]) -> Iterable[Row]:
        """Each row's values by column key, read lazily (one row at a time)."""
        order = self._meta.fields or tuple(self.fields)
        named = []
        for name in order:
            field = self.fields[name]
            method = getattr(self, field.get_dehydrate_method(name), None)
            named.append((field.column.key, field, method))
        for row in rows:
            yield {
                key: method(row) if method is not None else field.get_value(row)
                for key, field, method in named
            }


def resource_for(name: str, columns: Sequence[Column]) -> type[OpenDataResource]:
    """A Resource declaring ``columns`` (datasets whose columns are built by
    helpers, several datasets sharing them)."""
    attrs: dict[str, Any] = {
        column.key: ColumnField(
            column.key,
            column.title_ru,
            column.type,
            column.description_ru,
            column.unit,
        )
        for column in columns
    }
    attrs["Meta"] = type("Meta", (), {"fields": tuple(c.key for c in columns)})
    return type(name, (OpenDataResource,), attrs)


@dataclass(frozen=True)
class Format:
    """A download format: file extension, media type and Russian name."""

    extension: str
    media_type: str
    title: str


FORMATS: Mapping[str, Format] = {
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV (UTF-8, «;»)"),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX (Excel)",
    ),
    "json": Format("json", "application/json", "JSON"),
}


def neutralise(value: Any) -> Any:
    """Keep a spreadsheet from running a text cell as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading apostrophe; everything else, numbers included (a negative
    number is a number, not text), is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _decimal_text(value: Decimal | float) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", ",")


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return _decimal_text(value)
    if isinstance(value, datetime):
        return f"{_local(value):%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return neutralise(str(value))


class _Counted:
    """Rows passed through while counting them (the README states the counts)."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = iter(rows)
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row


def write_csv(file: BinaryIO, columns: Sequence[Column], rows: Iterable[Row]) -> int:
    """Write CSV that Russian Excel opens by double-click, row by row.

    UTF-8 with a byte-order mark, ``;`` between cells, CRLF line ends, a
    decimal comma, dates as dd.mm.yyyy, empty cells for missing values, and
    formula-like text neutralised. The first line holds the Russian titles.
    Returns the number of data rows written.
    """
    text = io.TextIOWrapper(file, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(column.title_ru) for column in columns])
        counted = _Counted(rows)
        for row in counted:
            writer.writerow([_csv_value(row.get(column.key)) for column in columns])
        text.flush()
    finally:
        text.detach()
    return counted.count


def to_csv(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    """:func:`write_csv` into bytes (small tables: the data dictionary, tests)."""
    buffer = io.BytesIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()


def _number_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def _xlsx_value(sheet: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _number_format(value)
        return cell
    if isinstance(value, float):
        return value
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = "DD.MM.YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD.MM.YYYY"
        return cell
    return neutralise(_ILLEGAL_XML.sub("", str(value)))


def _sheet_title(name: str) -> str:
    return (_INVALID_SHEET_CHARS.sub(" ", name).strip("' ") or "Данные")[:31]


def _widths(columns: Sequence[Column], sample: Sequence[Row]) -> list[float]:
    widths = []
    for column in columns:
        longest = len(column.title_ru)
        for row in sample:
            longest = max(longest, len(_csv_value(row.get(column.key))))
        widths.append(min(_MAX_WIDTH, max(_MIN_WIDTH, longest + 2)))
    return widths


def write_xlsx(
    file: BinaryIO,
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    title: str,
    sheet_name: str,
) -> int:
    """Write an XLSX workbook with one sheet: a bold, frozen header and typed cells.

    Numbers and decimals are numeric cells (with as many decimal places as
    the value has), dates are date cells shown as dd.mm.yyyy, booleans
    "да"/"нет", text is neutralised. ``title`` becomes the document title,
    ``sheet_name`` the sheet's name (cut to Excel's 31 characters). The
    workbook is write-only: rows go to openpyxl's temporary file one by one;
    column widths come from the first rows. Returns the number of data rows.
    """
    rows = iter(rows)
    sample = list(itertools.islice(rows, _WIDTH_SAMPLE))
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.language = "ru-RU"
    sheet = workbook.create_sheet(title=_sheet_title(sheet_name))
    for index, width in enumerate(_widths(columns, sample), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(column.title_ru))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    counted = _Counted(itertools.chain(sample, rows))
    for row in counted:
        sheet.append([_xlsx_value(sheet, row.get(column.key)) for column in columns])
    if columns:
        # The filter is written after the rows, so its range can be set now.
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{counted.count + 1}"
    workbook.save(file)
    return counted.count


def to_xlsx(
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    title: str,
    sheet_name: str,
) -> bytes:
    """:func:`write_xlsx` into bytes (tests and small tables)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, columns, rows, title=title, sheet_name=sheet_name)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_json(file: BinaryIO, columns: Sequence[Column], rows: Iterable[Row]) -> int:
    """Write a JSON list of objects keyed by column key, one object at a time.

    UTF-8, non-ASCII kept. Decimals are strings so that no digit is lost to
    floating point; dates are ISO 8601; text is written as it is (no
    neutralisation). Returns the number of rows written.
    """
    file.write(b"[")
    counted = _Counted(rows)
    for row in counted:
        if counted.count > 1:
            file.write(b", ")
        data = {column.key: _json_value(row.get(column.key)) for column in columns}
        file.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    file.write(b"]")
    return counted.count


def to_json(columns: Sequence[Column], rows: Iterable[Row]) -> bytes:
    """:func:`write_json` into bytes (tests and small tables)."""
    buffer = io.BytesIO()
    write_json(buffer, columns, rows)
    return buffer.getvalue()


def write_to(
    file: BinaryIO,
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    title: str,
    sheet_name: str,
) -> int:
    """Write a table in one of :data:`FORMATS` to ``file``, row by row.

    Returns the number of data rows written.

    Raises:
        KeyError: ``fmt`` is not a key of :data:`FORMATS`.
    """
    if fmt == "csv":
        return write_csv(file, columns, rows)
    if fmt == "xlsx":
        return write_xlsx(file, columns, rows, title=title, sheet_name=sheet_name)
    if fmt == "json":
        return write_json(file, columns, rows)
    raise KeyError(fmt)


def write(
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    title: str,
    sheet_name: str,
) -> bytes:
    """:func:`write_to` into bytes (small tables such as the admin's tracker).

    Raises:
        KeyError: ``fmt`` is not a key of :data:`FORMATS`.
    """
    buffer = io.BytesIO()
    write_to(buffer, fmt, columns, rows, title=title, sheet_name=sheet_name)
    return buffer.getvalue()
