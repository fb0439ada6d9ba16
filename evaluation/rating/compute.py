"""The rating formulas: indicator → criterion → total (METHOD.md §1–§2).

One function per level. Each level is computed from the *published*
(rounded) values of the level below and rounded half-up to 2 decimals, so
anyone can recompute a total from the criteria shown on a page (METHOD.md §2,
"Rounding").

Arithmetic inside a level is exact (:class:`fractions.Fraction`); only the
published value of each level becomes a :class:`~decimal.Decimal`, rounded
once by :func:`round_value`. Rounding a Decimal quotient such as 11/13 first
and the sum later could turn an exact half (…,xx5) into …,xx4999 and round it
the wrong way; exact fractions cannot.

Decisions where METHOD.md leaves room (all reproduce worked examples A and B
to the cent):

* **Undefined parts** (METHOD.md §2, "Undefined shares"): a survey share with
  a zero denominator (nobody answered the filter question "yes", or nobody
  answered the question) is "нет данных". Indicators with two equally
  weighted parts — 1.1 (stands, site) and 1.3 (stands, site) — are then the
  part that is defined (example B: P1.3 = Q2/Q1 = 80/97 = 82.47 because
  Q3 = 0). If both parts are undefined the indicator is undefined.
* **1.1 with nothing required.** "No information at all = 0" is read as
  *nothing present although something is required*, which the formula already
  scores 0. A check-list part whose required count is 0 (every item "не
  применимо") has no denominator: it is undefined like a survey part, never
  silently 0 or 100; with both parts at 0 required, 1.1 is "нет данных".
* **Renormalisation in a criterion**: the weights of the defined indicators
  are rescaled to sum to 1 (example B: K3 = (0.3·40 + 0.4·100) / 0.7 =
  74.29). A criterion with no defined indicator is undefined.
* **The total needs all five criteria.** If a criterion is undefined (only
  possible when no one answered the survey questions it rests on) the total
  is "нет данных" and the organisation gets no rank, rather than a total
  over fewer criteria that would not be comparable with the others.
* **Survey denominators**: 1.3, 3.3 and 4.3 divide by the "yes" count of
  their filter question (Q1, Q3, Q7, Q11), as the formula table says; the
  other survey shares divide by the respondents who answered the question
  (``answered``, default every respondent), the general rule of METHOD.md §1
  which 5.1 shows in example B (120 / 141).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from evaluation.rating.inputs import OrganisationInputs
from evaluation.rating.method import (
    DEFAULT_METHOD_CODE,
    ChecklistPart,
    CountRule,
    MethodVersion,
    SurveyPart,
    get_method,
)
from evaluation.rating.rounding import Number, quantize_exact


def round_value(value: Number, method: MethodVersion) -> Decimal:
    """Round an exact value to the method's published precision (METHOD.md §2).

    Args:
        value: The exact value.
        method: Supplies ``rounding_decimals`` and the ``rounding`` mode
            (``ROUND_HALF_UP``).

    Returns:
        A Decimal with exactly ``rounding_decimals`` places, e.g. ``90.00``.
    """
    return quantize_exact(value, method.rounding_decimals, method.rounding)


@dataclass(frozen=True)
class _Outcome:
    """An indicator's exact value and what was missing for it."""

    value: Fraction | None
    # (label of the undefined part, Russian reason) — label "" for single parts
    missing: tuple[tuple[str, str], ...] = ()
    defined: tuple[str, ...] = ()
    not_applicable: bool = False


@dataclass(frozen=True)
class _Part:
    value: Fraction | None
    label: str
    reason: str = ""


def _mean_of_parts(parts: Sequence[_Part]) -> _Outcome:
    """Equal-weight mean of the defined parts, renormalised over them."""
    values = [part.value for part in parts if part.value is not None]
    return _Outcome(
        value=(values[0] if len(values) == 1 else sum(values) / len(values))
        if values
        else None,
        missing=tuple((p.label, p.reason) for p in parts if p.value is None),
        defined=tuple(p.label for p in parts if p.value is not None),
    )


def _checklist_indicator(
    inputs: OrganisationInputs, parts: Sequence[ChecklistPart], method: MethodVersion
) -> _Outcome:
    """Indicator 1.1, METHOD.md §1: ``0.5 × (stand p/r + site p/r) × 100``.

    A part whose required count is 0 (all items "не применимо") is undefined
    and the halves are renormalised over the other part.
    """
    values = []
    for part in parts:
        present, required = inputs.checklist(part.field)
        if required == 0:
            reason = f"для {part.genitive} все пункты перечня «не применимо»"
            values.append(_Part(None, part.label, reason))
        else:
            values.append(
                _Part(Fraction(present * _scale(method), required), part.label)
            )
    return _mean_of_parts(values)


def _count_indicator(inputs: OrganisationInputs, rule: CountRule) -> _Outcome:
    """Indicators 1.2, 2.1, 3.1, 3.2, METHOD.md §1: ``min(cap, points × count)`` [S]."""
    points = Fraction(rule.points) * inputs.count(rule.field)
    return _Outcome(value=min(Fraction(rule.cap), points))


def _survey_indicator(
    inputs: OrganisationInputs, parts: Sequence[SurveyPart], method: MethodVersion
) -> _Outcome:
    """Survey indicators, METHOD.md §1: ``yes ÷ base × 100``, parts averaged.

    1.3 = ``0.5 × (Q2/Q1 + Q4/Q3) × 100``; 3.3 = Q8/Q7; 4.3 = Q12/Q11; the
    others are yes ÷ respondents who answered the question (5.1 is [V]).
    """
    values = []
    for part in parts:
        yes = inputs.yes[part.question]
        if part.base is not None:
            base = inputs.yes[part.base]
            reason = method.filter_reasons.get(
                part.base, f"никто не ответил «да» на вопрос {part.base[1:]}"
            )
        else:
            base = inputs.answered_count(part.question)
            reason = f"на вопрос {part.question[1:]} никто не ответил"
        if base == 0:
            values.append(_Part(None, part.label, reason))
        else:
            values.append(_Part(Fraction(yes * _scale(method), base), part.label))
    return _mean_of_parts(values)


def _indicator_outcomes(
    inputs: OrganisationInputs, method: MethodVersion
) -> dict[str, _Outcome]:
    outcomes: dict[str, _Outcome] = {}
    for code in method.indicator_codes:
        if code == "2.2" and not method.has_2_2:
            outcomes[code] = _Outcome(value=None, not_applicable=True)
        elif code in method.checklists:
            outcomes[code] = _checklist_indicator(
                inputs, method.checklists[code], method
            )
        elif code in method.counts:
            outcomes[code] = _count_indicator(inputs, method.counts[code])
        else:
            outcomes[code] = _survey_indicator(inputs, method.surveys[code], method)
    return outcomes


def indicators(
    inputs: OrganisationInputs, method: MethodVersion
) -> dict[str, Decimal | None]:
    """Compute the 15 indicators, METHOD.md §1, each rounded half-up.

    Args:
        inputs: Valid inputs (see :meth:`OrganisationInputs.validate`).
        method: The method version.

    Returns:
        Indicator code (``"1.1"`` … ``"5.3"``) → points 0–100 with two
        decimals, or ``None`` for "нет данных" (a zero denominator, METHOD.md
        §2 "Undefined shares") and for 2.2 in sectors without it.
    """
    return {
        code: None if outcome.value is None else round_value(outcome.value, method)
        for code, outcome in _indicator_outcomes(inputs, method).items()
    }


def _scale(method: MethodVersion) -> int:
    scale = method.scale_max
    return int(scale) if scale == int(scale) else scale  # always 100 in practice


def _weighted_mean(
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, Decimal],
) -> Fraction | None:
    """Exact ``Σ wᵢ·vᵢ / Σ wᵢ`` over the defined values.

    Integer numerator/denominator pairs (``Decimal.as_integer_ratio``) are
    accumulated and one Fraction is built at the end: the same exact value
    as summing Fractions, several times faster (recomputing 10,000
    organisations is a budgeted operation).
    """
    num, den = 0, 1  # Σ wᵢ·vᵢ
    weight_num, weight_den = 0, 1  # Σ wᵢ
    defined = False
    for code, weight in weights.items():
        value = values.get(code)
        if value is None:
            continue
        defined = True
        wn, wd = weight.as_integer_ratio()
        vn, vd = value.as_integer_ratio()
        num, den = num * wd * vd + wn * vn * den, den * wd * vd
        weight_num, weight_den = weight_num * wd + wn * weight_den, weight_den * wd
    if not defined:
        return None
    return Fraction(num * weight_den, den * weight_num)


def criteria(
    indicator_values: Mapping[str, Decimal | None], method: MethodVersion
) -> dict[str, Decimal | None]:
    """Compute criteria K1–K5 from the rounded indicators, METHOD.md §2.

    ``K = Σ wᵢ·Pᵢ`` with the weights of the method version (K2 of a sector
    without 2.2: ``0.5·P2.1 + 0.5·P2.3``). Undefined indicators drop out and
    the remaining weights are renormalised: ``Σ wᵢ·Pᵢ / Σ wᵢ`` over defined
    indicators (example B: K3 = (0.3·40 + 0.4·100) / 0.7 = 74.29).

    Args:
        indicator_values: Output of :func:`indicators` (published values).
        method: The method version.

    Returns:
        Criterion code → points with two decimals, ``None`` when none of its
        indicators is defined.
    """
    result: dict[str, Decimal | None] = {}
    for criterion in method.criterion_codes:
        value = _weighted_mean(indicator_values, method.weights_for(criterion))
        result[criterion] = None if value is None else round_value(value, method)
    return result


def total(
    criterion_values: Mapping[str, Decimal | None], method: MethodVersion
) -> Decimal | None:
    """Compute the total S from the rounded criteria, METHOD.md §2.

    ``S = (K1 + K2 + K3 + K4 + K5) / 5``: the mean with the method's equal
    total weights.

    Args:
        criterion_values: Output of :func:`criteria` (published values).
        method: The method version.

    Returns:
        The total with two decimals, or ``None`` when any criterion is
        undefined (a total over fewer criteria is not comparable).
    """
    if any(criterion_values.get(code) is None for code in method.total_weights):
        return None
    value = _weighted_mean(criterion_values, method.total_weights)
    return None if value is None else round_value(value, method)


@dataclass(frozen=True)
class RatingResult:
    """The rating of one organisation under one method version.

    Attributes:
        indicators: Indicator code → points (two decimals) or ``None``.
        criteria: ``"K1"`` … ``"K5"`` → points or ``None``.
        total: The total S, or ``None`` when it cannot be computed.
        notes: Russian notes on every undefined or partial value.
        method: The method version code.
    """

    indicators: dict[str, Decimal | None]
    criteria: dict[str, Decimal | None]
    total: Decimal | None
    notes: tuple[str, ...] = field(default=())
    method: str = DEFAULT_METHOD_CODE

    def to_json(self) -> dict[str, Any]:
        """Return the calculator output of METHOD.md §6 as JSON-ready data.

        Numbers are floats with two decimals, undefined values ``null``:
        ``{"indicators": {…}, "criteria": {…}, "total": 89.28,
        "notes": […], "method": "344n-social"}``.
        """
        return {
            "indicators": {code: _float(v) for code, v in self.indicators.items()},
            "criteria": {code: _float(v) for code, v in self.criteria.items()},
            "total": _float(self.total),
            "notes": list(self.notes),
            "method": self.method,
        }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _join(codes: Sequence[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} и {codes[-1]}"


def _decimal_ru(value: Decimal) -> str:
    # normalize() may give an exponent ("1E+2"); format "f" never does.
    return format(value.normalize(), "f").replace(".", ",")


def _notes(
    outcomes: Mapping[str, _Outcome],
    indicator_values: Mapping[str, Decimal | None],
    criterion_values: Mapping[str, Decimal | None],
    method: MethodVersion,
) -> tuple[str, ...]:
    notes: list[str] = []
    for code, outcome in outcomes.items():
        criterion = method.criterion_of(code)
        if outcome.not_applicable:
            weights = " + ".join(
                f"{_decimal_ru(w)}·P{c}"
                for c, w in method.weights_for(criterion).items()
            )
            notes.append(
                f"Показатель {code} не применяется по методике «{method.code}»; "
                f"{criterion} = {weights}."
            )
        elif outcome.value is None:
            reasons = "; ".join(reason for _, reason in outcome.missing)
            others = [
                c
                for c in method.weights_for(criterion)
                if c != code and indicator_values.get(c) is not None
            ]
            if len(others) > 1:
                moved = f"вес перераспределён между {_join(others)}"
            elif others:
                moved = f"вес перенесён на {others[0]}"
            else:
                moved = f"критерий {criterion} не определён"
            notes.append(f"Показатель {code}: нет данных ({reasons}); {moved}.")
        elif outcome.missing:
            missing = "; ".join(
                f"{label} нет данных ({reason})" for label, reason in outcome.missing
            )
            only = _join(outcome.defined)
            notes.append(f"Показатель {code}: рассчитан только {only}; {missing}.")
    undefined = [code for code, value in criterion_values.items() if value is None]
    for code in undefined:
        notes.append(f"Критерий {code}: нет данных ни по одному показателю.")
    if undefined:
        which = "критерию" if len(undefined) == 1 else "критериям"
        notes.append(
            f"Итоговый балл не рассчитан: нет данных по {which} {_join(undefined)}."
        )
    return tuple(notes)


def rate(
    inputs: OrganisationInputs,
    method: MethodVersion | None = None,
    *,
    context: str | None = None,
) -> RatingResult:
    """Rate one organisation: validate, then indicators → criteria → total.

    Args:
        inputs: The organisation's inputs.
        method: The method version; by default the one named in the inputs,
            else ``"344n-social"``.
        context: Label of the organisation for error messages.

    Returns:
        The published values of every level and Russian notes on every
        undefined or partial value.

    Raises:
        RatingInputError: the inputs are invalid for the method, or name
            another or an unknown method version.
    """
    if method is None:
        method = get_method(inputs.method or DEFAULT_METHOD_CODE)
    inputs.validate(method, context)
    outcomes = _indicator_outcomes(inputs, method)
    indicator_values = {
        code: None if outcome.value is None else round_value(outcome.value, method)
        for code, outcome in outcomes.items()
    }
    criterion_values = criteria(indicator_values, method)
    return RatingResult(
        indicators=indicator_values,
        criteria=criterion_values,
        total=total(criterion_values, method),
        notes=_notes(outcomes, indicator_values, criterion_values, method),
        method=method.code,
    )
