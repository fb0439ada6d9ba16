"""A small published demo region with its site tree, for page and block tests.

Built with the demo generator, so figures are computed and published by the
real services; about three seconds, mostly creating and publishing pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.enums import CampaignKind
from evaluation.models import Campaign, IndicatorInput, Organisation
from evaluation.nok import services
from portal_site import demo
from publications.models import (
    AssessmentIndexPage,
    CampaignResultsPage,
    DecadeResultsPage,
    HomePage,
    OrganisationIndexPage,
)


@dataclass
class PublishedRegion:
    home: HomePage
    section: AssessmentIndexPage
    results_page: CampaignResultsPage
    decade_page: DecadeResultsPage
    directory: OrganisationIndexPage
    campaigns: list[Campaign]
    decade: Campaign
    organisations: list[Organisation]

    @property
    def latest(self) -> Campaign:
        return self.campaigns[-1]


def build_region(organisations: int = 12, responses: int = 240) -> PublishedRegion:
    demo.build(
        demo.DemoScale(organisations=organisations, responses=responses),
        log=lambda line: None,
    )
    return load_region()


def load_region() -> PublishedRegion:
    """The region already in the database, read afresh (new instances each call)."""
    campaigns = list(Campaign.objects.filter(kind=CampaignKind.NOK).order_by("year"))
    return PublishedRegion(
        home=HomePage.objects.get(),
        section=AssessmentIndexPage.objects.get(),
        results_page=CampaignResultsPage.objects.get(campaign=campaigns[-1]),
        decade_page=DecadeResultsPage.objects.get(),
        directory=OrganisationIndexPage.objects.get(),
        campaigns=campaigns,
        decade=Campaign.objects.get(kind=CampaignKind.DECADE),
        organisations=list(Organisation.objects.order_by("short_name")),
    )


def grow_region(region: PublishedRegion, extra: int) -> None:
    """Add organisations with the inputs of an existing one, then republish.

    Used to check that query counts do not depend on the region's size.
    """
    template = IndicatorInput.objects.filter(campaign=region.latest).first()
    base = template.organisation
    for number in range(extra):
        organisation = Organisation.objects.create(
            name=f"{base.name} (филиал {number})",
            short_name=f"{base.short_name} — филиал {number}",
            slug=f"{base.slug}-f{number}",
            code=f"{base.code}-F{number}",
            kind=base.kind,
            district=base.district,
        )
        region.latest.organisations.add(organisation)
        template.pk = None
        template.organisation = organisation
        template.save()
    services.recompute_campaign(region.latest)
    services.publish_campaign(region.latest, note="Добавлены филиалы")
