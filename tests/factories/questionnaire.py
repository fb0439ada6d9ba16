"""Builders for online-questionnaire tests: an open campaign and valid answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from evaluation.enums import CampaignKind, CampaignStatus, OrganisationKind
from evaluation.models import Campaign, District, OnlineQuestionnaire, Organisation
from evaluation.questionnaire import abuse

#: Every question answered "yes": the filter questions open every dependant.
ALL_YES = {f"q{n}": "yes" for n in range(1, 16)}


@dataclass
class OpenSurvey:
    campaign: Campaign
    organisation: Organisation
    questionnaire: OnlineQuestionnaire

    def ticket(self, seconds_ago: float = 120, organisation=None) -> str:
        """A form ticket issued ``seconds_ago`` (past the minimum fill time)."""
        organisation = organisation or self.organisation
        return abuse.issue_ticket(
            self.campaign.pk,
            organisation.pk,
            issued_at=timezone.now().timestamp() - seconds_ago,
        )


def organisation(code: str = "KCSON-1", **extra) -> Organisation:
    district = District.objects.get_or_create(
        slug="north", defaults={"name": "Северный район"}
    )[0]
    return Organisation.objects.create(
        name=extra.pop("name", f"КГБУ СО «Комплексный центр {code}»"),
        short_name=extra.pop("short_name", f"КЦСОН {code}"),
        slug=extra.pop("slug", f"org-{code.lower()}"),
        code=code,
        kind=extra.pop("kind", OrganisationKind.COMPLEX_CENTRE),
        district=district,
        **extra,
    )


def open_survey(
    *,
    kind: str = CampaignKind.NOK,
    year: int = 2026,
    organisation_code: str = "KCSON-1",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
) -> OpenSurvey:
    """A campaign with one organisation and a questionnaire open now."""
    now = timezone.now()
    campaign = Campaign.objects.create(
        kind=kind,
        year=year,
        title=f"Оценка {year}",
        slug=f"{kind}-{year}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        status=CampaignStatus.COLLECTING,
    )
    member = organisation(organisation_code)
    campaign.organisations.add(member)
    questionnaire = OnlineQuestionnaire.objects.create(
        campaign=campaign,
        opens_at=opens_at or now - dt.timedelta(days=1),
        closes_at=closes_at or now + dt.timedelta(days=30),
    )
    return OpenSurvey(campaign, member, questionnaire)
