"""Page types and the document model of the public site."""

from .directory import OrganisationIndexPage
from .documents import DocumentKind, PortalDocument
from .identity import MinistrySettings
from .pages import (
    AssessmentIndexPage,
    BasePage,
    CampaignResultsPage,
    CouncilMeeting,
    CouncilMember,
    CouncilPage,
    DecadeResultsPage,
    DocumentIndexPage,
    HomePage,
    MethodologyPage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from .review import CouncilReviewTask, ReviewDocument, ReviewKind

__all__ = [
    "AssessmentIndexPage",
    "BasePage",
    "CampaignResultsPage",
    "CouncilMeeting",
    "CouncilMember",
    "CouncilPage",
    "CouncilReviewTask",
    "DecadeResultsPage",
    "DocumentIndexPage",
    "DocumentKind",
    "HomePage",
    "MethodologyPage",
    "MinistrySettings",
    "NewsIndexPage",
    "NewsPage",
    "OrganisationIndexPage",
    "PortalDocument",
    "ReviewDocument",
    "ReviewKind",
    "StandardPage",
]
