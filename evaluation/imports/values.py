"""Deliberate cell converters: every spreadsheet quirk handled on purpose.

Each converter takes a raw cell (str, int, float, bool, date, datetime) and
returns a typed value or raises ``ValueError`` with a short Russian reason;
the form wraps it into a :class:`~evaluation.imports.errors.CellError` with
the row and the column. Calamine returns every number as a float, Russian
sheets write "1 234,5", percentages as "45,5 %" and dates as "dd.mm.yyyy" or
Excel serial numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap bug
_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y")
_TRUE = frozenset({"да", "д", "yes", "y", "1", "+", "true", "истина", "есть", "x", "х"})
_FALSE = frozenset({"нет", "н", "no", "n", "0", "-", "false", "ложь", "—", "–"})


def _clean_number_text(value: str) -> str:
    return _SPACES.sub("", value).replace(",", ".")


def to_decimal(value: object, places: int | None = None) -> Decimal:
    """A number from ``1 234,5``, ``1234.5`` or a float cell."""
    if isinstance(value, bool):
        raise ValueError("ожидалось число, а не «да/нет»")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _clean_number_text(str(value))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"«{value}» — не число") from None
    if not number.is_finite():
        raise ValueError(f"«{value}» — не число")
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    return number


def to_int(value: object, *, allow_negative: bool = False) -> int:
    """A whole count: ``12``, ``12.0`` (calamine), ``"1 234"``, ``"12,0"``."""
    if isinstance(value, bool):
        raise ValueError("ожидалось целое число, а не «да/нет»")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"{str(value).replace('.', ',')} — не целое число")
        number = int(value)
    else:
        decimal = to_decimal(value)
        if decimal != decimal.to_integral_value():
            raise ValueError(f"«{value}» — не целое число")
        number = int(decimal)
    if number < 0 and not allow_negative:
        raise ValueError(f"отрицательное число ({number})")
    return number


def to_percent(value: object, *, fraction_if_below_1: bool = False) -> Decimal:
    """A percentage 0–100 from ``"45,5 %"``, ``45.5`` or (optionally) ``0.455``.

    A cell formatted as a percentage in Excel holds a fraction (0.455 shows as
    45,5 %); with ``fraction_if_below_1`` a number at most 1 without a ``%``
    sign is read as such a fraction. Text with ``%`` is always in percent.
    """
    text = str(value).strip() if isinstance(value, str) else None
    if text is not None and text.endswith("%"):
        number = to_decimal(text[:-1])
    else:
        number = to_decimal(value)
        if fraction_if_below_1 and not isinstance(value, str) and 0 <= number <= 1:
            number *= 100
    if number < 0:
        raise ValueError(f"отрицательный процент ({value})")
    if number > 100:
        raise ValueError(f"процент больше 100 ({value})")
    return number


def to_date(value: object) -> date:
    """A date from a date cell, ``dd.mm.yyyy``, ``dd.mm.yy``, ISO or an Excel serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() or not 1 <= value <= 2958465:
            raise ValueError(f"«{value}» — не дата")
        serial = int(value)
        if serial < 61:  # before Excel's phantom 29.02.1900
            serial += 1
        return _EXCEL_EPOCH + timedelta(days=serial)
    text = str(value).strip()
    if text.isdigit() and len(text) <= 5:
        return to_date(int(text))
    text = text.split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"«{value}» — не дата (ожидается ДД.ММ.ГГГГ)")


def to_bool(value: object) -> bool:
    """Yes/no: да/нет, yes/no, 1/0, +/-, истина/ложь."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower().replace("ё", "е")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"«{value}» — ожидается «да» или «нет»")


def normalise_choice(text: object) -> str:
    """Compare choices ignoring case, ё/е and extra spaces."""
    return " ".join(str(text).lower().replace("ё", "е").split())


_norm = normalise_choice


def to_choice(value: object, choices: Sequence[tuple[str, str]]) -> str:
    """A stored value matched by its code or its Russian label."""
    wanted = _norm(value)
    for stored, label in choices:
        if wanted in (_norm(stored), _norm(label)):
            return stored
    allowed = "; ".join(f"«{label}»" for _, label in choices)
    raise ValueError(f"«{value}» — нет в списке. Допустимо: {allowed}")


def to_text(value: object, max_length: int | None = None) -> str:
    """Text; whole floats (INN or codes typed as numbers) lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, (date, datetime)):
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


def _check(digits: str, weights: Sequence[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def to_inn(value: object) -> str:
    """An INN: 10 digits (organisation) or 12 (person), check digits verified."""
    text = to_text(value).replace(" ", "")
    if not text.isdigit() or len(text) not in (10, 12):
        raise ValueError(f"«{value}» — ИНН состоит из 10 или 12 цифр")
    if len(text) == 10:
        valid = _check(text, _INN10) == int(text[9])
    else:
        valid = _check(text, _INN12_1) == int(text[10]) and _check(
            text, _INN12_2
        ) == int(text[11])
    if not valid:
        raise ValueError(f"ИНН {text} — неверная контрольная цифра")
    return text
