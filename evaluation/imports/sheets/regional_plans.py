"""The ministry's plan of measures (seed 001, Part II) into the latest plan."""

from __future__ import annotations

from typing import Any

from evaluation.imports import resources
from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import Context, Row, snapshot, sort_rows
from evaluation.models import PlanItem, RegionalPlan
from evaluation.regional.models import EXECUTOR_FIELDS

parse_executors = resources.parse_executors


_item_position = resources.item_position


class RegionalPlanForm(ImportForm):
    """The ministry's plan of measures (seed 001, Part II) into the latest plan."""

    name = "regional_plan"
    title = "План мероприятий по организации НОК (пункты плана)"
    description = (
        "Таблица плана, как в приказе: № п/п (1, 1.1 … 12), мероприятие, форма "
        "реализации, сроки исполнения, ответственные исполнители. Загружается в "
        "последний созданный план организации НОК; пункты с тем же номером "
        "обновляются."
    )
    model = PlanItem
    resource = resources.PlanItemResource

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.regional_plan = RegionalPlan.objects.order_by("-first_year", "-pk").first()
        if self.regional_plan is None:
            raise ImportFileError(
                "Сначала создайте план организации НОК (раздел «Оценка качества» → "
                "«План организации НОК»), затем загрузите его пункты."
            )
        self.existing = {item.number: item for item in self.regional_plan.items.all()}

    def build_row(self, number, converted, titles):
        deadline = converted["deadline"]  # resources.ScheduledText
        text, schedule = str(deadline), deadline.schedule
        executors = parse_executors(converted["executors"])
        row_values = {
            "measure": converted["measure"],
            "form": converted.get("form") or "",
            "deadline_text": text,
            "schedule": schedule.as_json(),
            "executors_text": converted["executors"],
            "position": _item_position(converted["number"]),
            **{
                field_name: code in executors
                for code, field_name in EXECUTOR_FIELDS.items()
            },
        }
        return Row(number, (converted["number"],), row_values), []

    def validate(self, converted_rows, titles):
        rows, errors = super().validate(converted_rows, titles)
        numbers = {row.key[0] for row in rows} | set(self.existing)
        title = titles.get("number", "№ п/п")
        for row in rows:
            head, dot, _ = row.key[0].partition(".")
            if dot and head not in numbers:
                errors.append(
                    CellError(
                        row.number,
                        title,
                        f"подпункт {row.key[0]} без пункта {head}: добавьте строку "
                        f"пункта {head}",
                    )
                )
        errors.sort(key=lambda error: error.row)
        return rows, errors

    def key_title(self, titles):
        return titles.get("number", "№ п/п")

    def plan(self, rows):
        return sort_rows(rows, self.existing, key=lambda row: row.key[0])

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        items = dict(self.existing)
        new = sorted(plan.new, key=lambda row: row.values["position"])
        for row in new:
            number = row.key[0]
            head, dot, _ = number.partition(".")
            item = PlanItem.objects.create(
                plan=self.regional_plan,
                number=number,
                parent=items.get(head) if dot else None,
                **row.values,
            )
            items[number] = item
            changes.append({"model": "planitem", "pk": item.pk, "before": None})
        for row, current in plan.updated:
            changes.append(
                {
                    "model": "planitem",
                    "pk": current.pk,
                    "before": snapshot(current, row.values),
                }
            )
            PlanItem.objects.filter(pk=current.pk).update(**row.values)
        return changes
