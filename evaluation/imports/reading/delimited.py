"""CSV and other delimited text: the encoding (UTF-8, UTF-16 with a BOM,
Windows-1251), a check that the file is text at all, and the delimiter sniffed
from the first lines.
"""

from __future__ import annotations

import codecs
import csv
import io

from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading.safety import (
    NON_TABLE_SIGNATURES,
    RESAVE_XLSX,
    too_many_rows,
)

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
    for signature, what in NON_TABLE_SIGNATURES:
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
            f"{RESAVE_XLSX}"
        )
    if head.startswith("<?xml"):
        raise ImportFileError(
            f"Файл «{filename}» — таблица в формате XML, он не поддерживается. "
            f"{RESAVE_XLSX}"
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


def read_csv(data: bytes, filename: str, max_rows: int) -> list[list[object]]:
    text = _decode(data, filename)
    _looks_like_text(text, filename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[object]] = []
    try:
        for row in reader:
            if len(rows) >= max_rows:
                # Past the limit only empty lines may follow; keep none of them.
                if any(cell.strip() for cell in row):
                    too_many_rows(filename, max_rows)
                continue
            rows.append(row)  # type: ignore[arg-type]
    except csv.Error as error:
        raise ImportFileError(
            f"Файл «{filename}»: ошибка CSV в строке {reader.line_num} ({error}). "
            "Проверьте кавычки в этой строке."
        ) from None
    return rows
