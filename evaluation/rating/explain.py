""" "Как посчитано": the formula and inputs behind every computed figure.

Pure functions over :class:`~evaluation.rating.inputs.OrganisationInputs` and a
:class:`~evaluation.rating.method.MethodVersion`. They describe the very rules
:mod:`evaluation.rating.compute` applies (same method data, same rounding),
and each explanation carries the value recomputed from its own inputs, so a
test can hold the explanation and the published figure side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evaluation.rating.compute import (
    count_of,
    criteria,
    indicators,
    rate,
    regional_exact,
    regional_indicators,
)
from evaluation.rating.inputs import OrganisationInputs
from evaluation.rating.method import COUNT_NAMES, CountRatio, MethodVersion

_COUNT_NAMES = {
    "remote_channels": "дистанционных способов взаимодействия",
    "comfort_conditions": "комфортных условий",
    "premises_access": "элементов оборудования помещений для инвалидов",
    "service_access": "условий доступности услуг для инвалидов",
}


@dataclass(frozen=True)
class Explanation:
    """How one figure was obtained.

    Attributes:
        figure: ``"1.1"`` … ``"5.3"``, ``"K1"`` … ``"K5"`` or ``"total"``.
        formula: The general formula in Russian notation.
        substituted: The formula with this organisation's numbers.
        inputs: Input name (Russian) → value used.
        value: The figure recomputed from these inputs (None: нет данных).
        notes: Russian notes (undefined parts, renormalised weights, caps).
        method: The method version code.
    """

    figure: str
    formula: str
    substituted: str
    inputs: dict[str, Any]
    value: Decimal | None
    notes: tuple[str, ...] = field(default=())
    method: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form for the API and pages."""
        return {
            "figure": self.figure,
            "formula": self.formula,
            "substituted": self.substituted,
            "inputs": self.inputs,
            "value": None if self.value is None else str(self.value),
            "notes": list(self.notes),
            "method": self.method,
        }


def _num(value: Decimal | int | None) -> str:
    if value is None:
        return "нет данных"
    # The value's own digits (an input share, a rounded score); format "f"
    # never writes an exponent ("0E-2" is "0.00"). The rating package stays
    # free of other modules, so it does not use evaluation.formatting.
    return format(Decimal(value), "f").replace(".", ",")


def _q(question: str) -> str:
    return "В" + question[1:]


def explain(
    inputs: OrganisationInputs, figure: str, method: MethodVersion
) -> Explanation:
    """Explain an indicator, a criterion or the total of one organisation.

    Raises:
        KeyError: ``figure`` is not an indicator, criterion or ``"total"``.
    """
    if figure == "total":
        return _explain_total(inputs, method)
    if figure in method.criterion_codes:
        return _explain_criterion(inputs, figure, method)
    if figure in method.indicator_codes:
        return _explain_indicator(inputs, figure, method)
    if figure in method.regional_codes:
        return _explain_regional(inputs, figure, method)
    raise KeyError(figure)


def _explain_regional(
    inputs: OrganisationInputs, code: str, method: MethodVersion
) -> Explanation:
    """A regional indicator: its formula over counts and where it counts."""
    indicator = method.regional_indicator(code)
    formula = indicator.formula
    value = regional_indicators(inputs, method)[code]
    used = {COUNT_NAMES[name]: count_of(inputs, name) for name in formula.counts}
    if isinstance(formula, CountRatio):
        numerator = count_of(inputs, formula.numerator)
        denominator = count_of(inputs, formula.denominator)
        substituted = f"({numerator} ÷ {denominator}) × {_num(formula.scale)}"
    else:
        substituted = " + ".join(
            f"{_num(points)} × {count_of(inputs, name)}"
            for name, points in formula.terms
        )
        if formula.cap is not None:
            substituted = f"наименьшее из {_num(formula.cap)} и {substituted}"
    notes: list[str] = []
    exact, reason = regional_exact(inputs, indicator)
    if exact is None:
        substituted = "нет данных"
        notes.append(f"Нет данных: {reason}.")
    if indicator.enters_criterion is None:
        notes.append(
            "Региональный показатель: показывается отдельно, в критерии и "
            "итоговый балл не входит."
        )
    else:
        weight = method.weights_for(indicator.enters_criterion)[code]
        notes.append(
            f"Региональный показатель: входит в критерий "
            f"{indicator.enters_criterion} с весом {_num(weight)}."
        )
    return Explanation(
        code,
        formula.describe(),
        f"{substituted} = {_num(value)}",
        used,
        value,
        tuple(notes),
        method.code,
    )


def _explain_indicator(
    inputs: OrganisationInputs, code: str, method: MethodVersion
) -> Explanation:
    value = indicators(inputs, method)[code]
    scale = _num(method.scale_max)
    notes: list[str] = []
    used: dict[str, Any] = {}
    if code == "2.2" and not method.has_2_2:
        return Explanation(
            code,
            "не применяется в этой сфере",
            "—",
            {},
            None,
            ("Показатель 2.2 не применяется в этой версии методики.",),
            method.code,
        )
    if code in method.checklists:
        parts = method.checklists[code]
        general, concrete = [], []
        for part in parts:
            present, required = inputs.checklist(part.field)
            used[f"{part.name}: размещено"] = present
            used[f"{part.name}: требуется"] = required
            general.append(f"{part.name}: размещено ÷ требуется")
            if required:
                concrete.append(f"{present} ÷ {required}")
            else:
                notes.append(
                    f"{part.name}: все пункты «не применимо» — часть не учтена"
                )
        share = _num(Decimal(1) / len(parts)) if len(parts) > 1 else "1"
        formula = f"{share} × ({' + '.join(general)}) × {scale}"
        substituted = (
            f"({' + '.join(concrete)}) ÷ {len(concrete)} × {scale}"
            if concrete
            else "нет данных"
        )
    elif code in method.counts:
        rule = method.counts[code]
        count = inputs.count(rule.field)
        used[f"число {_COUNT_NAMES.get(rule.field, rule.field)}"] = count
        formula = (
            f"наименьшее из {_num(rule.cap)} и {_num(rule.points)} × число "
            f"{_COUNT_NAMES.get(rule.field, rule.field)}"
        )
        substituted = f"наименьшее из {_num(rule.cap)} и {_num(rule.points)} × {count}"
        if rule.points * count > rule.cap:
            notes.append(f"ограничено максимумом {_num(rule.cap)} баллов")
    else:
        parts = method.surveys[code]
        general, concrete = [], []
        for part in parts:
            yes = inputs.yes[part.question]
            used[f"{_q(part.question)}: ответов «да»"] = yes
            if part.base is not None:
                base = inputs.yes[part.base]
                used[f"{_q(part.base)}: ответов «да»"] = base
                general.append(f"«да» на {_q(part.question)} ÷ «да» на {_q(part.base)}")
                reason = method.filter_reasons.get(part.base, "")
            else:
                base = inputs.answered_count(part.question)
                used[f"{_q(part.question)}: ответивших"] = base
                general.append(f"«да» на {_q(part.question)} ÷ ответивших")
                reason = f"на вопрос {part.question[1:]} никто не ответил"
            if base:
                concrete.append(f"{yes} ÷ {base}")
            else:
                notes.append(f"{part.label or code}: нет данных ({reason})".strip())
        prefix = f"{_num(Decimal(1) / len(parts))} × " if len(parts) > 1 else ""
        formula = f"{prefix}({' + '.join(general)}) × {scale}"
        substituted = (
            f"({' + '.join(concrete)}) ÷ {len(concrete)} × {scale}"
            if concrete
            else "нет данных"
        )
    return Explanation(
        code,
        formula,
        f"{substituted} = {_num(value)}",
        used,
        value,
        tuple(notes),
        method.code,
    )


def _weighted(
    weights: Mapping[str, Decimal],
    values: Mapping[str, Decimal | None],
    prefix: str,
    plain: frozenset[str] = frozenset(),
) -> tuple[str, str, list[str]]:
    def name(code: str) -> str:
        return code if code in plain else f"{prefix}{code}"

    general = " + ".join(f"{_num(w)} × {name(code)}" for code, w in weights.items())
    defined = {c: w for c, w in weights.items() if values.get(c) is not None}
    notes = [
        f"{name(c)}: нет данных — вес перераспределён"
        for c in weights
        if c not in defined
    ]
    terms = " + ".join(f"{_num(w)} × {_num(values[c])}" for c, w in defined.items())
    if not defined:
        return general, "нет данных", notes
    if len(defined) < len(weights):
        weight_sum = sum(defined.values(), Decimal(0))
        return general, f"({terms}) ÷ {_num(weight_sum)}", notes
    return general, terms, notes


def _explain_criterion(
    inputs: OrganisationInputs, code: str, method: MethodVersion
) -> Explanation:
    indicator_values = indicators(inputs, method)
    regional = frozenset(method.regional_codes)
    if regional:
        # Only regional indicators that enter a criterion take part in one.
        entering = {i.code for i in method.regional if i.enters_criterion}
        indicator_values |= {
            c: v
            for c, v in regional_indicators(inputs, method).items()
            if c in entering
        }
    value = criteria(indicator_values, method)[code]
    weights = method.weights_for(code)
    general, substituted, notes = _weighted(weights, indicator_values, "П", regional)
    used = {c if c in regional else f"П{c}": indicator_values[c] for c in weights}
    return Explanation(
        code,
        general,
        f"{substituted} = {_num(value)}",
        {k: None if v is None else str(v) for k, v in used.items()},
        value,
        tuple(notes),
        method.code,
    )


def _explain_total(inputs: OrganisationInputs, method: MethodVersion) -> Explanation:
    result = rate(inputs, method)
    codes = list(method.total_weights)
    general = f"({' + '.join(codes)}) ÷ {len(codes)}"
    if result.total is None:
        substituted = "нет данных"
        notes = (
            "Итоговый балл не рассчитывается: не определён хотя бы один критерий.",
        )
    else:
        substituted = (
            f"({' + '.join(_num(result.criteria[c]) for c in codes)}) ÷ {len(codes)}"
        )
        notes = ()
    return Explanation(
        "total",
        general,
        f"{substituted} = {_num(result.total)}",
        {
            c: None if result.criteria[c] is None else str(result.criteria[c])
            for c in codes
        },
        result.total,
        notes,
        method.code,
    )
