"""Districts, organisations and campaigns for tests that build their own small region.

Every value a test depends on should still be passed explicitly; the defaults
only fill what no assertion reads. ``DecadeCampaignFactory`` is the Декада of
8–19 April of its year (2024 unless told), as the seeds' Krasnoyarsk Декада;
``NokCampaignFactory`` the НОК of 1 March – 31 October of its year (2025
unless told), titled and slugged «НОК 2025» / ``nok-2025``.
"""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from evaluation.enums import CampaignKind, OrganisationKind, SubmissionKind
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImprovementPlan,
    Organisation,
    Submission,
)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Район {n + 1}")
    slug = factory.Sequence(lambda n: f"district-{n + 1}")


class OrganisationFactory(DjangoModelFactory):
    """A complex centre of its own district unless told otherwise."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Комплексный центр № {n + 1}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    slug = factory.Sequence(lambda n: f"organisation-{n + 1}")
    code = factory.Sequence(lambda n: f"ORG-{n + 1}")
    kind = OrganisationKind.COMPLEX_CENTRE
    district = factory.SubFactory(DistrictFactory)


class DecadeCampaignFactory(DjangoModelFactory):
    """A Декада качества (8–19 April); ``organisations=[...]`` binds participants."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    kind = CampaignKind.DECADE
    year = 2024
    title = factory.LazyAttribute(lambda o: f"Декада качества {o.year}")
    slug = factory.LazyAttribute(lambda o: f"decade-{o.year}")
    period_start = factory.LazyAttribute(lambda o: date(o.year, 4, 8))
    period_end = factory.LazyAttribute(lambda o: date(o.year, 4, 19))

    @factory.post_generation
    def organisations(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.organisations.add(*extracted)


class NokCampaignFactory(DjangoModelFactory):
    """A НОК campaign (1 March – 31 October); ``organisations=[...]`` binds them."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    kind = CampaignKind.NOK
    year = 2025
    title = factory.LazyAttribute(lambda o: f"НОК {o.year}")
    slug = factory.LazyAttribute(lambda o: f"nok-{o.year}")
    period_start = factory.LazyAttribute(lambda o: date(o.year, 3, 1))
    period_end = factory.LazyAttribute(lambda o: date(o.year, 10, 31))

    @factory.post_generation
    def organisations(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.organisations.set(extracted)


class ImprovementPlanFactory(DjangoModelFactory):
    """A draft plan of measures for the year after its campaign's."""

    class Meta:
        model = ImprovementPlan

    organisation = factory.SubFactory(OrganisationFactory)
    campaign = factory.SubFactory(NokCampaignFactory)
    year = factory.LazyAttribute(lambda o: o.campaign.year + 1)


class SubmissionFactory(DjangoModelFactory):
    """An expected document, due on its campaign's last day."""

    class Meta:
        model = Submission

    campaign = factory.SubFactory(DecadeCampaignFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = SubmissionKind.DECADE_SUMMARY
    deadline = factory.LazyAttribute(lambda o: o.campaign.period_end)


class CouncilDecisionFactory(DjangoModelFactory):
    """An unpublished decision of the public council."""

    class Meta:
        model = CouncilDecision

    number = factory.Sequence(lambda n: f"{n + 1}/2025")
    decided_on = date(2025, 11, 20)
    title = factory.Sequence(lambda n: f"Решение общественного совета № {n + 1}")
    text = "Общественный совет рассмотрел вопрос и принял решение."
