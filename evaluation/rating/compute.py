"""The rating formulas: indicator → criterion → total (METHOD.md §1–§2).

One function per level. Each level is computed from the *published*
(rounded) values of the level below and rounded half-up to 2 decimals, so
anyone can recompute a total from the criteria shown on a page (METHOD.md §2,
"Rounding").

Arithmetic inside a level is exact: values are integer pairs counted in
units of the published precision (hundredths), with the method's constants
turned into integers once per version (:func:`_prepare`); only the published
value of each level becomes a :class:`~decimal.Decimal`, rounded once.
Rounding a Decimal quotient such as 11/13 first and the sum later could turn
an exact half (…,xx5) into …,xx4999 and round it the wrong way; exact
integer ratios cannot.

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

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from evaluation.rating.errors import FieldError, RatingInputError
from evaluation.rating.inputs import OrganisationInputs
from evaluation.rating.method import (
    COUNT_NAMES,
    DEFAULT_METHOD_CODE,
    ChecklistPart,
    CountRatio,
    MethodVersion,
    RegionalIndicator,
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


# Every level is computed in *units* of the published precision (hundredths
# for two decimals): an exact value is an integer pair ``num / den`` in units,
# and a published value is an integer number of units. Python integers are
# exact, so this is the same arithmetic as Fractions without their objects;
# recomputing tens of thousands of organisations is a budgeted operation.
Pair = tuple[int, int]


@dataclass(frozen=True)
class _Prepared:
    """A method version's constants as integers, prepared once per version."""

    factor: int  # 10 ** rounding_decimals: units per point
    decimals: int
    rounding: str
    half_up: bool
    scale_units: int  # scale_max (100 points) in units
    counts: Mapping[str, tuple[int, int, int, int]]  # points n/d, cap n/d
    # criterion → ((indicator, integer weight), …): weights times their
    # common denominator, so Σ wᵢ·vᵢ / Σ wᵢ is unchanged
    criteria: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    totals: tuple[tuple[str, int], ...]
    # One step per indicator for :func:`_fast_units`: (code, kind, spec).
    plan: tuple[tuple[str, int, Any], ...] = ()
    # The published Decimal of every whole number of units 0 … scale_units.
    published: tuple[Decimal, ...] = ()


def _integer_weights(weights: Mapping[str, Decimal]) -> tuple[tuple[str, int], ...]:
    ratios = {code: weight.as_integer_ratio() for code, weight in weights.items()}
    common = math.lcm(*(den for _, den in ratios.values())) if ratios else 1
    return tuple((code, num * (common // den)) for code, (num, den) in ratios.items())


@functools.lru_cache(maxsize=32)
def _prepare(method: MethodVersion) -> _Prepared:
    factor = 10**method.rounding_decimals
    scale_num, scale_den = Decimal(_scale(method)).as_integer_ratio()
    counts = {}
    for code, rule in method.counts.items():
        points_num, points_den = rule.points.as_integer_ratio()
        cap_num, cap_den = rule.cap.as_integer_ratio()
        counts[code] = (points_num, points_den, cap_num, cap_den)
    scale_units = scale_num * factor // scale_den
    return _Prepared(
        factor=factor,
        decimals=method.rounding_decimals,
        rounding=method.rounding,
        half_up=method.rounding == ROUND_HALF_UP,
        scale_units=scale_units,
        counts=counts,
        criteria=tuple(
            (criterion, _integer_weights(method.weights_for(criterion)))
            for criterion in method.criterion_codes
        ),
        totals=_integer_weights(method.total_weights),
        plan=_plan(method, counts, factor),
        published=tuple(
            _published(units, method.rounding_decimals)
            for units in range(scale_units + 1)
        ),
    )


# Kinds of plan steps: what an indicator's formula is made of. _SHARE is a
# survey indicator of one part (yes ÷ base), the commonest step.
_NOT_APPLICABLE, _CHECKLIST, _COUNT, _SURVEY, _SHARE = range(5)


def _plan(
    method: MethodVersion,
    counts: Mapping[str, tuple[int, int, int, int]],
    factor: int,
) -> tuple[tuple[str, int, Any], ...]:
    """The indicators' formulas as plain tuples, in indicator order.

    Checklist and survey steps list their parts as (numerator, denominator)
    names; a survey part's denominator ``None`` means the respondents who
    answered the question. A count step holds ``(field, points·count
    numerator factor, points denominator, cap in units·cap denominator …)``.
    """
    steps: list[tuple[str, int, Any]] = []
    for code in method.indicator_codes:
        if code == "2.2" and not method.has_2_2:
            steps.append((code, _NOT_APPLICABLE, None))
        elif code in method.checklists:
            parts = tuple(
                (f"{part.field}_present", f"{part.field}_required")
                for part in method.checklists[code]
            )
            steps.append((code, _CHECKLIST, parts))
        elif code in method.counts:
            points_num, points_den, cap_num, cap_den = counts[code]
            steps.append(
                (
                    code,
                    _COUNT,
                    (
                        method.counts[code].field,
                        points_num,
                        points_den,
                        cap_num,
                        cap_den,
                        factor,
                    ),
                )
            )
        else:
            parts = tuple((part.question, part.base) for part in method.surveys[code])
            steps.append((code, _SHARE if len(parts) == 1 else _SURVEY, parts))
    return tuple(steps)


def _fast_units(
    inputs: OrganisationInputs, prepared: _Prepared
) -> tuple[dict[str, int | None], list[str]]:
    """Every indicator in whole units, and the codes that need a note.

    The same exact arithmetic as :func:`_indicator_outcomes` followed by
    :func:`_indicator_units` — integer ratios, one half-up rounding — without
    building an object per part. An indicator "needs a note" when a part is
    undefined or the indicator does not apply; only for those is the full
    outcome (:func:`_indicator_outcome`) built.
    """
    yes = inputs.yes
    answered = inputs.answered
    respondents = inputs.respondents
    scale_units = prepared.scale_units
    half_up = prepared.half_up
    units: dict[str, int | None] = {}
    incomplete: list[str] = []
    for code, kind, spec in prepared.plan:
        if kind == _SHARE:
            ((top, bottom),) = spec
            den = answered.get(top, respondents) if bottom is None else yes[bottom]
            if den == 0:
                units[code] = None
                incomplete.append(code)
                continue
            num = yes[top] * scale_units
        elif kind in (_SURVEY, _CHECKLIST):
            num, den, defined, missing = 0, 1, 0, False
            for top, bottom in spec:
                if kind == _SURVEY:
                    part_num = yes[top]
                    if bottom is None:
                        part_den = answered.get(top, respondents)
                    else:
                        part_den = yes[bottom]
                else:
                    part_num = getattr(inputs, top)
                    part_den = getattr(inputs, bottom)
                if part_den == 0:
                    missing = True
                elif defined:
                    num, den = num * part_den + part_num * den, den * part_den
                    defined += 1
                else:
                    num, den, defined = part_num, part_den, 1
            if missing:
                incomplete.append(code)
            if not defined:
                units[code] = None
                continue
            num *= scale_units
            den *= defined
        elif kind == _COUNT:
            field_name, points_num, points_den, cap_num, cap_den, factor = spec
            points_num *= getattr(inputs, field_name)
            if points_num * cap_den <= cap_num * points_den:
                num, den = points_num * factor, points_den
            else:
                num, den = cap_num * factor, cap_den
        else:
            units[code] = None
            incomplete.append(code)
            continue
        if half_up and num >= 0:
            units[code] = (2 * num + den) // (2 * den)
        else:
            units[code] = _round_units((num, den), prepared)
    return units, incomplete


def _round_units(value: Pair, prepared: _Prepared) -> int:
    """Round an exact value given in units to a whole number of units."""
    num, den = value
    if prepared.half_up and num >= 0:
        return (2 * num + den) // (2 * den)  # floor(x + ½), exact
    rounded = quantize_exact(Fraction(num, den), 0, prepared.rounding)
    return int(rounded)


_DECIMALS: dict[tuple[int, int], Decimal] = {}


def _published(units: int, decimals: int) -> Decimal:
    """The Decimal of a whole number of units (``9000`` → ``90.00``), shared.

    Published values lie in 0–100, so at most 10,001 Decimals per precision
    are ever built; a Decimal is immutable, so sharing them is safe.
    """
    key = (units, decimals)
    value = _DECIMALS.get(key)
    if value is None:
        value = _DECIMALS[key] = Decimal(units).scaleb(-decimals)
    return value


@dataclass(frozen=True)
class _Outcome:
    """An indicator's exact value (in units) and what was missing for it."""

    value: Pair | None
    # (label of the undefined part, Russian reason) — label "" for single parts
    missing: tuple[tuple[str, str], ...] = ()
    defined: tuple[str, ...] = ()
    not_applicable: bool = False


@dataclass(frozen=True)
class _Part:
    value: Pair | None
    label: str
    reason: str = ""


def _mean_of_parts(parts: Sequence[_Part]) -> _Outcome:
    """Equal-weight mean of the defined parts, renormalised over them."""
    num, den, defined = 0, 1, 0
    for part in parts:
        if part.value is not None:
            part_num, part_den = part.value
            num, den = num * part_den + part_num * den, den * part_den
            defined += 1
    return _Outcome(
        value=(num, den * defined) if defined else None,
        missing=tuple((p.label, p.reason) for p in parts if p.value is None),
        defined=tuple(p.label for p in parts if p.value is not None),
    )


def _checklist_indicator(
    inputs: OrganisationInputs, parts: Sequence[ChecklistPart], prepared: _Prepared
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
            values.append(_Part((present * prepared.scale_units, required), part.label))
    return _mean_of_parts(values)


def _count_indicator(
    inputs: OrganisationInputs, code: str, field: str, prepared: _Prepared
) -> _Outcome:
    """Indicators 1.2, 2.1, 3.1, 3.2, METHOD.md §1: ``min(cap, points × count)`` [S]."""
    points_num, points_den, cap_num, cap_den = prepared.counts[code]
    points_num *= inputs.count(field)
    if points_num * cap_den <= cap_num * points_den:
        return _Outcome(value=(points_num * prepared.factor, points_den))
    return _Outcome(value=(cap_num * prepared.factor, cap_den))


def _survey_indicator(
    inputs: OrganisationInputs,
    parts: Sequence[SurveyPart],
    method: MethodVersion,
    prepared: _Prepared,
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
            values.append(_Part((yes * prepared.scale_units, base), part.label))
    return _mean_of_parts(values)


def _indicator_outcome(
    inputs: OrganisationInputs, code: str, method: MethodVersion, prepared: _Prepared
) -> _Outcome:
    if code == "2.2" and not method.has_2_2:
        return _Outcome(value=None, not_applicable=True)
    if code in method.checklists:
        return _checklist_indicator(inputs, method.checklists[code], prepared)
    if code in method.counts:
        field_name = method.counts[code].field
        return _count_indicator(inputs, code, field_name, prepared)
    return _survey_indicator(inputs, method.surveys[code], method, prepared)


def _indicator_outcomes(
    inputs: OrganisationInputs, method: MethodVersion, prepared: _Prepared
) -> dict[str, _Outcome]:
    return {
        code: _indicator_outcome(inputs, code, method, prepared)
        for code in method.indicator_codes
    }


def _indicator_units(
    outcomes: Mapping[str, _Outcome], prepared: _Prepared
) -> dict[str, int | None]:
    return {
        code: None if outcome.value is None else _round_units(outcome.value, prepared)
        for code, outcome in outcomes.items()
    }


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
    prepared = _prepare(method)
    return _as_published(_fast_units(inputs, prepared)[0], prepared)


def _scale(method: MethodVersion) -> int:
    scale = method.scale_max
    return int(scale) if scale == int(scale) else scale  # always 100 in practice


def _as_published(
    units: Mapping[str, int | None], prepared: _Prepared
) -> dict[str, Decimal | None]:
    published = prepared.published
    top = len(published)
    return {
        code: None
        if value is None
        else published[value]
        if 0 <= value < top
        else _published(value, prepared.decimals)
        for code, value in units.items()
    }


def _as_units(
    values: Mapping[str, Decimal | None], prepared: _Prepared
) -> dict[str, int | None]:
    """Published values as whole units; a finer value is refused, not rounded."""
    units: dict[str, int | None] = {}
    for code, value in values.items():
        if value is None:
            units[code] = None
            continue
        num, den = value.as_integer_ratio()
        whole, rest = divmod(num * prepared.factor, den)
        if rest:
            raise ValueError(
                f"{code} = {value}: больше {prepared.decimals} знаков после "
                "запятой; ожидаются опубликованные (округлённые) значения."
            )
        units[code] = whole
    return units


def _criterion_units(
    indicator_units: Mapping[str, int | None], prepared: _Prepared
) -> dict[str, int | None]:
    result: dict[str, int | None] = {}
    half_up = prepared.half_up
    for criterion, weights in prepared.criteria:
        # Σ wᵢ·vᵢ / Σ wᵢ over the defined values, exact in units
        num = den = 0
        defined = False
        for code, weight in weights:
            value = indicator_units.get(code)
            if value is not None:
                defined = True
                num += weight * value
                den += weight
        if not defined:
            result[criterion] = None
        elif half_up and num >= 0:
            result[criterion] = (2 * num + den) // (2 * den)
        else:
            result[criterion] = _round_units((num, den), prepared)
    return result


def _total_units(
    criterion_units: Mapping[str, int | None], prepared: _Prepared
) -> int | None:
    num = den = 0
    for code, weight in prepared.totals:
        value = criterion_units.get(code)
        if value is None:
            return None
        num += weight * value
        den += weight
    if not prepared.totals:
        return None
    return _round_units((num, den), prepared)


def criteria(
    indicator_values: Mapping[str, Decimal | None], method: MethodVersion
) -> dict[str, Decimal | None]:
    """Compute criteria K1–K5 from the rounded indicators, METHOD.md §2.

    ``K = Σ wᵢ·Pᵢ`` with the weights of the method version (K2 of a sector
    without 2.2: ``0.5·P2.1 + 0.5·P2.3``). Undefined indicators drop out and
    the remaining weights are renormalised: ``Σ wᵢ·Pᵢ / Σ wᵢ`` over defined
    indicators (example B: K3 = (0.3·40 + 0.4·100) / 0.7 = 74.29).

    Args:
        indicator_values: Output of :func:`indicators` (published values);
            for a version that puts a regional indicator into a criterion,
            add that indicator's value (:func:`regional_indicators`), or it
            counts as "нет данных" there.
        method: The method version.

    Returns:
        Criterion code → points with two decimals, ``None`` when none of its
        indicators is defined.

    Raises:
        ValueError: a value has more decimals than the method publishes.
    """
    prepared = _prepare(method)
    units = _criterion_units(_as_units(indicator_values, prepared), prepared)
    return _as_published(units, prepared)


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

    Raises:
        ValueError: a value has more decimals than the method publishes.
    """
    prepared = _prepare(method)
    value = _total_units(_as_units(criterion_values, prepared), prepared)
    return None if value is None else _published(value, prepared.decimals)


# ------------------------------------------------------ regional indicators


def count_of(inputs: OrganisationInputs, name: str) -> int:
    """Return the count ``name`` of :data:`~evaluation.rating.method.COUNT_NAMES`.

    ``"respondents"``, ``"yes.q3"``, ``"answered.q3"`` (default: every
    respondent), ``"info_site.present"``, ``"remote_channels"`` …
    """
    if name == "respondents":
        return inputs.respondents
    head, _, tail = name.partition(".")
    if head == "yes":
        return inputs.yes[tail]
    if head == "answered":
        return inputs.answered_count(tail)
    if tail:
        value: int = getattr(inputs, f"{head}_{tail}")
        return value
    return inputs.count(head)


def regional_exact(
    inputs: OrganisationInputs, indicator: RegionalIndicator
) -> tuple[Fraction | None, str]:
    """The exact value of a regional indicator, or ``None`` and the reason."""
    formula = indicator.formula
    if isinstance(formula, CountRatio):
        denominator = count_of(inputs, formula.denominator)
        if denominator == 0:
            return None, f"{COUNT_NAMES[formula.denominator]} равно нулю"
        numerator = count_of(inputs, formula.numerator)
        return Fraction(numerator) * Fraction(formula.scale) / denominator, ""
    value = sum(
        (Fraction(points) * count_of(inputs, name) for name, points in formula.terms),
        Fraction(0),
    )
    if formula.cap is not None and value > Fraction(formula.cap):
        value = Fraction(formula.cap)
    return value, ""


def _regional(
    inputs: OrganisationInputs, method: MethodVersion
) -> tuple[dict[str, Decimal | None], list[str]]:
    values: dict[str, Decimal | None] = {}
    notes: list[str] = []
    for indicator in method.regional:
        exact, reason = regional_exact(inputs, indicator)
        if exact is None:
            values[indicator.code] = None
            notes.append(
                f"Региональный показатель {indicator.code}: нет данных ({reason})."
            )
        else:
            values[indicator.code] = quantize_exact(
                exact, indicator.decimals, method.rounding
            )
    return values, notes


def regional_indicators(
    inputs: OrganisationInputs, method: MethodVersion
) -> dict[str, Decimal | None]:
    """Compute the version's regional indicators, each rounded half-up.

    Args:
        inputs: Valid inputs.
        method: The method version; a version without regional indicators
            gives an empty dict.

    Returns:
        Regional code (``"Р1"``) → value with the indicator's decimals, or
        ``None`` for "нет данных" (a zero denominator).
    """
    return _regional(inputs, method)[0]


def _entering_units(
    values: Mapping[str, Decimal | None], method: MethodVersion, prepared: _Prepared
) -> dict[str, int | None]:
    """Units of the regional indicators that enter a criterion, checked 0–100."""
    entering = {
        indicator.code: values.get(indicator.code)
        for indicator in method.regional
        if indicator.enters_criterion is not None
    }
    for code, value in entering.items():
        if value is not None and not 0 <= value <= method.scale_max:
            raise RatingInputError(
                [
                    FieldError(
                        "method",
                        f"Региональный показатель {code} = "
                        f"{_decimal_ru(value)}: входящий в критерий показатель "
                        f"должен быть от 0 до {_decimal_ru(method.scale_max)}; "
                        "проверьте его формулу или исходные данные.",
                    )
                ]
            )
    return _as_units(entering, prepared)


@dataclass(frozen=True)
class RatingResult:
    """The rating of one organisation under one method version.

    Attributes:
        indicators: Indicator code → points (two decimals) or ``None``.
        criteria: ``"K1"`` … ``"K5"`` → points or ``None``.
        total: The total S, or ``None`` when it cannot be computed.
        notes: Russian notes on every undefined or partial value.
        method: The method version code.
        regional: Regional indicator code → value or ``None``; empty for a
            version without regional indicators. Kept apart from
            :attr:`indicators`: the federal figures never include them.
    """

    indicators: dict[str, Decimal | None]
    criteria: dict[str, Decimal | None]
    total: Decimal | None
    notes: tuple[str, ...] = field(default=())
    method: str = DEFAULT_METHOD_CODE
    regional: dict[str, Decimal | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the calculator output of METHOD.md §6 as JSON-ready data.

        Numbers are floats with two decimals, undefined values ``null``:
        ``{"indicators": {…}, "criteria": {…}, "total": 89.28,
        "notes": […], "method": "344n-social"}``.
        """
        data: dict[str, Any] = {
            "indicators": {code: _float(v) for code, v in self.indicators.items()},
            "criteria": {code: _float(v) for code, v in self.criteria.items()},
            "total": _float(self.total),
            "notes": list(self.notes),
            "method": self.method,
        }
        if self.regional:
            data["regional"] = {code: _float(v) for code, v in self.regional.items()}
        return data


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
        if outcome.value is not None and not outcome.missing:
            continue  # a fully defined indicator has no note
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
    prepared = _prepare(method)
    indicator_units, incomplete = _fast_units(inputs, prepared)
    # Only undefined, partial or inapplicable indicators have notes.
    outcomes = {
        code: _indicator_outcome(inputs, code, method, prepared) for code in incomplete
    }
    if method.regional:
        regional_values, regional_notes = _regional(inputs, method)
        weighted_units = {
            **indicator_units,
            **_entering_units(regional_values, method, prepared),
        }
    else:
        regional_values, regional_notes, weighted_units = {}, [], indicator_units
    criterion_units = _criterion_units(weighted_units, prepared)
    total_units = _total_units(criterion_units, prepared)
    indicator_values = _as_published(indicator_units, prepared)
    criterion_values = _as_published(criterion_units, prepared)
    notes = _notes(
        outcomes,
        _as_published(weighted_units, prepared)
        if method.regional
        else indicator_values,
        criterion_values,
        method,
    )
    return RatingResult(
        indicators=indicator_values,
        criteria=criterion_values,
        total=None
        if total_units is None
        else _as_published({"S": total_units}, prepared)["S"],
        notes=(*notes, *regional_notes),
        method=method.code,
        regional=regional_values,
    )
