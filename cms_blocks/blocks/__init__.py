"""StreamField blocks of the portal, one module per block family."""

from .charts import CriterionChartBlock, DistributionChartBlock, TrendChartBlock
from .decade import DecadeResultsBlock
from .documents import DocumentListBlock
from .indicators import TargetIndicatorsBlock
from .plans import PlanTableBlock
from .ratings import RatingTableBlock
from .submissions import SubmissionsTrackerBlock
from .text import CalloutBlock, RichTextBlock

__all__ = [
    "CalloutBlock",
    "CriterionChartBlock",
    "DecadeResultsBlock",
    "DistributionChartBlock",
    "DocumentListBlock",
    "PlanTableBlock",
    "RatingTableBlock",
    "RichTextBlock",
    "SubmissionsTrackerBlock",
    "TargetIndicatorsBlock",
    "TrendChartBlock",
]
