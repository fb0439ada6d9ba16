"""Reading uploaded spreadsheets safely and finding their header.

``read_rows`` turns XLSX, XLS, ODS or CSV bytes into rows of Python values
(the format is recognised by content, not by the file name), refusing
macro-enabled workbooks, zip bombs, oversize files and files with too many
rows. Workbooks are read with ``python-calamine``: formula cells give their
cached values and are never evaluated. ``find_header`` locates the header row
below any title rows, including two-row headers made of merged group cells,
and maps the form's columns by their Russian wording.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from python_calamine import CalamineWorkbook

from evaluation.imports.errors import ImportFileError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024  # all parts of a workbook together
MAX_RATIO = 200  # uncompressed ÷ compressed size of one large part
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
DATA_SHEET = "Данные"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def read_rows(
    data: bytes,
    filename: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    sheet: str | None = None,
) -> list[list[object]]:
    """The rows of one sheet as lists of cell values.

    The sheet is ``sheet`` if given, else the one named "Данные" (the data
    sheet of the templates), else the first.

    Empty cells are ``None``; trailing empty rows and cells are dropped.

    Raises:
        ImportFileError: the file is empty, too big, not a spreadsheet,
            macro-enabled, a zip bomb, or has too many rows.
    """
    max_bytes = max_bytes or _limit("QP_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_rows = max_rows or _limit("QP_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    if not data:
        raise ImportFileError(f"Файл «{filename}» пуст.")
    if len(data) > max_bytes:
        raise ImportFileError(
            f"Файл «{filename}» больше допустимого размера "
            f"({len(data) / 1024 / 1024:.1f} МБ при пределе {max_bytes / 1024 / 1024:.0f} МБ)."
        )
    if data.startswith(ZIP_SIGNATURE):
        _check_zip(data, filename)
        rows = _read_workbook(data, filename, max_rows, sheet)
    elif data.startswith(OLE_SIGNATURE):
        if "_VBA_PROJECT".encode("utf-16-le") in data:
            raise ImportFileError(
                f"Файл «{filename}» содержит макросы. Сохраните его как обычную книгу "
                "Excel (.xlsx) без макросов и загрузите снова."
            )
        rows = _read_workbook(data, filename, max_rows, sheet)
    else:
        rows = _read_csv(data, filename, max_rows)
    return _trim(rows, filename, max_rows)


def _check_zip(data: bytes, filename: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportFileError(
            f"Файл «{filename}» повреждён: это не книга Excel или ODS."
        ) from None
    names = {info.filename for info in infos}
    total = sum(info.file_size for info in infos)
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if total > MAX_UNCOMPRESSED or (
            info.file_size > 10 * 1024 * 1024 and ratio > MAX_RATIO
        ):
            raise ImportFileError(
                f"Файл «{filename}» отклонён: после распаковки он занял бы "
                f"{total / 1024 / 1024:.0f} МБ (похоже на «zip-бомбу»)."
            )
    if "xl/vbaProject.bin" in names or any(n.endswith("vbaProject.bin") for n in names):
        raise ImportFileError(
            f"Файл «{filename}» содержит макросы (.xlsm). Сохраните его как обычную книгу "
            "Excel (.xlsx) без макросов и загрузите снова."
        )
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in types:
            raise ImportFileError(
                f"Файл «{filename}» — книга с макросами. Сохраните её как .xlsx без макросов."
            )
        if "xl/workbook.xml" not in names:
            raise ImportFileError(
                f"Файл «{filename}» — документ Office, но не таблица Excel."
            )
        return
    if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
        return
    raise ImportFileError(f"Файл «{filename}» — архив, но не таблица XLSX или ODS.")


def _read_workbook(
    data: bytes, filename: str, max_rows: int, sheet: str | None
) -> list[list[object]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet is not None:
            if sheet not in workbook.sheet_names:
                raise ImportFileError(
                    f"В файле «{filename}» нет листа «{sheet}». "
                    f"Листы: {', '.join(workbook.sheet_names)}."
                )
            worksheet = workbook.get_sheet_by_name(sheet)
        elif DATA_SHEET in workbook.sheet_names:
            # Our templates open with an instructions sheet; data is on "Данные".
            worksheet = workbook.get_sheet_by_name(DATA_SHEET)
        else:
            worksheet = workbook.get_sheet_by_index(0)
        if worksheet.total_height > max_rows + 50:
            _too_many(filename, worksheet.total_height, max_rows)
        # Rows are built one at a time and repeated short strings ("да",
        # dates, channel names, INNs) share one object: a third less memory
        # for survey files, at no measurable cost in time.
        shared: dict[str, str] = {}
        return [
            [
                (shared.setdefault(cell, cell) if len(cell) <= 64 else cell)
                if cell.__class__ is str and cell
                else (None if cell == "" else cell)
                for cell in row
            ]
            for row in worksheet.iter_rows()
        ]
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 (calamine raises many kinds)
        raise ImportFileError(
            f"Не удалось прочитать файл «{filename}»: он повреждён или это не таблица "
            f"({type(error).__name__})."
        ) from None


def _too_many(filename: str, rows: int, max_rows: int) -> None:
    raise ImportFileError(
        f"В файле «{filename}» {rows} строк, допустимо не больше {max_rows}. "
        "Разделите его на части."
    )


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            f"Файл «{filename}» не распознан: это не XLSX, XLS, ODS и не текстовый CSV."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Every byte decodes in cp1251 except 0x98; a non-UTF-8 Russian CSV
        # from Excel is Windows-1251.
        try:
            return data.decode("cp1251")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"Файл «{filename}»: кодировка не распознана (ожидается UTF-8 или Windows-1251)."
            ) from None


def _delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one that splits the first lines most consistently."""
    sample = text[:20000].splitlines()[:30]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", "\t", ","):  # ";" first: comma decimals are common
        counts = [
            len(row) for row in csv.reader(sample, delimiter=delimiter) if any(row)
        ]
        if not counts:
            continue
        widest = max(counts)
        consistent = sum(1 for count in counts if count == widest)
        score = (consistent if widest > 1 else 0, widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, filename: str, max_rows: int) -> list[list[object]]:
    text = _decode(data, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > max_rows + 50:
                _too_many(filename, len(rows), max_rows)
    except csv.Error as error:
        raise ImportFileError(
            f"Файл «{filename}»: ошибка CSV в строке {reader.line_num}: {error}."
        ) from None
    return rows


def _trim(rows: list[list[object]], filename: str, max_rows: int) -> list[list[object]]:
    """Empty strings become None; trailing empty cells and rows go (in place)."""
    cleaned = rows
    for row in rows:
        if "" in row:
            for position, cell in enumerate(row):
                if cell == "":
                    row[position] = None
        while row and row[-1] is None:
            row.pop()
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if not cleaned:
        raise ImportFileError(f"В файле «{filename}» нет данных.")
    if len(cleaned) > max_rows + 50:
        _too_many(filename, len(cleaned), max_rows)
    return cleaned


# --------------------------------------------------------------------------- header


@dataclass(frozen=True)
class ColumnSpec:
    """A column a form expects: its key, canonical title and other wordings."""

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which key."""

    header_row: int  # 0-based index of the (last) header row
    positions: dict[str, int]
    titles: dict[str, str]
    unknown: list[str] = field(default_factory=list)


_PUNCTUATION = re.compile(r"[«»\"'.,:;*()\[\]/\\?!]+")


def normalise(text: object) -> str:
    """Lower case, ё→е, ``№``→"номер", punctuation and extra spaces removed."""
    value = str(text).lower().replace("ё", "е").replace("№", " номер ")
    value = _PUNCTUATION.sub(" ", value)
    return " ".join(value.split())


def _candidates(
    rows: list[list[object]], index: int, two_rows: bool
) -> list[tuple[str, ...]]:
    """Header texts each column may be known by, for one header layout."""
    row = rows[index]
    if not two_rows:
        return [(str(cell).strip(),) if cell is not None else () for cell in row]
    upper = rows[index - 1]
    width = max(len(row), len(upper))
    group = None
    result = []
    for column in range(width):
        top = upper[column] if column < len(upper) else None
        sub = row[column] if column < len(row) else None
        if top is not None:
            group = str(top).strip()
        elif sub is None:
            group = None
        if sub is None:
            result.append((group,) if top is not None else ())
        elif group:
            result.append((f"{group} {str(sub).strip()}", str(sub).strip()))
        else:
            result.append((str(sub).strip(),))
    return result


def find_header(
    rows: list[list[object]], columns: Sequence[ColumnSpec], *, search_rows: int = 30
) -> HeaderMatch:
    """Find the header row (or merged two-row header) that names the columns.

    Raises:
        ImportFileError: no row within ``search_rows`` names every required
            column; the message lists the missing ones for the closest row.
    """
    names = {
        spec.key: {normalise(n) for n in (spec.title, *spec.aliases)}
        for spec in columns
    }
    required = [spec for spec in columns if spec.required]
    best: HeaderMatch | None = None
    best_key = (-1, 0)
    closest: tuple[int, int, list[str]] = (-1, -1, [s.title for s in required])
    for index in range(min(search_rows, len(rows))):
        for two_rows in (False, True):
            if two_rows and index == 0:
                continue
            candidates = _candidates(rows, index, two_rows)
            positions: dict[str, int] = {}
            titles: dict[str, str] = {}
            used: set[int] = set()
            for spec in columns:
                for column, texts in enumerate(candidates):
                    if column in used:
                        continue
                    match = next(
                        (t for t in texts if normalise(t) in names[spec.key]), None
                    )
                    if match is not None:
                        positions[spec.key] = column
                        titles[spec.key] = match
                        used.add(column)
                        break
            missing = [s.title for s in required if s.key not in positions]
            if len(positions) > closest[1]:
                closest = (index, len(positions), missing)
            if missing or not positions:
                continue
            key = (len(positions), 0 if two_rows else 1)
            if key > best_key:
                unknown = [
                    " / ".join(texts)
                    for column, texts in enumerate(candidates)
                    if texts and column not in used and any(texts)
                ]
                best = HeaderMatch(index, positions, titles, unknown)
                best_key = key
    if best is None:
        row, _, missing = closest
        where = f"; ближе всего строка {row + 1}" if row >= 0 else ""
        raise ImportFileError(
            "Не найдена строка заголовков формы: нет столбцов "
            + ", ".join(f"«{title}»" for title in missing)
            + where
            + ". Проверьте, что загружаете нужную форму, или скачайте шаблон."
        )
    return best


def _is_numbering(row: list[object]) -> bool:
    """A "1 | 2 | 3 …" row under the header, as printed forms number columns."""
    filled = [cell for cell in row if cell is not None]
    if len(filled) < 3:
        return False
    try:
        numbers = [int(float(str(cell).strip())) for cell in filled]
    except ValueError:
        return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def data_rows(
    rows: list[list[object]], match: HeaderMatch
) -> Iterator[tuple[int, list[object]]]:
    """(spreadsheet row number, cells) of each data row with a mapped value."""
    positions = sorted(match.positions.values())
    start = match.header_row + 1
    if start < len(rows) and _is_numbering(rows[start]):
        start += 1
    for index in range(start, len(rows)):
        row = rows[index]
        width = len(row)
        for position in positions:
            if position < width and row[position] is not None:
                yield index + 1, row
                break


def iter_records(
    rows: list[list[object]], match: HeaderMatch
) -> Iterator[tuple[int, dict[str, object]]]:
    """(spreadsheet row number, {key: raw value}) for each non-empty data row."""
    positions = list(match.positions.items())
    start = match.header_row + 1
    if start < len(rows) and _is_numbering(rows[start]):
        start += 1
    for index in range(start, len(rows)):
        row = rows[index]
        width = len(row)
        if not width:
            continue
        record = {key: row[pos] if pos < width else None for key, pos in positions}
        for value in record.values():
            if value is not None:
                yield index + 1, record
                break
