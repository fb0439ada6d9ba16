"""Target indicators of the regional plan with plan and actual by year."""

from __future__ import annotations

from typing import Any

from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import (
    Context,
    Row,
    decimal_text,
    differs,
    snapshot,
    sort_rows,
)
from evaluation.models import TargetIndicator, TargetIndicatorValue


class TargetIndicatorsForm(ImportForm):
    """Target indicators of the regional plan with plan and actual by year."""

    name = "target_indicators"
    title = "Целевые показатели (план и факт по годам)"
    description = (
        "Одна строка — показатель в одном году: наименование, единица, год, план, факт."
    )
    model = TargetIndicator
    resource = resources.TargetIndicatorValueResource

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.indicators = {i.title.casefold(): i for i in TargetIndicator.objects.all()}

    def build_row(self, number, converted, titles):
        unit = converted.get("unit") or "%"
        errors = []
        year = converted["year"]
        if not 2000 <= year <= 2100:
            errors.append(
                CellError(
                    number,
                    titles.get("year", "Год"),
                    f"год {year} вне диапазона 2000–2100",
                )
            )
        for key in ("planned", "actual"):
            value = converted.get(key)
            if value is not None and value < 0:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, key),
                        f"значение {decimal_text(value)} отрицательное; "
                        "укажите ноль или больше",
                    )
                )
            elif value is not None and unit == "%" and value > 100:
                errors.append(
                    CellError(
                        number,
                        titles.get(key, key),
                        f"процент больше 100 ({decimal_text(value)}); проверьте значение "
                        "или единицу измерения",
                    )
                )
        if errors:
            return None, errors
        title = converted["title"]
        row_values = {
            "title": title,
            "unit": unit,
            "position": converted.get("position"),
            "planned": converted.get("planned"),
            "actual": converted.get("actual"),
        }
        return Row(number, (title.casefold(), year), row_values), []

    def key_title(self, titles):
        return titles.get("title", "Наименование показателя")

    def plan(self, rows):
        existing = {
            (v.indicator.title.casefold(), v.year): v
            for v in TargetIndicatorValue.objects.select_related("indicator")
        }
        return sort_rows(
            rows,
            existing,
            changed=lambda row, current: (
                differs(
                    current,
                    {"planned": row.values["planned"], "actual": row.values["actual"]},
                )
                or current.indicator.unit != row.values["unit"]
            ),
        )

    def _indicator(self, row: Row, changes: list) -> TargetIndicator:
        key = row.key[0]
        indicator = self.indicators.get(key)
        if indicator is None:
            indicator = TargetIndicator.objects.create(
                title=row.values["title"],
                unit=row.values["unit"],
                position=row.values["position"] or len(self.indicators) + 1,
            )
            self.indicators[key] = indicator
            changes.append(
                {"model": "targetindicator", "pk": indicator.pk, "before": None}
            )
        elif indicator.unit != row.values["unit"]:
            changes.append(
                {
                    "model": "targetindicator",
                    "pk": indicator.pk,
                    "before": {"unit": indicator.unit},
                }
            )
            TargetIndicator.objects.filter(pk=indicator.pk).update(
                unit=row.values["unit"]
            )
            indicator.unit = row.values["unit"]
        return indicator

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        for row in plan.new:
            indicator = self._indicator(row, changes)
            value = TargetIndicatorValue.objects.create(
                indicator=indicator,
                year=row.key[1],
                planned=row.values["planned"],
                actual=row.values["actual"],
            )
            changes.append(
                {"model": "targetindicatorvalue", "pk": value.pk, "before": None}
            )
        for row, current in plan.updated:
            self._indicator(row, changes)
            wanted = {"planned": row.values["planned"], "actual": row.values["actual"]}
            changes.append(
                {
                    "model": "targetindicatorvalue",
                    "pk": current.pk,
                    "before": snapshot(current, wanted),
                }
            )
            TargetIndicatorValue.objects.filter(pk=current.pk).update(**wanted)
        return changes
