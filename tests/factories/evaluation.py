"""Districts, organisations and campaigns for tests that build their own small region.

Every value a test depends on should still be passed explicitly; the defaults
only fill what no assertion reads. ``DecadeCampaignFactory`` is the Декада of
8–19 April of its year (2024 unless told), as the seeds' Krasnoyarsk Декада.
"""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.models import Campaign, District, Organisation


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
