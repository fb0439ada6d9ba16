"""Numbers in Russian text: the one place every figure is formatted.

Plain functions without Django, so every layer uses them: the rating method's
explanations, the domain's generated texts, search documents, blocks, pages
and charts (``cms_blocks.formatting`` re-exports them for templates). Numbers
get a decimal comma, no-break spaces between digit groups of five-digit and
longer integer parts and the true minus sign, and never exponent notation.

Precision is chosen by the kind of figure, as ``../shared/domain/METHOD.md``
sets it: scores (indicator, criterion, total, averages of them) always with
:data:`SCORE_PLACES` decimals, shares in per cent with :data:`PERCENT_PLACES`,
counts whole, and rule constants (points, caps, weights) with their own
significant digits only (:func:`format_amount`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

NBSP = "\u00a0"
MINUS = "\u2212"
EM_DASH = "\u2014"
# What a missing value is shown as, in text, tables and charts alike.
MISSING = EM_DASH

#: Decimals of every score: METHOD.md rounds each level to two decimals.
SCORE_PLACES = 2
#: Decimals of shares shown in per cent.
PERCENT_PLACES = 1


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


def format_score(value: Decimal | int | float | str | None) -> str:
    """Format a score (indicator, criterion, total or their mean): ``"83,40"``.

    Always :data:`SCORE_PLACES` decimals, so one page never shows ``83,4``
    beside ``83,40``.
    """
    return format_number(value, SCORE_PLACES)


def format_amount(value: Decimal | int | float | str | None) -> str:
    """Format a constant of a rule with its significant digits only.

    ``Decimal("30.00")`` → ``"30"``, ``Decimal("2.50")`` → ``"2,5"``,
    ``Decimal("1E+2")`` → ``"100"``: no trailing zeros, never an exponent.
    """
    if value is None:
        return MISSING
    number = to_decimal(value)
    if number == number.to_integral_value():
        return format_number(number, 0)
    text = format(number.normalize(), "f")
    return format_number(number, len(text.partition(".")[2]))


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


def criterion_label(code: object) -> str:
    """A criterion code as Russian text shows it: ``"K1"`` → ``"К1"`` (Cyrillic К).

    Codes are stored with a Latin K (URLs, ids, open data); Russian text uses
    the Cyrillic letter. Other values are returned as text, unchanged.
    """
    text = "" if code is None else str(code)
    if len(text) == 2 and text[0] == "K" and text[1].isdigit():
        return "\u041a" + text[1]
    return text
