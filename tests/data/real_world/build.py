"""Build the corpus of realistic spreadsheets under ``tests/data/real_world/``.

    .venv/bin/python tests/data/real_world/build.py [CASE ...]

Each case is one sheet as an institution fills it (title rows, merged
two-row headers, numbering rows, section headings, «Итого» rows, signature
blocks, hidden columns, extra sheets, dates written as words, a few plain
mistakes). It is written as XLSX with openpyxl, then converted to XLS and ODS
by LibreOffice (``soffice --headless``) when it is installed, else with xlwt
and odfpy; the CSV variant is cp1251 with ``;``, as Excel saves it for a
Russian locale. The generated files are committed, so the tests need neither
LibreOffice nor this script.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent

#: ИНН and names of the test region's organisations (tests/imports/test_real_world.py).
INN_A, INN_B = "2400001010", "2400001027"
NAME_A, NAME_B = "КЦСОН «Забота»", "Центр социальной помощи семье и детям «Радуга»"


@dataclass
class Case:
    """One sheet and the formats it is written in.

    Attributes:
        name: File stem.
        rows: The sheet's cells, row by row (None: empty cell).
        merges: Merged ranges ("A1:G1").
        hidden: Letters of hidden columns.
        hidden_rows: Numbers of hidden rows.
        comments: Cell comments {"B5": "text"}.
        sheets: Extra sheets after the data sheet {name: rows}.
        before: Extra sheets before the data sheet (hidden ones stay hidden).
        formats: Which files to write.
    """

    name: str
    rows: list[list[object]]
    merges: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    comments: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    before: dict[str, list[list[object]]] = field(default_factory=dict)
    formats: tuple[str, ...] = ("xlsx", "xls", "ods", "csv")


# ----------------------------------------------------------------- the plan

FEDERAL_PLAN_HEADER = [
    "№ п/п",
    "Недостатки, выявленные в ходе независимой оценки качества условий оказания "
    "услуг организацией",
    "Наименование мероприятия по устранению недостатков, выявленных в ходе "
    "независимой оценки качества условий оказания услуг организацией",
    "Плановый срок реализации мероприятия",
    "Ответственный исполнитель\n(с указанием фамилии, имени, отчества и должности)",
    "Сведения о ходе реализации мероприятия",
    None,
]
FEDERAL_PLAN_SUBHEADER = [
    None,
    None,
    None,
    None,
    None,
    "реализованные меры по устранению выявленных недостатков",
    "фактический срок реализации",
]
RESPONSIBLE = "Иванова Мария Петровна, заместитель директора"
TITLE = [
    ["УТВЕРЖДАЮ", None, None, None, "Директор КЦСОН «Забота»"],
    [None, None, None, None, "____________ И.И. Петров"],
    [],
    ["ПЛАН"],
    [
        "по устранению недостатков, выявленных в ходе независимой оценки качества "
        "условий оказания услуг, на 2025 год"
    ],
    ["КЦСОН «Забота»"],
    [],
]
SIGNATURE = [
    [],
    [None, "Директор", None, "____________", "И.И. Петров"],
    [None, "М.П."],
]


def federal_plan_rows(done: bool = True) -> list[list[object]]:
    """The federal form of one institution, sections I–V, dates in words."""
    rows: list[list[object]] = [
        *TITLE,
        FEDERAL_PLAN_HEADER,
        FEDERAL_PLAN_SUBHEADER,
        [1, 2, 3, 4, 5, 6, 7],
        ["I. Открытость и доступность информации об организации"],
        [
            1,
            "На стенде нет сведений о вышестоящем органе",
            "Разместить на стенде сведения о министерстве",
            datetime(2025, 3, 1),
            RESPONSIBLE,
            "Сведения размещены" if done else "—",
            datetime(2025, 2, 20) if done else "-",
        ],
        [
            2,
            "На сайте нет раздела «Часто задаваемые вопросы»",
            "Создать на сайте раздел «Часто задаваемые вопросы»",
            "до 30.06.2025",
            "Сидоров Пётр Ильич, специалист по связям с общественностью",
            "—",
            "—",
        ],
        ["II. Комфортность условий предоставления услуг"],
        [
            3,
            "Нет питьевой воды в зоне ожидания",
            "Установить кулер с питьевой водой",
            "IV квартал 2025 г.",
            RESPONSIBLE,
            None,
            None,
        ],
        ["III. Доступность услуг для инвалидов"],
        [
            4,
            "Нет сменных кресел-колясок",
            "Приобрести кресло-коляску",
            "декабрь 2025",
            "Кузнецов Олег Викторович, заведующий хозяйством",
            None,
            None,
        ],
        [
            5,
            "Нет дублирования надписей шрифтом Брайля",
            "Изготовить таблички со шрифтом Брайля",
            "2025 год",
            "Кузнецов Олег Викторович, заведующий хозяйством",
            None,
            None,
        ],
        ["IV. Доброжелательность, вежливость работников организации"],
        [
            6,
            "Недостатки не выявлены",
            "Провести обучение по этике общения",
            "в течение года",
            RESPONSIBLE,
            None,
            None,
        ],
        ["V. Удовлетворенность условиями оказания услуг"],
        [
            7,
            "Не все получатели готовы рекомендовать организацию",
            "Проводить опрос получателей услуг",
            "ежеквартально",
            RESPONSIBLE,
            "нет",
            "нет",
        ],
        *SIGNATURE,
    ]
    return rows


FEDERAL_MERGES = [
    "A4:G4",
    "A5:G5",
    "A6:G6",
    "A8:A9",
    "B8:B9",
    "C8:C9",
    "D8:D9",
    "E8:E9",
    "F8:G8",
    "A11:G11",
    "A14:G14",
    "A16:G16",
    "A19:G19",
    "A21:G21",
]


def short_plan_rows() -> list[list[object]]:
    """An editor's file for two organisations: short headers, criterion names
    as headings, an ИНН column, a hidden working column, trailing blanks."""
    return [
        ["План мероприятий по итогам НОК 2024 года"],
        [],
        [
            "ИНН",
            "№",
            "Недостаток",
            "Мероприятие",
            "Срок",
            "Ответственный (ФИО, должность)",
            "Для себя",
            None,
            None,
        ],
        ["Комфортность условий предоставления услуг"],
        [
            INN_A,
            1,
            "Нет навигации в здании",
            "Разместить указатели в коридорах",
            "II кв. 2025",
            "Смирнова А.А., заведующий отделением",
            "проверить смету",
            None,
        ],
        [
            INN_B,
            1,
            "Нет навигации в здании",
            "Разместить указатели в коридорах",
            "30.09.2025",
            "Орлова Е.В., заместитель директора",
            None,
            None,
        ],
        ["Доступность услуг для инвалидов"],
        [
            INN_B,
            2,
            "Нет пандуса у входа",
            "Установить пандус",
            "постоянно",
            "Орлова Е.В., заместитель директора",
            "ждём подрядчика",
        ],
        [  # the same deficiency: its cell is merged down over both measures
            INN_B,
            3,
            None,
            "Установить кнопку вызова персонала",
            "до 01.09.2025",
            "Орлова Е.В., заместитель директора",
        ],
        [],
        [],
        [None, None, None, None, None, None, None, None],
    ]


def reimport_plan_rows(second: bool) -> list[list[object]]:
    """A plan and its corrected copy: same numbers, one wording edited, the
    indicator codes left empty in the second file."""
    header = [
        "№ п/п",
        "Код показателя",
        "Недостатки",
        "Мероприятие",
        "Плановый срок",
        "Ответственный исполнитель",
        "Должность",
    ]
    return [
        header,
        [
            1,
            None if second else "1.1",
            "На стенде нет сведений о вышестоящем органе",
            "Разместить на стенде сведения о министерстве и его контактах"
            if second
            else "Разместить на стенде сведения о министерстве",
            "01.03.2025",
            "Иванова М.П.",
            "заместитель директора",
        ],
        [
            2,
            "—" if second else "2.1",
            "Нет питьевой воды",
            "Установить кулер",
            "до 30.06.2025",
            "Кузнецов О.В.",
            "заведующий хозяйством",
        ],
    ]


def report_rows() -> list[list[object]]:
    """A progress report on the plan of ``reimport_plan_rows``: the measures
    named by their numbers, their wording shortened by hand."""
    return [
        ["Отчёт о ходе реализации плана за 2025 год"],
        [
            "№ п/п",
            "Недостатки",
            "Мероприятие",
            "Плановый срок",
            "Ответственный исполнитель",
            "Должность",
            "Реализованные меры",
            "Фактический срок",
        ],
        [
            1,
            "На стенде нет сведений о вышестоящем органе",
            "Разместить сведения о министерстве",
            "01.03.2025",
            "Иванова М.П.",
            "заместитель директора",
            "Сведения размещены на стенде в холле",
            datetime(2025, 2, 25),
        ],
        [
            2,
            "Нет питьевой воды",
            "Кулер",
            "до 30.06.2025",
            "Кузнецов О.В.",
            "заведующий хозяйством",
            "Кулер установлен",
            "15.05.2025",
        ],
    ]


def abbreviated_plan_rows() -> list[list[object]]:
    """Abbreviated headers as typed in a hurry, the indicator as «3.1»."""
    return [
        [NAME_B],
        ["План по итогам НОК УОУ-2024"],
        [
            "№",
            "Показатель",
            "Выявленные недостатки (по итогам НОК)",
            "Мероприятия по устранению",
            "Срок исп.",
            "Отв. исполнитель (ФИО, должн.)",
            "Отметка о выполнении",
            "Дата вып.",
        ],
        [
            1,
            "3.1",
            "Нет поручней в санузле",
            "Установить поручни",
            "1 кв. 2025",
            "Орлова Е.В., зам. директора",
            "Установлены",
            "20.03.2025",
        ],
        [
            2,
            "3.2",
            "Нет сурдопереводчика",
            "Заключить договор с сурдопереводчиком",
            "август 2025",
            "Орлова Е.В., зам. директора",
            "-",
            "-",
        ],
    ]


def plan_mistakes_rows() -> list[list[object]]:
    """Plain mistakes: an impossible date, no position of the responsible,
    a due date without a date."""
    return [
        [
            "№ п/п",
            "Недостатки",
            "Мероприятие",
            "Плановый срок реализации",
            "Ответственный исполнитель",
        ],
        [1, "Нет пандуса", "Установить пандус", "31.13.2025", "Иванова М.П., директор"],
        [2, "Нет кулера", "Установить кулер", "до 30.06.2025", "Кузнецов О.В."],
        [
            3,
            "Нет табличек",
            "Изготовить таблички",
            "по мере необходимости",
            "Иванова М.П., директор",
        ],
    ]


# --------------------------------------------------------------- Декада

DECADE_HEADER = [
    "№ п/п",
    "Наименование учреждения",
    "Численность получателей услуг, чел.",
    "Количество заполненных анкет, шт.",
    "Процент выборки",
    "Доля удовлетворённых",
]


def hidden_formula_plan_rows() -> list[list[object]]:
    """A plan with a hidden working column whose header also reads as a due
    date («Срок (служебный расчёт)», a formula), and a hidden row: a measure
    taken off the plan but kept in the sheet."""
    responsible = "Кузнецов Олег Викторович, заведующий хозяйством"
    return [
        ["План мероприятий КЦСОН «Забота» по итогам НОК 2024 года"],
        ["ИНН", "№ п/п", "Недостаток", "Мероприятие", "Срок", "Ответственный (ФИО, должность)", "Срок (служебный расчёт)"],
        ["I. Открытость и доступность информации об организации"],
        [INN_A, 1, "Нет сведений о вакансиях", "Разместить сведения о вакансиях на стенде", datetime(2025, 3, 1), RESPONSIBLE, "=E4+30"],
        [INN_A, 2, "Нет схемы проезда", "Разместить схему проезда на сайте", datetime(2025, 6, 30), responsible, "=E5+30"],
        [INN_A, 3, "Черновик", "Мероприятие снято с плана", datetime(2025, 12, 31), responsible, "=E6+30"],
        [INN_A, 4, "Нет раздела вопросов", "Создать раздел «Вопрос — ответ»", datetime(2025, 9, 30), RESPONSIBLE, "=E7+30"],
    ]  # fmt: skip


def decade_rows(total: int = 105, spaced: bool = False) -> list[list[object]]:
    """An annex-2 summary: two institutions, «Итого», the executor's signature."""
    base_b = "1\u00a0250" if spaced else 1250
    return [
        ["Приложение 2"],
        ["Сводная информация об итогах Декады качества 2024 года"],
        DECADE_HEADER,
        [1, 2, 3, 4, 5, 6],
        [1, NAME_A, 300, 45, "15 %" if spaced else 15, "93,3 %" if spaced else 93.3],
        [2, NAME_B, base_b, 60, "4,8\u202f%" if spaced else 4.8, 88],
        ["Итого", None, 1550, total, None, None],
        [],
        [None, "Исполнитель: Сидорова Анна Ивановна, тел. 8 (391) 200-00-00"],
    ]


def decade_units_rows() -> list[list[object]]:
    """Units under their organisations: one organisation row left empty (the
    units are summed into it), one with its own numbers (they must agree)."""
    return [
        ["Сводная информация об итогах Декады качества 2024 года"],
        DECADE_HEADER,
        [1, NAME_A, None, None, None, None],
        [None, "в т.ч. отделение социального обслуживания на дому", 100, 20, 20, None],
        [None, "отделение срочного социального обслуживания", 200, 25, 12.5, None],
        [2, NAME_B, 1250, 60, 4.8, 88],
        [None, "- филиал в с. Большой Улуй", 600, 30, 5, None],
        [None, "- филиал в пгт Балахта", 650, 30, 4.6, None],
        ["Всего", None, 1550, 105, None, None],
    ]


def decade_unknown_rows() -> list[list[object]]:
    """A summary with a column the form does not know and a header-less one."""
    return [
        ["ИНН", "Всего анкет", "Количество жалоб", None],
        [INN_A, 45, 2, "звонили дважды"],
        [INN_B, 60, 0, None],
    ]


# ------------------------------------------------------------ НОК results

NOK_HEADER = [
    "ИНН",
    "Число респондентов",
    "Стенды: размещено",
    "Стенды: требуется",
    "Сайт: размещено",
    "Сайт: требуется",
    "Дистанционных способов связи",
    "Комфортных условий",
    "Оборудование для инвалидов (из 5)",
    "Условия доступности (из 6)",
    *(f"«Да» на вопрос {n}" for n in range(1, 16)),
]
NOK_ROW = [100, 10, 12, 30, 40, 4, 5, 3, 4, *([90] * 15)]


def nok_old_scale_rows(header: str, score: float) -> list[list[object]]:
    return [
        [*NOK_HEADER, header],
        [INN_A, *NOK_ROW, score],
        [INN_B, *NOK_ROW, 96.5],
    ]


def instructions_first_rows() -> list[list[object]]:
    """Two measures on the second sheet, after the region's instructions."""
    return [
        FEDERAL_PLAN_HEADER[:5],
        [
            1,
            "Нет сведений о вышестоящем органе",
            "Разместить сведения о министерстве",
            "до 01.04.2025",
            "Иванова М.П., директор",
        ],
        [
            2,
            "Нет кнопки вызова персонала",
            "Установить кнопку вызова у входа",
            "III квартал 2025 г.",
            "Кузнецов О.В., заведующий хозяйством",
        ],
    ]


INSTRUCTIONS = [
    ["Порядок заполнения"],
    ["1. Заполните план на листе «План»."],
    ["2. Сроки указывайте датой или кварталом."],
]


def decade_sample_mismatch_rows() -> list[list[object]]:
    rows = decade_rows()
    rows[4] = [1, NAME_A, 300, 45, 25, 93.3]  # 45 of 300 is 15 %, not 25 %
    return rows


# -------------------------------------------------------- survey responses

SURVEY_QUESTIONS = [f"Вопрос {n}" for n in range(1, 16)]
YES15 = ["да"] * 15


def survey_paper_rows() -> list[list[object]]:
    """Paper questionnaires typed in by one institution: a title, «В1»…«В15»
    headers, answers as «да»/«нет»/«Да »/empty, «—» for no suggestion,
    trailing empty rows and column."""
    return [
        ["Анкеты получателей услуг, Декада качества 2024 года"],
        [NAME_A],
        [
            "№ анкеты",
            "Дата заполнения",
            "Место проведения опроса",
            *(f"В{n}" for n in range(1, 16)),
            "Ваши предложения",
            None,
        ],
        ["1", datetime(2024, 4, 2), "В учреждении (отделении)", *YES15,
         "Продлить часы работы", None],
        ["2", datetime(2024, 4, 2), "В учреждении (отделении)",
         "да", "нет", "Да ", "да", "нет", *(["да"] * 10), "—", None],
        ["3", datetime(2024, 4, 3), "Уличный опрос", "нет", "нет", "да", None,
         "да", "да", "да", None, *(["да"] * 7), None, None],
        [],
        [None] * 20,
    ]  # fmt: skip


def survey_two_organisations_rows() -> list[list[object]]:
    """The district office's file for two institutions: an ИНН column, the
    form of the survey, the extraterritorial mark."""
    return [
        ["ИНН", "Номер анкеты", "Дата анкетирования", "Канал", "Форма опроса",
         "Экстерриториальная", *SURVEY_QUESTIONS, "Предложения"],
        [INN_A, "А-1", "05.04.2024", "В МФЦ", "Интервью", "нет", *YES15, None],
        [INN_B, "Р-1", "05.04.2024", "По почте", "Анкетирование", "да", *YES15,
         "Спасибо"],
        [INN_B, "Р-2", "06.04.2024", "Анкета на портале", None, None,
         *(["нет"] * 15), None],
    ]  # fmt: skip


def survey_mistakes_rows() -> list[list[object]]:
    """An impossible date, a channel not in the list, an answer that is
    neither «да» nor «нет», the same number twice."""
    return [
        ["Номер анкеты", "Дата анкетирования", "Канал", *SURVEY_QUESTIONS],
        ["1", "31.02.2024", "В учреждении (отделении)", *YES15],
        ["2", "03.04.2024", "На дому", *YES15],
        ["3", "03.04.2024", "В МФЦ", "может быть", *(["да"] * 14)],
        ["1", "04.04.2024", "В МФЦ", *YES15],
    ]


# ------------------------------------------------------ register

DISTRICT_A, DISTRICT_B = "Балахтинский район", "Большеулуйский район"


def register_rows() -> list[list[object]]:
    """The ministry's register: title rows, the official wordings, numbers
    with spaces, a branch under its head organisation, a note under it."""
    return [
        ["Реестр поставщиков социальных услуг"],
        ["по состоянию на 01.01.2025"],
        [
            "№ п/п",
            "Полное наименование организации",
            "Сокращенное наименование",
            "ИНН",
            "Тип учреждения",
            "Муниципальный район",
            "ИНН головной организации",
            "Официальный сайт",
            "Численность получателей услуг",
            "Численность состоящих на учете",
            "По состоянию на",
        ],
        [1, "Краевое государственное бюджетное учреждение социального "
         "обслуживания «Комплексный центр социального обслуживания населения "
         "«Забота»»", NAME_A, INN_A, "Комплексный центр социального обслуживания",
         DISTRICT_A, None, "https://zabota.example.ru", "1 250", 980,
         datetime(2025, 1, 1)],
        [2, "Краевое государственное бюджетное учреждение социального "
         "обслуживания «Центр социальной помощи семье и детям «Радуга»»", "Радуга",
         INN_B, "Центр помощи семье и детям", DISTRICT_B, INN_A, None, 430, None,
         datetime(2025, 1, 1)],
        [],
        ["Примечание: сведения о численности представлены учреждениями."],
    ]  # fmt: skip


def register_mistakes_rows() -> list[list[object]]:
    """A mistyped ИНН, a district not in the list, an unknown kind."""
    return [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
         "Район"],
        ["2400001011", "КГБУ СО «КЦСОН «Забота»»", NAME_A,
         "Комплексный центр социального обслуживания", DISTRICT_A],
        [INN_B, "КГБУ СО «Радуга»", "Радуга", "Центр помощи семье и детям",
         "Балахта"],
        ["2400001034", "КГБУ СО «Надежда»", "Надежда", "Санаторий", DISTRICT_B],
    ]  # fmt: skip


def register_codes_rows() -> list[list[object]]:
    """A register update with short codes and the online questionnaire mark."""
    return [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид", "Район",
         "Код организации", "Анкета на сайте"],
        [INN_A, "КГБУ СО «КЦСОН «Забота»»", NAME_A,
         "Комплексный центр социального обслуживания", DISTRICT_A, "ZABOTA", "да"],
        [INN_B, "КГБУ СО «Радуга»", "Радуга", "Центр помощи семье и детям",
         DISTRICT_B, "RADUGA", "нет"],
    ]  # fmt: skip


# ---------------------------------------------------------- target indicators


def targets_rows() -> list[list[object]]:
    """The plan's target indicators as the ministry keeps them: a title, the
    official wording, percents with «%», a count with spaces, an empty fact
    for the current year."""
    return [
        ["Целевые показатели плана мероприятий по организации НОК"],
        [
            "№ п/п",
            "Наименование целевого показателя",
            "Ед. изм.",
            "Отчетный год",
            "Плановое значение",
            "Фактическое значение",
        ],
        [1, "Доля организаций, охваченных независимой оценкой", "%", 2024,
         "100 %", "100 %"],
        [1, "Доля организаций, охваченных независимой оценкой", "%", 2025,
         "100 %", None],
        [2, "Число получателей услуг, принявших участие в опросе", "чел.", 2024,
         "12 000", "12 480"],
        [3, "Средний итоговый балл по краю", "балл", 2024, 85, "86,4"],
    ]  # fmt: skip


def targets_mistakes_rows() -> list[list[object]]:
    """A percent above 100, a year out of range, a negative count."""
    return [
        ["Наименование показателя", "Единица измерения", "Год", "План", "Факт"],
        ["Доля организаций, охваченных независимой оценкой", "%", 2024, 100, 104],
        ["Доля организаций, охваченных независимой оценкой", "%", 1924, 100, 90],
        ["Число получателей услуг", "чел.", 2024, 12000, -5],
    ]


# ------------------------------------------------------------ past results

PAST_TITLE = [
    [
        "Результаты независимой оценки качества условий оказания услуг "
        "организациями социального обслуживания в 2021 году"
    ],
    [],
]
PAST_HEADER = [
    "№ п/п",
    "Наименование организации социального обслуживания",
    "ИНН",
    "К1. Открытость и доступность информации об организации",
    "К2. Комфортность условий предоставления услуг",
    "К3. Доступность услуг для инвалидов",
    "К4. Доброжелательность, вежливость работников организации",
    "К5. Удовлетворенность условиями оказания услуг",
    "Итоговый балл",
    "Место в рейтинге",
]
PAST_SOURCE = (
    "Источник: приказ министерства социальной политики от 20.12.2021 № 512-ОД "
    "«Об утверждении результатов независимой оценки качества»"
)


def past_published_rows() -> list[list[object]]:
    """A year's rating table as published: title, criteria headers with their
    names, the source line under the table."""
    return [
        *PAST_TITLE,
        PAST_HEADER,
        [1, NAME_B, INN_B, 96.4, 90.0, 72.3, 98.1, 95.2, 90.4, 1],
        [2, NAME_A, INN_A, 91.2, 86.5, 64.8, 97.3, 93.6, 86.68, 2],
        [],
        [PAST_SOURCE],
    ]


PAST_YEARS_HEADER = [
    "Код организации",
    "Год",
    "К1",
    "К2",
    "К3",
    "К4",
    "К5",
    "Итоговый балл",
    "Источник",
]
SITE = "https://szn24.example.ru/nok/"


def past_years_rows() -> list[list[object]]:
    """Three years of one institution and one of another, a source per row."""
    return [
        PAST_YEARS_HEADER,
        ["ZABOTA", 2019, 84.2, 80.0, 58.6, 95.0, 90.2, 81.6, f"{SITE}2019"],
        ["ZABOTA", 2020, 88.1, 83.4, 61.0, 96.2, 91.8, 84.1, f"{SITE}2020"],
        ["ZABOTA", 2021, 91.2, 86.5, 64.8, 97.3, 93.6, 86.68, f"{SITE}2021"],
        ["RADUGA", 2021, 96.4, 90.0, 72.3, 98.1, 95.2, 90.4, f"{SITE}2021"],
    ]


def past_mismatch_rows() -> list[list[object]]:
    """A total that is not the mean of К1–К5 (published so, by mistake)."""
    rows = past_published_rows()
    rows[3] = [1, NAME_B, INN_B, 96.4, 90.0, 72.3, 98.1, 95.2, 91.4, 1]
    return rows


def past_old_scale_rows() -> list[list[object]]:
    """A region's 160-point rating of 2017: totals above 100."""
    return [
        ["Рейтинг организаций социального обслуживания, 2017 год"],
        ["ИНН", "Год", "К1", "К2", "К3", "К4", "К5", "Итоговый балл"],
        [INN_A, 2017, 28, 27.5, 22, 30, 35, 142.5],
        [INN_B, 2017, 30, 29, 25, 30, 36, 150],
        [],
        ["Источник: доклад министерства о результатах НОК за 2017 год"],
    ]


CASES = [
    Case(
        "plan_federal",
        federal_plan_rows(),
        merges=FEDERAL_MERGES,
        comments={"D12": "срок согласован с министерством"},
        sheets={"Лист2": [], "Лист3": [["черновик"]]},
    ),
    Case(
        "plan_short_headers",
        short_plan_rows(),
        merges=["C8:C9"],
        hidden=["G"],
        sheets={"Справочник": [["1.1", "Открытость"], ["2.1", "Комфортность"]]},
    ),
    Case(
        "plan_hidden_formula",
        hidden_formula_plan_rows(),
        hidden=["G"],
        hidden_rows=[6],
        formats=("xlsx", "ods"),
    ),
    Case("plan_reimport_1", reimport_plan_rows(False), formats=("xlsx", "ods")),
    Case("plan_reimport_2", reimport_plan_rows(True), formats=("xlsx", "csv")),
    Case("plan_abbreviated", abbreviated_plan_rows(), formats=("xlsx", "ods", "csv")),
    Case("plan_report", report_rows(), formats=("xlsx", "xls", "csv")),
    Case("plan_mistakes", plan_mistakes_rows(), formats=("xlsx", "csv")),
    Case(
        "plan_instructions_first",
        instructions_first_rows(),
        before={"Инструкция": INSTRUCTIONS},
        formats=("xlsx", "xls", "ods"),
    ),
    Case(
        "decade_sample_mismatch",
        decade_sample_mismatch_rows(),
        formats=("xlsx", "csv"),
    ),
    Case("decade_annex2", decade_rows(), merges=["A1:F1", "A2:F2", "A7:B7"]),
    Case("decade_units", decade_units_rows(), formats=("xlsx", "ods", "csv")),
    Case("decade_total_mismatch", decade_rows(total=110), formats=("xlsx", "ods")),
    Case("decade_spaced_numbers", decade_rows(spaced=True), formats=("xlsx", "csv")),
    Case("decade_unknown_column", decade_unknown_rows(), formats=("xlsx", "csv")),
    Case(
        "nok_160_points",
        nok_old_scale_rows("Итоговый балл", 142.5),
        formats=("xlsx", "csv"),
    ),
    Case(
        "nok_10_points",
        nok_old_scale_rows("Итоговый балл (из 10)", 8.7),
        formats=("xlsx", "ods"),
    ),
    Case("survey_paper", survey_paper_rows(), merges=["A1:F1"]),
    Case(
        "survey_two_organisations",
        survey_two_organisations_rows(),
        formats=("xlsx", "ods", "csv"),
    ),
    Case("survey_mistakes", survey_mistakes_rows(), formats=("xlsx", "csv")),
    Case("register", register_rows(), merges=["A1:K1", "A2:K2"]),
    Case("register_mistakes", register_mistakes_rows(), formats=("xlsx", "csv")),
    Case("register_codes", register_codes_rows(), formats=("xlsx", "ods")),
    Case(
        "targets",
        targets_rows(),
        merges=["A1:F1"],
        sheets={"Пояснения": [["Факт 2025 года вносится в январе 2026 года"]]},
    ),
    Case("targets_mistakes", targets_mistakes_rows(), formats=("xlsx", "csv")),
    Case("past_published_2021", past_published_rows(), merges=["A1:J1"]),
    Case("past_years", past_years_rows(), formats=("xlsx", "ods", "csv")),
    Case("past_mean_mismatch", past_mismatch_rows(), formats=("xlsx", "csv")),
    Case("past_160_points", past_old_scale_rows(), formats=("xlsx", "ods")),
]


# ------------------------------------------------------------------- writers


def write_xlsx(case: Case, path: Path) -> None:
    book = Workbook()
    first = book.active
    for index, (name, rows) in enumerate(case.before.items()):
        extra = first if index == 0 else book.create_sheet()
        extra.title = name
        for row in rows:
            extra.append(row)
    sheet = book.create_sheet() if case.before else first
    sheet.title = "План" if case.name.startswith("plan") else "Лист1"
    for row in case.rows:
        sheet.append(list(row) if row else [None])
    for cell_range in case.merges:
        sheet.merge_cells(cell_range)
    for letter in case.hidden:
        sheet.column_dimensions[letter].hidden = True
    for number in case.hidden_rows:
        sheet.row_dimensions[number].hidden = True
    for address, text in case.comments.items():
        sheet[address].comment = Comment(text, "Иванова")
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD.MM.YYYY"
            if isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if case.rows and case.rows[0]:
        sheet["A1"].font = Font(bold=True)
    for name, rows in case.sheets.items():
        extra = book.create_sheet(name)
        for row in rows:
            extra.append(row)
    book.save(path)


def write_csv(case: Case, path: Path) -> None:
    """cp1251 with ``;``, dates as Excel shows them; merged cells keep their
    value in the top-left cell only, as Excel's "CSV (разделители - запятые)"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    width = max(len(row) for row in case.rows)
    for row in case.rows:  # Excel writes every line as wide as the used range
        writer.writerow([_csv_cell(value) for value in row] + [""] * (width - len(row)))
    path.write_bytes(buffer.getvalue().encode("cp1251"))


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value).replace("\u202f", " ")  # cp1251 has no narrow NBSP


def convert(sources: list[Path], target: str) -> None:
    """XLSX → XLS/ODS with LibreOffice when installed, else xlwt/odfpy."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(  # noqa: S603
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(HERE),
                    *map(str, sources),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
        return
    print(f"LibreOffice not found: {target} written with Python libraries")  # noqa: T201
    for source in sources:
        case = next(c for c in CASES if c.name == source.stem)
        (_write_xls if target == "xls" else _write_ods)(
            case, source.with_suffix(f".{target}")
        )


def _write_xls(case: Case, path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Лист1")
    dates = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for r, row in enumerate(case.rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))


def _write_ods(case: Case, path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Лист1")
    for row in case.rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, datetime):
                cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
                cell.addElement(P(text=value.strftime("%d.%m.%Y")))
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif value is None:
                cell = TableCell()
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    document.save(str(path))


def main(names: list[str]) -> None:
    """Build every case, or only the named ones (the others' files stay)."""
    cases = [case for case in CASES if not names or case.name in names]
    for old in HERE.glob("*.*"):
        if old.suffix in {".xlsx", ".xls", ".ods", ".csv"} and (
            not names or old.stem in names
        ):
            old.unlink()
    sources = {"xls": [], "ods": []}
    for case in cases:
        xlsx = HERE / f"{case.name}.xlsx"
        write_xlsx(case, xlsx)
        if "csv" in case.formats:
            write_csv(case, HERE / f"{case.name}.csv")
        for target in ("xls", "ods"):
            if target in case.formats:
                sources[target].append(xlsx)
    for target, files in sources.items():
        if files:
            convert(files, target)
    for case in cases:
        if "xlsx" not in case.formats:
            (HERE / f"{case.name}.xlsx").unlink()
    written = sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")
    print(f"{len(written)} files in {HERE}")  # noqa: T201


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
