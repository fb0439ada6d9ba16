"""Every accepted format, every refused file: nothing is written on failure."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from evaluation.imports import values
from evaluation.imports.engine import import_file
from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading import read_rows
from evaluation.models import ImportRecord, SurveyResponse
from tests.evaluation.examples import EXAMPLE_A
from tests.evaluation.test_imports import (
    INN_A,
    NOK_HEADER,
    SURVEY_HEADER,
    csv_bytes,
    nok_row,
    region,
    survey_file,
    survey_row,
    xlsx,
)

pytestmark = pytest.mark.django_db
__all__ = ["region"]


def xls(rows: list[list[object]]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Анкеты")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods(rows: list[list[object]]) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Анкеты")
    for row in rows:
        table_row = TableRow()
        for value in row:
            if isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text="" if value is None else str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


ROWS = [SURVEY_HEADER, survey_row(INN_A, "1"), survey_row(INN_A, "2")]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("anketa.xlsx", xlsx(ROWS, title_rows=1)),
        ("anketa.xls", xls(ROWS)),
        ("anketa.ods", ods(ROWS)),
        ("anketa.csv", csv_bytes(ROWS, encoding="utf-8")),
        ("anketa.csv", csv_bytes(ROWS, encoding="utf-8-sig", delimiter=",")),
        ("anketa.csv", csv_bytes(ROWS, encoding="cp1251", delimiter=";")),
        ("anketa.txt", csv_bytes(ROWS, encoding="cp1251", delimiter="\t")),
        ("wrong-extension.csv", xlsx(ROWS)),
    ],
    ids=[
        "xlsx",
        "xls",
        "ods",
        "csv-utf8",
        "csv-bom-comma",
        "csv-1251",
        "tsv",
        "by-content",
    ],
)
def test_every_format_imports_the_same_rows(region, name, data) -> None:
    report = import_file("survey_responses", data, name, campaign=region["decade"])
    assert report.ok, report.errors
    assert report.new == 2
    response = SurveyResponse.objects.get(number="2")
    assert response.collected_on == date(2024, 4, 10)
    assert response.channel == "office"
    assert response.answers["q15"] is True


def test_merged_two_row_header_and_numbering_row(region) -> None:
    header_top = [
        "ИНН", "Число респондентов", "Информация на стендах", None,
        "Информация на сайте", None, *NOK_HEADER[6:],
    ]  # fmt: skip
    header_sub = [None, None, "размещено", "требуется", "размещено", "требуется"]
    numbering = list(range(1, len(NOK_HEADER) + 1))
    data = xlsx(
        [header_top, header_sub, numbering, nok_row(INN_A, EXAMPLE_A)], title_rows=2
    )
    report = import_file("nok_results", data, "operator.xlsx", campaign=region["nok"])
    assert report.ok, report.errors
    assert report.new == 1


def test_excel_serial_dates_and_numbers_as_text(region) -> None:
    row = survey_row(INN_A, "1")
    row[2] = 45392  # Excel's serial number of 10.04.2024
    report = import_file(
        "survey_responses",
        xlsx([SURVEY_HEADER, row]),
        "a.xlsx",
        campaign=region["decade"],
    )
    assert report.ok, report.errors
    assert SurveyResponse.objects.get().collected_on == date(2024, 4, 10)


def _macro_workbook() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx(ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("xl/workbook.xml", "<workbook/>")
        target.writestr("xl/worksheets/sheet1.xml", b"0" * (12 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "пуст"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "не распознан|не таблица",
        ),
        (_macro_workbook(), "макрос"),
        (_zip_bomb(), "zip-бомб"),
        (b"PK\x03\x04 not really a zip", "повреждён"),
        (xlsx([["Отчёт"], ["Привет", "мир"]]), "Не найдена строка заголовков"),
    ],
    ids=[
        "empty",
        "binary",
        "xlsm",
        "zip-bomb",
        "broken-zip",
        "no-header",
    ],
)
def test_refused_files_say_why_in_russian_and_write_nothing(
    region, data, fragment
) -> None:
    with pytest.raises(ImportFileError, match=fragment):
        import_file("survey_responses", data, "bad.xlsx", campaign=region["decade"])
    assert not SurveyResponse.objects.exists()
    assert not ImportRecord.objects.exists()


def test_size_and_row_limits_are_settings(region, settings) -> None:
    data = survey_file([survey_row(INN_A, str(n)) for n in range(1, 80)])
    settings.QP_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError, match=r"слишком большой \(\d+,\d+\u00a0КБ\)"):
        import_file("survey_responses", data, "big.xlsx", campaign=region["decade"])
    settings.QP_IMPORT_MAX_BYTES = 10_000_000
    settings.QP_IMPORT_MAX_ROWS = 10
    with pytest.raises(ImportFileError, match=r"не больше 10|больше 10 строк"):
        import_file("survey_responses", data, "long.xlsx", campaign=region["decade"])
    with pytest.raises(ImportFileError, match=r"не больше 10|больше 10 строк"):
        read_rows(csv_bytes([["a"]] * 100), "long.csv")
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("converter", "raw", "expected"),
    [
        (values.to_int, "1 234", 1234),
        (values.to_int, 12.0, 12),
        (values.to_int, "12,0", 12),
        (values.to_decimal, "1\u00a0234,5", values.Decimal("1234.5")),
        (values.to_percent, "45,5 %", values.Decimal("45.5")),
        (values.to_date, "10.04.2024", date(2024, 4, 10)),
        (values.to_date, "10.04.24", date(2024, 4, 10)),
        (values.to_date, 45392.0, date(2024, 4, 10)),
        (values.to_bool, "Да", True),
        (values.to_bool, "нет", False),
        (values.to_text, 2460000000.0, "2460000000"),
    ],
)
def test_converters_accept_what_ministry_sheets_contain(
    converter, raw, expected
) -> None:
    assert converter(raw) == expected


@pytest.mark.parametrize(
    ("converter", "raw", "fragment"),
    [
        (values.to_int, 12.5, "не целое"),
        (values.to_int, "-3", "отрицательное"),
        (values.to_percent, "120 %", "больше 100"),
        (values.to_date, "31.02.2024", "не дата"),
        (values.to_bool, "может быть", "да"),
        (values.to_inn, "2400000001", "контрольная"),
        (values.to_inn, "12345", "10 или 12 цифр"),
    ],
)
def test_converters_refuse_with_a_russian_reason(converter, raw, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        converter(raw)
