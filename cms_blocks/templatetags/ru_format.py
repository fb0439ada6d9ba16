"""Template filters for Russian numbers, dates, plurals and typography.

Load with ``{% load ru_format %}``::

    {{ total|ru_number }}            87,4
    {{ share|ru_percent:0 }}         46 %
    {{ published|ru_date }}          16 мая 2024 г.
    {{ n|ru_plural:"организация,организации,организаций" }}   5 организаций
    {{ page.title|typograph }}

Every filter returns a plain ``str`` (the no-break space is the character
U+00A0, not an entity), so autoescaping still applies to the text it carries;
none of them marks its output safe. ``ru_quote`` and ``typograph`` work on
plain text, not on HTML.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from cms_blocks.formatting import (
    MISSING,
    count_with_noun,
    format_amount,
    format_date,
    format_date_short,
    format_number,
    format_percent,
    quote,
    to_decimal,
)
from cms_blocks.formatting import (
    typograph as typograph_text,
)
from evaluation.formatting import criterion_label
from evaluation.morphology import agree_with_number, inflect_phrase

register = template.Library()


def _places(arg: Any) -> int | None:
    if arg is None or arg == "":
        return None
    try:
        places = int(arg)
    except (TypeError, ValueError):
        raise template.TemplateSyntaxError(
            f"Число знаков после запятой должно быть целым, получено {arg!r}."
        ) from None
    if places < 0:
        raise template.TemplateSyntaxError(
            "Число знаков после запятой не может быть отрицательным."
        )
    return places


def _number(value: Any, places: Any, formatter) -> str:
    digits = _places(places)
    try:
        return formatter(value, digits)
    except (TypeError, ValueError):
        return ""


@register.filter
def ru_number(value: Any, places: Any = 1) -> str:
    """Format a number: ``{{ x|ru_number }}`` → "12 345,5"; arg = decimal places.

    Missing values give an em dash; values that are not numbers give "" (as
    Django's ``floatformat`` does).
    """
    return _number(value, places, format_number)


@register.filter
def ru_percent(value: Any, places: Any = 1) -> str:
    """Format a percentage: ``{{ x|ru_percent }}`` → "45,5 %"."""
    return _number(value, places, format_percent)


def _date(value: Any, formatter) -> str:
    # No date is the dash of a missing value; anything else but a date, nothing.
    if value is None:
        return MISSING
    if not isinstance(value, date):
        return ""
    return formatter(value)


@register.filter
def ru_date(value: Any) -> str:
    """Format a date: ``{{ d|ru_date }}`` → "16 мая 2024 г."."""
    return _date(value, format_date)


@register.filter
def ru_date_short(value: Any) -> str:
    """Format a date: ``{{ d|ru_date_short }}`` → "16.05.2024"."""
    return _date(value, format_date_short)


@register.filter
def ru_plural(value: Any, forms: str) -> str:
    """Write a count with its noun: ``{{ n|ru_plural:"год,года,лет" }}`` → "5 лет".

    The argument lists the forms for 1, 2 and 5, separated by commas. A count
    that is not a whole number gives "".
    """
    parts = [part.strip() for part in str(forms).split(",")]
    if len(parts) != 3 or not all(parts):
        raise template.TemplateSyntaxError(
            "ru_plural ждёт три формы через запятую: "
            f"«организация,организации,организаций», получено {forms!r}."
        )
    if value is None:
        return MISSING
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        return ""
    if number != number.to_integral_value():
        return ""
    return count_with_noun(int(number), *parts)


@register.filter
def ru_amount(value: Any) -> str:
    """A constant of a rule (points, weights) with its significant digits only."""
    try:
        return format_amount(value)
    except (TypeError, ValueError):
        return ""


@register.filter
def ru_code(value: Any) -> str:
    """A criterion code in Russian text: Cyrillic «К1» for the stored ``K1``."""
    return criterion_label(value)


@register.filter
def ru_method(value: Any) -> str:
    """The Russian title of a rating method for its stored code (never the code)."""
    from evaluation.rating.method import RatingInputError, get_method

    try:
        return get_method(str(value)).title
    except RatingInputError:
        return ""


@register.filter
def ru_agree(value: Any, phrase: str) -> str:
    """A count with an agreeing predicate and noun, from their forms for «1».

    ``{{ n|ru_agree:"Учтена анкета" }}`` → «Учтена 141 анкета», «Учтены 142
    анкеты», «Учтено 145 анкет». A value that is not a whole number gives "".
    """
    if len(str(phrase).split(" ")) != 2:
        raise template.TemplateSyntaxError(
            f"ru_agree ждёт два слова в форме для 1: «Учтена анкета», получено {phrase!r}."
        )
    try:
        number = to_decimal(value)
    except (TypeError, ValueError):
        return ""
    if number != number.to_integral_value():
        return ""
    return agree_with_number(int(number), str(phrase))


@register.filter
def ru_case(value: Any, case: str) -> str:
    """A nominative noun phrase in another case, mid-sentence.

    ``по итогам {{ campaign.title|ru_case:"gent" }}`` → «по итогам независимой
    оценки качества 2024 года». Cases: pymorphy3 tags (``gent``, ``datv``,
    ``accs``, ``ablt``, ``loct``) or Russian names («родительный»).
    """
    if value is None:
        return ""
    return inflect_phrase(str(value), str(case))


@register.filter
def ru_quote(value: Any) -> str:
    """Put text in «ёлочки»: ``{{ name|ru_quote }}``."""
    if value is None:
        return ""
    return quote(str(value))


@register.filter
def typograph(value: Any) -> str:
    """Apply Russian typography to plain text: quotes, dashes, no-break spaces."""
    if value is None:
        return ""
    return typograph_text(str(value))
