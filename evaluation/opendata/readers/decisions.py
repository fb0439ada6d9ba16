"""Dataset ``decisions``: the public council's published decisions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation.models import Campaign, CouncilDecision
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import CHUNK_SIZE, Row


def columns() -> tuple[Column, ...]:
    return (
        Column("number", "Номер решения", ColumnType.STRING),
        Column("decided_on", "Дата заседания", ColumnType.DATE),
        Column("title", "Заголовок", ColumnType.STRING),
        Column("text", "Текст решения", ColumnType.STRING),
        Column(
            "campaign",
            "Кампания (код)",
            ColumnType.STRING,
            "Код кампании, к которой относится решение.",
        ),
        Column("campaign_title", "Кампания", ColumnType.STRING),
        Column("organisation_id", "Идентификатор организации", ColumnType.INTEGER),
        Column("organisation_name", "Организация", ColumnType.STRING),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """Published decisions, newest first, read in chunks."""
    decisions = (
        CouncilDecision.objects.filter(is_published=True)
        .select_related("campaign", "organisation")
        .order_by("-decided_on", "number", "pk")
    )
    for decision in decisions.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "number": decision.number,
            "decided_on": decision.decided_on,
            "title": decision.title,
            "text": decision.text,
            "campaign": decision.campaign.slug if decision.campaign else None,
            "campaign_title": decision.campaign.title if decision.campaign else None,
            "organisation_id": decision.organisation_id,
            "organisation_name": (
                decision.organisation.short_name if decision.organisation else None
            ),
        }
