"""Dataset ``aggregates``: means, minima and maxima of a НОК campaign by group."""

from __future__ import annotations

from collections.abc import Iterator

from evaluation import selectors
from evaluation.enums import Criterion
from evaluation.models import Campaign, District, Publication
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import CRITERIA, SCORE_UNIT, Row, kind_label


def _figure_name(field: str) -> str:
    if field == "total":
        return "Итоговый балл"
    code = CRITERIA[field]
    return f"{code.replace('K', 'К')} {Criterion(code).label}"


_LEVELS = (
    (None, "region", "Край"),
    ("district", "district", "Район"),
    ("kind", "kind", "Тип организации"),
)


def columns() -> tuple[Column, ...]:
    return (
        Column(
            "level",
            "Уровень",
            ColumnType.STRING,
            "region — весь край, district — район, kind — тип организации.",
        ),
        Column(
            "group_code",
            "Код группы",
            ColumnType.STRING,
            "region, код района или код типа организации.",
        ),
        Column(
            "group_name", "Группа", ColumnType.STRING, "Название края, района или типа."
        ),
        Column(
            "figure",
            "Показатель",
            ColumnType.STRING,
            "k1…k5 — критерии К1–К5, total — итоговый балл.",
        ),
        Column("figure_name", "Наименование показателя", ColumnType.STRING),
        Column(
            "mean",
            "Среднее",
            ColumnType.DECIMAL,
            "Среднее арифметическое, округлённое до сотых (половина вверх).",
            SCORE_UNIT,
        ),
        Column(
            "min", "Минимум", ColumnType.DECIMAL, "Наименьшее значение.", SCORE_UNIT
        ),
        Column(
            "max", "Максимум", ColumnType.DECIMAL, "Наибольшее значение.", SCORE_UNIT
        ),
        Column(
            "count",
            "Число организаций",
            ColumnType.INTEGER,
            "Сколько организаций группы имеют значение показателя.",
        ),
    )


def rows(campaign: Campaign | None, publication: Publication | None) -> Iterator[Row]:
    """The region, then each district, then each kind; criteria, then the total."""
    if campaign is None or publication is None:
        return
    levels = [
        (level, selectors.aggregates(campaign, group_by=group_by))
        for group_by, level, _label in _LEVELS
    ]
    district_names = dict(
        District.objects.filter(slug__in=levels[1][1]).values_list("slug", "name")
    )
    names = {
        "region": lambda key: "Край (все организации)",
        "district": lambda key: district_names.get(key, key),
        "kind": kind_label,
    }
    for level, groups in levels:
        for key, figures in groups.items():
            for field, summary in figures.items():
                yield {
                    "level": level,
                    "group_code": key,
                    "group_name": names[level](key),
                    "figure": field,
                    "figure_name": _figure_name(field),
                    "mean": summary.mean,
                    "min": summary.min,
                    "max": summary.max,
                    "count": summary.count,
                }
