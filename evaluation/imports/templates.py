"""Downloadable XLSX templates of the import forms."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from evaluation.imports.sheets.base import ImportForm

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TEMPLATE_ROWS = 5000  # validation lists cover this many data rows


def build_template(form: type[ImportForm]) -> bytes:
    """An XLSX with Russian headers, a frozen header row, validation lists
    for fixed-choice columns and an instructions sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Данные"
    choices_sheet = workbook.create_sheet("Списки")
    for index, spec in enumerate(form.fields, start=1):
        cell = sheet.cell(row=1, column=index, value=spec.title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(spec.title) + 4))
        if spec.choices:
            labels = [str(label) for _, label in spec.choices]
            for row, label in enumerate(labels, start=1):
                choices_sheet.cell(row=row, column=index, value=label)
            validation = DataValidation(
                type="list",
                formula1=f"=Списки!${letter}$1:${letter}${len(labels)}",
                allow_blank=spec.blank,
                showErrorMessage=True,
                errorTitle="Недопустимое значение",
                error=f"Выберите значение из списка «{spec.title}».",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"
    choices_sheet.sheet_state = "hidden"

    guide = workbook.create_sheet("Инструкция", 0)
    guide.column_dimensions["A"].width = 36
    guide.column_dimensions["B"].width = 90
    guide["A1"] = form.title
    guide["A1"].font = Font(bold=True, size=14)
    guide["A2"] = form.description
    lines = [
        (
            "Как заполнять",
            "Данные вносятся на лист «Данные», по одной строке на запись.",
        ),
        (
            "",
            "Строку заголовков не меняйте; лишние столбцы будут пропущены с предупреждением.",
        ),
        ("", "Числа — цифрами; даты — в формате ДД.ММ.ГГГГ; «да»/«нет» — словами."),
        (
            "",
            "Файл с ошибками не загружается целиком: исправьте строки и загрузите снова.",
        ),
        (
            "",
            "Повторная загрузка того же файла ничего не меняет; исправленный файл обновляет данные.",
        ),
    ]
    row = 4
    for title, text in lines:
        guide.cell(row=row, column=1, value=title).font = Font(bold=True)
        guide.cell(row=row, column=2, value=text)
        row += 1
    row += 1
    guide.cell(row=row, column=1, value="Столбец").font = Font(bold=True)
    guide.cell(row=row, column=2, value="Что указать").font = Font(bold=True)
    for spec in form.fields:
        row += 1
        required = (
            "обязательный" if spec.required and not spec.blank else "можно не заполнять"
        )
        allowed = (
            "; значения: " + ", ".join(str(label) for _, label in spec.choices)
            if spec.choices
            else ""
        )
        guide.cell(row=row, column=1, value=spec.title)
        guide.cell(
            row=row, column=2, value=f"{spec.help or spec.title} ({required}){allowed}"
        )
        guide.cell(row=row, column=2).alignment = Alignment(wrap_text=True)
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
