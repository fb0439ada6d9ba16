"""The fast grid guard of XLSX sheets refuses exactly what the full scan refuses.

``reading.grid._xlsx_scan_bounded`` proves most of a sheet is within bounds
with one search per piece instead of parsing every cell reference; these
tests hold it to the canonical scan (the oracle in ``tests.imports.grid_oracle``,
then the general and value-cell scans) on random sheets with rows and cells
out of order, lying row tags, odd spellings and far cells, and keep the
grid-bomb cases refused.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest

from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading import grid as guard
from evaluation.imports.reading import read_rows
from tests.imports.grid_oracle import xlsx_scan_canonical
from tests.imports.test_reading import raw_xlsx


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _part(sheet_data: str, prefix: str = "") -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    name = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    xml = (
        f'<?xml version="1.0"?><{name}worksheet {xmlns}="urn:x"><{name}sheetData>'
        + sheet_data
        + f"</{name}sheetData></{name}worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return archive, archive.infolist()[0]


def _full_scan(archive, info, limit: int) -> tuple[int, int]:
    """The guard before the fast pass existed (the reference)."""
    grid = xlsx_scan_canonical(archive, info)
    if grid is None:
        grid = guard._xlsx_scan_general(archive, info, guard._XLSX_CELL)
    if grid[0] * grid[1] > limit:
        grid = guard._xlsx_scan_general(archive, info, guard._XLSX_VALUE_CELL)
    return grid


def _random_sheet(rng: random.Random, prefix: str) -> str:
    rows = []
    for number in range(1, rng.randrange(2, 40)):
        tagged = number if rng.random() < 0.9 else rng.randrange(1, 3000)
        attribute = f' r="{tagged}"' if rng.random() < 0.95 else ""
        cells = []
        for column in range(1, rng.randrange(2, 9)):
            if rng.random() < 0.1:
                column = rng.randrange(1, 16384)
            row = number if rng.random() < 0.9 else rng.randrange(1, 1_048_576)
            reference = f"{_letters(column)}{row}"
            kind = rng.random()
            if kind < 0.02:
                tag = f'<c s="1" r="{reference}">'
            elif kind < 0.04:
                tag = f"<c r='{reference}'>"
            elif kind < 0.05:
                tag = f'<c r="{reference.lower()}">'
            elif kind < 0.06:
                tag = "<c>"
            elif kind < 0.07:
                tag = f'<c r="{_letters(column)}00{row}">'
            else:
                tag = f'<c r="{reference}" t="n">'
            value = "" if rng.random() < 0.05 else "<v>1</v>"
            cells.append(f"{tag}{value}</c>")
        if rng.random() < 0.1:
            cells.reverse()  # cells out of order within a row
        rows.append(f"<row{attribute}>{''.join(cells)}</row>")
    if rng.random() < 0.2:
        rng.shuffle(rows)  # rows out of order
    text = "".join(rows)
    if prefix:
        text = re.sub(r"<(/?)(row|c|v)\b", rf"<\1{prefix}:\2", text)
    return text


@pytest.mark.parametrize("chunk", [64, 1000, 4 * 1024 * 1024])
def test_fast_guard_decides_like_the_full_scan_on_random_sheets(
    monkeypatch, chunk
) -> None:
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    rng = random.Random(chunk)  # noqa: S311 (reproducible test data)
    for _ in range(400):
        archive, info = _part(
            _random_sheet(rng, prefix := rng.choice(["", "x"])), prefix
        )
        canonical = xlsx_scan_canonical(archive, info)
        bound = guard._xlsx_scan_bounded(archive, info)
        if canonical is None:
            assert bound is None
        else:
            assert bound[0] >= canonical[0] and bound[1] >= canonical[1]
        for limit in (50, 1000, 100_000, 10_000_000):
            expected = _full_scan(archive, info, limit)
            got = guard.xlsx_extent(archive, info, limit)
            assert (got[0] * got[1] > limit) == (expected[0] * expected[1] > limit)
            if got[0] * got[1] > limit:
                assert got == expected  # the same numbers in the message


def test_row_bound_pattern_accepts_exactly_the_numbers_up_to_it() -> None:
    for number in [*range(0, 1200), 99_999, 100_000, 100_002, 1_048_576]:
        pattern = re.compile(guard._at_most_digits(number) + rb"\Z")
        for other in {*range(max(0, number - 12), number + 12), 10 * number + 1}:
            assert bool(pattern.match(b'%d"' % other)) == (other <= number)
        if number >= 10:  # a leading zero may be refused, never wrongly accepted
            assert not pattern.match(b'0%d"' % number)


def test_column_bound_pattern_accepts_exactly_the_columns_up_to_it() -> None:
    for number in [*range(0, 800), 16_383, 16_384, 18_278]:
        pattern = re.compile(guard._at_most_letters(number) + rb"1\Z")
        for other in range(max(1, number - 30), number + 30):
            accepted = bool(pattern.match(_letters(other).encode() + b"1"))
            assert accepted == (other <= number)
        assert not pattern.match(b"a1")  # lower case is left to the general scan


def _many_rows(count: int, width: int = 5) -> str:
    return "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{_letters(c)}{n}"><v>{n}</v></c>' for c in range(1, width + 1)
        )
        + "</row>"
        for n in range(1, count + 1)
    )


@pytest.mark.parametrize(
    "far",
    [
        # The A1 + XFD1048576 bomb with the far cell in its own row, after
        # many ordinary rows (so in a piece the fast pass only searches)...
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
        # ... in a row whose tag lies about its number ...
        '<row r="3001"><c r="XFD1048576"><v>2</v></c></row>',
        # ... out of order, inside an early row, without quotes of one kind
        '<row r="2"><c r="B2"><v>1</v></c><c r="XFD1048576"><v>2</v></c></row>',
        "<row r=\"3001\"><c r='XFD1048576'><v>2</v></c></row>",
        '<row r="3001"><c t="n" r="XFD1048576"><v>2</v></c></row>',
    ],
)
def test_grid_bomb_is_refused_wherever_the_far_cell_hides(monkeypatch, far) -> None:
    monkeypatch.setattr(guard, "_CHUNK", 4096)
    data = raw_xlsx(_many_rows(3000) + far)
    with pytest.raises(ImportFileError, match="1048576 строк и 16384 столбцов"):
        read_rows(data, "разреженный.xlsx", max_rows=2_000_000)


def test_far_styled_cell_without_value_still_does_not_count(
    monkeypatch, settings
) -> None:
    monkeypatch.setattr(guard, "_CHUNK", 4096)
    settings.QP_IMPORT_MAX_CELLS = 50_000
    styled = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    rows = read_rows(raw_xlsx(_many_rows(3000) + styled), "ф.xlsx")
    assert len(rows) == 3000


def test_rows_and_cells_out_of_order_read_in_place(monkeypatch, settings) -> None:
    monkeypatch.setattr(guard, "_CHUNK", 256)
    settings.QP_IMPORT_MAX_CELLS = 100
    sheet = (
        '<row r="3"><c r="C3"><v>9</v></c><c r="A3"><v>7</v></c></row>'
        '<row r="1"><c r="B1"><v>2</v></c><c r="A1"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>4</v></c></row>'
    )
    assert read_rows(raw_xlsx(sheet), "ф.xlsx") == [
        [1.0, 2.0],
        [4.0],
        [7.0, None, 9.0],
    ]
    archive, info = _part(sheet)
    assert guard._xlsx_scan_bounded(archive, info) == (3, 3)
    # Out of order and one cell past the limit: refused with the same figures.
    wide = sheet + '<row r="1"><c r="AX1"><v>1</v></c></row>'
    with pytest.raises(ImportFileError, match="3 строк и 50 столбцов"):
        read_rows(raw_xlsx(wide), "ф.xlsx")


def test_empty_row_tag_far_below_widens_the_bound_but_is_not_refused(
    settings,
) -> None:
    # Excel writes rows with a custom height and no cells; the fast pass
    # takes their numbers as the height, finds the grid too big, and the
    # full scan (which counts cells only) accepts the sheet.
    settings.QP_IMPORT_MAX_CELLS = 100
    sheet = _many_rows(3, width=3) + '<row r="5000" ht="20" customHeight="1"/>'
    archive, info = _part(sheet)
    assert guard._xlsx_scan_bounded(archive, info) == (5000, 3)
    assert guard.xlsx_extent(archive, info, 100) == (3, 3)
    assert len(read_rows(raw_xlsx(sheet), "ф.xlsx")) == 3
