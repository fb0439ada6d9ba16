"""Dataset ``measures``: measures of approved improvement plans of a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation import selectors
from evaluation.enums import Criterion, MeasureStatus
from evaluation.models import Campaign
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import (
    CHUNK_SIZE,
    Row,
    label,
    organisation_columns,
    organisation_values,
)


def columns() -> tuple[Column, ...]:
    return (
        Column("measure_id", "Идентификатор мероприятия", ColumnType.INTEGER),
        *organisation_columns(with_slug=False),
        Column("plan_year", "Год реализации плана", ColumnType.INTEGER),
        Column("plan_approved_on", "Дата утверждения плана", ColumnType.DATE),
        Column("position", "№ п/п", ColumnType.INTEGER, "Номер в разделе плана."),
        Column("criterion", "Критерий", ColumnType.STRING, "Код критерия K1–K5."),
        Column("criterion_name", "Раздел плана (критерий)", ColumnType.STRING),
        Column(
            "indicator",
            "Показатель",
            ColumnType.STRING,
            "Код показателя 1.1–5.3, к которому относится недостаток.",
        ),
        Column("deficiency", "Выявленный недостаток", ColumnType.STRING),
        Column("action", "Мероприятие", ColumnType.STRING),
        Column("planned_date", "Плановый срок", ColumnType.DATE),
        Column("responsible_name", "Ответственный (ФИО)", ColumnType.STRING),
        Column("responsible_position", "Должность ответственного", ColumnType.STRING),
        Column("status", "Статус", ColumnType.STRING, "Ход выполнения мероприятия."),
        Column(
            "overdue",
            "Просрочено",
            ColumnType.BOOLEAN,
            "да — не выполнено, а плановый срок прошёл (на дату выгрузки).",
        ),
        Column(
            "reports_count",
            "Отчётов о выполнении",
            ColumnType.INTEGER,
            "Сколько отчётов о выполнении представлено.",
        ),
        Column(
            "reports",
            "Реализованные меры",
            ColumnType.STRING,
            "Тексты отчётов о выполнении через «; », по дате.",
        ),
        Column(
            "actual_date",
            "Фактический срок",
            ColumnType.DATE,
            "Дата последнего отчёта о выполнении.",
        ),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """One row per measure, with its reports and whether it is overdue today."""
    if campaign is None:
        return
    for item in selectors.iter_plan_rows(campaign=campaign, chunk_size=CHUNK_SIZE):
        measure = item.measure
        plan = measure.plan
        row = {"measure_id": measure.pk}
        row.update(organisation_values(plan.organisation, with_slug=False))
        row.update(
            plan_year=plan.year,
            plan_approved_on=plan.approved_on,
            position=measure.position,
            criterion=measure.criterion,
            criterion_name=str(Criterion(measure.criterion).label),
            indicator=measure.indicator_code or None,
            deficiency=measure.deficiency,
            action=measure.action,
            planned_date=measure.planned_date,
            responsible_name=measure.responsible_name,
            responsible_position=measure.responsible_position,
            status=label(MeasureStatus, measure.status),
            overdue=item.overdue,
            reports_count=len(item.reports),
            reports="; ".join(report.done for report in item.reports) or None,
            actual_date=item.reports[-1].actual_date if item.reports else None,
        )
        yield row
