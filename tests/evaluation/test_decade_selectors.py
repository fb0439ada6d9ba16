"""Декада figures read from the database agree with the pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from evaluation import selectors
from evaluation.enums import (
    CampaignKind,
    OrganisationKind,
    SurveyChannel,
    SurveyKind,
)
from evaluation.models import Campaign, District, Organisation, SurveyResponse

pytestmark = pytest.mark.django_db

YES_TO_ALL = {f"q{i}": True for i in range(1, 16)}


def _org(code: str, kind: str, **counts) -> Organisation:
    district = District.objects.get_or_create(slug="d", defaults={"name": "Район"})[0]
    return Organisation.objects.create(
        name=code,
        short_name=code,
        slug=code.lower(),
        code=code,
        kind=kind,
        district=district,
        **counts,
    )


def _responses(campaign, organisation, count, **fields) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            campaign=campaign,
            organisation=organisation,
            answers=YES_TO_ALL,
            channel=fields.get("channel", SurveyChannel.OFFICE),
            kind=fields.get("kind", SurveyKind.QUESTIONNAIRE),
            external_territorial=fields.get("external_territorial", False),
            suggestion=fields.get("suggestion", ""),
            collected_on=date(2024, 4, 10),
        )
        for _ in range(count)
    )


@pytest.fixture
def decade() -> Campaign:
    return Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2024,
        title="Декада качества 2024",
        slug="decade-2024",
        period_start=date(2024, 4, 8),
        period_end=date(2024, 4, 19),
    )


def test_sample_base_and_threshold_follow_the_kind(decade) -> None:
    centre = _org("KCSON", OrganisationKind.COMPLEX_CENTRE, recipients_count=100)
    office = _org("USZN", OrganisationKind.USZN_OFFICE, registered_count=10_000)
    decade.organisations.set([centre, office])
    _responses(decade, centre, 30)
    _responses(decade, centre, 5, external_territorial=True)
    _responses(decade, office, 49, channel=SurveyChannel.MFC, kind=SurveyKind.INTERVIEW)

    centre_summary = selectors.decade_summary(decade, centre)
    assert centre_summary.counted == 30
    assert centre_summary.external_territorial == 5
    assert centre_summary.sample.adequate is True  # 30 of 100 = 30 %

    office_summary = selectors.decade_summary(decade, office)
    assert office_summary.sample.adequate is False  # 49 of 10 000 = 0.49 % < 0.5 %

    overview = selectors.decade_overview(decade)
    assert overview.counted == 79
    assert overview.external_territorial == 5
    assert overview.inadequate == [office.pk]
    assert overview.by_channel[SurveyChannel.MFC] == 49
    assert overview.by_channel[SurveyChannel.OFFICE] == 30
    assert overview.by_kind[SurveyKind.INTERVIEW] == 49


def test_unknown_base_is_flagged_not_zero(decade) -> None:
    centre = _org("KCSON", OrganisationKind.COMPLEX_CENTRE)
    decade.organisations.set([centre])
    _responses(decade, centre, 3, suggestion="Больше парковочных мест")
    overview = selectors.decade_overview(decade)
    assert overview.without_base == [centre.pk]
    summary = overview.summaries[centre.pk]
    assert summary.sample.share is None and summary.sample.note
    assert summary.suggestions == ("Больше парковочных мест",)
