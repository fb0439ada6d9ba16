"""Russian typography and number formatting.

Pure functions used by templates (through the ``ru_format`` filter library) and
by the SVG charts. Numbers get a decimal comma, no-break spaces between digit
groups of five-digit and longer integer parts, and the true minus sign; dates
use genitive month names. Every function returns plain text: the no-break
space is the character U+00A0, never an HTML entity, so templates still escape
whatever user text passes through. Number formatting lives in
``evaluation.formatting`` (the lowest layer, so domain texts and search use
the same rules) and is re-exported here.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone

from evaluation.formatting import (
    EM_DASH,
    MINUS,
    MISSING,
    NBSP,
    PERCENT_PLACES,
    SCORE_PLACES,
    count_with_noun,
    format_amount,
    format_number,
    format_percent,
    format_score,
    plural_form,
    to_decimal,
)

__all__ = [
    "EM_DASH",
    "MINUS",
    "MISSING",
    "MONTHS_GENITIVE",
    "NBSP",
    "PERCENT_PLACES",
    "SCORE_PLACES",
    "count_with_noun",
    "format_amount",
    "format_date",
    "format_date_short",
    "format_number",
    "format_percent",
    "format_score",
    "plural_form",
    "quote",
    "to_decimal",
    "typograph",
]

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
