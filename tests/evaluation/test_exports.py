"""The open-data writers: CSV for Russian Excel, XLSX with typed cells, JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from evaluation.opendata.exports import (
    Column,
    ColumnType,
    neutralise,
    to_csv,
    to_json,
    to_xlsx,
    write,
)

COLUMNS = (
    Column("name", "Наименование", ColumnType.STRING, "Текст"),
    Column("count", "Количество", ColumnType.INTEGER),
    Column("score", "Балл", ColumnType.DECIMAL, "Итоговый балл", "балл"),
    Column("day", "Дата", ColumnType.DATE),
    Column("ok", "Достигнуто", ColumnType.BOOLEAN),
)
ROWS = [
    {
        "name": "КЦСОН «Ачинский»",
        "count": 12,
        "score": Decimal("85.50"),
        "day": date(2024, 11, 20),
        "ok": True,
    },
    {
        "name": '=HYPERLINK("http://evil.example","x")',
        "count": -3,
        "score": Decimal("-1.25"),
        "day": None,
        "ok": False,
    },
    {"name": "-1", "count": None, "score": None, "day": None, "ok": None},
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+7 (391) 000-00-00", "'+7 (391) 000-00-00"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tскрыто", "'\tскрыто"),
        ("\rскрыто", "'\rскрыто"),
        ("КЦСОН «Ачинский»", "КЦСОН «Ачинский»"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_like_text(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [-1, Decimal("-1.5"), -2.5, 0, None, True])
def test_neutralise_keeps_numbers_and_other_values(value) -> None:
    assert neutralise(value) is value


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_excel_ready() -> None:
    body = to_csv(COLUMNS, ROWS)
    assert body.startswith("\ufeff".encode())
    assert b"\r\n" in body
    assert body.count(b"\n") == body.count(b"\r\n") == 4
    rows = _csv_rows(body)
    assert rows[0] == ["Наименование", "Количество", "Балл", "Дата", "Достигнуто"]
    assert rows[1] == ["КЦСОН «Ачинский»", "12", "85,50", "20.11.2024", "да"]
    # Formula-like text is neutralised, negative numbers are not.
    assert rows[2] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "-3",
        "-1,25",
        "",
        "нет",
    ]
    assert rows[3] == ["'-1", "", "", "", ""]


def test_csv_keeps_every_digit_of_a_decimal() -> None:
    body = to_csv(
        [Column("v", "Значение", ColumnType.DECIMAL)],
        [{"v": Decimal("1E+2")}, {"v": Decimal("0.000001")}],
    )
    assert _csv_rows(body)[1:] == [["100"], ["0,000001"]]


def test_xlsx_has_typed_cells_and_a_frozen_bold_header() -> None:
    body = to_xlsx(COLUMNS, ROWS, title="Проверка", sheet_name="Результаты: 2024/25")
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.properties.title == "Проверка"
    sheet = workbook.active
    # ":" and "/" are not allowed in sheet names.
    assert sheet.title == "Результаты  2024 25"
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == [c.title_ru for c in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])

    name, count, score, day, ok = sheet[2]
    assert (count.data_type, count.value) == ("n", 12)
    assert score.data_type == "n"
    assert score.value == pytest.approx(85.5)
    assert score.number_format == "0.00"
    assert day.is_date
    assert day.value == datetime(2024, 11, 20)
    assert day.number_format == "DD.MM.YYYY"
    assert ok.value == "да"

    name, count, score, day, ok = sheet[3]
    assert name.data_type == "s"
    assert name.value == '\'=HYPERLINK("http://evil.example","x")'
    assert (count.data_type, count.value) == ("n", -3)
    assert (score.data_type, score.value) == ("n", pytest.approx(-1.25))
    assert day.value is None
    assert sheet["A4"].value == "'-1"
    assert not [
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
    assert widths[0] > widths[1] >= 8


def test_xlsx_reads_back_as_numbers_in_calamine() -> None:
    body = to_xlsx(COLUMNS, ROWS, title="Проверка", sheet_name="Данные")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0)
    data = rows.to_python()
    assert data[1][1:3] == [12, 85.5]
    assert data[1][3] == date(2024, 11, 20)


def test_xlsx_drops_characters_xml_cannot_hold() -> None:
    body = to_xlsx(
        [Column("v", "Значение")], [{"v": "до\x00после\x1f"}], title="т", sheet_name="т"
    )
    assert load_workbook(io.BytesIO(body)).active["A2"].value == "допосле"


def test_json_keeps_text_raw_and_decimals_exact() -> None:
    body = to_json(COLUMNS, ROWS)
    assert "Ачинский".encode() in body  # not \u-escaped
    data = json.loads(body)
    assert data[0] == {
        "name": "КЦСОН «Ачинский»",
        "count": 12,
        "score": "85.50",
        "day": "2024-11-20",
        "ok": True,
    }
    assert data[1]["name"] == '=HYPERLINK("http://evil.example","x")'
    assert data[1]["score"] == "-1.25"
    assert data[2] == {
        "name": "-1",
        "count": None,
        "score": None,
        "day": None,
        "ok": None,
    }


def test_write_dispatches_by_format_and_rejects_others() -> None:
    assert write("csv", COLUMNS, ROWS, title="т", sheet_name="т") == to_csv(
        COLUMNS, ROWS
    )
    assert write("json", COLUMNS, ROWS, title="т", sheet_name="т") == to_json(
        COLUMNS, ROWS
    )
    assert write("xlsx", COLUMNS, ROWS, title="т", sheet_name="т").startswith(b"PK")
    with pytest.raises(KeyError):
        write("xml", COLUMNS, ROWS, title="т", sheet_name="т")
