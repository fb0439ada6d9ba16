"""StreamField blocks of the portal, one module per block family."""

from .charts import CriterionChartBlock, DistributionChartBlock, TrendChartBlock
from .decade import DecadeResultsBlock
from .documents import DocumentListBlock
from .gallery import DecadeGalleryBlock
from .indicators import TargetIndicatorsBlock
from .plans import PlanTableBlock
from .ratings import RatingTableBlock
from .regional import PlanTargetsBlock, RegionalPlanBlock, WebsiteMonitoringBlock
from .submissions import SubmissionsTrackerBlock
from .text import CalloutBlock, RichTextBlock

__all__ = [
    "CalloutBlock",
    "CriterionChartBlock",
    "DecadeGalleryBlock",
    "DecadeResultsBlock",
    "DistributionChartBlock",
    "DocumentListBlock",
    "PlanTableBlock",
    "PlanTargetsBlock",
    "RatingTableBlock",
    "RegionalPlanBlock",
    "RichTextBlock",
    "SubmissionsTrackerBlock",
    "TargetIndicatorsBlock",
    "TrendChartBlock",
    "WebsiteMonitoringBlock",
]
