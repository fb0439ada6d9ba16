"""Stream compositions: which blocks a page body allows."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .blocks import (
    CalloutBlock,
    CriterionChartBlock,
    DecadeGalleryBlock,
    DecadeResultsBlock,
    DistributionChartBlock,
    DocumentListBlock,
    PlanTableBlock,
    PlanTargetsBlock,
    RatingTableBlock,
    RegionalPlanBlock,
    RichTextBlock,
    SubmissionsTrackerBlock,
    TargetIndicatorsBlock,
    TrendChartBlock,
    WebsiteMonitoringBlock,
)


class BaseStreamBlock(blocks.StreamBlock):
    """Blocks every content page may use: text, call-outs, documents, and the
    ministry's НОК plan (its own page is a text page of the НОК section)."""

    text = RichTextBlock()
    callout = CalloutBlock()
    document_list = DocumentListBlock()
    regional_plan = RegionalPlanBlock()
    plan_targets = PlanTargetsBlock()
    website_monitoring = WebsiteMonitoringBlock()

    class Meta:
        block_counts: dict[str, dict[str, int]] = {"regional_plan": {"max_num": 1}}
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
            "regional_plan": {"max_num": 1},
        }
        label = _("Содержимое с данными")


class DecadeStreamBlock(DataStreamBlock):
    """The body of a Декада results page: the data blocks and the gallery of
    children's drawings and photos from the explanatory notes."""

    decade_gallery = DecadeGalleryBlock()

    class Meta:
        block_counts = {
            **DataStreamBlock._meta_class.block_counts,
            "decade_gallery": {"max_num": 1},
        }
        label = _("Содержимое итогов Декады")
