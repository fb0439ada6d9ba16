"""Running an import: preview, apply (all or nothing), undo.

``preview_import`` stores the uploaded file with an :class:`ImportRecord` and
reports what importing it would do; ``apply_import`` re-reads that stored file
and writes it in one transaction, or writes nothing when any row has an
error; ``undo_import`` reverts a whole applied import while that is safe.
``import_file`` does both steps at once (command line, benchmarks).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from evaluation.audit import record as record_event
from evaluation.decade import sample_bases
from evaluation.formatting import format_number
from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.reading import (
    NUMBERING_HEADERS,
    HeaderMatch,
    column_letter,
    data_rows,
    find_header,
    normalise,
    other_sheets,
    read_rows,
    unmapped_columns,
)
from evaluation.imports.sheets import get_form
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import Context, WritePlan
from evaluation.models import (
    Campaign,
    ColumnMapping,
    DecadeSummary,
    ImportRecord,
    ImportStatus,
    ImprovementPlan,
    IndicatorInput,
    Measure,
    MeasureReport,
    Organisation,
    PlanItem,
    SampleBase,
    SurveyResponse,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.obligations import owed as obligations

PREVIEW_ROWS = 20
MAX_ERRORS_STORED = 1000
#: Rows of each kind (new, changed, unchanged) the preview lists; the counts
#: cover all of them.
DIFF_ROWS = 200

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class ImportReport:
    """What an import did or would do."""

    form: str
    filename: str
    checksum: str
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    #: The file's cells by row number and the column of each field (the
    #: preview shows a cell as written where the form's row holds no value).
    cells: dict[int, list[object]] = field(default_factory=dict, repr=False)
    positions: dict[str, int] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    record: ImportRecord | None = None
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_campaign(form_class: type[ImportForm], campaign: Campaign | None) -> None:
    if form_class.campaign_kind is None and not form_class.needs_campaign:
        return
    if campaign is None:
        raise ImportFileError(f"Для формы «{form_class.title}» нужно выбрать кампанию.")
    if form_class.campaign_kind and campaign.kind != form_class.campaign_kind:
        raise ImportFileError(
            f"Форма «{form_class.title}» загружается в кампанию вида "
            f"«{form_class.campaign_kind.label}», а выбрана «{campaign}»."
        )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is checked or written.

    A large file makes hundreds of thousands of lists, tuples, dicts and rows
    that live until the import ends, and every few thousand new ones the
    collector walks all of them again (measured on a 100,000-row survey file:
    about 1.5 s of 10, building the rows three times slower). The import's
    objects hold no reference cycles (reference counting frees them), and
    the collector resumes when the import ends, so only the collection of
    other code's cycles waits those seconds. If something else (another
    import in another thread) paused it first, resuming is left to that.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(
    form: ImportForm,
    data: bytes,
    filename: str,
    report: ImportReport,
    progress: Progress | None = None,
) -> list:
    with _no_cycle_collection():
        return _check(form, data, filename, report, progress)


def _check(
    form: ImportForm,
    data: bytes,
    filename: str,
    report: ImportReport,
    progress: Progress | None,
) -> list:
    progress = progress or _no_progress
    progress("Чтение файла", 0, 1)
    hidden: dict[str, list[int]] = {}
    table = read_rows(data, filename, hidden=hidden)
    progress("Поиск заголовков", 1, 1)
    match, table = _find_header(form, table, data, filename)
    columns, column_errors = _apply_mappings(form, match)
    data = list(data_rows(table, match))
    form.check_scale(data, match)
    data, notes = form.prepare_rows(data, match.positions)
    form.present = frozenset(match.positions)
    column_errors += _unmapped_with_data(columns, match, data)
    report.columns = columns
    report.cells = dict(data)
    report.positions = dict(match.positions)
    report.fields = [
        (key, match.titles.get(key, key))
        for key, _ in sorted(match.positions.items(), key=lambda item: item[1])
    ]
    titles = {f.key: f.title for f in form.fields}
    for entry in columns:
        if entry.get("guessed"):
            fits = ", ".join(f"«{titles[key]}»" for key in entry["options"])
            report.warnings.append(
                f"Заголовок «{entry['header']}» (столбец {entry['letter']}) подходит "
                f"к полям {fits}; он загружается в поле «{titles[entry['field']]}». "
                "Если это не так, выберите поле в разделе «Сопоставление столбцов» "
                "или уточните заголовок."
            )
    ignored = [c["header"] for c in columns if c["field"] == ""]
    if ignored:
        report.warnings.append(
            "Не загружаются по выбору пользователя («не загружать»): "
            + ", ".join(f"«{title}»" for title in ignored)
            + "."
        )
    report.warnings += unmapped_columns(table, match, data) + notes
    report.warnings += _hidden_note(hidden)
    del table  # the rows live on in ``data``; drop the list early
    report.total = total = len(data)
    progress("Проверка строк", 0, total)
    converted = form.convert_table(data, match.positions, match.titles)
    rows, errors = form.validate_table(
        converted, match.titles, lambda done: progress("Проверка строк", done, total)
    )
    del converted
    progress("Проверка строк", total, total)
    errors = column_errors + errors
    report.errors = errors
    report.invalid = len({error.row for error in errors})
    report.preview = [
        {
            "row": row.number,
            **{k: _display(v) for k, v in row.values.items()},
            **(row.shown or {}),  # e.g. "31.12.2025 («IV квартал 2025 г.»)"
        }
        for row in rows[:PREVIEW_ROWS]
    ]
    return rows


def _apply_mappings(
    form: ImportForm, match: HeaderMatch
) -> tuple[list[dict[str, Any]], list[CellError]]:
    """Apply the stored choices (:class:`ColumnMapping`) to the unknown columns.

    The choices of the file's organisation win over ministry-wide ones.

    Every column whose header names no field of the form (except a row-number
    column) becomes an entry ``{"column", "letter", "header", "normalised",
    "field", "data"}`` for the preview's mapping step; ``field`` is the chosen
    key, ``""`` for «не загружать» or None when nothing is chosen yet. A
    chosen field joins ``match`` as if the header had named it; chosen
    columns (loaded or not) leave ``match.unknown``. A choice of a field that
    another column already fills is an error.
    """
    if not match.unknown_columns and not match.ambiguous:
        return [], []
    organisation = form.context.organisation
    choices = ColumnMapping.objects.filter(form=form.name, organisation=None)
    stored = dict(choices.values_list("header_normalised", "field"))
    if organisation is not None:
        # The organisation's own choices first, the ministry-wide ones else.
        stored.update(
            ColumnMapping.objects.filter(
                form=form.name, organisation=organisation
            ).values_list("header_normalised", "field")
        )
    titles = {f.key: f.title for f in form.fields}
    columns: list[dict[str, Any]] = []
    errors: list[CellError] = []
    header_row = match.header_row + 1
    still_unknown = []
    for column, title in zip(match.unknown_columns, match.unknown, strict=True):
        normalised = normalise(title)[:500]
        if normalised in NUMBERING_HEADERS:
            still_unknown.append((column, title))
            continue
        chosen = stored.get(normalised)
        if chosen and chosen not in titles:
            chosen = None  # a field the form no longer has
        letter = column_letter(column)
        entry = {
            "column": column,
            "letter": letter,
            "header": title,
            "normalised": normalised,
            "field": chosen,
            "data": False,
        }
        columns.append(entry)
        if chosen is None:
            still_unknown.append((column, title))
        elif chosen:
            if chosen in match.positions:
                other = match.positions[chosen]
                errors.append(
                    CellError(
                        header_row,
                        letter,
                        f"столбец «{title}» сопоставлен с полем «{titles[chosen]}», "
                        f"но это поле уже загружается из столбца {column_letter(other)} "
                        f"«{match.titles[chosen]}»; выберите для столбца {letter} "
                        "другое поле или «не загружать»",
                    )
                )
            else:
                match.positions[chosen] = column
                match.titles[chosen] = title
    match.unknown_columns = [column for column, _ in still_unknown]
    match.unknown = [title for _, title in still_unknown]
    columns += _resolve_ambiguous(form, match, stored)
    columns.sort(key=lambda entry: entry["column"])
    return columns, errors


def _resolve_ambiguous(
    form: ImportForm, match: HeaderMatch, stored: dict[str, str]
) -> list[dict[str, Any]]:
    """Entries of the mapping step for headers that fit several fields.

    The header's guess stands unless the user chose another of those fields
    for this header (a required field is never displaced); the entry's
    ``options`` are the fields that fit.
    """
    specs = {f.key: f for f in form.fields}
    entries = []
    for key, others in match.ambiguous.items():
        column = match.positions[key]
        title = match.titles[key]
        normalised = normalise(title)[:500]
        options = [key, *others]
        chosen = stored.get(normalised)
        if chosen in others and not specs[key].required:
            del match.positions[key], match.titles[key]
            match.positions[chosen] = column
            match.titles[chosen] = title
        else:
            chosen = None if chosen != key else key
        entries.append(
            {
                "column": column,
                "letter": column_letter(column),
                "header": title,
                "normalised": normalised,
                "field": chosen or key,
                "data": False,
                "options": options,
                "guessed": chosen is None,
            }
        )
    return entries


def _unmapped_with_data(
    columns: list[dict[str, Any]], match: HeaderMatch, data: list
) -> list[CellError]:
    """An error for each unknown column that holds data and has no choice yet.

    Such a column is never dropped silently: the import waits until the user
    picks a field for it or «не загружать». The column leaves
    ``match.unknown`` (its error replaces the "not recognised" warning).
    """
    errors = []
    for entry in columns:
        column = entry["column"]
        entry["data"] = any(
            column < len(cells) and cells[column] not in (None, "") for _, cells in data
        )
        if entry["field"] is None and entry["data"]:
            errors.append(
                CellError(
                    match.header_row + 1,
                    entry["letter"],
                    f"заголовок «{entry['header']}» не распознан, а в столбце есть "
                    "данные; выберите для него поле формы или «не загружать» в "
                    "разделе «Сопоставление столбцов» на странице проверки файла "
                    "или переименуйте заголовок как в шаблоне",
                )
            )
            index = match.unknown_columns.index(column)
            del match.unknown_columns[index]
            del match.unknown[index]
    return errors


def save_mapping(
    form_name: str,
    organisation: Organisation | None,
    header: str,
    field_key: str,
    *,
    user=None,
) -> ColumnMapping:
    """Remember that ``header`` means ``field_key`` (``""``: «не загружать»)
    in files of this form from this organisation (None: ministry-wide)."""
    form_class = get_form(form_name)
    if field_key and field_key not in {f.key for f in form_class.fields}:
        raise ImportFileError(
            f"В форме «{form_class.title}» нет поля «{field_key}»; выберите поле "
            "из списка или «не загружать»."
        )
    mapping, _ = ColumnMapping.objects.update_or_create(
        form=form_name,
        organisation=organisation,
        header_normalised=normalise(header)[:500],
        defaults={
            "header": header[:500],
            "field": field_key,
            "user": user if getattr(user, "pk", None) else None,
        },
    )
    return mapping


def _find_header(
    form: ImportForm, table: list, data: bytes, filename: str
) -> tuple[HeaderMatch, list]:
    """The header on the first sheet, else on the first other visible sheet
    that has one (a file may open with instructions or a cover page); the
    first sheet's reason when none has."""
    try:
        return find_header(table, form.columns()), table
    except ImportFileError as refused:
        for name in other_sheets(data):
            try:
                other = read_rows(data, filename, sheet=name)
                return find_header(other, form.columns()), other
            except ImportFileError:
                continue
        raise refused from None


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def record_progress(record: ImportRecord) -> Progress:
    """A progress callback that stores the stage on the record (autocommitted)."""

    def progress(stage: str, done: int, total: int) -> None:
        ImportRecord.objects.filter(pk=record.pk).update(
            progress_stage=stage, progress_done=done, progress_total=total
        )

    return progress


def _display(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.strftime("%d.%m.%Y")
    return value


def _hidden_note(hidden: dict[str, list[int]]) -> list[str]:
    """Warnings naming the hidden columns and rows that were not read."""
    notes = []
    columns = hidden.get("columns") or []
    if columns:
        letters = ", ".join(column_letter(c) for c in columns)
        notes.append(
            f"Скрытый столбец {letters} не загружается"
            if len(columns) == 1
            else f"Скрытые столбцы {letters} не загружаются"
        )
    rows = hidden.get("rows") or []
    if rows:
        numbers = ", ".join(map(str, rows[:20])) + (" …" if len(rows) > 20 else "")
        notes.append(
            f"Скрытая строка {numbers} не загружается"
            if len(rows) == 1
            else f"Скрытые строки {numbers} не загружаются"
        )
    return [
        f"{note}: если там данные, покажите их в файле и загрузите его снова."
        for note in notes
    ]


def _count(
    report: ImportReport, plan: WritePlan, form: ImportForm | None = None
) -> None:
    report.new = len(plan.new)
    report.updated = len(plan.updated)
    report.unchanged = len(plan.unchanged)
    if form is not None:
        report.rows = row_diff(
            form, plan, report.fields, report.cells, report.positions
        )


def _shown(value: Any) -> str:
    """A value as the preview shows it (empty: "")."""
    if value is None or value == "" or value == {} or value == []:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int | float | Decimal):
        return format_number(value, places=None)
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _title(form: ImportForm, current: Any, key: str) -> str:
    """A value's name for the preview: the form's header, else the model's."""
    for spec in form.fields:
        if spec.key == key:
            return spec.title
    try:
        return str(current._meta.get_field(key).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return key


def row_diff(
    form: ImportForm,
    plan: WritePlan,
    fields: list[tuple[str, str]],
    cells: dict[int, list[object]] | None = None,
    positions: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The rows the import would write, for the preview (JSON).

    ``{"fields": [[key, header]], "new": [...], "updated": [...],
    "unchanged": [...]}``, at most :data:`DIFF_ROWS` of each kind in file
    order. A new or unchanged row is ``{"row", "values": [shown value per
    field]}`` (the row's value, else the cell as written); a changed row is
    ``{"row", "changes": [[header, old, new]], "kept": [[header, stored]]}``
    and, if any, ``"cleared": [[header, stored]]``: "kept" lists the empty
    cells that keep a stored value and "cleared" those that erase it (the preview's
    «Пустые ячейки очищают сохранённые значения», :attr:`Context.clears_empty`).
    """
    titles = dict(fields)
    labels = {f.key: dict(f.choices) for f in form.fields if f.choices}

    def show(key: str, value: Any) -> str:
        if key in labels and value in labels[key]:
            return str(labels[key][value])
        return _shown(value)

    cells = cells or {}
    positions = positions or {}

    def value(row, key: str) -> str:
        if row.shown and key in row.shown:
            return row.shown[key]
        if key in row.values:
            return show(key, row.values[key])
        line = cells.get(row.number, ())
        column = positions.get(key, len(line))
        return _shown(line[column]) if column < len(line) else ""

    def values(row) -> list[str]:
        return [value(row, key) for key, _ in fields]

    cleared_keys = form.cleared_keys()  # attribute → its column

    def changes(row, current) -> dict[str, Any]:
        wanted = form.stored_values(row)
        shown = row.shown or {}
        changed, kept, cleared = [], [], []
        for key in dict.fromkeys([*row.values, *cleared_keys]):
            if not hasattr(current, key):
                continue
            old = getattr(current, key)
            new = wanted.get(key, row.values.get(key))
            title = (
                titles.get(key)
                or (
                    titles.get(cleared_keys[key])
                    if key in cleared_keys and key.endswith("_id")
                    else None
                )
                or _title(form, current, key)
            )
            if key not in wanted:
                # An empty cell of the file (a column it lacks is not shown).
                if key in titles and _shown(old):
                    kept.append([title, show(key, old)])
            elif old != new:
                if (
                    key in cleared_keys
                    and row.values.get(cleared_keys[key]) in (None, "")
                    and _shown(old)
                ):
                    if key.endswith("_id"):  # a foreign key: its object's name
                        old = getattr(current, key.removesuffix("_id"))
                    cleared.append([title, show(key, old)])
                else:
                    changed.append(
                        [title, show(key, old), shown.get(key) or show(key, new)]
                    )
        diff = {"row": row.number, "changes": changed, "kept": kept}
        if cleared:
            diff["cleared"] = cleared
        return diff

    return {
        "fields": [list(pair) for pair in fields],
        "new": [
            {"row": row.number, "values": values(row)} for row in plan.new[:DIFF_ROWS]
        ],
        "updated": [changes(row, current) for row, current in plan.updated[:DIFF_ROWS]],
        "unchanged": [
            {"row": row.number, "values": values(row)}
            for row in plan.unchanged[:DIFF_ROWS]
        ],
    }


def _form(
    name: str,
    campaign: Campaign | None,
    user,
    allowed: Iterable[int] | None,
    organisation: Organisation | None = None,
    clears_empty: bool = False,
) -> ImportForm:
    form_class = get_form(name)
    _check_campaign(form_class, campaign)
    allowed = None if allowed is None else frozenset(allowed)
    if organisation is None and allowed is not None and len(allowed) == 1:
        # An institution user bound to one organisation: the file is its own.
        organisation = Organisation.objects.filter(pk__in=allowed).first()
    if (
        organisation is not None
        and allowed is not None
        and organisation.pk not in allowed
    ):
        raise ImportFileError(
            f"Загружать данные «{organisation.short_name}» вы не можете: "
            "выберите свою организацию."
        )
    return form_class(
        Context(
            campaign=campaign,
            allowed_organisations=allowed,
            user=user,
            organisation=organisation,
            clears_empty=clears_empty,
        )
    )


def _store_record(
    report, data, *, campaign, user, organisation, status
) -> ImportRecord:
    record = ImportRecord(
        form=report.form,
        filename=report.filename[:255],
        checksum=report.checksum,
        size=len(data),
        campaign=campaign,
        user=user if getattr(user, "pk", None) else None,
        organisation=organisation,
        status=status,
    )
    _fill(record, report)
    record.file.save(report.filename, ContentFile(data), save=False)
    record.save()
    return record


def _fill(record: ImportRecord, report: ImportReport) -> None:
    record.total_rows = report.total
    record.new_rows = report.new
    record.updated_rows = report.updated
    record.unchanged_rows = report.unchanged
    record.invalid_rows = report.invalid
    record.errors = [
        {"row": e.row, "column": e.column, "message": e.message}
        for e in report.errors[:MAX_ERRORS_STORED]
    ]
    record.warnings = report.warnings
    record.columns = report.columns
    if report.rows or not report.ok:
        record.rows = report.rows


def start_import(
    form_name: str,
    data: bytes,
    filename: str,
    *,
    campaign: Campaign | None = None,
    user=None,
    organisation: Organisation | None = None,
    clears_empty: bool = False,
) -> ImportRecord:
    """Keep an uploaded file as an :class:`ImportRecord` waiting to be checked."""
    _check_campaign(get_form(form_name), campaign)
    report = ImportReport(form_name, filename, checksum(data))
    record = _store_record(
        report,
        data,
        campaign=campaign,
        user=user,
        organisation=organisation,
        status=ImportStatus.RUNNING,
    )
    record.progress_stage = "В очереди"
    record.clears_empty = clears_empty
    record.save(update_fields=["progress_stage", "clears_empty"])
    return record


def run_preview(
    record: ImportRecord,
    *,
    user=None,
    allowed_organisations: Iterable[int] | None = None,
    progress: Progress | None = None,
    keep_refused: bool = True,
) -> ImportReport:
    """Check a stored file and report what importing it would do; write no data.

    A whole-file problem marks the record failed with the reason (or, with
    ``keep_refused=False``, deletes the record) and raises
    :class:`ImportFileError`.
    """
    with record.file.open("rb") as stored:
        data = stored.read()
    report = ImportReport(record.form, record.filename, record.checksum, record=record)
    try:
        form = _form(
            record.form,
            record.campaign,
            user,
            allowed_organisations,
            record.organisation,
            record.clears_empty,
        )
        rows = _validate(form, data, record.filename, report, progress)
        if report.ok:
            _count(report, form.plan(rows), form)
    except ImportFileError as error:
        _refuse(record, error, keep=keep_refused)
        raise
    record.status = ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED
    _fill(record, report)
    record.progress_stage = "Проверено"
    record.progress_done = record.progress_total = report.total
    record.save()
    return report


def _refuse(record: ImportRecord, error: ImportFileError, *, keep: bool) -> None:
    if not keep:
        record.file.delete(save=False)
        record.delete()
        return
    record.status = ImportStatus.FAILED
    record.errors = [{"row": 0, "column": "", "message": str(error)}]
    record.progress_stage = "Файл отклонён"
    record.save()


def preview_import(
    form_name: str,
    data: bytes,
    filename: str,
    *,
    campaign: Campaign | None = None,
    user=None,
    allowed_organisations: Iterable[int] | None = None,
    organisation: Organisation | None = None,
    clears_empty: bool = False,
) -> ImportReport:
    """Check a file and report what importing it would do; write no data.

    The file is kept with an :class:`ImportRecord` (status "проверен" or
    "отклонён") so the confirmation applies exactly the file that was
    previewed. A whole-file problem raises :class:`ImportFileError` and
    leaves no record.
    """
    record = start_import(
        form_name,
        data,
        filename,
        campaign=campaign,
        user=user,
        organisation=organisation,
        clears_empty=clears_empty,
    )
    return run_preview(
        record,
        user=user,
        allowed_organisations=allowed_organisations,
        keep_refused=False,
    )


def apply_import(
    record: ImportRecord,
    *,
    user=None,
    allowed_organisations: Iterable[int] | None = None,
    progress: Progress | None = None,
    claimed: bool = False,
) -> ImportReport:
    """Import a previewed file: everything in one transaction, or nothing.

    The stored file is validated again (the database may have changed since
    the preview). With any error nothing is written and the record is marked
    failed. ``claimed`` is for a background run whose caller has already
    moved the record from "проверен" to "выполняется" (see :func:`claim`).
    """
    allowed = {ImportStatus.PREVIEWED} | ({ImportStatus.RUNNING} if claimed else set())
    if record.status not in allowed:
        raise ImportFileError(
            f"Файл «{record.filename}» уже {record.get_status_display().lower()}; "
            "загрузите его заново."
        )
    with record.file.open("rb") as stored:
        data = stored.read()
    report = ImportReport(record.form, record.filename, checksum(data), record=record)
    form = _form(
        record.form,
        record.campaign,
        user,
        allowed_organisations,
        record.organisation,
        record.clears_empty,
    )
    form.reference = f"{record.filename} (импорт №{record.pk})"
    try:
        # Validation runs outside the transaction so its progress is visible;
        # the plan and the writes are one transaction.
        rows = _validate(form, data, record.filename, report, progress)
        if report.ok:
            (progress or _no_progress)("Запись", 0, 1)
            with transaction.atomic():
                _write(form, rows, record, report, user)
                _fill(record, report)
                record.progress_stage = "Загружено"
                record.progress_done = record.progress_total = report.total
                record.save()
            return report
    except ImportFileError as error:
        _refuse(record, error, keep=True)
        raise
    except IntegrityError:
        report.errors = [
            CellError(
                0, "", "данные изменились во время загрузки; загрузите файл ещё раз"
            )
        ]
    record.status = ImportStatus.FAILED
    _fill(record, report)
    record.progress_stage = "Отклонено"
    record.save()
    return report


def claim(record: ImportRecord, stage: str) -> bool:
    """Atomically mark a previewed record as running; False if someone else did."""
    return bool(
        ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED).update(
            status=ImportStatus.RUNNING, progress_stage=stage, progress_done=0
        )
    )


def import_file(
    form_name: str,
    data: bytes,
    filename: str,
    *,
    campaign: Campaign | None = None,
    user=None,
    allowed_organisations: Iterable[int] | None = None,
    dry_run: bool = False,
    organisation: Organisation | None = None,
    clears_empty: bool = False,
) -> ImportReport:
    """Check and, unless ``dry_run`` or invalid, import in one pass.

    The command line and benchmarks use this; the admin previews first and
    confirms later (:func:`preview_import`, :func:`apply_import`).
    ``organisation`` is the organisation of a single-organisation file: rows
    without an ИНН or code are its rows.
    """
    if dry_run:
        return preview_import(
            form_name,
            data,
            filename,
            campaign=campaign,
            user=user,
            allowed_organisations=allowed_organisations,
            organisation=organisation,
            clears_empty=clears_empty,
        )
    report = ImportReport(form_name, filename, checksum(data))
    form = _form(
        form_name, campaign, user, allowed_organisations, organisation, clears_empty
    )
    form.reference = filename
    with transaction.atomic():
        rows = _validate(form, data, filename, report)
        record = _store_record(
            report,
            data,
            campaign=campaign,
            user=user,
            organisation=organisation,
            status=ImportStatus.FAILED,
        )
        report.record = record
        if report.ok:
            form.reference = f"{filename} (импорт №{record.pk})"
            _write(form, rows, record, report, user)
            _fill(record, report)
            record.save()
    return report


def _write(
    form: ImportForm, rows: list, record: ImportRecord, report: ImportReport, user
) -> None:
    with _no_cycle_collection():
        plan = form.plan(rows)
        _count(report, plan, form)
        record.changes = form.write(plan)
    record.status = ImportStatus.APPLIED
    record.applied_at = timezone.now()
    report.applied = True
    if form.name in obligations.FORM_KINDS:
        delivered = [row.key[0] for row in (*plan.new, *plan.unchanged)] + [
            row.key[0] for row, _current in plan.updated
        ]
        # The owed summary, plan or report counts as received on the day it was sent.
        obligations.received_from_import(
            form.name,
            record.campaign,
            delivered,
            on=timezone.localdate(record.created_at or record.applied_at),
        )
        if form.name == "decade_summary" and record.campaign is not None:
            # «База выборки» becomes the stored sample base (undone with the import).
            written = [row.key[0] for row in plan.new] + [
                row.key[0] for row, _current in plan.updated
            ]
            record.changes = [
                *record.changes,
                *sample_bases.from_summaries(record.campaign, written),
            ]
    record_event(
        "import.apply",
        record,
        f"Импорт «{record.filename}» ({form.title}): новых {report.new}, "
        f"изменено {report.updated}, без изменений {report.unchanged}",
        user,
        checksum=record.checksum,
        campaign=record.campaign_id,
    )


UNDO_MODELS = {
    "organisation": Organisation,
    "indicatorinput": IndicatorInput,
    "surveyresponse": SurveyResponse,
    "improvementplan": ImprovementPlan,
    "measure": Measure,
    "measurereport": MeasureReport,
    "targetindicator": TargetIndicator,
    "targetindicatorvalue": TargetIndicatorValue,
    "decadesummary": DecadeSummary,
    "samplebase": SampleBase,
    "planitem": PlanItem,
}


def undo_blocker(record: ImportRecord) -> str | None:
    """Why an import cannot be undone, in Russian; None when it can."""
    if record.status != ImportStatus.APPLIED:
        return "Отменить можно только загруженный импорт."
    later = ImportRecord.objects.filter(
        form=record.form,
        campaign=record.campaign,
        status=ImportStatus.APPLIED,
        applied_at__gt=record.applied_at,
    ).first()
    if later is not None:
        return (
            f"После него загружен файл «{later.filename}» (импорт №{later.pk}) "
            "по той же форме: сначала отмените его."
        )
    if record.form == "organisations":
        created = [c["pk"] for c in record.changes if c["before"] is None]
        if IndicatorInput.objects.filter(organisation_id__in=created).exists() or (
            SurveyResponse.objects.filter(organisation_id__in=created).exists()
        ):
            return "По созданным организациям уже загружены данные оценки."
    return None


@transaction.atomic
def undo_import(record: ImportRecord, *, user=None) -> int:
    """Revert every row an import wrote; return how many rows were reverted.

    Raises:
        ImportFileError: undoing is not safe (see :func:`undo_blocker`).
    """
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    blocker = undo_blocker(record)
    if blocker:
        raise ImportFileError(blocker)
    reverted = 0
    created_responses = []
    for change in reversed(record.changes):
        model = UNDO_MODELS[change["model"]]
        if change["before"] is None:
            if "numbers" in change:  # responses created for one organisation
                organisation_id = change["organisation"]
                created_responses += [(organisation_id, n) for n in change["numbers"]]
                reverted += len(change["numbers"])
                continue
            if "key" in change:  # one response (imports made before 2026-11-23)
                created_responses.append(tuple(change["key"]))
            else:
                model.objects.filter(pk=change["pk"]).delete()
        else:
            model.objects.filter(pk=change["pk"]).update(**change["before"])
        reverted += 1
    if created_responses:
        by_organisation: dict[int, list[str]] = {}
        for organisation_id, number in created_responses:
            by_organisation.setdefault(organisation_id, []).append(number)
        for organisation_id, numbers in by_organisation.items():
            SurveyResponse.objects.filter(
                campaign=record.campaign,
                organisation_id=organisation_id,
                number__in=numbers,
            ).delete()
    record.status = ImportStatus.UNDONE
    record.undone_at = timezone.now()
    record.save(update_fields=["status", "undone_at"])
    record_event(
        "import.undo",
        record,
        f"Отменён импорт «{record.filename}»: возвращено строк {reverted}",
        user,
        checksum=record.checksum,
    )
    return reverted
