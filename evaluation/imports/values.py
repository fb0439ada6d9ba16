"""Deliberate cell converters: every spreadsheet quirk handled on purpose.

Each converter takes a raw, non-empty cell as ``read_rows`` gives it (str,
float, int, bool, date, datetime) and returns a typed value or raises
``ValueError`` with a short Russian reason; the form wraps it into a
:class:`~evaluation.imports.errors.CellError` with the row and the column.
Empty cells never reach a converter (the form decides whether blank is
allowed); a converter given ``None`` or blank text says "пустое значение".

The quirks: calamine returns every workbook number as a float (12 is 12.0,
an INN is 2460000000.0); Russian sheets write "1 234,5" with spaces or
non-breaking spaces between thousands and a decimal comma; percentages come
as "45,5 %", as 45.5, or as 0.455 from a cell Excel formats as a percentage;
dates come as date cells, "dd.mm.yyyy" text or Excel serial numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Thousands separators: spaces, non-breaking, narrow non-breaking and thin.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
# What is left after removing them: sign, digits, one decimal comma or point.
_NUMBER = re.compile(r"[+-]?(?:\d+[.,]?\d*|[.,]\d+)")
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})  # minus sign, en dash
# Serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was
# (serial 60), so from serial 61 on a date is this epoch plus the serial.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_PHANTOM_DAY = 60
_EXCEL_MAX_SERIAL = 2_958_465  # 31.12.9999
_MIN_SERIAL = 10_000  # 18.05.1927; see to_date
_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")
_TRUE = frozenset({"да", "д", "yes", "y", "1", "+", "true", "истина", "есть", "x", "х"})
_FALSE = frozenset({"нет", "н", "no", "n", "0", "-", "false", "ложь", "—", "–"})


def _shown(value: object) -> str:
    """A raw value as the user typed or saw it, for messages."""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _check_present(value: object) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("пустое значение")


def _parse_decimal(value: object) -> Decimal:
    """A finite Decimal from a number cell or Russian number text; no rounding."""
    _check_present(value)
    if isinstance(value, bool):
        raise ValueError("ожидалось число, а не «да/нет»")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as this float: the number
        # the user saw (0.1, not 0.1000000000000000055…).
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = _SPACES.sub("", value).translate(_MINUSES)
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"«{_shown(value)}» — не число")
        number = Decimal(text.replace(",", "."))
    else:
        raise ValueError(f"«{_shown(value)}» — не число")
    if not number.is_finite():
        raise ValueError(f"«{_shown(value)}» — не число")
    return number


def to_decimal(value: object, places: int | None = 2) -> Decimal:
    """A number from ``"1 234,5"``, ``"1234.5"``, ``"−5"`` or a number cell.

    Spaces of any kind between digits are thousands separators and are
    dropped; one comma or point is the decimal separator. Text such as
    "1.234,5", "1e3" or "12 руб." is refused rather than guessed.

    Args:
        value: The raw cell.
        places: Decimal places to round to (half up, as people round);
            ``None`` keeps the number as written.
    """
    number = _parse_decimal(value)
    if places is None:
        return number
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"«{_shown(value)}» — слишком большое число") from None


def to_int(value: object, *, allow_negative: bool = False) -> int:
    """A whole number: ``12``, ``12.0`` (calamine), ``" 1 234 "``, ``"12,0"``.

    Refuses fractions (12.5), "да/нет", and negative numbers unless
    ``allow_negative``.
    """
    if isinstance(value, bool):
        raise ValueError("ожидалось целое число, а не «да/нет»")
    number = _parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"«{_shown(value)}» — не целое число")
    result = int(number)
    if result < 0 and not allow_negative:
        raise ValueError(f"отрицательное число ({result})")
    return result


def to_percent(
    value: object, *, fraction_if_below_1: bool = False, places: int | None = None
) -> Decimal:
    """A percentage from 0 to 100: ``"45,5 %"``, ``"45.5%"``, ``45.5``, ``0.455``.

    Text is always in percent, with or without the sign ("0,5" is half a
    percent): a CSV export writes what the cell showed. A number cell is in
    percent too, unless ``fraction_if_below_1`` is set: then a number from 0
    to 1 inclusive is a fraction and is multiplied by 100. Set it for columns
    that the template formats as percentages, where Excel stores 45,5 % as
    0.455 and 100 % as 1; in such a column a plain 1 means 100 %, not 1 %.

    Args:
        value: The raw cell.
        fraction_if_below_1: Read number cells from 0 to 1 as fractions.
        places: Decimal places to round to (half up); ``None`` keeps all.
    """
    _check_present(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text = text[:-1]
        number = _parse_decimal(text.strip() or value)
    else:
        number = _parse_decimal(value)
        if fraction_if_below_1 and 0 <= number <= 1:
            number *= 100
    if number < 0:
        raise ValueError(f"отрицательный процент ({_shown(value)})")
    if number > 100:
        raise ValueError(f"процент больше 100 ({_shown(value)})")
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number


def from_excel_serial(serial: int) -> date:
    """The date of an Excel serial number in the 1900 date system.

    Serial 1 is 01.01.1900. Excel, copying Lotus 1-2-3, counts a 29.02.1900
    that never was (serial 60), so serials below 60 are one day later than
    plain counting from 31.12.1899 gives, and serial 60 itself is refused.

    Raises:
        ValueError: serial 60, or a serial outside 1..2958465 (31.12.9999).
    """
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise ValueError(f"«{serial}» — не дата")
    if serial == _EXCEL_PHANTOM_DAY:
        raise ValueError("29.02.1900 — такой даты не было")
    if serial < _EXCEL_PHANTOM_DAY:
        serial += 1
    return _EXCEL_EPOCH + timedelta(days=serial)


def to_date(value: object, *, min_year: int = 1900, max_year: int = 2100) -> date:
    """A date from a date cell, ``dd.mm.yyyy``, ``dd.mm.yy``, ISO or an Excel serial.

    Text may carry a time after the date ("01.02.2024 10:30"), which is
    dropped. Two-digit years are 2000-2068 for 00-68 and 1969-1999 for 69-99
    (Python's rule). Serial numbers (a date cell formatted as a number, or
    such a number exported to CSV) follow :func:`from_excel_serial`; only
    whole serials from 10000 (18.05.1927) are taken, because a smaller number
    in a date column is a year or a count, not a date, and a fraction is a
    time of day or not a date at all. "02/01/2024" is refused as ambiguous
    (day or month first?). Dates outside ``min_year``..``max_year`` are
    refused as typos.
    """
    _check_present(value)
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"«{_shown(value)}» — не дата")
    elif isinstance(value, int | float):
        result = _from_number(value)
    elif isinstance(value, str):
        result = _parse_date_text(value.strip())
    else:
        raise ValueError(f"«{_shown(value)}» — не дата (ожидается ДД.ММ.ГГГГ)")
    if not min_year <= result.year <= max_year:
        raise ValueError(
            f"{result.strftime('%d.%m.%Y')} — дата вне {min_year}–{max_year} годов"
        )
    return result


def _from_number(value: float) -> date:
    if not float(value).is_integer() or not _MIN_SERIAL <= value <= _EXCEL_MAX_SERIAL:
        raise ValueError(f"«{_shown(value)}» — число, а не дата (ожидается ДД.ММ.ГГГГ)")
    return from_excel_serial(int(value))


def _parse_date_text(text: str) -> date:
    if text.isdigit() and len(text) == 5:  # a serial number exported as text
        return _from_number(int(text))
    head = text.split()[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()  # "2024-02-01T10:30"
    except ValueError:
        raise ValueError(f"«{text}» — не дата (ожидается ДД.ММ.ГГГГ)") from None


def to_bool(value: object) -> bool:
    """Yes or no: да/нет, д/н, yes/no, 1/0, +/-, true/false, истина/ложь, х (mark)."""
    _check_present(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower().replace("ё", "е").rstrip(".")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"«{_shown(value)}» — ожидается «да» или «нет»")


def normalise_choice(text: object) -> str:
    """A choice compared ignoring case, ``ё``/``е`` and extra spaces."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return " ".join(str(text).lower().replace("ё", "е").split())


def to_choice(value: object, choices: Sequence[tuple[str, str]]) -> str:
    """The stored value of a choice, matched by its value or its Russian label.

    Case, ``ё``/``е`` and extra spaces do not matter; a number cell 2.0
    matches the value "2".
    """
    _check_present(value)
    wanted = normalise_choice(value)
    for stored, label in choices:
        if wanted in (normalise_choice(stored), normalise_choice(label)):
            return stored
    allowed = "; ".join(f"«{label}»" for _, label in choices)
    raise ValueError(f"«{_shown(value)}» — нет в списке. Допустимо: {allowed}")


def to_text(value: object, max_length: int | None = None) -> str:
    """Text with spaces collapsed; numbers typed as numbers lose their ``.0``.

    Whole floats (an INN or a code in a number cell, 2460000000.0) become
    "2460000000"; dates become "dd.mm.yyyy"; "да/нет" cells become "да"/"нет".

    Raises:
        ValueError: the text is longer than ``max_length``.
    """
    _check_present(value)
    if isinstance(value, bool):
        text = "да" if value else "нет"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date):
        text = value.strftime("%d.%m.%Y")
    else:
        text = " ".join(str(value).split())
    if max_length is not None and len(text) > max_length:
        raise ValueError(
            f"слишком длинный текст ({len(text)} знаков, допустимо {max_length})"
        )
    return text


_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def to_inn(value: object) -> str:
    """An INN: 10 digits (organisation) or 12 (person), check digits verified.

    Excel stores an INN typed into a number cell as a float and drops a
    leading zero (regions 01-09): a number cell with 9 or 11 digits gets the
    zero back, and the check digits then confirm it.
    """
    text = to_text(value).replace(" ", "")
    from_number = isinstance(value, int | float) and not isinstance(value, bool)
    if from_number and text.isdigit() and len(text) in (9, 11):
        text = "0" + text
    if not text.isdigit() or len(text) not in (10, 12):
        raise ValueError(f"«{_shown(value)}» — ИНН состоит из 10 или 12 цифр")
    if len(text) == 10:
        valid = _check_digit(text, _INN10) == int(text[9])
    else:
        valid = _check_digit(text, _INN12_1) == int(text[10]) and _check_digit(
            text, _INN12_2
        ) == int(text[11])
    if not text.strip("0"):
        raise ValueError(f"ИНН {text} — одни нули")
    if not valid:
        raise ValueError(f"ИНН {text} — неверная контрольная цифра")
    return text
