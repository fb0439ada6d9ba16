"""Stream compositions: which blocks a page body allows."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .blocks import (
    CalloutBlock,
    CriterionChartBlock,
    DecadeResultsBlock,
    DistributionChartBlock,
    DocumentListBlock,
    PlanTableBlock,
    RatingTableBlock,
    RichTextBlock,
    SubmissionsTrackerBlock,
    TargetIndicatorsBlock,
    TrendChartBlock,
)


class BaseStreamBlock(blocks.StreamBlock):
    """Blocks every content page may use: text, call-outs, documents."""

    text = RichTextBlock()
    callout = CalloutBlock()
    document_list = DocumentListBlock()

    class Meta:
        block_counts: dict[str, dict[str, int]] = {}
        label = _("Содержимое")


class DataStreamBlock(BaseStreamBlock):
    """Content blocks plus the live-data blocks of results pages."""

    # One rating table per page: its filters and sorting live in the query string.
    rating_table = RatingTableBlock()
    criterion_chart = CriterionChartBlock()
    distribution_chart = DistributionChartBlock()
    trend_chart = TrendChartBlock()
    plan_table = PlanTableBlock()
    target_indicators = TargetIndicatorsBlock()
    decade_results = DecadeResultsBlock()
    submissions_tracker = SubmissionsTrackerBlock()

    class Meta:
        block_counts = {
            "rating_table": {"max_num": 1},
            "plan_table": {"max_num": 1},
            "decade_results": {"max_num": 1},
            "submissions_tracker": {"max_num": 1},
        }
        label = _("Содержимое с данными")
