"""Models of the evaluation domain, split by aggregate."""

from .campaigns import (
    Campaign,
    DecadeSummary,
    IndicatorInput,
    Publication,
    PublishedResult,
    Result,
    SurveyResponse,
)
from .imports import ImportRecord, ImportStatus
from .organisations import District, Organisation
from .plans import ImprovementPlan, Measure, MeasureReport
from .process import (
    AuditEvent,
    CouncilDecision,
    Submission,
    TargetIndicator,
    TargetIndicatorValue,
)

__all__ = [
    "AuditEvent",
    "Campaign",
    "CouncilDecision",
    "DecadeSummary",
    "District",
    "ImportRecord",
    "ImportStatus",
    "ImprovementPlan",
    "IndicatorInput",
    "Measure",
    "MeasureReport",
    "Organisation",
    "Publication",
    "PublishedResult",
    "Result",
    "Submission",
    "SurveyResponse",
    "TargetIndicator",
    "TargetIndicatorValue",
]
