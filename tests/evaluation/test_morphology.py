"""Generated Russian phrases agree in case and number; figures never use exponents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from evaluation.formatting import (
    NBSP,
    criterion_label,
    format_amount,
    format_number,
    format_score,
)
from evaluation.morphology import agree_with_number, inflect_phrase


@pytest.mark.parametrize(
    ("phrase", "case", "expected"),
    [
        (
            "Независимая оценка качества 2024 года",
            "gent",
            "независимой оценки качества 2024 года",
        ),
        ("Декада качества 2024", "родительный", "декады качества 2024"),
        (
            "Сводная информация о результатах опроса",
            "accs",
            "сводную информацию о результатах опроса",
        ),
        (
            "План мероприятий по повышению качества",
            "accs",
            "план мероприятий по повышению качества",
        ),
        ("Пояснительная записка", "gent", "пояснительной записки"),
        ("НОК 2024", "gent", "НОК 2024"),
        ("2024 год", "gent", "2024 год"),
    ],
)
def test_inflect_phrase(phrase, case, expected) -> None:
    assert inflect_phrase(phrase, case) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Учтена 1 анкета"),
        (2, "Учтены 2 анкеты"),
        (5, "Учтено 5 анкет"),
        (11, "Учтено 11 анкет"),
        (12, "Учтено 12 анкет"),
        (21, "Учтена 21 анкета"),
        (141, "Учтена 141 анкета"),
        (144, "Учтены 144 анкеты"),
        (1000, "Учтено 1000 анкет"),
        (12345, f"Учтено 12{NBSP}345 анкет"),
    ],
)
def test_agree_with_number(count, expected) -> None:
    assert agree_with_number(count, "Учтена анкета").replace(NBSP, " ") == (
        expected.replace(NBSP, " ")
    )


def test_template_filters() -> None:
    template = Template(
        '{% load ru_format %}{{ n|ru_agree:"Найдена организация" }}; '
        'по итогам {{ title|ru_case:"gent" }}; {{ code|ru_code }}; '
        "{{ points|ru_amount }}; {{ method|ru_method }}"
    )
    text = template.render(
        Context(
            {
                "n": 3,
                "title": "Независимая оценка качества 2024 года",
                "code": "K3",
                "points": Decimal("3E+1"),
                "method": "344n-social",
            }
        )
    )
    assert text.startswith(
        f"Найдены 3{NBSP}организации; по итогам независимой оценки качества 2024 года; "
        "К3; 30; Единый порядок расчёта"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3E+1"), "30"),
        (Decimal("1E+2"), "100"),
        (Decimal("30.00"), "30"),
        (Decimal("2.50"), "2,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal("0E-2"), "0"),
        (None, "\u2014"),
    ],
)
def test_format_amount_never_uses_exponents(value, expected) -> None:
    assert format_amount(value) == expected


def test_scores_always_have_two_decimals() -> None:
    assert format_score(Decimal("83.4")) == "83,40"
    assert format_score(Decimal("86.5")) == "86,50"
    assert format_score(100) == "100,00"
    assert format_number(Decimal("1E+2"), None) == "100"


def test_criterion_label_is_cyrillic() -> None:
    assert criterion_label("K1") == "\u041a1"
    assert criterion_label("\u041a2") == "\u041a2"
    assert criterion_label("1.1") == "1.1"
