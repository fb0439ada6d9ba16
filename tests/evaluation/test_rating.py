"""The rating method (METHOD.md): worked examples, input contract, invariants.

Pure Python: no database and no Django settings are needed.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import json
import re
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evaluation.rating import (
    PRE_2018_MESSAGE,
    QUESTIONS,
    Aggregate,
    FieldError,
    OrganisationInputs,
    RatingInputError,
    aggregate,
    criteria,
    dense_rank,
    get_method,
    indicators,
    parse_inputs,
    quantize_exact,
    rate,
    total,
)
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B, EXPECTED_A, EXPECTED_B

RUSSIAN = re.compile("[А-Яа-яЁё]")
METHOD = get_method("344n-social")
RATING_DIR = Path(__file__).resolve().parents[2] / "evaluation" / "rating"


def _as_strings(values: dict[str, Decimal | None]) -> dict[str, str | None]:
    return {key: None if value is None else str(value) for key, value in values.items()}


def _errors_of(data: object) -> tuple[FieldError, ...]:
    with pytest.raises(RatingInputError) as caught:
        parse_inputs(data)
    return caught.value.errors


# --- worked examples ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [(EXAMPLE_A, EXPECTED_A), (EXAMPLE_B, EXPECTED_B)],
    ids=["example-A", "example-B"],
)
def test_worked_example_matches_to_the_cent(
    data: dict[str, Any], expected: dict[str, Any]
) -> None:
    result = rate(parse_inputs(data), METHOD)

    assert _as_strings(result.indicators) == expected["indicators"]
    assert _as_strings(result.criteria) == expected["criteria"]
    assert str(result.total) == expected["total"]
    assert result.method == "344n-social"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(EXAMPLE_A, EXPECTED_A), (EXAMPLE_B, EXPECTED_B)],
    ids=["example-A", "example-B"],
)
def test_each_level_is_recomputable_from_the_published_level_below(
    data: dict[str, Any], expected: dict[str, Any]
) -> None:
    published_indicators = {
        code: None if value is None else Decimal(value)
        for code, value in expected["indicators"].items()
    }
    published_criteria = criteria(published_indicators, METHOD)

    assert _as_strings(indicators(parse_inputs(data), METHOD)) == expected["indicators"]
    assert _as_strings(published_criteria) == expected["criteria"]
    assert str(total(published_criteria, METHOD)) == expected["total"]


def test_example_a_has_no_notes() -> None:
    assert rate(parse_inputs(EXAMPLE_A)).notes == ()


def test_example_b_notes_explain_the_missing_shares() -> None:
    notes = rate(parse_inputs(EXAMPLE_B)).notes

    assert notes == (
        "Показатель 1.3: рассчитан только по стендам; по сайту нет данных "
        "(никто не пользовался сайтом).",
        "Показатель 3.3: нет данных (нет респондентов с инвалидностью); "
        "вес перераспределён между 3.1 и 3.2.",
    )


# --- calculator contract (METHOD.md §6) ---------------------------------------


def test_calculator_json_round_trip_of_example_a() -> None:
    output = json.loads(json.dumps(rate(parse_inputs(EXAMPLE_A)).to_json()))

    assert output == {
        "indicators": {
            "1.1": 90.0,
            "1.2": 90.0,
            "1.3": 92.5,
            "2.1": 80.0,
            "2.2": 95.0,
            "2.3": 92.0,
            "3.1": 60.0,
            "3.2": 80.0,
            "3.3": 82.0,
            "4.1": 98.0,
            "4.2": 97.0,
            "4.3": 95.0,
            "5.1": 93.0,
            "5.2": 94.0,
            "5.3": 95.0,
        },
        "criteria": {"K1": 91.0, "K2": 89.6, "K3": 74.6, "K4": 97.0, "K5": 94.2},
        "total": 89.28,
        "notes": [],
        "method": "344n-social",
    }
    assert list(output) == ["indicators", "criteria", "total", "notes", "method"]


def test_calculator_json_of_example_b_has_null_and_a_note() -> None:
    output = rate(parse_inputs(EXAMPLE_B)).to_json()

    assert output["indicators"]["3.3"] is None
    assert output["indicators"]["1.1"] == 86.95
    assert output["criteria"]["K3"] == 74.29
    assert output["total"] == 88.01
    assert any(
        note.startswith("Показатель 3.3: нет данных") for note in output["notes"]
    )


def test_inputs_round_trip_through_the_calculator_shape() -> None:
    inputs = parse_inputs(EXAMPLE_A)

    assert parse_inputs(inputs.to_calculator_input()) == inputs
    assert inputs.answered_count("q13") == 200
    assert inputs.answered_count("q5") == 200


def test_integral_json_numbers_are_counts() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    data["respondents"] = 200.0
    data["yes"]["q5"] = 190.0

    inputs = parse_inputs(data)

    assert inputs.respondents == 200
    assert type(inputs.yes["q5"]) is int


def test_dependent_count_is_required_when_its_filter_has_yes_answers() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    del data["yes"]["q4"]

    errors = _errors_of(data)

    assert [e.field for e in errors] == ["yes.q4"]
    assert "обязательное поле" in errors[0].message


# --- bad input ----------------------------------------------------------------


_DELETE = object()  # a _mutate value: remove the key


def _mutate(path: str, value: object) -> dict[str, Any]:
    """Example A with one field (dotted path) changed or removed."""
    data = copy.deepcopy(EXAMPLE_A)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target.setdefault(key, {})
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "fragment"),
    [
        ("respondents", -1, "respondents", "отрицательным (-1)"),
        ("yes.q9", -3, "yes.q9", "отрицательным (-3)"),
        ("respondents", "200", "respondents", "строка «200»"),
        ("remote_channels", True, "remote_channels", "логическое значение"),
        ("comfort_conditions", 2.5, "comfort_conditions", "дробное число 2.5"),
        ("info_stand.present", None, "info_stand.present", "не заполнено"),
        ("comfort_conditions", _DELETE, "comfort_conditions", "не заполнено"),
        ("yes.q5", _DELETE, "yes.q5", "не заполнено"),
        ("yes", [1, 2], "yes", "список"),
        ("answered.q5", 150, "yes.q5", "«да» на вопрос 5 (190) больше числа ответивших на него (150)"),
        ("answered.q13", 250, "answered.q13", "(250) больше числа респондентов (200)"),
        ("info_site.present", 31, "info_site.present", "размещено сведений (31) больше, чем требуется (30)"),
        ("premises_access", 6, "premises_access", "всего 5 пунктов"),
        ("service_access", 7, "service_access", "всего 6 пунктов"),
        ("satisfied_percent", 95, "satisfied_percent", "Неизвестное поле"),
        ("info_stand.items", 3, "info_stand.items", "Неизвестное поле"),
        ("yes.q16", 1, "yes.q16", "Неизвестный вопрос"),
        ("answered.q0", 1, "answered.q0", "Неизвестный вопрос"),
        ("yes.q2", 181, "yes.q2", "ответов «да» на вопрос 2 (181) больше, чем на вопрос 1 (180)"),
        ("yes.q4", 121, "yes.q4", "на вопрос 4 (121) больше, чем на вопрос 3 (120)"),
        ("yes.q8", 51, "yes.q8", "на вопрос 8 (51) больше, чем на вопрос 7 (50)"),
        ("yes.q12", 81, "yes.q12", "на вопрос 12 (81) больше, чем на вопрос 11 (80)"),
        ("answered.q2", 190, "answered.q2", "ответивших на вопрос 2 (190) больше, чем ответов «да» на вопрос 1 (180)"),
        ("method", "344n-culture", "method", "Неизвестная версия методики"),
        ("method", "160-point", "method", "до 2018 года"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_in_russian(
    path: str, value: object, field: str, fragment: str
) -> None:
    errors = _errors_of(_mutate(path, value))

    assert [error.field for error in errors] == [field]
    assert RUSSIAN.search(errors[0].message)
    assert fragment in errors[0].message


def test_all_problems_are_reported_at_once() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    data["respondents"] = -5
    data["premises_access"] = 9
    data["yes"]["q2"] = 999
    data["unknown"] = 1

    with pytest.raises(RatingInputError) as caught:
        parse_inputs(data, context="КЦСОН «Надежда»")

    fields = [error.field for error in caught.value.errors]
    assert fields == ["unknown", "respondents", "premises_access", "yes.q2"]
    text = str(caught.value)
    assert text.startswith("КЦСОН «Надежда»: unknown: Неизвестное поле")
    assert "yes.q2: На вопрос 2 отвечают только ответившие «да» на вопрос 1" in text
    assert caught.value.to_json()[1] == {
        "field": "respondents",
        "message": "Число респондентов: не может быть отрицательным (-5).",
    }


def test_input_that_is_not_an_object_is_rejected() -> None:
    errors = _errors_of([EXAMPLE_A])

    assert errors == (
        FieldError("", "Исходные данные должны быть объектом JSON с полями расчёта."),
    )


def test_missing_checklist_is_reported_once() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    del data["info_site"]

    assert [e.field for e in _errors_of(data)] == ["info_site"]


def test_directly_built_inputs_are_validated_by_rate() -> None:
    inputs = dataclasses.replace(parse_inputs(EXAMPLE_A), service_access=-1)

    with pytest.raises(RatingInputError) as caught:
        rate(inputs, METHOD)

    assert [e.field for e in caught.value.errors] == ["service_access"]


# --- method versions ----------------------------------------------------------


def test_unknown_method_code_is_rejected_in_russian() -> None:
    with pytest.raises(RatingInputError) as caught:
        get_method("344n-education")

    (error,) = caught.value.errors
    assert error.field == "method"
    assert error.message.startswith("Неизвестная версия методики «344n-education»")
    assert "344n-social" in error.message


@pytest.mark.parametrize(
    "code", ["10-point", "160-point", "nok-160-балльная", "scale 10", "2015-10pt"]
)
def test_pre_2018_codes_are_rejected(code: str) -> None:
    with pytest.raises(RatingInputError) as caught:
        get_method(code)

    assert caught.value.errors == (FieldError("method", PRE_2018_MESSAGE),)
    assert PRE_2018_MESSAGE.startswith(
        "Результаты по методике до 2018 года (10- или 160-балльная шкала) несопоставимы"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"scale_max": Decimal(10)},
        {"scale_max": Decimal(160)},
        {"valid_from_year": 2015},
        {"code": "160-point-legacy"},
    ],
)
def test_method_versions_outside_the_2018_scale_cannot_be_built(
    changes: dict[str, Any],
) -> None:
    with pytest.raises(RatingInputError) as caught:
        dataclasses.replace(METHOD, **changes)

    assert caught.value.errors[0].message == PRE_2018_MESSAGE


def test_method_holds_the_s_rules_as_data() -> None:
    assert METHOD.valid_from_year == 2018
    assert METHOD.scale_max == 100
    assert METHOD.rounding_decimals == 2
    assert METHOD.rounding == "ROUND_HALF_UP"
    assert METHOD.counts["1.2"].points == 30
    assert METHOD.counts["3.2"].max_items == 6
    assert METHOD.weights_for("K2") == {
        "2.1": Decimal("0.3"),
        "2.2": Decimal("0.4"),
        "2.3": Decimal("0.3"),
    }
    assert set(METHOD.total_weights.values()) == {Decimal(1)}
    assert len(METHOD.indicator_codes) == 15


def test_changed_points_per_channel_change_the_indicator() -> None:
    rule = dataclasses.replace(METHOD.counts["1.2"], points=Decimal(25))
    method = dataclasses.replace(
        METHOD, code="344n-test", counts={**METHOD.counts, "1.2": rule}
    )
    inputs = dataclasses.replace(parse_inputs(EXAMPLE_A), method=None)

    assert rate(inputs, method).indicators["1.2"] == Decimal("75.00")


def test_the_rounding_mode_of_the_method_version_is_applied_to_exact_halves() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    data["yes"]["q6"] = 1
    data["answered"]["q6"] = 32  # 1/32 × 100 = 3.125 exactly
    inputs = dataclasses.replace(parse_inputs(data), method=None)
    half_even = dataclasses.replace(METHOD, code="344n-even", rounding=ROUND_HALF_EVEN)

    assert rate(inputs, METHOD).indicators["2.3"] == Decimal("3.13")
    assert rate(inputs, half_even).indicators["2.3"] == Decimal("3.12")


def test_criteria_refuse_values_finer_than_the_published_precision() -> None:
    values = indicators(parse_inputs(EXAMPLE_A), METHOD)
    values["1.1"] = Decimal("90.125")

    with pytest.raises(ValueError) as caught:
        criteria(values, METHOD)

    assert str(caught.value) == (
        "1.1 = 90.125: больше 2 знаков после запятой; "
        "ожидаются опубликованные (округлённые) значения."
    )


def test_sector_without_2_2_uses_the_alternative_k2_weights() -> None:
    method = dataclasses.replace(METHOD, code="344n-no-2-2", has_2_2=False)
    inputs = dataclasses.replace(parse_inputs(EXAMPLE_A), method=None)

    result = rate(inputs, method)

    assert result.indicators["2.2"] is None
    assert result.criteria["K2"] == Decimal("86.00")  # 0.5·80 + 0.5·92
    assert result.total == Decimal("88.56")  # (91 + 86 + 74.6 + 97 + 94.2) / 5
    assert result.notes == (
        "Показатель 2.2 не применяется по методике «344n-no-2-2»; "
        "K2 = 0,5·P2.1 + 0,5·P2.3.",
    )


def test_inputs_prepared_for_another_method_are_rejected() -> None:
    method = dataclasses.replace(METHOD, code="344n-other")

    with pytest.raises(RatingInputError) as caught:
        rate(parse_inputs(EXAMPLE_A), method)

    (error,) = caught.value.errors
    assert error.field == "method"
    assert "«344n-social»" in error.message
    assert "«344n-other»" in error.message


def test_rating_package_imports_neither_django_nor_other_apps() -> None:
    imported: set[str] = set()
    for path in RATING_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)

    assert imported  # the walk saw the package
    first_party = {name for name in imported if name.startswith("evaluation")}
    assert all(name.startswith("evaluation.rating") for name in first_party)
    assert not {n for n in imported if n.split(".")[0] in {"django", "wagtail"}}


# --- undefined shares and rounding --------------------------------------------


def test_site_without_required_items_leaves_the_stands_part_of_1_1() -> None:
    data = _mutate("info_site", {"present": 0, "required": 0})

    result = rate(parse_inputs(data))

    assert result.indicators["1.1"] == Decimal("90.00")  # 18/20 only
    assert result.notes == (
        "Показатель 1.1: рассчитан только по стендам; по сайту нет данных "
        "(для сайта все пункты перечня «не применимо»).",
    )


def test_nothing_required_anywhere_makes_1_1_undefined_not_zero() -> None:
    data = _mutate("info_site", {"present": 0, "required": 0})
    data["info_stand"] = {"present": 0, "required": 0}

    result = rate(parse_inputs(data))

    assert result.indicators["1.1"] is None
    assert result.criteria["K1"] == Decimal("91.43")  # (0.3·90 + 0.4·92.5) / 0.7
    assert "вес перераспределён между 1.2 и 1.3" in result.notes[0]


def test_nothing_present_scores_zero() -> None:
    data = _mutate("info_site", {"present": 0, "required": 30})
    data["info_stand"] = {"present": 0, "required": 20}

    assert rate(parse_inputs(data)).indicators["1.1"] == Decimal("0.00")


def test_unanswered_question_is_undefined_and_its_weight_moves() -> None:
    data = _mutate("answered.q5", 0)
    data["yes"]["q5"] = 0

    result = rate(parse_inputs(data))

    assert result.indicators["2.2"] is None
    assert result.criteria["K2"] == Decimal("86.00")  # (0.3·80 + 0.3·92) / 0.6
    assert result.notes == (
        "Показатель 2.2: нет данных (на вопрос 5 никто не ответил); "
        "вес перераспределён между 2.1 и 2.3.",
    )


def test_no_respondents_leaves_the_total_undefined() -> None:
    data = copy.deepcopy(EXAMPLE_A)
    data["respondents"] = 0
    data["yes"] = dict.fromkeys(QUESTIONS, 0)
    data["answered"] = {}

    result = rate(parse_inputs(data))

    assert result.criteria == {
        "K1": Decimal("90.00"),
        "K2": Decimal("80.00"),
        "K3": Decimal("71.43"),
        "K4": None,
        "K5": None,
    }
    assert result.total is None
    assert result.to_json()["total"] is None
    assert result.notes[-1] == (
        "Итоговый балл не рассчитан: нет данных по критериям K4 и K5."
    )


def test_shares_round_half_up_not_half_even() -> None:
    data = _mutate("respondents", 32)
    data["yes"] = {q: min(value, 32) for q, value in data["yes"].items()}
    data["yes"] |= {"q1": 32, "q2": 32, "q3": 32, "q4": 32, "q7": 32, "q8": 32}
    data["yes"] |= {"q11": 32, "q12": 32, "q5": 1}
    data["answered"] = {}

    assert rate(parse_inputs(data)).indicators["2.2"] == Decimal("3.13")  # 1/32


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(3125, 1000), "3.13"),
        (Fraction(2675, 1000), "2.68"),
        (Fraction(1, 200), "0.01"),
        (Fraction(1, 3) + Fraction(1, 6), "0.50"),
        (Fraction(52, 7) * 10, "74.29"),
        (Decimal("89.28"), "89.28"),
        (100, "100.00"),
    ],
)
def test_quantize_exact_rounds_half_up(
    value: Fraction | Decimal, expected: str
) -> None:
    assert str(quantize_exact(value)) == expected


def test_quantize_exact_honours_the_rounding_mode() -> None:
    assert str(quantize_exact(Fraction(3125, 1000), 2, ROUND_HALF_EVEN)) == "3.12"


# --- ranking and aggregates ---------------------------------------------------


def test_dense_rank_shares_places_and_follows_on() -> None:
    ranks = dense_rank(
        [
            ("a", Decimal("89.28")),
            ("b", Decimal("88.01")),
            ("c", Decimal("89.28")),
            ("d", None),
            ("e", Decimal("75.00")),
            ("f", Decimal("88.010")),
        ]
    )

    assert ranks == {"a": 1, "b": 2, "c": 1, "d": None, "e": 3, "f": 2}
    assert list(ranks) == ["a", "b", "c", "d", "e", "f"]


def test_dense_rank_rejects_a_repeated_key() -> None:
    with pytest.raises(ValueError, match="дважды"):
        dense_rank([(1, Decimal(90)), (1, Decimal(80))])


def test_aggregate_ignores_undefined_values() -> None:
    values = [Decimal("89.28"), None, Decimal("88.01"), Decimal("75.00")]

    assert aggregate(values) == Aggregate(
        mean=Decimal("84.10"),  # 252.29 / 3 = 84.0966…
        min=Decimal("75.00"),
        max=Decimal("89.28"),
        count=3,
    )


def test_aggregate_mean_rounds_half_up() -> None:
    assert aggregate([Decimal("0.01"), Decimal("0.00")]).mean == Decimal("0.01")


def test_aggregate_of_nothing() -> None:
    assert aggregate([None, None]) == Aggregate(None, None, None, 0)


# --- properties ---------------------------------------------------------------

FILTERS = {"q2": "q1", "q4": "q3", "q8": "q7", "q12": "q11"}
PLAIN = ("q5", "q6", "q9", "q10", "q13", "q14", "q15")
# Questions whose "yes" answers can only raise the total. The filter questions
# Q1, Q3, Q7 and Q11 are excluded: their "yes" count is the denominator of
# 1.3, 3.3 and 4.3 (another stand user who was not satisfied lowers P1.3),
# and moving one from 0 to 1 turns an undefined share into a defined one.
SATISFACTION = (*FILTERS, *PLAIN)


@st.composite
def valid_inputs(draw: st.DrawFn) -> OrganisationInputs:
    respondents = draw(st.integers(0, 300))
    yes: dict[str, int] = {}
    answered: dict[str, int] = {}

    def base_for(question: str, limit: int) -> int:
        if draw(st.booleans()):
            answered[question] = draw(st.integers(0, limit))
            return answered[question]
        return min(limit, respondents)

    for dependent, filter_question in FILTERS.items():
        yes[filter_question] = draw(
            st.integers(0, base_for(filter_question, respondents))
        )
        yes[dependent] = draw(st.integers(0, base_for(dependent, yes[filter_question])))
    for question in PLAIN:
        yes[question] = draw(st.integers(0, base_for(question, respondents)))

    def checklist() -> tuple[int, int]:
        required = draw(st.integers(0, 40))
        return draw(st.integers(0, required)), required

    stand, site = checklist(), checklist()
    return OrganisationInputs(
        respondents=respondents,
        info_stand_present=stand[0],
        info_stand_required=stand[1],
        info_site_present=site[0],
        info_site_required=site[1],
        remote_channels=draw(st.integers(0, 8)),
        comfort_conditions=draw(st.integers(0, 9)),
        premises_access=draw(st.integers(0, 5)),
        service_access=draw(st.integers(0, 6)),
        yes=yes,
        answered=answered,
        method=draw(st.sampled_from([None, "344n-social"])),
    )


def _published(value: Decimal) -> bool:
    return value.as_tuple().exponent == -2 and Decimal(0) <= value <= Decimal(100)


@settings(deadline=None)
@given(valid_inputs())
def test_every_value_is_a_published_figure_within_0_and_100(
    inputs: OrganisationInputs,
) -> None:
    assert inputs.find_errors() == []
    result = rate(inputs)

    values = [*result.indicators.values(), *result.criteria.values(), result.total]
    assert all(_published(value) for value in values if value is not None)
    assert len(result.indicators) == 15
    assert result.criteria["K3"] is not None  # 3.1 and 3.2 are always defined


@settings(deadline=None)
@given(valid_inputs())
def test_total_is_the_rounded_mean_of_the_published_criteria(
    inputs: OrganisationInputs,
) -> None:
    result = rate(inputs)
    assume(result.total is not None)

    published = [value for value in result.criteria.values() if value is not None]
    assert len(published) == 5
    assert result.total == quantize_exact(sum(published, Decimal(0)) / 5)


@settings(deadline=None)
@given(valid_inputs())
def test_inputs_survive_the_calculator_json(inputs: OrganisationInputs) -> None:
    assert parse_inputs(json.loads(json.dumps(inputs.to_calculator_input()))) == inputs


@settings(deadline=None)
@given(valid_inputs(), st.data())
def test_one_more_satisfied_answer_never_lowers_the_total(
    inputs: OrganisationInputs, data: st.DataObject
) -> None:
    def room(question: str) -> bool:
        limit = inputs.answered_count(question)
        if question in FILTERS:
            limit = min(limit, inputs.yes[FILTERS[question]])
        return inputs.yes[question] < limit

    candidates = [question for question in SATISFACTION if room(question)]
    assume(candidates)
    question = data.draw(st.sampled_from(candidates))
    bumped = dataclasses.replace(
        inputs, yes={**inputs.yes, question: inputs.yes[question] + 1}
    )

    assert bumped.find_errors() == []
    before, after = rate(inputs), rate(bumped)
    for code, value in before.criteria.items():
        later = after.criteria[code]
        assert (value is None) == (later is None)
        assert value is None or later is None or later >= value
    assert (before.total is None) == (after.total is None)
    if before.total is not None and after.total is not None:
        assert after.total >= before.total


def test_a_filter_question_can_lower_the_total() -> None:
    # Why Q1, Q3, Q7 and Q11 are not in the monotonicity property above.
    data = copy.deepcopy(EXAMPLE_A)
    data["yes"]["q1"] = 181

    result = rate(parse_inputs(data))

    assert result.indicators["1.3"] == Decimal("92.24")  # 0.5·(171/181 + 0.9)
    assert result.total is not None
    assert result.total < Decimal("89.28")


TOTALS = st.sampled_from(
    [Decimal("90.00"), Decimal("85.50"), Decimal("85.5"), Decimal("70.01"), None]
)


@given(st.lists(TOTALS, max_size=12), st.data())
def test_ranking_does_not_depend_on_input_order(
    totals: list[Decimal | None], data: st.DataObject
) -> None:
    items = list(enumerate(totals))
    shuffled = data.draw(st.permutations(items))

    ranks = dense_rank(items)
    assert dense_rank(shuffled) == ranks
    assert list(dense_rank(shuffled)) == [key for key, _ in shuffled]
    defined = {value for value in totals if value is not None}
    assert {r for r in ranks.values() if r is not None} == set(
        range(1, len(defined) + 1)
    )
    for key, value in items:
        assert (ranks[key] is None) == (value is None)
        for other, other_value in items:
            if value is not None and other_value is not None and value > other_value:
                assert ranks[key] < ranks[other]  # type: ignore[operator]


def test_exact_sum_falls_back_to_fractions_when_decimals_would_round() -> None:
    from fractions import Fraction

    from evaluation.rating.ranking import _exact_sum

    tiny, huge = Decimal("1E-70"), Decimal("1E+20")
    # 1E+20 + 1E-70 needs 91 digits: an 80-digit Decimal sum would lose 1E-70.
    assert _exact_sum([huge, tiny]) == Fraction(huge) + Fraction(tiny)
    values = [Decimal("33.33"), Decimal("66.67"), Decimal("0.01")]
    assert _exact_sum(values) == Fraction(10001, 100)
