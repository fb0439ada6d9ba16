"""The Декада sample base of each organisation, fixed with the campaign (seed 000 §3.1).

The base is the number of people registered with an УСЗН office at the start
of the year, or receiving an institution's services at the time of the
survey. It is stored per campaign (:class:`~evaluation.models.SampleBase`):
opening a Декада takes the УСЗН offices' figures from the register, publishing
it takes the register's figures for everyone still without one, an imported
summary's «База выборки» and an editor's entry replace them. Published
figures read only the bases frozen with the latest published version
(:func:`stored_bases`; :mod:`evaluation.decade.versions`), so updating the
register, or an editor's correction of a base after publication (audited with
its old and new value, :func:`set_base`), changes nothing public until a
correction is published.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from evaluation.audit import record
from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.formatting import format_number
from evaluation.models import (
    Campaign,
    DecadeSummary,
    DecadeVersion,
    Organisation,
    SampleBase,
)


def register_base(organisation: Organisation) -> int | None:
    """The register's current base: registered people (УСЗН), recipients (others)."""
    if organisation.kind == OrganisationKind.USZN_OFFICE:
        return organisation.registered_count
    return organisation.recipients_count


def stored_bases(campaign: Campaign) -> dict[int, int | None]:
    """Organisation id → the base the public sees for ``campaign`` (None: unknown).

    The bases frozen with the latest published version; before the first
    version (or for a Декада published before versions were kept), the
    working bases.
    """
    version = (
        DecadeVersion.objects.filter(publication__campaign=campaign)
        .order_by("-publication__version")
        .values_list("bases", flat=True)
        .first()
    )
    if version is not None:
        return {int(pk): base for pk, base in version.items()}
    return working_bases(campaign)


def working_bases(campaign: Campaign) -> dict[int, int | None]:
    """Organisation id → the base stored now (imports and editors change it)."""
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


@transaction.atomic
def set_base(
    campaign: Campaign,
    organisation: Organisation,
    base: int | None,
    source: str = SampleBase.Source.MANUAL,
    actor=None,
) -> SampleBase:
    """Store (or replace) one organisation's base in ``campaign``.

    A change of a Декада already published is audited with the old and new
    value (``sample_base.change``); the published figures keep the base
    frozen with their version until a correction is published.
    """
    before = (
        SampleBase.objects.filter(campaign=campaign, organisation=organisation)
        .values_list("base", flat=True)
        .first()
    )
    existed = (
        before is not None
        or SampleBase.objects.filter(
            campaign=campaign, organisation=organisation
        ).exists()
    )
    item, _created = SampleBase.objects.update_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"base": base, "source": source},
    )
    if existed and before != base:
        audit_change(item, before, actor)
    return item


def _shown(base: int | None) -> str:
    return "не указана" if base is None else format_number(base, 0)


def audit_change(item: SampleBase, before: int | None, actor=None) -> None:
    """Record a changed base (old → new) when its Декада is already published."""
    campaign = item.campaign
    if not campaign.publications.exists():
        return
    record(
        "sample_base.change",
        item,
        f"База выборки «{item.organisation.short_name}» в «{campaign}» изменена "
        f"после публикации: {_shown(before)} → {_shown(item.base)}. "
        "Опубликованные итоги не меняются до публикации исправления.",
        actor,
        campaign=campaign.pk,
        organisation=item.organisation_id,
        before=before,
        after=item.base,
    )


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
