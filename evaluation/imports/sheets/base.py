"""The base class of the import forms.

A form turns the records of a sheet (``reading.iter_records``) into validated
rows and, separately, writes them. Validation never touches the database
except to look things up, so a preview and a real import see the same errors,
and a file with any error writes nothing (see ``engine``).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils.functional import cached_property

from evaluation.imports import values
from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.reading import ColumnSpec, HeaderMatch
from evaluation.imports.reading import header_stems as normalise_header
from evaluation.imports.sheets.common import (
    SIGNATURE_TAIL,
    BadCell,
    Context,
    ConvertedTable,
    Field,
    OrganisationLookup,
    Row,
    WritePlan,
    decimal_text,
    declared_fields,
    is_signature_line,
    skipped_note,
)
from evaluation.models import Organisation

_MISSING = object()


PROGRESS_EVERY = 5000


def _counting(rows: Iterable[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    """Pass rows through, calling ``progress(done)`` every ``PROGRESS_EVERY``."""
    for index, row in enumerate(rows, start=1):
        if index % PROGRESS_EVERY == 0:
            progress(index)
        yield row


#: A column in points ("Итоговый балл"), not a rank ("Место в рейтинге").
_SCORE_WORDS = frozenset({"балл"})
OLD_SCALE_HEADER = re.compile(
    r"\b(?:из|max|макс\w*)\s*\.?\s*(?:10|160)\b|\b(?:10|160)\s*-?\s*бал"
)

#: Cells that mean "nothing here" in a column that may be empty.
EMPTY_MARKERS = frozenset({"-", "—", "–", "--", "нет", "-/-", "х", "x"})
_TOTAL_WORDS = ("итого", "всего")


class ImportForm:
    """Base class of the forms; subclasses set the class attributes."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    #: The form's declaration (:mod:`evaluation.imports.resources`): its
    #: columns become :attr:`fields` unless the class lists them itself.
    resource: ClassVar[type | None] = None
    fields: ClassVar[tuple[Field, ...]]
    campaign_kind: ClassVar[str | None] = None  # None: any kind
    needs_campaign: ClassVar[bool] = False  # True also when campaign_kind is set
    model: ClassVar[type[models.Model]]

    #: Stored values an empty cell may erase when the user asks for it
    #: (:attr:`Context.clears_empty`): model attribute → (the form's column
    #: that must be in the file, the value it is cleared to).
    clearable: ClassVar[Mapping[str, tuple[str, Any]]] = {}

    #: The form's columns found in the file (set by the engine).
    present: frozenset[str] = frozenset()

    @classmethod
    def can_clear(cls) -> bool:
        """Whether the preview offers «Пустые ячейки очищают сохранённые значения»."""
        return bool(cls.clearable)

    def cleared_keys(self) -> dict[str, str]:
        """The attributes an empty cell erases in this import, with their
        columns (none unless the user asked for it)."""
        if not self.context.clears_empty:
            return {}
        return {
            attribute: column
            for attribute, (column, _) in self.clearable.items()
            if column in self.present
        }

    def _cleared(self, row: Row, wanted: dict[str, Any]) -> dict[str, Any]:
        """``wanted`` with the values the row's empty cells erase."""
        for attribute, column in self.cleared_keys().items():
            if attribute not in wanted and row.values.get(column) in (None, ""):
                wanted[attribute] = self.clearable[attribute][1]
        return wanted

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "resource" in cls.__dict__ and "fields" not in cls.__dict__:
            cls.fields = declared_fields(cls.resource)

    @classmethod
    def columns(cls) -> list[ColumnSpec]:
        return [f.column for f in cls.fields]

    @classmethod
    def field(cls, key: str) -> Field:
        return next(f for f in cls.fields if f.key == key)

    # -- validation ----------------------------------------------------------

    @cached_property
    def lookup(self) -> OrganisationLookup:
        """Organisations by INN and code, loaded once per file."""
        return OrganisationLookup()

    def __init__(self, context: Context) -> None:
        self.context = context
        campaign = context.campaign
        # Preloaded once: membership is checked for every row of large files.
        self.members: set[int] | None = (
            set(campaign.organisations.values_list("pk", flat=True))
            if campaign
            else None
        )

    # Distinct raw values remembered per column when booleans may mix with
    # the numbers 0 and 1 (see ``_convert_column``).
    MEMO_LIMIT = 20_000

    def convert_columns(
        self,
        data: Sequence[tuple[int, Sequence[object]]],
        positions: Mapping[str, int],
        titles: Mapping[str, str],
    ) -> Iterator[tuple[int, dict[str, Any], list[CellError]]]:
        """Convert the sheet column by column; yield rows with their errors.

        ``data`` holds (spreadsheet row number, cells); see
        :meth:`convert_table`. Each row's dict is built only when it is
        yielded. Errors of a row come in column order. Rows with errors carry
        placeholders in their dict and must not be built (``validate`` does
        not).
        """
        return self._rows_of(self.convert_table(data, positions, titles))

    def convert_table(
        self,
        data: Sequence[tuple[int, Sequence[object]]],
        positions: Mapping[str, int],
        titles: Mapping[str, str],
    ) -> ConvertedTable:
        """Convert the sheet column by column.

        ``data`` holds (spreadsheet row number, cells). Each column is
        converted once per distinct raw value (survey files repeat the same
        dates, channels and "да"/"нет" hundreds of thousands of times;
        booleans are never shared with the equal numbers 1 and 0). A ``data``
        list is emptied once converted (the raw cells are freed early).
        """
        present = [spec for spec in self.fields if spec.key in positions]
        errors: dict[int, list[CellError]] = {}
        keys: list[str] = []
        columns: list[list[object]] = []
        numbers = [number for number, _ in data]
        table = [cells for _, cells in data]
        width = max(positions.values()) + 1
        for cells in table:  # trailing empty cells were trimmed: pad once
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
        for spec in present:
            raws = list(map(operator.itemgetter(positions[spec.key]), table))
            column, invalid = self._convert_column(spec, raws)
            del raws
            if invalid:
                title = titles.get(spec.key, spec.title)
                for index, value in enumerate(column):
                    if value.__class__ is BadCell:
                        errors.setdefault(index, []).append(
                            CellError(numbers[index], title, value.message)
                        )
            keys.append(spec.key)
            columns.append(column)
        del table
        if isinstance(data, list):
            data.clear()  # the raw cells are no longer needed: free them early
        return ConvertedTable(numbers, keys, columns, errors)

    def _convert_value(self, spec: Field, raw: object) -> object:
        """One raw cell converted, or :class:`BadCell` with the reason."""
        if raw is None or (raw.__class__ is str and not raw.strip()):
            return None if spec.blank else BadCell("не заполнено")
        if (
            spec.blank
            and raw.__class__ is str
            and not spec.markers_are_values
            and raw.strip().lower() in EMPTY_MARKERS
        ):
            return None
        try:
            return spec.convert(raw)
        except ValueError as error:
            return BadCell(str(error))

    def _convert_column(
        self, spec: Field, raws: list[object]
    ) -> tuple[list[object], bool]:
        """Converted values of one column (:class:`BadCell` where a cell is
        invalid) and whether any cell was invalid.

        The distinct raw values are collected first (in C) and each is
        converted once. A column holding a value equal to 0 or 1 may mix
        booleans with the numbers 0 and 1, which a dict would merge
        (``True == 1 == 1.0``), so such a column is converted cell by cell
        with a bounded memo that never holds a boolean.
        """
        distinct = dict.fromkeys(raws)
        if not (True in distinct or False in distinct):
            for raw in distinct:
                distinct[raw] = self._convert_value(spec, raw)
            invalid = any(value.__class__ is BadCell for value in distinct.values())
            return list(map(distinct.__getitem__, raws)), invalid
        del distinct
        memo: dict[object, object] = {}
        limit = self.MEMO_LIMIT
        invalid = False

        def miss(raw: object) -> object:
            nonlocal invalid
            value = self._convert_value(spec, raw)
            if value.__class__ is BadCell:
                invalid = True
            if raw.__class__ is not bool and len(memo) < limit:
                memo[raw] = value
            return value

        get = memo.get
        column = [
            value
            if raw.__class__ is not bool
            and (value := get(raw, _MISSING)) is not _MISSING
            else miss(raw)
            for raw in raws
        ]
        return column, invalid

    def validate_table(
        self,
        table: ConvertedTable,
        titles: Mapping[str, str],
        progress: Callable[[int], None] | None = None,
    ) -> tuple[list[Row], list[CellError]]:
        """Build rows from a converted table: :meth:`validate` row by row.

        ``progress`` is called with the number of rows done every
        ``PROGRESS_EVERY`` rows. Forms may override this with a column-wise
        path that must give exactly the same rows and errors.
        """
        rows = self._rows_of(table)
        if progress is not None:
            rows = _counting(rows, progress)
        return self.validate(rows, titles)

    @staticmethod
    def _rows_of(
        table: ConvertedTable,
    ) -> Iterator[tuple[int, dict[str, Any], list[CellError]]]:
        keys, errors = table.keys, table.errors
        rows = zip(*table.columns, strict=True)
        for index, (number, row) in enumerate(zip(table.numbers, rows, strict=True)):
            yield number, dict(zip(keys, row, strict=True)), errors.get(index, [])

    def check_scale(
        self, data: Sequence[tuple[int, list[object]]], match: HeaderMatch
    ) -> None:
        """Refuse a file on another scale than the method's 0–100 points.

        Old regional methods scored 10 or 160 points; such a file often
        carries a total or score column the form does not load («Итоговый
        балл»). Its values above 100 (or a header naming the old scale) mean
        every figure in the file is on that scale, so the whole file is
        refused with the reason rather than partly loaded.

        Raises:
            ImportFileError: the file is on another scale.
        """
        for column, title in zip(match.unknown_columns, match.unknown, strict=True):
            words = normalise_header(title)
            if not _SCORE_WORDS & words:
                continue
            if OLD_SCALE_HEADER.search(title.lower()):
                raise ImportFileError(
                    f"Столбец «{title}» — баллы по прежней шкале, а портал принимает "
                    "значения по методике приказа Минтруда № 344н (от 0 до 100 баллов). "
                    "Пересчитайте значения по действующей методике или загрузите "
                    "исходные данные оценки."
                )
            for number, cells in data:
                value = cells[column] if column < len(cells) else None
                try:
                    score = values.to_decimal(value, places=None)
                except ValueError:
                    continue
                if score > 100:
                    raise ImportFileError(
                        f"Файл заполнен по другой шкале: в столбце «{title}» строки "
                        f"{number} стоит {str(score).replace('.', ',')} балла, а по "
                        "методике приказа Минтруда № 344н баллы бывают от 0 до 100 "
                        "(так бывает в отчётах по старым 10- и 160-балльным методикам). "
                        "Пересчитайте значения по действующей методике или загрузите "
                        "исходные данные оценки."
                    )

    #: Filled by hand: a signature block or a note under the table ends it.
    signed: ClassVar[bool] = False

    #: The form's tables may carry «Итого»/«Всего» rows.
    totalled: ClassVar[bool] = False

    #: Number columns a total row does not add up (percentages, keys).
    not_summed: ClassVar[frozenset[str]] = frozenset({"inn", "position"})

    #: Rows of totals («Итого», «Всего») found by :meth:`prepare_rows`.
    total_rows: frozenset[int] = frozenset()

    def prepare_rows(
        self, data: list[tuple[int, list[object]]], positions: Mapping[str, int]
    ) -> tuple[list[tuple[int, list[object]]], list[str]]:
        """Recognise the rows people add around the data; return the data rows
        to convert and warnings.

        In forms that are ``totalled``, «Итого»/«Всего» rows (the first filled
        cell starts with the word) stay in the data, so they are converted,
        and are checked against the sum of the rows above them by
        :meth:`validate` instead of being imported; in forms that are
        ``signed``, a signature line ends the table. Forms override this to
        understand more (section headings).
        """
        totals = []
        notes: list[str] = []
        if not (self.totalled or self.signed):
            # No pass over large machine-made files: only their last rows are
            # looked at, for a signature block typed under the table.
            tail = len(data) - SIGNATURE_TAIL
            for index in range(max(tail, 1), len(data)):
                if is_signature_line(data[index][1]):
                    notes.append(skipped_note([n for n, _ in data[index:]]))
                    data = data[:index]
                    break
            return data, notes
        for index, (number, cells) in enumerate(data):
            first = next((cell for cell in cells if cell is not None), None)
            if first.__class__ is not str:
                continue
            text = first.strip().lower()
            if self.totalled and text.startswith(_TOTAL_WORDS):
                totals.append(number)
            elif self.signed and index and is_signature_line(cells):
                # The signature block ("Исполнитель: …, тел. …") ends the table.
                notes.append(skipped_note([n for n, _ in data[index:]]))
                data = data[:index]
                break
        self.total_rows = frozenset(totals)
        return data, notes

    def _check_total(
        self,
        number: int,
        converted: Mapping[str, Any],
        sums: Sequence[Mapping[str, Any]],
        titles: Mapping[str, str],
    ) -> list[CellError]:
        """A total row's numbers against the sums of the rows above it: since
        the previous total, or all of them (a grand total under subtotals)."""
        errors = []
        for key, value in converted.items():
            if value is None or value.__class__ is bool or value.__class__ is BadCell:
                continue
            if not isinstance(value, int | Decimal) or key in self.not_summed:
                continue
            found = [added.get(key, 0) for added in sums]
            if value not in found:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, self.field(key).title),
                        f"итог {decimal_text(Decimal(value))} не равен сумме строк выше "
                        f"({decimal_text(Decimal(found[0]))}); "
                        "исправьте итог или строки над ним",
                    )
                )
        return errors

    def validate(
        self,
        converted_rows: Iterable[tuple[int, dict[str, Any], list[CellError]]],
        titles: Mapping[str, str],
    ) -> tuple[list[Row], list[CellError]]:
        """Build rows from converted values; return rows and all errors (row order)."""
        rows: list[Row] = []
        errors: list[CellError] = []
        seen: dict[tuple, int] = {}
        totals = self.total_rows
        since: dict[str, Any] = {}
        overall: dict[str, Any] = {}
        broken = False  # a row above has errors: its numbers cannot be added up
        for number, converted, row_errors in converted_rows:
            if totals and number in totals:
                # Empty cells of a total row are not "не заполнено".
                errors.extend(e for e in row_errors if e.message != "не заполнено")
                if not broken:
                    errors.extend(
                        self._check_total(number, converted, (since, overall), titles)
                    )
                since = {}
                continue
            broken = broken or bool(row_errors)
            if totals and not row_errors:
                for key, value in converted.items():
                    if isinstance(value, int | Decimal) and value.__class__ is not bool:
                        since[key] = since.get(key, 0) + value
                        overall[key] = overall.get(key, 0) + value
            if not row_errors:
                row, more = self.build_row(number, converted, titles)
                row_errors.extend(more)
                if row is not None and not row_errors:
                    if row.key in seen:
                        row_errors.append(
                            CellError(
                                number,
                                self.key_title(titles),
                                f"строка повторяет строку {seen[row.key]}",
                            )
                        )
                    else:
                        seen[row.key] = number
                        rows.append(row)
            errors.extend(row_errors)
        return rows, errors

    def key_title(self, titles: Mapping[str, str]) -> str:
        return titles.get(self.fields[0].key, self.fields[0].title)

    def build_row(
        self, number: int, converted: dict[str, Any], titles: Mapping[str, str]
    ) -> tuple[Row | None, list[CellError]]:
        raise NotImplementedError

    def organisation_of(
        self,
        number: int,
        converted: Mapping[str, Any],
        titles: Mapping[str, str],
    ) -> tuple[Organisation | None, list[CellError]]:
        """Resolve the row's organisation and check the user may import it."""
        inn, code = converted.get("inn"), converted.get("code")
        name = converted.get("organisation_name")
        organisation, message = self.organisation_by(inn, code, name)
        if message is not None:
            title = (
                titles.get("inn")
                or titles.get("code")
                or titles.get("organisation_name")
                or "ИНН"
            )
            return None, [CellError(number, title, message)]
        return organisation, []

    def organisation_by(
        self, inn: str | None, code: str | None, name: str | None = None
    ) -> tuple[Organisation | None, str | None]:
        """The organisation of an INN, code or name and whether the user may
        import its rows: (organisation, None), or (None, the Russian reason).

        A row without any of them belongs to the file's organisation
        (:attr:`Context.organisation`) when there is one.
        """
        if not inn and not code and not name:
            if self.context.organisation is None:
                return None, (
                    "не указан ни ИНН, ни код организации; заполните столбец «ИНН» "
                    "или загрузите файл от имени одной организации"
                )
            organisation = self.context.organisation
        else:
            organisation = self.lookup.find(inn, code, name)
            own = self.context.organisation
            if organisation is not None and own is not None and organisation != own:
                return None, (
                    f"строка относится к другой организации («{organisation.short_name}»), "
                    f"а файл загружается за «{own.short_name}»; исправьте ИНН или "
                    "загрузите строки этой организации отдельным файлом"
                )
        if organisation is None:
            shown = (
                f"ИНН {inn}"
                if inn
                else f"кодом «{code}»"
                if code
                else f"наименованием «{name}»"
            )
            return None, f"организация с {shown} не найдена в реестре"
        allowed = self.context.allowed_organisations
        if allowed is not None and organisation.pk not in allowed:
            return None, (
                f"строка относится к другой организации («{organisation.short_name}»); "
                "загружать можно только данные своей организации"
            )
        if self.members is not None and organisation.pk not in self.members:
            return None, (
                f"организация «{organisation.short_name}» не участвует "
                f"в кампании «{self.context.campaign}»"
            )
        return organisation, None

    # -- writing ------------------------------------------------------------

    def plan(self, rows: list[Row]) -> WritePlan:
        """Sort rows into new, updated and unchanged against the database."""
        raise NotImplementedError

    def stored_values(self, row: Row) -> dict[str, Any]:
        """The values ``row`` sets on its stored object (the preview's
        old → new changes): a form whose empty cells keep the stored value
        (its ``_wanted``) leaves those out, and the preview shows them kept."""
        wanted = getattr(self, "_wanted", None)
        return wanted(row) if wanted is not None else row.values

    def write(self, plan: WritePlan) -> list[dict[str, Any]]:
        """Write the plan; return undo entries ``{"model", "pk", "before"}``."""
        raise NotImplementedError
