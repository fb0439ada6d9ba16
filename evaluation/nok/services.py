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

import json
from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone

from evaluation import signals
from evaluation.audit import record
from evaluation.bulk import bulk_insert, copy_lines, copy_text
from evaluation.decade import sample_bases
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    DataSource,
)
from evaluation.exceptions import EvaluationError, NothingToPublishError
from evaluation.formatting import count_with_noun
from evaluation.models import (
    Campaign,
    IndicatorInput,
    Publication,
    PublishedResult,
    Result,
)
from evaluation.nok import aggregates as published_aggregates
from evaluation.rating import (
    FLAT_FIELDS,
    FieldError,
    RatingInputError,
    calculator_input,
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


# A stored inputs row as the attributes ``calculator_input`` reads.
_FlatInputs = namedtuple("_FlatInputs", FLAT_FIELDS)

# Columns of a working result, in the order of the rows built by
# :func:`recompute_campaign` (then rank and the computation time).
_RESULT_COLUMNS = (
    "organisation_id",
    "indicators",
    "regional_indicators",
    "k1",
    "k2",
    "k3",
    "k4",
    "k5",
    "total",
    "notes",
    "inputs_snapshot",
)
_JSON_COLUMNS = frozenset({1, 2, 9, 10})


def _stored_inputs(campaign: Campaign) -> list[tuple[Any, ...]]:
    """Organisation id, short name, source, reference and the flat inputs.

    The rows of a ``values_list`` query read through the database cursor:
    counts arrive as integers on every backend and the two JSON columns as
    text, decoded here once, without Django's per-value converters.
    """
    queryset = IndicatorInput.objects.filter(campaign=campaign).values_list(
        "organisation_id",
        "organisation__short_name",
        "source",
        "source_reference",
        *FLAT_FIELDS,
    )
    json_columns = [
        4 + index
        for index, name in enumerate(FLAT_FIELDS)
        if IndicatorInput._meta.get_field(name).get_internal_type() == "JSONField"
    ]
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    loads = json.loads
    decoded = []
    for row in rows:
        row = list(row)
        for index in json_columns:
            value = row[index]
            if value.__class__ is str:
                row[index] = loads(value)
        decoded.append(row)
    return decoded


def _write_results(
    campaign: Campaign,
    method_code: str,
    rows: list[tuple[Any, ...]],
    ranks: dict[int, int | None],
    computed_at: Any,
) -> None:
    """Insert the working results: ``COPY`` text lines on PostgreSQL.

    Each value is formatted once by Python's C JSON encoder and ``str`` of a
    Decimal, with no model instances and no per-field adaptation (on 20,000
    organisations the instances and psycopg's JSON dumpers were over half of
    the time). Elsewhere the rows go through :func:`evaluation.bulk.insert_rows`.
    """
    columns = (
        "campaign_id",
        "method_version",
        *_RESULT_COLUMNS,
        "rank",
        "computed_at",
    )
    connection = connections[router.db_for_write(Result)]
    if connection.vendor != "postgresql":
        _execute_many(
            connection, columns, campaign, method_code, rows, ranks, computed_at
        )
        return
    null = "\\N"
    head = f"{campaign.pk}\t{copy_text(method_code)}\t"
    tail = f"\t{computed_at.isoformat()}\n"
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def line(row: tuple[Any, ...]) -> str:
        fields = [
            null
            if value is None
            else copy_text(dumps(value))
            if index in _JSON_COLUMNS
            else str(value)
            for index, value in enumerate(row)
        ]
        rank = ranks[row[0]]
        fields.append(null if rank is None else str(rank))
        return head + "\t".join(fields) + tail

    copy_lines(Result, columns, map(line, rows))


def _execute_many(
    connection: Any,
    columns: tuple[str, ...],
    campaign: Campaign,
    method_code: str,
    rows: list[tuple[Any, ...]],
    ranks: dict[int, int | None],
    computed_at: Any,
) -> None:
    """``INSERT … VALUES`` of ready parameters, for SQLite and the rest.

    Each value is adapted the way its field would adapt it (JSON text,
    the backend's Decimal and datetime forms), without model instances.
    """
    ops = connection.ops
    table = ops.quote_name(Result._meta.db_table)
    names = ", ".join(
        ops.quote_name(Result._meta.get_field(name).column) for name in columns
    )
    marks = ", ".join(["%s"] * len(columns))
    stamp = ops.adapt_datetimefield_value(computed_at)
    dumps = json.dumps
    adapt = ops.adapt_decimalfield_value
    params = []
    for row in rows:
        values: list[Any] = [campaign.pk, method_code]
        for index, value in enumerate(row):
            if index in _JSON_COLUMNS:
                values.append(dumps(value))
            elif value is None or index == 0:
                values.append(value)
            else:
                values.append(adapt(value))
        values.append(ranks[row[0]])
        values.append(stamp)
        params.append(values)
    # Quoted names of the model's own table and columns; values are parameters.
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(params), 2000):
            cursor.executemany(
                statement,
                params[start : start + 2000],
            )


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
    # Plain values, not model instances: 20,000 organisations are a budgeted
    # operation (issue 27, ``bench/run.py recompute``).
    rows: list[tuple[Any, ...]] = []
    for organisation_id, short_name, source, reference, *flat in _stored_inputs(
        campaign
    ):
        payload = calculator_input(_FlatInputs._make(flat), method.code)
        rating = rate(parse_inputs(payload, context=short_name), method)
        criteria = rating.criteria
        payload["source"] = source
        payload["source_reference"] = reference
        rows.append(
            (
                organisation_id,
                _decimal_json(rating.indicators),
                _decimal_json(rating.regional),
                criteria["K1"],
                criteria["K2"],
                criteria["K3"],
                criteria["K4"],
                criteria["K5"],
                rating.total,
                list(rating.notes),
                payload,
            )
        )
    ranks = dense_rank((row[0], row[8]) for row in rows)
    Result.objects.filter(campaign=campaign).delete()
    campaign.recomputed_at = timezone.now()
    _write_results(campaign, method.code, rows, ranks, campaign.recomputed_at)
    Campaign.objects.filter(pk=campaign.pk).update(recomputed_at=campaign.recomputed_at)
    summary = RecomputeSummary(
        campaign_id=campaign.pk,
        organisations=len(rows),
        with_total=sum(1 for row in rows if row[8] is not None),
    )
    record(
        "recompute",
        campaign,
        f"Пересчитаны результаты: {campaign} "
        f"({count_with_noun(len(rows), 'организация', 'организации', 'организаций')})",
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
