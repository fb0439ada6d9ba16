"""From an empty installation, a campaign's results reach the public site.

Only the home page exists after ``migrate``. Sending a campaign to the
council makes its results page (a draft the council reviews) and the site's
assessment section and directory; publishing the campaign makes the page live
with the rating. Nobody builds pages by hand for the results to be seen.
"""

from __future__ import annotations

import pytest

from evaluation import roles
from evaluation.nok import lifecycle
from publications import review
from publications.campaign_pages import ensure_results_page, results_page_of
from publications.models import (
    AssessmentIndexPage,
    CampaignResultsPage,
    DecadeResultsPage,
    MethodologyPage,
    OrganisationIndexPage,
)
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory
from tests.factories.helpers import recomputed_nok_2025
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def nok(django_user_model):
    """Two organisations of a campaign recomputed but not yet published."""
    return recomputed_nok_2025()


def test_an_empty_site_gets_the_results_page_reviewed_then_published(
    nok, django_user_model, client
) -> None:
    campaign, editor = nok
    assert not AssessmentIndexPage.objects.exists()
    assert client.get("/ocenka/").status_code == 404

    lifecycle.send_to_council(campaign, editor)
    page = results_page_of(campaign)
    assert isinstance(page, CampaignResultsPage) and not page.live
    assert page.url_path.endswith("/ocenka/nok-2025/")
    assert page.current_workflow_state is not None  # before the council
    assert any(row.content == page for row in review.council_queue())
    assert OrganisationIndexPage.objects.get().live
    assert MethodologyPage.objects.get().live
    assert client.get("/ocenka/").status_code == 200
    assert client.get("/ocenka/nok-2025/").status_code == 404  # a draft

    council = role_user("council", roles.COUNCIL)
    review.council_approve(page, council, comment="Результаты проверены.")
    waiting = client.get("/ocenka/nok-2025/").content.decode()
    assert "Результаты этой кампании ещё не опубликованы." in waiting

    lifecycle.publish(campaign, editor, note="Первая публикация")
    page.refresh_from_db()
    assert page.live
    published = client.get("/ocenka/nok-2025/").content.decode()
    assert "ещё не опубликованы" not in published
    assert "Надежда" in published and "Забота" in published
    directory = client.get("/organizacii/").content.decode()
    assert "Надежда" in directory


def test_a_page_made_by_an_editor_is_used_not_doubled(nok) -> None:
    campaign, editor = nok
    first = ensure_results_page(campaign)
    section = AssessmentIndexPage.objects.get()
    assert ensure_results_page(campaign) == first
    lifecycle.send_to_council(campaign, editor)
    assert CampaignResultsPage.objects.count() == 1
    assert AssessmentIndexPage.objects.get() == section


def test_a_published_decade_gets_its_live_results_page(django_user_model) -> None:
    organisation = OrganisationFactory()
    decade = DecadeCampaignFactory(organisations=[organisation])
    assert results_page_of(decade) is None
    from publications.campaign_pages import publish_results_page

    publish_results_page(decade)
    page = results_page_of(decade)
    assert isinstance(page, DecadeResultsPage) and page.live
    assert page.title == "Декада качества 2024"
