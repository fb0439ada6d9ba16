"""Accessible SVG charts: structure, geometry, text, escaping and the data table."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from cms_blocks.svg import (
    Chart,
    criterion_chart,
    distribution_chart,
    trend_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


def parse(chart: Chart) -> ET.Element:
    # Our own generated markup, not untrusted input.
    return ET.fromstring(chart.svg)  # noqa: S314


def marks(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    """Elements of a tag whose class list contains ``css_class``."""
    return [
        element
        for element in root.iter(SVG + tag)
        if css_class in element.get("class", "").split()
    ]


def texts(root: ET.Element, css_class: str) -> list[str]:
    return ["".join(element.itertext()) for element in marks(root, "text", css_class)]


def number(element: ET.Element, attribute: str) -> Decimal:
    return Decimal(element.get(attribute))


def make_criterion(**overrides) -> Chart:
    arguments = {
        "title": "Баллы по критериям",
        "labels": [
            "К1 Открытость",
            "К2 Комфортность",
            "К3 Доступность",
            "К4 Доброжелательность",
        ],
        "values": [Decimal("87.44"), Decimal("50"), None, Decimal("100")],
        "reference": [Decimal("85.1"), Decimal("60"), Decimal("70"), None],
        "value_label": "Организация",
        "id_prefix": "crit",
    }
    arguments.update(overrides)
    return criterion_chart(**arguments)


# Shared SVG requirements -----------------------------------------------------------


def all_charts() -> list[Chart]:
    return [
        make_criterion(),
        distribution_chart(
            title="Распределение",
            totals=[Decimal(50)],
            id_prefix="dist",
            highlight=Decimal(50),
        ),
        trend_chart(
            title="Динамика",
            points=[("2021", Decimal(80)), ("2024", Decimal(85))],
            reference=[("2024", Decimal(84))],
            value_label="Балл",
            reference_label="Среднее",
            id_prefix="trend",
        ),
    ]


@pytest.mark.parametrize(
    "chart", all_charts(), ids=["criterion", "distribution", "trend"]
)
def test_svg_root_is_labelled_and_scalable(chart):
    root = parse(chart)
    prefix = root.find(f"{SVG}title").get("id").removesuffix("-title")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("class") == "chart__svg"
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    assert root.get("width") is None
    assert root.get("height") is None
    assert root.get("font-family") == "inherit"
    assert root.get("viewBox").startswith("0 0 ")
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        f"{prefix}-title",
        chart.title,
    )
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{SVG}desc",
        f"{prefix}-desc",
        chart.description,
    )


@pytest.mark.parametrize(
    "chart", all_charts(), ids=["criterion", "distribution", "trend"]
)
def test_every_id_carries_the_prefix(chart):
    prefix = parse(chart).find(f"{SVG}title").get("id").removesuffix("-title")
    ids = [element.get("id") for element in parse(chart).iter() if element.get("id")]
    assert len(ids) >= 2
    assert all(element_id.startswith(f"{prefix}-") for element_id in ids)


@pytest.mark.parametrize(
    "chart", all_charts(), ids=["criterion", "distribution", "trend"]
)
def test_bars_and_text_have_print_safe_colours(chart):
    root = parse(chart)
    for bar in marks(root, "rect", "chart__bar"):
        assert bar.get("stroke") == "#0f2747"
    assert all(
        text.get("fill") in {"#1a1a1a", "#b3261e"} for text in root.iter(f"{SVG}text")
    )


def test_two_charts_on_a_page_do_not_share_ids():
    first = distribution_chart(
        title="A", totals=[Decimal(5)], id_prefix="a1", highlight=Decimal(5)
    )
    second = distribution_chart(
        title="B", totals=[Decimal(5)], id_prefix="b2", highlight=Decimal(5)
    )
    ids_first = {
        element.get("id") for element in parse(first).iter() if element.get("id")
    }
    ids_second = {
        element.get("id") for element in parse(second).iter() if element.get("id")
    }
    assert ids_first == {"a1-title", "a1-desc", "a1-hatch"}
    assert ids_first.isdisjoint(ids_second)


@pytest.mark.parametrize("prefix", ["", "1chart", 'a"b', "a b", "чарт"])
def test_bad_id_prefix_is_refused(prefix):
    with pytest.raises(ValueError):
        make_criterion(id_prefix=prefix)


def test_output_is_deterministic():
    assert make_criterion().svg == make_criterion().svg


def test_text_is_escaped_into_valid_xml():
    title = 'A <b> & "c"\x0b'
    chart = make_criterion(
        title=title,
        labels=["<script>alert(1)</script>", "К2", "К3", "К4"],
        value_label="X & Y",
        reference_label="<i>среднее</i>",
    )
    root = parse(chart)  # raises if the markup is not well-formed
    assert root.find(f"{SVG}title").text == 'A <b> & "c"'
    assert "<script>" not in chart.svg
    assert "<b>" not in chart.svg
    assert texts(root, "chart__category")[0] == "<script>alert(1)</script>"
    assert texts(root, "chart__legend") == ["X & Y", "<i>среднее</i>"]


# Criterion chart ----------------------------------------------------------------


def test_criterion_draws_one_bar_per_known_value():
    root = parse(make_criterion())
    assert len(marks(root, "rect", "chart__bar")) == 3
    assert texts(root, "chart__no-data") == ["нет данных"]


def test_criterion_bar_length_is_proportional_to_value():
    chart = make_criterion(
        labels=["a", "b", "c", "d"],
        values=[Decimal(100), Decimal(50), Decimal(25), Decimal(120)],
        reference=None,
    )
    widths = [number(bar, "width") for bar in marks(parse(chart), "rect", "chart__bar")]
    full = widths[0]
    assert full > 0
    # 50 is half the full bar, 25 a quarter; beyond the scale is clamped to it.
    assert widths[1:] == [full / 2, full / 4, full]


def test_criterion_values_are_written_with_decimal_comma():
    root = parse(make_criterion())
    assert texts(root, "chart__value") == ["87,44", "50,00", "100,00"]


def test_criterion_value_label_sits_at_the_end_of_its_bar():
    root = parse(make_criterion())
    bars = marks(root, "rect", "chart__bar")
    labels = marks(root, "text", "chart__value")
    for bar, label in zip(bars, labels, strict=True):
        end = number(bar, "x") + number(bar, "width")
        assert end < number(label, "x") <= end + 10


def test_criterion_reference_is_a_dashed_tick_with_its_own_label():
    root = parse(make_criterion())
    bars = marks(root, "rect", "chart__bar")
    ticks = marks(root, "line", "chart__reference")
    assert len(ticks) == 3  # one reference is None
    assert all(tick.get("stroke-dasharray") for tick in ticks)
    assert all(bar.get("stroke-dasharray") is None for bar in bars)
    assert len(marks(root, "polygon", "chart__marker--reference")) == 3
    assert texts(root, "chart__reference-value") == ["85,10", "60,00", "70,00"]
    # The 60 tick sits at 60 % of the full bar length (the 100 bar is the last).
    start, full = number(bars[2], "x"), number(bars[2], "width")
    assert number(ticks[1], "x1") == start + full * Decimal("0.6")


def test_criterion_legend_draws_both_symbols_with_text():
    root = parse(make_criterion(reference_label="Среднее по району"))
    legend = marks(root, "rect", "chart__legend-symbol")
    dashed = [
        line
        for line in marks(root, "line", "chart__legend-symbol")
        if line.get("stroke-dasharray")
    ]
    assert len(legend) == 1
    assert len(dashed) == 1
    assert texts(root, "chart__legend") == ["Организация", "Среднее по району"]


def test_criterion_without_reference_has_no_reference_marks_or_column():
    chart = make_criterion(reference=None)
    root = parse(chart)
    assert marks(root, "line", "chart__reference") == []
    assert texts(root, "chart__legend") == ["Организация"]
    assert chart.columns == ["Показатель", "Организация"]
    assert chart.rows[2] == ["К3 Доступность", "\u2014"]


def test_criterion_table_and_description():
    chart = make_criterion()
    assert chart.columns == ["Показатель", "Организация", "Среднее по краю"]
    assert chart.rows == [
        ["К1 Открытость", "87,44", "85,10"],
        ["К2 Комфортность", "50,00", "60,00"],
        ["К3 Доступность", "\u2014", "70,00"],
        ["К4 Доброжелательность", "100,00", "\u2014"],
    ]
    assert chart.description == (
        "Организация: наибольшее значение 100,00 — К4 Доброжелательность, "
        "наименьшее 50,00 — К2 Комфортность. "
        "Не ниже значения «Среднее по краю» — 1 из 2 показателей. "
        "Наибольшее отставание — К2 Комфортность (\u221210,00). Нет данных: 1."
    )


def test_criterion_long_label_wraps_onto_lines():
    label = "К1 " + "очень длинное название критерия " * 5
    root = parse(make_criterion(labels=[label, "К2", "К3", "К4"]))
    first = marks(root, "text", "chart__category")[0]
    lines = list(first)
    # 38 characters a line: the chart is drawn at about a phone's width.
    assert len(lines) == 5
    assert all(len(line.text) <= 38 for line in lines)
    assert " ".join(line.text for line in lines) == label.strip()


def test_criterion_refuses_mismatched_lists_and_empty_scale():
    with pytest.raises(ValueError):
        make_criterion(max_value=0)
    with pytest.raises(ValueError):
        make_criterion(values=[Decimal(1)])
    with pytest.raises(ValueError):
        make_criterion(reference=[Decimal(1)])


def test_criterion_csv_parses_into_the_table():
    chart = make_criterion()
    text = chart.csv_text()
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [
        ["Показатель", "Организация", "Среднее по краю"],
        ["К1 Открытость", "87,44", "85,10"],
        ["К2 Комфортность", "50,00", "60,00"],
        ["К3 Доступность", "", "70,00"],
        ["К4 Доброжелательность", "100,00", ""],
    ]


def test_csv_cells_are_made_readable_for_excel():
    chart = Chart(
        title="",
        description="",
        svg="",
        columns=["Показатель", "Значение"],
        rows=[
            ["К1; К2", f"12{NBSP}345,5"],
            ["=СУММ(A1)", "\u22123,2"],
            ["-К3", "\u2014"],
        ],
    )
    rows = list(csv.reader(io.StringIO(chart.csv_text(), newline=""), delimiter=";"))
    assert rows == [
        ["Показатель", "Значение"],
        ["К1; К2", "12345,5"],
        ["'=СУММ(A1)", "-3,2"],
        ["'-К3", ""],
    ]


# Distribution chart -------------------------------------------------------------

EDGE_TOTALS = [
    Decimal(0),
    Decimal("9.99"),
    Decimal(10),
    Decimal(55),
    Decimal("89.99"),
    Decimal(90),
    Decimal("99.9"),
    Decimal(100),
    None,
    None,
]


def test_distribution_counts_bins_including_edges():
    chart = distribution_chart(title="Распределение", totals=EDGE_TOTALS, id_prefix="d")
    expected = ["2", "1", "0", "0", "0", "1", "0", "0", "1", "3"]
    assert texts(parse(chart), "chart__value") == expected
    assert [row[1] for row in chart.rows] == expected
    assert [row[0] for row in chart.rows][:2] == ["0–10", "10–20"]
    assert chart.rows[-1][0] == "90–100"
    assert chart.columns == ["Интервал баллов", "Число организаций"]


def test_distribution_bar_heights_are_proportional_to_counts():
    chart = distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d")
    heights = [
        number(bar, "height") for bar in marks(parse(chart), "rect", "chart__bar")
    ]
    assert len(heights) == 10
    # Coordinates are rounded to 0.1, so thirds are compared within that.
    assert heights[9] == pytest.approx(heights[1] * 3, abs=Decimal("0.3"))
    assert heights[0] == pytest.approx(heights[1] * 2, abs=Decimal("0.2"))
    assert heights[1] > 0
    assert heights[2] == 0


def test_distribution_labels_the_bins_on_the_axis():
    chart = distribution_chart(
        title="Р", totals=EDGE_TOTALS, id_prefix="d", bin_width=20
    )
    bins = [text for text in texts(parse(chart), "chart__axis") if "–" in text]
    assert bins == ["0–20", "20–40", "40–60", "60–80", "80–100"]
    assert texts(parse(chart), "chart__value") == ["3", "0", "1", "0", "4"]


def test_distribution_description_counts_missing_totals():
    chart = distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d")
    assert chart.description == (
        f"Распределение по баллам, всего 8{NBSP}организаций. "
        "Больше всего организаций в интервале 90–100: 3. Без данных: 2."
    )


def test_distribution_highlight_hatches_and_labels_its_bin():
    chart = distribution_chart(
        title="Р", totals=EDGE_TOTALS, id_prefix="org7", highlight=Decimal("87.4")
    )
    root = parse(chart)
    bars = marks(root, "rect", "chart__bar")
    marked = marks(root, "rect", "chart__bar--highlight")
    assert marked == [bars[8]]
    assert marked[0].get("fill") == "url(#org7-hatch)"
    assert [pattern.get("id") for pattern in root.iter(f"{SVG}pattern")] == [
        "org7-hatch"
    ]
    assert all(bar.get("fill") != "url(#org7-hatch)" for bar in bars[:8] + bars[9:])
    (label,) = marks(root, "text", "chart__highlight")
    assert label.text == "здесь 87,40"
    assert number(label, "x") == number(bars[8], "x") + number(bars[8], "width") / 2
    assert "Отмеченное значение 87,40 — в интервале 80–90." in chart.description


def test_distribution_highlight_of_100_marks_the_last_bin():
    root = parse(
        distribution_chart(title="Р", totals=[], id_prefix="d", highlight=Decimal(100))
    )
    bars = marks(root, "rect", "chart__bar")
    assert marks(root, "rect", "chart__bar--highlight") == [bars[-1]]


def test_distribution_without_highlight_has_no_pattern():
    root = parse(distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d"))
    assert list(root.iter(f"{SVG}pattern")) == []
    assert marks(root, "text", "chart__highlight") == []


def test_distribution_of_nothing_says_so():
    chart = distribution_chart(title="Р", totals=[None], id_prefix="d")
    assert texts(parse(chart), "chart__value") == ["0"] * 10
    assert chart.description == "Нет данных. Без данных: 1."


@pytest.mark.parametrize(
    "arguments",
    [
        {"bin_width": 7},
        {"bin_width": 0},
        {"totals": [Decimal("100.1")]},
        {"totals": [Decimal("-1")]},
        {"highlight": Decimal(101)},
    ],
)
def test_distribution_refuses_bad_input(arguments):
    with pytest.raises(ValueError):
        distribution_chart(
            **{"title": "Р", "totals": [], "id_prefix": "d", **arguments}
        )


# Trend chart --------------------------------------------------------------------

GAPPED = [
    ("2020", Decimal(80)),
    ("2021", Decimal("82.5")),
    ("2022", None),
    ("2023", Decimal(85)),
    ("2024", Decimal("86.04")),
]


def make_trend(**overrides) -> Chart:
    arguments = {
        "title": "Динамика",
        "points": GAPPED,
        "reference": None,
        "value_label": "Балл",
        "reference_label": "Среднее по краю",
        "id_prefix": "trend",
    }
    arguments.update(overrides)
    return trend_chart(**arguments)


def test_trend_gap_breaks_the_line_into_two_paths():
    root = parse(make_trend())
    paths = marks(root, "path", "chart__line--value")
    assert len(paths) == 2
    assert [path.get("d").count("L") for path in paths] == [1, 1]
    assert len(marks(root, "circle", "chart__marker--value")) == 4
    assert texts(root, "chart__value") == ["80,00", "82,50", "85,00", "86,04"]


def test_trend_single_point_still_renders():
    root = parse(make_trend(points=[("2024", Decimal("87.4"))]))
    assert marks(root, "path", "chart__line") == []
    assert len(marks(root, "circle", "chart__marker--value")) == 1
    assert texts(root, "chart__value") == ["87,40"]


def test_trend_height_is_proportional_to_value():
    chart = make_trend(
        points=[("a", Decimal(0)), ("b", Decimal(50)), ("c", Decimal(100))]
    )
    low, middle, high = (
        number(circle, "cy")
        for circle in marks(parse(chart), "circle", "chart__marker--value")
    )
    assert high < low  # higher values are drawn higher up
    assert middle == (low + high) / 2


def test_trend_points_are_spread_left_to_right_in_order():
    root = parse(make_trend())
    years = marks(root, "text", "chart__axis")[-5:]
    assert [text.text for text in years] == ["2020", "2021", "2022", "2023", "2024"]
    xs = [number(text, "x") for text in years]
    steps = {b - a for a, b in itertools.pairwise(xs)}
    assert len(steps) == 1
    assert steps.pop() > 0


def test_trend_reference_is_dashed_with_square_markers():
    chart = make_trend(
        reference=[("2020", Decimal(81)), ("2021", Decimal(82)), ("2024", Decimal(84))]
    )
    root = parse(chart)
    reference_paths = marks(root, "path", "chart__line--reference")
    assert len(reference_paths) == 1  # 2020–2021; 2024 stands alone
    assert reference_paths[0].get("stroke-dasharray")
    assert all(
        path.get("stroke-dasharray") is None
        for path in marks(root, "path", "chart__line--value")
    )
    assert len(marks(root, "rect", "chart__marker--reference")) == 3
    assert texts(root, "chart__reference-value") == ["81,00", "82,00", "84,00"]
    assert texts(root, "chart__legend") == ["Балл", "Среднее по краю"]


def test_trend_puts_the_lower_value_label_below_its_marker():
    chart = make_trend(
        points=[("2024", Decimal(80))], reference=[("2024", Decimal(90))]
    )
    root = parse(chart)
    (circle,) = marks(root, "circle", "chart__marker--value")
    (value_label,) = marks(root, "text", "chart__value")
    (square,) = marks(root, "rect", "chart__marker--reference")
    (reference_label,) = marks(root, "text", "chart__reference-value")
    assert number(value_label, "y") > number(circle, "cy")
    assert number(reference_label, "y") < number(square, "y")


def test_trend_table_description_and_csv():
    chart = make_trend(reference=[("2020", Decimal(81)), ("2024", Decimal(84))])
    assert chart.columns == ["Год", "Балл", "Среднее по краю"]
    assert chart.rows[2] == ["2022", "\u2014", "\u2014"]
    assert chart.rows[4] == ["2024", "86,04", "84,00"]
    assert chart.description == (
        "Балл: 2020 — 80,00, 2024 — 86,04 (изменение +6,04). "
        "Среднее по краю: 2024 — 84,00. Нет данных: 2022."
    )
    rows = list(csv.reader(io.StringIO(chart.csv_text(), newline=""), delimiter=";"))
    assert rows[0] == ["Год", "Балл", "Среднее по краю"]
    assert rows[3] == ["2022", "", ""]
    assert len(rows) == 6


def test_trend_without_reference_has_two_columns():
    chart = make_trend()
    assert chart.columns == ["Год", "Балл"]
    assert marks(parse(chart), "path", "chart__line--reference") == []


def test_trend_adds_years_only_the_reference_has_in_order():
    chart = make_trend(
        points=[("2022", Decimal(80)), ("2024", Decimal(90))],
        reference=[("2021", Decimal(70)), ("2023", Decimal(75)), ("2024", Decimal(85))],
    )
    assert [row[0] for row in chart.rows] == ["2021", "2022", "2023", "2024"]
    assert [row[1] for row in chart.rows] == ["\u2014", "80,00", "\u2014", "90,00"]
    root = parse(chart)
    # The organisation's two values are not adjacent: no line joins them.
    assert marks(root, "path", "chart__line--value") == []
    assert len(marks(root, "path", "chart__line--reference")) == 1


def test_trend_keeps_the_order_of_labels_that_are_not_years():
    chart = make_trend(
        points=[("весна", Decimal(1)), ("осень", Decimal(2))],
        reference=[("весна", Decimal(1)), ("лето", Decimal(2)), ("осень", Decimal(3))],
    )
    assert [row[0] for row in chart.rows] == ["весна", "лето", "осень"]


def test_charts_accept_plain_numbers():
    chart = make_trend(points=[("2023", 80), ("2024", 82.5)], reference=None)
    assert chart.rows == [["2023", "80,00"], ["2024", "82,50"]]
    root = parse(make_criterion(values=[50, 25.5, None, 100], reference=None))
    assert texts(root, "chart__value") == ["50,00", "25,50", "100,00"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"points": [("2024", Decimal(1)), ("2024", Decimal(2))]},
        {"reference": [("2020", Decimal(1)), ("2020", Decimal(2))]},
    ],
)
def test_trend_refuses_bad_labels(overrides):
    with pytest.raises(ValueError):
        make_trend(**overrides)


def test_distribution_staggers_interval_labels_wider_than_a_bin():
    def rows(chart: Chart) -> list[Decimal]:
        labels = marks(parse(chart), "text", "chart__axis")
        return [number(label, "y") for label in labels if "–" in label.text]

    ten = rows(distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d"))
    # «90–100» is wider than a bin of ten points: odd bins go on a second row.
    assert len(ten) == 10 and len(set(ten)) == 2
    assert ten[0::2] == [ten[0]] * 5 and ten[1::2] == [ten[0] + 16] * 5
    twenty = rows(
        distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d", bin_width=20)
    )
    assert len(twenty) == 5 and len(set(twenty)) == 1


def test_charts_are_drawn_at_a_phones_width_with_legible_text():
    for chart in (
        make_criterion(),
        distribution_chart(title="Р", totals=EDGE_TOTALS, id_prefix="d"),
    ):
        root = parse(chart)
        assert root.get("viewBox").split()[2] == "360"
        # Text without its own size takes the drawing's, 15.
        sizes = {
            int(text.get("font-size", root.get("font-size")))
            for text in root.iter(f"{SVG}text")
        }
        assert sizes == {13, 15}, sizes
