"""Dataset ``regional-plan``: the ministry's plan of НОК and its execution."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation.models import Campaign
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import Row
from evaluation.regional import selectors as regional


def columns() -> tuple[Column, ...]:
    return (
        Column("plan", "План", ColumnType.STRING),
        Column("number", "№ п/п", ColumnType.STRING),
        Column("measure", "Мероприятие", ColumnType.STRING),
        Column("form", "Форма реализации", ColumnType.STRING),
        Column("deadline", "Срок исполнения (как в плане)", ColumnType.STRING),
        Column("executors", "Ответственные исполнители", ColumnType.STRING),
        Column("year", "Год", ColumnType.INTEGER),
        Column("period", "Период", ColumnType.STRING),
        Column("due", "Срок периода", ColumnType.DATE),
        Column(
            "state",
            "Состояние",
            ColumnType.STRING,
            "выполнено, срок не истёк, просрочено, предстоит; пусто — без срока.",
        ),
        Column("done_on", "Дата исполнения", ColumnType.DATE),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """One row per item and period of the current plan (one when it has none)."""
    plan = regional.current_plan()
    if plan is None:
        return
    for year in plan.years:
        for row in regional.plan_status(plan, year).items:
            item = row.item
            common = {
                "plan": plan.title,
                "number": item.number,
                "measure": item.measure,
                "form": item.form,
                "deadline": item.deadline_text,
                "executors": ", ".join(item.executor_labels),
                "year": year,
            }
            if not row.periods:
                yield common | {"period": row.schedule_label, "due": None,
                                "state": None, "done_on": None}  # fmt: skip
            for period in row.periods:
                execution = period.execution
                yield common | {
                    "period": period.period.label,
                    "due": period.period.due,
                    "state": period.state.label,
                    "done_on": execution.done_on if execution else None,
                }
