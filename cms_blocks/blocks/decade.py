"""Декада качества blocks: sample adequacy and satisfaction shares."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation import selectors
from evaluation.decade.summary import pooled_shares
from evaluation.enums import CampaignKind, CampaignStatus

from .base import (
    CampaignChooserBlock,
    CampaignKindMixin,
    DistrictBlock,
    card_url_builder,
    request_of,
)
from .ratings import campaign_json, decimal_text

#: Opinion questions shown per organisation in the table (the rest in the
#: region summary): satisfied overall and ready to recommend.
HEADLINE_QUESTIONS = ("q15", "q13")


class DecadeCampaignMixin(CampaignKindMixin):
    """A StructBlock whose ``campaign`` must be a Декада качества."""

    campaign_kind = CampaignKind.DECADE
    campaign_kind_error = _("Выберите кампанию «Декада качества», а не НОК.")


def _visible(campaign) -> bool:
    return campaign is not None and campaign.status == CampaignStatus.PUBLISHED


class DecadeResultsBlock(DecadeCampaignMixin, blocks.StructBlock):
    """Results of a Декада per organisation, with a sample adequacy badge."""

    campaign = CampaignChooserBlock(label=_("Декада качества"))
    district = DistrictBlock()
    per_page = blocks.IntegerBlock(
        label=_("Строк на странице"), default=30, min_value=10, max_value=200
    )

    def data(self, value, request=None) -> dict[str, Any]:
        campaign = value.get("campaign")
        if not _visible(campaign):
            return {"campaign": campaign, "published": False}
        overview = selectors.decade_overview(campaign)
        district = value.get("district") or ""
        items = [
            (overview.organisations[pk], summary)
            for pk, summary in overview.summaries.items()
            if not district or overview.organisations[pk].district.slug == district
        ]
        paginator = Paginator(items, value.get("per_page") or 30)
        page = paginator.get_page(request.GET.get("decade_page") if request else 1)
        return {
            "campaign": campaign,
            "published": True,
            "overview": overview,
            "region": pooled_shares(summary for _org, summary in items),
            "page_obj": page,
            "adequate": sum(1 for _o, s in items if s.sample.adequate),
            "inadequate": sum(1 for _o, s in items if s.sample.adequate is False),
            "unknown": sum(1 for _o, s in items if s.sample.adequate is None),
            "counted": sum(s.counted for _o, s in items),
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        data = self.data(value, request_of(parent_context))
        context.update(data)
        if data["published"]:
            build_url = card_url_builder(parent_context)
            context["rows"] = [
                {
                    "organisation": organisation,
                    "summary": summary,
                    "url": build_url(organisation, None),
                    "headline": [summary.question(code) for code in HEADLINE_QUESTIONS],
                }
                for organisation, summary in data["page_obj"].object_list
            ]
            context["query_prefix"] = "decade_"
            context["pagination_label"] = "Страницы итогов Декады"
        return context

    def get_api_representation(self, value, context=None):
        data = self.data(value, request_of(context))
        if not data["published"]:
            return {"campaign": campaign_json(data["campaign"]), "published": False}
        page = data["page_obj"]
        return {
            "campaign": campaign_json(data["campaign"]),
            "published": True,
            "counted": data["counted"],
            "sample": {
                "adequate": data["adequate"],
                "inadequate": data["inadequate"],
                "unknown": data["unknown"],
            },
            "region": [
                {
                    "question": share.code,
                    "label": share.label,
                    "answered": share.answered,
                    "satisfied": share.satisfied,
                    "share": decimal_text(share.share),
                }
                for share in data["region"]
            ],
            "page": page.number,
            "pages": page.paginator.num_pages,
            "rows": [
                {
                    "organisation": {
                        "id": organisation.pk,
                        "slug": organisation.slug,
                        "short_name": organisation.short_name,
                    },
                    "counted": summary.counted,
                    "base": summary.sample.base,
                    "sample_share": decimal_text(summary.sample.share),
                    "threshold": decimal_text(summary.sample.threshold),
                    "adequate": summary.sample.adequate,
                    "shares": {
                        share.code: decimal_text(share.share)
                        for share in summary.satisfaction
                    },
                }
                for organisation, summary in page.object_list
            ],
        }

    class Meta:
        icon = "doc-full"
        label = _("Итоги Декады качества")
        template = "cms_blocks/blocks/decade_results.html"
        help_text = _(
            "Доля опрошенных с отметкой о достаточности выборки и доли "
            "удовлетворённых по каждой организации; итоги по краю."
        )
        description = _("Таблица итогов опроса Декады качества")
        preview_value = {"per_page": 30}
