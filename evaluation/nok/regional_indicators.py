"""Regional additional indicators on pages: card, results page, method page.

A method version may declare indicators set by the region (seed 001, Part II,
item 2). They are stored apart from the 15 federal indicators
(``regional_indicators`` of a result) and always shown in their own block
marked «региональный показатель».
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from evaluation.formatting import format_amount, format_number, format_percent
from evaluation.models import Campaign, Publication, PublishedResult
from evaluation.nok import aggregates as published_aggregates
from evaluation.nok.selectors import how_computed, is_published_elsewhere
from evaluation.rating import (
    MethodVersion,
    RatingInputError,
    get_method,
    quantize_exact,
)
from evaluation.rating.method import RegionalIndicator

MARK = "региональный показатель"


def placement(method: MethodVersion, indicator: RegionalIndicator) -> str:
    """Where the indicator counts, in Russian, for pages and the API."""
    criterion = indicator.enters_criterion
    if criterion is None:
        return (
            "Показывается отдельно: в критерии и итоговый балл по единому "
            "федеральному порядку не входит."
        )
    weight = method.weights_for(criterion)[indicator.code]
    return (
        f"Входит в критерий {criterion.replace('K', 'К')} с весом "
        f"{format_amount(weight)} по этой версии методики."
    )


def display_value(indicator: RegionalIndicator, value: Decimal | None) -> str:
    """The value as the page shows it: «12,50 %» or «45,00»; «—» for no data."""
    if indicator.unit == "%":
        return format_percent(value, indicator.decimals)
    return format_number(value, indicator.decimals)


@dataclass(frozen=True)
class RegionalFigure:
    """One regional indicator of one organisation (card) or of the method."""

    code: str
    name: str
    formula: str
    placement: str
    basis: str
    value: Decimal | None = None
    display: str = ""
    explanation: dict[str, Any] | None = None
    mark: str = MARK


def _method_of(code: str) -> MethodVersion | None:
    try:
        return get_method(code)
    except RatingInputError:
        return None


def method_regional(method: MethodVersion) -> list[RegionalFigure]:
    """The version's regional indicators, explained for the method page."""
    return [_figure(method, indicator) for indicator in method.regional]


def _figure(method: MethodVersion, indicator, **values) -> RegionalFigure:
    """``indicator`` as the version describes it, with any stored ``values``."""
    return RegionalFigure(
        code=indicator.code,
        name=indicator.name,
        formula=indicator.formula.describe(),
        placement=placement(method, indicator),
        basis=indicator.basis,
        **values,
    )


def _value(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(raw)


def card_regional(result: PublishedResult | None) -> list[RegionalFigure]:
    """The regional indicators of a published result, with "как посчитано"."""
    if result is None or is_published_elsewhere(result):
        return []
    method = _method_of(result.method_version)
    if method is None or not method.regional:
        return []
    stored = result.regional_indicators or {}
    figures = []
    for indicator in method.regional:
        if indicator.code not in stored:
            continue  # published before the version had it: nothing to show
        value = _value(stored[indicator.code])
        figures.append(
            _figure(
                method,
                indicator,
                value=value,
                display=display_value(indicator, value),
                explanation=how_computed(result, indicator.code),
            )
        )
    return figures


@dataclass(frozen=True)
class RegionalSummary:
    """A regional indicator across a publication: the results page block."""

    code: str
    name: str
    formula: str
    placement: str
    organisations: int
    mean: str
    lowest: str
    highest: str
    mark: str = MARK


def campaign_regional(
    campaign: Campaign, publication: Publication | None
) -> list[RegionalSummary]:
    """Per regional indicator: organisations with a value, mean, min and max.

    The mean is exact over the published values and rounded half-up to the
    indicator's decimals, like every other figure.
    """
    if publication is None:
        return []
    method = _method_of(campaign.method_version)
    if method is None or not method.regional:
        return []
    stored = published_aggregates.stored(publication)
    rows = (
        []
        if stored is not None
        else list(
            PublishedResult.objects.filter(publication=publication).values_list(
                "regional_indicators", flat=True
            )
        )
    )
    summaries = []
    for indicator in method.regional:
        if stored is not None:
            figures = stored.regional(indicator.code)
        else:
            values = [
                Decimal(row[indicator.code])
                for row in rows
                if row and row.get(indicator.code) is not None
            ]
            figures = (
                (len(values), sum(values, Decimal(0)), min(values), max(values))
                if values
                else None
            )
        count = 0
        if figures is not None:
            count, total, lowest, highest = figures
            exact = Fraction(total) / count
            mean = quantize_exact(exact, indicator.decimals, method.rounding)
            text = (
                display_value(indicator, mean),
                display_value(indicator, lowest),
                display_value(indicator, highest),
            )
        else:
            text = (display_value(indicator, None),) * 3
        summaries.append(
            RegionalSummary(
                code=indicator.code,
                name=indicator.name,
                formula=indicator.formula.describe(),
                placement=placement(method, indicator),
                organisations=count,
                mean=text[0],
                lowest=text[1],
                highest=text[2],
            )
        )
    return summaries
