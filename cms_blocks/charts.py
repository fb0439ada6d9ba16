"""Server-rendered, accessible SVG charts of evaluation results.

Each builder returns a :class:`Chart`: complete SVG markup plus the same
figures as a data table (and CSV) that the template shows beside the picture.
The SVG carries ``role="img"`` with a ``<title>`` and a ``<desc>`` that sums the
data up in a Russian sentence, so screen readers get the summary and the table
gives the detail.

Meaning never rests on colour alone: the organisation's values are solid bars
or circles on a solid line, reference values are dashed ticks with diamonds or
hollow squares on a dashed line, every mark carries its number as text, and
each chart draws a legend with its symbols. Bars have a dark stroke so they
survive printing without background graphics. All text inserted into the
markup is escaped, and every ``id`` starts with the caller's ``id_prefix`` so
that several charts can share a page. The output depends only on the input.
"""

from __future__ import annotations

import csv
import io
import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape

from cms_blocks.formatting import (
    EM_DASH,
    MINUS,
    NBSP,
    count_with_noun,
    format_number,
    format_score,
    plural_form,
    to_decimal,
)

TEXT_COLOUR = "#1a1a1a"
VALUE_COLOUR = "#1f4e8c"  # 8.3:1 against white
VALUE_STROKE = "#0f2747"
REFERENCE_COLOUR = "#b3261e"  # 6.5:1 against white
GRID_COLOUR = "#d0d0d0"
AXIS_COLOUR = "#595959"
WHITE = "#ffffff"

# Charts are drawn 360 units wide, about the width they get on a phone (358 px
# at 390 px), so that 1 unit is about 1 px there and the smallest text, 13
# units, stays above 12 px. Wider screens and the large sizes of the version
# for the visually impaired scale the whole drawing up (site.css sizes it in
# rem), so text grows with the reader's chosen size.
WIDTH = 360
TEXT_SIZE = 15
SMALL_TEXT_SIZE = 13

NO_DATA = "нет данных"
DEFAULT_REFERENCE_LABEL = "Среднее по краю"

# Legend symbols share one class so that they never count as data marks.
_LEGEND = "chart__legend-symbol"
# The same with the series it stands for, so that site.css can colour it.
_LEGEND_VALUE = f"{_LEGEND} {_LEGEND}--value"
_LEGEND_REFERENCE = f"{_LEGEND} {_LEGEND}--reference"
_ID_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters that XML 1.0 forbids even when escaped.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NUMBER_CELL_RE = re.compile(r"[\u2212-]?(?:\d{1,3}(?:\u00a0\d{3})+|\d+)(?:,\d+)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TENTH = Decimal("0.1")

Coordinate = Decimal | int


@dataclass(frozen=True)
class Chart:
    """An SVG chart together with the data table that goes beside it.

    Attributes:
        title: Russian title, shown by the caller as ``<figcaption>`` and by
            the SVG as its ``<title>``.
        description: Russian sentences summarising the data (the SVG ``<desc>``).
        svg: Complete, escaped ``<svg>`` markup; the caller marks it safe.
        columns: Header cells of the data table.
        rows: Body cells of the data table, already formatted for Russian.
    """

    title: str
    description: str
    svg: str
    columns: list[str]
    rows: list[list[str]]

    def csv_text(self) -> str:
        """Return the data table as CSV for Russian Excel.

        Cells are separated by ``;`` and lines end in CRLF, as the ``csv``
        module writes them. Numbers keep their decimal comma but lose the digit
        group spaces and get an ASCII minus so that Excel reads them as
        numbers; a missing value (em dash) becomes an empty cell; text that
        Excel would take for a formula gets a leading apostrophe. The caller
        adds the UTF-8 byte order mark.

        Returns:
            The CSV text: the header row, then one line per table row.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([_csv_cell(cell) for cell in self.columns])
        writer.writerows([_csv_cell(cell) for cell in row] for row in self.rows)
        return buffer.getvalue()


def _csv_cell(cell: str) -> str:
    if cell == EM_DASH:
        return ""
    if _NUMBER_CELL_RE.fullmatch(cell):
        return cell.replace(NBSP, "").replace(MINUS, "-")
    if cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


# Markup helpers -----------------------------------------------------------------


def _text(value: str) -> str:
    """Escape text for an SVG text node or attribute value."""
    return str(escape(_XML_INVALID_RE.sub("", str(value))))


def _n(value: Coordinate) -> str:
    """Write a coordinate rounded to one decimal place, without a trailing ".0"."""
    number = Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP)
    if number == 0:
        return "0"
    return format(number, "f").removesuffix(".0")


def _tag(name: str, content: str | None = None, /, **attrs: str | Coordinate) -> str:
    """Build an element; ``content`` must already be markup (escaped text).

    Keyword names become attribute names: a trailing underscore is dropped
    (``class_``) and other underscores become hyphens (``stroke_width``).
    """
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{_text(value) if isinstance(value, str) else _n(value)}"'
        for key, value in attrs.items()
    )
    if content is None:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{content}</{name}>"


def _label(
    x: Coordinate,
    y: Coordinate,
    text: str,
    css_class: str,
    *,
    anchor: str = "start",
    fill: str = TEXT_COLOUR,
    size: int = TEXT_SIZE,
    bold: bool = False,
    halo: bool = False,
) -> str:
    attrs: dict[str, str | Coordinate] = {}
    if bold:
        attrs["font_weight"] = "bold"
    if halo:
        # A white outline keeps numbers legible over grid and dashed lines.
        attrs.update(stroke=WHITE, stroke_width=3, paint_order="stroke")
    return _tag(
        "text",
        _text(text),
        class_=css_class,
        x=x,
        y=y,
        text_anchor=anchor,
        fill=fill,
        font_size=size,
        **attrs,
    )


def _line(
    css_class: str,
    x1: Coordinate,
    y1: Coordinate,
    x2: Coordinate,
    y2: Coordinate,
    *,
    stroke: str = GRID_COLOUR,
    width: Coordinate = 1,
    dash: str | None = None,
) -> str:
    attrs: dict[str, str | Coordinate] = {"stroke_dasharray": dash} if dash else {}
    return _tag(
        "line",
        class_=css_class,
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=stroke,
        stroke_width=width,
        **attrs,
    )


def _rect(
    css_class: str,
    x: Coordinate,
    y: Coordinate,
    width: Coordinate,
    height: Coordinate,
    *,
    fill: str = VALUE_COLOUR,
    stroke_width: Coordinate = 1,
) -> str:
    return _tag(
        "rect",
        class_=css_class,
        x=x,
        y=y,
        width=width,
        height=height,
        fill=fill,
        stroke=VALUE_STROKE,
        stroke_width=stroke_width,
    )


def _reference_tick(
    x: Decimal, y1: Decimal, y2: Decimal, *, legend: bool = False
) -> str:
    """A dashed vertical tick topped by a diamond."""
    size = 5
    points = " ".join(
        f"{_n(px)},{_n(py)}"
        for px, py in ((x, y1 - size), (x + size, y1), (x, y1 + size), (x - size, y1))
    )
    css_class = _LEGEND_REFERENCE if legend else "chart__reference"
    # A white underlay keeps the dashes visible where the tick crosses a bar.
    underlay = _line("chart__halo", x, y1, x, y2, stroke=WHITE, width=4)
    line = _line(css_class, x, y1, x, y2, stroke=REFERENCE_COLOUR, width=2, dash="4 3")
    diamond = _tag(
        "polygon",
        class_=_LEGEND_REFERENCE
        if legend
        else "chart__marker chart__marker--reference",
        points=points,
        fill=REFERENCE_COLOUR,
    )
    return underlay + line + diamond


def _circle(x: Decimal, y: Decimal, *, legend: bool = False) -> str:
    return _tag(
        "circle",
        class_=_LEGEND_VALUE if legend else "chart__marker chart__marker--value",
        cx=x,
        cy=y,
        r=5,
        fill=VALUE_COLOUR,
        stroke=VALUE_STROKE,
        stroke_width=1,
    )


def _square(x: Decimal, y: Decimal, *, legend: bool = False) -> str:
    half = Decimal("4.5")
    return _tag(
        "rect",
        class_=_LEGEND_REFERENCE
        if legend
        else "chart__marker chart__marker--reference",
        x=x - half,
        y=y - half,
        width=half * 2,
        height=half * 2,
        fill=WHITE,
        stroke=REFERENCE_COLOUR,
        stroke_width=2,
    )


def _svg(
    *,
    id_prefix: str,
    width: Coordinate,
    height: Coordinate,
    title: str,
    description: str,
    body: list[str],
    defs: list[str] | None = None,
) -> str:
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="chart__svg" '
        f'font-family="inherit" font-size="{TEXT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{id_prefix}-title">{_text(title)}</title>',
        f'<desc id="{id_prefix}-desc">{_text(description)}</desc>',
    ]
    if defs:
        parts.append("<defs>" + "".join(defs) + "</defs>")
    parts.extend(body)
    parts.append("</svg>")
    return "\n".join(parts)


def _check_prefix(id_prefix: str) -> None:
    if not _ID_PREFIX_RE.match(id_prefix):
        raise ValueError(
            "id_prefix должен начинаться с латинской буквы и состоять из латинских "
            f"букв, цифр, «-» и «_»: {id_prefix!r}."
        )


def _decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    # Callers pass ORM values: accept ints and floats as well as Decimals.
    return None if value is None else to_decimal(value)


def _decimals(values: list[Decimal | None]) -> list[Decimal | None]:
    return [_decimal(value) for value in values]


def _scale_top(max_value: Decimal | int) -> Decimal:
    maximum = Decimal(max_value)
    if maximum <= 0:
        raise ValueError("Верх шкалы должен быть больше нуля.")
    return maximum


def _clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), maximum)


def _tick_text(tick: Decimal) -> str:
    return format_number(tick, 0 if tick == tick.to_integral_value() else 1)


def _signed(value: Decimal) -> str:
    """Format a change of a score with an explicit plus: "+2,10", "−0,40", "0,00"."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ("+" if rounded > 0 else "") + format_score(rounded)


def _series_table(
    first_column: str,
    labels: list[str],
    values: list[Decimal | None],
    references: list[Decimal | None] | None,
    value_label: str,
    reference_label: str,
) -> tuple[list[str], list[list[str]]]:
    columns = [first_column, value_label]
    if references is None:
        rows = [
            [label, format_score(value)]
            for label, value in zip(labels, values, strict=True)
        ]
        return columns, rows
    rows = [
        [label, format_score(value), format_score(ref)]
        for label, value, ref in zip(labels, values, references, strict=True)
    ]
    return [*columns, reference_label], rows


# Criterion chart ----------------------------------------------------------------

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
    _check_prefix(id_prefix)
    if len(values) != len(labels) or (
        reference is not None and len(reference) != len(labels)
    ):
        raise ValueError("Число значений не совпадает с числом подписей.")
    maximum = _scale_top(max_value)
    values = _decimals(values)
    references = _decimals(reference) if reference is not None else [None] * len(labels)

    def scale(value: Decimal) -> Decimal:
        return _BAR_X + _clamp(value, maximum) * _BAR_FULL / maximum

    # Legend: one symbol per line, so that long labels never collide.
    body = [
        _rect(_LEGEND_VALUE, _BAR_X, 12, 20, 12),
        _label(36, 23, value_label, "chart__legend"),
    ]
    top = 36
    if reference is not None:
        body.append(
            _reference_tick(Decimal(_BAR_X + 10), Decimal(36), Decimal(52), legend=True)
        )
        body.append(_label(36, 49, reference_label, "chart__legend"))
        top = 60
    axis_y = top + 18
    rows_top = axis_y + 10

    marks: list[str] = []
    y = Decimal(rows_top)
    for label, value, ref in zip(labels, values, references, strict=True):
        lines = textwrap.wrap(label, _LABEL_WRAP) or [""]
        tspans = "".join(
            _tag("tspan", _text(line), x=_BAR_X, dy=_LINE_HEIGHT if index else 0)
            for index, line in enumerate(lines)
        )
        marks.append(
            _tag(
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
            marks.append(_label(_BAR_X, bar_y + 15, NO_DATA, "chart__no-data"))
        else:
            end = scale(value)
            marks.append(_rect("chart__bar", _BAR_X, bar_y, end - _BAR_X, _BAR_HEIGHT))
            marks.append(
                _label(
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
            marks.append(_reference_tick(x, bar_y - 6, bar_y + _BAR_HEIGHT + 6))
            marks.append(
                _label(
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
        body.append(_line("chart__grid", x, rows_top, x, y))
        body.append(
            _label(
                x,
                axis_y,
                _tick_text(tick),
                "chart__axis",
                anchor="middle",
                size=SMALL_TEXT_SIZE,
            )
        )
    body.extend(marks)

    shown = references if reference is not None else None
    description = _criterion_description(
        labels, values, shown, value_label, reference_label
    )
    columns, rows = _series_table(
        "Показатель", labels, values, shown, value_label, reference_label
    )
    svg = _svg(
        id_prefix=id_prefix,
        width=WIDTH,
        height=y + 8,
        title=title,
        description=description,
        body=body,
    )
    return Chart(title, description, svg, columns, rows)


def _criterion_description(
    labels: list[str],
    values: list[Decimal | None],
    references: list[Decimal | None] | None,
    value_label: str,
    reference_label: str,
) -> str:
    known = [
        (label, v) for label, v in zip(labels, values, strict=True) if v is not None
    ]
    if not known:
        return "Нет данных."
    if len(known) == 1:
        sentences = [f"{value_label}: {known[0][0]} — {format_score(known[0][1])}."]
    else:
        # max() and min() keep the first of equal values, so the text is stable.
        high = max(known, key=lambda item: item[1])
        low = min(known, key=lambda item: item[1])
        sentences = [
            f"{value_label}: наибольшее значение {format_score(high[1])} — {high[0]}, "
            f"наименьшее {format_score(low[1])} — {low[0]}."
        ]
    if references is not None:
        pairs = [
            (label, value, ref)
            for label, value, ref in zip(labels, values, references, strict=True)
            if value is not None and ref is not None
        ]
        if pairs:
            at_least = sum(1 for _, value, ref in pairs if value >= ref)
            noun = plural_form(len(pairs), "показателя", "показателей", "показателей")
            sentences.append(
                f"Не ниже значения «{reference_label}» — {at_least} из {len(pairs)} {noun}."
            )
            behind = [
                (label, value - ref) for label, value, ref in pairs if value < ref
            ]
            if behind:
                label, gap = min(behind, key=lambda item: item[1])
                sentences.append(
                    f"Наибольшее отставание — {label} ({format_score(gap)})."
                )
    missing = len(values) - len(known)
    if missing:
        sentences.append(f"Нет данных: {missing}.")
    return " ".join(sentences)


# Distribution chart -------------------------------------------------------------

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
    _check_prefix(id_prefix)
    if not 0 < bin_width <= 100 or 100 % bin_width:
        raise ValueError("Ширина интервала должна быть делителем 100.")
    bin_count = 100 // bin_width
    highlight = _decimal(highlight)
    known = [total for total in _decimals(totals) if total is not None]
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
    body = [_label(8, 20, "Число организаций", "chart__axis-title")]
    if highlight is not None:
        defs.append(
            f'<pattern id="{id_prefix}-hatch" patternUnits="userSpaceOnUse" '
            'width="8" height="8" patternTransform="rotate(45)">'
            f'<rect class="chart__hatch-ground" width="8" height="8" fill="{WHITE}"/>'
            '<line class="chart__hatch-line" x1="0" y1="0" x2="0" y2="8" '
            f'stroke="{VALUE_COLOUR}" stroke-width="4"/></pattern>'
        )
        body.append(
            _rect(
                f"{_LEGEND} chart__legend-symbol--hatch",
                _HIST_X,
                34,
                20,
                12,
                fill=hatch,
            )
        )
        legend = f"интервал со значением {format_score(highlight)}"
        body.append(_label(_HIST_X + 28, 45, legend, "chart__legend"))

    for tick in range(0, y_max + 1, step):
        y = baseline - Decimal(tick) * _HIST_HEIGHT / y_max
        stroke = GRID_COLOUR if tick else AXIS_COLOUR
        grid = "chart__grid" if tick else "chart__grid chart__grid--axis"
        body.append(_line(grid, _HIST_X, y, plot_right, y, stroke=stroke))
        body.append(
            _label(
                _HIST_X - 8,
                y + 4,
                format_number(tick, 0),
                "chart__axis",
                anchor="end",
                size=SMALL_TEXT_SIZE,
            )
        )

    for index, (count, interval) in enumerate(zip(counts, intervals, strict=True)):
        left = _HIST_X + index * slot
        centre = left + Decimal(slot) / 2
        top = baseline - Decimal(count) * _HIST_HEIGHT / y_max
        if index == marked:
            body.append(
                _rect(
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
                _label(
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
                _rect("chart__bar", left + inset, top, slot - 2 * inset, baseline - top)
            )
        body.append(
            _label(
                centre,
                top - 6,
                format_number(count, 0),
                "chart__value",
                anchor="middle",
                bold=True,
            )
        )
        body.append(
            _label(
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
        _label(
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
    svg = _svg(
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


# Trend chart --------------------------------------------------------------------

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
    _check_prefix(id_prefix)
    own = _by_label(points)
    others = _by_label(reference or [])
    labels = _merge_labels(list(own), list(others))
    values = [own.get(label) for label in labels]
    references = [others.get(label) for label in labels]
    maximum = _scale_top(max_value)
    baseline = (30 if reference is None else 54) + 24 + _TREND_HEIGHT

    def x_of(index: int) -> Decimal:
        if len(labels) == 1:
            return Decimal(_TREND_LEFT + _TREND_RIGHT) / 2
        span = _TREND_RIGHT - _TREND_LEFT - 2 * _TREND_PAD
        return _TREND_LEFT + _TREND_PAD + Decimal(span) * index / (len(labels) - 1)

    def y_of(value: Decimal) -> Decimal:
        return baseline - _clamp(value, maximum) * _TREND_HEIGHT / maximum

    body = [
        _legend_line(16, value=True),
        _label(44, 21, value_label, "chart__legend"),
    ]
    if reference is not None:
        body.append(_legend_line(40, value=False))
        body.append(_label(44, 45, reference_label, "chart__legend"))
    for step in range(6):
        tick = maximum * step / 5
        y = y_of(tick)
        stroke = GRID_COLOUR if step else AXIS_COLOUR
        grid = "chart__grid" if step else "chart__grid chart__grid--axis"
        body.append(_line(grid, _TREND_LEFT, y, _TREND_RIGHT, y, stroke=stroke))
        body.append(
            _label(
                _TREND_LEFT - 8,
                y + 4,
                _tick_text(tick),
                "chart__axis",
                anchor="end",
                size=SMALL_TEXT_SIZE,
            )
        )
    for index, label in enumerate(labels):
        body.append(
            _label(
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
        _square(x_of(index), y_of(ref))
        for index, ref in enumerate(references)
        if ref is not None
    )
    body.extend(
        _circle(x_of(index), y_of(value))
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
                _label(
                    x, y, text, "chart__value", anchor="middle", bold=True, halo=True
                )
            )
        if ref is not None:
            y = y_of(ref) + (20 if value_on_top else -10)
            body.append(
                _label(
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
    description = _trend_description(
        labels, values, shown, value_label, reference_label
    )
    columns, rows = _series_table(
        "Год", labels, values, shown, value_label, reference_label
    )
    svg = _svg(
        id_prefix=id_prefix,
        width=WIDTH,
        height=baseline + 40,
        title=title,
        description=description,
        body=body,
    )
    return Chart(title, description, svg, columns, rows)


def _by_label(
    pairs: list[tuple[str, Decimal | None]],
) -> dict[str, Decimal | None]:
    result: dict[str, Decimal | None] = {}
    for label, value in pairs:
        if label in result:
            raise ValueError(f"Подпись {label!r} повторяется.")
        result[label] = _decimal(value)
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
        line = _line(
            _LEGEND_VALUE, 8, y, 36, y, stroke=VALUE_COLOUR, width=Decimal("2.5")
        )
        return line + _circle(Decimal(22), Decimal(y), legend=True)
    line = _line(
        _LEGEND_REFERENCE, 8, y, 36, y, stroke=REFERENCE_COLOUR, width=2, dash="6 4"
    )
    return line + _square(Decimal(22), Decimal(y), legend=True)


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
        _tag(
            "path",
            d=" ".join(
                f"{'L' if index else 'M'}{_n(x)} {_n(y)}"
                for index, (x, y) in enumerate(run)
            ),
            fill="none",
            **style,
        )
        for run in runs
        if len(run) > 1
    ]


def _trend_description(
    labels: list[str],
    values: list[Decimal | None],
    references: list[Decimal | None] | None,
    value_label: str,
    reference_label: str,
) -> str:
    known = [
        (label, v) for label, v in zip(labels, values, strict=True) if v is not None
    ]
    if not known:
        return "Нет данных."
    (first_label, first), (last_label, last) = known[0], known[-1]
    if len(known) == 1:
        sentences = [f"{value_label}: {last_label} — {format_score(last)}."]
    else:
        sentences = [
            f"{value_label}: {first_label} — {format_score(first)}, "
            f"{last_label} — {format_score(last)} (изменение {_signed(last - first)})."
        ]
    if references is not None:
        ref = references[labels.index(last_label)]
        if ref is not None:
            sentences.append(f"{reference_label}: {last_label} — {format_score(ref)}.")
    gaps = [label for label, value in zip(labels, values, strict=True) if value is None]
    if gaps:
        sentences.append(f"Нет данных: {', '.join(gaps)}.")
    return " ".join(sentences)
