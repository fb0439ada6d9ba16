"""Files as institutions fill them (tests/data/real_world/, built by build.py).

Each file is imported through the same engine as the admin, the API and the
command; the tests assert the exact rows written or the exact Russian error,
and that the same content in XLSX, XLS, ODS and CSV gives identical rows.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evaluation.enums import CampaignStatus
from evaluation.imports.engine import import_file, save_mapping
from evaluation.imports.errors import ImportFileError
from evaluation.imports.sheets.improvement_plans import heading_criterion
from evaluation.models import (
    Campaign,
    DecadeSummary,
    ImportRecord,
    IndicatorInput,
    Measure,
    Organisation,
    PublishedResult,
    SurveyResponse,
    TargetIndicatorValue,
)
from tests.data.real_world.build import INN_A, INN_B, NAME_A, NAME_B
from tests.factories.evaluation import (
    DecadeCampaignFactory,
    DistrictFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "real_world"


@pytest.fixture
def region():
    district = DistrictFactory()
    a = OrganisationFactory(
        name=NAME_A, short_name=NAME_A, code="ZABOTA", inn=INN_A, district=district
    )
    b = OrganisationFactory(
        name=NAME_B, short_name="Радуга", code="RADUGA", inn=INN_B, district=district
    )
    decade = DecadeCampaignFactory(year=2024)
    nok = Campaign.objects.create(
        kind="nok", year=2024, title="НОК 2024", slug="nok-2024",
        period_start=date(2024, 3, 1), period_end=date(2024, 10, 31),
        status=CampaignStatus.REVIEW,
    )  # fmt: skip
    decade.organisations.set([a, b])
    nok.organisations.set([a, b])
    return {"a": a, "b": b, "decade": decade, "nok": nok}


def formats(stem: str) -> list[str]:
    found = sorted(p.name for p in DATA.glob(f"{stem}.*") if p.suffix != ".py")
    assert found, stem
    return found


def run(name: str, form: str, campaign, **options):
    return import_file(
        form, (DATA / name).read_bytes(), name, campaign=campaign, **options
    )


def ignore_column(form: str, header: str) -> None:
    """Choose «не загружать» for a column, as on the preview's mapping step."""
    save_mapping(form, None, header, "")


IGNORED_NOTE = "Не загружаются по выбору пользователя («не загружать»): «{}»."


def errors(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def measures() -> list[tuple]:
    return [
        (
            m.plan.organisation.code,
            m.position,
            m.criterion,
            m.indicator_code,
            m.action,
            m.planned_date.isoformat(),
            m.responsible_name,
            m.responsible_position,
            m.status,
            m.reports.first().done if m.reports.exists() else None,
        )
        for m in Measure.objects.select_related("plan__organisation").order_by(
            "plan__organisation__code", "position"
        )
    ]


def summaries() -> list[tuple]:
    return [
        (s.organisation.code, s.base, s.questionnaires, s.by_channel, s.yes)
        for s in DecadeSummary.objects.select_related("organisation").order_by(
            "organisation__code"
        )
    ]


def written() -> tuple[list[tuple], list[tuple], int]:
    return measures(), summaries(), IndicatorInput.objects.count()


RESPONSIBLE = ("Иванова Мария Петровна", "заместитель директора")
FEDERAL_PLAN = [
    ("ZABOTA", 1, "K1", "", "Разместить на стенде сведения о министерстве",
     "2025-03-01", *RESPONSIBLE, "done", "Сведения размещены"),
    ("ZABOTA", 2, "K1", "", "Создать на сайте раздел «Часто задаваемые вопросы»",
     "2025-06-30", "Сидоров Пётр Ильич", "специалист по связям с общественностью",
     "planned", None),
    ("ZABOTA", 3, "K2", "", "Установить кулер с питьевой водой",
     "2025-12-31", *RESPONSIBLE, "planned", None),  # «IV квартал 2025 г.»
    ("ZABOTA", 4, "K3", "", "Приобрести кресло-коляску",
     "2025-12-31", "Кузнецов Олег Викторович", "заведующий хозяйством",
     "planned", None),  # «декабрь 2025»
    ("ZABOTA", 5, "K3", "", "Изготовить таблички со шрифтом Брайля",
     "2025-12-31", "Кузнецов Олег Викторович", "заведующий хозяйством",
     "planned", None),  # «2025 год»
    ("ZABOTA", 6, "K4", "", "Провести обучение по этике общения",
     "2025-12-31", *RESPONSIBLE, "planned", None),  # «в течение года»
    ("ZABOTA", 7, "K5", "", "Проводить опрос получателей услуг",
     "2025-12-31", *RESPONSIBLE, "planned", None),  # «ежеквартально»
]  # fmt: skip


@pytest.mark.parametrize("name", formats("plan_federal"))
def test_federal_plan_of_one_institution(region, name) -> None:
    """Title and signature, merged two-row header with the numbering row,
    sections I–V, dates in words, «—»/«нет» for no report; no ИНН column."""
    report = run(name, "improvement_plan", region["nok"], organisation=region["a"])
    assert errors(report) == []
    assert report.warnings == [
        "Под таблицей строки 24–25 (подписи, примечания) не загружаются."
    ]
    assert (report.total, report.new) == (7, 7)
    assert measures() == FEDERAL_PLAN


def test_federal_plan_without_an_organisation_names_the_fix(region) -> None:
    report = run("plan_federal.xlsx", "improvement_plan", region["nok"])
    assert len(report.errors) == 7
    assert errors(report)[0] == (
        12,
        "ИНН",
        "не указан ни ИНН, ни код организации; заполните столбец «ИНН» или "
        "загрузите файл от имени одной организации",
    )
    assert written() == ([], [], 0)
    assert ImportRecord.objects.get().status == "failed"


def test_institution_user_uploads_for_its_only_organisation(region) -> None:
    """The scope of an institution user is one organisation: the file is its own."""
    report = run(
        "plan_federal.ods",
        "improvement_plan",
        region["nok"],
        allowed_organisations=[region["a"].pk],
    )
    assert report.ok and measures() == FEDERAL_PLAN


def test_command_takes_the_organisation_by_code_or_inn(region, capsys) -> None:
    path = str(DATA / "plan_federal.csv")
    with pytest.raises(CommandError, match="«NOPE» не найдена"):
        call_command("import_sheet", "improvement_plan", path,
                     "--campaign", "nok-2024", "--organisation", "NOPE")  # fmt: skip
    call_command("import_sheet", "improvement_plan", path,
                 "--campaign", "nok-2024", "--organisation", INN_A)  # fmt: skip
    out, err = capsys.readouterr()
    assert "Загружено: строк 7; новых 7, изменено 0, без изменений 0." in out
    assert "Предупреждение: Под таблицей строки 24–25" in err
    assert measures() == FEDERAL_PLAN


SHORT_PLAN = [
    ("RADUGA", 1, "K2", "", "Разместить указатели в коридорах", "2025-09-30",
     "Орлова Е.В.", "заместитель директора", "planned", None),
    ("RADUGA", 2, "K3", "", "Установить пандус", "2025-12-31",
     "Орлова Е.В.", "заместитель директора", "planned", None),  # «постоянно»
    ("RADUGA", 3, "K3", "", "Установить кнопку вызова персонала", "2025-09-01",
     "Орлова Е.В.", "заместитель директора", "planned", None),
    ("ZABOTA", 1, "K2", "", "Разместить указатели в коридорах", "2025-06-30",
     "Смирнова А.А.", "заведующий отделением", "planned", None),  # «II кв. 2025»
]  # fmt: skip


@pytest.mark.parametrize("name", formats("plan_short_headers"))
def test_short_headers_criterion_headings_and_a_hidden_column(region, name) -> None:
    ignore_column("improvement_plan", "Для себя")  # it holds notes
    report = run(name, "improvement_plan", region["nok"])
    assert errors(report) == []
    merged = "Недостаток взят из строки выше (объединённая ячейка) для строк 9."
    if name.endswith((".xlsx", ".ods")):  # the column is hidden there: not read
        assert report.warnings == [merged, HIDDEN_NOTES[0]]
    else:  # XLS and CSV keep no hidden flag: the mapping step ignores it
        assert report.warnings == [IGNORED_NOTE.format("Для себя"), merged]
    assert measures() == SHORT_PLAN
    assert Measure.objects.get(action__startswith="Установить кнопку").deficiency == (
        "Нет пандуса у входа"
    )


def test_reimport_matches_measures_by_number_and_keeps_what_is_empty(region) -> None:
    first = run("plan_reimport_1.ods", "improvement_plan", region["nok"],
                organisation=region["a"])  # fmt: skip
    assert first.ok and first.new == 2
    ids = list(Measure.objects.order_by("position").values_list("pk", flat=True))
    second = run("plan_reimport_2.csv", "improvement_plan", region["nok"],
                 organisation=region["a"])  # fmt: skip
    assert errors(second) == []
    assert (second.new, second.updated, second.unchanged) == (0, 1, 1)
    assert (
        list(Measure.objects.order_by("position").values_list("pk", flat=True)) == ids
    )
    assert measures() == [
        ("ZABOTA", 1, "K1", "1.1",
         "Разместить на стенде сведения о министерстве и его контактах",
         "2025-03-01", "Иванова М.П.", "заместитель директора", "planned", None),
        ("ZABOTA", 2, "K2", "2.1", "Установить кулер", "2025-06-30",
         "Кузнецов О.В.", "заведующий хозяйством", "planned", None),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("plan_mistakes"))
def test_plain_mistakes_name_row_column_reason_and_fix(region, name) -> None:
    report = run(name, "improvement_plan", region["nok"], organisation=region["a"])
    assert errors(report) == [
        (2, "Плановый срок реализации",
         "«31.13.2025» — нет такой даты; проверьте день и месяц (ДД.ММ.ГГГГ)"),
        (3, "Ответственный исполнитель",
         "укажите должность ответственного (в отдельном столбце «Должность» или "
         "через запятую после ФИО)"),
        (4, "Плановый срок реализации",
         "«по мере необходимости» — срок без даты; укажите, к какому сроку выполнить "
         "мероприятие: пишите дату (31.12.2025), «до 31.12.2025», «IV квартал 2025 г.», "
         "«декабрь 2025», «2025 год», «в течение года» или «ежеквартально»"),
    ]  # fmt: skip
    assert written() == ([], [], 0)


DECADE = [("RADUGA", 1250, 60, {}, {}), ("ZABOTA", 300, 45, {}, {})]
COMPUTED_WARNING = (
    "Столбцы «Процент выборки», «Доля удовлетворённых» портал вычисляет сам и не "
    "загружает; процент выборки сверяется с числом анкет и базой выборки."
)


@pytest.mark.parametrize(
    "name", formats("decade_annex2") + formats("decade_spaced_numbers")
)
def test_decade_annex_2_by_name_with_a_correct_total(region, name) -> None:
    """Institutions by name, «Итого» equal to the sums (not an organisation),
    the executor's line under the table, numbers with NBSP and «%»."""
    report = run(name, "decade_summary", region["decade"])
    assert errors(report) == []
    assert report.warnings == [
        "Под таблицей строка 9 (подписи, примечания) не загружаются.",
        COMPUTED_WARNING,
    ]
    assert (report.new, summaries()) == (2, DECADE)


@pytest.mark.parametrize("name", formats("decade_total_mismatch"))
def test_decade_total_that_differs_from_the_rows_names_both_numbers(
    region, name
) -> None:
    report = run(name, "decade_summary", region["decade"])
    assert errors(report) == [
        (7, "Количество заполненных анкет, шт.",
         "итог 110 не равен сумме строк выше (105); исправьте итог или строки над ним"),
    ]  # fmt: skip
    assert written() == ([], [], 0)


@pytest.mark.parametrize("name", formats("decade_unknown_column"))
def test_columns_not_loaded_are_listed(region, name) -> None:
    refused = run(name, "decade_summary", region["decade"])
    assert errors(refused) == [
        (1, "C",
         "заголовок «Количество жалоб» не распознан, а в столбце есть данные; "
         "выберите для него поле формы или «не загружать» в разделе «Сопоставление "
         "столбцов» на странице проверки файла или переименуйте заголовок как в "
         "шаблоне"),
    ]  # fmt: skip
    assert written() == ([], [], 0)
    ignore_column("decade_summary", "Количество жалоб")
    report = run(name, "decade_summary", region["decade"])
    assert report.ok
    assert report.warnings == [
        IGNORED_NOTE.format("Количество жалоб"),
        "Столбцы без заголовка содержат данные и не загружаются: D. Подпишите "
        "столбец, если его нужно загрузить.",
    ]
    assert summaries() == [("RADUGA", None, 60, {}, {}), ("ZABOTA", None, 45, {}, {})]


@pytest.mark.parametrize("name", formats("nok_160_points"))
def test_160_point_totals_are_refused_with_the_reason(region, name) -> None:
    with pytest.raises(ImportFileError) as error:
        run(name, "nok_results", region["nok"])
    assert str(error.value) == (
        "Файл заполнен по другой шкале: в столбце «Итоговый балл» строки 2 стоит "
        "142,5 балла, а по методике приказа Минтруда № 344н баллы бывают от 0 до 100 "
        "(так бывает в отчётах по старым 10- и 160-балльным методикам). Пересчитайте "
        "значения по действующей методике или загрузите исходные данные оценки."
    )
    assert written() == ([], [], 0)


@pytest.mark.parametrize("name", formats("nok_10_points"))
def test_10_point_header_is_refused_with_the_reason(region, name) -> None:
    with pytest.raises(ImportFileError, match="«Итоговый балл \\(из 10\\)» — баллы по"):
        run(name, "nok_results", region["nok"])
    assert written() == ([], [], 0)


def test_corpus_is_large_and_every_case_has_its_formats() -> None:
    files = [p for p in DATA.iterdir() if p.suffix in {".xlsx", ".xls", ".ods", ".csv"}]
    assert len(files) >= 25
    for stem in ("plan_federal", "plan_short_headers", "decade_annex2"):
        assert {p.suffix for p in DATA.glob(f"{stem}.*")} >= {
            ".xlsx",
            ".xls",
            ".ods",
            ".csv",
        }
    assert (DATA / "plan_federal.csv").read_bytes().decode("cp1251").count(";") > 50


@pytest.mark.parametrize("name", formats("plan_instructions_first"))
def test_data_sheet_after_an_instructions_sheet(region, name) -> None:
    report = run(name, "improvement_plan", region["nok"], organisation=region["b"])
    assert errors(report) == [] and report.warnings == []
    assert measures() == [
        ("RADUGA", 1, "", "", "Разместить сведения о министерстве", "2025-04-01",
         "Иванова М.П.", "директор", "planned", None),
        ("RADUGA", 2, "", "", "Установить кнопку вызова у входа", "2025-09-30",
         "Кузнецов О.В.", "заведующий хозяйством", "planned", None),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("decade_sample_mismatch"))
def test_decade_sample_percent_is_checked_against_the_counts(region, name) -> None:
    report = run(name, "decade_summary", region["decade"])
    assert errors(report) == [
        (5, "Процент выборки",
         "процент выборки 25 не сходится с анкетами и базой: 45 из 300 — это 15,0 %; "
         "исправьте процент, число анкет или базу выборки"),
    ]  # fmt: skip
    assert written() == ([], [], 0)


@pytest.mark.parametrize("name", formats("plan_report"))
def test_report_finds_measures_by_number_not_wording(region, name) -> None:
    """The report names the plan's measures by number; the wording it gives
    ("Кулер") replaces the stored one, the rest of the measure stays."""
    assert run("plan_reimport_1.xlsx", "improvement_plan", region["nok"],
               organisation=region["a"]).ok  # fmt: skip
    ids = list(Measure.objects.order_by("position").values_list("pk", flat=True))
    report = run(name, "fulfilment_report", region["nok"], organisation=region["a"])
    assert errors(report) == []
    assert (report.new, report.updated) == (0, 2)
    assert (
        list(Measure.objects.order_by("position").values_list("pk", flat=True)) == ids
    )
    assert [
        (m.position, m.indicator_code, m.action, m.status, r.done, r.actual_date)
        for m in Measure.objects.order_by("position")
        for r in m.reports.all()
    ] == [
        (1, "1.1", "Разместить сведения о министерстве", "done",
         "Сведения размещены на стенде в холле", date(2025, 2, 25)),
        (2, "2.1", "Кулер", "done", "Кулер установлен", date(2025, 5, 15)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "criterion"),
    [
        ("I. Открытость и доступность информации об организации", "K1"),
        ("II", "K2"),
        ("Раздел III. Доступность услуг для инвалидов", "K3"),
        ("4. Доброжелательность, вежливость работников", "K4"),
        ("Удовлетворённость условиями оказания услуг", "K5"),
        ("Итого по плану", None),
        ("Установить пандус для инвалидов", None),
        ("Исполнитель: Сидорова А.И.", None),
    ],
)
def test_section_headings(text, criterion) -> None:
    assert heading_criterion(text) == criterion


def test_decade_reimport_without_the_base_keeps_the_stored_base(region) -> None:
    assert run("decade_annex2.xls", "decade_summary", region["decade"]).ok
    ignore_column("decade_summary", "Количество жалоб")
    report = run("decade_unknown_column.csv", "decade_summary", region["decade"])
    assert errors(report) == []
    assert (report.new, report.updated, report.unchanged) == (0, 0, 2)
    assert summaries() == DECADE


def test_a_row_of_another_organisation_in_a_single_organisation_file(region) -> None:
    ignore_column("improvement_plan", "Для себя")
    report = run("plan_short_headers.xlsx", "improvement_plan", region["nok"],
                 organisation=region["a"])  # fmt: skip
    assert errors(report) == [
        (row, "ИНН",
         "строка относится к другой организации («Радуга»), а файл загружается за "
         "«КЦСОН «Забота»»; исправьте ИНН или загрузите строки этой организации "
         "отдельным файлом")
        for row in (6, 8, 9)
    ]  # fmt: skip
    assert written() == ([], [], 0)


@pytest.mark.parametrize("name", formats("decade_units"))
def test_decade_units_are_summed_into_their_organisation(region, name) -> None:
    report = run(name, "decade_summary", region["decade"])
    assert errors(report) == []
    assert report.warnings == [
        "Строки отделений (4) сложены в строки своих организаций и отдельно не "
        "загружаются.",
        COMPUTED_WARNING,
    ]
    assert summaries() == DECADE


def test_units_that_do_not_add_up_to_their_organisation(region) -> None:
    from tests.data.real_world.build import Case, decade_units_rows, write_csv

    rows = decade_units_rows()
    rows[6][3] = 31  # the units of row 6 now give 61 questionnaires, not 60
    path = DATA.parent / "units-mismatch.csv"
    try:
        write_csv(Case("units-mismatch", rows), path)
        report = import_file("decade_summary", path.read_bytes(), path.name,
                             campaign=region["decade"])  # fmt: skip
    finally:
        path.unlink()
    assert errors(report) == [
        (6, "Количество заполненных анкет, шт.",
         "по организации 60, а сумма по отделениям 61; исправьте строку организации "
         "или строки отделений"),
    ]  # fmt: skip
    assert written() == ([], [], 0)


def test_preview_shows_the_date_each_phrase_becomes(region) -> None:
    from evaluation.imports.engine import preview_import

    data = (DATA / "plan_federal.xlsx").read_bytes()
    report = preview_import("improvement_plan", data, "plan_federal.xlsx",
                            campaign=region["nok"], organisation=region["a"])  # fmt: skip
    assert report.ok and measures() == []
    assert [(row["row"], row["planned_date"]) for row in report.preview] == [
        (12, "01.03.2025"),
        (13, "30.06.2025 («до 30.06.2025»)"),
        (15, "31.12.2025 («IV квартал 2025 г.»)"),
        (17, "31.12.2025 («декабрь 2025»)"),
        (18, "31.12.2025 («2025 год»)"),
        (20, "31.12.2025 («в течение года»)"),
        (22, "31.12.2025 («ежеквартально»)"),
    ]


@pytest.mark.parametrize("name", formats("plan_abbreviated"))
def test_abbreviated_headers(region, name) -> None:
    report = run(name, "improvement_plan", region["nok"], organisation=region["b"])
    assert errors(report) == [] and report.warnings == []
    assert measures() == [
        ("RADUGA", 1, "K3", "3.1", "Установить поручни", "2025-03-31",
         "Орлова Е.В.", "зам. директора", "done", "Установлены"),
        ("RADUGA", 2, "K3", "3.2", "Заключить договор с сурдопереводчиком",
         "2025-08-31", "Орлова Е.В.", "зам. директора", "planned", None),
    ]  # fmt: skip


# ------------------------------------------------------------ past results


def past_results() -> list[tuple]:
    return [
        (
            r.organisation.code,
            r.publication.campaign.year,
            *(str(getattr(r, key)) for key in ("k1", "k2", "k3", "k4", "k5", "total")),
            r.rank,
            r.input_source,
            r.input_reference,
        )
        for r in PublishedResult.objects.select_related(
            "organisation", "publication__campaign"
        ).order_by("publication__campaign__year", "organisation__code")
    ]


ORDER_2021 = (
    "приказ министерства социальной политики от 20.12.2021 № 512-ОД "
    "«Об утверждении результатов независимой оценки качества»"
)
PAST_2021 = [
    ("RADUGA", 2021, "96.40", "90.00", "72.30", "98.10", "95.20", "90.40", 1,
     "published", ORDER_2021),
    ("ZABOTA", 2021, "91.20", "86.50", "64.80", "97.30", "93.60", "86.68", 2,
     "published", ORDER_2021),
]  # fmt: skip


@pytest.mark.parametrize("name", formats("past_published_2021"))
def test_a_published_rating_table_is_stored_as_published(region, name) -> None:
    """Title row, criteria named in full, organisations by name and ИНН, the
    year and the source taken from the line «Источник: …» under the table."""
    report = run(name, "past_results", None)
    assert errors(report) == [] and report.warnings == []
    assert (report.new, past_results()) == (2, PAST_2021)
    campaign = Campaign.objects.get(slug="nok-2021-published")
    assert (campaign.kind, campaign.status, campaign.title) == (
        "nok", "published", "НОК 2021 (опубликованные значения)"
    )  # fmt: skip
    assert set(campaign.organisations.all()) == {region["a"], region["b"]}


SITE = "https://szn24.example.ru/nok/"
PAST_YEARS = [
    ("ZABOTA", 2019, "84.20", "80.00", "58.60", "95.00", "90.20", "81.60", None,
     "published", f"{SITE}2019"),
    ("ZABOTA", 2020, "88.10", "83.40", "61.00", "96.20", "91.80", "84.10", None,
     "published", f"{SITE}2020"),
    ("RADUGA", 2021, "96.40", "90.00", "72.30", "98.10", "95.20", "90.40", None,
     "published", f"{SITE}2021"),
    ("ZABOTA", 2021, "91.20", "86.50", "64.80", "97.30", "93.60", "86.68", None,
     "published", f"{SITE}2021"),
]  # fmt: skip


@pytest.mark.parametrize("name", formats("past_years"))
def test_several_years_with_a_source_per_row(region, name) -> None:
    report = run(name, "past_results", None)
    assert errors(report) == [] and report.warnings == []
    assert (report.new, past_results()) == (4, PAST_YEARS)
    again = run(name, "past_results", None)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)


def test_past_results_import_is_undone_with_its_campaigns(region) -> None:
    from evaluation.imports.engine import undo_import

    report = run("past_years.xlsx", "past_results", None)
    assert undo_import(report.record) == 3 + 3 + 4  # campaigns, publications, rows
    assert past_results() == []
    assert not Campaign.objects.filter(slug__endswith="-published").exists()


@pytest.mark.parametrize("name", formats("past_mean_mismatch"))
def test_a_total_that_is_not_the_mean_is_a_warning(region, name) -> None:
    report = run(name, "past_results", None)
    assert errors(report) == []
    assert report.warnings == [
        "Строка 4: итоговый балл 91,4 не равен среднему К1–К5 — 90,4 при той же "
        "точности (округление половины вверх). Проверьте значения по источнику; если "
        "они так и опубликованы, подтвердите загрузку: портал сохранит их как "
        "опубликованы."
    ]
    assert past_results()[0][:8] == (
        "RADUGA", 2021, "96.40", "90.00", "72.30", "98.10", "95.20", "91.40"
    )  # fmt: skip


@pytest.mark.parametrize("name", formats("past_160_points"))
def test_past_results_on_the_160_point_scale_are_refused(region, name) -> None:
    with pytest.raises(ImportFileError) as error:
        run(name, "past_results", None)
    assert str(error.value) == (
        "Файл заполнен по другой шкале: в столбце «Итоговый балл» строки 3 стоит "
        "142,5 балла, а по методике приказа Минтруда № 344н баллы бывают только от 0 "
        "до 100 (больше 100 бывает в отчётах по старым 10- и 160-балльным методикам). "
        "Такие значения нельзя сравнивать с нынешними: загрузите опубликованные "
        "значения по шкале от 0 до 100 или не загружайте этот год."
    )
    assert past_results() == [] and not ImportRecord.objects.exists()


def _csv(rows: list[list[object]]) -> tuple[bytes, str]:
    from tests.data.real_world.build import Case, write_csv

    path = DATA.parent / "past-inline.csv"
    try:
        write_csv(Case("past-inline", rows), path)
        return path.read_bytes(), path.name
    finally:
        path.unlink()


def test_a_10_point_header_is_refused(region) -> None:
    data, name = _csv([
        ["ИНН", "Год", "К1", "К2", "К3", "К4", "К5", "Итоговый балл (из 10)"],
        [INN_A, 2016, 8.1, 7.9, 6.0, 9.2, 8.8, 8.0],
    ])  # fmt: skip
    with pytest.raises(ImportFileError) as error:
        import_file("past_results", data, name)
    assert str(error.value) == (
        "Файл заполнен по другой шкале: столбец «Итоговый балл (из 10)» — баллы по "
        "прежней 10- или 160-балльной методике, а портал хранит результаты по шкале "
        "от 0 до 100 баллов (приказ Минтруда № 344н). Такие значения нельзя "
        "сравнивать с нынешними: загрузите опубликованные значения по шкале от 0 до "
        "100 или не загружайте этот год."
    )


def test_past_results_without_year_or_source_and_for_a_portal_year(region) -> None:
    data, name = _csv([
        ["Код организации", "Год", "К1", "К2", "К3", "К4", "К5", "Итоговый балл",
         "Источник"],
        ["ZABOTA", None, 90, 90, 90, 90, 90, 90, "доклад министерства"],
        ["RADUGA", 2024, 90, 90, 90, 90, 90, 90, "доклад министерства за 2024 год"],
        ["RADUGA", 2020, 90, 90, 90, 90, 90, 90, None],
    ])  # fmt: skip
    report = import_file("past_results", data, name)
    assert errors(report) == [
        (2, "Год", "не указан год оценки; добавьте столбец «Год» или назовите год в "
         "строке «Источник: …» под таблицей"),
        (3, "Год", "за 2024 год на портале есть своя кампания «НОК 2024»: её "
         "результаты считает портал; опубликованные значения загружаются только за "
         "годы без кампании на портале"),
        (4, "Источник", "не указан источник; заполните столбец «Источник» (адрес "
         "страницы или название документа) или добавьте под таблицей строку "
         "«Источник: …»"),
    ]  # fmt: skip
    assert past_results() == []


def test_the_past_results_template_names_every_column() -> None:
    from openpyxl import load_workbook

    from evaluation.imports.sheets import get_form
    from evaluation.imports.templates import build_template

    book = load_workbook(io.BytesIO(build_template(get_form("past_results"))))
    assert [c.value for c in book["Данные"][1]] == [
        "№ п/п", "ИНН", "Код организации", "Наименование организации", "Год",
        "К1", "К2", "К3", "К4", "К5", "Итоговый балл", "Место в рейтинге", "Источник",
    ]  # fmt: skip


def test_three_published_years_on_the_card_trend_api_and_open_data(
    published_region, client
) -> None:
    """Past years imported for a demo institution: its card's trend chart
    shows them with the label and sources, the year's card says the values
    are published (no «как посчитано»), the API and open data mark them."""
    import json

    from bs4 import BeautifulSoup
    from django.urls import reverse

    region = published_region
    zabota, raduga = region.organisations[:2]
    Organisation.objects.filter(pk=zabota.pk).update(code="ZABOTA")
    Organisation.objects.filter(pk=raduga.pk).update(code="RADUGA")
    assert run("past_years.xlsx", "past_results", None).ok

    def page(url: str) -> BeautifulSoup:
        response = client.get(url)
        assert response.status_code == 200
        return BeautifulSoup(response.content.decode(), "html.parser")

    card = page(f"{region.directory.url}{zabota.slug}/")
    trend = card.select_one("section[aria-labelledby=org-trend]")
    assert " ".join(trend.select_one(".published-note").get_text().split()) == (
        "Опубликованные значения (портал их не пересчитывает): "
        f"2019 год — {SITE}2019; 2020 год — {SITE}2020; 2021 год — {SITE}2021."
    )
    years = [row.th.get_text(strip=True) for row in trend.select("table tbody tr")]
    assert years == ["2019", "2020", "2021", "2022", "2023", "2024"]
    first = trend.select_one("table tbody tr").select("td")[0].get_text(strip=True)
    assert first == "81,60"

    year_card = page(f"{region.directory.url}{zabota.slug}/nok-2021-published/")
    total = year_card.select_one("section[aria-labelledby=org-total]")
    assert " ".join(total.select_one(".published-note").get_text().split()) == (
        f"Опубликованные значения: портал их не пересчитывает. Источник: {SITE}2021."
    )
    assert total.select_one(".score").get_text(strip=True) == "86,68"
    place = total.select(".card")[1]  # the file gives no ranks
    assert " ".join(place.get_text(" ", strip=True).split()) == (
        "Место в рейтинге — место не опубликовано"
    )
    assert year_card.select_one("#org-indicators") is None

    api = client.get(
        "/api/v1/results/", {"campaign": "nok-2021-published", "page_size": 10}
    ).json()
    marked = {
        row["organisation"]["slug"]: (row["source"], row["source_reference"])
        for row in api["results"]
    }
    assert marked == {
        zabota.slug: ("published", f"{SITE}2021"),
        raduga.slug: ("published", f"{SITE}2021"),
    }
    latest = client.get("/api/v1/results/", {"page_size": 1}).json()["results"][0]
    assert (latest["source"], latest["source_reference"]) == (
        "computed",
        "Демонстрационный отчёт оператора за 2024 год",
    )

    url = reverse(
        "evaluation-api:dataset-download", kwargs={"slug": "results", "fmt": "json"}
    )
    rows = json.loads(client.get(url + "?campaign=nok-2021-published").getvalue())
    assert sorted((r["total"], r["values_source"], r["values_source_reference"])
                  for r in rows) == [
        ("86.68", "published", f"{SITE}2021"), ("90.40", "published", f"{SITE}2021")
    ]  # fmt: skip


# -------------------------------------------------------- survey responses

ALL_YES = {f"q{n}": True for n in range(1, 16)}


def responses() -> list[tuple]:
    return [
        (r.organisation.code, r.number, r.collected_on.isoformat(), r.channel,
         r.kind, r.external_territorial,
         "".join({True: "д", False: "н", None: "-"}[r.answers[f"q{n}"]]
                 for n in range(1, 16)),
         r.suggestion)
        for r in SurveyResponse.objects.select_related("organisation").order_by(
            "organisation__code", "number"
        )
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("survey_paper"))
def test_paper_questionnaires_of_one_institution(region, name) -> None:
    """«В1»…«В15» headers under a title, «Да » with a space, empty answers,
    «—» for no suggestion, trailing empty rows and column; no ИНН column."""
    report = run(name, "survey_responses", region["decade"], organisation=region["a"])
    assert errors(report) == [] and report.warnings == []
    assert responses() == [
        ("ZABOTA", "1", "2024-04-02", "office", "questionnaire", False,
         "ддддддддддддддд", "Продлить часы работы"),
        ("ZABOTA", "2", "2024-04-02", "office", "questionnaire", False,
         "днддндддддддддд", ""),
        ("ZABOTA", "3", "2024-04-03", "street", "questionnaire", False,
         "ннд-ддд-ддддддд", ""),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("survey_two_organisations"))
def test_questionnaires_of_two_institutions_by_inn(region, name) -> None:
    report = run(name, "survey_responses", region["decade"])
    assert errors(report) == [] and report.warnings == []
    assert responses() == [
        ("RADUGA", "Р-1", "2024-04-05", "mail", "questionnaire", True,
         "ддддддддддддддд", "Спасибо"),
        ("RADUGA", "Р-2", "2024-04-06", "online_form", "questionnaire", False,
         "ннннннннннннннн", ""),
        ("ZABOTA", "А-1", "2024-04-05", "mfc", "interview", False,
         "ддддддддддддддд", ""),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("survey_mistakes"))
def test_questionnaire_mistakes_name_row_column_and_reason(region, name) -> None:
    report = run(name, "survey_responses", region["decade"], organisation=region["a"])
    assert errors(report) == [
        (2, "Дата анкетирования", "«31.02.2024» — не дата (ожидается ДД.ММ.ГГГГ)"),
        (3, "Канал",
         "«На дому» — нет в списке. Допустимо: «В учреждении (отделении)»; "
         "«Социальным работником в отдалённом поселении»; «В почтовом отделении»; "
         "«В МФЦ»; «В отделении Социального фонда»; «В банке»; «Уличный опрос»; "
         "«По почте»; «Портал «Активный гражданин. Красноярский край»»; "
         "«По электронной почте»; «По факсу»; «Анкета на портале»"),
        (4, "Вопрос 1", "«может быть» — ожидается «да» или «нет»"),
    ]  # fmt: skip
    assert responses() == []


# ---------------------------------------------------------------- register


@pytest.fixture
def districts(region):
    from tests.data.real_world.build import DISTRICT_A, DISTRICT_B

    return DistrictFactory(name=DISTRICT_A), DistrictFactory(name=DISTRICT_B)


def register() -> list[tuple]:
    return list(
        Organisation.objects.order_by("inn").values_list(
            "inn", "short_name", "kind", "district__name", "code", "parent__inn",
            "website", "has_online_questionnaire", "recipients_count",
            "registered_count", "counts_as_of",
        )
    )  # fmt: skip


@pytest.mark.parametrize("name", formats("register"))
def test_the_ministry_register_updates_the_organisations(districts, name) -> None:
    """Title rows, the official wordings, «1 250» with NBSP, a branch under
    its head organisation by ИНН, a note under the table."""
    report = run(name, "organisations", None)
    assert errors(report) == []
    assert (report.new, report.updated) == (0, 2)
    assert register() == [
        (INN_A, NAME_A, "complex_centre", "Балахтинский район", "ZABOTA", None,
         "https://zabota.example.ru", False, 1250, 980, date(2025, 1, 1)),
        (INN_B, "Радуга", "family_centre", "Большеулуйский район", "RADUGA", INN_A,
         "", False, 430, None, date(2025, 1, 1)),
    ]  # fmt: skip
    assert Organisation.objects.get(inn=INN_B).name == (
        "Краевое государственное бюджетное учреждение социального обслуживания "
        "«Центр социальной помощи семье и детям «Радуга»»"
    )


@pytest.mark.parametrize("name", formats("register_codes"))
def test_register_with_codes_and_the_online_questionnaire(districts, name) -> None:
    report = run(name, "organisations", None)
    assert errors(report) == [] and report.warnings == []
    assert [row[:8] for row in register()] == [
        (INN_A, NAME_A, "complex_centre", "Балахтинский район", "ZABOTA", None, "",
         True),
        (INN_B, "Радуга", "family_centre", "Большеулуйский район", "RADUGA", None, "",
         False),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("register_mistakes"))
def test_register_mistakes(districts, name) -> None:
    before = register()
    report = run(name, "organisations", None)
    assert errors(report) == [
        (2, "ИНН", "ИНН 2400001011 — неверная контрольная цифра"),
        (
            3,
            "Район",
            "район «Балахта» не найден в справочнике районов; добавьте его в "
            "меню «Оценка качества» → «Районы» или исправьте название в файле",
        ),
        (4, "Вид организации",
         "«Санаторий» — нет в списке. Допустимо: «Комплексный центр социального "
         "обслуживания»; «Дом-интернат»; «Реабилитационный центр»; «Центр помощи "
         "семье и детям»; «Территориальное отделение КГКУ «УСЗН»»; «Другая "
         "организация»"),
    ]  # fmt: skip
    assert register() == before


# ------------------------------------------------------- target indicators


def targets() -> list[tuple]:
    return [
        (v.indicator.position, v.indicator.title, v.indicator.unit, v.year,
         v.planned, v.actual)
        for v in TargetIndicatorValue.objects.select_related("indicator").order_by(
            "indicator__position", "year"
        )
    ]  # fmt: skip


COVERAGE = "Доля организаций, охваченных независимой оценкой"


@pytest.mark.parametrize("name", formats("targets"))
def test_target_indicators_with_percents_and_spaced_numbers(region, name) -> None:
    """«100 %», «12 000» with NBSP, «86,4», an empty fact, an extra sheet."""
    report = run(name, "target_indicators", None)
    assert errors(report) == [] and report.warnings == []
    assert targets() == [
        (1, COVERAGE, "%", 2024, Decimal(100), Decimal(100)),
        (1, COVERAGE, "%", 2025, Decimal(100), None),
        (2, "Число получателей услуг, принявших участие в опросе", "чел.", 2024,
         Decimal(12000), Decimal(12480)),
        (3, "Средний итоговый балл по краю", "балл", 2024, Decimal(85),
         Decimal("86.4")),
    ]  # fmt: skip


@pytest.mark.parametrize("name", formats("targets_mistakes"))
def test_target_indicator_mistakes(region, name) -> None:
    report = run(name, "target_indicators", None)
    assert errors(report) == [
        (2, "Факт",
         "процент больше 100 (104); проверьте значение или единицу измерения"),
        (3, "Год", "год 1924 вне диапазона 2000–2100"),
        (4, "Факт", "значение -5 отрицательное; укажите ноль или больше"),
    ]  # fmt: skip
    assert targets() == []


def test_every_form_has_at_least_three_corpus_files() -> None:
    prefixes = {
        "improvement_plan": "plan_", "decade_summary": "decade_",
        "nok_results": "nok_", "survey_responses": "survey_",
        "organisations": "register", "target_indicators": "targets",
        "past_results": "past_",
    }  # fmt: skip
    for form, prefix in prefixes.items():
        assert len(list(DATA.glob(f"{prefix}*.*"))) >= 3, form


def test_only_the_ministry_loads_past_results(region, django_user_model) -> None:
    """Published values become a public campaign: an institution or an
    operator may not load them, even for its own organisation."""
    from evaluation.imports.permissions import import_scope
    from evaluation.imports.sheets import get_form

    form = get_form("past_results")
    staff = django_user_model.objects.create_user("kcson-a", password="x")
    region["a"].users.add(staff)
    operator = django_user_model.objects.create_user("operator", password="x")
    region["nok"].operators.add(operator)
    for user in (staff, operator):
        with pytest.raises(ImportFileError) as error:
            import_scope(user, form, None)
        assert str(error.value) == (
            "Опубликованные результаты прошлых лет загружает редактор министерства."
        )
    editor = django_user_model.objects.create_superuser("ed", "e@example.ru", "pw")
    assert import_scope(editor, form, None) is None


def test_a_10_point_file_without_the_scale_in_its_header_is_refused(region) -> None:
    data, name = _csv([
        ["ИНН", "Год", "К1", "К2", "К3", "К4", "К5", "Итоговый балл", "Источник"],
        [INN_A, 2016, 8.1, 7.9, 6.0, 9.2, 8.8, 8.0, "доклад за 2016 год"],
        [INN_B, 2016, 9, 8.5, 7.0, 9.0, 9.0, 8.5, "доклад за 2016 год"],
    ])  # fmt: skip
    with pytest.raises(ImportFileError) as error:
        import_file("past_results", data, name)
    assert str(error.value) == (
        "Файл заполнен по другой шкале: все баллы в нём не больше 9,2 балла, так "
        "бывает в отчётах по старой 10-балльной методике, а портал хранит результаты "
        "по шкале от 0 до 100 баллов (приказ Минтруда № 344н). Загрузите "
        "опубликованные значения по шкале от 0 до 100 или не загружайте этот год."
    )
    assert past_results() == []


HIDDEN_NOTES = [
    "Скрытый столбец G не загружается: если там данные, покажите их в файле и "
    "загрузите его снова.",
    "Скрытая строка 6 не загружается: если там данные, покажите их в файле и "
    "загрузите его снова.",
]


@pytest.mark.parametrize("name", formats("plan_hidden_formula"))
def test_hidden_columns_and_rows_are_not_read(region, name) -> None:
    # Column G is a hidden working formula whose header («Срок (служебный
    # расчёт)») would also read as the due date; row 6 is a hidden measure.
    report = run(name, "improvement_plan", region["nok"])
    assert errors(report) == []
    assert report.warnings == HIDDEN_NOTES
    assert (report.new, report.updated) == (3, 0)
    assert measures() == [
        ("ZABOTA", 1, "K1", "", "Разместить сведения о вакансиях на стенде",
         "2025-03-01", "Иванова Мария Петровна", "заместитель директора", "planned", None),
        ("ZABOTA", 2, "K1", "", "Разместить схему проезда на сайте",
         "2025-06-30", "Кузнецов Олег Викторович", "заведующий хозяйством", "planned", None),
        ("ZABOTA", 4, "K1", "", "Создать раздел «Вопрос — ответ»",
         "2025-09-30", "Иванова Мария Петровна", "заместитель директора", "planned", None),
    ]  # fmt: skip
