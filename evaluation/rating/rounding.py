"""Exact rounding of rational values to published decimals (METHOD.md §2)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = Fraction | Decimal | int


def quantize_exact(
    value: Number, decimals: int = 2, rounding: str = ROUND_HALF_UP
) -> Decimal:
    """Round an exact value to ``decimals`` places with a :mod:`decimal` mode.

    The value is never approximated first: dividing 11 by 13 in Decimal and
    adding later could turn an exact half (…,xx5) into …,xx4999 and round it
    the wrong way.

    Args:
        value: The exact value.
        decimals: Decimal places to keep.
        rounding: A :mod:`decimal` rounding mode, ``ROUND_HALF_UP`` by default.

    Returns:
        A Decimal with exactly ``decimals`` places, e.g. ``Decimal("90.00")``.
    """
    if isinstance(value, int):
        numerator, denominator = value, 1
    elif isinstance(value, Fraction):
        numerator, denominator = value.numerator, value.denominator
    else:
        numerator, denominator = value.as_integer_ratio()
    numerator *= 10**decimals
    if rounding == ROUND_HALF_UP and numerator >= 0:
        # Fast exact path for the method's mode: floor(x + ½) for x ≥ 0.
        rounded_int = (2 * numerator + denominator) // (2 * denominator)
        return Decimal(rounded_int).scaleb(-decimals)
    whole, rest = divmod(numerator, denominator)
    # Stand in for the exact remainder with a Decimal on the same side of ½,
    # so Decimal applies the rounding mode to an exactly representable value.
    if rest == 0:
        tail = Decimal(0)
    elif 2 * rest == denominator:
        tail = Decimal("0.5")
    elif 2 * rest < denominator:
        tail = Decimal("0.25")
    else:
        tail = Decimal("0.75")
    rounded = (Decimal(whole) + tail).quantize(Decimal(1), rounding=rounding)
    return rounded.scaleb(-decimals)
