"""Chart blocks: criteria, distribution of totals and trends, as accessible SVG."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms_blocks import svg
from evaluation import selectors
from evaluation.enums import CampaignKind, Criterion
from evaluation.formatting import criterion_label

from .base import (
    CampaignChooserBlock,
    DistrictBlock,
    KindBlock,
    OrganisationChooserBlock,
    district_name,
    kind_label,
    request_of,
)
from .ratings import campaign_json, decimal_text

CRITERIA = [("k1", "K1"), ("k2", "K2"), ("k3", "K3"), ("k4", "K4"), ("k5", "K5")]


class Scope:
    ORGANISATION = "organisation"
    DISTRICT = "district"
    KIND = "kind"
    REGION = "region"

    CHOICES = [
        (ORGANISATION, _("Организация")),
        (DISTRICT, _("Район")),
        (KIND, _("Тип организаций")),
        (REGION, _("Край в целом")),
    ]


def _scope_errors(value) -> dict[str, ValidationError]:
    scope = value.get("scope")
    needed = {
        Scope.ORGANISATION: ("organisation", _("Выберите организацию.")),
        Scope.DISTRICT: ("district", _("Выберите район.")),
        Scope.KIND: ("kind", _("Выберите тип организаций.")),
    }
    if scope in needed:
        name, message = needed[scope]
        if not value.get(name):
            return {name: ValidationError(message)}
    return {}


def _subject(value) -> str:
    scope = value.get("scope")
    if scope == Scope.ORGANISATION and value.get("organisation"):
        return value["organisation"].short_name
    if scope == Scope.DISTRICT:
        return district_name(value.get("district") or "") or "Район"
    if scope == Scope.KIND:
        return kind_label(value.get("kind") or "") or "Тип организаций"
    return "Край в целом"


def chart_prefix(context: dict[str, Any] | None, stem: str) -> str:
    """A unique id prefix for the chart's SVG ids within one response."""
    request = request_of(context)
    if request is None:
        return stem
    number = getattr(request, "_qp_chart_number", 0) + 1
    request._qp_chart_number = number
    return f"{stem}-{number}"


def chart_context(chart: svg.Chart, prefix: str) -> dict[str, Any]:
    """What the chart component template needs, including a CSV data link."""
    csv_body = "\ufeff" + chart.csv_text()
    return {
        "chart": chart,
        "chart_id": prefix,
        "csv_href": "data:text/csv;charset=utf-8," + quote(csv_body.encode("utf-8")),
        "csv_name": f"{prefix}.csv",
    }


def chart_json(chart: svg.Chart, series: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": chart.title,
        "description": chart.description,
        "table": {"columns": chart.columns, "rows": chart.rows},
        "series": series,
    }


class ChartBlock(blocks.StructBlock):
    """Common rendering of chart blocks: a figure, its SVG and its data table."""

    stem = "chart"

    def build(self, value, prefix: str) -> tuple[svg.Chart | None, dict[str, Any], str]:
        """Return the chart (or None), its raw series and an empty-state message."""
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        prefix = chart_prefix(parent_context, self.stem)
        chart, _series, empty = self.build(value, prefix)
        context["empty_message"] = empty
        if chart is not None:
            context.update(chart_context(chart, prefix))
        return context

    def get_api_representation(self, value, context=None):
        chart, series, empty = self.build(value, self.stem)
        if chart is None:
            return {"empty": empty, "series": series}
        return chart_json(chart, series)


class CriterionChartBlock(ChartBlock):
    """K1–K5 of an organisation, district, kind or the region against the region."""

    scope = blocks.ChoiceBlock(
        choices=Scope.CHOICES, default=Scope.ORGANISATION, label=_("Для кого")
    )
    campaign = CampaignChooserBlock(label=_("Кампания НОК"))
    organisation = OrganisationChooserBlock(label=_("Организация"), required=False)
    district = DistrictBlock()
    kind = KindBlock()

    stem = "criteria"

    def clean(self, value):
        cleaned = super().clean(value)
        errors = _scope_errors(cleaned)
        campaign = cleaned.get("campaign")
        if campaign is not None and campaign.kind != CampaignKind.NOK:
            errors["campaign"] = ValidationError(
                _("Критерии К1–К5 есть только у кампаний НОК.")
            )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return cleaned

    def build(self, value, prefix):
        campaign = value.get("campaign")
        scope = value.get("scope")
        if campaign is None or selectors.latest_publication(campaign) is None:
            return None, {}, "Результаты кампании ещё не опубликованы."
        region = selectors.aggregates(campaign)["region"]
        if scope == Scope.ORGANISATION:
            organisation = value.get("organisation")
            result = (
                selectors.published_results(campaign)
                .filter(organisation=organisation)
                .first()
            )
            if result is None:
                return (
                    None,
                    {},
                    "У организации нет опубликованных результатов в этой кампании.",
                )
            values = [getattr(result, field) for field, _code in CRITERIA]
        elif scope in {Scope.DISTRICT, Scope.KIND}:
            key = value.get(scope) or ""
            groups = selectors.aggregates(campaign, group_by=scope)
            if key not in groups:
                return None, {}, "Нет опубликованных результатов для выбранной группы."
            values = [groups[key][field].mean for field, _code in CRITERIA]
        else:
            values = [region[field].mean for field, _code in CRITERIA]
        reference = (
            None
            if scope == Scope.REGION
            else [region[field].mean for field, _code in CRITERIA]
        )
        subject = _subject(value)
        chart = svg.criterion_chart(
            title=f"Баллы по критериям: {subject}, {campaign.title}",
            labels=[
                f"{criterion_label(code)} {Criterion(code).label}"
                for _f, code in CRITERIA
            ],
            values=values,
            reference=reference,
            value_label=subject,
            reference_label="Среднее по краю",
            id_prefix=prefix,
        )
        series = {
            "campaign": campaign_json(campaign),
            "scope": scope,
            "subject": subject,
            "criteria": [code for _f, code in CRITERIA],
            "values": [decimal_text(v) for v in values],
            "region_mean": None
            if reference is None
            else [decimal_text(v) for v in reference],
        }
        return chart, series, ""

    class Meta:
        icon = "chart-bar"
        label = _("Диаграмма критериев")
        template = "cms_blocks/blocks/chart.html"
        help_text = _(
            "Столбчатая диаграмма К1–К5 для организации, района, типа или края "
            "в сравнении со средним по краю; рядом — таблица данных."
        )
        description = _("Баллы по пяти критериям против среднего по краю")
        preview_value = {"scope": Scope.REGION}


class DistributionChartBlock(ChartBlock):
    """How the totals of a campaign are spread over 0–100."""

    campaign = CampaignChooserBlock(label=_("Кампания НОК"))
    district = DistrictBlock()
    kind = KindBlock()
    bin_width = blocks.ChoiceBlock(
        choices=[("5", "5 баллов"), ("10", "10 баллов")],
        default="10",
        label=_("Ширина интервала"),
    )

    stem = "distribution"

    def get_context(self, value, parent_context=None):
        # The page shows the bars only: the stored distribution of the
        # publication is enough, without reading every total.
        context = super(ChartBlock, self).get_context(value, parent_context)
        prefix = chart_prefix(parent_context, self.stem)
        chart, _series, empty = self.build(value, prefix, with_totals=False)
        context["empty_message"] = empty
        if chart is not None:
            context.update(chart_context(chart, prefix))
        return context

    def build(self, value, prefix, *, with_totals: bool = True):
        campaign = value.get("campaign")
        if campaign is None or selectors.latest_publication(campaign) is None:
            return None, {}, "Результаты кампании ещё не опубликованы."
        filters = selectors.RatingFilters(
            district=value.get("district") or "", kind=value.get("kind") or ""
        )
        bin_width = int(value.get("bin_width") or 10)
        binned = selectors.rating_distribution(campaign, filters, bin_width)
        totals: list[Decimal | None] = (
            list(
                selectors.rating_rows(campaign, filters).values_list("total", flat=True)
            )
            if with_totals or binned is None
            else []
        )
        present = len(totals) if binned is None else sum(binned[0]) + binned[1]
        if not present:
            return None, {}, "Нет организаций, подходящих под выбранные условия."
        group = ", ".join(
            part
            for part in (
                district_name(filters.district),
                kind_label(filters.kind),
            )
            if part
        )
        chart = svg.distribution_chart(
            title=f"Распределение итоговых баллов{': ' + group if group else ''}, "
            f"{campaign.title}",
            totals=totals,
            bin_width=bin_width,
            id_prefix=prefix,
            binned=binned,
        )
        series = {
            "campaign": campaign_json(campaign),
            "district": filters.district,
            "kind": filters.kind,
            "bin_width": int(value.get("bin_width") or 10),
            "totals": [decimal_text(t) for t in totals],
        }
        return chart, series, ""

    class Meta:
        icon = "chart-bar"
        label = _("Распределение баллов")
        template = "cms_blocks/blocks/chart.html"
        description = _("Сколько организаций набрали баллы в каждом интервале")
        preview_value = {"bin_width": "10"}


class TrendChartBlock(ChartBlock):
    """A total across НОК campaigns: organisation, district, kind or region."""

    scope = blocks.ChoiceBlock(
        choices=Scope.CHOICES, default=Scope.REGION, label=_("Для кого")
    )
    organisation = OrganisationChooserBlock(label=_("Организация"), required=False)
    district = DistrictBlock()
    kind = KindBlock()

    stem = "trend"

    def clean(self, value):
        cleaned = super().clean(value)
        errors = _scope_errors(cleaned)
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return cleaned

    def build(self, value, prefix):
        scope = value.get("scope")
        if scope == Scope.ORGANISATION:
            points = selectors.trend(organisation=value.get("organisation"))
        elif scope == Scope.DISTRICT:
            points = selectors.trend(district=value.get("district") or "")
        elif scope == Scope.KIND:
            points = selectors.trend(kind=value.get("kind") or "")
        else:
            points = selectors.trend()
        if not points:
            return None, {}, "Опубликованных результатов оценки пока нет."
        reference = None if scope == Scope.REGION else selectors.trend()
        subject = _subject(value)
        chart = svg.trend_chart(
            title=f"Итоговый балл по годам: {subject}",
            points=[(str(p.campaign.year), p.value) for p in points],
            reference=None
            if reference is None
            else [(str(p.campaign.year), p.value) for p in reference],
            value_label=subject,
            reference_label="Среднее по краю",
            id_prefix=prefix,
        )
        series = {
            "scope": scope,
            "subject": subject,
            "points": [
                {
                    "campaign": campaign_json(p.campaign),
                    "value": decimal_text(p.value),
                }
                for p in points
            ],
            "region_mean": None
            if reference is None
            else [
                {"campaign": campaign_json(p.campaign), "value": decimal_text(p.value)}
                for p in reference
            ],
        }
        return chart, series, ""

    class Meta:
        icon = "chart-line"
        label = _("Динамика по годам")
        template = "cms_blocks/blocks/chart.html"
        description = _("Итоговый балл по кампаниям НОК в сравнении с краем")
        preview_value = {"scope": Scope.REGION}
