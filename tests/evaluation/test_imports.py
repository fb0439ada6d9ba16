"""Spreadsheet imports end to end: forms, formats, all-or-nothing, undo, CLI."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from evaluation.enums import OrganisationKind
from evaluation.imports.engine import (
    apply_import,
    import_file,
    preview_import,
    undo_blocker,
    undo_import,
)
from evaluation.imports.errors import ImportFileError
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import FORMS, NokResultsForm, SurveyResponsesForm
from evaluation.imports.templates import build_template
from evaluation.models import (
    AuditEvent,
    District,
    ImportRecord,
    ImportStatus,
    IndicatorInput,
    Organisation,
    Result,
    SurveyResponse,
)
from evaluation.nok import services
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.helpers import import_campaigns

pytestmark = pytest.mark.django_db


def valid_inn(serial: int) -> str:
    """A 10-digit INN of a legal entity with a correct check digit."""
    body = f"24{serial:07d}"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11 % 10
    return body + str(check)


INN_A, INN_B, INN_C = valid_inn(1), valid_inn(2), valid_inn(3)


def xlsx(rows: list[list[object]], *, title_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for index in range(title_rows):
        sheet.append([f"Сводная информация, лист {index + 1}"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], *, encoding="utf-8", delimiter=";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def region():
    district = District.objects.create(name="Ачинский район", slug="achinsk")
    a = Organisation.objects.create(
        name="КЦСОН А", short_name="КЦСОН А", slug="a", code="A", inn=INN_A,
        kind=OrganisationKind.COMPLEX_CENTRE, district=district, recipients_count=100,
    )  # fmt: skip
    b = Organisation.objects.create(
        name="КЦСОН Б", short_name="КЦСОН Б", slug="b", code="B", inn=INN_B,
        kind=OrganisationKind.COMPLEX_CENTRE, district=district, recipients_count=100,
    )  # fmt: skip
    return {"a": a, "b": b, **import_campaigns(a, b), "district": district}


SURVEY_HEADER = [
    "ИНН", "№ анкеты", "Дата анкетирования", "Канал", "Форма опроса",
    *(f"Вопрос {n}" for n in range(1, 16)), "Предложения",
]  # fmt: skip


def survey_row(inn, number, *, q9="да", suggestion=""):
    answers = ["да"] * 15
    answers[8] = q9
    return [
        inn,
        number,
        "10.04.2024",
        "В учреждении (отделении)",
        "Анкетирование",
        *answers,
        suggestion,
    ]


def survey_file(rows) -> bytes:
    return xlsx([SURVEY_HEADER, *rows], title_rows=2)


def database_state() -> tuple:
    return (
        SurveyResponse.objects.count(),
        IndicatorInput.objects.count(),
        Organisation.objects.count(),
        sorted(SurveyResponse.objects.values_list("number", "answers")),
    )


# --------------------------------------------------------------------------- survey responses


def test_survey_file_with_title_rows_imports_and_reimport_changes_nothing(
    region,
) -> None:
    data = survey_file(
        [survey_row(INN_A, str(n)) for n in range(1, 31)] + [[None] * 5, []]
    )
    report = import_file(
        "survey_responses", data, "anketa.xlsx", campaign=region["decade"]
    )
    assert report.ok, report.errors
    assert (report.total, report.new, report.updated, report.unchanged) == (
        30,
        30,
        0,
        0,
    )
    assert SurveyResponse.objects.filter(organisation=region["a"]).count() == 30
    response = SurveyResponse.objects.get(number="7")
    assert response.collected_on == date(2024, 4, 10)
    assert response.answers["q9"] is True
    assert response.source == "import"

    again = import_file(
        "survey_responses", data, "anketa.xlsx", campaign=region["decade"]
    )
    assert (again.new, again.updated, again.unchanged) == (0, 0, 30)
    assert SurveyResponse.objects.count() == 30


def test_corrected_file_updates_in_place(region) -> None:
    rows = [survey_row(INN_A, str(n)) for n in range(1, 4)]
    import_file(
        "survey_responses", survey_file(rows), "v1.xlsx", campaign=region["decade"]
    )
    rows[1] = survey_row(INN_A, "2", q9="нет", suggestion="Добавить пандус")
    report = import_file(
        "survey_responses", survey_file(rows), "v2.xlsx", campaign=region["decade"]
    )
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)
    fixed = SurveyResponse.objects.get(number="2")
    assert fixed.answers["q9"] is False
    assert fixed.suggestion == "Добавить пандус"


@pytest.mark.parametrize(
    ("bad_row", "column", "fragment"),
    [
        (survey_row(INN_C, "9"), "ИНН", "не найдена"),
        (survey_row(INN_A, "9", q9="может быть"), "Вопрос 9", ""),
        (survey_row(INN_A, "1"), "№ анкеты", "повторяет строку 4"),
        (
            [
                INN_A,
                "9",
                "31.02.2024",
                "В учреждении (отделении)",
                "Анкетирование",
                *["да"] * 15,
                "",
            ],
            "Дата анкетирования",
            "",
        ),
        (
            [INN_A, "9", "10.04.2024", "На луне", "Анкетирование", *["да"] * 15, ""],
            "Канал",
            "",
        ),
    ],
    ids=["unknown-organisation", "bad-answer", "duplicate", "bad-date", "bad-channel"],
)
def test_one_bad_row_rejects_the_whole_file_naming_row_and_column(
    region, bad_row, column, fragment
) -> None:
    before = database_state()
    rows = [survey_row(INN_A, "1"), survey_row(INN_A, "2"), bad_row]
    report = import_file(
        "survey_responses", survey_file(rows), "bad.xlsx", campaign=region["decade"]
    )
    assert not report.ok
    (error,) = report.errors
    # two title rows + header + two good rows: the bad row is spreadsheet row 6
    assert error.row == 6
    assert error.column == column
    assert fragment in error.message
    assert any("а" <= ch <= "я" for ch in error.message.lower())
    assert database_state() == before
    assert report.record.status == ImportStatus.FAILED


def test_institution_user_cannot_import_another_organisations_rows(
    region, django_user_model
) -> None:
    user = django_user_model.objects.create_user("kcson-a", password="x")
    region["a"].users.add(user)
    scope = import_scope(user, SurveyResponsesForm, region["decade"])
    assert scope == frozenset({region["a"].pk})
    rows = [survey_row(INN_A, "1"), survey_row(INN_B, "2")]
    before = database_state()
    report = import_file(
        "survey_responses", survey_file(rows), "mixed.xlsx",
        campaign=region["decade"], user=user, allowed_organisations=scope,
    )  # fmt: skip
    assert [(e.row, e.column) for e in report.errors] == [(5, "ИНН")]
    assert "другой организации" in report.errors[0].message
    assert database_state() == before


def test_users_without_a_binding_cannot_import(region, django_user_model) -> None:
    user = django_user_model.objects.create_user("stranger", password="x")
    with pytest.raises(ImportFileError, match="не привязана"):
        import_scope(user, SurveyResponsesForm, region["decade"])
    operator = django_user_model.objects.create_user("operator", password="x")
    region["nok"].operators.add(operator)
    assert import_scope(operator, NokResultsForm, region["nok"]) is None
    with pytest.raises(ImportFileError):
        import_scope(operator, NokResultsForm, region["decade"])


def test_form_needs_a_campaign_of_its_kind(region) -> None:
    data = survey_file([survey_row(INN_A, "1")])
    with pytest.raises(ImportFileError, match="кампанию"):
        import_file("survey_responses", data, "a.xlsx")
    with pytest.raises(ImportFileError, match="Декада"):
        import_file("survey_responses", data, "a.xlsx", campaign=region["nok"])


def test_sheet_without_a_recognisable_header_is_refused(region) -> None:
    data = xlsx([["Привет"], ["мир", 1, 2]])
    before = database_state()
    with pytest.raises(ImportFileError):
        import_file("survey_responses", data, "a.xlsx", campaign=region["decade"])
    assert database_state() == before


# --------------------------------------------------------------------------- НОК results


NOK_HEADER = [
    "ИНН", "Число респондентов", "Стенды: размещено", "Стенды: требуется",
    "Сайт: размещено", "Сайт: требуется", "Дистанционных способов связи",
    "Комфортных условий", "Оборудование для инвалидов (из 5)", "Условия доступности (из 6)",
    *(f"«Да» на вопрос {n}" for n in range(1, 16)), "Ответивших на вопрос 13",
]  # fmt: skip


def nok_row(inn: str, example: dict, missing: object = None) -> list[object]:
    """A row of the НОК results file for ``example``; ``missing`` fills unanswered cells."""
    yes = example["yes"]
    return [
        inn, example["respondents"],
        example["info_stand"]["present"], example["info_stand"]["required"],
        example["info_site"]["present"], example["info_site"]["required"],
        example["remote_channels"], example["comfort_conditions"],
        example["premises_access"], example["service_access"],
        *(yes.get(f"q{n}", missing) for n in range(1, 16)),
        example["answered"].get("q13", missing),
    ]  # fmt: skip


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8-sig"])
def test_operator_results_csv_feed_the_worked_examples(region, encoding) -> None:
    data = csv_bytes(
        [NOK_HEADER, nok_row(INN_A, EXAMPLE_A), nok_row(INN_B, EXAMPLE_B)],
        encoding=encoding,
    )
    report = import_file("nok_results", data, "operator.csv", campaign=region["nok"])
    assert report.ok, report.errors
    assert report.new == 2
    services.recompute_campaign(region["nok"])
    totals = dict(Result.objects.values_list("organisation__inn", "total"))
    assert totals == {INN_A: Decimal("89.28"), INN_B: Decimal("88.01")}
    item = IndicatorInput.objects.get(organisation=region["a"])
    assert item.source == "import"
    assert item.source_reference.startswith("operator.csv")


def test_operator_results_that_break_the_method_name_the_column(region) -> None:
    row = nok_row(INN_A, EXAMPLE_A)
    row[NOK_HEADER.index("«Да» на вопрос 9")] = 201  # more "yes" than respondents
    report = import_file(
        "nok_results", xlsx([NOK_HEADER, row]), "operator.xlsx", campaign=region["nok"]
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "«Да» на вопрос 9")]
    assert not IndicatorInput.objects.exists()


def test_a_signature_block_under_a_questionnaire_table_is_skipped(region) -> None:
    data = survey_file(
        [
            survey_row(INN_A, "1"),
            survey_row(INN_A, "2"),
            [],
            ["Исполнитель: Сидорова А. И., специалист по социальной работе"],
            ["тел. 8 (391) 200-00-00"],
        ]
    )

    report = import_file(
        "survey_responses", data, "ankety.xlsx", campaign=region["decade"]
    )

    assert report.ok, report.errors
    assert report.new == 2
    assert "Под таблицей строки 7–8 (подписи, примечания) не загружаются." in (
        report.warnings
    )
    assert SurveyResponse.objects.count() == 2


# --------------------------------------------------------------------------- organisations


def test_a_register_without_codes_keeps_stored_codes_and_gives_new_ones_the_inn(
    region,
) -> None:
    rows = [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации", "Район"],
        [INN_A, "КЦСОН А (новое название)", "КЦСОН А", "Комплексный центр социального обслуживания", "Ачинский район"],
        [valid_inn(40), "Центр 40", "Центр 40", "Комплексный центр социального обслуживания", "Ачинский район"],
        [valid_inn(41), "Центр 41", "Центр 41", "Комплексный центр социального обслуживания", "Ачинский район"],
    ]  # fmt: skip
    code_a = region["a"].code
    report = import_file("organisations", csv_bytes(rows, delimiter=","), "reestr.csv")
    assert report.ok, report.errors
    assert (report.new, report.updated) == (2, 1)
    region["a"].refresh_from_db()
    assert region["a"].code == code_a
    assert region["a"].name == "КЦСОН А (новое название)"
    assert Organisation.objects.get(inn=valid_inn(40)).code == valid_inn(40)
    assert Organisation.objects.get(inn=valid_inn(41)).code == valid_inn(41)


def test_a_register_re_import_keeps_what_its_empty_cells_and_missing_columns_do_not_say(
    region,
) -> None:
    a = region["a"]
    Organisation.objects.filter(pk=a.pk).update(
        website="https://kcson-a.example", has_online_questionnaire=True,
        registered_count=40,
    )  # fmt: skip
    rows = [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации", "Район", "Сайт", "Состоит на учёте"],
        [INN_A, "КЦСОН А", "КЦСОН А", "Комплексный центр социального обслуживания", "Ачинский район", "", "55"],
    ]  # fmt: skip

    report = import_file("organisations", csv_bytes(rows, delimiter=","), "reestr.csv")

    assert report.ok, report.errors
    assert report.updated == 1
    a.refresh_from_db()
    assert a.registered_count == 55  # a value given changes
    assert a.website == "https://kcson-a.example"  # an empty cell keeps
    assert a.recipients_count == 100  # a column the file lacks keeps
    assert a.has_online_questionnaire is True
    assert a.parent_id is None


def test_register_of_organisations_creates_and_links_parents(region) -> None:
    rows = [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации", "Район", "ИНН вышестоящей организации", "Получателей услуг"],
        [INN_C, "Филиал КЦСОН А", "Филиал А", "Комплексный центр социального обслуживания", "Ачинский район", INN_A, "1 250"],
    ]  # fmt: skip
    report = import_file("organisations", csv_bytes(rows, delimiter=","), "reestr.csv")
    assert report.ok, report.errors
    branch = Organisation.objects.get(inn=INN_C)
    assert branch.parent == region["a"]
    assert branch.recipients_count == 1250
    assert branch.kind == OrganisationKind.COMPLEX_CENTRE


# --------------------------------------------------------------------------- preview, confirm, undo


def test_preview_writes_nothing_and_confirm_applies_the_stored_file(region) -> None:
    data = survey_file([survey_row(INN_A, "1"), survey_row(INN_B, "2")])
    report = preview_import(
        "survey_responses", data, "a.xlsx", campaign=region["decade"]
    )
    assert report.ok and report.new == 2
    assert not SurveyResponse.objects.exists()
    record = report.record
    assert record.status == ImportStatus.PREVIEWED
    with record.file.open("rb") as stored:
        assert stored.read() == data
    assert len(record.checksum) == 64
    applied = apply_import(record)
    assert applied.applied and SurveyResponse.objects.count() == 2
    with pytest.raises(ImportFileError):
        apply_import(ImportRecord.objects.get(pk=record.pk))
    assert AuditEvent.objects.filter(action="import.apply").count() == 1


def test_undo_reverts_a_whole_import_and_refuses_when_unsafe(region) -> None:
    first = import_file(
        "survey_responses",
        survey_file([survey_row(INN_A, "1"), survey_row(INN_A, "2")]),
        "v1.xlsx",
        campaign=region["decade"],
    ).record
    second = import_file(
        "survey_responses",
        survey_file([survey_row(INN_A, "1", q9="нет"), survey_row(INN_A, "3")]),
        "v2.xlsx",
        campaign=region["decade"],
    ).record
    first.refresh_from_db()
    assert "v2.xlsx" in undo_blocker(first)
    with pytest.raises(ImportFileError):
        undo_import(first)
    assert undo_import(second) == 2
    assert sorted(SurveyResponse.objects.values_list("number", flat=True)) == ["1", "2"]
    assert SurveyResponse.objects.get(number="1").answers["q9"] is True
    first.refresh_from_db()
    assert undo_import(first) == 2
    assert not SurveyResponse.objects.exists()


# --------------------------------------------------------------------------- templates and CLI


@pytest.mark.parametrize("name", sorted(FORMS))
def test_template_has_russian_headers_frozen_row_validation_and_instructions(
    name,
) -> None:
    form = FORMS[name]
    workbook = load_workbook(io.BytesIO(build_template(form)))
    assert workbook.sheetnames[:2] == ["Инструкция", "Данные"]
    sheet = workbook["Данные"]
    assert [c.value for c in sheet[1]] == [f.title for f in form.fields]
    assert sheet.freeze_panes == "A2"
    if any(f.choices for f in form.fields):
        assert sheet.data_validations.dataValidation


def test_filled_template_imports(region) -> None:
    workbook = load_workbook(io.BytesIO(build_template(SurveyResponsesForm)))
    sheet = workbook["Данные"]
    titles = [c.value for c in sheet[1]]
    values = dict.fromkeys(titles)
    values.update(
        {
            "ИНН": INN_A,
            "Номер анкеты": "1",
            "Дата анкетирования": "10.04.2024",
            "Канал": "В МФЦ",
        }
    )
    values.update({f"Вопрос {n}": "да" for n in range(1, 16)})
    sheet.append([values[t] for t in titles])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_file(
        "survey_responses", buffer.getvalue(), "t.xlsx", campaign=region["decade"]
    )
    assert report.ok, report.errors
    assert SurveyResponse.objects.get().channel == "mfc"


def test_command_lists_forms_writes_templates_and_fails_on_bad_files(
    region, tmp_path, capsys
) -> None:
    call_command("import_sheet", "--list")
    assert capsys.readouterr().out.split() == sorted(FORMS)

    template = tmp_path / "t.xlsx"
    call_command("import_sheet", "survey_responses", "--template", str(template))
    assert load_workbook(template)["Данные"]["A1"].value == "ИНН"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(survey_file([survey_row(INN_C, "1")]))
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_sheet", "survey_responses", str(bad), "--campaign", "decade-2024"
        )
    assert raised.value.returncode == 1
    assert "Ничего не записано" in str(raised.value)
    assert not SurveyResponse.objects.exists()

    good = tmp_path / "good.xlsx"
    good.write_bytes(survey_file([survey_row(INN_A, "1")]))
    call_command(
        "import_sheet",
        "survey_responses",
        str(good),
        "--campaign",
        "decade-2024",
        "--dry-run",
    )
    assert not SurveyResponse.objects.exists()
    call_command(
        "import_sheet", "survey_responses", str(good), "--campaign", "decade-2024"
    )
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(CommandError) as raised:
        call_command("import_sheet", "no_such_form", str(good))
    assert raised.value.returncode == 2


# --------------------------------------------------------------------------- targets and plans


def test_target_indicators_read_percent_text_and_refuse_above_100() -> None:
    header = [
        "№ п/п",
        "Наименование показателя",
        "Единица измерения",
        "Год",
        "План",
        "Факт",
    ]
    good = [
        header,
        [
            1,
            "Доля граждан, удовлетворённых качеством услуг",
            "%",
            2024,
            "45,5 %",
            "47,25",
        ],
        [1, "Доля граждан, удовлетворённых качеством услуг", "%", 2025, "50 %", None],
    ]
    report = import_file("target_indicators", xlsx(good, title_rows=1), "plan.xlsx")
    assert report.ok, report.errors
    from evaluation.models import TargetIndicatorValue

    values = {v.year: (v.planned, v.actual) for v in TargetIndicatorValue.objects.all()}
    assert values == {
        2024: (Decimal("45.50"), Decimal("47.25")),
        2025: (Decimal("50"), None),
    }

    bad = [header, [2, "Доля учреждений с пандусами", "%", 2024, "120 %", None]]
    before = TargetIndicatorValue.objects.count()
    report = import_file("target_indicators", xlsx(bad), "plan2.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(2, "План")]
    assert "больше 100" in report.errors[0].message
    assert TargetIndicatorValue.objects.count() == before


PLAN_HEADER = [
    "ИНН", "№ п/п", "Код показателя",
    "Недостатки, выявленные в ходе независимой оценки",
    "Наименование мероприятия по устранению недостатков",
    "Плановый срок реализации",
    "Ответственный исполнитель (с указанием ФИО и должности)",
    "Реализованные меры по устранению выявленных недостатков",
    "Фактический срок реализации",
]  # fmt: skip


def test_improvement_plan_then_its_fulfilment_report(region) -> None:
    from evaluation.models import ImprovementPlan, Measure, MeasureReport

    plan_rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., заместитель директора", None, None],
    ]  # fmt: skip
    report = import_file(
        "improvement_plan",
        xlsx(plan_rows, title_rows=2),
        "plan.xlsx",
        campaign=region["nok"],
    )
    assert report.ok, report.errors
    measure = Measure.objects.get()
    assert (measure.responsible_name, measure.responsible_position) == (
        "Иванова И. И.",
        "заместитель директора",
    )
    assert measure.criterion == "K1" and measure.status == "planned"
    assert ImprovementPlan.objects.get().year == 2025

    plan_rows[1][7:9] = ["Стенд дополнен", "15.02.2025"]
    report = import_file(
        "improvement_plan",
        xlsx(plan_rows, title_rows=2),
        "report.xlsx",
        campaign=region["nok"],
    )
    assert (report.new, report.updated) == (0, 1)
    measure.refresh_from_db()
    assert measure.status == "done"
    assert MeasureReport.objects.get().actual_date == date(2025, 2, 15)

    plan_rows[1][8] = None  # a report without its actual date
    report = import_file(
        "improvement_plan", xlsx(plan_rows), "bad.xlsx", campaign=region["nok"]
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "Фактический срок реализации")
    ]


def test_row_numbers_survive_empty_leading_rows_and_columns(region) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["C3"] = "Анкеты Декады"
    for offset, values in enumerate(
        [SURVEY_HEADER, survey_row(INN_A, "1"), survey_row(INN_C, "2")]
    ):
        for column, value in enumerate(values, start=3):
            sheet.cell(row=5 + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_file(
        "survey_responses", buffer.getvalue(), "a.xlsx", campaign=region["decade"]
    )
    assert [(e.row, e.column) for e in report.errors] == [(7, "ИНН")]


def test_a_boolean_cell_is_not_mistaken_for_the_number_one(region) -> None:
    row = nok_row(INN_A, EXAMPLE_A)
    other = nok_row(INN_B, EXAMPLE_B)
    column = NOK_HEADER.index("Оборудование для инвалидов (из 5)")
    row[column], other[column] = 1, True  # Excel TRUE is not a count
    report = import_file(
        "nok_results", xlsx([NOK_HEADER, row, other]), "o.xlsx", campaign=region["nok"]
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Оборудование для инвалидов (из 5)")
    ]


# --------------------------------------------------------------------------- Декада summary


def test_decade_summary_checks_its_sums_and_imports(region) -> None:
    from evaluation.models import DecadeSummary

    header = [
        "ИНН", "База выборки", "Всего анкет", "Экстерриториальных анкет",
        "Канал: В учреждении (отделении)", "Канал: В МФЦ", "Анкетирование", "Интервью",
        *(f"«Да» на вопрос {n}" for n in range(1, 16)),
    ]  # fmt: skip
    good = [INN_A, 100, 35, 2, 30, 5, 33, 2, *([30] * 15)]
    report = import_file(
        "decade_summary",
        xlsx([header, good], title_rows=1),
        "svod.xlsx",
        campaign=region["decade"],
    )
    assert report.ok, report.errors
    summary = DecadeSummary.objects.get()
    assert summary.by_channel == {"office": 30, "mfc": 5}
    assert summary.yes["q15"] == 30

    bad = [INN_B, 100, 35, 0, 30, 4, 35, 0, *([36] + [30] * 14)]
    report = import_file(
        "decade_summary", xlsx([header, bad]), "svod2.xlsx", campaign=region["decade"]
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "Канал: В учреждении (отделении)"),
        (2, "«Да» на вопрос 1"),
    ]
    assert DecadeSummary.objects.count() == 1


def test_a_decade_plan_is_for_the_decade_year_and_a_nok_plan_for_the_next(
    region,
) -> None:
    """Seed 000 §3.8: the Декада 2024 plan is reported on by 01.02.2025."""
    from evaluation.models import ImprovementPlan

    rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.10.2024", "Иванова И. И., заместитель директора", None, None],
    ]  # fmt: skip
    report = import_file(
        "improvement_plan",
        xlsx(rows, title_rows=2),
        "plan.xlsx",
        campaign=region["decade"],
    )
    assert report.ok, report.errors
    assert region["decade"].year == 2024
    assert ImprovementPlan.objects.get(campaign=region["decade"]).year == 2024


def test_fulfilment_report_needs_the_measure_in_the_plan(region) -> None:
    from evaluation.models import MeasureReport

    plan_rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., директор", None, None],
    ]  # fmt: skip
    import_file(
        "improvement_plan", xlsx(plan_rows), "plan.xlsx", campaign=region["nok"]
    )
    report_rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., директор", "Дополнен", "20.02.2025"],
        [INN_A, 2, "1.2", "Нет формы обратной связи", "Создать форму", "01.04.2025", "Петров П. П., программист", "Создана", "01.04.2025"],
    ]  # fmt: skip
    report = import_file(
        "fulfilment_report", xlsx(report_rows), "otchet.xlsx", campaign=region["nok"]
    )
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Наименование мероприятия по устранению недостатков")
    ]
    assert not MeasureReport.objects.exists()
    report = import_file(
        "fulfilment_report",
        xlsx(report_rows[:2]),
        "otchet.xlsx",
        campaign=region["nok"],
    )
    assert report.ok and report.updated == 1
    assert MeasureReport.objects.get().done == "Дополнен"
