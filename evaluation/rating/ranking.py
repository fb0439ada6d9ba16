"""Ranking and aggregates of totals (METHOD.md §2, "Rank" and "Aggregates")."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, Inexact, Rounded, localcontext
from fractions import Fraction
from typing import TypeVar

from evaluation.rating.rounding import quantize_exact

K = TypeVar("K", bound=Hashable)


def dense_rank(items: Iterable[tuple[K, Decimal | None]]) -> dict[K, int | None]:
    """Rank by total descending with dense ranking, METHOD.md §2 "Rank".

    Equal totals share a place and the next place follows on (90, 90, 85 →
    1, 1, 2). An organisation without a total has no rank.

    Args:
        items: ``(key, total)`` pairs, e.g. organisation id and its total S.

    Returns:
        Key → place (from 1) or ``None``, in the order the keys were given;
        the places do not depend on that order.

    Raises:
        ValueError: a key occurs twice.
    """
    pairs = list(items)
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("Организация встречается в рейтинге дважды.")
    places = {
        value: place
        for place, value in enumerate(
            sorted({value for _, value in pairs if value is not None}, reverse=True),
            start=1,
        )
    }
    return {key: None if value is None else places[value] for key, value in pairs}


@dataclass(frozen=True)
class Aggregate:
    """Summary of organisations' values, METHOD.md §2 "Aggregates".

    Attributes:
        mean: Arithmetic mean, rounded half-up to 2 decimals; ``None`` if no
            value is defined.
        min: Smallest value, or ``None``.
        max: Largest value, or ``None``.
        count: How many values were defined (``None`` values are ignored).
    """

    mean: Decimal | None
    min: Decimal | None
    max: Decimal | None
    count: int


def aggregate(
    values: Iterable[Decimal | None],
    *,
    decimals: int = 2,
    rounding: str = ROUND_HALF_UP,
) -> Aggregate:
    """Mean, min, max and count of a district's, kind's or region's values.

    The mean is computed exactly and rounded once (half-up, 2 decimals by
    default, as every published level of METHOD.md §2).

    Args:
        values: Criterion values or totals of organisations; ``None`` ignored.
        decimals: Decimal places of the mean.
        rounding: A :mod:`decimal` rounding mode.

    Returns:
        The aggregate.
    """
    defined = [value for value in values if value is not None]
    if not defined:
        return Aggregate(mean=None, min=None, max=None, count=0)
    exact = _exact_sum(defined) / len(defined)
    mean = quantize_exact(exact, decimals, rounding)
    return Aggregate(mean=mean, min=min(defined), max=max(defined), count=len(defined))


def _exact_sum(values: list[Decimal]) -> Fraction:
    """The exact sum: Decimal arithmetic when it is exact, Fractions otherwise.

    Summing Decimals in a wide context and converting once is an order of
    magnitude faster than adding Fractions; the Inexact trap guarantees the
    result is the same.
    """
    with localcontext() as context:
        context.prec = 80
        context.traps[Inexact] = True
        context.traps[Rounded] = True
        try:
            return Fraction(sum(values, Decimal(0)))
        except (Inexact, Rounded):
            return sum((Fraction(value) for value in values), Fraction(0))
