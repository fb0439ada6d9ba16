"""Plan blocks: measures of improvement plans with status, progress and effect."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation import selectors
from evaluation.enums import CampaignKind

from .base import (
    CampaignChooserBlock,
    CampaignKindMixin,
    OrganisationChooserBlock,
    card_url_builder,
    request_of,
)
from .ratings import campaign_json, decimal_text


def plan_row_json(row: selectors.PlanRow) -> dict[str, Any]:
    measure = row.measure
    effect = row.effect
    return {
        "id": measure.pk,
        "organisation": {
            "id": measure.plan.organisation_id,
            "slug": measure.plan.organisation.slug,
            "short_name": measure.plan.organisation.short_name,
        },
        "criterion": measure.criterion,
        "indicator": measure.indicator_code or None,
        "deficiency": measure.deficiency,
        "action": measure.action,
        "planned_date": measure.planned_date.isoformat(),
        "responsible": {
            "name": measure.responsible_name,
            "position": measure.responsible_position,
        },
        "status": measure.status,
        "overdue": row.overdue,
        "done_late": row.done_late,
        "reports": [
            {"done": report.done, "actual_date": report.actual_date.isoformat()}
            for report in row.reports
        ],
        "effect": None
        if effect is None
        else {
            "before": decimal_text(effect.before),
            "after": decimal_text(effect.after),
            "change": decimal_text(effect.change),
            "after_campaign": campaign_json(effect.after_campaign),
            "reason": effect.reason,
        },
    }


class PlanTableBlock(CampaignKindMixin, blocks.StructBlock):
    """Measures of approved plans after a НОК campaign, with overdue flags."""

    campaign_kind = CampaignKind.NOK
    campaign_kind_error = _("Планы мероприятий принимаются по итогам кампании НОК.")

    campaign = CampaignChooserBlock(label=_("По итогам кампании НОК"))
    organisation = OrganisationChooserBlock(
        label=_("Организация"),
        required=False,
        help_text=_("Пусто — планы всех организаций кампании."),
    )
    only_overdue = blocks.BooleanBlock(
        label=_("Только просроченные мероприятия"), required=False, default=False
    )
    per_page = blocks.IntegerBlock(
        label=_("Мероприятий на странице"), default=30, min_value=10, max_value=200
    )

    def table(self, value, request=None) -> dict[str, Any]:
        campaign = value.get("campaign")
        plan = (
            selectors.plan_rows(
                campaign=campaign, organisation=value.get("organisation")
            )
            if campaign
            else selectors.PlanTable(rows=[], done=0, overdue=0)
        )
        rows = (
            [row for row in plan.rows if row.overdue]
            if value["only_overdue"]
            else plan.rows
        )
        paginator = Paginator(rows, value.get("per_page") or 30)
        page = paginator.get_page(request.GET.get("plan_page") if request else 1)
        return {"campaign": campaign, "plan": plan, "page_obj": page}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        table = self.table(value, request_of(parent_context))
        build_url = card_url_builder(parent_context)
        campaign = table["campaign"]
        context.update(
            table,
            rows=[
                {"row": row, "url": build_url(row.measure.plan.organisation, campaign)}
                for row in table["page_obj"].object_list
            ],
            show_organisation=value.get("organisation") is None,
            query_prefix="plan_",
            pagination_label="Страницы плана мероприятий",
        )
        return context

    def get_api_representation(self, value, context=None):
        table = self.table(value, request_of(context))
        plan = table["plan"]
        page = table["page_obj"]
        return {
            "campaign": campaign_json(table["campaign"]),
            "organisation": None
            if value.get("organisation") is None
            else value["organisation"].slug,
            "measures": plan.total,
            "done": plan.done,
            "overdue": plan.overdue,
            "percent_done": plan.percent,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "rows": [plan_row_json(row) for row in page.object_list],
        }

    class Meta:
        icon = "tasks"
        label = _("План мероприятий")
        template = "cms_blocks/blocks/plan_table.html"
        help_text = _(
            "Мероприятия утверждённых планов: срок, ответственный, статус, "
            "просрочка, отчёт о выполнении и изменение показателя."
        )
        description = _("Таблица мероприятий по устранению недостатков")
        preview_value = {"only_overdue": False, "per_page": 30}
