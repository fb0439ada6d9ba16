"""Regional plan blocks: the ministry's НОК plan, its targets, website monitoring."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation.regional import json_shapes as api
from evaluation.regional import selectors as regional
from evaluation.regional.schedules import PeriodState

from .base import district_choices

CHART_WIDTH = 300  # px of the 100 % bar


class RegionalPlanBlock(blocks.StructBlock):
    """The region's НОК plan with each item's status in a year."""

    year = blocks.IntegerBlock(
        label=_("Год"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Пусто — текущий год (в пределах срока плана)."),
    )
    only_open = blocks.BooleanBlock(
        label=_("Только невыполненные пункты"), required=False, default=False
    )

    def clean(self, value):
        cleaned = super().clean(value)
        plan = regional.current_plan()
        year = cleaned.get("year")
        if year and plan and not plan.first_year <= year <= plan.last_year:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "year": ValidationError(
                        _("План действует в %(first)s–%(last)s годах.")
                        % {"first": plan.first_year, "last": plan.last_year}
                    )
                }
            )
        return cleaned

    def status(self, value) -> regional.PlanStatus | None:
        plan = regional.current_plan()
        if plan is None:
            return None
        return regional.plan_status(plan, value.get("year"))

    def rows(self, value, status: regional.PlanStatus) -> list[regional.ItemStatus]:
        if not value.get("only_open"):
            return status.items
        return [
            row
            for row in status.items
            if row.state in (PeriodState.DUE, PeriodState.OVERDUE)
        ]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        status = self.status(value)
        context["status"] = status
        context["rows"] = self.rows(value, status) if status else []
        return context

    def get_api_representation(self, value, context=None):
        status = self.status(value)
        if status is None:
            return {"plan": None, "year": None, "counts": {}, "items": []}
        return api.status_json(status, self.rows(value, status))

    class Meta:
        icon = "calendar-alt"
        label = _("План организации НОК")
        template = "cms_blocks/blocks/regional_plan.html"
        description = _("Пункты плана министерства с отметками об исполнении")
        preview_value = {}


def _bar(value: Decimal | None) -> int | None:
    if value is None:
        return None
    return round(min(max(value, Decimal(0)), Decimal(100)) * CHART_WIDTH / 100)


class PlanTargetsBlock(blocks.StructBlock):
    """Target indicators of the НОК plan: base year, plan and actual, a chart."""

    show_chart = blocks.BooleanBlock(
        label=_("Показывать диаграмму"), required=False, default=True
    )

    def targets(self) -> regional.PlanTargets | None:
        plan = regional.current_plan()
        return regional.plan_targets(plan) if plan else None

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        targets = self.targets()
        context["targets"] = targets
        if targets and value.get("show_chart"):
            context["chart"] = [
                {
                    "title": row.indicator.title,
                    "height": 14 * len(row.cells) + 2,
                    "bars": [
                        {
                            "y": 14 * index,
                            "year": cell.year,
                            "planned": cell.planned,
                            "actual": cell.actual,
                            "planned_width": _bar(cell.planned),
                            "actual_width": _bar(cell.actual),
                        }
                        for index, cell in enumerate(row.cells)
                    ],
                }
                for row in targets.rows
                if row.indicator.unit.strip() == "%"
            ]
        return context

    def get_api_representation(self, value, context=None):
        targets = self.targets()
        if targets is None:
            return {"plan": None, "base_year": None, "years": [], "indicators": []}
        return api.targets_json(targets)

    class Meta:
        icon = "pick"
        label = _("Целевые показатели плана НОК")
        template = "cms_blocks/blocks/plan_targets.html"
        description = _("Базовый год, план и факт по годам, диаграмма")
        preview_value = {"show_chart": True}


class WebsiteMonitoringBlock(blocks.StructBlock):
    """Summary of the latest website checks of the organisations."""

    district = blocks.ChoiceBlock(
        label=_("Район"), choices=district_choices, required=False
    )
    show_organisations = blocks.BooleanBlock(
        label=_("Таблица по организациям"), required=False, default=True
    )

    def summary(self, value) -> regional.MonitoringSummary:
        return regional.monitoring_summary(district_slug=value.get("district") or None)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["summary"] = self.summary(value)
        return context

    def get_api_representation(self, value, context=None):
        return api.monitoring_json(
            self.summary(value), with_rows=bool(value.get("show_organisations"))
        )

    class Meta:
        icon = "globe"
        label = _("Мониторинг сайтов организаций")
        template = "cms_blocks/blocks/website_monitoring.html"
        description = _("Сведения по 886н, способы связи и анкета на сайтах")
        preview_value = {"show_organisations": False}
