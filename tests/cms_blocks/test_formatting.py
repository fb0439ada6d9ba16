"""Russian number, date, plural and typography formatting, and its template filters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from cms_blocks.formatting import (
    count_with_noun,
    format_date,
    format_date_short,
    format_number,
    format_percent,
    plural_form,
    quote,
    typograph,
)

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("45.55"), 1, "45,6"),
        (12345.5, 1, f"12{NBSP}345,5"),
        (7, 0, "7"),
        (1000, 0, "1000"),
        (9999, 0, "9999"),
        (10000, 0, f"10{NBSP}000"),
        (Decimal("1234567.891"), 2, f"1{NBSP}234{NBSP}567,89"),
        # Half up, not to even.
        (Decimal("2.5"), 0, "3"),
        (Decimal("0.05"), 1, "0,1"),
        # Half up means away from zero for negatives, with the true minus sign.
        (Decimal("-3.25"), 1, f"{MINUS}3,3"),
        (-12345, 0, f"{MINUS}12{NBSP}345"),
        # A float goes through its repr, not its binary value (1.00499…).
        (1.005, 2, "1,01"),
        # Rounding carries into a new digit group.
        (Decimal("9999.95"), 1, f"10{NBSP}000,0"),
        # Rounds to zero: no minus sign.
        (Decimal("-0.04"), 1, "0,0"),
        ("45,55", 1, "45,6"),
        (f"{MINUS}12{NBSP}345.5", 0, f"{MINUS}12{NBSP}346"),
        (Decimal("45.50"), None, "45,50"),
        (Decimal("1E+3"), None, "1000"),
        (Decimal("87.4"), 2, "87,40"),
    ],
)
def test_format_number(value, places, expected):
    assert format_number(value, places) == expected


def test_format_number_defaults_to_one_place_and_dashes_none():
    assert format_number(Decimal("87.44")) == "87,4"
    assert format_number(None) == "\u2014"


def test_format_number_keeps_every_digit_of_large_values():
    # Beyond the default 28-digit context a plain quantize would fail.
    assert format_number(10**30, 2) == NBSP.join(["1"] + ["000"] * 10) + ",00"


def test_format_number_groups_with_no_break_spaces_only():
    text = format_number(Decimal("1234567"), 0)
    assert text.count(NBSP) == 2
    assert " " not in text


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("сорок", ValueError),
        (float("nan"), ValueError),
        (Decimal("Infinity"), ValueError),
        (True, TypeError),
        ([1], TypeError),
    ],
)
def test_format_number_rejects_non_numbers(value, error):
    with pytest.raises(error):
        format_number(value)


def test_format_number_rejects_negative_places():
    with pytest.raises(ValueError):
        format_number(1, -1)


def test_format_percent():
    assert format_percent(Decimal("45.5")) == f"45,5{NBSP}%"
    assert format_percent(Decimal("45.5"), 0) == f"46{NBSP}%"
    assert format_percent(None) == "\u2014"


MONTHS = [
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
]


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTHS, start=1)))
def test_format_date_uses_genitive_month(month, name):
    assert format_date(date(2024, month, 9)) == f"9{NBSP}{name}{NBSP}2024{NBSP}г."


def test_format_date_without_year_suffix():
    assert format_date(date(2024, 5, 16), year_suffix=False) == f"16{NBSP}мая{NBSP}2024"


def test_format_date_converts_aware_datetime_to_current_time_zone():
    moment = datetime(2024, 12, 31, 20, 0, tzinfo=UTC)
    with timezone.override("Asia/Krasnoyarsk"):  # UTC+7: already 1 January
        assert format_date(moment) == f"1{NBSP}января{NBSP}2025{NBSP}г."
        assert format_date_short(moment) == "01.01.2025"
    with timezone.override("UTC"):
        assert format_date(moment) == f"31{NBSP}декабря{NBSP}2024{NBSP}г."


def test_format_date_takes_naive_datetime_as_is():
    with timezone.override("Asia/Krasnoyarsk"):
        assert format_date_short(datetime(2024, 12, 31, 20, 0)) == "31.12.2024"


def test_format_date_short_pads_day_and_month():
    assert format_date_short(date(2024, 5, 6)) == "06.05.2024"


def test_dates_dash_none():
    assert format_date(None) == "\u2014"
    assert format_date_short(None) == "\u2014"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "организаций"),
        (1, "организация"),
        (2, "организации"),
        (4, "организации"),
        (5, "организаций"),
        (11, "организаций"),
        (12, "организаций"),
        (14, "организаций"),
        (21, "организация"),
        (22, "организации"),
        (25, "организаций"),
        (101, "организация"),
        (111, "организаций"),
        (112, "организаций"),
        (1001, "организация"),
        (-1, "организация"),
    ],
)
def test_plural_form(n, expected):
    assert plural_form(n, "организация", "организации", "организаций") == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (5, f"5{NBSP}организаций"),
        (21, f"21{NBSP}организация"),
        (3, f"3{NBSP}организации"),
        (12001, f"12{NBSP}001{NBSP}организация"),
    ],
)
def test_count_with_noun(n, expected):
    assert count_with_noun(n, "организация", "организации", "организаций") == expected


def test_quote():
    assert quote("Забота") == "«Забота»"
    assert quote("КЦСОН «Забота»") == "«КЦСОН „Забота“»"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Центр "Забота"', "Центр «Забота»"),
        ('"Дом "Солнце""', "«Дом „Солнце“»"),
        ('("Забота")', "(«Забота»)"),
        ('Центр «Дом "Солнце"»', "Центр «Дом „Солнце“»"),
        # A closing quote with nothing open (an inch sign) stays as typed.
        ('Экран 15"', 'Экран 15"'),
        ("Итоги - в мае", f"Итоги{NBSP}— в{NBSP}мае"),
        ("Итоги -- в мае", f"Итоги{NBSP}— в{NBSP}мае"),
        ("Итоги — в мае", f"Итоги{NBSP}— в{NBSP}мае"),
        ("кое-где", "кое-где"),
        (
            "в доме и на улице",
            f"в{NBSP}доме и{NBSP}на{NBSP}улице",
        ),
        ("Во дворе", f"Во{NBSP}дворе"),
        ("и в 2024 году", f"и{NBSP}в{NBSP}2024 году"),
        # Parts of hyphenated words and longer words are left alone.
        ("из-за дождя", "из-за дождя"),
        ("вода стала", "вода стала"),
        ("на «Доме»", f"на{NBSP}«Доме»"),
        ("приказ № 5", f"приказ №{NBSP}5"),
        ("по №5", f"по{NBSP}№{NBSP}5"),
        # Line breaks are kept: a preposition at the end of a line is the author's.
        ("в\nдоме", "в\nдоме"),
    ],
)
def test_typograph(text, expected):
    assert typograph(text) == expected


TYPOGRAPH_SAMPLES = [
    'Он сказал: "Дом "Солнце" - в центре" и в № 5 не -- шутка',
    'Экран 15" и "кавычка',
    "А - Б -- В — Г",
    '""в"" и "а" ("о")',
]


@pytest.mark.parametrize("text", TYPOGRAPH_SAMPLES)
def test_typograph_is_idempotent(text):
    once = typograph(text)
    assert once != text
    assert typograph(once) == once


@settings(max_examples=400, database=None, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "в",
                "Во",
                "и",
                "на",
                "не",
                "из",
                "-за",
                "дом",
                "5",
                "№",
                '"',
                "«",
                "»",
                "„",
                "“",
                "(",
                ")",
                "-",
                "--",
                "—",
                " ",
                "  ",
                NBSP,
                "\n",
                ".",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_typograph_is_idempotent_for_any_mix(text):
    once = typograph(text)
    assert typograph(once) == once


def render(source: str, **context) -> str:
    return Template("{% load ru_format %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "value", "expected"),
    [
        ("{{ v|ru_number }}", Decimal("12345.55"), f"12{NBSP}345,6"),
        ("{{ v|ru_number:0 }}", Decimal("12345.55"), f"12{NBSP}346"),
        ("{{ v|ru_number:2 }}", 7, "7,00"),
        ("{{ v|ru_number }}", None, "\u2014"),
        ("{{ v|ru_number }}", "не число", ""),
        ("{{ v|ru_percent }}", Decimal("45.55"), f"45,6{NBSP}%"),
        ("{{ v|ru_percent:0 }}", 45, f"45{NBSP}%"),
        ("{{ v|ru_date }}", date(2024, 5, 16), f"16{NBSP}мая{NBSP}2024{NBSP}г."),
        ("{{ v|ru_date }}", None, "\u2014"),
        ("{{ v|ru_date }}", "2024-05-16", ""),
        ("{{ v|ru_date_short }}", date(2024, 5, 16), "16.05.2024"),
        (
            '{{ v|ru_plural:"организация,организации,организаций" }}',
            5,
            f"5{NBSP}организаций",
        ),
        ('{{ v|ru_plural:"год,года,лет" }}', 21, f"21{NBSP}год"),
        ('{{ v|ru_plural:"год,года,лет" }}', "3", f"3{NBSP}года"),
        ('{{ v|ru_plural:"год,года,лет" }}', Decimal("2.5"), ""),
        ("{{ v|ru_quote }}", "Забота", "«Забота»"),
        ("{{ v|typograph }}", "Итоги - в мае", f"Итоги{NBSP}— в{NBSP}мае"),
    ],
)
def test_filters(source, value, expected):
    assert render(source, v=value) == expected


def test_filters_write_no_break_space_as_a_character():
    assert render("{{ v|ru_number:0 }}", v=10000) == "10\u00a0000"


@pytest.mark.parametrize("name", ["ru_quote", "typograph"])
def test_text_filters_stay_autoescaped(name):
    output = render(f"{{{{ v|{name} }}}}", v='<script>alert("и")</script>')
    assert "<script>" not in output
    assert "&lt;script&gt;" in output


def test_typograph_does_not_pass_safe_input_through_unescaped():
    # The filter works on text: markup handed to it is escaped, never trusted.
    output = render("{{ v|typograph }}", v=mark_safe("<b>и</b> дом"))
    assert output == "&lt;b&gt;и&lt;/b&gt; дом"


def test_ru_plural_needs_three_forms():
    with pytest.raises(TemplateSyntaxError):
        render('{{ v|ru_plural:"год,года" }}', v=5)


def test_ru_number_rejects_a_bad_places_argument():
    with pytest.raises(TemplateSyntaxError):
        render('{{ v|ru_number:"много" }}', v=5)
