"""Cell converters: what each accepts, what it refuses and the Russian reason."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from evaluation.imports import values

TEXT_CHOICES = (("in_person", "Лично"), ("online", "Через сайт"), ("2", "Второй"))


def valid_inn(body: str) -> str:
    """``body`` (9 or 11 digits) with its check digits, by the published algorithm."""
    weights = {
        9: [(2, 4, 10, 3, 5, 9, 4, 6, 8)],
        11: [(7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)],
    }[len(body)]
    if len(body) == 9:
        return body + str(
            sum(int(d) * w for d, w in zip(body, weights[0], strict=True)) % 11 % 10
        )
    first = body[:10] + str(
        sum(int(d) * w for d, w in zip(body[:10], weights[0], strict=True)) % 11 % 10
    )
    return first + str(
        sum(int(d) * w for d, w in zip(first, weights[1], strict=True)) % 11 % 10
    )


# -------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        (" 1 234 ", 1234),
        ("1\u00a0234\u00a0567", 1234567),
        ("1\u202f234", 1234),
        ("12,0", 12),
        ("12.", 12),
        ("+7", 7),
        (0, 0),
    ],
)
def test_to_int_accepts(raw, expected) -> None:
    result = values.to_int(raw)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (12.5, "«12,5» — не целое число"),
        ("12,5", "не целое число"),
        ("1.234,5", "не число"),
        ("1e3", "не число"),
        ("1_000", "не число"),
        ("12 чел.", "не число"),
        ("", "пустое значение"),
        (None, "пустое значение"),
        (True, "а не «да/нет»"),
        (-3, r"отрицательное число \(-3\)"),
        ("−3", r"отрицательное число \(-3\)"),
        (float("nan"), "не число"),
        (float("inf"), "не число"),
        (date(2024, 1, 1), "не число"),
    ],
)
def test_to_int_refuses(raw, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        values.to_int(raw)


def test_to_int_negative_only_when_allowed() -> None:
    assert values.to_int("-3", allow_negative=True) == -3
    assert values.to_int("\u22123", allow_negative=True) == -3  # minus sign


@pytest.mark.parametrize(
    ("raw", "places", "expected"),
    [
        ("1 234,5", 2, Decimal("1234.50")),
        ("1234.5", 2, Decimal("1234.50")),
        (0.1, None, Decimal("0.1")),  # the float as the user saw it
        (45.455, 2, Decimal("45.46")),  # half up, not banker's rounding
        ("2,675", 2, Decimal("2.68")),
        ("-0,5", 1, Decimal("-0.5")),
        (7, 0, Decimal("7")),
        (",5", None, Decimal("0.5")),
    ],
)
def test_to_decimal(raw, places, expected) -> None:
    result = values.to_decimal(raw, places=places)
    assert result == expected
    assert str(result) == str(expected)


def test_to_decimal_defaults_to_two_places_and_refuses_text() -> None:
    assert str(values.to_decimal("3")) == "3.00"
    with pytest.raises(ValueError, match=re.escape("«12 руб.» — не число")):
        values.to_decimal("12 руб.")
    with pytest.raises(ValueError, match="слишком большое число"):
        values.to_decimal("9" * 40)


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ("45,5 %", {}, Decimal("45.5")),
        ("45.5%", {}, Decimal("45.5")),
        ("45,5\u00a0%", {}, Decimal("45.5")),
        (45.5, {}, Decimal("45.5")),
        ("0,5", {}, Decimal("0.5")),  # text is in percent even below 1
        ("0,5", {"fraction_if_below_1": True}, Decimal("0.5")),
        (0.455, {"fraction_if_below_1": True}, Decimal("45.5")),
        (1.0, {"fraction_if_below_1": True}, Decimal("100")),
        (1.0, {}, Decimal("1")),
        (0.455, {}, Decimal("0.455")),
        (45.5, {"fraction_if_below_1": True}, Decimal("45.5")),
        ("100 %", {}, Decimal("100")),
        (0, {}, Decimal("0")),
        ("33,333 %", {"places": 1}, Decimal("33.3")),
    ],
)
def test_to_percent(raw, kwargs, expected) -> None:
    assert values.to_percent(raw, **kwargs) == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "reason"),
    [
        ("100,1 %", {}, "процент больше 100"),
        (101, {}, "процент больше 100"),
        (100.5, {"fraction_if_below_1": True}, "процент больше 100"),
        ("-5 %", {}, "отрицательный процент"),
        ("%", {}, "не число"),
        ("сорок", {}, "не число"),
    ],
)
def test_to_percent_refuses(raw, kwargs, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        values.to_percent(raw, **kwargs)


# ---------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2024, 2, 1), date(2024, 2, 1)),
        (datetime(2024, 2, 1, 10, 30), date(2024, 2, 1)),
        ("01.02.2024", date(2024, 2, 1)),
        ("1.2.2024", date(2024, 2, 1)),
        (" 01.02.2024 10:30 ", date(2024, 2, 1)),
        ("01.02.24", date(2024, 2, 1)),
        ("01.02.99", date(1999, 2, 1)),
        ("2024-02-01", date(2024, 2, 1)),
        ("2024-02-01T10:30:00", date(2024, 2, 1)),
        (45323.0, date(2024, 2, 1)),
        (45323, date(2024, 2, 1)),
        ("45323", date(2024, 2, 1)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_to_date_accepts(raw, expected) -> None:
    assert values.to_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("31.02.2024", "не дата"),
        ("29.02.2023", "не дата"),
        ("02/01/2024", "не дата"),  # day or month first? refused, not guessed
        ("вчера", "не дата"),
        (45323.5, "число, а не дата"),  # a time of day, or not a date at all
        (2024.0, "число, а не дата"),  # a year typed into the date column
        (0, "число, а не дата"),
        (-1, "число, а не дата"),
        (3_000_000, "число, а не дата"),
        (True, "не дата"),
        ("01.01.1812", "вне 1900–2100"),
        ("01.01.2200", "вне 1900–2100"),
    ],
)
def test_to_date_refuses(raw, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        values.to_date(raw)


def test_to_date_year_range_is_adjustable() -> None:
    assert values.to_date("01.01.1812", min_year=1800) == date(1812, 1, 1)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # after Excel's phantom 29.02.1900
        (36526, date(2000, 1, 1)),
        (45323, date(2024, 2, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_excel_1900_date_system(serial, expected) -> None:
    assert values.from_excel_serial(serial) == expected


def test_excel_phantom_leap_day_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("29.02.1900 — такой даты не было")):
        values.from_excel_serial(60)
    with pytest.raises(ValueError, match="не дата"):
        values.from_excel_serial(0)


# ------------------------------------------------------------ yes/no, choices


@pytest.mark.parametrize(
    "raw",
    ["да", "Да", " ДА ", "д", "yes", "Y", "1", 1, 1.0, "+", "true", "Истина", True],
)
def test_to_bool_true(raw) -> None:
    assert values.to_bool(raw) is True


@pytest.mark.parametrize(
    "raw", ["нет", "Нет.", "н", "no", "0", 0, 0.0, "-", "false", "ЛОЖЬ", False]
)
def test_to_bool_false(raw) -> None:
    assert values.to_bool(raw) is False


@pytest.mark.parametrize("raw", ["может быть", 2, 0.5, "да нет"])
def test_to_bool_refuses(raw) -> None:
    with pytest.raises(ValueError, match="ожидается «да» или «нет»"):
        values.to_bool(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("online", "online"),
        ("ЛИЧНО", "in_person"),
        ("  через   сайт ", "online"),
        ("второй", "2"),
        (2.0, "2"),  # a number cell matches the value "2"
    ],
)
def test_to_choice(raw, expected) -> None:
    assert values.to_choice(raw, TEXT_CHOICES) == expected


def test_to_choice_is_yo_insensitive_and_lists_allowed_labels() -> None:
    choices = (("e", "Ещё раз"),)
    assert values.to_choice("еще РАЗ", choices) == "e"
    with pytest.raises(ValueError) as error:
        values.to_choice("По почте", TEXT_CHOICES)
    assert str(error.value) == (
        "«По почте» — нет в списке. Допустимо: «Лично»; «Через сайт»; «Второй»"
    )


# ----------------------------------------------------------------- text, INN


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2460000000.0, "2460000000"),
        (12, "12"),
        (12.5, "12.5"),
        ("  КЦСОН\n «Забота»  ", "КЦСОН «Забота»"),
        (date(2024, 2, 1), "01.02.2024"),
        (True, "да"),
    ],
)
def test_to_text(raw, expected) -> None:
    assert values.to_text(raw) == expected


def test_to_text_length_limit() -> None:
    assert values.to_text("абв", max_length=3) == "абв"
    with pytest.raises(
        ValueError, match=r"слишком длинный текст \(4 знаков, допустимо 3\)"
    ):
        values.to_text("абвг", max_length=3)


INN_LEGAL = valid_inn("246000000")  # a Krasnoyarsk Krai organisation
INN_PERSON = valid_inn("24600000001")
INN_ADYGEA = valid_inn("010000000")  # region 01: a leading zero


def test_inn_fixtures_are_real_inns() -> None:
    # Published INNs of Sberbank and Yandex get their own check digits back.
    assert valid_inn("770708389") == "7707083893"
    assert valid_inn("773620754") == "7736207543"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (INN_LEGAL, INN_LEGAL),
        (float(INN_LEGAL), INN_LEGAL),  # Excel keeps an INN typed as a number
        (int(INN_LEGAL), INN_LEGAL),
        (f" {INN_LEGAL[:4]} {INN_LEGAL[4:]} ", INN_LEGAL),
        (INN_PERSON, INN_PERSON),
        (float(INN_PERSON), INN_PERSON),
        (float(INN_ADYGEA), INN_ADYGEA),  # Excel dropped the leading zero
        ("7707083893", "7707083893"),
    ],
)
def test_to_inn_accepts(raw, expected) -> None:
    assert values.to_inn(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            INN_LEGAL[:9] + str((int(INN_LEGAL[9]) + 1) % 10),
            "неверная контрольная цифра",
        ),
        (INN_PERSON[:11] + str((int(INN_PERSON[11]) + 1) % 10), "контрольная цифра"),
        (INN_ADYGEA[1:], "10 или 12 цифр"),  # text keeps what was typed
        ("24600000", "10 или 12 цифр"),
        ("246000000O", "10 или 12 цифр"),
        ("0000000000", "одни нули"),
        (2460000000.5, "10 или 12 цифр"),
    ],
)
def test_to_inn_refuses(raw, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        values.to_inn(raw)
