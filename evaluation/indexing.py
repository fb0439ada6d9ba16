"""What the evaluation app gives public search, as plain mappings.

The only module of ``evaluation`` that ``search`` imports (STYLE.md §2). Each
mapping's keys are fields of ``search.documents.SearchDocument``. Only public
data is turned into documents:

* organisations: active ones (name, short name, code, kind, district, address,
  latest published НОК total and K1–K5);
* measures (deficiency and measure, indicator, status) of **approved** plans;
* fulfilment reports of those measures;
* council decisions marked as published.

Public URLs of these objects are built by ``publications`` (its ``indexing``
module fills ``url`` from ``extra``), never here.

``changes_for(obj)`` answers "this object changed": documents to (re)write and
ids to remove (when an object stopped being public). ``removals_for(obj)``
answers "this object is gone". ``subscriptions()`` names the signals that mean
either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django.utils.translation import get_language

from evaluation import signals
from evaluation.enums import (
    CampaignKind,
    Criterion,
    IndicatorCode,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
)
from evaluation.formatting import format_score
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
    PublishedResult,
)

Mapping = dict[str, Any]
Subscription = tuple[Signal, type[Model] | None, Callable[..., Iterable[Any]], bool]

_CRITERIA = ("k1", "k2", "k3", "k4", "k5")


def _number(value: Any) -> str | None:
    return None if value is None else str(value)


# ----------------------------------------------------------------- organisations


@dataclass(frozen=True)
class PublishedFigures:
    """What an organisation's document shows of one of its published results."""

    campaign_slug: str
    campaign_title: str
    total: Decimal | None
    k1: Decimal | None
    k2: Decimal | None
    k3: Decimal | None
    k4: Decimal | None
    k5: Decimal | None


def _latest_results(
    organisations: Iterable[Organisation],
) -> dict[int, list[PublishedFigures]]:
    """Published НОК figures per organisation, newest campaign and version first.

    Read as plain values: publishing a 20,000-organisation campaign reindexes
    every organisation, and model instances of all their published results
    (with their JSON columns) took most of the time of building the documents.
    """
    ids = [org.pk for org in organisations]
    by_org: dict[int, list[PublishedFigures]] = {pk: [] for pk in ids}
    rows = (
        PublishedResult.objects.filter(
            organisation_id__in=ids, publication__campaign__kind=CampaignKind.NOK
        )
        .order_by(
            "-publication__campaign__year",
            "-publication__campaign__period_start",
            "-publication__version",
            "-publication__campaign_id",  # same year and start: the newer one
        )
        .values_list(
            "organisation_id",
            "publication__campaign__slug",
            "publication__campaign__title",
            "total",
            *_CRITERIA,
        )
    )
    for organisation_id, *figures in rows:
        by_org[organisation_id].append(PublishedFigures(*figures))
    return by_org


@lru_cache(maxsize=8)
def _kind_labels(language: str | None) -> dict[str, str]:
    """Kinds' labels in ``language``, once (a national publish makes 20,000 documents)."""
    return {kind.value: str(kind.label) for kind in OrganisationKind}


def organisation_document(
    organisation: Organisation, results: list[PublishedFigures] | None = None
) -> Mapping:
    """The search document of one active organisation."""
    if results is None:
        results = _latest_results([organisation])[organisation.pk]
    latest = results[0] if results else None
    campaigns = list(dict.fromkeys(r.campaign_slug for r in results))
    kind_label = _kind_labels(get_language()).get(organisation.kind, organisation.kind)
    lines = [
        organisation.short_name,
        kind_label,
        organisation.district.name,
        organisation.address,
    ]
    extra: Mapping = {
        "organisation_slug": organisation.slug,
        "district_name": organisation.district.name,
        "kind_label": kind_label,
        "address": organisation.address,
    }
    score = None
    if latest is not None:
        score = latest.total
        lines.append(
            f"{latest.campaign_title}: итоговый балл {format_score(latest.total)}"
        )
        extra.update(
            {
                "campaign_slug": latest.campaign_slug,
                "campaign_title": latest.campaign_title,
                "total": _number(latest.total),
                **{name: _number(getattr(latest, name)) for name in _CRITERIA},
            }
        )
    return {
        "id": f"organisation:{organisation.pk}",
        "kind": "organisation",
        "title": organisation.name,
        "names": [organisation.short_name, organisation.code],
        "text": "\n".join(line for line in lines if line),
        "url": "",
        "district": organisation.district.slug,
        "org_kind": organisation.kind,
        "campaign": campaigns,
        "score": score,
        "extra": extra,
    }


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).select_related("district")


# ---------------------------------------------------------------- plans, reports


def _measures() -> QuerySet[Measure]:
    return Measure.objects.filter(plan__status=PlanStatus.APPROVED).select_related(
        "plan__organisation__district", "plan__campaign"
    )


def _measure_facets(measure: Measure) -> Mapping:
    organisation = measure.plan.organisation
    return {
        "district": organisation.district.slug,
        "org_kind": organisation.kind,
        "campaign": [measure.plan.campaign.slug],
        "status": measure.status,
    }


def _measure_extra(measure: Measure) -> Mapping:
    organisation = measure.plan.organisation
    return {
        "organisation_slug": organisation.slug,
        "organisation_name": organisation.short_name,
        "campaign_slug": measure.plan.campaign.slug,
        "campaign_kind": measure.plan.campaign.kind,
        "indicator_code": measure.indicator_code,
        "criterion": measure.criterion,
        "status_label": str(MeasureStatus(measure.status).label),
        "planned_date": measure.planned_date.isoformat(),
    }


def measure_document(measure: Measure) -> Mapping:
    """The search document of one measure of an approved plan."""
    organisation = measure.plan.organisation
    indicator = (
        str(IndicatorCode(measure.indicator_code).label)
        if measure.indicator_code in IndicatorCode.values
        else ""
    )
    criterion = (
        str(Criterion(measure.criterion).label)
        if measure.criterion in Criterion.values
        else ""
    )
    return {
        "id": f"measure:{measure.pk}",
        "kind": "measure",
        "title": measure.action,
        "names": [measure.indicator_code] if measure.indicator_code else [],
        "text": "\n".join(
            part
            for part in (
                f"Недостаток: {measure.deficiency}",
                f"Мероприятие: {measure.action}",
                indicator,
                criterion,
                organisation.name,
                organisation.short_name,
                measure.responsible_position,
            )
            if part
        ),
        "url": "",
        "published_at": measure.planned_date,
        **_measure_facets(measure),
        "extra": _measure_extra(measure),
    }


def report_document(report: MeasureReport) -> Mapping:
    """The search document of one fulfilment report of a public measure."""
    measure = report.measure
    return {
        "id": f"report:{report.pk}",
        "kind": "report",
        "title": f"Отчёт о выполнении: {measure.action}",
        "text": "\n".join(
            (
                report.done,
                f"Недостаток: {measure.deficiency}",
                measure.plan.organisation.name,
            )
        ),
        "url": "",
        "published_at": report.actual_date,
        **_measure_facets(measure),
        "extra": {
            **_measure_extra(measure),
            "actual_date": report.actual_date.isoformat(),
        },
    }


def _reports() -> QuerySet[MeasureReport]:
    return MeasureReport.objects.filter(
        measure__plan__status=PlanStatus.APPROVED
    ).select_related("measure__plan__organisation__district", "measure__plan__campaign")


# --------------------------------------------------------------------- decisions


def decision_document(decision: CouncilDecision) -> Mapping:
    """The search document of one published council decision."""
    organisation = decision.organisation
    return {
        "id": f"decision:{decision.pk}",
        "kind": "decision",
        "title": f"Решение № {decision.number} от {decision.decided_on:%d.%m.%Y}: {decision.title}",
        "names": [decision.title],
        "text": decision.text,
        "url": "",
        "published_at": decision.decided_on,
        "district": organisation.district.slug if organisation else "",
        "org_kind": organisation.kind if organisation else "",
        "campaign": [decision.campaign.slug] if decision.campaign else [],
        "doc_type": "decision",
        "extra": {
            "decision_pk": decision.pk,
            "organisation_name": organisation.short_name if organisation else "",
        },
    }


def _decisions() -> QuerySet[CouncilDecision]:
    return CouncilDecision.objects.filter(is_published=True).select_related(
        "campaign", "organisation__district"
    )


# -------------------------------------------------------------------- interface


def all_documents() -> Iterator[Mapping]:
    """Every public document of the app, for a full reindex."""
    organisations = _organisations().order_by("pk")
    for start in range(0, organisations.count(), 500):
        chunk = list(organisations[start : start + 500])
        results = _latest_results(chunk)
        for organisation in chunk:
            yield organisation_document(organisation, results[organisation.pk])
    for measure in _measures().order_by("pk").iterator(chunk_size=500):
        yield measure_document(measure)
    for report in _reports().order_by("pk").iterator(chunk_size=500):
        yield report_document(report)
    for decision in _decisions().order_by("pk").iterator(chunk_size=500):
        yield decision_document(decision)


def _measure_changes(measures: Iterable[Measure]) -> tuple[list[Mapping], list[str]]:
    write: list[Mapping] = []
    remove: list[str] = []
    measure_ids = [m.pk for m in measures]
    public = {
        m.pk: m
        for m in _measures()
        .filter(pk__in=measure_ids)
        .prefetch_related(
            Prefetch("reports", queryset=MeasureReport.objects.order_by("pk"))
        )
    }
    for pk in measure_ids:
        measure = public.get(pk)
        if measure is None:
            remove.append(f"measure:{pk}")
            remove.extend(
                f"report:{report_pk}"
                for report_pk in MeasureReport.objects.filter(
                    measure_id=pk
                ).values_list("pk", flat=True)
            )
            continue
        write.append(measure_document(measure))
        for report in measure.reports.all():
            report.measure = measure
            write.append(report_document(report))
    return write, remove


def changes_for(obj: Any) -> tuple[list[Mapping], list[str]]:
    """Documents to write and ids to remove after ``obj`` changed.

    Unknown objects give ``([], [])``.
    """
    if isinstance(obj, Organisation):
        organisation = _organisations().filter(pk=obj.pk).first()
        if organisation is None:
            return [], [f"organisation:{obj.pk}"]
        write, remove = _measure_changes(
            Measure.objects.filter(plan__organisation=organisation)
        )
        return [organisation_document(organisation), *write], remove
    if isinstance(obj, ImprovementPlan):
        return _measure_changes(Measure.objects.filter(plan_id=obj.pk))
    if isinstance(obj, Measure):
        return _measure_changes([obj])
    if isinstance(obj, MeasureReport):
        report = _reports().filter(pk=obj.pk).first()
        if report is None:
            return [], [f"report:{obj.pk}"]
        return [report_document(report)], []
    if isinstance(obj, CouncilDecision):
        decision = _decisions().filter(pk=obj.pk).first()
        if decision is None:
            return [], [f"decision:{obj.pk}"]
        return [decision_document(decision)], []
    if isinstance(obj, Campaign):
        organisations = list(
            _organisations()
            .filter(published_results__publication__campaign=obj)
            .distinct()
        )
        results = _latest_results(organisations)
        return [organisation_document(o, results[o.pk]) for o in organisations], []
    return [], []


def removals_for(obj: Any) -> list[str]:
    """Ids of the documents of an object that was deleted."""
    prefix = {
        Organisation: "organisation",
        Measure: "measure",
        MeasureReport: "report",
        CouncilDecision: "decision",
    }.get(type(obj))
    return [f"{prefix}:{obj.pk}"] if prefix and obj.pk is not None else []


def _instance(instance: Any = None, **_kwargs: Any) -> list[Any]:
    return [instance] if instance is not None else []


def _campaign(campaign: Campaign | None = None, **_kwargs: Any) -> list[Any]:
    return [campaign] if campaign is not None else []


def subscriptions() -> list[Subscription]:
    """Signals that mean "reindex": ``(signal, sender, objects_of, is_removal)``.

    ``objects_of(**signal_kwargs)`` returns the objects to pass to
    :func:`changes_for` (or :func:`removals_for` when ``is_removal``).
    """
    subs: list[Subscription] = [
        (signals.results_published, None, _campaign, False),
        (signals.campaign_status_changed, None, _campaign, False),
    ]
    for model in (
        Organisation,
        ImprovementPlan,
        Measure,
        MeasureReport,
        CouncilDecision,
    ):
        subs.append((post_save, model, _instance, False))
    for model in (Organisation, Measure, MeasureReport, CouncilDecision):
        subs.append((post_delete, model, _instance, True))
    return subs


def facet_labels() -> dict[str, dict[str, str]]:
    """Russian labels of the facet values this app's documents carry."""
    return {
        "district": dict(District.objects.values_list("slug", "name")),
        "org_kind": {kind.value: str(kind.label) for kind in OrganisationKind},
        "campaign": dict(Campaign.objects.values_list("slug", "title")),
        "status": {status.value: str(status.label) for status in MeasureStatus},
    }
