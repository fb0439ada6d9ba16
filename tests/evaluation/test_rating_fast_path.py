"""The rating's batch shortcuts give exactly what the full paths give (issue 27).

``rate`` computes indicators with :func:`compute._fast_units` (plain integer
steps prepared once per method version) and builds the full per-part outcome
only for indicators that need a note; ``parse_inputs`` and ``find_errors``
take a quick path for plain valid JSON. Each shortcut is compared here with
the full path it replaces, over generated inputs that include zero
denominators, "не применимо" check-lists, wrong types and broken rules.

Pure Python: no database and no Django settings are needed.
"""

from __future__ import annotations

import copy
import dataclasses
from decimal import ROUND_HALF_EVEN

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.rating import (
    COUNT_FIELDS,
    QUESTIONS,
    OrganisationInputs,
    RatingInputError,
    compute,
    get_method,
    parse_inputs,
    rate,
)
from evaluation.rating import inputs as inputs_module
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B

METHOD = get_method("344n-social")
METHODS = (
    METHOD,
    get_method("344n-social-krsk-2024"),
    dataclasses.replace(METHOD, code="344n-no-2-2", has_2_2=False),
    dataclasses.replace(METHOD, code="344n-even", rounding=ROUND_HALF_EVEN),
)


@st.composite
def valid_inputs(draw: st.DrawFn) -> OrganisationInputs:
    """Valid counts, with zeros often enough to leave parts undefined."""
    respondents = draw(st.integers(0, 400))

    def share(base: int) -> int:
        return draw(st.one_of(st.just(0), st.just(base), st.integers(0, base)))

    yes = {question: share(respondents) for question in QUESTIONS}
    for question, base in (("q2", "q1"), ("q4", "q3"), ("q8", "q7"), ("q12", "q11")):
        yes[question] = share(yes[base])
    answered = {}
    for question in draw(st.sets(st.sampled_from(QUESTIONS), max_size=4)):
        if question in ("q2", "q4", "q8", "q12"):
            continue
        answered[question] = draw(st.integers(yes[question], respondents))
    stand_required = draw(st.integers(0, 20))
    site_required = draw(st.integers(0, 30))
    return OrganisationInputs(
        respondents=respondents,
        info_stand_present=share(stand_required),
        info_stand_required=stand_required,
        info_site_present=share(site_required),
        info_site_required=site_required,
        remote_channels=draw(st.integers(0, 9)),
        comfort_conditions=draw(st.integers(0, 9)),
        premises_access=draw(st.integers(0, 5)),
        service_access=draw(st.integers(0, 6)),
        yes=yes,
        answered=answered,
    )


@settings(max_examples=400, deadline=None)
@given(inputs=valid_inputs(), method=st.sampled_from(METHODS))
def test_fast_units_equal_the_per_part_outcomes(inputs, method):
    prepared = compute._prepare(method)
    outcomes = compute._indicator_outcomes(inputs, method, prepared)
    expected = compute._indicator_units(outcomes, prepared)
    units, incomplete = compute._fast_units(inputs, prepared)
    assert units == expected
    assert list(units) == list(expected)  # same order: criteria, notes, JSON
    needs_note = [
        code
        for code, outcome in outcomes.items()
        if outcome.value is None or outcome.missing or outcome.not_applicable
    ]
    assert incomplete == needs_note


def test_fast_units_of_example_b_mark_the_undefined_and_partial_indicators():
    prepared = compute._prepare(METHOD)
    units, incomplete = compute._fast_units(parse_inputs(EXAMPLE_B), prepared)
    assert incomplete == ["1.3", "3.3"]
    assert units["1.1"] == 8695  # (11/13 + 25/28) / 2 = 86.9505… → 86.95
    assert units["1.3"] == 8247  # stands part only: 80/97
    assert units["3.3"] is None
    assert units["1.2"] == 10000  # 5 × 30 capped at 100


def test_prepared_published_values_are_shared_decimals_of_every_unit():
    prepared = compute._prepare(METHOD)
    assert len(prepared.published) == 10001
    assert str(prepared.published[0]) == "0.00"
    assert str(prepared.published[8928]) == "89.28"
    assert str(prepared.published[10000]) == "100.00"


def _full_errors(inputs, method, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(inputs_module, "_quick_valid", lambda *args: False)
        return inputs.find_errors(method)


BROKEN = st.one_of(
    st.integers(-3, -1),
    st.integers(401, 1000),
    st.booleans(),
    st.just(None),
    st.just(1.5),
    st.just("7"),
)


@settings(max_examples=400, deadline=None)
@given(
    inputs=valid_inputs(),
    method=st.sampled_from((None, *METHODS[:2])),
    where=st.sampled_from(("none", "field", "yes", "answered", "bump")),
    field=st.sampled_from(COUNT_FIELDS),
    question=st.sampled_from(QUESTIONS),
    value=BROKEN,
)
def test_quick_validation_passes_exactly_what_the_full_check_passes(
    inputs, method, where, field, question, value
):
    if where == "field":
        inputs = dataclasses.replace(inputs, **{field: value})
    elif where == "yes":
        inputs = dataclasses.replace(inputs, yes={**inputs.yes, question: value})
    elif where == "answered":
        answered = {**inputs.answered, question: value}
        inputs = dataclasses.replace(inputs, answered=answered)
    elif where == "bump":  # one more "yes" than allowed somewhere
        yes = {**inputs.yes, question: inputs.yes[question] + 1}
        inputs = dataclasses.replace(inputs, yes=yes)
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = _full_errors(inputs, method, monkeypatch)
    rules = inputs_module._rules(method or METHOD)
    assert inputs_module._quick_valid(inputs, rules) is (expected == [])
    fresh = dataclasses.replace(inputs)
    assert fresh.find_errors(method) == expected


def _parse(data):
    try:
        parsed = parse_inputs(data, context="ГБУ «Тест»")
    except RatingInputError as error:
        return "error", str(error)
    return "ok", parsed.to_calculator_input(), parsed.__dict__.get("_valid_for")


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d,
        lambda d: d.pop("answered", None),
        lambda d: d.update(answered=None),
        lambda d: d.update(method="344n-social-krsk-2024"),
        lambda d: d.update(method="160-балльная"),
        lambda d: d.update(method="неизвестная"),
        lambda d: d.update(respondents=200.0),
        lambda d: d.update(respondents=True),
        lambda d: d.update(extra=1),
        lambda d: d["info_stand"].update(present=21),
        lambda d: d["info_stand"].update(absent=1),
        lambda d: d["yes"].pop("q8", None),
        lambda d: d["yes"].update(q2=181),
        lambda d: d["yes"].update(q16=1),
        lambda d: d["yes"].update(q5=190.0),
        lambda d: d.setdefault("answered", {}).update(q13=185),
        lambda d: d.setdefault("answered", {}).update(q13=201),
        lambda d: d.update(premises_access=6),
        lambda d: d.update(info_site=[27, 30]),
    ],
)
@pytest.mark.parametrize("example", [EXAMPLE_A, EXAMPLE_B])
def test_quick_reading_gives_what_the_full_reading_gives(change, example, monkeypatch):
    data = copy.deepcopy(example)
    change(data)
    quick = _parse(data)
    monkeypatch.setattr(inputs_module, "_parse_quick", lambda data: None)
    monkeypatch.setattr(inputs_module, "_quick_valid", lambda *args: False)
    assert quick == _parse(data)


def test_quick_reading_rates_example_a_to_the_cent():
    result = rate(parse_inputs(EXAMPLE_A))
    assert str(result.total) == "89.28"
    assert {code: str(v) for code, v in result.criteria.items()} == {
        "K1": "91.00",
        "K2": "89.60",
        "K3": "74.60",
        "K4": "97.00",
        "K5": "94.20",
    }
