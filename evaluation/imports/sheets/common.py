"""What every import form shares: its columns, the rows it builds, who
imports, what writing would do, and the small helpers of writing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from evaluation.imports import resources, values
from evaluation.imports.errors import CellError
from evaluation.imports.reading import ColumnSpec
from evaluation.models import Campaign, Organisation

Converter = Callable[[object], object]


class BadCell:
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
        :data:`~evaluation.imports.sheets.base.EMPTY_MARKERS`."""
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
class WritePlan:
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
        columns: For each key, the converted value of every row (a ``BadCell``
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


ORGANISATION_FIELDS = declared_fields(resources.OrganisationColumns)
#: Forms that institutions fill by hand also find an organisation by name.
NAMED_ORGANISATION_FIELDS = declared_fields(resources.NamedOrganisationColumns)


def named_organisation_title(titles: Mapping[str, str]) -> str:
    """The header naming a row's organisation in messages, in the forms that
    also find an organisation by its name."""
    return (
        titles.get("inn")
        or titles.get("code")
        or titles.get("organisation_name")
        or "ИНН"
    )


#: The first cell of a line under the table: a signature, a seal, a note.
_SIGNATURE = re.compile(
    r"^(?:руководител|директор|исполнител[ьи]?\b|тел\b|телефон|примечани|\*|"
    r"согласован|утвержд|главный бухгалтер|заместител|дата составления|подпис|"
    r"м\.\s*п\.?$)"
)
_SIGNATURE_LINE = re.compile(r"_{3,}")
#: How many last rows of a large form are checked for a signature block.
SIGNATURE_TAIL = 8


def is_signature_line(cells: Sequence[object]) -> bool:
    """Whether a row is a line of the signature block or a note."""
    first = next((cell for cell in cells if cell is not None), None)
    if first.__class__ is not str:
        return False
    return bool(
        _SIGNATURE.match(first.strip().lower())
        or any(cell.__class__ is str and _SIGNATURE_LINE.search(cell) for cell in cells)
    )


def decimal_text(value: Decimal) -> str:
    """A number as people write it: "25", "4,8" (the same for 25.0 and "25")."""
    return format(value.normalize(), "f").replace(".", ",")


def skipped_note(numbers: Sequence[int]) -> str:
    """The warning naming the rows under the table that are not loaded."""
    first, last = numbers[0], numbers[-1]
    where = f"строка {first}" if first == last else f"строки {first}–{last}"
    return f"Под таблицей {where} (подписи, примечания) не загружаются."


def saved_user(user):
    """The user to record as the author: None for an anonymous or unsaved one."""
    return user if getattr(user, "pk", None) else None


def sort_rows(
    rows: Iterable[Row],
    existing: Mapping[Any, models.Model],
    *,
    key: Callable[[Row], Any] = lambda row: row.key,
    changed: Callable[[Row, Any], bool] | None = None,
) -> WritePlan:
    """Sort rows into new, updated and unchanged against the stored objects.

    ``existing`` maps ``key(row)`` to the stored object; a row differs when
    ``changed(row, current)`` says so (by default: any of its values).
    """
    plan = WritePlan()
    for row in rows:
        current = existing.get(key(row))
        if current is None:
            plan.new.append(row)
        elif changed(row, current) if changed else differs(current, row.values):
            plan.updated.append((row, current))
        else:
            plan.unchanged.append(row)
    return plan


def differs(instance: models.Model, new_values: Mapping[str, Any]) -> bool:
    """Whether any of ``new_values`` differs from the stored attribute."""
    return any(getattr(instance, key) != value for key, value in new_values.items())


def snapshot(instance: models.Model, keys: Iterable[str]) -> dict[str, Any]:
    """The stored values of ``keys`` as JSON (an undo entry's «before»)."""
    return {key: _jsonable(getattr(instance, key)) for key in keys}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
        return str(value)
    return value
