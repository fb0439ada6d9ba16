"""Errors of spreadsheet imports, with Russian messages for users."""

from __future__ import annotations

from dataclasses import dataclass


class ImportFileError(Exception):
    """A problem with the whole file (format, size, header); nothing is imported."""


@dataclass(frozen=True)
class CellError:
    """One problem in one cell.

    Attributes:
        row: 1-based row number as the user sees it in the spreadsheet.
        column: The column's header text as found in the file (or its letter).
        message: What is wrong, in Russian.
    """

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Строка {self.row}, столбец «{self.column}»: {self.message}"
