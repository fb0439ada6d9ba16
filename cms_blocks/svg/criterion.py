"""The criterion chart: horizontal bars, one per criterion, with a reference."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from cms_blocks.formatting import format_score, plural_form

from .primitives import (
    DEFAULT_REFERENCE_LABEL,
    LEGEND_VALUE,
    NO_DATA,
    REFERENCE_COLOUR,
    SMALL_TEXT_SIZE,
    TEXT_COLOUR,
    Chart,
    Series,
    check_prefix,
    clamp,
    decimals_or_none,
    draw_line,
    draw_rect,
    draw_text,
    escape_text,
    reference_tick,
    scale_top,
    tag,
    tick_text,
)

_BAR_X = 8
_BAR_FULL = 292  # length of a full bar; the rest of the width holds value labels
_BAR_HEIGHT = 20
_LINE_HEIGHT = 19
_LABEL_WRAP = 38  # characters per label line at 15 units across the chart


def criterion_chart(
    *,
    title: str,
    labels: list[str],
    values: list[Decimal | None],
    reference: list[Decimal | None] | None = None,
    value_label: str,
    reference_label: str = DEFAULT_REFERENCE_LABEL,
    id_prefix: str,
    max_value: Decimal | int = 100,
) -> Chart:
    """Horizontal bars, one row per criterion, with an optional reference.

    Each row shows its label (wrapped if long) above a solid bar whose length
    is proportional to the value on the 0–``max_value`` scale (clamped to it),
    with the value written at the end of the bar. A reference value is a
    dashed vertical tick topped by a diamond, with its number written under it.
    A missing value leaves no bar and the text "нет данных".

    Args:
        title: Chart title.
        labels: Row labels, such as "К1 Открытость и доступность информации".
        values: One value per label; ``None`` for no data.
        reference: Reference values (such as the regional average), one per
            label, or ``None`` for no reference at all.
        value_label: What the bars show, for the legend and table header.
        reference_label: What the ticks show.
        id_prefix: Prefix for every ``id`` in the SVG, unique on the page.
        max_value: The value of a full-length bar.

    Returns:
        The chart, with table columns ``["Показатель", value_label,
        reference_label]`` (the last only with a reference).

    Raises:
        ValueError: If the lists differ in length, ``max_value`` is not
            positive or ``id_prefix`` cannot start an id.
    """
    check_prefix(id_prefix)
    if len(values) != len(labels) or (
        reference is not None and len(reference) != len(labels)
    ):
        raise ValueError("Число значений не совпадает с числом подписей.")
    maximum = scale_top(max_value)
    values = decimals_or_none(values)
    references = (
        decimals_or_none(reference) if reference is not None else [None] * len(labels)
    )

    def scale(value: Decimal) -> Decimal:
        return _BAR_X + clamp(value, maximum) * _BAR_FULL / maximum

    # Legend: one symbol per line, so that long labels never collide.
    body = [
        draw_rect(LEGEND_VALUE, _BAR_X, 12, 20, 12),
        draw_text(36, 23, value_label, "chart__legend"),
    ]
    top = 36
    if reference is not None:
        body.append(
            reference_tick(Decimal(_BAR_X + 10), Decimal(36), Decimal(52), legend=True)
        )
        body.append(draw_text(36, 49, reference_label, "chart__legend"))
        top = 60
    axis_y = top + 18
    rows_top = axis_y + 10

    marks: list[str] = []
    y = Decimal(rows_top)
    for label, value, ref in zip(labels, values, references, strict=True):
        lines = textwrap.wrap(label, _LABEL_WRAP) or [""]
        tspans = "".join(
            tag("tspan", escape_text(line), x=_BAR_X, dy=_LINE_HEIGHT if index else 0)
            for index, line in enumerate(lines)
        )
        marks.append(
            tag(
                "text",
                tspans,
                class_="chart__category",
                x=_BAR_X,
                y=y + 14,
                fill=TEXT_COLOUR,
            )
        )
        bar_y = y + _LINE_HEIGHT * len(lines) + 8
        if value is None:
            marks.append(draw_text(_BAR_X, bar_y + 15, NO_DATA, "chart__no-data"))
        else:
            end = scale(value)
            marks.append(
                draw_rect("chart__bar", _BAR_X, bar_y, end - _BAR_X, _BAR_HEIGHT)
            )
            marks.append(
                draw_text(
                    end + 6,
                    bar_y + 15,
                    format_score(value),
                    "chart__value",
                    bold=True,
                    halo=True,
                )
            )
        if ref is not None:
            x = scale(ref)
            marks.append(reference_tick(x, bar_y - 6, bar_y + _BAR_HEIGHT + 6))
            marks.append(
                draw_text(
                    x,
                    bar_y + _BAR_HEIGHT + 20,
                    format_score(ref),
                    "chart__reference-value",
                    anchor="middle",
                    fill=REFERENCE_COLOUR,
                    size=SMALL_TEXT_SIZE,
                    halo=True,
                )
            )
        y = bar_y + _BAR_HEIGHT + (30 if reference is not None else 16)

    # Scale labels along the top and grid lines down through the rows.
    for tick in (maximum * step / 4 for step in range(5)):
        x = scale(tick)
        body.append(draw_line("chart__grid", x, rows_top, x, y))
        body.append(
            draw_text(
                x,
                axis_y,
                tick_text(tick),
                "chart__axis",
                anchor="middle",
                size=SMALL_TEXT_SIZE,
            )
        )
    body.extend(marks)

    shown = references if reference is not None else None
    series = Series(labels, values, shown, value_label, reference_label)
    return series.chart(
        "Показатель", _criterion_description, title, id_prefix, y + 8, body
    )


def _criterion_description(series: Series) -> str:
    known = series.known()
    if not known:
        return "Нет данных."
    if len(known) == 1:
        sentences = [
            f"{series.value_label}: {known[0][0]} — {format_score(known[0][1])}."
        ]
    else:
        # max() and min() keep the first of equal values, so the text is stable.
        high = max(known, key=lambda item: item[1])
        low = min(known, key=lambda item: item[1])
        sentences = [
            f"{series.value_label}: наибольшее значение "
            f"{format_score(high[1])} — {high[0]}, наименьшее {format_score(low[1])} — {low[0]}."
        ]
    if series.references is not None:
        pairs = [
            (label, value, ref)
            for label, value, ref in zip(
                series.labels, series.values, series.references, strict=True
            )
            if value is not None and ref is not None
        ]
        if pairs:
            at_least = sum(1 for _, value, ref in pairs if value >= ref)
            noun = plural_form(len(pairs), "показателя", "показателей", "показателей")
            sentences.append(
                f"Не ниже значения «{series.reference_label}» — "
                f"{at_least} из {len(pairs)} {noun}."
            )
            behind = [
                (label, value - ref) for label, value, ref in pairs if value < ref
            ]
            if behind:
                label, gap = min(behind, key=lambda item: item[1])
                sentences.append(
                    f"Наибольшее отставание — {label} ({format_score(gap)})."
                )
    missing = len(series.values) - len(known)
    if missing:
        sentences.append(f"Нет данных: {missing}.")
    return " ".join(sentences)
