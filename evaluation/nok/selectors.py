"""Results, aggregates, provenance ("как посчитано") and the Декада."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from evaluation.decade import sample_bases
from evaluation.decade import summary as decade
from evaluation.decade.sample_bases import stored_bases
from evaluation.decade.summary import DecadeSummary
from evaluation.enums import CampaignKind, CampaignStatus, DataSource, IndicatorCode
from evaluation.models import (
    Campaign,
    DecadeVersion,
    DecadeVersionSummary,
    District,
    Measure,
    Organisation,
    Publication,
    PublishedResult,
)
from evaluation.models import DecadeSummary as StoredDecadeSummary
from evaluation.nok import aggregates as published_aggregates
from evaluation.rating import Aggregate, aggregate, get_method, parse_inputs
from evaluation.rating.explain import explain

CRITERIA_FIELDS = ("k1", "k2", "k3", "k4", "k5", "total")

#: ``PublishedResult.input_source`` of figures loaded as they were published
#: elsewhere (past years, ``evaluation.imports.sheets.past_results``): shown as
#: «опубликованные значения» and never recomputed.
PUBLISHED_ELSEWHERE = "published"
PUBLISHED_ELSEWHERE_LABEL = "Опубликованные значения"


def is_published_elsewhere(result: PublishedResult) -> bool:
    """Whether a result holds published values rather than the portal's own."""
    return result.input_source == PUBLISHED_ELSEWHERE


def latest_publication(campaign: Campaign) -> Publication | None:
    """The newest public version of a campaign's results, or None (also when
    the results were withdrawn)."""
    if campaign.status == CampaignStatus.WITHDRAWN:
        return None
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


def aggregates(
    campaign: Campaign, group_by: str | None = None
) -> dict[str, dict[str, Aggregate]]:
    """Region-wide, per-district or per-kind aggregates of criteria and totals.

    Means are exact and rounded once, half-up (METHOD.md §2 "Aggregates"):
    the database's float averages could round a ...5 the wrong way.

    Args:
        campaign: The campaign whose latest publication is aggregated.
        group_by: None for the region, ``"district"`` or ``"kind"``.

    Returns:
        A mapping group key (``"region"``, a district slug or a kind) to a
        mapping figure (``k1``…``k5``, ``total``) to its aggregate.
    """
    publication = latest_publication(campaign)
    stored = published_aggregates.stored(publication)
    if stored is not None:
        return _stored_groups(stored, group_by)
    key_field = {
        None: None,
        "district": "organisation__district__slug",
        "kind": "organisation__kind",
    }[group_by]
    columns = [*CRITERIA_FIELDS] + ([key_field] if key_field else [])
    groups: dict[str, dict[str, list[Decimal | None]]] = defaultdict(
        lambda: {field: [] for field in CRITERIA_FIELDS}
    )
    rows = (
        PublishedResult.objects.filter(publication=publication).values_list(*columns)
        if publication is not None
        else []
    )
    for row in rows:
        key = "region" if key_field is None else str(row[-1])
        for field, value in zip(CRITERIA_FIELDS, row, strict=False):
            groups[key][field].append(value)
    return {
        key: {field: aggregate(values) for field, values in figures.items()}
        for key, figures in sorted(groups.items())
    }


def _stored_groups(
    stored: published_aggregates.StoredAggregates, group_by: str | None
) -> dict[str, dict[str, Aggregate]]:
    """:func:`aggregates` from the figures stored when the version was published."""
    if not stored.organisations:
        return {}
    if group_by is None:
        return {"region": stored.region}
    if group_by == "kind":
        return dict(sorted(stored.kinds().items()))
    districts = stored.districts()
    slugs = dict(
        District.objects.filter(pk__in=list(districts)).values_list("pk", "slug")
    )
    return dict(sorted((str(slugs[pk]), figures) for pk, figures in districts.items()))


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
        for row in published_results(campaign).filter(
            organisation_id__in=organisation_ids
        )
    }
    return [found[pk] for pk in organisation_ids if pk in found]


FIGURE_FIELDS = {"K1": "k1", "K2": "k2", "K3": "k3", "K4": "k4", "K5": "k5"}


def published_value(result: PublishedResult, figure: str) -> Decimal | None:
    """The published value of an indicator (``"1.1"``), criterion or total."""
    if figure == "total":
        return result.total
    if figure in FIGURE_FIELDS:
        return getattr(result, FIGURE_FIELDS[figure])
    regional = result.regional_indicators or {}
    raw = regional[figure] if figure in regional else result.indicators.get(figure)
    return None if raw is None else Decimal(raw)


def how_computed(result: PublishedResult, figure: str) -> dict[str, Any]:
    """Provenance of one published number: "как посчитано".

    Returns the formula, the inputs with their values, where the inputs came
    from (import file or manual entry), the method version and the
    publication, recomputed from the frozen inputs of the publication. If the
    recomputation disagrees with the published figure (it never should), the
    answer says so instead of hiding it.

    Raises:
        KeyError: ``figure`` is not an indicator code, ``K1``…``K5`` or ``total``.
    """
    if is_published_elsewhere(result):
        return _published_elsewhere(result, figure)
    method = get_method(result.method_version)
    snapshot = {
        key: value
        for key, value in result.inputs_snapshot.items()
        if key not in {"source", "source_reference"}
    }
    explanation = explain(parse_inputs(snapshot), figure, method)
    published = published_value(result, figure)
    publication = result.publication
    source = result.input_source or DataSource.MANUAL
    return {
        "organisation": result.organisation.short_name,
        "campaign": str(publication.campaign),
        "figure": figure,
        "published_value": None if published is None else str(published),
        "consistent": explanation.value == published,
        **explanation.to_json(),
        "method_title": method.title,
        "source": {
            "kind": source,
            "label": str(DataSource(source).label),
            "reference": result.input_reference,
        },
        "publication": {
            "version": publication.version,
            "published_at": publication.published_at.isoformat(),
            "note": publication.note,
        },
    }


def _published_elsewhere(result: PublishedResult, figure: str) -> dict[str, Any]:
    """ "Как посчитано" of a value loaded as published: nothing to recompute."""
    known = {"total", *FIGURE_FIELDS, *(code.value for code in IndicatorCode)}
    if figure not in known:
        raise KeyError(figure)
    published = published_value(result, figure)
    publication = result.publication
    return {
        "organisation": result.organisation.short_name,
        "campaign": str(publication.campaign),
        "figure": figure,
        "published_value": None if published is None else str(published),
        "consistent": True,
        "value": None if published is None else str(published),
        "formula": "Опубликованное значение; портал его не пересчитывает.",
        "substituted": "",
        "inputs": {},
        "notes": [],
        "method": result.method_version,
        "method_title": "",
        "source": {
            "kind": PUBLISHED_ELSEWHERE,
            "label": PUBLISHED_ELSEWHERE_LABEL,
            "reference": result.input_reference,
        },
        "publication": {
            "version": publication.version,
            "published_at": publication.published_at.isoformat(),
            "note": publication.note,
        },
    }


@dataclass(frozen=True)
class _Published:
    """The figures of one published result, read without building models."""

    campaign: Campaign
    indicators: dict[str, Any]
    criteria: dict[str, Decimal | None]

    def value(self, figure: str) -> Decimal | None:
        if figure in FIGURE_FIELDS:
            return self.criteria[FIGURE_FIELDS[figure]]
        raw = self.indicators.get(figure)
        return None if raw is None else Decimal(raw)


@dataclass(frozen=True)
class MeasureEffect:
    """ "Did it work": the linked indicator before and after a measure.

    ``before`` is the indicator in the campaign the plan answers; ``after``
    in the next published НОК campaign of the same organisation. ``change``
    is None when either is missing (``reason`` says which).
    """

    measure: Measure
    indicator: str
    before: Decimal | None
    after: Decimal | None
    after_campaign: Campaign | None
    reason: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def measure_effects(measures: QuerySet[Measure] | list[Measure]) -> list[MeasureEffect]:
    """For each measure, the change of its indicator in the next campaign."""
    measures = list(measures)
    if not measures:
        return []
    plans = {m.plan_id: m.plan for m in measures}
    organisation_ids = {plan.organisation_id for plan in plans.values()}
    newest = (
        Publication.objects.filter(campaign=OuterRef("publication__campaign"))
        .order_by("-version")
        .values("pk")[:1]
    )
    rows = list(
        PublishedResult.objects.filter(
            organisation_id__in=organisation_ids,
            publication=Subquery(newest),
            publication__campaign__kind=CampaignKind.NOK,
        )
        .order_by("publication__campaign__year")
        .values_list(
            "organisation_id",
            "publication__campaign_id",
            "indicators",
            *FIGURE_FIELDS.values(),
        )
    )
    campaigns = Campaign.objects.in_bulk({row[1] for row in rows})
    history: dict[int, list[_Published]] = defaultdict(list)
    for organisation_id, campaign_id, indicators, *criteria in rows:
        history[organisation_id].append(
            _Published(
                campaigns[campaign_id],
                indicators,
                dict(zip(FIGURE_FIELDS.values(), criteria, strict=True)),
            )
        )
    effects = []
    for measure in measures:
        plan = plans[measure.plan_id]
        published = history.get(plan.organisation_id, [])
        base = next((r for r in published if r.campaign.pk == plan.campaign_id), None)
        later = next(
            (r for r in published if r.campaign.year > plan.campaign.year), None
        )
        code = measure.indicator_code
        before = base.value(code) if base and code else None
        after = later.value(code) if later and code else None
        if not code:
            reason = "мероприятие не связано с показателем"
        elif base is None:
            reason = (
                "нет опубликованных результатов оценки, по итогам которой принят план"
            )
        elif later is None:
            reason = "следующая оценка ещё не опубликована"
        elif before is None or after is None:
            reason = "показатель не рассчитан (нет данных) в одной из оценок"
        else:
            reason = ""
        effects.append(
            MeasureEffect(
                measure=measure,
                indicator=code,
                before=before,
                after=after,
                after_campaign=later.campaign if later else None,
                reason=reason,
            )
        )
    return effects


# --------------------------------------------------------------------------- Декада

#: The answer fields a Декада count reads from each response.
DECADE_RESPONSE_FIELDS = (
    "answers",
    "channel",
    "kind",
    "external_territorial",
    "excluded",
    "suggestion",
)


def decade_base(
    organisation: Organisation, stored: Mapping[int, int | None] | None = None
) -> int | None:
    """The sample base (METHOD.md §4): registered people for УСЗН offices,
    people receiving services for institutions.

    ``stored`` are the bases fixed with the campaign
    (:func:`evaluation.decade.sample_bases.stored_bases`); a stored base wins, even
    an unknown one, so a published Декада never reads the live register.
    """
    if stored is not None and organisation.pk in stored:
        return stored[organisation.pk]
    return sample_bases.register_base(organisation)


def _frozen_summaries(campaign: Campaign) -> dict[int, DecadeSummary] | None:
    """The summaries the latest published version froze, or None (live).

    A Декада published through the life cycle keeps, per version, what its
    pages showed; questionnaires or summaries loaded later change nothing
    public until a correction is published (seed 000 §3.1, issue #21).
    """
    if campaign.status == CampaignStatus.WITHDRAWN:
        return None
    version = (
        DecadeVersion.objects.filter(publication__campaign=campaign)
        .order_by("-publication__version")
        .values_list("summaries", flat=True)
        .first()
    )
    if not version:
        return None
    return {int(pk): decade.summary_from_json(data) for pk, data in version.items()}


def _frozen_summary(campaign: Campaign, organisation_id: int) -> DecadeSummary | None:
    """One organisation's summary in the latest published version, or None
    (no version, or the version has none of it): one query reading that
    organisation's own row, not the version's JSON of every organisation's
    (a national Декада has 20,000)."""
    if campaign.status == CampaignStatus.WITHDRAWN:
        return None
    latest = (
        DecadeVersion.objects.filter(publication__campaign=campaign)
        .order_by("-publication__version")
        .values("pk")[:1]
    )
    found = list(
        DecadeVersionSummary.objects.filter(
            version=Subquery(latest), organisation_id=organisation_id
        ).values_list("summary", flat=True)[:1]
    )
    return decade.summary_from_json(found[0]) if found and found[0] else None


def decade_summary(campaign: Campaign, organisation: Organisation) -> DecadeSummary:
    """One organisation's Декада: sample adequacy, channels, shares, suggestions.

    The published version's frozen summary when there is one; otherwise
    computed from the questionnaires, and an organisation without any falls
    back to its stored aggregate (see :func:`_from_stored`).
    """
    frozen = _frozen_summary(campaign, organisation.pk)
    if frozen is not None:
        return frozen
    responses = list(
        campaign.responses.filter(organisation=organisation).values(
            *DECADE_RESPONSE_FIELDS
        )
    )
    if not responses:
        stored = StoredDecadeSummary.objects.filter(
            campaign=campaign, organisation=organisation
        ).first()
        if stored is not None:
            return _from_stored(stored, organisation, stored_bases(campaign))
    return decade.summarise(
        responses,
        organisation.kind,
        decade_base(organisation, stored_bases(campaign)),
    )


#: Why a summary shows stored figures, by the aggregate's source.
_STORED_NOTES = {
    DataSource.SURVEY: (
        "Анкеты удалены по истечении срока хранения; показаны итоги, "
        "сохранённые перед удалением."
    ),
}
_SUMMARY_NOTE = (
    "Итоги по сводной информации учреждения (анкеты не загружались); доли "
    "рассчитаны от числа анкет, для зависимых вопросов — от ответов «да» "
    "на вопрос-фильтр."
)


def _from_stored(
    stored: StoredDecadeSummary,
    organisation: Organisation,
    bases: Mapping[int, int | None] | None = None,
) -> DecadeSummary:
    """An organisation's Декада from the aggregate it sent or that was kept.

    Institutions that do not send every questionnaire send the summary form
    (annex 2); the retention purge keeps one per organisation before deleting
    questionnaires. Either way the public figures stay.
    """
    return decade.from_aggregate(
        questionnaires=stored.questionnaires,
        external_territorial=stored.external_territorial,
        by_channel=stored.by_channel,
        by_kind=stored.by_kind,
        yes=stored.yes,
        answered=stored.answered,
        organisation_kind=organisation.kind,
        base=stored.base
        if stored.base is not None
        else decade_base(organisation, bases),
        note=_STORED_NOTES.get(stored.source, _SUMMARY_NOTE),
    )


@dataclass(frozen=True)
class DecadeOverview:
    """A whole Декада: every organisation's summary and the region's totals."""

    summaries: dict[int, DecadeSummary]
    organisations: dict[int, Organisation]
    by_channel: dict[str, int]
    by_kind: dict[str, int]
    counted: int
    external_territorial: int
    inadequate: list[int]  # organisation ids below the sample threshold
    without_base: list[int]  # organisation ids whose base is unknown


def decade_overview(campaign: Campaign) -> DecadeOverview:
    """Summaries of every organisation in a Декада, in one pass over the responses.

    A published version's frozen summaries are read instead when there is
    one (see :func:`_frozen_summaries`).
    """
    frozen = _frozen_summaries(campaign)
    organisations = {
        org.pk: org
        for org in (
            Organisation.objects.filter(pk__in=list(frozen))
            if frozen is not None
            else campaign.organisations.all()
        )
        .select_related("district")
        .order_by("short_name")
    }
    if frozen is not None:
        return _overview({pk: frozen[pk] for pk in organisations}, organisations)
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in campaign.responses.values("organisation_id", *DECADE_RESPONSE_FIELDS):
        grouped[row.pop("organisation_id")].append(row)
    stored = {
        summary.organisation_id: summary
        for summary in StoredDecadeSummary.objects.filter(campaign=campaign).exclude(
            organisation_id__in=list(grouped)
        )
    }
    bases = stored_bases(campaign)
    summaries = {
        pk: (
            _from_stored(stored[pk], org, bases)
            if pk in stored
            else decade.summarise(
                grouped.get(pk, []), org.kind, decade_base(org, bases)
            )
        )
        for pk, org in organisations.items()
    }
    return _overview(summaries, organisations)


def _overview(
    summaries: dict[int, DecadeSummary], organisations: dict[int, Organisation]
) -> DecadeOverview:
    by_channel: dict[str, int] = defaultdict(int)
    by_kind: dict[str, int] = defaultdict(int)
    for summary in summaries.values():
        for channel, count in summary.by_channel.items():
            by_channel[str(channel)] += count
        for kind, count in summary.by_kind.items():
            by_kind[str(kind)] += count
    return DecadeOverview(
        summaries=summaries,
        organisations=organisations,
        by_channel=dict(by_channel),
        by_kind=dict(by_kind),
        counted=sum(s.counted for s in summaries.values()),
        external_territorial=sum(s.external_territorial for s in summaries.values()),
        inadequate=[pk for pk, s in summaries.items() if s.sample.adequate is False],
        without_base=[pk for pk, s in summaries.items() if s.sample.adequate is None],
    )
