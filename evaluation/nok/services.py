"""Write operations of the evaluation domain.

Each public function is one use case: it takes explicit arguments (including
the acting user), runs in one transaction, records an audit event and raises
domain exceptions with Russian messages.

:func:`recompute_campaign`, :func:`publish_campaign` and :func:`publish_decade`
are the building blocks of the campaign life cycle; the product (admin screen
«Ход кампаний», ``manage.py campaign``, the demo) runs them only through
:mod:`evaluation.nok.lifecycle`, which adds the permission check, the row lock and
the preconditions of each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evaluation import signals
from evaluation.audit import record
from evaluation.bulk import bulk_insert
from evaluation.decade import sample_bases
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    DataSource,
)
from evaluation.exceptions import EvaluationError, NothingToPublishError
from evaluation.models import (
    Campaign,
    IndicatorInput,
    Publication,
    PublishedResult,
    Result,
)
from evaluation.nok import aggregates as published_aggregates
from evaluation.rating import (
    FieldError,
    RatingInputError,
    dense_rank,
    get_method,
    parse_inputs,
    rate,
)

CRITERIA = ("K1", "K2", "K3", "K4", "K5")


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recomputation did."""

    campaign_id: int
    organisations: int
    with_total: int


def _decimal_json(values: dict[str, Decimal | None]) -> dict[str, str | None]:
    return {key: None if value is None else str(value) for key, value in values.items()}


@transaction.atomic
def recompute_campaign(campaign: Campaign, actor=None) -> RecomputeSummary:
    """Recompute every organisation's indicators, criteria, total and rank.

    Working results are replaced in one transaction; published figures are
    never touched (see :func:`publish_campaign`).

    Raises:
        RatingInputError: an organisation's stored inputs are invalid; the
            message names the organisation and the field, and nothing changes.
    """
    method = get_method(campaign.method_version)
    inputs = list(
        IndicatorInput.objects.filter(campaign=campaign).select_related("organisation")
    )
    rows: list[Result] = []
    for item in inputs:
        item.campaign = campaign
        payload = item.as_calculator_input()
        rating = rate(
            parse_inputs(payload, context=item.organisation.short_name), method
        )
        rows.append(
            Result(
                campaign=campaign,
                organisation=item.organisation,
                method_version=method.code,
                indicators=_decimal_json(rating.indicators),
                regional_indicators=_decimal_json(rating.regional),
                k1=rating.criteria["K1"],
                k2=rating.criteria["K2"],
                k3=rating.criteria["K3"],
                k4=rating.criteria["K4"],
                k5=rating.criteria["K5"],
                total=rating.total,
                notes=list(rating.notes),
                inputs_snapshot={
                    **payload,
                    "source": item.source,
                    "source_reference": item.source_reference,
                },
            )
        )
    ranks = dense_rank((row.organisation.pk, row.total) for row in rows)
    for row in rows:
        row.rank = ranks[row.organisation.pk]
    Result.objects.filter(campaign=campaign).delete()
    bulk_insert(rows)
    campaign.recomputed_at = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(recomputed_at=campaign.recomputed_at)
    summary = RecomputeSummary(
        campaign_id=campaign.pk,
        organisations=len(rows),
        with_total=sum(1 for row in rows if row.total is not None),
    )
    record(
        "recompute",
        campaign,
        f"Пересчитаны результаты: {campaign} ({len(rows)} организаций)",
        actor,
        organisations=len(rows),
        method=method.code,
    )
    transaction.on_commit(
        lambda: signals.results_recomputed.send(sender=Campaign, campaign=campaign)
    )
    return summary


@transaction.atomic
def publish_campaign(campaign: Campaign, actor=None, note: str = "") -> Publication:
    """Freeze the campaign's current results as a new public version.

    The first publication is version 1; a correction is version N+1 and must
    carry a note explaining what changed.

    Raises:
        EvaluationError: the campaign is not under review (or published).
        NothingToPublishError: there are no computed results.
    """
    if campaign.status not in {CampaignStatus.REVIEW, CampaignStatus.PUBLISHED}:
        raise EvaluationError(
            f"Опубликовать можно только кампанию на проверке; «{campaign}» — "
            f"в статусе «{CampaignStatus(campaign.status).label}»."
        )
    results = list(
        Result.objects.filter(campaign=campaign).select_related("organisation")
    )
    if not results:
        raise NothingToPublishError(
            f"Нет рассчитанных результатов для публикации: «{campaign}». "
            "Сначала выполните расчёт."
        )
    last = campaign.publications.aggregate(last=Max("version"))["last"] or 0
    if last and not note.strip():
        raise NothingToPublishError(
            "Исправленная версия результатов публикуется только с примечанием "
            "о том, что изменилось."
        )
    publication = Publication.objects.create(
        campaign=campaign, version=last + 1, note=note, published_by=_user(actor)
    )
    bulk_insert(
        [
            PublishedResult(
                publication=publication,
                organisation=row.organisation,
                method_version=row.method_version,
                indicators=row.indicators,
                regional_indicators=row.regional_indicators,
                k1=row.k1,
                k2=row.k2,
                k3=row.k3,
                k4=row.k4,
                k5=row.k5,
                total=row.total,
                rank=row.rank,
                notes=row.notes,
                inputs_snapshot=row.inputs_snapshot,
                input_source=row.inputs_snapshot.get("source", ""),
                input_reference=row.inputs_snapshot.get("source_reference", ""),
            )
            for row in results
        ],
        batch_size=2000,
    )
    # Distributions, region/district/kind means and the ranked count, once
    # per version (issue #27); public pages read them instead of the rows.
    published_aggregates.store(publication)
    campaign.status = CampaignStatus.PUBLISHED
    campaign.save(update_fields=["status"])
    record(
        "publish",
        campaign,
        f"Опубликованы результаты: {campaign}, версия {publication.version}",
        actor,
        version=publication.version,
        organisations=len(results),
    )
    transaction.on_commit(
        lambda: signals.results_published.send(
            sender=Campaign, campaign=campaign, publication=publication
        )
    )
    return publication


@transaction.atomic
def save_indicator_inputs(
    campaign: Campaign,
    organisation,
    data: dict[str, Any],
    *,
    source: str = DataSource.MANUAL,
    reference: str = "",
    actor=None,
) -> IndicatorInput:
    """Validate one organisation's inputs (calculator shape) and store them.

    Published figures never change here: only a new publication does.

    Raises:
        RatingInputError: the inputs are invalid; every bad field is named in
            Russian and nothing is saved.
    """
    method = data.get("method", campaign.method_version)
    if not get_method(campaign.method_version).accepts_inputs_of(method):
        raise RatingInputError(
            [
                FieldError(
                    "method",
                    f"Данные подготовлены по методике «{method}», а кампания "
                    f"рассчитывается по «{campaign.method_version}».",
                )
            ],
            context=organisation.short_name,
        )
    inputs = parse_inputs(
        {**data, "method": campaign.method_version}, context=organisation.short_name
    )
    item, created = IndicatorInput.objects.update_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={
            **IndicatorInput.fields_from(inputs),
            "source": source,
            "source_reference": reference[:300],
            "updated_by": _user(actor),
        },
    )
    record(
        "inputs.create" if created else "inputs.update",
        item,
        f"Исходные данные: {organisation.short_name}, {campaign}",
        actor,
        source=source,
        reference=reference,
    )
    return item


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def publish_decade(campaign: Campaign, actor=None) -> Campaign:
    """Make a Декада's results public (its questionnaires are read live).

    Raises:
        EvaluationError: the campaign is not a Декада under review.
    """
    if campaign.kind != CampaignKind.DECADE:
        raise EvaluationError(
            f"«{campaign}» — не Декада качества: результаты НОК публикуются "
            "действием «Опубликовать» на странице «Ход кампании» (или командой "
            "manage.py campaign publish)."
        )
    if campaign.status != CampaignStatus.REVIEW:
        raise EvaluationError(
            f"Опубликовать можно только Декаду на проверке; «{campaign}» — "
            f"в статусе «{CampaignStatus(campaign.status).label}»."
        )
    # The published figures read only the bases fixed now (seed 000 §3.1).
    sample_bases.freeze_bases(campaign)
    campaign.status = CampaignStatus.PUBLISHED
    campaign.save(update_fields=["status"])
    record("publish", campaign, f"Опубликованы итоги: {campaign}", actor)
    transaction.on_commit(
        lambda: signals.campaign_status_changed.send(sender=Campaign, campaign=campaign)
    )
    return campaign
