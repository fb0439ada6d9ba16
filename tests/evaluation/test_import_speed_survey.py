"""The fast paths of large survey imports give exactly what the general ones give.

* ``SurveyResponsesForm.validate_table`` (column-wise, one organisation check
  per distinct INN/code) against ``ImportForm.validate_table`` (row dicts,
  ``build_row`` per row), on files with every kind of row error;
* column conversion by distinct values against cell-by-cell conversion,
  booleans kept apart from the numbers 0 and 1;
* new responses written as ``COPY`` text lines (PostgreSQL) or through
  ``insert_rows`` (elsewhere), with characters ``COPY`` gives a meaning;
* undo of responses recorded per organisation, and of older records;
* the cyclic garbage collector, paused during an import, resumes after it.
"""

# ruff: noqa: F811 (the imported ``region`` fixture is used as an argument)
from __future__ import annotations

import gc

import pytest

from evaluation.bulk import copy_text
from evaluation.enums import SurveyChannel, SurveyKind
from evaluation.imports.engine import import_file, undo_import
from evaluation.imports.reading import data_rows, find_header, read_rows
from evaluation.imports.sheets import OrganisationsForm, SurveyResponsesForm
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import Context
from evaluation.models import Organisation, SurveyResponse
from tests.evaluation.test_imports import (  # noqa: F401 (the fixture)
    INN_A,
    INN_B,
    INN_C,
    SURVEY_HEADER,
    region,
    survey_file,
    survey_row,
    valid_inn,
    xlsx,
)

pytestmark = pytest.mark.django_db


def _tables(data: bytes, form: ImportForm):
    rows = read_rows(data, "ф.xlsx")
    match = find_header(rows, form.columns())
    table = form.convert_table(
        list(data_rows(rows, match)), match.positions, match.titles
    )
    return table, match.titles


def _both_paths(data: bytes, form_class, context: Context):
    fast_form, slow_form = form_class(context), form_class(context)
    table, titles = _tables(data, fast_form)
    done: list[int] = []
    fast = fast_form.validate_table(table, titles, done.append)
    table, titles = _tables(data, slow_form)
    slow = ImportForm.validate_table(slow_form, table, titles)
    return fast, slow, done


def _rows(rows):
    return [(r.number, r.key, r.values, r.organisation) for r in rows]


def _errors(errors):
    return [(e.row, e.column, e.message) for e in errors]


def _messy_survey(region) -> bytes:
    outsider = Organisation.objects.create(
        name="Вне кампании", short_name="Вне", slug="out", code="OUT",
        inn=valid_inn(7), kind=region["a"].kind, district=region["district"],
    )  # fmt: skip
    header = [*SURVEY_HEADER[:5], "Код организации", "Экстерриториальная"]
    header += SURVEY_HEADER[5:]

    def row(inn, number, *, code=None, external=None, **kwargs):
        cells = survey_row(inn, number, **kwargs)
        return [*cells[:5], code, external, *cells[5:]]

    rows = [
        row(INN_A, "1"),
        row(INN_B, "2", external="да", suggestion="Спасибо \\ «всё» хорошо"),
        row(INN_A, "1"),  # duplicate of row 1
        row(INN_C, "3"),  # unknown INN
        row(None, "4"),  # neither INN nor code
        row(None, "5", code="b"),  # code only, any case
        row(None, "6", code="нет такого"),  # unknown code
        row(outsider.inn, "7"),  # not in the campaign
        row(INN_A, "8", q9="может быть"),  # bad answer
        row(INN_A, None),  # required number missing
        [INN_A, "9", "31.02.2024", "В учреждении (отделении)", None, None, None,
         *["нет"] * 15, None],  # bad date; the kind left empty
        [INN_B, "10", "11.04.2024", "по почте голубями", "Интервью", None, "нет",
         *["да"] * 15, None],  # bad channel
        row(INN_B, "2"),  # duplicate of row 2 (another organisation's "2" is fine)
        row(INN_A, "2", q9=None),
        row(INN_C, "11", q9="может быть"),  # conversion errors win over the INN
    ]  # fmt: skip
    return xlsx([header, *rows], title_rows=1)


def test_column_wise_validation_equals_row_by_row_on_every_kind_of_error(
    region,
) -> None:
    data = _messy_survey(region)
    messages = []
    for allowed in (None, frozenset({region["a"].pk})):
        context = Context(campaign=region["decade"], allowed_organisations=allowed)
        (rows, errors), (slow_rows, slow_errors), _ = _both_paths(
            data, SurveyResponsesForm, context
        )
        assert _rows(rows) == _rows(slow_rows)
        assert _errors(errors) == _errors(slow_errors)
        assert len(errors) >= 9 and len(rows) >= 2
        messages += [message for _, _, message in _errors(errors)]
    messages = " ".join(messages)
    for fragment in (
        "повторяет строку 3",
        "не найдена в реестре",
        "не указан ни ИНН, ни код",
        "не участвует",
        "другой организации",
        "не заполнено",
    ):
        assert fragment in messages


def test_column_wise_validation_reports_progress(region, settings) -> None:
    data = survey_file([survey_row(INN_A, str(n)) for n in range(1, 12_001)])
    context = Context(campaign=region["decade"])
    (rows, errors), (slow_rows, _), done = _both_paths(
        data, SurveyResponsesForm, context
    )
    assert not errors and len(rows) == 12_000
    assert _rows(rows) == _rows(slow_rows)
    assert done == [5000, 10_000]
    assert len({id(row.values["answers"]) for row in rows}) == 1  # one shared dict


def test_distinct_value_conversion_keeps_booleans_apart_from_one_and_zero(
    region,
) -> None:
    # "code" is text: TRUE reads "да", the number 1 reads "1"; "recipients"
    # is a count: the number 1 is 1, TRUE is an error.
    header = [
        "ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
        "Район", "Код организации", "Получателей услуг",
    ]  # fmt: skip
    cells = [True, 1.0, 1.0, False, 0.0, "1", True, None]
    rows = [
        [valid_inn(20 + n), f"Орг {n}", f"О {n}", "КЦСОН", "Район", cell, cell]
        for n, cell in enumerate(cells)
    ]
    form = OrganisationsForm(Context())
    table, _ = _tables(xlsx([header, *rows]), form)
    assert table.column("code") == ["да", "1", "1", "нет", "0", "1", "да", None]
    counts = table.column("recipients_count")
    assert [counts[i] for i in (1, 2, 4, 5, 7)] == [1, 1, 0, 1, None]
    bad = {
        index
        for index, errors in table.errors.items()
        for error in errors
        if error.column == "Получателей услуг"
    }
    assert bad == {0, 3, 6}
    assert table.column("inn") == [valid_inn(20 + n) for n in range(len(cells))]


def test_text_copy_path_stores_what_the_file_says(region) -> None:
    suggestion = 'Tab\\t и \\\\ обратные; "кавычки", {скобки} и 100%'
    data = survey_file(
        [
            survey_row(INN_A, "A\\1", suggestion=suggestion),
            survey_row(INN_B, "2", q9="нет"),
            survey_row(INN_A, "3", q9=None),
            [*survey_row(INN_B, "4")[:4], None, *survey_row(INN_B, "4")[5:]],
        ]
    )
    report = import_file("survey_responses", data, "ф.xlsx", campaign=region["decade"])
    assert report.ok, report.errors
    stored = {
        r.number: r for r in SurveyResponse.objects.filter(campaign=region["decade"])
    }
    assert set(stored) == {"A\\1", "2", "3", "4"}
    # Row 4 leaves the kind empty: the default, as for the others' label.
    assert {r.kind for r in stored.values()} == {SurveyKind.QUESTIONNAIRE}
    assert stored["A\\1"].suggestion == suggestion
    assert stored["A\\1"].organisation_id == region["a"].pk
    assert stored["2"].answers["q9"] is False and stored["2"].answers["q1"] is True
    assert stored["3"].answers["q9"] is None
    assert {r.channel for r in stored.values()} == {SurveyChannel.OFFICE}
    assert {r.collected_on.isoformat() for r in stored.values()} == {"2024-04-10"}
    assert {r.source for r in stored.values()} == {"import"}
    assert not any(r.excluded or r.external_territorial for r in stored.values())
    # Re-importing changes nothing: the stored values equal the file's.
    again = import_file("survey_responses", data, "ф.xlsx", campaign=region["decade"])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)


def test_copy_text_escapes_the_characters_copy_gives_a_meaning() -> None:
    assert copy_text("plain «текст»") == "plain «текст»"
    assert copy_text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"


def test_undo_deletes_responses_recorded_per_organisation(region) -> None:
    data = survey_file(
        [survey_row(INN_A, str(n)) for n in range(1, 6)]
        + [survey_row(INN_B, str(n)) for n in range(1, 4)]
    )
    report = import_file("survey_responses", data, "ф.xlsx", campaign=region["decade"])
    assert report.ok
    record = report.record
    assert [(c["organisation"], len(c["numbers"])) for c in record.changes] == [
        (region["a"].pk, 5),
        (region["b"].pk, 3),
    ]
    assert undo_import(record) == 8
    assert not SurveyResponse.objects.exists()


def test_undo_of_a_record_in_the_older_one_entry_per_row_form(region) -> None:
    data = survey_file([survey_row(INN_A, "1"), survey_row(INN_B, "2")])
    report = import_file("survey_responses", data, "ф.xlsx", campaign=region["decade"])
    record = report.record
    record.changes = [
        {"model": "surveyresponse", "key": [region["a"].pk, "1"], "before": None},
        {"model": "surveyresponse", "key": [region["b"].pk, "2"], "before": None},
    ]
    record.save(update_fields=["changes"])
    assert undo_import(record) == 2
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collection_is_resumed_after_an_import(region, enabled) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        report = import_file(
            "survey_responses",
            survey_file([survey_row(INN_A, "1"), survey_row(INN_Z, "2")]),
            "ф.xlsx",
            campaign=region["decade"],
        )
        assert not report.ok  # a refused file resumes it too
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


INN_Z = valid_inn(99)
