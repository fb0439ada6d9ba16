"""File safety: what an upload must not be before a reader opens it.

Zips that are not workbooks, carry macros, are password-protected or would
unpack too big (zip bombs: every part is read once, its size verified); sheets
whose grid (measured by :mod:`.grid`) is too large; OLE2 files that are not
Excel workbooks or are encrypted; and the limit on a sheet's rows.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from evaluation.conf import evaluation_settings
from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading.grid import (
    no_hidden_parts,
    ods_extent,
    part_chunks,
    xlsx_extent,
)
from evaluation.uploads import file_size

# The limits of one file are settings (``evaluation_settings.IMPORT_MAX_*``).
# The uncompressed size counts all parts of a workbook together: ODS XML takes
# about 100 bytes per cell, so 200,000 rows x 20 columns need about 400 MB.
# Compression ratio of one large part. Real sheets reach 10-20 (XLSX) and
# 90-125 (ODS survey sheets full of "да"/"нет"); zip bombs reach 1000.
MAX_RATIO = 300
RATIO_MIN_SIZE = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000


ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


RESAVE_XLSX = (
    "Откройте его в Excel или LibreOffice и сохраните как книгу Excel (.xlsx)."
)
NON_TABLE_SIGNATURES = (
    (b"%PDF", "документ PDF"),
    (b"\x89PNG", "изображение PNG"),
    (b"\xff\xd8\xff", "изображение JPEG"),
    (b"GIF8", "изображение GIF"),
    (b"Rar!", "архив RAR"),
    (b"7z\xbc\xaf\x27\x1c", "архив 7-Zip"),
    (b"\x1f\x8b", "архив GZIP"),
    (b"{\\rtf", "документ RTF"),
)


ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # an unsupported compression method
    ValueError,
)


def check_zip(data: bytes, filename: str) -> None:
    """Refuse zips that are not workbooks, carry macros, or unpack too big."""
    no_hidden_parts().clear()
    try:
        _inspect_zip(zipfile.ZipFile(io.BytesIO(data)), filename)
    except ZIP_ERRORS:
        raise ImportFileError(
            f"Файл «{filename}» повреждён: архив книги не читается. {RESAVE_XLSX}"
        ) from None


def _inspect_zip(archive: zipfile.ZipFile, filename: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError(
            f"Файл «{filename}» отклонён: в нём {len(infos)} частей, это не похоже на "
            "обычную таблицу."
        )
    names = {info.filename.lower(): info.filename for info in infos}
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        kind = "xlsx"
    elif "mimetype" in names and _read_small(archive, names["mimetype"]).startswith(
        ODS_MIMETYPE  # also "…-template" (.ots)
    ):
        kind = "ods"
    elif "xl/workbook.bin" in names:
        raise ImportFileError(
            f"Файл «{filename}» — двоичная книга Excel (.xlsb), она не поддерживается. "
            f"{RESAVE_XLSX}"
        )
    elif "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise ImportFileError(
            f"Файл «{filename}» — документ Word или PowerPoint, а не таблица. "
            "Загрузите книгу Excel (.xlsx), ODS или CSV."
        )
    else:
        raise ImportFileError(
            f"Файл «{filename}» — архив, но не таблица XLSX или ODS. "
            "Загрузите саму таблицу, не упакованную в архив."
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise ImportFileError(password_message(filename))
    _check_declared_sizes(infos, filename)
    if kind == "xlsx":
        _check_xlsx_macros(archive, names, filename)
    else:
        _check_ods_macros(names, filename)
    check_extents(archive, infos, kind, filename)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 1024 * 1024) -> bytes:
    with archive.open(name) as part:
        return part.read(limit)


def _bomb_message(filename: str, size: int) -> str:
    return (
        f"Файл «{filename}» отклонён: после распаковки он занял бы {file_size(size)} "
        "(похоже на «zip-бомбу»). Если это настоящая таблица, разделите её на части."
    )


def _check_declared_sizes(infos: list[zipfile.ZipInfo], filename: str) -> None:
    """Sizes as the archive declares them; ``check_extents`` verifies them."""
    limit = evaluation_settings.IMPORT_MAX_UNCOMPRESSED
    total = sum(info.file_size for info in infos)
    if total > limit:
        raise ImportFileError(_bomb_message(filename, total))
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(
            1, info.compress_size
        ):
            raise ImportFileError(_bomb_message(filename, total))


MACRO_MESSAGE = (
    "Файл «{filename}» содержит макросы. Макросы не загружаются: сохраните книгу "
    "без них (в Excel: «Сохранить как» → «Книга Excel (.xlsx)») и загрузите снова."
)


def _check_xlsx_macros(
    archive: zipfile.ZipFile, names: dict[str, str], filename: str
) -> None:
    """``vbaProject.bin``, XLM macro sheets or a macro-enabled content type."""
    if any(
        name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/")
        for name in names
    ):
        raise ImportFileError(MACRO_MESSAGE.format(filename=filename))
    types = _read_small(archive, names["[content_types].xml"]).lower()
    if b"macroenabled" in types or b"vbaproject" in types or b"macrosheet" in types:
        raise ImportFileError(MACRO_MESSAGE.format(filename=filename))


def _check_ods_macros(names: dict[str, str], filename: str) -> None:
    """LibreOffice Basic modules (``Basic/<library>/<module>.xml``) or scripts.

    The library index files LibreOffice may write without any macro
    (``script-lc.xml``, ``script-lb.xml``, ``dialog-l?.xml``) are allowed.
    """
    index_files = ("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml")
    for name in names:
        if name.startswith("scripts/") and not name.endswith("/"):
            raise ImportFileError(MACRO_MESSAGE.format(filename=filename))
        if (
            name.startswith("basic/")
            and not name.endswith("/")
            and name.rsplit("/", 1)[-1] not in index_files
        ):
            raise ImportFileError(MACRO_MESSAGE.format(filename=filename))


# IMPORT_MAX_CELLS counts the cells of the rectangle from A1 to the farthest
# filled cell of a sheet, the grid calamine allocates (about 32 bytes a cell,
# and a Python object more).
def check_extents(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: str, filename: str
) -> None:
    """Read every part once (sizes verified) and measure the sheets' grids.

    Python's zipfile stops at the declared size and checks the CRC, so a part
    that lies about its size fails here instead of inflating in calamine.
    """
    limit = evaluation_settings.IMPORT_MAX_CELLS
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.lower()
        if kind == "ods" and name == "content.xml":
            rows, columns = ods_extent(
                part_chunks(archive, info, b"</table:table-row>")
            )
        elif kind == "xlsx" and name.endswith(".xml"):
            rows, columns = xlsx_extent(archive, info, limit)
        else:
            for _ in part_chunks(archive, info, b""):
                pass
            continue
        if rows * columns > limit:
            raise ImportFileError(
                f"Файл «{filename}» отклонён: заполненные ячейки листа разбросаны "
                f"на {rows} строк и {columns} столбцов, такую таблицу не прочитать. "
                "Удалите лишние ячейки далеко за пределами данных или разделите "
                "файл на части."
            )


def _ole_entry(data: bytes, name: str) -> bool:
    """Whether the compound file has a storage or stream called ``name``.

    Directory entries are 128 bytes and sectors are 512 or 4096 bytes after
    a header sector, so every entry starts at a multiple of 128 from the start
    of the file: a name found there, with the matching length field and an
    entry type of storage (1) or stream (2), is a real entry. This avoids
    following the FAT chains and never mistakes cell text for an entry.
    """
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    length = len(encoded).to_bytes(2, "little")
    position = data.find(encoded, 512)
    while position != -1:
        if (
            position % 128 == 0
            and data[position + 64 : position + 66] == length
            and data[position + 66 : position + 67] in (b"\x01", b"\x02")
        ):
            return True
        position = data.find(encoded, position + 1)
    return False


def password_message(filename: str) -> str:
    return (
        f"Файл «{filename}» защищён паролем. Снимите пароль (в Excel: «Файл» → "
        "«Сведения» → «Защита книги») и загрузите снова."
    )


def check_ole(data: bytes, filename: str) -> None:
    """Refuse encrypted workbooks, VBA projects and non-Excel OLE documents.

    VBA lives in a ``_VBA_PROJECT_CUR`` storage (Excel 97 and later) or a
    ``_VBA_PROJECT`` one (Excel 5/95); ``Macros`` is Word's. Excel 4 macro
    sheets are found later, from the sheet types calamine reports.
    """
    if _ole_entry(data, "EncryptedPackage"):  # a password-protected .xlsx
        raise ImportFileError(password_message(filename))
    if any(_ole_entry(data, name) for name in ("_VBA_PROJECT_CUR", "_VBA_PROJECT")):
        raise ImportFileError(MACRO_MESSAGE.format(filename=filename))
    if not (_ole_entry(data, "Workbook") or _ole_entry(data, "Book")):
        if _ole_entry(data, "WordDocument") or _ole_entry(data, "Macros"):
            raise ImportFileError(
                f"Файл «{filename}» — документ Word, а не таблица. "
                "Загрузите книгу Excel (.xlsx), ODS или CSV."
            )
        raise ImportFileError(
            f"Файл «{filename}» — документ Office, но не книга Excel. {RESAVE_XLSX}"
        )


def too_many_rows(filename: str, max_rows: int) -> None:
    raise ImportFileError(
        f"В файле «{filename}» больше {max_rows} строк. Разделите его на части."
    )
