"""Dataset ``decade``: a published Декада's summaries, one organisation a row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation import selectors
from evaluation.decade.summary import QUESTIONS
from evaluation.models import Campaign
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import (
    PERCENT,
    Row,
    organisation_columns,
    organisation_values,
)

_OPINION_QUESTIONS = tuple(q for q in QUESTIONS if not q.is_filter)


def columns() -> tuple[Column, ...]:
    return (
        *organisation_columns(),
        Column(
            "counted",
            "Учтено анкет",
            ColumnType.INTEGER,
            "Анкеты, учтённые в выборке (без исключённых и экстерриториальных).",
        ),
        Column(
            "external_territorial",
            "Экстерриториальных анкет",
            ColumnType.INTEGER,
            "Анкеты, собранные вне организации; в выборке не учитываются.",
        ),
        Column(
            "base",
            "База выборки",
            ColumnType.INTEGER,
            "Получатели услуг (учреждения) или граждане на учёте (УСЗН).",
            "чел.",
        ),
        Column(
            "sample_share",
            "Доля выборки",
            ColumnType.DECIMAL,
            "Учтённые анкеты от базы выборки, округлено до сотых.",
            PERCENT,
        ),
        Column(
            "threshold",
            "Норматив выборки",
            ColumnType.DECIMAL,
            "Минимальная доля: 30 % для учреждений, 0,5 % для УСЗН.",
            PERCENT,
        ),
        Column(
            "adequate",
            "Выборка достаточна",
            ColumnType.BOOLEAN,
            "да — доля не меньше норматива; пусто — база выборки неизвестна.",
        ),
        *(
            Column(
                f"{question.code}_share",
                f"Вопрос {question.number}: удовлетворены, %",
                ColumnType.DECIMAL,
                f"{question.label}: доля ответов «да» среди ответивших.",
                PERCENT,
            )
            for question in _OPINION_QUESTIONS
        ),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """Each organisation's counted questionnaires, sample and satisfaction."""
    if campaign is None:
        return
    overview = selectors.decade_overview(campaign)
    for pk, summary in overview.summaries.items():
        row = organisation_values(overview.organisations[pk])
        row.update(
            counted=summary.counted,
            external_territorial=summary.external_territorial,
            base=summary.sample.base,
            sample_share=summary.sample.share,
            threshold=summary.sample.threshold,
            adequate=summary.sample.adequate,
        )
        for share in summary.satisfaction:
            row[f"{share.code}_share"] = share.share
        yield row
