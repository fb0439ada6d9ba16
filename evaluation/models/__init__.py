"""Every model of the evaluation domain, registered with Django from here.

The kernel's models (districts, organisations, submissions, council decisions,
audit) live in this package; each subdomain keeps its own in ``<subdomain>/models``.
Import models from here: ``from evaluation.models import Campaign``.
"""

from evaluation.decade.models.notes import (
    ExplanatoryNote,
    NoteAttachment,
    NoteItem,
    NoteItemSource,
    NoteStatus,
    NoteTheme,
)
from evaluation.decade.models.versions import DecadeVersion, DecadeVersionSummary
from evaluation.imports.models import ColumnMapping, ImportRecord, ImportStatus
from evaluation.models.organisations import District, Organisation
from evaluation.models.process import (
    AuditEvent,
    CouncilDecision,
    Obligation,
    Submission,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.nok.models.campaigns import (
    Campaign,
    DecadeSummary,
    IndicatorInput,
    Publication,
    PublishedResult,
    Result,
    SampleBase,
    SurveyResponse,
)
from evaluation.nok.models.objections import Objection, ObjectionOutcome
from evaluation.nok.models.published_aggregates import PublicationAggregates
from evaluation.obligations.models import ReminderKind, ReminderLog
from evaluation.plans.models.instructions import (
    AnswerState,
    Instruction,
    InstructionAddressee,
    InstructionSource,
    ResponseKind,
)
from evaluation.plans.models.letters import (
    CheckerInvitation,
    CheckerRemark,
    Letter,
    LetterAuthor,
    LetterKind,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)
from evaluation.plans.models.plans import ImprovementPlan, Measure, MeasureReport
from evaluation.questionnaire.models import (
    OnlineQuestionnaire,
    OnlineSubmission,
    QuestionSet,
    ReviewStatus,
    SuggestionStatus,
)
from evaluation.regional.models import (
    PlanExecution,
    PlanItem,
    RegionalPlan,
    WebsiteCheck,
)

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
    "DecadeVersionSummary",
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
