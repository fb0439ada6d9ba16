"""The distribution chart: a histogram of total scores on the 0–100 scale."""

from __future__ import annotations

import math
from decimal import Decimal

from cms_blocks.formatting import count_with_noun, format_number, format_score

from .primitives import (
    LEGEND,
    SMALL_TEXT_SIZE,
    TEXT_SIZE,
    VALUE_COLOUR,
    WHITE,
    WIDTH,
    Chart,
    check_prefix,
    decimal_or_none,
    decimals_or_none,
    draw_rect,
    draw_text,
    svg_document,
    value_gridline,
)

_HIST_X = 40
_HIST_PLOT = 300  # width of the bins together
_HIST_HEIGHT = 180
_HIST_LABEL_GAP = 6  # least space between two interval labels on one row


def _text_width(text: str, size: int = SMALL_TEXT_SIZE) -> Decimal:
    """A generous estimate of the drawn width of a label of digits and dashes."""
    return Decimal(len(text)) * size * Decimal("0.6")


def distribution_chart(
    *,
    title: str,
    totals: list[Decimal | None],
    bin_width: int = 10,
    id_prefix: str,
    highlight: Decimal | None = None,
    binned: tuple[list[int], int] | None = None,
) -> Chart:
    """Histogram of total scores on the 0–100 scale.

    Bins are half-open, ``[a, b)``: the bin 0–10 holds 0 up to but not
    including 10. The last bin is closed, ``[90, 100]``, so that 100 is
    counted. Each bar has its count written above it and its interval under it.
    ``highlight`` (such as the organisation's own total) fills its bin with a
    hatch pattern and labels it "здесь {value}"; a legend explains the hatch.
    Missing totals are left out of the bars and counted in the description.

    Args:
        title: Chart title.
        totals: The totals, one per organisation; ``None`` for no data.
        bin_width: Width of a bin in points; must divide 100.
        id_prefix: Prefix for every ``id`` in the SVG, unique on the page.
        highlight: A value whose bin to mark, or ``None``.
        binned: The totals already counted per bin of ``bin_width`` and the
            number missing (a publication's stored distribution); ``totals``
            is then not read.

    Returns:
        The chart, with table columns ``["Интервал баллов", "Число организаций"]``.

    Raises:
        ValueError: If ``bin_width`` does not divide 100, a total or the
            highlight lies outside 0–100, or ``id_prefix`` cannot start an id.
    """
    check_prefix(id_prefix)
    if not 0 < bin_width <= 100 or 100 % bin_width:
        raise ValueError("Ширина интервала должна быть делителем 100.")
    bin_count = 100 // bin_width
    highlight = decimal_or_none(highlight)
    known = [total for total in decimals_or_none(totals) if total is not None]
    for value in [*known, *([] if highlight is None else [highlight])]:
        if not 0 <= value <= 100:
            raise ValueError(f"Балл вне шкалы 0–100: {value}.")

    def bin_of(value: Decimal) -> int:
        return min(int(value // bin_width), bin_count - 1)

    counts = [0] * bin_count
    for value in known:
        counts[bin_of(value)] += 1
    missing = len(totals) - len(known)
    if binned is not None:
        counts, missing = list(binned[0]), binned[1]
        if len(counts) != bin_count:
            raise ValueError("Число интервалов не соответствует их ширине.")
    intervals = [f"{start}–{start + bin_width}" for start in range(0, 100, bin_width)]
    marked = None if highlight is None else bin_of(highlight)

    slot = Decimal(_HIST_PLOT) / bin_count
    plot_right = _HIST_X + _HIST_PLOT
    inset = min(Decimal(6), slot / 5)
    # Interval labels wider than a bin go on staggered rows.
    widest = max(_text_width(interval) for interval in intervals) + _HIST_LABEL_GAP
    label_rows = max(1, math.ceil(widest / slot))
    baseline = (30 if highlight is None else 56) + 44 + _HIST_HEIGHT
    step = _nice_step(max(counts))
    y_max = max(step, -(-max(counts) // step) * step)
    hatch = f"url(#{id_prefix}-hatch)"

    defs = []
    body = [draw_text(8, 20, "Число организаций", "chart__axis-title")]
    if highlight is not None:
        defs.append(
            f'<pattern id="{id_prefix}-hatch" patternUnits="userSpaceOnUse" '
            'width="8" height="8" patternTransform="rotate(45)">'
            f'<rect class="chart__hatch-ground" width="8" height="8" fill="{WHITE}"/>'
            '<line class="chart__hatch-line" x1="0" y1="0" x2="0" y2="8" '
            f'stroke="{VALUE_COLOUR}" stroke-width="4"/></pattern>'
        )
        body.append(
            draw_rect(
                f"{LEGEND} chart__legend-symbol--hatch",
                _HIST_X,
                34,
                20,
                12,
                fill=hatch,
            )
        )
        legend = f"интервал со значением {format_score(highlight)}"
        body.append(draw_text(_HIST_X + 28, 45, legend, "chart__legend"))

    for tick in range(0, y_max + 1, step):
        y = baseline - Decimal(tick) * _HIST_HEIGHT / y_max
        text = format_number(tick, 0)
        body.extend(value_gridline(y, _HIST_X, plot_right, text, axis=not tick))

    for index, (count, interval) in enumerate(zip(counts, intervals, strict=True)):
        left = _HIST_X + index * slot
        centre = left + Decimal(slot) / 2
        top = baseline - Decimal(count) * _HIST_HEIGHT / y_max
        if index == marked:
            body.append(
                draw_rect(
                    "chart__bar chart__bar--highlight",
                    left + inset,
                    top,
                    slot - 2 * inset,
                    baseline - top,
                    fill=hatch,
                    stroke_width=2,
                )
            )
            body.append(
                draw_text(
                    min(
                        centre,
                        WIDTH
                        - _text_width(f"здесь {format_score(highlight)}", TEXT_SIZE)
                        / 2,
                    ),
                    top - 26,
                    f"здесь {format_score(highlight)}",
                    "chart__highlight",
                    anchor="middle",
                    bold=True,
                    halo=True,
                )
            )
        else:
            body.append(
                draw_rect(
                    "chart__bar", left + inset, top, slot - 2 * inset, baseline - top
                )
            )
        body.append(
            draw_text(
                centre,
                top - 6,
                format_number(count, 0),
                "chart__value",
                anchor="middle",
                bold=True,
            )
        )
        body.append(
            draw_text(
                centre,
                baseline + 18 + 16 * (index % label_rows),
                interval,
                "chart__axis",
                anchor="middle",
                size=SMALL_TEXT_SIZE,
            )
        )
    below = 16 * (label_rows - 1)
    body.append(
        draw_text(
            (_HIST_X + plot_right) / 2,
            baseline + 42 + below,
            "Интервал баллов",
            "chart__axis-title",
            anchor="middle",
        )
    )

    description = _distribution_description(
        counts, intervals, missing, highlight, marked
    )
    svg = svg_document(
        id_prefix=id_prefix,
        width=WIDTH,
        height=baseline + 56 + below,
        title=title,
        description=description,
        body=body,
        defs=defs,
    )
    rows = [
        [interval, format_number(count, 0)]
        for interval, count in zip(intervals, counts, strict=True)
    ]
    columns = ["Интервал баллов", "Число организаций"]
    return Chart(title, description, svg, columns, rows)


def _nice_step(largest: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that needs at most five grid steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if largest <= factor * magnitude * 5:
                return factor * magnitude
        magnitude *= 10


def _distribution_description(
    counts: list[int],
    intervals: list[str],
    missing: int,
    highlight: Decimal | None,
    marked: int | None,
) -> str:
    total = sum(counts)
    if total == 0:
        sentences = ["Нет данных."]
    else:
        organisations = count_with_noun(
            total, "организация", "организации", "организаций"
        )
        largest = max(counts)
        top = [
            interval
            for interval, count in zip(intervals, counts, strict=True)
            if count == largest
        ]
        if len(top) == 1:
            peak = f"Больше всего организаций в интервале {top[0]}: {largest}."
        else:
            peak = (
                f"Больше всего организаций в интервалах {', '.join(top)}: по {largest}."
            )
        sentences = [f"Распределение по баллам, всего {organisations}.", peak]
    if highlight is not None and marked is not None:
        sentences.append(
            f"Отмеченное значение {format_score(highlight)} — "
            f"в интервале {intervals[marked]}."
        )
    if missing:
        sentences.append(f"Без данных: {missing}.")
    return " ".join(sentences)
