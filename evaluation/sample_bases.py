"""The Декада sample base of each organisation, fixed with the campaign (seed 000 §3.1).

The base is the number of people registered with an УСЗН office at the start
of the year, or receiving an institution's services at the time of the
survey. It is stored per campaign (:class:`~evaluation.models.SampleBase`):
opening a Декада takes the УСЗН offices' figures from the register, publishing
it takes the register's figures for everyone still without one, an imported
summary's «База выборки» and an editor's entry replace them. Published
figures read only the stored value (:func:`stored_bases`), so updating the
register afterwards changes nothing public.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.models import Campaign, DecadeSummary, Organisation, SampleBase


def register_base(organisation: Organisation) -> int | None:
    """The register's current base: registered people (УСЗН), recipients (others)."""
    if organisation.kind == OrganisationKind.USZN_OFFICE:
        return organisation.registered_count
    return organisation.recipients_count


def stored_bases(campaign: Campaign) -> dict[int, int | None]:
    """Organisation id → the base stored for ``campaign`` (None: stored as unknown)."""
    return dict(
        SampleBase.objects.filter(campaign=campaign).values_list(
            "organisation_id", "base"
        )
    )


@transaction.atomic
def freeze_bases(campaign: Campaign, *, uszn_only: bool = False) -> int:
    """Store the register's base for each organisation of a Декада still without one.

    ``uszn_only`` when the Декада is opened: the УСЗН base is the figure at
    the start of the year, the institutions' one at the time of the survey.
    Returns how many bases were stored.
    """
    if campaign.kind != CampaignKind.DECADE:
        return 0
    have = set(
        SampleBase.objects.filter(campaign=campaign).values_list(
            "organisation_id", flat=True
        )
    )
    organisations = campaign.organisations.exclude(pk__in=have)
    if uszn_only:
        organisations = organisations.filter(kind=OrganisationKind.USZN_OFFICE)
    new = [
        SampleBase(
            campaign=campaign,
            organisation=organisation,
            base=register_base(organisation),
            source=SampleBase.Source.REGISTER,
        )
        for organisation in organisations
    ]
    SampleBase.objects.bulk_create(new)
    return len(new)


def set_base(
    campaign: Campaign,
    organisation: Organisation,
    base: int | None,
    source: str = SampleBase.Source.MANUAL,
) -> SampleBase:
    """Store (or replace) one organisation's base in ``campaign``."""
    item, _created = SampleBase.objects.update_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"base": base, "source": source},
    )
    return item


def from_summaries(campaign: Campaign, organisation_ids: Iterable[int]) -> list[dict]:
    """Store the «База выборки» of imported summaries (annex 2) as the bases.

    Returns the changes in the shape of an import's ``changes`` (model, pk,
    the values before or None when created), so undoing the import restores
    the bases too.
    """
    changes: list[dict] = []
    current = {
        item.organisation_id: item
        for item in SampleBase.objects.filter(
            campaign=campaign, organisation_id__in=set(organisation_ids)
        )
    }
    for summary in DecadeSummary.objects.filter(
        campaign=campaign, organisation_id__in=set(organisation_ids)
    ).exclude(base=None):
        before = current.get(summary.organisation_id)
        item = set_base(
            campaign,
            summary.organisation,
            summary.base,
            source=SampleBase.Source.IMPORT,
        )
        changes.append(
            {
                "model": "samplebase",
                "pk": item.pk,
                "before": None
                if before is None
                else {"base": before.base, "source": before.source},
            }
        )
    return changes
