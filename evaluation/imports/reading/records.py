"""The data rows under a found header, and what of the sheet is not loaded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from evaluation.imports.reading.headers import HeaderMatch, normalise


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
