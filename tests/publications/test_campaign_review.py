"""A campaign sent to the council: its results page goes through the council workflow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from evaluation import roles
from evaluation.enums import CampaignStatus
from evaluation.models import CouncilDecision
from evaluation.nok import lifecycle
from evaluation.nok.lifecycle import LifecycleError
from publications import review
from publications.models import CampaignResultsPage
from tests.factories.helpers import nok_2025, recompute_examples
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def recomputed(published_region, django_user_model):
    """A new НОК campaign with its results page, recomputed and ready for the council."""
    editor = role_user("editor", roles.EDITOR)
    a, b = published_region.organisations[:2]
    campaign = nok_2025(a, b)
    page = published_region.section.add_child(
        instance=CampaignResultsPage(title="Результаты НОК 2025", campaign=campaign)
    )
    page.save_revision().publish()
    recompute_examples(campaign, editor, a, b)
    return campaign, page, editor


def test_the_council_reviews_the_results_page_before_publication(
    recomputed, django_user_model, client
) -> None:
    campaign, page, editor = recomputed
    lifecycle.send_to_council(campaign, editor)
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
    assert any(row.content == page for row in review.council_queue())

    with pytest.raises(LifecycleError, match="дождитесь его решения"):
        lifecycle.publish(campaign, editor)
    client.force_login(editor)
    screen = client.get(reverse("qp_campaign_lifecycle", args=[campaign.pk]))
    assert "дождитесь его решения" in screen.content.decode()

    council = role_user("council", roles.COUNCIL)
    review.council_approve(page, council, comment="Результаты проверены.")
    decision = CouncilDecision.objects.get(campaign=campaign)
    assert "Результаты НОК 2025" in decision.title

    publication = lifecycle.publish(campaign, editor)
    assert publication.version == 1
    assert campaign.status == CampaignStatus.PUBLISHED


def test_returning_the_campaign_cancels_the_review(recomputed, django_user_model):
    campaign, page, editor = recomputed
    lifecycle.send_to_council(campaign, editor)
    council = role_user("council", roles.COUNCIL)
    review.council_return(page, council, reason="Проверьте данные КЦСОН.")
    with pytest.raises(LifecycleError, match=r"вернул страницу .* на доработку"):
        lifecycle.publish(campaign, editor)
    lifecycle.return_for_rework(campaign, editor, note="Совет вернул")
    page.refresh_from_db()
    assert page.current_workflow_state is None
    assert not any(row.content == page for row in review.council_queue())
    lifecycle.send_to_council(campaign, editor)  # a fresh review
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
