"""The typing template of the printed questionnaire (annex 1).

Paper questionnaires are typed in one row each. The template's columns follow
the printed blank (``publications/documents/printable.py``): the same question
set and version (:func:`question_set_of` of the organisation's questionnaire),
its questions in the blank's order, each headed "Вопрос N. <wording>" with the
blank's number. The survey-responses import recognises such a header by its
number (``reading.headers._numbered_pass``), so the filled template is
uploaded as is on behalf of the organisation (no ИНН column).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from evaluation.enums import PAPER_SURVEY_CHANNELS
from evaluation.imports.templates import HEADER_FILL, TEMPLATE_ROWS
from evaluation.models import Organisation
from evaluation.questionnaire.definitions import QuestionSetDef
from evaluation.questionnaire.services import open_questionnaire_for, question_set_of

#: The header row (rows above it: the title and how to fill).
HEADER_ROW = 3


def blank_question_set(organisation: Organisation) -> QuestionSetDef:
    """The question set of the organisation's printed blank."""
    return question_set_of(open_questionnaire_for(organisation))


#: The question numbers the survey-responses form reads (``q1`` … ``q15``).
FORM_QUESTIONS = range(1, 16)
NOT_ASKED = "(нет в бланке, не заполняйте)"


def paper_headers(question_set: QuestionSetDef) -> list[str]:
    """The template's column headers: the blank's questions in its order,
    then the suggestions; a campaign's own shorter set is followed by empty
    columns of the form's other questions (the form reads all fifteen)."""
    asked = {q.number for q in question_set.questions}
    return [
        "Номер анкеты",
        "Дата анкетирования",
        "Канал",
        *(f"Вопрос {q.number}. {q.text}" for q in question_set.questions),
        "Предложения",
        *(f"Вопрос {n} {NOT_ASKED}" for n in FORM_QUESTIONS if n not in asked),
    ]


def build_paper_template(organisation: Organisation) -> bytes:
    """An XLSX for typing in the organisation's paper questionnaires."""
    question_set = blank_question_set(organisation)
    headers = paper_headers(question_set)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Данные"
    sheet["A1"] = f"Анкеты на бумаге: {organisation.short_name}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        f"{question_set.title} ({question_set.code}, версия {question_set.version}). "
        "Одна строка — одна анкета. Ответы — «да» или «нет»; вопрос без ответа "
        "оставьте пустым. Загружайте файл от имени организации."
    )
    for index, title in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=title)
        cell.font = Font(bold=True, color="808080" if NOT_ASKED in title else None)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = (
            16 if index <= 3 else 22
        )
    first, last = HEADER_ROW + 1, HEADER_ROW + TEMPLATE_ROWS
    lists = workbook.create_sheet("Списки")
    for row, (_, label) in enumerate(PAPER_SURVEY_CHANNELS, start=1):
        lists.cell(row=row, column=1, value=str(label))
    lists.sheet_state = "hidden"
    channel = DataValidation(
        type="list",
        formula1=f"=Списки!$A$1:$A${len(PAPER_SURVEY_CHANNELS)}",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Недопустимое значение",
        error="Выберите из списка, где заполнена анкета.",
    )
    answers = DataValidation(
        type="list",
        formula1='"да,нет"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Недопустимое значение",
        error="Ответ — «да» или «нет»; без ответа оставьте ячейку пустой.",
    )
    sheet.add_data_validation(channel)
    sheet.add_data_validation(answers)
    channel.add(f"C{first}:C{last}")
    questions = len(question_set.questions)
    answers.add(
        f"D{first}:{get_column_letter(3 + questions)}{last}" if questions else "D1"
    )
    sheet.freeze_panes = f"D{first}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
