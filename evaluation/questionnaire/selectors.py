"""Read side of the online questionnaire: moderation queues and approved texts."""

from __future__ import annotations

from django.db.models import QuerySet

from evaluation.models import (
    Campaign,
    OnlineSubmission,
    Organisation,
    ReviewStatus,
    SuggestionStatus,
)


def approved_suggestions(campaign: Campaign, organisation: Organisation) -> list[str]:
    """Q16 suggestions approved by a moderator, oldest first, for the
    institution's explanatory note (excluded questionnaires left out)."""
    return list(
        OnlineSubmission.objects.filter(
            campaign=campaign,
            organisation=organisation,
            suggestion_status=SuggestionStatus.APPROVED,
            response__excluded=False,
        )
        .order_by("created_at", "pk")
        .values_list("response__suggestion", flat=True)
    )


def pending_suggestions() -> QuerySet[OnlineSubmission]:
    """Suggestions waiting for moderation, oldest first."""
    return (
        OnlineSubmission.objects.filter(suggestion_status=SuggestionStatus.PENDING)
        .select_related("response", "organisation", "campaign")
        .order_by("created_at", "pk")
    )


def flagged_submissions() -> QuerySet[OnlineSubmission]:
    """Questionnaires waiting for an editor's review, oldest first."""
    return (
        OnlineSubmission.objects.filter(review=ReviewStatus.FLAGGED)
        .select_related("response", "organisation", "campaign")
        .order_by("created_at", "pk")
    )
