"""Submissions tracker block: what institutions sent, on time, late or not at all."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation import selectors
from evaluation.enums import CampaignStatus

from .base import CampaignChooserBlock, DistrictBlock, request_of
from .ratings import campaign_json


class SubmissionsTrackerBlock(blocks.StructBlock):
    """Per organisation and document: on time, late, missing, still due."""

    campaign = CampaignChooserBlock(label=_("Кампания"))
    district = DistrictBlock()
    per_page = blocks.IntegerBlock(
        label=_("Организаций на странице"), default=30, min_value=10, max_value=200
    )

    def data(self, value, request=None) -> dict[str, Any]:
        campaign = value.get("campaign")
        if campaign is None or campaign.status == CampaignStatus.DRAFT:
            return {"campaign": campaign, "tracker": None}
        tracker = selectors.submissions_tracker(
            campaign, district=value.get("district") or ""
        )
        paginator = Paginator(tracker.rows, value.get("per_page") or 30)
        page = paginator.get_page(request.GET.get("tracker_page") if request else 1)
        return {"campaign": campaign, "tracker": tracker, "page_obj": page}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context.update(self.data(value, request_of(parent_context)))
        context["query_prefix"] = "tracker_"
        context["pagination_label"] = "Страницы контроля сроков"
        return context

    def get_api_representation(self, value, context=None):
        data = self.data(value, request_of(context))
        tracker = data["tracker"]
        if tracker is None:
            return {"campaign": campaign_json(data["campaign"]), "rows": []}
        page = data["page_obj"]
        return {
            "campaign": campaign_json(data["campaign"]),
            "today": tracker.today.isoformat(),
            "kinds": [{"kind": kind, "label": label} for kind, label in tracker.kinds],
            "counts": {state.value: count for state, count in tracker.counts.items()},
            "page": page.number,
            "pages": page.paginator.num_pages,
            "rows": [
                {
                    "organisation": {
                        "id": row.organisation.pk,
                        "slug": row.organisation.slug,
                        "short_name": row.organisation.short_name,
                    },
                    "documents": [
                        None
                        if submission is None
                        else {
                            "kind": submission.kind,
                            "deadline": submission.deadline.isoformat(),
                            "received_on": submission.received_on.isoformat()
                            if submission.received_on
                            else None,
                            "state": state.value if state else None,
                        }
                        for submission, state in row.cells
                    ],
                }
                for row in page.object_list
            ],
        }

    class Meta:
        icon = "time"
        label = _("Контроль сроков представления документов")
        template = "cms_blocks/blocks/submissions_tracker.html"
        description = _("Кто и когда представил документы: в срок, с опозданием, нет")
        preview_value = {"per_page": 30}
