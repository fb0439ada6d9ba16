"""Seed 001 Part II typed into a spreadsheet as a ministry would → 12 items."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment

from evaluation.imports.engine import import_file, undo_import
from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading import read_rows
from evaluation.imports.sheets import RegionalPlanForm
from evaluation.imports.templates import build_template
from evaluation.models import PlanItem, RegionalPlan
from evaluation.regional.schedules import ScheduleKind

pytestmark = pytest.mark.django_db

M = "министерство труда и социального развития Краснодарского края"
C = "общественный совет"
ORGS = "организации социального обслуживания"

#: (number, measure, form, deadline, executors) as in the seed; "\n" where a
#: cell holds several lines.
SEED_ROWS = [
    ("1", "Проведение заседаний общественного совета при министерстве (далее - общественный совет):", "заседания и решения\nобщественного совета", "2 раза в год\n2016 - 2018 годов", f"{M}\n{C}"),
    ("1.1", "о функционировании системы независимой оценки в отчетном году", "решение общественного совета\nдоклад на заседании общественного совета", "1 квартал 2016 года, далее - ежегодно", f"{M}\n{C}"),
    ("1.2", "о лучших практиках организации работы по оказанию социальных услуг", "решение общественного совета с утверждением итогов независимой оценки", "ежегодно, 4 квартал", f"{M}\n{C}"),
    ("1.3", "о реализации планов по совершенствованию деятельности организаций", "решение общественного совета", "ежегодно, 4 квартал", C),
    ("1.4", "о перечне организаций и техническом задании", "решение общественного совета об утверждении перечня", "ежегодно, 4 квартал", C),
    ("1.5", "об итогах независимой оценки и предложениях общественного совета", "решение общественного совета", "ежегодно, 4 квартал", C),
    ("1.6", "о проведении в муниципальных образованиях информационной работы", "решение общественного совета", "ежегодно, 4 квартал", f"{C}\n{ORGS}"),
    ("1.7", "об основных недостатках в работе организаций", "информационное письмо в министерство", "ежегодно, 1 квартал", C),
    ("1.8", "об учете предложений при разработке государственных программ", "нормативные правовые акты", "ежегодно, 1 квартал", f"{M}\n{C}"),
    ("1.9", "о предложениях по совершенствованию системы независимой оценки", "аналитическая записка с предложениями", "ежегодно, 4 квартал", C),
    (2, "Актуализация дополнительных показателей", "решение общественного совета", "по мере необходимости", C),
    (3, "Обеспечение технической возможности выражения мнений на официальных сайтах", "размещение анкеты на официальном сайте", "1 квартал 2016 года", ORGS),
    (4, "Размещение организациями информации о своей деятельности (886н, 86н)", "размещение информации", "постоянно", ORGS),
    (5, "Организация и проведение независимой оценки:", None, "ежегодно", C),
    (5.1, "формирование перечня организаций", "предложения общественного совета", "ежегодно, 4 квартал", C),
    (5.2, "формирование технического задания", "предложения к проекту технического задания", "4 квартал 2016 года\n4 квартал 2017 года", C),
    (5.3, "проведение конкурса и заключение государственного контракта; решение об определении оператора", "заключение государственного контракта", "1 квартал 2017 года\n1 квартал 2018 года", M),
    (5.4, "осуществление независимой оценки с учетом информации организации-оператора", "отчет организации-оператора, решение общественного совета", "ежегодно, 4 квартал", C),
    (5.5, "представление результатов независимой оценки в министерство", "отчет об итогах независимой оценки", "ежегодно, 4 квартал", C),
    (6, "Размещение информации о результатах независимой оценки на bus.gov.ru", "информация о результатах", "ежегодно, 4 квартал", M),
    (7, "Рассмотрение итогов независимой оценки и выработка решений", "поручения директорам организаций", "ежегодно, 4 квартал", M),
    (8, "Утверждение плана мероприятий по улучшению качества работы организаций", "планы мероприятий", "ежегодно, 4 квартал", ORGS),
    (9, "Организация контроля выполнения планов мероприятий", "информация о результатах выполнения плана", "в сроки, установленные планом мероприятий", C),
    (10, "Информационная и техническая поддержка раздела на сайте министерства", "актуализация информации на сайте", "постоянно", M),
    (11, "Мониторинг размещения информации о независимой оценке на сайтах организаций", "информация о результатах мониторинга", "постоянно", f"{M}\n{C}"),
    (12, "Оказание методической помощи организациям социального обслуживания", "информационные письма", "постоянно (по мере необходимости)", M),
]  # fmt: skip


def seed_workbook(rows=SEED_ROWS) -> bytes:
    """The table as typed: a merged title, a header with a blank-looking number
    column titled "N п/п", a "1 2 3 4 5" numbering row, wrapped multi-line cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet["A1"] = "II. План мероприятий"
    sheet.merge_cells("A1:E1")
    sheet.append(
        [
            "N п/п",
            "Мероприятия",
            "Форма реализации",
            "Сроки исполнения",
            "Ответственные исполнители",
        ]
    )
    sheet.append([1, 2, 3, 4, 5])
    for row in rows:
        sheet.append(list(row))
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def plan() -> RegionalPlan:
    return RegionalPlan.objects.create(
        title="План по организации проведения независимой оценки качества",
        first_year=2016,
        last_year=2018,
        base_year=2015,
    )


def test_the_seed_table_imports_into_twelve_items_with_sub_items(plan) -> None:
    report = import_file("regional_plan", seed_workbook(), "plan.xlsx")
    assert report.ok, report.errors
    top = plan.items.filter(parent=None).order_by("position")
    assert [item.number for item in top] == [str(n) for n in range(1, 13)]
    assert [
        i.number for i in plan.items.get(number="1").children.order_by("position")
    ] == [f"1.{n}" for n in range(1, 10)]
    assert [
        i.number for i in plan.items.get(number="5").children.order_by("position")
    ] == [f"5.{n}" for n in range(1, 6)]
    assert plan.items.count() == 26
    item = plan.items.get(number="5.2")
    schedule = item.get_schedule()
    assert schedule.kind == ScheduleKind.ONCE
    assert [p.due.isoformat() for p in schedule.periods(2016, 2018)] == [
        "2016-12-31",
        "2017-12-31",
    ]
    assert item.deadline_text == "4 квартал 2016 года 4 квартал 2017 года"
    first = plan.items.get(number="1")
    assert first.executors == ["ministry", "council"]
    assert first.form == "заседания и решения общественного совета"
    assert plan.items.get(number="1.6").executors == ["council", "organisations"]
    assert plan.items.get(number="5.4").executors == ["council"]
    assert plan.items.get(number="9").get_schedule().kind == ScheduleKind.BY_OTHER_PLAN
    assert plan.items.get(number="12").get_schedule().kind == ScheduleKind.PERMANENT
    assert plan.items.get(number="5").form == ""

    again = import_file("regional_plan", seed_workbook(), "plan.xlsx")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 26)
    undo_import(again.record)
    assert undo_import(report.record) == 26
    assert not PlanItem.objects.exists()


def test_broken_rows_write_nothing_and_name_row_and_column(plan) -> None:
    rows = list(SEED_ROWS)
    rows[2] = ("1.2", "о лучших практиках", "решение", "когда получится", C)
    rows[11] = (
        3,
        "Анкета на сайте",
        "размещение анкеты",
        "1 квартал 2016 года",
        "кто-нибудь",
    )
    rows.append((7.1, "подпункт без пункта", "письмо", "ежегодно", M))
    del rows[20]  # item 7 itself
    report = import_file("regional_plan", seed_workbook(rows), "plan.xlsx")
    assert not report.ok
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "срок не распознан" in messages[(6, "Сроки исполнения")]
    assert "исполнители не распознаны" in messages[(15, "Ответственные исполнители")]
    assert any(
        column == "N п/п" and "без пункта 7" in text
        for (_, column), text in messages.items()
    )
    assert PlanItem.objects.count() == 0


def test_import_needs_a_plan_and_offers_a_template() -> None:
    with pytest.raises(ImportFileError, match="Сначала создайте план"):
        import_file("regional_plan", seed_workbook(), "plan.xlsx")
    rows = read_rows(build_template(RegionalPlanForm), "template.xlsx")
    assert rows[0] == [
        "№ п/п",
        "Мероприятия",
        "Форма реализации",
        "Сроки исполнения",
        "Ответственные исполнители",
    ]


def test_only_ministry_editors_import_the_plan(plan, django_user_model) -> None:
    from evaluation.imports.permissions import import_scope
    from evaluation.models import District, Organisation

    district = District.objects.create(name="Ачинский район", slug="achinsk")
    org = Organisation.objects.create(
        name="КЦСОН", short_name="КЦСОН", slug="k", code="K",
        kind="complex_centre", district=district,
    )  # fmt: skip
    staff = django_user_model.objects.create_user("staff", "s@example.ru", "pw")
    org.users.add(staff)
    with pytest.raises(ImportFileError, match="редактор министерства"):
        import_scope(staff, RegionalPlanForm, None)
    editor = django_user_model.objects.create_superuser("ed", "e@example.ru", "pw")
    assert import_scope(editor, RegionalPlanForm, None) is None
