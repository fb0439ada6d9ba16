"""The trend chart: a score across campaigns as a line, with a reference line."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from cms_blocks.formatting import format_score

from .primitives import (
    DEFAULT_REFERENCE_LABEL,
    LEGEND_REFERENCE,
    LEGEND_VALUE,
    REFERENCE_COLOUR,
    SMALL_TEXT_SIZE,
    VALUE_COLOUR,
    Chart,
    Coordinate,
    Series,
    check_prefix,
    clamp,
    coord,
    decimal_or_none,
    draw_circle,
    draw_line,
    draw_square,
    draw_text,
    scale_top,
    tag,
    tick_text,
    value_gridline,
)

_TREND_LEFT = 40
_TREND_RIGHT = 344
_TREND_PAD = 28  # between the plot edge and the first and last points
_TREND_HEIGHT = 180


def trend_chart(
    *,
    title: str,
    points: list[tuple[str, Decimal | None]],
    reference: list[tuple[str, Decimal | None]] | None = None,
    value_label: str,
    reference_label: str = DEFAULT_REFERENCE_LABEL,
    id_prefix: str,
    max_value: Decimal | int = 100,
) -> Chart:
    """Line chart across campaigns, with an optional reference line.

    The series is a solid line with filled circle markers, the reference a
    dashed line with hollow square markers; every point has its value written
    beside it (of two values at one point, the higher above its marker, the
    lower below). A missing value breaks the line; a lone point is a marker
    without a line.

    Args:
        title: Chart title.
        points: ``(label, value)`` pairs in display order, such as
            ``("2024", Decimal("87.4"))``; ``None`` for no data that year.
        reference: ``(label, value)`` pairs of the reference series. A label
            only the reference has becomes a point without a value: when all
            labels are years (digits only) they are put in numeric order,
            otherwise it goes after the reference label before it.
        value_label: What the series shows, for the legend and table header.
        reference_label: What the reference shows.
        id_prefix: Prefix for every ``id`` in the SVG, unique on the page.
        max_value: The top of the vertical scale, whose bottom is 0.

    Returns:
        The chart, with table columns ``["Год", value_label, reference_label]``
        (the last only with a reference).

    Raises:
        ValueError: If a label repeats within a series, ``max_value`` is not
            positive or ``id_prefix`` cannot start an id.
    """
    check_prefix(id_prefix)
    own = _by_label(points)
    others = _by_label(reference or [])
    labels = _merge_labels(list(own), list(others))
    values = [own.get(label) for label in labels]
    references = [others.get(label) for label in labels]
    maximum = scale_top(max_value)
    baseline = (30 if reference is None else 54) + 24 + _TREND_HEIGHT

    def x_of(index: int) -> Decimal:
        if len(labels) == 1:
            return Decimal(_TREND_LEFT + _TREND_RIGHT) / 2
        span = _TREND_RIGHT - _TREND_LEFT - 2 * _TREND_PAD
        return _TREND_LEFT + _TREND_PAD + Decimal(span) * index / (len(labels) - 1)

    def y_of(value: Decimal) -> Decimal:
        return baseline - clamp(value, maximum) * _TREND_HEIGHT / maximum

    body = [
        _legend_line(16, value=True),
        draw_text(44, 21, value_label, "chart__legend"),
    ]
    if reference is not None:
        body.append(_legend_line(40, value=False))
        body.append(draw_text(44, 45, reference_label, "chart__legend"))
    for step in range(6):
        tick = maximum * step / 5
        y = y_of(tick)
        text = tick_text(tick)
        body.extend(value_gridline(y, _TREND_LEFT, _TREND_RIGHT, text, axis=not step))
    for index, label in enumerate(labels):
        body.append(
            draw_text(
                x_of(index),
                baseline + 24,
                label,
                "chart__axis",
                anchor="middle",
                size=SMALL_TEXT_SIZE,
            )
        )

    if reference is not None:
        body.extend(_line_paths(references, x_of, y_of, value=False))
    body.extend(_line_paths(values, x_of, y_of, value=True))
    body.extend(
        draw_square(x_of(index), y_of(ref))
        for index, ref in enumerate(references)
        if ref is not None
    )
    body.extend(
        draw_circle(x_of(index), y_of(value))
        for index, value in enumerate(values)
        if value is not None
    )
    for index, (value, ref) in enumerate(zip(values, references, strict=True)):
        x = x_of(index)
        value_on_top = value is not None and (ref is None or value >= ref)
        if value is not None:
            y = y_of(value) + (-10 if value_on_top else 20)
            text = format_score(value)
            body.append(
                draw_text(
                    x, y, text, "chart__value", anchor="middle", bold=True, halo=True
                )
            )
        if ref is not None:
            y = y_of(ref) + (20 if value_on_top else -10)
            body.append(
                draw_text(
                    x,
                    y,
                    format_score(ref),
                    "chart__reference-value",
                    anchor="middle",
                    fill=REFERENCE_COLOUR,
                    halo=True,
                )
            )

    shown = references if reference is not None else None
    series = Series(labels, values, shown, value_label, reference_label)
    return series.chart(
        "Год", _trend_description, title, id_prefix, baseline + 40, body
    )


def _by_label(
    pairs: list[tuple[str, Decimal | None]],
) -> dict[str, Decimal | None]:
    result: dict[str, Decimal | None] = {}
    for label, value in pairs:
        if label in result:
            raise ValueError(f"Подпись {label!r} повторяется.")
        result[label] = decimal_or_none(value)
    return result


def _merge_labels(labels: list[str], extra: list[str]) -> list[str]:
    """Add the reference's own labels to the points' labels, keeping the order."""
    merged = list(labels)
    previous: str | None = None
    for label in extra:
        if label not in merged:
            merged.insert(0 if previous is None else merged.index(previous) + 1, label)
        previous = label
    if merged and all(label.isdigit() for label in merged):
        merged.sort(key=int)
    return merged


def _legend_line(y: int, *, value: bool) -> str:
    if value:
        line = draw_line(
            LEGEND_VALUE, 8, y, 36, y, stroke=VALUE_COLOUR, width=Decimal("2.5")
        )
        return line + draw_circle(Decimal(22), Decimal(y), legend=True)
    line = draw_line(
        LEGEND_REFERENCE, 8, y, 36, y, stroke=REFERENCE_COLOUR, width=2, dash="6 4"
    )
    return line + draw_square(Decimal(22), Decimal(y), legend=True)


def _line_paths(
    values: list[Decimal | None],
    x_of: Callable[[int], Decimal],
    y_of: Callable[[Decimal], Decimal],
    *,
    value: bool,
) -> list[str]:
    """One path per run of consecutive known values; runs of one get none."""
    runs: list[list[tuple[Decimal, Decimal]]] = [[]]
    for index, item in enumerate(values):
        if item is None:
            runs.append([])
        else:
            runs[-1].append((x_of(index), y_of(item)))
    if value:
        style: dict[str, str | Coordinate] = {
            "class_": "chart__line chart__line--value",
            "stroke": VALUE_COLOUR,
            "stroke_width": Decimal("2.5"),
        }
    else:
        style = {
            "class_": "chart__line chart__line--reference",
            "stroke": REFERENCE_COLOUR,
            "stroke_width": 2,
            "stroke_dasharray": "6 4",
        }
    return [
        tag(
            "path",
            d=" ".join(
                f"{'L' if index else 'M'}{coord(x)} {coord(y)}"
                for index, (x, y) in enumerate(run)
            ),
            fill="none",
            **style,
        )
        for run in runs
        if len(run) > 1
    ]


def _signed(value: Decimal) -> str:
    """Format a change of a score with an explicit plus: "+2,10", "−0,40", "0,00"."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ("+" if rounded > 0 else "") + format_score(rounded)


def _trend_description(series: Series) -> str:
    known = series.known()
    if not known:
        return "Нет данных."
    (first_label, first), (last_label, last) = known[0], known[-1]
    if len(known) == 1:
        sentences = [f"{series.value_label}: {last_label} — {format_score(last)}."]
    else:
        sentences = [
            f"{series.value_label}: {first_label} — {format_score(first)}, "
            f"{last_label} — {format_score(last)} (изменение {_signed(last - first)})."
        ]
    if series.references is not None:
        ref = series.references[series.labels.index(last_label)]
        if ref is not None:
            sentences.append(
                f"{series.reference_label}: {last_label} — {format_score(ref)}."
            )
    gaps = [
        label
        for label, value in zip(series.labels, series.values, strict=True)
        if value is None
    ]
    if gaps:
        sentences.append(f"Нет данных: {', '.join(gaps)}.")
    return " ".join(sentences)
