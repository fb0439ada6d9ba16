"""The official spreadsheet forms: their columns, row keys and how rows are written.

A form turns the records of a sheet (``reading.iter_records``) into validated
rows and, separately, writes them. Validation never touches the database
except to look things up, so a preview and a real import see the same errors,
and a file with any error writes nothing (see ``engine``).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.db import connections, models, router
from django.utils.functional import cached_property

from evaluation.bulk import JsonText, copy_lines, copy_text, insert_rows
from evaluation.enums import (
    CampaignKind,
    MeasureStatus,
    SurveyChannel,
    SurveyKind,
)
from evaluation.imports import resources, values
from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.reading import ColumnSpec, HeaderMatch
from evaluation.imports.reading import header_stems as normalise_header
from evaluation.models import (
    Campaign,
    DecadeSummary,
    District,
    ImprovementPlan,
    IndicatorInput,
    Measure,
    MeasureReport,
    Organisation,
    PlanItem,
    RegionalPlan,
    SurveyResponse,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.plans.council import start_plan_revision
from evaluation.regional.models import EXECUTOR_FIELDS
from evaluation.slugs import latin_slug

parse_executors = resources.parse_executors

Converter = Callable[[object], object]
_MISSING = object()


class _Bad:
    """An invalid cell's reason (shared between equal raw values)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


@dataclass(frozen=True)
class Field:
    """One column of a form.

    Attributes:
        key: Internal name (model field or calculator key).
        title: The canonical Russian header (templates, messages).
        aliases: Other wordings met in real files.
        convert: Turns a raw cell into a value; raises ValueError (Russian).
        required: The column must be present in the file.
        blank: The cell may be empty (value None).
        choices: ``(value, label)`` pairs: validation list in the template.
        help: One line for the template's instructions sheet.
        widget: The declaration's widget (see :mod:`evaluation.imports.resources`),
            whose ``clean`` is ``convert``.
    """

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    convert: Converter = values.to_text
    required: bool = True
    blank: bool = False
    choices: Sequence[tuple[str, str]] | None = None
    help: str = ""
    widget: Any = None

    @property
    def column(self) -> ColumnSpec:
        return ColumnSpec(self.key, self.title, self.aliases, self.required)

    @property
    def markers_are_values(self) -> bool:
        """Whether «нет» and «-» are values of this column (yes/no), not
        :data:`EMPTY_MARKERS`."""
        return self.convert is values.to_bool or getattr(
            self.widget, "markers_are_values", False
        )

    @classmethod
    def declared(cls, name: str, declared: resources.FormField) -> Field:
        """The form column of a Resource's field: its widget's ``clean`` (a
        foreign key's ``clean_key``) converts each distinct cell."""
        widget = declared.widget
        convert = (
            widget.clean_key
            if isinstance(widget, resources.NaturalKeyWidget)
            else widget.clean
        )
        return cls(
            name,
            declared.column_name,
            declared.aliases,
            convert,
            required=declared.required,
            blank=declared.blank,
            choices=declared.choices,
            help=declared.help,
            widget=widget,
        )


def declared_fields(resource: type) -> tuple[Field, ...]:
    """A Resource's columns as form fields (``Meta.fields`` order)."""
    return tuple(
        Field.declared(name, declared)
        for name, declared in resources.form_fields(resource)
    )


@dataclass(slots=True)
class Row:
    """A validated row: the spreadsheet row number, its natural key and values."""

    number: int
    key: tuple
    values: dict[str, Any]
    organisation: Organisation | None = None
    report: tuple | None = None  # improvement plans: (done, actual date)
    shown: dict[str, str] | None = None  # preview text of values read from words


@dataclass
class Context:
    """Who imports what into which campaign.

    ``allowed_organisations`` is None for editors (everything), else the ids
    of the organisations the user may import rows for. ``organisation`` is
    the organisation a single-organisation file belongs to (the command's
    ``--organisation``, or an institution user's only organisation): rows
    without an ИНН or code are its rows.
    """

    campaign: Campaign | None = None
    allowed_organisations: frozenset[int] | None = None
    user: Any = None
    organisation: Organisation | None = None
    #: The preview's «Пустые ячейки очищают сохранённые значения»: an empty
    #: cell of a column the file has erases the stored value (see
    #: :attr:`ImportForm.clearable`) instead of keeping it.
    clears_empty: bool = False


@dataclass
class Plan:
    """What writing the rows would do."""

    new: list[Row] = field(default_factory=list)
    updated: list[tuple[Row, models.Model]] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)


@dataclass
class ConvertedTable:
    """A sheet's data converted column by column.

    Attributes:
        numbers: The spreadsheet row number of each data row.
        keys: The form's keys of the columns present in the file.
        columns: For each key, the converted value of every row (a ``_Bad``
            placeholder where a cell is invalid).
        errors: The conversion errors of each row (by row index, in column
            order); a row with errors must not be built.
    """

    numbers: list[int]
    keys: list[str]
    columns: list[list[object]]
    errors: dict[int, list[CellError]]

    def column(self, key: str) -> Sequence[object]:
        """The values of ``key``, or None for every row when it is absent."""
        if key in self.keys:
            return self.columns[self.keys.index(key)]
        return [None] * len(self.numbers)


PROGRESS_EVERY = 5000


def _counting(rows: Iterable[Any], progress: Callable[[int], None]) -> Iterator[Any]:
    """Pass rows through, calling ``progress(done)`` every ``PROGRESS_EVERY``."""
    for index, row in enumerate(rows, start=1):
        if index % PROGRESS_EVERY == 0:
            progress(index)
        yield row


class OrganisationLookup:
    """Find organisations by INN or short code, as written in a file."""

    def __init__(self) -> None:
        self.by_inn: dict[str, Organisation] = {}
        self.by_code: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation | None] = {}
        for organisation in Organisation.objects.all():
            if organisation.inn:
                self.by_inn[organisation.inn] = organisation
            if organisation.code:
                self.by_code[organisation.code.casefold()] = organisation
            for name in {organisation.name, organisation.short_name}:
                key = values.normalise_choice(name)
                if key:  # a name two organisations share identifies neither
                    known = self.by_name.get(key, organisation)
                    self.by_name[key] = organisation if known == organisation else None

    def find(
        self, inn: str | None, code: str | None, name: str | None = None
    ) -> Organisation | None:
        if inn and inn in self.by_inn:
            return self.by_inn[inn]
        if code and code.casefold() in self.by_code:
            return self.by_code[code.casefold()]
        if name and not inn and not code:
            return self.by_name.get(values.normalise_choice(name))
        return None


def _choice(choices: Sequence[tuple[str, str]]) -> Converter:
    lookup: dict[str, str] = {}

    def convert(value: object) -> object:
        # Labels are lazy translations: build the lookup on first use.
        if not lookup:
            for stored, label in choices:
                lookup[values.normalise_choice(stored)] = stored
                lookup[values.normalise_choice(label)] = stored
        found = lookup.get(values.normalise_choice(value))
        if found is None:
            return values.to_choice(value, choices)  # raises with the allowed labels
        return found

    return convert


def _text(max_length: int) -> Converter:
    def convert(value: object) -> object:
        return values.to_text(value, max_length=max_length)

    return convert


ORGANISATION_FIELDS = declared_fields(resources.OrganisationColumns)
#: Forms that institutions fill by hand also find an organisation by name.
NAMED_ORGANISATION_FIELDS = declared_fields(resources.NamedOrganisationColumns)

#: How the name of a unit under an organisation's row begins.
_UNIT = re.compile(
    r"^(?:в\s*(?:том\s+числе|т\.\s*ч\.)\s*:?\s*)?(?:-\s*)?"
    r"(?:отделени|филиал|структурн\w*\s+подразделени|участ(?:ок|ковая))"
)

#: A column in points ("Итоговый балл"), not a rank ("Место в рейтинге").
_SCORE_WORDS = frozenset({"балл"})
_OLD_SCALE_HEADER = re.compile(
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
                    if value.__class__ is _Bad:
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
        """One raw cell converted, or :class:`_Bad` with the reason."""
        if raw is None or (raw.__class__ is str and not raw.strip()):
            return None if spec.blank else _Bad("не заполнено")
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
            return _Bad(str(error))

    def _convert_column(
        self, spec: Field, raws: list[object]
    ) -> tuple[list[object], bool]:
        """Converted values of one column (:class:`_Bad` where a cell is
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
            invalid = any(value.__class__ is _Bad for value in distinct.values())
            return list(map(distinct.__getitem__, raws)), invalid
        del distinct
        memo: dict[object, object] = {}
        limit = self.MEMO_LIMIT
        invalid = False

        def miss(raw: object) -> object:
            nonlocal invalid
            value = self._convert_value(spec, raw)
            if value.__class__ is _Bad:
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
            if _OLD_SCALE_HEADER.search(title.lower()):
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
            tail = len(data) - _SIGNATURE_TAIL
            for index in range(max(tail, 1), len(data)):
                if _signature(data[index][1]):
                    notes.append(_skipped_note([n for n, _ in data[index:]]))
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
            elif self.signed and index and _signature(cells):
                # The signature block ("Исполнитель: …, тел. …") ends the table.
                notes.append(_skipped_note([n for n, _ in data[index:]]))
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
            if value is None or value.__class__ is bool or value.__class__ is _Bad:
                continue
            if not isinstance(value, int | Decimal) or key in self.not_summed:
                continue
            found = [added.get(key, 0) for added in sums]
            if value not in found:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, self.field(key).title),
                        f"итог {_number(Decimal(value))} не равен сумме строк выше "
                        f"({_number(Decimal(found[0]))}); "
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

    def plan(self, rows: list[Row]) -> Plan:
        """Sort rows into new, updated and unchanged against the database."""
        raise NotImplementedError

    def stored_values(self, row: Row) -> dict[str, Any]:
        """The values ``row`` sets on its stored object (the preview's
        old → new changes): a form whose empty cells keep the stored value
        (its ``_wanted``) leaves those out, and the preview shows them kept."""
        wanted = getattr(self, "_wanted", None)
        return wanted(row) if wanted is not None else row.values

    def write(self, plan: Plan) -> list[dict[str, Any]]:
        """Write the plan; return undo entries ``{"model", "pk", "before"}``."""
        raise NotImplementedError


def _sort_rows(
    rows: Iterable[Row],
    existing: Mapping[Any, models.Model],
    *,
    key: Callable[[Row], Any] = lambda row: row.key,
    changed: Callable[[Row, Any], bool] | None = None,
) -> Plan:
    """Sort rows into new, updated and unchanged against the stored objects.

    ``existing`` maps ``key(row)`` to the stored object; a row differs when
    ``changed(row, current)`` says so (by default: any of its values).
    """
    plan = Plan()
    for row in rows:
        current = existing.get(key(row))
        if current is None:
            plan.new.append(row)
        elif changed(row, current) if changed else _differs(current, row.values):
            plan.updated.append((row, current))
        else:
            plan.unchanged.append(row)
    return plan


def _differs(instance: models.Model, new_values: Mapping[str, Any]) -> bool:
    return any(getattr(instance, key) != value for key, value in new_values.items())


def _snapshot(instance: models.Model, keys: Iterable[str]) -> dict[str, Any]:
    return {key: _jsonable(getattr(instance, key)) for key in keys}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
        return str(value)
    return value


class OrganisationsForm(ImportForm):
    """The register of social-service providers."""

    name = "organisations"
    title = "Реестр организаций"
    description = (
        "Организации с видом, районом, вышестоящей организацией, сайтом и численностью."
    )
    model = Organisation
    resource = resources.OrganisationResource
    WRITABLE = (
        "name",
        "short_name",
        "kind",
        "district_id",
        "code",
        "parent_id",
        "website",
        "has_online_questionnaire",
        "recipients_count",
        "registered_count",
        "counts_as_of",
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.districts = {d.name.casefold(): d for d in District.objects.all()}
        self.existing = {o.inn: o for o in Organisation.objects.exclude(inn="")}
        self.file_inns: set[str] = set()

    def validate(self, converted_rows, titles):
        converted_rows = list(converted_rows)
        self.file_inns = {
            c["inn"] for _, c, _ in converted_rows if isinstance(c.get("inn"), str)
        }
        return super().validate(converted_rows, titles)

    def build_row(self, number, converted, titles):
        errors = []
        district = self.districts.get(str(converted["district"]).casefold())
        if district is None:
            errors.append(
                CellError(
                    number,
                    titles.get("district", "Район"),
                    f"район «{converted['district']}» не найден в справочнике районов; "
                    "добавьте его в меню «Оценка качества» → «Районы» или "
                    "исправьте название в файле",
                )
            )
        parent_inn = converted.get("parent_inn")
        parent = self.existing.get(parent_inn) if parent_inn else None
        if parent_inn and parent_inn == converted.get("inn"):
            errors.append(
                CellError(
                    number,
                    titles.get("parent_inn", "ИНН вышестоящей организации"),
                    "организация указана вышестоящей для самой себя; укажите ИНН "
                    "вышестоящей организации (для отделений — КГКУ «УСЗН») "
                    "или оставьте ячейку пустой",
                )
            )
        elif parent_inn and parent is None and parent_inn not in self.file_inns:
            errors.append(
                CellError(
                    number,
                    titles.get("parent_inn", "ИНН вышестоящей организации"),
                    f"вышестоящая организация с ИНН {parent_inn} не найдена",
                )
            )
        if errors:
            return None, errors
        existing = self.existing.get(converted["inn"])
        row_values = {
            "name": converted["name"],
            "short_name": converted["short_name"],
            "kind": converted["kind"],
            "district_id": district.pk,
            # The code is required and unique: a register without codes keeps
            # the stored one, and a new organisation gets its ИНН.
            "code": converted.get("code")
            or (existing.code if existing else converted["inn"]),
            # Optional values the file leaves empty (or lacks a column for)
            # are None: a stored organisation keeps its value (see _wanted).
            "website": converted.get("website") or None,
            "has_online_questionnaire": converted.get("has_online_questionnaire"),
            "recipients_count": converted.get("recipients_count"),
            "registered_count": converted.get("registered_count"),
            "counts_as_of": converted.get("counts_as_of"),
            "parent_inn": parent_inn,
        }
        allowed = self.context.allowed_organisations
        if allowed is not None and (existing is None or existing.pk not in allowed):
            return None, [
                CellError(
                    number,
                    titles.get("inn", "ИНН"),
                    "загружать реестр может только редактор министерства; эта организация не ваша",
                )
            ]
        return Row(number, (converted["inn"],), row_values, existing), []

    def key_title(self, titles):
        return titles.get("inn", "ИНН")

    def _values(self, row: Row, parents: Mapping[str, Organisation]) -> dict[str, Any]:
        """The model values a row sets: empty cells (None) are left out, so a
        re-imported register never erases a stored site, count or parent."""
        data = {
            k: v for k, v in row.values.items() if k != "parent_inn" and v is not None
        }
        parent_inn = row.values["parent_inn"]
        if parent_inn and parent_inn in parents:
            data["parent_id"] = parents[parent_inn].pk
        return self._cleared(row, data)

    def _wanted(self, row: Row) -> dict[str, Any]:
        return self._values(row, self.existing)

    clearable = {
        "website": ("website", ""),
        "has_online_questionnaire": ("has_online_questionnaire", False),
        "recipients_count": ("recipients_count", None),
        "registered_count": ("registered_count", None),
        "counts_as_of": ("counts_as_of", None),
        "parent_id": ("parent_inn", None),
    }

    def plan(self, rows):
        return _sort_rows(
            rows,
            self.existing,
            key=lambda row: row.key[0],
            changed=lambda row, current: _differs(current, self._wanted(row)),
        )

    def write(self, plan):
        changes = []
        created = {}
        for row in plan.new:
            data = self._values(row, self.existing)
            data.pop("parent_id", None)
            slug_base = row.values["short_name"]
            organisation = Organisation.objects.create(
                inn=row.key[0], slug=_unique_slug(slug_base, row.key[0]), **data
            )
            created[row.key[0]] = organisation
            changes.append(
                {"model": "organisation", "pk": organisation.pk, "before": None}
            )
        parents = {**self.existing, **created}
        for row in plan.new:
            parent_inn = row.values["parent_inn"]
            if parent_inn:
                Organisation.objects.filter(pk=created[row.key[0]].pk).update(
                    parent_id=parents[parent_inn].pk
                )
        for row, existing in plan.updated:
            data = self._values(row, parents)
            changes.append(
                {
                    "model": "organisation",
                    "pk": existing.pk,
                    "before": _snapshot(existing, data),
                }
            )
            Organisation.objects.filter(pk=existing.pk).update(**data)
        return changes


def _unique_slug(text: str, inn: str) -> str:
    base = latin_slug(text) or "org"
    return f"{base}-{inn}"[:100]


class SurveyResponsesForm(ImportForm):
    """Questionnaires of a campaign, one row each (no personal data)."""

    name = "survey_responses"
    title = "Анкеты получателей услуг"
    description = "Одна строка — одна анкета: номер, дата, канал, форма, ответы на вопросы 1–15, предложения."
    campaign_kind = CampaignKind.DECADE
    model = SurveyResponse
    resource = resources.SurveyResponseResource
    ANSWER_KEYS = tuple(f"q{n}" for n in range(1, 16))
    WRITABLE = (
        "collected_on",
        "channel",
        "kind",
        "external_territorial",
        "answers",
        "suggestion",
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        # Answer patterns repeat: rows share one (never mutated) dict per
        # pattern, and its JSON is encoded once (see ``write``).
        self._answers: dict[tuple, dict[str, bool | None]] = {}
        self._answers_json: dict[int, JsonText] = {}
        self._get_answers = operator.itemgetter(*self.ANSWER_KEYS)

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        pattern = self._get_answers(converted)
        answers = self._answers.get(pattern)
        if answers is None:
            answers = self._answers[pattern] = dict(
                zip(self.ANSWER_KEYS, pattern, strict=True)
            )
        row_values = {
            "collected_on": converted["collected_on"],
            "channel": converted["channel"],
            "kind": converted.get("kind") or SurveyKind.QUESTIONNAIRE,
            "external_territorial": bool(converted.get("external_territorial")),
            "answers": answers,
            "suggestion": converted.get("suggestion") or "",
        }
        return Row(
            number, (organisation.pk, converted["number"]), row_values, organisation
        ), []

    def key_title(self, titles):
        return titles.get("number", "Номер анкеты")

    def validate_table(self, table, titles, progress=None):
        """:meth:`validate` column by column, with exactly its rows and errors.

        Survey files run to hundreds of thousands of rows of a few
        organisations, so the organisation of each distinct INN and code is
        resolved once, and no per-row dict of converted values is built.
        (``tests/evaluation/test_import_speed_survey.py`` compares this with
        the row-by-row path on files with every kind of error.)
        """
        column = table.column
        conversion_errors = table.errors
        organisation_title = titles.get("inn") or titles.get("code") or "ИНН"
        key_title = self.key_title(titles)
        resolved: dict[tuple, tuple[Organisation | None, str | None]] = {}
        patterns = self._answers
        questionnaire = SurveyKind.QUESTIONNAIRE
        rows: list[Row] = []
        errors: list[CellError] = []
        seen: dict[tuple, int] = {}
        cells = zip(
            table.numbers,
            column("inn"),
            column("code"),
            column("number"),
            column("collected_on"),
            column("channel"),
            column("kind"),
            column("external_territorial"),
            column("suggestion"),
            zip(*(column(key) for key in self.ANSWER_KEYS), strict=True),
            strict=True,
        )
        for index, (
            number, inn, code, identifier, collected_on, channel, kind, external,
            suggestion, pattern,
        ) in enumerate(cells, start=1):  # fmt: skip
            if progress is not None and not index % PROGRESS_EVERY:
                progress(index)
            row_errors = conversion_errors.get(index - 1)
            if row_errors:
                errors.extend(row_errors)
                continue
            found = resolved.get((inn, code))
            if found is None:
                found = resolved[inn, code] = self.organisation_by(inn, code)
            organisation, message = found
            if message is not None:
                errors.append(CellError(number, organisation_title, message))
                continue
            key = (organisation.pk, identifier)
            if key in seen:
                errors.append(
                    CellError(number, key_title, f"строка повторяет строку {seen[key]}")
                )
                continue
            seen[key] = number
            answers = patterns.get(pattern)
            if answers is None:
                answers = patterns[pattern] = dict(
                    zip(self.ANSWER_KEYS, pattern, strict=True)
                )
            rows.append(
                Row(
                    number,
                    key,
                    {
                        "collected_on": collected_on,
                        "channel": channel,
                        "kind": kind or questionnaire,
                        "external_territorial": bool(external),
                        "answers": answers,
                        "suggestion": suggestion or "",
                    },
                    organisation,
                )
            )
        return rows, errors

    def _json(self, answers: dict) -> JsonText:
        encoded = self._answers_json.get(id(answers))
        if encoded is None:
            encoded = self._answers_json[id(answers)] = JsonText(json.dumps(answers))
        return encoded

    def _copy_lines(self, rows: Iterable[Row], now) -> Iterator[str]:
        """The ``COPY`` lines of new responses, in the column order of
        ``write``; each distinct date, choice, answer pattern and suggestion
        is formatted once."""
        from evaluation.enums import DataSource

        texts: dict[object, str] = {}
        answers_texts: dict[int, str] = {}
        head = f"{self.context.campaign.pk}\t"
        tail = f"\t\t\t{copy_text(DataSource.IMPORT)}\tf\t\t{now.isoformat()}\n"
        for row in rows:
            organisation_id, number = row.key
            v = row.values
            answers = v["answers"]
            answers_text = answers_texts.get(id(answers))
            if answers_text is None:
                answers_text = answers_texts[id(answers)] = copy_text(
                    self._json(answers)
                )
            collected_on, channel, kind, suggestion = (
                v["collected_on"], v["channel"], v["kind"], v["suggestion"]
            )  # fmt: skip
            for value in (collected_on, channel, kind, suggestion):
                if value not in texts:
                    texts[value] = copy_text(  # str() of a choice is its value
                        str(value) if isinstance(value, str) else value.isoformat()
                    )
            yield (
                f"{head}{organisation_id}\t{copy_text(number)}\t{texts[collected_on]}"
                f"\t{texts[channel]}\t{texts[kind]}"
                f"\t{'t' if v['external_territorial'] else 'f'}\t{answers_text}"
                f"\t{texts[suggestion]}{tail}"
            )

    def plan(self, rows):
        campaign = self.context.campaign
        organisation_ids = {row.key[0] for row in rows}
        existing = {
            (r.organisation_id, r.number): r
            for r in SurveyResponse.objects.filter(
                campaign=campaign, organisation_id__in=organisation_ids
            ).exclude(number="")
        }
        return _sort_rows(rows, existing)

    def write(self, plan):
        from django.utils import timezone

        from evaluation.enums import DataSource

        campaign_id = self.context.campaign.pk
        now = timezone.now()
        columns = (
            "campaign_id", "organisation_id", "number", "collected_on", "channel",
            "kind", "external_territorial", "answers", "suggestion", "sex",
            "age_group", "source", "excluded", "exclusion_reason", "created_at",
        )  # fmt: skip
        if connections[router.db_for_write(SurveyResponse)].vendor == "postgresql":
            copy_lines(SurveyResponse, columns, self._copy_lines(plan.new, now))
        else:
            insert_rows(
                SurveyResponse,
                columns,
                [
                    (
                        campaign_id,
                        row.key[0],
                        row.key[1],
                        v["collected_on"],
                        v["channel"],
                        v["kind"],
                        v["external_territorial"],
                        self._json(v["answers"]),
                        v["suggestion"],
                        "",
                        "",
                        DataSource.IMPORT,
                        False,
                        "",
                        now,
                    )
                    for row in plan.new
                    for v in (row.values,)
                ],
            )
        # Created responses are listed by organisation: one entry per
        # organisation, not per row, keeps the undo data of a 100,000-row
        # file small (``engine.undo_import`` deletes them by number).
        created: dict[int, list[str]] = {}
        for organisation_id, number in map(operator.attrgetter("key"), plan.new):
            numbers = created.get(organisation_id)
            if numbers is None:
                numbers = created[organisation_id] = []
            numbers.append(number)
        changes: list[dict[str, Any]] = [
            {
                "model": "surveyresponse",
                "organisation": organisation_id,
                "numbers": numbers,
                "before": None,
            }
            for organisation_id, numbers in created.items()
        ]
        for row, current in plan.updated:
            changes.append(
                {
                    "model": "surveyresponse",
                    "pk": current.pk,
                    "before": _snapshot(current, row.values),
                }
            )
            for key, value in row.values.items():
                setattr(current, key, value)
        if plan.updated:
            SurveyResponse.objects.bulk_update(
                [c for _, c in plan.updated], list(self.WRITABLE), batch_size=2000
            )
        return changes


class NokResultsForm(ImportForm):
    """An operator's results of a НОК campaign: the inputs of every indicator."""

    name = "nok_results"
    title = "Результаты оператора НОК"
    description = "По каждой организации: перечни 1.1, число каналов и условий, число опрошенных и ответов «да» по вопросам 1–15."
    campaign_kind = CampaignKind.NOK
    model = IndicatorInput
    resource = resources.NokResultsResource

    def build_row(self, number, converted, titles):
        from evaluation.rating import RatingInputError, parse_inputs

        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        payload = resources.nok_payload(converted, self.context.campaign.method_version)
        try:
            inputs = parse_inputs(payload)
        except RatingInputError as error:
            return None, [
                CellError(number, _title_for_path(e.field, titles), e.message)
                for e in error.errors
            ]
        row_values = IndicatorInput.fields_from(inputs)
        return Row(number, (organisation.pk,), row_values, organisation), []

    def key_title(self, titles):
        return titles.get("inn") or titles.get("code") or "ИНН"

    def plan(self, rows):
        existing = {
            i.organisation_id: i
            for i in IndicatorInput.objects.filter(campaign=self.context.campaign)
        }
        return _sort_rows(rows, existing, key=lambda row: row.key[0])

    def write(self, plan):
        from evaluation.enums import DataSource

        changes = []
        reference = getattr(self, "reference", "")
        for row in plan.new:
            item = IndicatorInput.objects.create(
                campaign=self.context.campaign,
                organisation_id=row.key[0],
                source=DataSource.IMPORT,
                source_reference=reference,
                updated_by=_user(self.context.user),
                **row.values,
            )
            changes.append({"model": "indicatorinput", "pk": item.pk, "before": None})
        for row, current in plan.updated:
            before = _snapshot(current, [*row.values, "source", "source_reference"])
            changes.append(
                {"model": "indicatorinput", "pk": current.pk, "before": before}
            )
            IndicatorInput.objects.filter(pk=current.pk).update(
                source=DataSource.IMPORT,
                source_reference=reference,
                updated_by=_user(self.context.user),
                **row.values,
            )
        return changes


def _user(user):
    return user if getattr(user, "pk", None) else None


_PATH_KEYS = {
    "info_stand.present": "info_stand_present",
    "info_stand.required": "info_stand_required",
    "info_site.present": "info_site_present",
    "info_site.required": "info_site_required",
    "answered.q13": "answered_q13",
}


def _title_for_path(path: str, titles: Mapping[str, str]) -> str:
    """The file's header of the column a calculator field path came from."""
    key = _PATH_KEYS.get(path)
    if key is None and path.startswith("yes.q"):
        key = f"yes_q{path[5:]}"
    if key is None:
        key = path
    return titles.get(key, path)


class TargetIndicatorsForm(ImportForm):
    """Target indicators of the regional plan with plan and actual by year."""

    name = "target_indicators"
    title = "Целевые показатели (план и факт по годам)"
    description = (
        "Одна строка — показатель в одном году: наименование, единица, год, план, факт."
    )
    model = TargetIndicator
    resource = resources.TargetIndicatorValueResource

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.indicators = {i.title.casefold(): i for i in TargetIndicator.objects.all()}

    def build_row(self, number, converted, titles):
        unit = converted.get("unit") or "%"
        errors = []
        year = converted["year"]
        if not 2000 <= year <= 2100:
            errors.append(
                CellError(
                    number,
                    titles.get("year", "Год"),
                    f"год {year} вне диапазона 2000–2100",
                )
            )
        for key in ("planned", "actual"):
            value = converted.get(key)
            if value is not None and value < 0:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, key),
                        f"значение {_number(value)} отрицательное; "
                        "укажите ноль или больше",
                    )
                )
            elif value is not None and unit == "%" and value > 100:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, key),
                        f"процент больше 100 ({_number(value)}); проверьте значение "
                        "или единицу измерения",
                    )
                )
        if errors:
            return None, errors
        title = converted["title"]
        row_values = {
            "title": title,
            "unit": unit,
            "position": converted.get("position"),
            "planned": converted.get("planned"),
            "actual": converted.get("actual"),
        }
        return Row(number, (title.casefold(), year), row_values), []

    def key_title(self, titles):
        return titles.get("title", "Наименование показателя")

    def plan(self, rows):
        existing = {
            (v.indicator.title.casefold(), v.year): v
            for v in TargetIndicatorValue.objects.select_related("indicator")
        }
        return _sort_rows(
            rows,
            existing,
            changed=lambda row, current: (
                _differs(
                    current,
                    {"planned": row.values["planned"], "actual": row.values["actual"]},
                )
                or current.indicator.unit != row.values["unit"]
            ),
        )

    def _indicator(self, row: Row, changes: list) -> TargetIndicator:
        key = row.key[0]
        indicator = self.indicators.get(key)
        if indicator is None:
            indicator = TargetIndicator.objects.create(
                title=row.values["title"],
                unit=row.values["unit"],
                position=row.values["position"] or len(self.indicators) + 1,
            )
            self.indicators[key] = indicator
            changes.append(
                {"model": "targetindicator", "pk": indicator.pk, "before": None}
            )
        elif indicator.unit != row.values["unit"]:
            changes.append(
                {
                    "model": "targetindicator",
                    "pk": indicator.pk,
                    "before": {"unit": indicator.unit},
                }
            )
            TargetIndicator.objects.filter(pk=indicator.pk).update(
                unit=row.values["unit"]
            )
            indicator.unit = row.values["unit"]
        return indicator

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        for row in plan.new:
            indicator = self._indicator(row, changes)
            value = TargetIndicatorValue.objects.create(
                indicator=indicator,
                year=row.key[1],
                planned=row.values["planned"],
                actual=row.values["actual"],
            )
            changes.append(
                {"model": "targetindicatorvalue", "pk": value.pk, "before": None}
            )
        for row, current in plan.updated:
            self._indicator(row, changes)
            wanted = {"planned": row.values["planned"], "actual": row.values["actual"]}
            changes.append(
                {
                    "model": "targetindicatorvalue",
                    "pk": current.pk,
                    "before": _snapshot(current, wanted),
                }
            )
            TargetIndicatorValue.objects.filter(pk=current.pk).update(**wanted)
        return changes


_WrittenDate = resources.WrittenDate
_Recurring = resources.Recurring
_due_date = resources.due_date
_measure_number = resources.measure_number


_ROMAN_HEADING = re.compile(r"^(?:раздел\s+)?(iv|v|i{1,3})(?:[.)]|\s|$)")
#: How a heading naming a criterion begins (after its number, if any).
_CRITERION_WORDS = (
    ("K1", ("открытост",)),
    ("K2", ("комфортност",)),
    ("K3", ("доступност",)),
    ("K4", ("доброжелательност", "вежливост")),
    ("K5", ("удовлетвор",)),
)
_HEADING_NUMBER = re.compile(r"^(?:раздел\s+)?\d{1,2}[.)]?\s+")
_ROMAN_NUMBERS = ("i", "ii", "iii", "iv", "v")
#: The first cell of a line under the table: a signature, a seal, a note.
_SIGNATURE = re.compile(
    r"^(?:руководител|директор|исполнител[ьи]?\b|тел\b|телефон|примечани|\*|"
    r"согласован|утвержд|главный бухгалтер|заместител|дата составления|подпис|"
    r"м\.\s*п\.?$)"
)
_SIGNATURE_LINE = re.compile(r"_{3,}")
#: How many last rows of a large form are checked for a signature block.
_SIGNATURE_TAIL = 8


def _signature(cells: Sequence[object]) -> bool:
    """Whether a row is a line of the signature block or a note."""
    first = next((cell for cell in cells if cell is not None), None)
    if first.__class__ is not str:
        return False
    return bool(
        _SIGNATURE.match(first.strip().lower())
        or any(cell.__class__ is str and _SIGNATURE_LINE.search(cell) for cell in cells)
    )


def _has_due_date(cells: Sequence[object], column: int | None) -> bool:
    """Whether a row's planned-date cell reads as a due date (a measure), not
    as the line of a signature ("____________")."""
    if column is None or column >= len(cells) or cells[column] is None:
        return False
    try:
        _due_date(cells[column])
    except ValueError:
        return False
    return True


def _number(value: Decimal) -> str:
    """A number as people write it: "25", "4,8" (the same for 25.0 and "25")."""
    return format(value.normalize(), "f").replace(".", ",")


def _skipped_note(numbers: Sequence[int]) -> str:
    first, last = numbers[0], numbers[-1]
    where = f"строка {first}" if first == last else f"строки {first}–{last}"
    return f"Под таблицей {where} (подписи, примечания) не загружаются."


def heading_criterion(text: str) -> str | None:
    """The criterion (K1–K5) a section heading row names, or None.

    Headings are numbered with Roman numerals (I–V, as the federal form does)
    or begin with the criterion's name ("Открытость и доступность …",
    "4. Доброжелательность, вежливость …"); a measure that merely mentions
    a word of a criterion ("Установить пандус для инвалидов") is not one.
    """
    low = " ".join(text.lower().replace("ё", "е").split())
    match = _ROMAN_HEADING.match(low)
    if match:
        return f"K{_ROMAN_NUMBERS.index(match.group(1)) + 1}"
    low = _HEADING_NUMBER.sub("", low)
    for code, words in _CRITERION_WORDS:
        if low.startswith(words):
            return code
    return None


class ImprovementPlanForm(ImportForm):
    """The federal plan form (ПП РФ № 457): deficiencies, measures, progress.

    Files are read as institutions fill them: section headings (I–V, or a
    criterion's name) set the criterion of the measures under them and are
    not measures; the signature block and notes under the table are skipped;
    due dates may be phrases (see :func:`_due_date`). A measure is found again
    on re-import by its number within the plan (or, in a file without
    numbers, by its wording), and an empty cell keeps the stored value.
    """

    name = "improvement_plan"
    title = "План мероприятий по устранению недостатков"
    description = (
        "Одна строка — мероприятие: недостаток (с кодом показателя), мероприятие, "
        "плановый срок, ответственный с должностью; для отчёта — реализованные меры и "
        "фактический срок."
    )
    needs_campaign = True
    model = Measure
    resource = resources.ImprovementPlanResource

    #: Keys that are about the organisation or the row's number, not its content.
    _FRAME_KEYS = frozenset({"inn", "code", "organisation_name", "position"})

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.sections: dict[int, str] = {}
        self.ordinals: dict[int, int] = {}

    def prepare_rows(self, data, positions):
        """Take section headings and the signature block out of the data.

        A row with at most one filled content cell whose text is a heading
        (see :func:`heading_criterion`) sets the criterion of the rows under
        it. Once measures have been read, a row that looks like a signature
        or a note (and has no planned date) ends the table: it and every row
        below are skipped, and a warning lists them. A measure without a
        deficiency under one with it in the same section shares that
        deficiency (a cell merged down over several measures); a warning
        lists these rows too.
        """
        data, notes = super().prepare_rows(data, positions)
        content = [p for key, p in positions.items() if key not in self._FRAME_KEYS]
        date_column = positions.get("planned_date")
        deficiency = positions.get("deficiency")
        kept: list[tuple[int, list[object]]] = []
        skipped: list[int] = []
        carried: list[int] = []
        criterion = ""
        above: object = None  # the deficiency of the measure above, in this section
        for number, cells in data:
            if skipped:
                skipped.append(number)
                continue
            width = len(cells)
            filled = sum(1 for p in content if p < width and cells[p] is not None)
            text = " ".join(str(cell) for cell in cells if cell is not None).strip()
            if filled <= 1:
                heading = heading_criterion(text)
                if heading:
                    criterion, above = heading, None
                    continue
                if filled == 0:
                    continue  # only a number: a pre-numbered empty row
            if kept and _signature(cells) and not _has_due_date(cells, date_column):
                skipped.append(number)
                continue
            if deficiency is not None:
                # One deficiency, several measures: the cell is merged down,
                # and a merged cell's value is in its top row only.
                if deficiency < width and cells[deficiency] is not None:
                    above = cells[deficiency]
                elif above is not None and filled >= 2:
                    cells.extend([None] * (deficiency + 1 - width))
                    cells[deficiency] = above
                    carried.append(number)
            self.sections[number] = criterion
            kept.append((number, cells))
        if carried:
            notes.append(
                "Недостаток взят из строки выше (объединённая ячейка) для строк "
                + ", ".join(map(str, carried))
                + "."
            )
        if skipped:
            notes.append(_skipped_note(skipped))
        return kept, notes

    def _plan_year(self) -> int:
        """The year the plan is carried out in.

        A Декада's plan runs in the Декада's own year: its fulfilment is
        reported by 1 February of the next (seed 000 §3.8). A НОК's results
        come out late in the year, so its plan is for the following one.
        """
        campaign = self.context.campaign
        if campaign.kind == CampaignKind.DECADE:
            return campaign.year
        return campaign.year + 1

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        name, position = converted["responsible"], converted.get("responsible_position")
        if not position and "," in name:
            name, position = (part.strip() for part in name.split(",", 1))
        if not position:
            return None, [
                CellError(
                    number,
                    titles.get("responsible", "Ответственный исполнитель"),
                    "укажите должность ответственного (в отдельном столбце «Должность» или через запятую после ФИО)",
                )
            ]
        if bool(converted.get("done")) != bool(converted.get("actual_date")):
            missing = "actual_date" if converted.get("done") else "done"
            return None, [
                CellError(
                    number,
                    titles.get(missing, self.field(missing).title),
                    "для отчёта заполните и реализованные меры, и фактический срок",
                )
            ]
        planned = converted["planned_date"]
        if planned.__class__ is _Recurring:
            year = self._plan_year()
            periods = planned.schedule.periods(year, year)
            planned = _WrittenDate.of(
                periods[-1].due if periods else date(year, 12, 31),
                planned.schedule.text,
            )
        ordinal = self.ordinals[organisation.pk] = (
            self.ordinals.get(organisation.pk, 0) + 1
        )
        written = converted.get("position")
        code = converted.get("indicator_code") or ""
        row_values = {
            "position": written if isinstance(written, int) else ordinal,
            "criterion": f"K{code[0]}" if code else self.sections.get(number, ""),
            "indicator_code": code,
            "deficiency": converted["deficiency"],
            "action": converted["action"],
            "planned_date": planned,
            "responsible_name": name,
            "responsible_position": position,
        }
        report = (converted.get("done"), converted.get("actual_date"))
        if written is None:
            key = (organisation.pk, "text", converted["action"].casefold())
        else:
            key = (organisation.pk, "number", str(written))
        row = Row(number, key, row_values, organisation)
        row.report = report if report[0] else None
        if planned.__class__ is _WrittenDate:
            row.shown = {"planned_date": f"{planned:%d.%m.%Y} («{planned.words}»)"}
        return row, []

    def key_title(self, titles):
        return titles.get("position") or titles.get("action", "Мероприятие")

    #: An import into a submitted or approved plan makes a new revision of it
    #: (:func:`evaluation.plans.council.start_plan_revision`); a fulfilment report
    #: only adds reports to the approved plan and never revises it.
    revises_fixed_plans: ClassVar[bool] = True

    def target_plans(self, organisations: Iterable[int]) -> dict[int, ImprovementPlan]:
        """The plan each organisation's rows go to: its newest revision."""
        return {
            p.organisation_id: p
            for p in ImprovementPlan.objects.filter(
                campaign=self.context.campaign, organisation_id__in=set(organisations)
            ).latest_revisions()
        }

    def existing_measures(self, organisations: Iterable[int]) -> dict[tuple, Measure]:
        """Stored measures of the organisations' target plans (see
        :meth:`target_plans`), by ``(organisation, "number", number)`` where a
        number is unique in its plan and by ``(organisation, "text", wording)``."""
        plans = self.target_plans(organisations)
        measures = Measure.objects.filter(
            plan__in=[p.pk for p in plans.values()]
        ).select_related("plan")
        found: dict[tuple, Measure] = {}
        numbers: dict[tuple, list[Measure]] = {}
        for measure in measures:
            organisation = measure.plan.organisation_id
            found[organisation, "text", measure.action.casefold()] = measure
            numbers.setdefault(
                (organisation, "number", str(measure.position)), []
            ).append(measure)
        for key, same in numbers.items():
            if len(same) == 1:  # old imports numbered every measure 1
                found[key] = same[0]
        return found

    #: A measure's optional values: the indicator's code (and the criterion
    #: read from it) and the responsible's position.
    clearable = {
        "indicator_code": ("indicator_code", ""),
        "criterion": ("indicator_code", ""),
    }

    def _wanted(self, row: Row) -> dict[str, Any]:
        """The values a row sets on a stored measure: empty cells keep it,
        unless the user asked them to clear it."""
        return self._cleared(
            row,
            {
                key: value
                for key, value in row.values.items()
                if value not in (None, "")
            },
        )

    def plan(self, rows):
        existing = self.existing_measures(row.key[0] for row in rows)
        reports = {
            r.measure_id: r
            for r in MeasureReport.objects.filter(measure__in=existing.values())
        }

        def changed(row: Row, current: Measure) -> bool:
            report = reports.get(current.pk)
            have = (report.done, report.actual_date) if report else None
            return _differs(current, self._wanted(row)) or (
                row.report is not None and have != row.report
            )

        return _sort_rows(rows, existing, changed=changed)

    def _revise(
        self, plans: dict[int, ImprovementPlan], plan, changes: list[dict[str, Any]]
    ) -> dict[int, Measure]:
        """Replace each submitted or approved plan whose measures the rows
        change or add to by a new draft revision; return the copies of its
        measures by the original's pk. Rows that only report progress leave
        the plan as it is (the reports go to its measures)."""
        revised = {row.key[0] for row in plan.new} | {
            row.key[0]
            for row, current in plan.updated
            if _differs(current, self._wanted(row))
        }
        copies: dict[int, Measure] = {}
        for organisation_id, current in list(plans.items()):
            if not current.is_fixed or organisation_id not in revised:
                continue
            revision = start_plan_revision(current, _user(self.context.user))
            plans[organisation_id] = revision
            copies.update(revision.measure_copies)
            changes.append(
                {"model": "improvementplan", "pk": revision.pk, "before": None}
            )
        return copies

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        campaign = self.context.campaign
        plans = self.target_plans(
            row.key[0] for row in [*plan.new, *(r for r, _ in plan.updated)]
        )
        copies: dict[int, Measure] = {}
        if self.revises_fixed_plans:
            copies = self._revise(plans, plan, changes)
        for row in plan.new:
            improvement_plan = plans.get(row.key[0])
            if improvement_plan is None:
                improvement_plan = ImprovementPlan.objects.create(
                    organisation_id=row.key[0],
                    campaign=campaign,
                    year=self._plan_year(),
                )
                plans[row.key[0]] = improvement_plan
                changes.append(
                    {
                        "model": "improvementplan",
                        "pk": improvement_plan.pk,
                        "before": None,
                    }
                )
            measure = Measure.objects.create(
                plan=improvement_plan,
                status=MeasureStatus.DONE if row.report else MeasureStatus.PLANNED,
                **row.values,
            )
            changes.append({"model": "measure", "pk": measure.pk, "before": None})
            if row.report:
                report = MeasureReport.objects.create(
                    measure=measure,
                    done=row.report[0],
                    actual_date=row.report[1],
                    submitted_by=_user(self.context.user),
                )
                changes.append(
                    {"model": "measurereport", "pk": report.pk, "before": None}
                )
        for row, current in plan.updated:
            current = copies.get(current.pk, current)
            status = MeasureStatus.DONE if row.report else current.status
            if plans[row.key[0]].is_fixed:
                wanted = {"status": status}  # a report on an approved plan
            else:
                wanted = {**self._wanted(row), "status": status}
            changes.append(
                {
                    "model": "measure",
                    "pk": current.pk,
                    "before": _snapshot(current, wanted),
                }
            )
            Measure.objects.filter(pk=current.pk).update(**wanted)
            if row.report:
                report, created = MeasureReport.objects.get_or_create(
                    measure=current,
                    defaults={"done": row.report[0], "actual_date": row.report[1]},
                )
                if created:
                    changes.append(
                        {"model": "measurereport", "pk": report.pk, "before": None}
                    )
                else:
                    before = _snapshot(report, ["done", "actual_date"])
                    changes.append(
                        {"model": "measurereport", "pk": report.pk, "before": before}
                    )
                    MeasureReport.objects.filter(pk=report.pk).update(
                        done=row.report[0], actual_date=row.report[1]
                    )
        return changes


class FulfilmentReportForm(ImprovementPlanForm):
    """Progress on an approved plan: what was done on each measure, and when.

    The same federal columns as the plan; the two progress columns are
    required and every row must name a measure already in the organisation's
    plan for the campaign (matched by its number, or by its wording in a file
    without numbers). Reports go to the approved plan, whose measures they
    never change; before the council's approval, to the newest revision.
    """

    name = "fulfilment_report"
    title = "Отчёт о реализации плана мероприятий"
    description = (
        "Строки плана с заполненными столбцами «Реализованные меры» и "
        "«Фактический срок»; мероприятие должно быть в утверждённом плане."
    )
    resource = resources.FulfilmentReportResource

    def build_row(self, number, converted, titles):
        row, errors = super().build_row(number, converted, titles)
        if row is None:
            return row, errors
        if row.key not in self.known:
            return None, [
                CellError(
                    number,
                    titles.get("action", self.field("action").title),
                    "такого мероприятия нет в плане организации по этой кампании; "
                    "сначала загрузите план",
                )
            ]
        return row, errors

    revises_fixed_plans = False

    def target_plans(self, organisations: Iterable[int]) -> dict[int, ImprovementPlan]:
        """The approved plan of each organisation, or (before the council's
        approval) its newest revision."""
        organisations = set(organisations)
        plans = super().target_plans(organisations)
        for approved in ImprovementPlan.objects.filter(
            campaign=self.context.campaign, organisation_id__in=organisations
        ).public():
            plans[approved.organisation_id] = approved
        return plans

    @cached_property
    def known(self) -> dict[tuple, Measure]:
        """Every measure of the campaign's target plans, by number and wording."""
        return self.existing_measures(
            ImprovementPlan.objects.filter(campaign=self.context.campaign).values_list(
                "organisation_id", flat=True
            )
        )


class DecadeSummaryForm(ImportForm):
    """An institution's Декада summary: counts by channel, kind and question."""

    name = "decade_summary"
    title = "Сводная информация об итогах Декады качества"
    description = (
        "Одна строка — организация: база выборки, число анкет (в том числе "
        "экстерриториальных), по каналам и формам опроса, ответы «да» на вопросы 1–15."
    )
    campaign_kind = CampaignKind.DECADE
    model = DecadeSummary
    resource = resources.DecadeSummaryResource
    not_summed = frozenset({"inn", "sample_percent", "satisfied_share"})
    signed = True
    totalled = True
    _COMPUTED = ("sample_percent", "satisfied_share")
    _UNIT_SUMMED = tuple(
        key
        for key, declared in resources.form_fields(resources.DecadeSummaryResource)
        if isinstance(declared.widget, resources.RuIntegerWidget)
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.unit_rows: dict[int, int] = {}  # unit row → its organisation's row

    def _find_units(
        self, data: list[tuple[int, list[object]]], positions: Mapping[str, int]
    ) -> None:
        """Rows of units (отделения, филиалы) under an organisation's row: a
        name that begins like a unit's, and no ИНН or code."""
        name = positions.get("organisation_name")
        if name is None:
            return
        keys = [positions[key] for key in ("inn", "code") if key in positions]
        parent = None
        for number, cells in data:
            width = len(cells)
            text = cells[name] if name < width else None
            if number in self.total_rows:
                parent = None
            elif (
                text.__class__ is str
                and _UNIT.match(text.strip().lower())
                and all(key >= width or cells[key] is None for key in keys)
            ):
                if parent is not None:
                    self.unit_rows[number] = parent
            else:
                parent = number

    def _parent_totals(
        self, converted_rows: list, titles: Mapping[str, str]
    ) -> tuple[list, list[CellError]]:
        """КГКУ «УСЗН» sends one summary with a row per territorial office
        (seed 000 §3.3). Its own row, if the file has one, is the total: it
        must equal the sum of its offices' rows and is not imported."""
        if self.members is None:
            return converted_rows, []

        def organisation(converted) -> Organisation | None:
            keys = [converted.get(key) for key in ("inn", "code", "organisation_name")]
            return self.lookup.find(*(k if k.__class__ is str else None for k in keys))

        found = [(row, organisation(row[1])) for row in converted_rows]
        parents = {
            org.pk: org
            for _row, org in found
            if org is not None
            and org.pk not in self.members
            and any(
                other is not None and other.parent_id == org.pk for _r, other in found
            )
        }
        if not parents:
            return converted_rows, []
        rest, errors = [], []
        for (number, converted, _row_errors), org in found:
            if org is None or org.pk not in parents:
                rest.append((number, converted, _row_errors))
                continue
            offices = [
                row[1]
                for row, other in found
                if other is not None and other.parent_id == org.pk
            ]
            for key in self._UNIT_SUMMED:
                stated = converted.get(key)
                if stated is None or stated.__class__ is _Bad:
                    continue
                summed = sum(
                    office[key]
                    for office in offices
                    if office.get(key).__class__ is int
                )
                if stated != summed:
                    errors.append(
                        CellError(
                            number,
                            titles.get(key, self.field(key).title),
                            f"по «{org.short_name}» {stated}, а сумма по "
                            f"территориальным отделениям {summed}; исправьте "
                            "итоговую строку или строки отделений",
                        )
                    )
        return rest, errors

    def validate(self, converted_rows, titles):
        """Units are summed into their organisation: an organisation row left
        empty takes the sums, one with its own numbers must equal them (an
        error names both). Unit rows are not imported themselves. A parent's
        total row is checked against its offices (:meth:`_parent_totals`)."""
        converted_rows, parent_errors = self._parent_totals(
            list(converted_rows), titles
        )
        rows, errors = self._validate_units(converted_rows, titles)
        return rows, sorted(errors + parent_errors, key=lambda error: error.row)

    def _validate_units(self, converted_rows, titles):
        if not self.unit_rows:
            return super().validate(converted_rows, titles)
        main, unit_errors = [], []
        sums: dict[int, dict[str, int]] = {}
        for number, converted, row_errors in converted_rows:
            parent = self.unit_rows.get(number)
            if parent is None:
                main.append((number, converted, row_errors))
                continue
            row_errors = [e for e in row_errors if e.message != "не заполнено"]
            unit_errors += row_errors
            if not row_errors:
                added = sums.setdefault(parent, {})
                for key in self._UNIT_SUMMED:
                    value = converted.get(key)
                    if value is not None:
                        added[key] = added.get(key, 0) + value
        merged = []
        for number, converted, row_errors in main:
            for key, value in sums.get(number, {}).items():
                title = titles.get(key, self.field(key).title)
                stated = converted.get(key)
                if stated is None or stated.__class__ is _Bad:
                    converted[key] = value
                    row_errors = [e for e in row_errors if e.column != title]
                elif stated != value:
                    row_errors.append(
                        CellError(
                            number,
                            title,
                            f"по организации {stated}, а сумма по отделениям {value}; "
                            "исправьте строку организации или строки отделений",
                        )
                    )
            merged.append((number, converted, row_errors))
        rows, errors = super().validate(merged, titles)
        return rows, sorted(errors + unit_errors, key=lambda error: error.row)

    def prepare_rows(self, data, positions):
        data, notes = super().prepare_rows(data, positions)
        self._find_units(data, positions)
        if self.unit_rows:
            notes.append(
                f"Строки отделений ({len(self.unit_rows)}) сложены в строки своих "
                "организаций и отдельно не загружаются."
            )
        computed = [self.field(key).title for key in self._COMPUTED if key in positions]
        if computed:
            notes.append(
                "Столбцы "
                + ", ".join(f"«{title}»" for title in computed)
                + " портал вычисляет сам и не загружает; процент выборки сверяется "
                "с числом анкет и базой выборки."
            )
        return data, notes

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        total = converted["questionnaires"]
        stated, base = converted.get("sample_percent"), converted.get("base")
        if stated is not None and base:
            computed = Decimal(total * 100) / Decimal(base)
            if abs(computed - stated) > 1:
                shown = str(computed.quantize(Decimal("0.1"))).replace(".", ",")
                errors.append(
                    CellError(
                        number,
                        titles.get("sample_percent", "Процент выборки"),
                        f"процент выборки {_number(stated)} не сходится с "
                        f"анкетами и базой: {total} из {base} — это {shown} %; "
                        "исправьте процент, число анкет или базу выборки",
                    )
                )

        def title(key: str) -> str:
            return titles.get(key, self.field(key).title)

        by_channel = {
            value: converted[f"channel_{value}"]
            for value, _ in SurveyChannel.choices
            if converted.get(f"channel_{value}") is not None
        }
        by_kind = {
            kind: converted[f"kind_{kind}"]
            for kind in ("questionnaire", "interview")
            if converted.get(f"kind_{kind}") is not None
        }
        yes = {
            f"q{n}": converted[f"yes_q{n}"]
            for n in range(1, 16)
            if converted.get(f"yes_q{n}") is not None
        }
        if by_channel and sum(by_channel.values()) != total:
            key = next(f"channel_{v}" for v in by_channel)
            errors.append(
                CellError(
                    number,
                    title(key),
                    f"сумма по каналам ({sum(by_channel.values())}) не равна числу анкет ({total})",
                )
            )
        if by_kind and sum(by_kind.values()) != total:
            key = f"kind_{next(iter(by_kind))}"
            errors.append(
                CellError(
                    number,
                    title(key),
                    f"сумма по формам опроса ({sum(by_kind.values())}) не равна числу анкет ({total})",
                )
            )
        for question, count in yes.items():
            if count > total:
                errors.append(
                    CellError(
                        number,
                        title(f"yes_{question}"),
                        f"ответов «да» ({count}) больше, чем анкет ({total})",
                    )
                )
        if errors:
            return None, errors
        row_values = {
            "base": converted.get("base"),
            "questionnaires": total,
            "external_territorial": converted.get("external_territorial") or 0,
            "by_channel": by_channel,
            "by_kind": by_kind,
            "yes": yes,
        }
        return Row(number, (organisation.pk,), row_values, organisation), []

    def key_title(self, titles):
        return (
            titles.get("inn")
            or titles.get("code")
            or titles.get("organisation_name")
            or "ИНН"
        )

    @staticmethod
    def _wanted(row: Row) -> dict[str, Any]:
        """The values a row sets on a stored summary: empty cells (and absent
        breakdowns) keep what is stored."""
        return {
            key: value for key, value in row.values.items() if value not in (None, {})
        }

    def plan(self, rows):
        existing = {
            s.organisation_id: s
            for s in DecadeSummary.objects.filter(campaign=self.context.campaign)
        }
        return _sort_rows(
            rows,
            existing,
            key=lambda row: row.key[0],
            changed=lambda row, current: _differs(current, self._wanted(row)),
        )

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        reference = getattr(self, "reference", "")
        for row in plan.new:
            summary = DecadeSummary.objects.create(
                campaign=self.context.campaign,
                organisation_id=row.key[0],
                source_reference=reference,
                **row.values,
            )
            changes.append({"model": "decadesummary", "pk": summary.pk, "before": None})
        for row, current in plan.updated:
            wanted = self._wanted(row)
            before = _snapshot(current, [*wanted, "source_reference"])
            changes.append(
                {"model": "decadesummary", "pk": current.pk, "before": before}
            )
            DecadeSummary.objects.filter(pk=current.pk).update(
                source_reference=reference, **wanted
            )
        return changes


_item_position = resources.item_position


class RegionalPlanForm(ImportForm):
    """The ministry's plan of measures (seed 001, Part II) into the latest plan."""

    name = "regional_plan"
    title = "План мероприятий по организации НОК (пункты плана)"
    description = (
        "Таблица плана, как в приказе: № п/п (1, 1.1 … 12), мероприятие, форма "
        "реализации, сроки исполнения, ответственные исполнители. Загружается в "
        "последний созданный план организации НОК; пункты с тем же номером "
        "обновляются."
    )
    model = PlanItem
    resource = resources.PlanItemResource

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.regional_plan = RegionalPlan.objects.order_by("-first_year", "-pk").first()
        if self.regional_plan is None:
            raise ImportFileError(
                "Сначала создайте план организации НОК (раздел «Оценка качества» → "
                "«План организации НОК»), затем загрузите его пункты."
            )
        self.existing = {item.number: item for item in self.regional_plan.items.all()}

    def build_row(self, number, converted, titles):
        deadline = converted["deadline"]  # resources.ScheduledText
        text, schedule = str(deadline), deadline.schedule
        executors = parse_executors(converted["executors"])
        row_values = {
            "measure": converted["measure"],
            "form": converted.get("form") or "",
            "deadline_text": text,
            "schedule": schedule.as_json(),
            "executors_text": converted["executors"],
            "position": _item_position(converted["number"]),
            **{
                field_name: code in executors
                for code, field_name in EXECUTOR_FIELDS.items()
            },
        }
        return Row(number, (converted["number"],), row_values), []

    def validate(self, converted_rows, titles):
        rows, errors = super().validate(converted_rows, titles)
        numbers = {row.key[0] for row in rows} | set(self.existing)
        title = titles.get("number", "№ п/п")
        for row in rows:
            head, dot, _ = row.key[0].partition(".")
            if dot and head not in numbers:
                errors.append(
                    CellError(
                        row.number,
                        title,
                        f"подпункт {row.key[0]} без пункта {head}: добавьте строку "
                        f"пункта {head}",
                    )
                )
        errors.sort(key=lambda error: error.row)
        return rows, errors

    def key_title(self, titles):
        return titles.get("number", "№ п/п")

    def plan(self, rows):
        return _sort_rows(rows, self.existing, key=lambda row: row.key[0])

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        items = dict(self.existing)
        new = sorted(plan.new, key=lambda row: row.values["position"])
        for row in new:
            number = row.key[0]
            head, dot, _ = number.partition(".")
            item = PlanItem.objects.create(
                plan=self.regional_plan,
                number=number,
                parent=items.get(head) if dot else None,
                **row.values,
            )
            items[number] = item
            changes.append({"model": "planitem", "pk": item.pk, "before": None})
        for row, current in plan.updated:
            changes.append(
                {
                    "model": "planitem",
                    "pk": current.pk,
                    "before": _snapshot(current, row.values),
                }
            )
            PlanItem.objects.filter(pk=current.pk).update(**row.values)
        return changes


from evaluation.imports.past_results import PastResultsForm  # noqa: E402 (imports this module)

FORMS: dict[str, type[ImportForm]] = {
    form.name: form
    for form in (
        OrganisationsForm,
        NokResultsForm,
        SurveyResponsesForm,
        ImprovementPlanForm,
        TargetIndicatorsForm,
        DecadeSummaryForm,
        FulfilmentReportForm,
        RegionalPlanForm,
        PastResultsForm,
    )
}


def get_form(name: str) -> type[ImportForm]:
    """The form registered under ``name``; KeyError with the known names."""
    try:
        return FORMS[name]
    except KeyError:
        known = ", ".join(sorted(FORMS))
        raise KeyError(
            f"Неизвестная форма «{name}». Доступные формы: {known}."
        ) from None
