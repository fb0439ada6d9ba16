"""Reading uploaded spreadsheets: formats, header detection and refusals.

Every fixture is built here, in memory or in ``tmp_path``: XLSX by openpyxl
or by hand (for cached formula values, macros and crafted bombs), ODS by hand
(a zip with ``content.xml``), XLS by xlwt, CSV by the csv module.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.reading import (
    ColumnSpec,
    data_rows,
    find_header,
    iter_records,
    normalise,
    read_rows,
)

# --------------------------------------------------------------------- builders


def xlsx(rows: list[list[object]], *, merges: tuple[str, ...] = (), **sheets) -> bytes:
    """A workbook by openpyxl: ``rows`` on the first sheet, more sheets by name."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    for title, extra in sheets.items():
        other = workbook.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_XLSX_MAIN = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
_XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)


def raw_xlsx(
    sheet_data: str, *, main: str = _XLSX_MAIN, extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal hand-written XLSX whose only sheet has ``sheet_data`` as XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(main=main))
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + sheet_data
            + "</sheetData></worksheet>",
        )
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ods_cell(value: object = None, *, span: int = 1, repeat: int = 1) -> str:
    attributes = ""
    if span > 1:
        attributes += f' table:number-columns-spanned="{span}"'
    if repeat > 1:
        attributes += f' table:number-columns-repeated="{repeat}"'
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}"'
            f"{attributes}><text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"{attributes}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def ods_row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def ods(*rows: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OpenDocument spreadsheet with one table made of ``rows``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet>'
        '<table:table table:name="Лист1">'
        + "".join(rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.spreadsheet",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xls(rows: list[list[object]]) -> bytes:
    xlwt = pytest.importorskip("xlwt", reason="xlwt пишет книги XLS для тестов")
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Лист1")
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ole_with_entry(data: bytes, name: str, *, kind: int = 1) -> bytes:
    """An OLE2 file with one more directory entry (storage 1, stream 2).

    The entry goes into the first unused slot after "Root Entry" and is not
    linked into the directory tree: the reader still finds "Workbook".
    """
    root = data.find("Root Entry".encode("utf-16-le"))
    assert root > 0 and root % 128 == 0
    slot = root + 128
    while data[slot + 64 : slot + 66] != b"\x00\x00":
        slot += 128
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    entry[64:66] = len(encoded).to_bytes(2, "little")
    entry[66], entry[67] = kind, 1
    entry[68:80] = b"\xff" * 12
    return data[:slot] + bytes(entry) + data[slot + 128 :]


def ole_rename(data: bytes, old: str, new: str) -> bytes:
    position = data.find(old.encode("utf-16-le") + b"\x00\x00")
    assert position > 0 and position % 128 == 0
    encoded = new.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(data[position : position + 128])
    entry[:64] = encoded.ljust(64, b"\x00")
    entry[64:66] = len(encoded).to_bytes(2, "little")
    return data[:position] + bytes(entry) + data[position + 128 :]


def csv_bytes(rows: list[list[str]], *, encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def message(error: pytest.ExceptionInfo[ImportFileError]) -> str:
    return str(error.value)


# ------------------------------------------------------------------ the formats


TITLE = "Сведения о численности получателей услуг за 2024 год"
HEADER = ["ИНН", "Наименование", "Численность, чел.", "Доля, %", "Дата"]


def test_xlsx_keeps_row_and_column_positions_and_cell_types() -> None:
    data = xlsx(
        [
            [TITLE],
            [],
            HEADER,
            [2460000000, "КЦСОН «Забота»", 120, 0.455, datetime(2024, 3, 1)],
            [None, "", "  ", None, None],
            ["2460000001", "КЦСОН Б", "1 234", "45,5 %", "01.02.2024", None, None],
            [None, None, None, None, None, None, "заметка"],
        ]
    )
    rows = read_rows(data, "форма.xlsx")
    assert rows[0] == [TITLE]
    assert rows[1] == []
    assert rows[2] == HEADER
    inn, name, count, share, when = rows[3]
    assert (inn, name, count, share) == (2460000000.0, "КЦСОН «Забота»", 120.0, 0.455)
    assert type(count) is float  # calamine gives every number as float
    assert when in (date(2024, 3, 1), datetime(2024, 3, 1))
    assert rows[4] == []  # empty and blank strings are None, then trimmed away
    assert rows[5] == ["2460000001", "КЦСОН Б", "1 234", "45,5 %", "01.02.2024"]
    assert rows[6] == [None] * 6 + ["заметка"]
    assert len(rows) == 7


def test_blank_text_cells_are_empty() -> None:
    data = "a; \u00a0 ;b;\t\n ; \n".encode()
    assert read_rows(data, "ф.csv") == [["a", None, "b"]]


def test_trailing_empty_rows_and_cells_are_dropped() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["a", "b"])
    sheet["F40"] = ""  # a touched but empty cell far below
    sheet["B20"].number_format = "0.00"  # formatting alone
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows(buffer.getvalue(), "x.xlsx") == [["a", "b"]]


def test_formula_cells_give_their_cached_value_and_are_never_evaluated() -> None:
    # Excel saves each formula with the value it last computed. Here the cached
    # value (5) deliberately disagrees with the formula (1+1): reading it gives
    # 5, so the formula was not evaluated. A formula saved without a cached
    # value (openpyxl writes them so) reads as empty, not as its result.
    data = raw_xlsx(
        '<row r="1"><c r="A1"><f>1+1</f><v>5</v></c>'
        '<c r="B1" t="str"><f>"а"&amp;"б"</f><v>кэш</v></c>'
        '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D1"><v>7</v></c></row>'
    )
    assert read_rows(data, "f.xlsx") == [[5.0, "кэш", None, 7.0]]
    by_openpyxl = xlsx([["Число", "Удвоено"], [21, "=A2*2"]])
    assert read_rows(by_openpyxl, "f.xlsx") == [["Число", "Удвоено"], [21.0]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_encodings_and_delimiters_are_detected(encoding, delimiter) -> None:
    table = [
        [TITLE],
        HEADER,
        ["2460000000", "КЦСОН «Забота», филиал", "1 234", "45,5 %", "01.02.2024"],
        ["2460000001", "Ёлочка", "12", "0,5", "02.02.2024"],
    ]
    data = csv_bytes(table, encoding=encoding, delimiter=delimiter)
    rows = read_rows(data, "форма.csv")
    assert rows == table
    assert not rows[1][0].startswith("\ufeff")  # the BOM is not part of "ИНН"


def test_semicolon_csv_with_decimal_commas_is_not_split_on_commas() -> None:
    text = "ИНН;Доля;Баллы\r\n2460000000;45,5;12,25\r\n2460000001;0,5;1\r\n"
    rows = read_rows(text.encode("cp1251"), "доли.csv")
    assert rows == [
        ["ИНН", "Доля", "Баллы"],
        ["2460000000", "45,5", "12,25"],
        ["2460000001", "0,5", "1"],
    ]


def test_comma_csv_with_quoted_decimal_commas() -> None:
    text = 'ИНН,Доля,Баллы\n2460000000,"45,5","12,25"\n2460000001,"0,5",1\n'
    assert read_rows(text.encode(), "доли.csv")[1] == ["2460000000", "45,5", "12,25"]


def test_utf16_text_export_of_excel_is_read() -> None:
    text = "ИНН\tНаименование\r\n2460000000\tКЦСОН\r\n"
    rows = read_rows(text.encode("utf-16"), "unicode.txt")
    assert rows == [["ИНН", "Наименование"], ["2460000000", "КЦСОН"]]


def test_ods_with_merged_two_row_header() -> None:
    data = ods(
        ods_row(ods_cell(TITLE)),
        ods_row(
            ods_cell("Организация"),
            ods_cell("Численность", span=2),
            "<table:covered-table-cell/>",
        ),
        ods_row(ods_cell(), ods_cell("всего"), ods_cell("из них дети")),
        ods_row(ods_cell("КЦСОН А"), ods_cell(120), ods_cell(12.5)),
        ods_row(ods_cell(repeat=1024), repeat=1048570),  # LibreOffice's empty tail
    )
    rows = read_rows(data, "форма.ods")
    assert rows == [
        [TITLE],
        ["Организация", "Численность"],
        [None, "всего", "из них дети"],
        ["КЦСОН А", 120.0, 12.5],
    ]
    match = find_header(rows, SPLIT_COLUMNS)
    assert match.header_row == 2
    assert match.positions == {"name": 0, "total": 1, "children": 2}


def test_xls_is_read(tmp_path) -> None:
    data = xls([HEADER, [2460000000, "КЦСОН", 12, "45,5 %", date(2024, 2, 1)]])
    (tmp_path / "форма.xls").write_bytes(data)
    rows = read_rows((tmp_path / "форма.xls").read_bytes(), "форма.xls")
    assert rows[0] == HEADER
    assert rows[1][:4] == [2460000000.0, "КЦСОН", 12.0, "45,5 %"]
    assert rows[1][4] in (date(2024, 2, 1), datetime(2024, 2, 1))


def test_format_is_recognised_by_content_not_by_the_name() -> None:
    assert read_rows(xlsx([["a", 1]]), "выгрузка.csv") == [["a", 1.0]]
    assert read_rows(b"a;1\n", "book.xlsx") == [["a", "1"]]


def test_data_sheet_named_sheet_and_hidden_first_sheet() -> None:
    data = xlsx([["инструкция"]], Данные=[["ИНН"], ["2460000000"]], Второй=[["x"]])
    assert read_rows(data, "шаблон.xlsx") == [["ИНН"], ["2460000000"]]
    assert read_rows(data, "шаблон.xlsx", sheet="Второй") == [["x"]]
    with pytest.raises(ImportFileError) as error:
        read_rows(data, "шаблон.xlsx", sheet="Итоги")
    assert "нет листа «Итоги»" in message(error)
    assert "«Лист1», «Данные», «Второй»" in message(error)

    workbook = Workbook()
    workbook.active.append(["скрытый"])
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("Видимый").append(["видимый"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows(buffer.getvalue(), "x.xlsx") == [["видимый"]]


# --------------------------------------------------------------------- refusals


def test_empty_file_and_sheet_without_data() -> None:
    with pytest.raises(ImportFileError, match=re.escape("«пусто.csv» пуст")):
        read_rows(b"", "пусто.csv")
    with pytest.raises(ImportFileError, match="нет данных"):
        read_rows(xlsx([]), "пусто.xlsx")
    with pytest.raises(ImportFileError, match="нет данных"):
        read_rows(b";;\r\n ; \r\n\r\n", "пусто.csv")


def test_random_binary_and_other_documents_are_not_tables() -> None:
    noise = b"".join(hashlib.sha256(bytes([n])).digest() for n in range(128))
    with pytest.raises(ImportFileError, match="не распознан"):
        read_rows(noise, "данные.xlsx")
    noise_without_zeros = bytes(b or 1 for b in noise)
    with pytest.raises(ImportFileError, match="не распознан"):
        read_rows(noise_without_zeros, "данные.csv")
    with pytest.raises(ImportFileError, match="документ PDF"):
        read_rows(b"%PDF-1.7\n" + noise, "отчёт.xlsx")
    html = "<html><body><table><tr><td>ИНН</td></tr></table></body></html>"
    with pytest.raises(ImportFileError, match="веб-страница"):
        read_rows(html.encode("cp1251"), "выгрузка.xls")


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/form.csv", "ИНН;Наименование\n")
    with pytest.raises(ImportFileError, match="архив, но не таблица"):
        read_rows(buffer.getvalue(), "формы.zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ImportFileError, match="Word или PowerPoint"):
        read_rows(buffer.getvalue(), "форма.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(ImportFileError, match=r"\(\.xlsb\)"):
        read_rows(buffer.getvalue(), "форма.xlsb")
    damaged = bytearray(xlsx([[f"ячейка {n}" for n in range(50)]]))
    part = damaged.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    damaged[part + 10 : part + 30] = b"\xff" * 20  # inside the deflated data
    with pytest.raises(ImportFileError, match="повреждён"):
        read_rows(bytes(damaged), "форма.xlsx")
    truncated = xlsx([["a"]])[:-200]
    with pytest.raises(ImportFileError, match="повреждён"):
        read_rows(truncated, "форма.xlsx")


def test_oversize_file_by_argument_and_by_setting(settings) -> None:
    data = xlsx([["ИНН"], ["2460000000"]])
    with pytest.raises(ImportFileError, match="слишком большой") as error:
        read_rows(data, "большой.xlsx", max_bytes=len(data) - 1)
    assert "Уменьшите его или разделите на части." in message(error)
    assert read_rows(data, "большой.xlsx", max_bytes=len(data))
    settings.QP_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileError) as error:
        read_rows(b"a;b\n1;2\n3;4\n", "мал.csv")
    assert message(error) == (
        "Файл «мал.csv» слишком большой (12\u00a0байт): допускается не более "
        "10\u00a0байт. Уменьшите его или разделите на части."
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_limit_counts_the_sheet_rows_up_to_the_last_filled_one(
    kind, settings
) -> None:
    table = [["ИНН"]] + [[str(2460000000 + n)] for n in range(9)]
    build = {
        "csv": lambda rows: "\n".join(";".join(row) for row in rows).encode() + b"\n",
        "xlsx": xlsx,
    }[kind]
    assert len(read_rows(build(table), f"ф.{kind}", max_rows=10)) == 10
    with pytest.raises(ImportFileError, match="больше 9 строк"):
        read_rows(build(table), f"ф.{kind}", max_rows=9)
    settings.QP_IMPORT_MAX_ROWS = 5
    with pytest.raises(ImportFileError, match="больше 5 строк"):
        read_rows(build(table), f"ф.{kind}")


def test_empty_lines_after_the_row_limit_do_not_count() -> None:
    data = b"a\n" * 5 + b";\n" * 1000
    assert len(read_rows(data, "ф.csv", max_rows=5)) == 5


MACRO = "содержит макросы"


def test_xlsm_with_vba_project_is_refused() -> None:
    data = raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        main=_XLSM_MAIN,
        extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"},
    )
    with pytest.raises(ImportFileError, match=MACRO) as error:
        read_rows(data, "форма.xlsx")
    assert "(.xlsx)" in message(error)


def test_macro_enabled_content_type_or_vba_part_alone_is_refused() -> None:
    with pytest.raises(ImportFileError, match=MACRO):
        read_rows(raw_xlsx("", main=_XLSM_MAIN), "форма.xlsx")
    with pytest.raises(ImportFileError, match=MACRO):
        read_rows(raw_xlsx("", extra={"xl/vbaProject.bin": b"x"}), "форма.xlsx")
    with pytest.raises(ImportFileError, match=MACRO):
        read_rows(raw_xlsx("", extra={"xl/macrosheets/sheet1.xml": b"<x/>"}), "ф.xlsx")


def test_xls_with_a_vba_project_is_refused_and_without_one_is_read() -> None:
    plain = xls([["ИНН"], [2460000000]])
    assert read_rows(plain, "форма.xls") == [["ИНН"], [2460000000.0]]
    with pytest.raises(ImportFileError, match=MACRO):
        read_rows(ole_with_entry(plain, "_VBA_PROJECT_CUR"), "форма.xls")
    # The same name inside cell text (stored as UTF-16 because of the "Ж") is
    # not a directory entry: it is not where entries can be.
    text = xls([["Ж_VBA_PROJECT_CUR\x00"], ["Macros"]])
    assert "_VBA_PROJECT_CUR\x00".encode("utf-16-le") in text
    assert read_rows(text, "форма.xls")[1] == ["Macros"]


def test_password_protected_and_non_excel_ole_files() -> None:
    plain = xls([["ИНН"]])
    with pytest.raises(ImportFileError, match="защищён паролем"):
        read_rows(ole_with_entry(plain, "EncryptedPackage", kind=2), "форма.xlsx")
    with pytest.raises(ImportFileError, match="документ Word"):
        read_rows(ole_rename(plain, "Workbook", "WordDocument"), "форма.doc")


def test_ods_with_basic_macros_is_refused_but_an_empty_library_index_is_not() -> None:
    cell = ods_row(ods_cell("ИНН"))
    module = b'<script:module script:name="Module1">Sub Main</script:module>'
    with pytest.raises(ImportFileError, match=MACRO):
        read_rows(ods(cell, extra={"Basic/Standard/Module1.xml": module}), "ф.ods")
    index = {"Basic/script-lc.xml": b"<library:libraries/>"}
    assert read_rows(ods(cell, extra=index), "ф.ods") == [["ИНН"]]


def test_zip_bomb_by_compression_ratio() -> None:
    data = raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>',
        extra={"xl/media/image1.png": b"\x00" * (8 * 1024 * 1024)},
    )
    assert len(data) < 100_000
    with pytest.raises(ImportFileError, match="zip-бомб"):
        read_rows(data, "бомба.xlsx")


def test_zip_bomb_by_total_uncompressed_size(settings) -> None:
    data = xlsx([[f"строка {n}", n] for n in range(2000)])
    assert read_rows(data, "ф.xlsx")
    settings.QP_IMPORT_MAX_UNCOMPRESSED = 20_000
    with pytest.raises(ImportFileError, match="zip-бомб"):
        read_rows(data, "ф.xlsx")


def test_part_that_lies_about_its_size_is_refused() -> None:
    # Declares 100 bytes for a 2 MB part: the declared sizes pass every check,
    # reading the part stops at 100 bytes and the CRC gives the lie away.
    big = b"<row/>" * (350 * 1024)
    data = bytearray(raw_xlsx("", extra={"xl/media/big.bin": big}))
    real = len(big).to_bytes(4, "little")
    count = 0
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        position = data.find(header)
        while position != -1:
            size_at = position + (22 if header == b"PK\x03\x04" else 24)
            if data[size_at : size_at + 4] == real:
                data[size_at : size_at + 4] = (100).to_bytes(4, "little")
                count += 1
            position = data.find(header, position + 1)
    assert count == 2
    with pytest.raises(ImportFileError, match="повреждён"):
        read_rows(bytes(data), "ф.xlsx")


def test_sparse_workbook_that_would_need_a_huge_grid_is_refused() -> None:
    # Two cells, A1 and XFD1048576: calamine would allocate 17 billion cells
    # and abort the process; the reader must refuse before calling it.
    data = raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    assert len(data) < 2000
    with pytest.raises(ImportFileError, match="1048576 строк и 16384 столбцов"):
        read_rows(data, "разреженный.xlsx")


def test_sparse_grid_with_unusual_spelling_and_without_references(settings) -> None:
    settings.QP_IMPORT_MAX_CELLS = 1000
    odd = "<row r='1'><c t='n' r = 'a1'><v>1</v></c><c r='bb2000'><v>2</v></c></row>"
    with pytest.raises(ImportFileError, match="2000 строк и 54 столбцов"):
        read_rows(raw_xlsx(odd), "ф.xlsx")
    no_refs = "<row>" + "<c><v>1</v></c>" * 1001 + "</row>"
    with pytest.raises(ImportFileError, match="разбросаны"):
        read_rows(raw_xlsx(no_refs), "ф.xlsx")
    assert read_rows(raw_xlsx("<row>" + "<c><v>1</v></c>" * 999 + "</row>"), "ф.xlsx")


def test_styled_empty_cells_far_away_do_not_count(settings) -> None:
    settings.QP_IMPORT_MAX_CELLS = 1000
    first = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c></row>'
    styled = '<row r="5000"><c r="Z5000" s="1"/><c r="AA5000"><f>A1</f></c></row>'
    assert read_rows(raw_xlsx(first + styled), "ф.xlsx") == [[1.0, 2.0]]
    filled = '<row r="5000"><c r="Z5000" s="1"><v>3</v></c></row>'
    with pytest.raises(ImportFileError, match="5000 строк и 26 столбцов"):
        read_rows(raw_xlsx(first + filled), "ф.xlsx")


def test_ods_with_repeated_gaps_that_would_need_a_huge_grid_is_refused() -> None:
    data = ods(
        ods_row(ods_cell("ИНН")),
        ods_row(ods_cell(), repeat=1_000_000),
        ods_row(ods_cell(repeat=16000), ods_cell("конец")),
    )
    assert len(data) < 2000
    with pytest.raises(ImportFileError, match="1000002 строк и 16001 столбцов"):
        read_rows(data, "разреженный.ods")


# ----------------------------------------------------------------------- header


COLUMNS = (
    ColumnSpec("inn", "ИНН", ("инн организации",)),
    ColumnSpec("name", "Наименование", ("наименование организации",)),
    ColumnSpec("count", "Численность", ("численность получателей",)),
    ColumnSpec("date", "Дата", ("по состоянию на",), required=False),
)
SPLIT_COLUMNS = (
    ColumnSpec("name", "Организация"),
    ColumnSpec("total", "Численность всего", ("всего получателей",)),
    ColumnSpec("children", "Численность: из них дети", ("дети",)),
)


def test_normalise_rules() -> None:
    assert normalise("  ВОПРОС\n№1* ") == "вопрос номер 1"
    assert normalise("Вопрос № 1") == normalise("вопрос №1") == "вопрос номер 1"
    assert normalise("Ёмкость, чел.:") == "емкость чел"
    assert normalise("Доля (%)") == "доля %"
    assert normalise("Численность (чел.)", loose=True) == "численность"
    assert normalise("онлайн-анкета\u00a0на сайте") == "онлайн анкета на сайте"
    assert normalise(2024.0) == "2024"
    assert normalise("№ п/п") == "номер п п"


def test_header_below_title_rows_with_varied_wording() -> None:
    rows = [
        [TITLE],
        [None, None, "Таблица 1"],
        [
            "№ п/п",
            "ИНН организации*",
            "НАИМЕНОВАНИЕ",
            "Численность\n(чел.)",
            "Примечание",
        ],
        [1, 2, 3, 4, 5],
        [1, "2460000000", "КЦСОН А", 12],
        [],
        [None, None, None, None, "только примечание"],
        [2, "2460000001", "КЦСОН Б", None],
    ]
    match = find_header(rows, COLUMNS)
    assert match.header_row == 2
    assert match.positions == {"inn": 1, "name": 2, "count": 3}
    assert match.titles["inn"] == "ИНН организации*"
    assert match.titles["count"] == "Численность (чел.)"
    assert match.unknown == ["№ п/п", "Примечание"]
    records = list(iter_records(rows, match))
    assert records == [
        (5, {"inn": "2460000000", "name": "КЦСОН А", "count": 12}),
        (8, {"inn": "2460000001", "name": "КЦСОН Б", "count": None}),
    ]
    assert [number for number, _ in data_rows(rows, match)] == [5, 8]


def test_exact_wording_wins_over_wording_without_parentheses() -> None:
    columns = (
        ColumnSpec("people", "Численность (чел.)"),
        ColumnSpec("share", "Численность (%)"),
    )
    match = find_header([["Численность (%)", "Численность (чел.)"]], columns)
    assert match.positions == {"share": 0, "people": 1}


def test_merged_two_row_header_from_an_xlsx() -> None:
    data = xlsx(
        [
            [TITLE],
            ["Организация", "Численность", None, "Дата"],
            [None, "всего", "из них: дети", None],
            ["КЦСОН А", 120, 12, "01.02.2024"],
        ],
        merges=("A2:A3", "B2:C2", "D2:D3"),
    )
    rows = read_rows(data, "форма.xlsx")
    assert rows[1] == ["Организация", "Численность", None, "Дата"]  # merged: top-left
    match = find_header(rows, SPLIT_COLUMNS)
    assert match.header_row == 2
    assert match.positions == {"name": 0, "total": 1, "children": 2}
    assert match.titles == {
        "name": "Организация",
        "total": "Численность всего",
        "children": "Численность из них: дети",
    }
    assert match.unknown == ["Дата"]
    assert list(iter_records(rows, match)) == [
        (4, {"name": "КЦСОН А", "total": 120.0, "children": 12.0})
    ]


def test_sub_header_alone_matches_under_a_group() -> None:
    rows = [
        ["Организация", "Получатели", None],
        [None, "дети", "всего получателей"],
        ["А", 1, 2],
    ]
    match = find_header(rows, SPLIT_COLUMNS)
    assert match.positions == {"name": 0, "children": 1, "total": 2}
    assert match.titles["children"] == "дети"


def test_no_recognisable_header_lists_missing_columns_and_closest_row() -> None:
    rows = [[TITLE], ["ИНН", "Название", "Кол-во"], ["2460000000", "А", 1]]
    with pytest.raises(ImportFileError) as error:
        find_header(rows, COLUMNS)
    text = message(error)
    assert "Ближе всего строка 2" in text
    assert "«Наименование», «Численность»" in text
    assert "«ИНН»" not in text.split("нет столбцов:")[1]
    assert "«Дата»" not in text  # not required
    with pytest.raises(ImportFileError, match="не найдено ни одного столбца"):
        find_header([["a", "b"], [1, 2]], COLUMNS)


def test_header_search_stops_after_search_rows() -> None:
    rows = [["титул"]] * 5 + [["ИНН", "Наименование", "Численность"]]
    assert find_header(rows, COLUMNS).header_row == 5
    with pytest.raises(ImportFileError):
        find_header(rows, COLUMNS, search_rows=5)


def test_data_row_that_looks_like_numbers_is_not_taken_for_column_numbering() -> None:
    columns = (ColumnSpec("a", "А"), ColumnSpec("b", "Б"), ColumnSpec("c", "В"))
    rows = [["А", "Б", "В"], [1, 2, 3], [4, 5, 6]]
    match = find_header(rows, columns)
    assert [n for n, _ in iter_records(rows, match)] == [3]  # "1 2 3" numbers columns
    rows = [["А", "Б", "В"], [2, 3, 4], [4, 5, 6]]
    assert [n for n, _ in iter_records(rows, find_header(rows, columns))] == [2, 3]
    rows = [["А", "Б", "В"], [1, 2], [4, 5, 6]]
    assert [n for n, _ in iter_records(rows, find_header(rows, columns))] == [2, 3]


def test_cell_error_names_row_and_column() -> None:
    error = CellError(12, "ИНН", "неверная контрольная цифра")
    assert str(error) == "Строка 12, столбец «ИНН»: неверная контрольная цифра"


FEDERAL_COLUMNS = (
    ColumnSpec("deficiency", "Недостатки, выявленные в ходе независимой оценки"),
    ColumnSpec("action", "Наименование мероприятия по устранению недостатков"),
    ColumnSpec("planned", "Плановый срок реализации", ("срок реализации", "срок")),
    ColumnSpec("actual", "Фактический срок реализации", required=False),
    ColumnSpec("count", "Количество анкет", required=False),
    ColumnSpec("share", "Процент выборки", required=False),
)


def test_headers_match_by_stemmed_words_whatever_the_word_forms_and_units() -> None:
    rows = [
        [
            "Фактический срок реализации мероприятия",
            "НЕДОСТАТКИ, выявленные в ходе независимой оценки качества условий",
            "Наименование мероприятий по устранению недостатков, выявленных в ходе "
            "независимой оценки",
            "Плановый срок реализации мероприятия",
            "Количество заполненных анкет, шт.",
            "% выборки",
        ]
    ]
    match = find_header(rows, FEDERAL_COLUMNS)
    # The longer wording wins its own column: "срок реализации" (planned)
    # fits the actual-date column too, but "Фактический срок реализации" is
    # more specific; the deficiency wording is inside the action's header,
    # which has more words left over.
    assert match.positions == {
        "actual": 0,
        "deficiency": 1,
        "action": 2,
        "planned": 3,
        "count": 4,
        "share": 5,
    }
    assert match.unknown == []


def test_a_lone_title_cell_is_not_matched_by_meaning() -> None:
    rows = [
        ["Количество анкет по итогам года"],
        ["Количество анкет", "Процент выборки"],
    ]
    assert find_header(rows, FEDERAL_COLUMNS[4:]).header_row == 1


def test_hidden_columns_and_rows_of_an_xlsx_read_as_empty() -> None:
    book = Workbook()
    sheet = book.active
    sheet["B1"], sheet["C1"], sheet["D1"] = "ИНН", "Скрыто", "Номер анкеты"
    sheet["B2"], sheet["C2"], sheet["D2"] = "2400001010", "=1+1", "1"
    sheet["B3"], sheet["C3"], sheet["D3"] = "2400001010", "x", "2"
    sheet["B4"], sheet["D4"] = "2400001010", "3"
    sheet.column_dimensions["C"].hidden = True
    sheet.row_dimensions[3].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    hidden: dict = {}
    rows = read_rows(buffer.getvalue(), "a.xlsx", hidden=hidden)
    # column A is empty: still index 0, so letters are the sheet's
    assert rows == [
        [None, "ИНН", None, "Номер анкеты"],
        [None, "2400001010", None, "1"],
        [],
        [None, "2400001010", None, "3"],
    ]
    assert hidden == {"rows": [3], "columns": [2]}
