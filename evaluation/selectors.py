"""Read-side queries shared by blocks, pages, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, OuterRef, QuerySet, Subquery

from evaluation.models import Campaign, Organisation, Publication, PublishedResult

CRITERIA_FIELDS = ("k1", "k2", "k3", "k4", "k5", "total")
TWO_PLACES = Decimal("0.01")


def latest_publication(campaign: Campaign) -> Publication | None:
    """The newest public version of a campaign's results, or None."""
    return campaign.publications.order_by("-version").first()


def published_results(campaign: Campaign) -> QuerySet[PublishedResult]:
    """Results of the campaign's latest publication, best first."""
    publication = latest_publication(campaign)
    if publication is None:
        return PublishedResult.objects.none()
    return (
        PublishedResult.objects.filter(publication=publication)
        .select_related("organisation", "organisation__district")
        .order_by("rank", "organisation__short_name")
    )


@dataclass(frozen=True)
class Aggregate:
    """Mean, minimum, maximum and count of one figure over a group."""

    mean: Decimal | None
    min: Decimal | None
    max: Decimal | None
    count: int


def aggregates(
    campaign: Campaign, group_by: str | None = None
) -> dict[str, dict[str, Aggregate]]:
    """Region-wide, per-district or per-kind aggregates of criteria and totals.

    Args:
        campaign: The campaign whose latest publication is aggregated.
        group_by: None for the region, ``"district"`` or ``"kind"``.

    Returns:
        A mapping group key (``"region"``, a district slug or a kind) to a
        mapping figure (``k1``…``k5``, ``total``) to its aggregate.
    """
    results = published_results(campaign).order_by()
    key_field = {
        None: None,
        "district": "organisation__district__slug",
        "kind": "organisation__kind",
    }[group_by]
    expressions = {}
    for field in CRITERIA_FIELDS:
        expressions[f"{field}__avg"] = Avg(field)
        expressions[f"{field}__min"] = Min(field)
        expressions[f"{field}__max"] = Max(field)
        expressions[f"{field}__count"] = Count(field)
    rows = (
        [{"key": "region", **results.aggregate(**expressions)}]
        if key_field is None
        else list(results.values(key=key_field).annotate(**expressions))
    )
    return {
        str(row["key"]): {
            field: Aggregate(
                mean=_round(row[f"{field}__avg"]),
                min=row[f"{field}__min"],
                max=row[f"{field}__max"],
                count=row[f"{field}__count"],
            )
            for field in CRITERIA_FIELDS
        }
        for row in rows
    }


def _round(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO_PLACES)


def organisation_history(organisation: Organisation) -> list[PublishedResult]:
    """The organisation's published result in each НОК campaign, oldest first."""
    newest = (
        Publication.objects.filter(campaign=OuterRef("publication__campaign"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return list(
        PublishedResult.objects.filter(
            organisation=organisation, publication=Subquery(newest)
        )
        .select_related("publication__campaign")
        .order_by("publication__campaign__year")
    )


def compare(campaign: Campaign, organisation_ids: list[int]) -> list[PublishedResult]:
    """Published results of up to four organisations, in the order asked."""
    if len(organisation_ids) > 4:
        raise ValueError("Сравнивать можно не более четырёх организаций.")
    found = {
        row.organisation_id: row
        for row in published_results(campaign).filter(organisation_id__in=organisation_ids)
    }
    return [found[pk] for pk in organisation_ids if pk in found]
