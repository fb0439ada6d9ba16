"""Models of the evaluation domain, split by aggregate."""

from .campaigns import (
    Campaign,
    DecadeSummary,
    IndicatorInput,
    Publication,
    PublishedResult,
    Result,
    SampleBase,
    SurveyResponse,
)
from .decade_versions import DecadeVersion
from .imports import ColumnMapping, ImportRecord, ImportStatus
from .instructions import (
    AnswerState,
    Instruction,
    InstructionAddressee,
    InstructionSource,
    ResponseKind,
)
from .letters import (
    CheckerInvitation,
    CheckerRemark,
    Letter,
    LetterAuthor,
    LetterKind,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)
from .notes import (
    ExplanatoryNote,
    NoteAttachment,
    NoteItem,
    NoteItemSource,
    NoteStatus,
    NoteTheme,
)
from .objections import Objection, ObjectionOutcome
from .organisations import District, Organisation
from .plans import ImprovementPlan, Measure, MeasureReport
from .process import (
    AuditEvent,
    CouncilDecision,
    Obligation,
    Submission,
    TargetIndicator,
    TargetIndicatorValue,
)
from .published_aggregates import PublicationAggregates
from .questionnaires import (
    OnlineQuestionnaire,
    OnlineSubmission,
    QuestionSet,
    ReviewStatus,
    SuggestionStatus,
)
from .regional_plan import PlanExecution, PlanItem, RegionalPlan, WebsiteCheck
from .reminders import ReminderKind, ReminderLog

__all__ = [
    "AnswerState",
    "AuditEvent",
    "Campaign",
    "CheckerInvitation",
    "CheckerRemark",
    "ColumnMapping",
    "CouncilDecision",
    "DecadeSummary",
    "DecadeVersion",
    "District",
    "ExplanatoryNote",
    "ImportRecord",
    "ImportStatus",
    "ImprovementPlan",
    "IndicatorInput",
    "Instruction",
    "InstructionAddressee",
    "InstructionSource",
    "Letter",
    "LetterAuthor",
    "LetterKind",
    "Measure",
    "MeasureReport",
    "NoteAttachment",
    "NoteItem",
    "NoteItemSource",
    "NoteStatus",
    "NoteTheme",
    "Objection",
    "ObjectionOutcome",
    "Obligation",
    "OnlineQuestionnaire",
    "OnlineSubmission",
    "Organisation",
    "PlanExecution",
    "PlanItem",
    "Proposal",
    "ProposalDocument",
    "ProposalStatus",
    "Publication",
    "PublicationAggregates",
    "PublishedResult",
    "QuestionSet",
    "RegionalPlan",
    "ReminderKind",
    "ReminderLog",
    "ResponseKind",
    "Result",
    "ReviewStatus",
    "SampleBase",
    "Submission",
    "SuggestionStatus",
    "SurveyResponse",
    "TargetIndicator",
    "TargetIndicatorValue",
    "WebsiteCheck",
]
