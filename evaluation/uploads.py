"""The one size check of every upload, with one message.

Spreadsheet imports (admin and API), note images and the other private files
(answers to instructions, evidence, attachments) each have a limit in
:mod:`evaluation.conf`; all of them refuse an oversized file here, so a user
sees the same sentence wherever they upload.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from evaluation.conf import MEGABYTE, evaluation_settings
from evaluation.formatting import NBSP, count_with_noun, format_number

KILOBYTE = 1024


def file_size(size: int, places: int = 1) -> str:
    """``size`` bytes the Russian way: ``20 МБ``, ``2,5 МБ``, ``900 КБ``, ``10 байт``.

    Megabytes and kilobytes get up to ``places`` decimals (trailing zeros
    dropped); below a kilobyte the count of bytes agrees with its noun.
    """
    if size < KILOBYTE:
        return count_with_noun(size, "байт", "байта", "байт")
    unit, name = (MEGABYTE, "МБ") if size >= MEGABYTE else (KILOBYTE, "КБ")
    text = format_number(Decimal(size) / unit, places)
    if "," in text:
        text = text.rstrip("0").removesuffix(",")
    return f"{text}{NBSP}{name}"


def upload_too_large_message(size: int, limit: int, filename: str = "") -> str:
    """The message of a file of ``size`` bytes over ``limit``.

    Both sizes are written with one decimal, or with up to three where one
    shows them equal; a file too close to the limit to tell gets no size.
    """
    name = f"«{filename}» " if filename else ""
    places = next(
        (n for n in (1, 2, 3) if file_size(size, n) != file_size(limit, n)), None
    )
    shown = "" if places is None else f" ({file_size(size, places)})"
    return (
        f"Файл {name}слишком большой{shown}: допускается не более "
        f"{file_size(limit, places or 1)}. Уменьшите его или разделите на части."
    )


def check_upload_size(
    size: int | None,
    limit: int,
    *,
    filename: str = "",
    error: type[Exception] = ValueError,
) -> None:
    """Refuse a file of ``size`` bytes over ``limit`` bytes.

    ``error`` is the exception the caller shows its user (a form's
    ``ValidationError``, ``ImportFileError``, …); it gets the message of
    :func:`upload_too_large_message`. An unknown ``size`` (``None``) passes.
    """
    if size is not None and size > limit:
        raise error(upload_too_large_message(size, limit, filename))


def validate_upload_size(file) -> None:
    """A form field validator: a private file within ``UPLOAD_MAX_BYTES``.

    For the upload fields of admin forms (evidence, letters, attachments);
    spreadsheets, images and API uploads call :func:`check_upload_size` with
    their own limits.
    """
    check_upload_size(
        getattr(file, "size", None),
        evaluation_settings.UPLOAD_MAX_BYTES,
        filename=getattr(file, "name", "") or "",
        error=ValidationError,
    )
