"""SVG primitives shared by the charts: colours, sizes, markup and the data table.

Every helper returns escaped markup; coordinates are written to one decimal
place, so the output depends only on the input. Marks carry the classes that
site.css styles and the tests count (``chart__bar``, ``chart__marker``…);
legend symbols carry :data:`LEGEND` so that they never count as data marks.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape

from cms_blocks.formatting import (
    EM_DASH,
    MINUS,
    NBSP,
    format_number,
    format_score,
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
LEGEND = "chart__legend-symbol"
# The same with the series it stands for, so that site.css can colour it.
LEGEND_VALUE = f"{LEGEND} {LEGEND}--value"
LEGEND_REFERENCE = f"{LEGEND} {LEGEND}--reference"
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


def escape_text(value: str) -> str:
    """Escape text for an SVG text node or attribute value."""
    return str(escape(_XML_INVALID_RE.sub("", str(value))))


def coord(value: Coordinate) -> str:
    """Write a coordinate rounded to one decimal place, without a trailing ".0"."""
    number = Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP)
    if number == 0:
        return "0"
    return format(number, "f").removesuffix(".0")


def tag(name: str, content: str | None = None, /, **attrs: str | Coordinate) -> str:
    """Build an element; ``content`` must already be markup (escaped text).

    Keyword names become attribute names: a trailing underscore is dropped
    (``class_``) and other underscores become hyphens (``stroke_width``).
    """
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{escape_text(value) if isinstance(value, str) else coord(value)}"'
        for key, value in attrs.items()
    )
    if content is None:
        return f"<{name}{rendered}/>"
    return f"<{name}{rendered}>{content}</{name}>"


def draw_text(
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
    place: dict[str, str | Coordinate] = {"x": x, "y": y, "text_anchor": anchor}
    style: dict[str, str | Coordinate] = {"fill": fill, "font_size": size}
    if bold:
        style["font_weight"] = "bold"
    if halo:
        # A white outline keeps numbers legible over grid and dashed lines.
        style.update(stroke=WHITE, stroke_width=3, paint_order="stroke")
    return tag("text", escape_text(text), class_=css_class, **place, **style)


def draw_line(
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
    paint: dict[str, str | Coordinate] = {"stroke": stroke, "stroke_width": width}
    if dash:
        paint["stroke_dasharray"] = dash
    return tag("line", class_=css_class, x1=x1, y1=y1, x2=x2, y2=y2, **paint)


def draw_rect(
    css_class: str,
    x: Coordinate,
    y: Coordinate,
    width: Coordinate,
    height: Coordinate,
    *,
    fill: str = VALUE_COLOUR,
    stroke: str = VALUE_STROKE,
    stroke_width: Coordinate = 1,
) -> str:
    box: dict[str, Coordinate] = {"x": x, "y": y, "width": width, "height": height}
    paint: dict[str, str | Coordinate] = {
        "fill": fill,
        "stroke": stroke,
        "stroke_width": stroke_width,
    }
    return tag("rect", class_=css_class, **box, **paint)


def value_gridline(
    y: Coordinate, left: Coordinate, right: Coordinate, text: str, *, axis: bool
) -> list[str]:
    """A horizontal grid line with its value written left of the plot.

    The line at zero (``axis``) is the darker axis line.
    """
    stroke = AXIS_COLOUR if axis else GRID_COLOUR
    css_class = "chart__grid chart__grid--axis" if axis else "chart__grid"
    return [
        draw_line(css_class, left, y, right, y, stroke=stroke),
        draw_text(
            left - 8, y + 4, text, "chart__axis", anchor="end", size=SMALL_TEXT_SIZE
        ),
    ]


def reference_tick(
    x: Decimal, y1: Decimal, y2: Decimal, *, legend: bool = False
) -> str:
    """A dashed vertical tick topped by a diamond."""
    size = 5
    points = " ".join(
        f"{coord(px)},{coord(py)}"
        for px, py in ((x, y1 - size), (x + size, y1), (x, y1 + size), (x - size, y1))
    )
    css_class = LEGEND_REFERENCE if legend else "chart__reference"
    # A white underlay keeps the dashes visible where the tick crosses a bar.
    underlay = draw_line("chart__halo", x, y1, x, y2, stroke=WHITE, width=4)
    line = draw_line(
        css_class, x, y1, x, y2, stroke=REFERENCE_COLOUR, width=2, dash="4 3"
    )
    diamond = tag(
        "polygon",
        class_=LEGEND_REFERENCE if legend else "chart__marker chart__marker--reference",
        points=points,
        fill=REFERENCE_COLOUR,
    )
    return underlay + line + diamond


def draw_circle(x: Decimal, y: Decimal, *, legend: bool = False) -> str:
    css_class = LEGEND_VALUE if legend else "chart__marker chart__marker--value"
    paint: dict[str, str | Coordinate] = {
        "fill": VALUE_COLOUR,
        "stroke": VALUE_STROKE,
        "stroke_width": 1,
    }
    return tag("circle", class_=css_class, cx=x, cy=y, r=5, **paint)


def draw_square(x: Decimal, y: Decimal, *, legend: bool = False) -> str:
    half = Decimal("4.5")
    css_class = LEGEND_REFERENCE if legend else "chart__marker chart__marker--reference"
    return draw_rect(
        css_class,
        x - half,
        y - half,
        half * 2,
        half * 2,
        fill=WHITE,
        stroke=REFERENCE_COLOUR,
        stroke_width=2,
    )


def svg_document(
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
        f'viewBox="0 0 {coord(width)} {coord(height)}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="chart__svg" '
        f'font-family="inherit" font-size="{TEXT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{id_prefix}-title">{escape_text(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape_text(description)}</desc>',
    ]
    if defs:
        parts.append("<defs>" + "".join(defs) + "</defs>")
    parts.extend(body)
    parts.append("</svg>")
    return "\n".join(parts)


def check_prefix(id_prefix: str) -> None:
    if not _ID_PREFIX_RE.match(id_prefix):
        raise ValueError(
            "id_prefix должен начинаться с латинской буквы и состоять из латинских "
            f"букв, цифр, «-» и «_»: {id_prefix!r}."
        )


def decimal_or_none(value: Decimal | int | float | str | None) -> Decimal | None:
    # Callers pass ORM values: accept ints and floats as well as Decimals.
    return None if value is None else to_decimal(value)


def decimals_or_none(values: list[Decimal | None]) -> list[Decimal | None]:
    return [decimal_or_none(value) for value in values]


def scale_top(max_value: Decimal | int) -> Decimal:
    maximum = Decimal(max_value)
    if maximum <= 0:
        raise ValueError("Верх шкалы должен быть больше нуля.")
    return maximum


def clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), maximum)


def tick_text(tick: Decimal) -> str:
    return format_number(tick, 0 if tick == tick.to_integral_value() else 1)


@dataclass(frozen=True)
class Series:
    """Values by label, with an optional reference, as the bar and line charts show them.

    Attributes:
        labels: The labels in display order.
        values: One value per label; ``None`` for no data.
        references: One reference value per label, or ``None`` for no
            reference at all.
        value_label: What the values are, for the legend and table header.
        reference_label: What the references are.
    """

    labels: list[str]
    values: list[Decimal | None]
    references: list[Decimal | None] | None
    value_label: str
    reference_label: str

    def table(self, first_column: str) -> tuple[list[str], list[list[str]]]:
        """The data table: header cells and body rows, formatted for Russian."""
        columns = [first_column, self.value_label]
        if self.references is None:
            rows = [
                [label, format_score(value)]
                for label, value in zip(self.labels, self.values, strict=True)
            ]
            return columns, rows
        rows = [
            [label, format_score(value), format_score(ref)]
            for label, value, ref in zip(
                self.labels, self.values, self.references, strict=True
            )
        ]
        return [*columns, self.reference_label], rows

    def known(self) -> list[tuple[str, Decimal]]:
        """The ``(label, value)`` pairs that have a value, in display order."""
        pairs = zip(self.labels, self.values, strict=True)
        return [(label, value) for label, value in pairs if value is not None]

    def chart(
        self,
        first_column: str,
        describe: Callable[[Series], str],
        title: str,
        id_prefix: str,
        height: Coordinate,
        body: list[str],
    ) -> Chart:
        """The finished chart: ``body`` in an SVG of ``height``, described and tabled."""
        description = describe(self)
        columns, rows = self.table(first_column)
        svg = svg_document(
            id_prefix=id_prefix,
            width=WIDTH,
            height=height,
            title=title,
            description=description,
            body=body,
        )
        return Chart(title, description, svg, columns, rows)
