"""Target indicator blocks: plan against actual, by year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation import selectors

from .ratings import decimal_text


class TargetIndicatorsBlock(blocks.StructBlock):
    """Target indicators of the regional plan: plan and actual per year."""

    first_year = blocks.IntegerBlock(
        label=_("С года"), required=False, min_value=2000, max_value=2100
    )
    last_year = blocks.IntegerBlock(
        label=_("По год"), required=False, min_value=2000, max_value=2100
    )

    def clean(self, value):
        cleaned = super().clean(value)
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and first > last:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "last_year": ValidationError(_("Последний год раньше первого."))
                }
            )
        return cleaned

    def table(self, value) -> selectors.TargetTable:
        return selectors.target_table(
            first_year=value.get("first_year"), last_year=value.get("last_year")
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["table"] = self.table(value)
        return context

    def get_api_representation(self, value, context=None):
        table = self.table(value)
        return {
            "years": table.years,
            "indicators": [
                {
                    "id": row.indicator.pk,
                    "title": row.indicator.title,
                    "unit": row.indicator.unit,
                    "values": [
                        {
                            "year": cell.year,
                            "planned": decimal_text(cell.planned),
                            "actual": decimal_text(cell.actual),
                            "achieved": cell.achieved,
                        }
                        for cell in row.cells
                    ],
                }
                for row in table.rows
            ],
        }

    class Meta:
        icon = "table"
        label = _("Целевые показатели")
        template = "cms_blocks/blocks/target_indicators.html"
        description = _("План и факт целевых показателей по годам")
        preview_value = {}
