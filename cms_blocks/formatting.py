"""Russian typography and number formatting.

Pure functions used by templates (through the ``ru_format`` filter library) and
by the SVG charts. Numbers get a decimal comma, no-break spaces between digit
groups of five-digit and longer integer parts, and the true minus sign; dates
use genitive month names. Every function returns plain text: the no-break
space is the character U+00A0, never an HTML entity, so templates still escape
whatever user text passes through.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.utils import timezone

NBSP = "\u00a0"
MINUS = "\u2212"
EM_DASH = "\u2014"
# What a missing value is shown as, in text, tables and charts alike.
MISSING = EM_DASH

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

# Short words that must not be left hanging at the end of a line.
SHORT_WORDS = (
    "в",
    "во",
    "и",
    "к",
    "ко",
    "с",
    "со",
    "у",
    "о",
    "об",
    "а",
    "на",
    "по",
    "до",
    "за",
    "из",
    "от",
    "не",
    "но",
)

_DASH_RE = re.compile(r"[ \t\u00a0]+(?:--?|[\u2013\u2014])[ \t\u00a0]+")
_NUMERO_RE = re.compile(r"№[ \t\u00a0]*(?=\d)")
_SHORT_WORD_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(SHORT_WORDS, key=len, reverse=True))
    + r")[ \t]+(?=[«„(\[]*(?:№|\w))",
    re.IGNORECASE,
)
# A straight quote after one of these (or at the start) opens a quotation.
_OPENING_CONTEXT = frozenset("([{«„")


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Convert a number given in any of the accepted types to a finite Decimal.

    Floats go through their shortest ``repr`` so that ``45.55`` becomes
    ``Decimal("45.55")`` rather than its binary approximation. Strings may use a
    decimal comma, the minus sign U+2212 and spaces (also no-break) between
    digit groups.

    Args:
        value: The number.

    Returns:
        The value as a Decimal.

    Raises:
        TypeError: If the value is not a number, a string or is a bool.
        ValueError: If a string is not a number, or the value is NaN or infinite.
    """
    if isinstance(value, bool):
        raise TypeError("Ожидалось число, получено логическое значение.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = (
            value.strip()
            .replace(NBSP, "")
            .replace(" ", "")
            .replace(MINUS, "-")
            .replace(",", ".")
        )
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"Не число: {value!r}.") from None
    else:
        raise TypeError(f"Ожидалось число, получено {type(value).__name__}.")
    if not number.is_finite():
        raise ValueError(f"Ожидалось конечное число, получено {value!r}.")
    return number


def _group_digits(digits: str) -> str:
    # Russian rule: four-digit numbers stay whole, longer ones are grouped.
    if len(digits) < 5:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]]
    groups.extend(digits[start : start + 3] for start in range(head, len(digits), 3))
    return NBSP.join(groups)


def format_number(
    value: Decimal | int | float | str | None, places: int | None = 1
) -> str:
    """Format a number the Russian way.

    Rounds half up to ``places`` decimal places, writes a decimal comma, groups
    the integer part in threes with no-break spaces only when it has five or
    more digits, and writes negative numbers with the minus sign U+2212. A value
    that rounds to zero never gets a minus.

    Args:
        value: The number; ``None`` means "no data".
        places: Decimal places to round to; ``None`` keeps the value's own
            digits (``Decimal("45.50")`` stays ``"45,50"``).

    Returns:
        The formatted number, or an em dash for ``None``.

    Raises:
        TypeError: If the value is not a number or a string.
        ValueError: If a string is not a number, the value is not finite or
            ``places`` is negative.

    Examples:
        >>> format_number(Decimal("45.55"))
        '45,6'
        >>> format_number(12345.5)
        '12\\xa0345,5'
        >>> format_number(-7, 0)
        '−7'
    """
    if value is None:
        return MISSING
    number = to_decimal(value)
    if places is not None:
        if places < 0:
            raise ValueError("Число знаков после запятой не может быть отрицательным.")
        with localcontext() as context:
            # Enough precision for every digit of large values.
            context.prec = max(context.prec, number.adjusted() + places + 3)
            number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = MINUS if number < 0 else ""
    # copy_abs() is exact; abs() would round to the ambient precision.
    integer, _, fraction = format(number.copy_abs(), "f").partition(".")
    text = sign + _group_digits(integer)
    if fraction:
        text += "," + fraction
    return text


def format_percent(
    value: Decimal | int | float | str | None, places: int | None = 1
) -> str:
    """Format a percentage: ``"45,5 %"`` with a no-break space before the sign.

    Args:
        value: The percentage (45.5 for 45.5 %); ``None`` means "no data".
        places: Decimal places, as in :func:`format_number`.

    Returns:
        The formatted percentage, or an em dash for ``None``.
    """
    if value is None:
        return MISSING
    return f"{format_number(value, places)}{NBSP}%"


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_date(value: date | datetime | None, *, year_suffix: bool = True) -> str:
    """Format a date as ``"16 мая 2024 г."``.

    Aware datetimes are first converted to Django's current time zone; naive
    ones are taken as they are. The parts are joined with no-break spaces so
    the date never breaks across lines.

    Args:
        value: The date or datetime; ``None`` means "no date".
        year_suffix: Whether to end with ``"г."``.

    Returns:
        The formatted date, or an em dash for ``None``.
    """
    if value is None:
        return MISSING
    day = _local_date(value)
    text = f"{day.day}{NBSP}{MONTHS_GENITIVE[day.month - 1]}{NBSP}{day.year}"
    if year_suffix:
        text += f"{NBSP}г."
    return text


def format_date_short(value: date | datetime | None) -> str:
    """Format a date as ``"16.05.2024"``, in the current time zone if aware.

    Args:
        value: The date or datetime; ``None`` means "no date".

    Returns:
        The formatted date, or an em dash for ``None``.
    """
    if value is None:
        return MISSING
    day = _local_date(value)
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def plural_form(n: int, one: str, few: str, many: str) -> str:
    """Choose the Russian noun form that agrees with a whole number.

    Args:
        n: The number (its sign does not matter).
        one: Form for 1, 21, 101… ("организация").
        few: Form for 2–4, 22–24… ("организации").
        many: Form for 0, 5–20, 25–30, 111… ("организаций").

    Returns:
        One of ``one``, ``few`` and ``many``.
    """
    n = abs(n)
    if 11 <= n % 100 <= 14:
        return many
    if n % 10 == 1:
        return one
    if 2 <= n % 10 <= 4:
        return few
    return many


def count_with_noun(n: int, one: str, few: str, many: str) -> str:
    """Write a count with its agreeing noun: ``"5 организаций"``.

    The number is formatted by :func:`format_number` and joined to the noun
    with a no-break space.

    Args:
        n: The count.
        one: Noun form for 1, 21, 101….
        few: Noun form for 2–4, 22–24….
        many: Noun form for 0, 5–20, 25–30, 111….

    Returns:
        The count and the noun.
    """
    return f"{format_number(n, places=0)}{NBSP}{plural_form(n, one, few, many)}"


def quote(text: str) -> str:
    """Put text in «ёлочки»; quotes already inside become „лапки“.

    Args:
        text: The text to quote.

    Returns:
        The quoted text.
    """
    inner = text.replace("«", "„").replace("»", "“")
    return f"«{inner}»"


def _convert_quotes(text: str) -> str:
    result: list[str] = []
    depth = 0
    for char in text:
        if char in "«„":
            depth += 1
        elif char in "»“":
            depth = max(0, depth - 1)
        elif char == '"':
            previous = result[-1] if result else ""
            if not previous or previous.isspace() or previous in _OPENING_CONTEXT:
                char = "«" if depth == 0 else "„"
                depth += 1
            elif depth > 0:
                depth -= 1
                char = "»" if depth == 0 else "“"
            # Otherwise a stray closing quote (an inch sign, a typo): keep it.
        result.append(char)
    return "".join(result)


def typograph(text: str) -> str:
    """Apply Russian typography rules to plain text.

    - Straight double quotes become «ёлочки», nested ones „лапки“: a quote
      opens at the start, after a space or an opening bracket or quote, and
      closes otherwise. A closing quote with nothing open is left alone.
    - A hyphen or double hyphen between spaces (and a spaced en or em dash)
      becomes a no-break space, an em dash and a space.
    - One- and two-letter prepositions, conjunctions and particles (в, и, на,
      не…) are joined to the next word with a no-break space.
    - ``№`` is joined to the number after it with a no-break space.

    The result is idempotent: ``typograph(typograph(s)) == typograph(s)``. The
    input is plain text, not HTML: quotes inside tags would be converted too.

    Args:
        text: Plain text.

    Returns:
        The text with typography applied.
    """
    text = _convert_quotes(text)
    text = _DASH_RE.sub(f"{NBSP}{EM_DASH} ", text)
    text = _NUMERO_RE.sub(f"№{NBSP}", text)
    return _SHORT_WORD_RE.sub(lambda match: match.group(1) + NBSP, text)
