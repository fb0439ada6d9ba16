"""Frozen sample bases (#21): a published Декада never reads the live register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from evaluation import roles, selectors
from evaluation.admin.viewsets import SampleBaseViewSet
from evaluation.decade import consolidation, sample_bases
from evaluation.enums import CampaignStatus, OrganisationKind, SurveyChannel
from evaluation.imports.engine import import_file, undo_import
from evaluation.models import DecadeSummary, SampleBase, SurveyResponse
from evaluation.nok import lifecycle, services
from evaluation.questionnaire.services import purge_expired_responses
from tests.evaluation.test_imports import valid_inn, xlsx
from tests.evaluation.test_obligations import SUMMARY_HEADER
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

YES_TO_ALL = {f"q{i}": True for i in range(1, 16)}


def _responses(campaign, organisation, count: int) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            campaign=campaign,
            organisation=organisation,
            answers=YES_TO_ALL,
            channel=SurveyChannel.OFFICE,
            collected_on=dt.date(2024, 4, 10),
        )
        for _ in range(count)
    )


@pytest.fixture
def published():
    """A Декада opened with the register of 1 January, surveyed, then published.

    The УСЗН office has 10,000 people registered at the start of the year and
    40 questionnaires (0.4 %: short of 0.5 %); the institution has 100
    recipients and 35 questionnaires (35 %: adequate).
    """
    office = OrganisationFactory(
        code="U",
        short_name="ТО УСЗН",
        kind=OrganisationKind.USZN_OFFICE,
        registered_count=10_000,
    )
    centre = OrganisationFactory(
        code="A", short_name="КЦСОН", inn=valid_inn(7), recipients_count=100
    )
    campaign = DecadeCampaignFactory(organisations=[office, centre])
    lifecycle.open_campaign(campaign)
    # Registered later in the year: not the base of this Декада.
    office.registered_count = 5_000
    office.save()
    _responses(campaign, office, 40)
    _responses(campaign, centre, 35)
    campaign.status = CampaignStatus.REVIEW
    campaign.save()
    services.publish_decade(campaign)
    return campaign, office, centre


def _figures(campaign) -> dict:
    overview = selectors.decade_overview(campaign)
    region = consolidation.region_summary(campaign)
    return {
        "overview": {
            pk: (s.sample.base, s.sample.share, s.sample.adequate)
            for pk, s in overview.summaries.items()
        },
        "inadequate": overview.inadequate,
        "region": [
            (row.organisation.pk, row.figures.base, row.figures.sample_share)
            for section in region.sections
            for row in section.rows
        ],
        "total": (region.total.base, region.total.sample_share),
    }


def _api(client, campaign) -> list:
    response = client.get(f"/api/v1/campaigns/{campaign.slug}/decade/")
    assert response.status_code == 200
    return sorted(
        (row["organisation"], row["base"], row["sample_share"], row["adequate"])
        for row in response.json()["organisations"]
    )


def test_the_bases_are_stored_when_opened_and_published(published):
    campaign, office, centre = published
    assert dict(
        SampleBase.objects.filter(campaign=campaign).values_list(
            "organisation__code", "base"
        )
    ) == {"U": 10_000, "A": 100}
    summary = selectors.decade_summary(campaign, office)
    assert (summary.sample.base, summary.sample.share) == (10_000, Decimal("0.40"))
    assert summary.sample.adequate is False  # «выборка недостаточна»
    assert selectors.decade_summary(campaign, centre).sample.adequate is True


def test_changing_the_register_after_publication_changes_no_published_figure(
    client, published
):
    campaign, office, centre = published
    before, api_before = _figures(campaign), _api(client, campaign)
    assert before["inadequate"] == [office.pk]

    office.registered_count = 1_000  # 40 would now be 4 %: adequate
    office.save()
    centre.recipients_count = 1_000  # 35 would now be 3.5 %: short
    centre.save()

    assert _figures(campaign) == before
    assert _api(client, campaign) == api_before
    assert selectors.decade_summary(campaign, office).sample.adequate is False
    assert selectors.decade_summary(campaign, centre).sample.adequate is True


def test_a_campaign_not_yet_published_follows_the_register_for_institutions():
    centre = OrganisationFactory(code="A", recipients_count=100)
    campaign = DecadeCampaignFactory(organisations=[centre])
    lifecycle.open_campaign(campaign)
    _responses(campaign, centre, 35)
    assert not SampleBase.objects.filter(organisation=centre).exists()
    centre.recipients_count = 200  # corrected before the survey ends
    centre.save()
    assert selectors.decade_summary(campaign, centre).sample.base == 200


def test_an_imported_summary_and_an_editor_set_the_base(published):
    campaign, _office, centre = published
    row = [centre.inn, 120, 35, 0, 35, 0, 35, 0, *([30] * 15)]
    report = import_file(
        "decade_summary", xlsx([SUMMARY_HEADER, row]), "svod.xlsx", campaign=campaign
    )
    assert report.ok, report.errors
    stored = SampleBase.objects.get(campaign=campaign, organisation=centre)
    assert (stored.base, stored.source) == (120, SampleBase.Source.IMPORT)
    # Undoing the import restores the base fixed at publication.
    undo_import(report.record)
    stored.refresh_from_db()
    assert (stored.base, stored.source) == (100, SampleBase.Source.REGISTER)
    sample_bases.set_base(campaign, centre, 90)
    assert sample_bases.stored_bases(campaign)[centre.pk] == 90


def test_the_retention_purge_keeps_the_base(published):
    campaign, office, centre = published
    before = _figures(campaign)
    purge_expired_responses(today=dt.date(2025, 6, 1))
    assert not campaign.responses.exists()
    kept = dict(
        DecadeSummary.objects.filter(campaign=campaign).values_list(
            "organisation_id", "base"
        )
    )
    assert kept == {office.pk: 10_000, centre.pk: 100}
    office.registered_count = 1_000
    office.save()
    after = _figures(campaign)
    assert after["overview"] == before["overview"]
    assert after["inadequate"] == [office.pk]


def test_an_editor_corrects_a_base_in_the_admin(client, published):
    campaign, office, _centre = published
    editor = get_user_model().objects.create_user("editor", "e@x.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    client.force_login(editor)
    viewset = SampleBaseViewSet()
    listing = client.get(reverse(viewset.get_url_name("index")))
    assert listing.status_code == 200
    assert "Базы выборки Декады" in listing.content.decode()
    stored = SampleBase.objects.get(campaign=campaign, organisation=office)
    response = client.post(
        reverse(viewset.get_url_name("edit"), args=[stored.pk]),
        {
            "campaign": campaign.pk,
            "organisation": office.pk,
            "base": "7000",
            "source": SampleBase.Source.MANUAL,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    summary = selectors.decade_summary(campaign, office)
    assert (summary.sample.base, summary.sample.adequate) == (7000, True)


def test_an_institution_reads_only_its_own_bases(client, published):
    _campaign, _office, centre = published
    user = get_user_model().objects.create_user("inst", "i@x.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(Group.objects.get(name=roles.INSTITUTION))
    centre.users.add(user)
    client.force_login(user)
    listing = client.get(reverse(SampleBaseViewSet().get_url_name("index")))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "КЦСОН" in text and "ТО УСЗН" not in text
