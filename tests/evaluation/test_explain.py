""" "Как посчитано": explanations agree with the computed figures."""

from decimal import Decimal

import pytest

from evaluation.rating import get_method, parse_inputs
from evaluation.rating.explain import explain
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B, EXPECTED_A, EXPECTED_B

METHOD = get_method("344n-social")
FIGURES = [*METHOD.indicator_codes, *METHOD.criterion_codes, "total"]


def _expected(expected: dict, figure: str) -> Decimal | None:
    if figure == "total":
        raw = expected["total"]
    elif figure.startswith("K"):
        raw = expected["criteria"][figure]
    else:
        raw = expected["indicators"][figure]
    return None if raw is None else Decimal(raw)


@pytest.mark.parametrize("figure", FIGURES)
@pytest.mark.parametrize(
    ("example", "expected"), [(EXAMPLE_A, EXPECTED_A), (EXAMPLE_B, EXPECTED_B)]
)
def test_explanation_value_is_the_published_figure(example, expected, figure) -> None:
    explanation = explain(parse_inputs(example), figure, METHOD)
    assert explanation.value == _expected(expected, figure)
    assert explanation.method == "344n-social"
    assert explanation.formula
    assert explanation.substituted.endswith(
        "нет данных"
        if explanation.value is None
        else str(explanation.value).replace(".", ",")
    )


def test_indicator_1_1_shows_both_checklists_with_their_numbers() -> None:
    explanation = explain(parse_inputs(EXAMPLE_A), "1.1", METHOD)
    assert explanation.inputs == {
        "Стенды: размещено": 18,
        "Стенды: требуется": 20,
        "Сайт: размещено": 27,
        "Сайт: требуется": 30,
    }
    assert "18 ÷ 20 + 27 ÷ 30" in explanation.substituted


def test_capped_count_says_it_was_capped() -> None:
    explanation = explain(parse_inputs(EXAMPLE_B), "1.2", METHOD)
    assert explanation.substituted == "наименьшее из 100 и 30 × 5 = 100,00"
    assert any("ограничено" in note for note in explanation.notes)


def test_undefined_share_explains_why() -> None:
    explanation = explain(parse_inputs(EXAMPLE_B), "3.3", METHOD)
    assert explanation.value is None
    assert any("нет респондентов с инвалидностью" in note for note in explanation.notes)


def test_renormalised_criterion_shows_the_weight_sum() -> None:
    explanation = explain(parse_inputs(EXAMPLE_B), "K3", METHOD)
    assert explanation.substituted == "(0,3 × 40,00 + 0,4 × 100,00) ÷ 0,7 = 74,29"
    assert any("П3.3" in note for note in explanation.notes)


def test_total_is_the_mean_of_the_criteria() -> None:
    explanation = explain(parse_inputs(EXAMPLE_A), "total", METHOD)
    assert (
        explanation.substituted == "(91,00 + 89,60 + 74,60 + 97,00 + 94,20) ÷ 5 = 89,28"
    )


def test_unknown_figure_is_rejected() -> None:
    with pytest.raises(KeyError):
        explain(parse_inputs(EXAMPLE_A), "6.1", METHOD)
