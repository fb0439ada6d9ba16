"""A campaign sent to the council: its results page goes through the council workflow."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState

from evaluation import roles
from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.models import Campaign, CouncilDecision
from evaluation.nok import lifecycle, services
from evaluation.nok.lifecycle import LifecycleError
from publications import review
from publications.models import CampaignResultsPage
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B

pytestmark = pytest.mark.django_db


def _user(django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def recomputed(published_region, django_user_model):
    """A new НОК campaign with its results page, recomputed and ready for the council."""
    editor = _user(django_user_model, "editor", roles.EDITOR)
    a, b = published_region.organisations[:2]
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2025,
        title="НОК 2025",
        slug="nok-2025",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 10, 31),
    )
    campaign.organisations.set([a, b])
    page = published_region.section.add_child(
        instance=CampaignResultsPage(title="Результаты НОК 2025", campaign=campaign)
    )
    page.save_revision().publish()
    lifecycle.open_campaign(campaign, editor)
    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    lifecycle.recompute(campaign, editor)
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

    council = _user(django_user_model, "council", roles.COUNCIL)
    review.council_approve(page, council, comment="Результаты проверены.")
    decision = CouncilDecision.objects.get(campaign=campaign)
    assert "Результаты НОК 2025" in decision.title

    publication = lifecycle.publish(campaign, editor)
    assert publication.version == 1
    assert campaign.status == CampaignStatus.PUBLISHED


def test_returning_the_campaign_cancels_the_review(recomputed, django_user_model):
    campaign, page, editor = recomputed
    lifecycle.send_to_council(campaign, editor)
    council = _user(django_user_model, "council", roles.COUNCIL)
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
