"""Dataset ``targets``: planned and actual values of the target indicators."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation import selectors
from evaluation.models import Campaign
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import Row


def columns() -> tuple[Column, ...]:
    return (
        Column("indicator_id", "Идентификатор показателя", ColumnType.INTEGER),
        Column("position", "№ п/п", ColumnType.INTEGER),
        Column("title", "Целевой показатель", ColumnType.STRING),
        Column("unit", "Единица измерения", ColumnType.STRING),
        Column("year", "Год", ColumnType.INTEGER),
        Column("planned", "План", ColumnType.DECIMAL, "Плановое значение на год."),
        Column("actual", "Факт", ColumnType.DECIMAL, "Фактическое значение за год."),
        Column(
            "achieved",
            "Достигнуто",
            ColumnType.BOOLEAN,
            "да — факт не меньше плана; пусто — нет плана или факта.",
        ),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """One row per indicator and year that has a plan or an actual value."""
    table = selectors.target_table()
    for target in table.rows:
        for cell in target.cells:
            if cell.planned is None and cell.actual is None:
                continue
            yield {
                "indicator_id": target.indicator.pk,
                "position": target.indicator.position,
                "title": target.indicator.title,
                "unit": target.indicator.unit,
                "year": cell.year,
                "planned": cell.planned,
                "actual": cell.actual,
                "achieved": cell.achieved,
            }
