"""Dataset ``results``: a НОК campaign's published results, one organisation a row."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from evaluation import selectors
from evaluation.enums import Criterion, IndicatorCode
from evaluation.models import Campaign, Publication
from evaluation.nok.selectors import PUBLISHED_ELSEWHERE, is_published_elsewhere
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import (
    CHUNK_SIZE,
    CRITERIA,
    SCORE_UNIT,
    Row,
    decimal,
    organisation_columns,
    organisation_values,
)


def _indicator_key(code: str) -> str:
    return "indicator_" + code.replace(".", "_")


def columns() -> tuple[Column, ...]:
    return (
        *organisation_columns(),
        *(
            Column(
                _indicator_key(code.value),
                f"Показатель {code.value}",
                ColumnType.DECIMAL,
                str(code.label).split(" ", 1)[1] + " (от 0 до 100).",
                SCORE_UNIT,
            )
            for code in IndicatorCode
        ),
        *(
            Column(
                field,
                f"Критерий {code}".replace("K", "К"),
                ColumnType.DECIMAL,
                f"{Criterion(code).label} (от 0 до 100).",
                SCORE_UNIT,
            )
            for field, code in CRITERIA.items()
        ),
        Column(
            "total",
            "Итоговый балл",
            ColumnType.DECIMAL,
            "Итоговый показатель оценки качества (от 0 до 100).",
            SCORE_UNIT,
        ),
        Column(
            "rank",
            "Место",
            ColumnType.INTEGER,
            "Место в рейтинге кампании по итоговому баллу.",
        ),
        Column(
            "method_version",
            "Версия методики",
            ColumnType.STRING,
            "Код версии методики расчёта.",
        ),
        Column(
            "publication_version",
            "Версия публикации",
            ColumnType.INTEGER,
            "Номер опубликованной версии результатов (исправления — новые версии).",
        ),
        Column(
            "published_on",
            "Дата публикации",
            ColumnType.DATE,
            "Дата публикации этой версии результатов.",
        ),
        Column(
            "values_source",
            "Происхождение значений",
            ColumnType.STRING,
            "computed — посчитаны порталом по исходным данным; published — "
            "опубликованные значения прошлых лет, загруженные как есть (портал их "
            "не пересчитывает).",
        ),
        Column(
            "values_source_reference",
            "Источник опубликованных значений",
            ColumnType.STRING,
            "Адрес страницы или название документа, где опубликованы значения "
            "published; для computed пусто.",
        ),
    )


def rows(campaign: Campaign | None, publication: Publication | None) -> Iterator[Row]:
    """The latest publication's results, best first, read in chunks."""
    if campaign is None or publication is None:
        return
    published_on = timezone.localdate(publication.published_at)
    results = selectors.published_results(campaign)
    for result in results.iterator(chunk_size=CHUNK_SIZE):
        row = organisation_values(result.organisation)
        for code in IndicatorCode:
            row[_indicator_key(code.value)] = decimal(result.indicators.get(code.value))
        for field in (*CRITERIA, "total"):
            row[field] = getattr(result, field)
        elsewhere = is_published_elsewhere(result)
        row.update(
            rank=result.rank,
            method_version=result.method_version,
            publication_version=publication.version,
            published_on=published_on,
            values_source=PUBLISHED_ELSEWHERE if elsewhere else "computed",
            values_source_reference=result.input_reference if elsewhere else None,
        )
        yield row
