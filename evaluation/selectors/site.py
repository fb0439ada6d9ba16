"""Composite reads of the public site: rating tables, cards, plans, trackers.

Everything here returns querysets or small frozen dataclasses that templates
and API representations render without further queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from evaluation.deadlines import SubmissionState
from evaluation.decade.summary import DecadeSummary
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    Criterion,
    IndicatorCode,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
    SubmissionKind,
)
from evaluation.formatting import format_amount
from evaluation.models import (
    Campaign,
    District,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
    Publication,
    PublicationAggregates,
    PublishedResult,
    Submission,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.nok import aggregates as published_aggregates
from evaluation.nok.aggregates import group_aggregates
from evaluation.nok.regional_indicators import RegionalFigure, card_regional
from evaluation.nok.selectors import (
    CRITERIA_FIELDS,
    PUBLISHED_ELSEWHERE,
    MeasureEffect,
    decade_summary,
    how_computed,
    is_published_elsewhere,
    latest_publication,
    measure_effects,
    published_results,
)
from evaluation.rating import Aggregate, aggregate, get_method
from evaluation.regional import selectors as regional

# ----------------------------------------------------------------- rating table

#: Sort keys of the rating table: key → (Russian label, field, natural order
#: is descending). Scores read best-first; rank, names and districts A→Я.
RATING_SORTS: Mapping[str, tuple[str, str, bool]] = {
    "rank": ("Место", "rank", False),
    "name": ("Организация", "organisation__short_name", False),
    "district": ("Район", "organisation__district__name", False),
    "total": ("Итоговый балл", "total", True),
    "k1": ("К1", "k1", True),
    "k2": ("К2", "k2", True),
    "k3": ("К3", "k3", True),
    "k4": ("К4", "k4", True),
    "k5": ("К5", "k5", True),
}


@dataclass(frozen=True)
class RatingFilters:
    """What a visitor asked of a rating table; unknown values are dropped.

    Attributes:
        district: A district slug, or "" for the whole region.
        kind: An :class:`OrganisationKind` value, or "".
        sort: A key of :data:`RATING_SORTS`.
        descending: Order of the sort column.
    """

    district: str = ""
    kind: str = ""
    sort: str = "rank"
    descending: bool = False

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, Any],
        *,
        prefix: str = "",
        default_district: str = "",
        default_kind: str = "",
    ) -> RatingFilters:
        """Read the filters from a query string (``prefix`` keeps tables apart)."""
        district = str(query.get(f"{prefix}district", default_district) or "")
        kind = str(query.get(f"{prefix}kind", default_kind) or "")
        sort = str(query.get(f"{prefix}sort", "rank") or "rank")
        if kind not in OrganisationKind.values:
            kind = ""
        if sort not in RATING_SORTS:
            sort = "rank"
        order = str(query.get(f"{prefix}order", "") or "")
        descending = (
            RATING_SORTS[sort][2] if order not in {"asc", "desc"} else (order == "desc")
        )
        if len(district) > 100:
            district = ""
        return cls(district=district, kind=kind, sort=sort, descending=descending)


def rating_rows(
    campaign: Campaign, filters: RatingFilters | None = None
) -> QuerySet[PublishedResult]:
    """The campaign's published results, filtered and sorted for a table.

    Missing scores sort last in either direction; ties fall back to the name.
    """
    filters = filters or RatingFilters()
    rows = published_results(campaign)
    if filters.district:
        rows = rows.filter(organisation__district__slug=filters.district)
    if filters.kind:
        rows = rows.filter(organisation__kind=filters.kind)
    _label, column, _natural = RATING_SORTS[filters.sort]
    expression = (
        F(column).desc(nulls_last=True)
        if filters.descending
        else F(column).asc(nulls_last=True)
    )
    return rows.order_by(expression, "organisation__short_name", "pk")


class RatingPaginator(Paginator):
    """Pages of :func:`rating_rows` whose cost follows the page, not the region.

    In the default order (rank ascending, no district or kind filter) a page
    reads only the rows ranked at most its last position: ranks are dense
    (1, 1, 2, …), so the row at position p has a rank of at most p, and those
    rows are a prefix of the order, found through the index ``(publication,
    rank)`` instead of sorting the whole publication. The count of that table
    is the publication's number of rows, stored with its aggregates when it
    was published. Any other order or filter pages the queryset as it is.
    """

    def __init__(
        self,
        rows: QuerySet[PublishedResult],
        per_page: int,
        *,
        publication: Publication | None,
        filters: RatingFilters,
    ) -> None:
        super().__init__(rows, per_page)
        self._publication = publication
        self._by_rank = (
            publication is not None
            and filters.sort == "rank"
            and not filters.descending
            and not filters.district
            and not filters.kind
        )

    @cached_property
    def _stored_counts(self) -> tuple[int, int] | None:
        """The publication's rows and ranked rows as stored, or None."""
        if not self._by_rank:
            return None
        found = (
            PublicationAggregates.objects.filter(publication=self._publication)
            .values_list("data__shape", "data__organisations", "data__ranked")
            .first()
        )
        if found is None or found[0] != published_aggregates.SHAPE:
            return None
        return int(found[1]), int(found[2])

    @cached_property
    def count(self) -> int:
        stored = self._stored_counts
        return stored[0] if stored is not None else self.object_list.count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        stored = self._stored_counts
        if stored is not None and top <= stored[1]:
            rows = rows.filter(rank__lte=top)
        return self._get_page(rows[bottom:top], number, self)


def rating_distribution(
    campaign: Campaign, filters: RatingFilters | None = None, bin_width: int = 10
) -> tuple[list[int], int] | None:
    """Totals of the rating per bin of ``bin_width`` points and the number
    without a total, as stored when the version was published; None when
    the publication has no stored aggregates (count the rows then).

    Only the district and kind of ``filters`` matter.
    """
    filters = filters or RatingFilters()
    stored = published_aggregates.stored(latest_publication(campaign))
    if stored is None:
        return None
    return stored.distribution(
        _district_id(filters.district), filters.kind, bin_width=bin_width
    )


def _district_id(slug: str) -> int | None:
    """The id of a district by slug; None for "any", -1 for an unknown one."""
    if not slug:
        return None
    found = District.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return -1 if found is None else found


def rating_filter_options(campaign: Campaign) -> dict[str, list[tuple[str, str]]]:
    """Districts and kinds present in the campaign's publication, for filters."""
    publication = latest_publication(campaign)
    if publication is None:
        return {"districts": [], "kinds": []}
    present = PublishedResult.objects.filter(publication=publication)
    stored = published_aggregates.stored(publication)
    if stored is not None:
        districts = (
            District.objects.filter(pk__in=list(stored.districts()))
            .order_by("name")
            .values_list("slug", "name")
        )
        kinds = set(stored.kinds())
    else:
        districts = (
            District.objects.filter(
                organisations__published_results__in=present.values("pk")
            )
            .distinct()
            .order_by("name")
            .values_list("slug", "name")
        )
        kinds = set(present.values_list("organisation__kind", flat=True).distinct())
    return {
        "districts": list(districts),
        "kinds": [
            (k.value, str(k.label)) for k in OrganisationKind if k.value in kinds
        ],
    }


def published_campaigns(kind: str = CampaignKind.NOK) -> QuerySet[Campaign]:
    """Campaigns whose results the public may see, newest first.

    A НОК campaign is public once it has a publication; a Декада once its
    status is "published". Withdrawn results are not listed.
    """
    campaigns = Campaign.objects.filter(kind=kind).exclude(
        status=CampaignStatus.WITHDRAWN
    )
    if kind == CampaignKind.NOK:
        campaigns = campaigns.filter(publications__isnull=False).distinct()
    else:
        campaigns = campaigns.filter(status=CampaignStatus.PUBLISHED)
    return campaigns.order_by("-year", "-period_start")


# ------------------------------------------------------------------- trends


@dataclass(frozen=True)
class TrendPoint:
    """One campaign's value in a trend: an organisation's total or a group mean."""

    campaign: Campaign
    value: Decimal | None
    count: int = 1
    #: The values were loaded as published elsewhere (past years), not
    #: computed by the portal; ``sources`` name where they were published.
    published: bool = False
    sources: tuple[str, ...] = ()


def _newest_publications() -> Subquery:
    return Subquery(
        Publication.objects.filter(campaign=OuterRef("publication__campaign"))
        .order_by("-version")
        .values("pk")[:1]
    )


def trend(
    *,
    organisation: Organisation | None = None,
    district: str = "",
    kind: str = "",
    figure: str = "total",
) -> list[TrendPoint]:
    """A figure across published НОК campaigns, oldest first.

    With ``organisation`` the points are its own values; otherwise the exact
    mean over the region, or over a district or kind when given (METHOD.md §2
    "Aggregates"). Campaigns in which the organisation has no result are left
    out.
    """
    if figure not in CRITERIA_FIELDS:
        raise ValueError(f"Неизвестный показатель для динамики: {figure}")
    stored_points: dict[int, TrendPoint] = {}
    rows = PublishedResult.objects.filter(
        publication=_newest_publications(),
        publication__campaign__kind=CampaignKind.NOK,
    )
    if organisation is None:
        stored_points = _stored_trend(district=district, kind=kind, figure=figure)
        rows = rows.exclude(publication__campaign_id__in=list(stored_points))
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if district:
        rows = rows.filter(organisation__district__slug=district)
    if kind:
        rows = rows.filter(organisation__kind=kind)
    values: dict[int, list[Decimal | None]] = defaultdict(list)
    published: dict[int, set[str]] = defaultdict(set)  # campaign → its sources
    computed: set[int] = set()
    for campaign_id, value, source, reference in rows.values_list(
        "publication__campaign_id", figure, "input_source", "input_reference"
    ):
        values[campaign_id].append(value)
        if source == PUBLISHED_ELSEWHERE:
            published[campaign_id].add(reference)
        else:
            computed.add(campaign_id)
    campaigns = Campaign.objects.filter(pk__in=[*values, *stored_points]).order_by(
        "year", "period_start"
    )
    points = []
    for campaign in campaigns:
        if campaign.pk in stored_points:
            point = stored_points[campaign.pk]
            points.append(
                TrendPoint(campaign=campaign, value=point.value, count=point.count)
            )
            continue
        summary = aggregate(values[campaign.pk])
        points.append(
            TrendPoint(
                campaign=campaign,
                value=summary.mean,
                count=summary.count,
                published=campaign.pk not in computed,
                sources=tuple(sorted(published[campaign.pk])),
            )
        )
    return points


def _stored_trend(*, district: str, kind: str, figure: str) -> dict[int, TrendPoint]:
    """Group means of :func:`trend` from the aggregates stored per publication.

    Campaign id → a point (its ``campaign`` is filled in by the caller). Only
    the newest publication of each НОК campaign counts, and only one with
    stored aggregates of the portal's own figures; the others are read from
    their rows. A campaign without organisations of the group is left out.
    """
    newest = (
        Publication.objects.filter(campaign__kind=CampaignKind.NOK)
        .filter(pk=Subquery(_newest_of_campaign()))
        .values_list("pk", "campaign_id")
    )
    by_publication = dict(newest)
    stored = PublicationAggregates.objects.filter(
        publication_id__in=list(by_publication)
    ).values_list("publication_id", "data")
    district_id = _district_id(district)
    points: dict[int, TrendPoint] = {}
    for publication_id, data in stored:
        aggregates = published_aggregates.stored_from(publication_id, data)
        if aggregates is None or aggregates.sources or not aggregates.computed:
            continue
        campaign_id = by_publication[publication_id]
        if not aggregates.members(district_id, kind):
            # Read from the rows as before: no organisation of the group.
            points[campaign_id] = None  # type: ignore[assignment]
            continue
        summary = aggregates.group(district_id, kind)[figure]
        points[campaign_id] = TrendPoint(
            campaign=None,  # type: ignore[arg-type]
            value=summary.mean,
            count=summary.count,
        )
    return {pk: point for pk, point in points.items() if point is not None}


def _newest_of_campaign() -> Any:
    return (
        Publication.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-version")
        .values("pk")[:1]
    )


# --------------------------------------------------------------------- plans


@dataclass(frozen=True)
class PlanRow:
    """A measure of a plan with its reports, lateness and effect."""

    measure: Measure
    reports: list[MeasureReport]
    overdue: bool
    done_late: bool
    effect: MeasureEffect | None


@dataclass(frozen=True)
class PlanTable:
    """Measures of one or more approved plans and how far they are fulfilled."""

    rows: list[PlanRow]
    done: int
    overdue: int

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        """Share of measures done, in whole percent rounded down."""
        return (100 * self.done) // self.total if self.rows else 0


def _approved_measures(
    *,
    plan: ImprovementPlan | None,
    campaign: Campaign | None,
    organisation: Organisation | None,
) -> QuerySet[Measure]:
    """Measures of approved plans, filtered, by organisation, criterion, position."""
    measures = Measure.objects.filter(plan__status=PlanStatus.APPROVED)
    if plan is not None:
        measures = measures.filter(plan=plan)
    if campaign is not None:
        measures = measures.filter(plan__campaign=campaign)
    if organisation is not None:
        measures = measures.filter(plan__organisation=organisation)
    return (
        measures.select_related("plan__organisation", "plan__campaign")
        .prefetch_related(
            Prefetch("reports", queryset=MeasureReport.objects.order_by("actual_date"))
        )
        .order_by("plan__organisation__short_name", "criterion", "position")
    )


def _plan_row(
    measure: Measure, today: date, effects: Mapping[int, MeasureEffect]
) -> PlanRow:
    reports = list(measure.reports.all())
    done = measure.status == MeasureStatus.DONE
    return PlanRow(
        measure=measure,
        reports=reports,
        overdue=not done and measure.planned_date < today,
        done_late=done
        and bool(reports)
        and reports[0].actual_date > measure.planned_date,
        effect=effects.get(measure.pk),
    )


def iter_plan_rows(
    *,
    plan: ImprovementPlan | None = None,
    campaign: Campaign | None = None,
    organisation: Organisation | None = None,
    today: date | None = None,
    chunk_size: int = 200,
) -> Iterator[PlanRow]:
    """The rows of :func:`plan_rows` (without effects), one at a time.

    Measures are read ``chunk_size`` at a time with their reports, so memory
    does not grow with the number of measures (the open-data dump).
    """
    today = today or timezone.localdate()
    measures = _approved_measures(
        plan=plan, campaign=campaign, organisation=organisation
    ).select_related("plan__organisation__district")
    for measure in measures.iterator(chunk_size=chunk_size):
        yield _plan_row(measure, today, {})


def plan_rows(
    *,
    plan: ImprovementPlan | None = None,
    campaign: Campaign | None = None,
    organisation: Organisation | None = None,
    today: date | None = None,
    with_effects: bool = True,
) -> PlanTable:
    """Measures of approved plans (one plan, or by campaign and organisation).

    A measure is overdue when it is not done and its planned date has passed;
    done late when its first report is dated after the planned date. Drafts,
    submitted and returned plans are not public and never appear.
    """
    today = today or timezone.localdate()
    measures = list(
        _approved_measures(plan=plan, campaign=campaign, organisation=organisation)
    )
    effects = (
        {e.measure.pk: e for e in measure_effects(measures)} if with_effects else {}
    )
    rows = [_plan_row(measure, today, effects) for measure in measures]
    return PlanTable(
        rows=rows,
        done=sum(r.measure.status == MeasureStatus.DONE for r in rows),
        overdue=sum(r.overdue for r in rows),
    )


# ---------------------------------------------------------- target indicators


@dataclass(frozen=True)
class TargetCell:
    """Plan and actual of a target indicator in one year."""

    year: int
    planned: Decimal | None
    actual: Decimal | None

    @property
    def achieved(self) -> bool | None:
        """True when the actual reaches the plan; None when either is missing."""
        return regional.plan_reached(self.planned, self.actual)


@dataclass(frozen=True)
class TargetRow:
    indicator: TargetIndicator
    cells: list[TargetCell]


@dataclass(frozen=True)
class TargetTable:
    """Target indicators by year: one row per indicator, one cell per year."""

    years: list[int]
    rows: list[TargetRow]


def target_table(
    indicator_ids: list[int] | None = None,
    *,
    first_year: int | None = None,
    last_year: int | None = None,
) -> TargetTable:
    """Plan and actual values of target indicators, years as columns."""
    indicators = TargetIndicator.objects.order_by("position", "pk")
    if indicator_ids:
        indicators = indicators.filter(pk__in=indicator_ids)
    values = TargetIndicatorValue.objects.all()
    if first_year:
        values = values.filter(year__gte=first_year)
    if last_year:
        values = values.filter(year__lte=last_year)
    indicators = list(
        indicators.prefetch_related(
            Prefetch("values", queryset=values.order_by("year"))
        )
    )
    years = sorted({v.year for i in indicators for v in i.values.all()})
    rows = []
    for indicator in indicators:
        by_year = {v.year: v for v in indicator.values.all()}
        rows.append(
            TargetRow(
                indicator=indicator,
                cells=[
                    TargetCell(
                        year=year,
                        planned=by_year[year].planned if year in by_year else None,
                        actual=_target_actual(indicator, by_year.get(year), year),
                    )
                    for year in years
                ],
            )
        )
    return TargetTable(years=years, rows=rows)


def _target_actual(
    indicator: TargetIndicator, value: TargetIndicatorValue | None, year: int
) -> Decimal | None:
    """The entered actual, else the computed one for computed indicators
    (see :func:`evaluation.regional.selectors.plan_targets`)."""
    if value is not None and value.actual is not None:
        return value.actual
    if value is None or value.planned is None:
        return None
    return regional.computed_actual(indicator, year)


# --------------------------------------------------------- submissions tracker


@dataclass(frozen=True)
class TrackerRow:
    """What one organisation owed in a campaign: one cell per kind of document."""

    organisation: Organisation
    cells: list[tuple[Submission | None, SubmissionState | None]]


@dataclass(frozen=True)
class SubmissionsTracker:
    """On time / late / missing documents of a campaign, per organisation."""

    campaign: Campaign
    today: date
    kinds: list[tuple[str, str]]
    rows: list[TrackerRow]
    counts: dict[SubmissionState, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _owed_submissions(
    campaign: Campaign, *, district: str, organisation: Organisation | None
) -> QuerySet[Submission]:
    submissions = campaign.submissions.select_related(
        "organisation", "organisation__district"
    ).order_by("organisation__short_name", "organisation__pk", "deadline")
    if district:
        submissions = submissions.filter(organisation__district__slug=district)
    if organisation is not None:
        submissions = submissions.filter(organisation=organisation)
    return submissions


def iter_owed(
    campaign: Campaign,
    *,
    district: str = "",
    organisation: Organisation | None = None,
    chunk_size: int | None = None,
) -> Iterator[tuple[Organisation, dict[str, Submission]]]:
    """Each organisation (A→Я) with the documents it owes, by kind.

    Of two documents of one kind the later deadline wins. With ``chunk_size``
    the submissions are read that many at a time (the open-data dump).
    """
    submissions = _owed_submissions(
        campaign, district=district, organisation=organisation
    )
    rows = submissions.iterator(chunk_size=chunk_size) if chunk_size else submissions
    for _pk, group in groupby(rows, key=lambda submission: submission.organisation_id):
        owed: dict[str, Submission] = {}
        for submission in group:
            owed[submission.kind] = submission
        yield submission.organisation, owed


def submissions_tracker(
    campaign: Campaign,
    *,
    today: date | None = None,
    district: str = "",
    organisation: Organisation | None = None,
) -> SubmissionsTracker:
    """Every document owed in a campaign and its state on ``today``."""
    today = today or timezone.localdate()
    grouped = list(iter_owed(campaign, district=district, organisation=organisation))
    present = {kind for _organisation, owed in grouped for kind in owed}
    kinds = [(k.value, str(k.label)) for k in SubmissionKind if k.value in present]
    counts: dict[SubmissionState, int] = defaultdict(int)
    rows = []
    for owner, owed in grouped:
        cells: list[tuple[Submission | None, SubmissionState | None]] = []
        for kind, _label in kinds:
            submission = owed.get(kind)
            state = submission.state(today) if submission else None
            if state is not None:
                counts[state] += 1
            cells.append((submission, state))
        rows.append(TrackerRow(organisation=owner, cells=cells))
    return SubmissionsTracker(
        campaign=campaign,
        today=today,
        kinds=kinds,
        rows=rows,
        counts={state: counts[state] for state in SubmissionState if counts[state]},
    )


# ------------------------------------------------------------ directory, card


def organisation_directory(
    *, query: str = "", district: str = "", kind: str = ""
) -> QuerySet[Organisation]:
    """Active organisations for the public directory, filtered, A→Я."""
    organisations = Organisation.objects.filter(is_active=True).select_related(
        "district"
    )
    query = query.strip()
    if query:
        organisations = organisations.filter(
            Q(short_name__icontains=query)
            | Q(name__icontains=query)
            | Q(address__icontains=query)
        )
    if district:
        organisations = organisations.filter(district__slug=district)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("short_name", "pk")


@dataclass(frozen=True)
class CardIndicator:
    """One of the 15 indicators on a card, with "как посчитано"."""

    code: str
    label: str
    value: Decimal | None
    explanation: dict[str, Any]


@dataclass(frozen=True)
class OrganisationCard:
    """Everything the organisation card shows for one campaign.

    Attributes:
        result: The organisation's published result, or None when the
            campaign has no published figures for it.
        ranked: How many organisations have a rank in the publication.
        region, district, kind: Aggregates (``k1``…``k5``, ``total``) of the
            region, of the organisation's district and of its kind.
        indicators: The 15 indicators with their provenance.
        history: The organisation's totals across published НОК campaigns.
        region_history: The region's mean totals across the same campaigns.
        plan: The approved plan answering this campaign, with its measures.
        decade: The organisation's latest published Декада, if any.
    """

    organisation: Organisation
    campaign: Campaign
    result: PublishedResult | None
    ranked: int
    region: dict[str, Aggregate]
    district: dict[str, Aggregate]
    kind: dict[str, Aggregate]
    indicators: list[CardIndicator]
    history: list[TrendPoint]
    region_history: list[TrendPoint]
    plan: PlanTable
    decade_campaign: Campaign | None
    decade: DecadeSummary | None
    campaigns: list[Campaign]
    #: The campaign's publication versions, oldest first; the card shows an
    #: earlier one when asked (``result.publication.version`` is lower).
    versions: tuple[int, ...] = ()
    #: The method version's regional indicators, apart from the 15.
    regional: list[RegionalFigure] = field(default_factory=list)

    @property
    def latest_version(self) -> int | None:
        return self.versions[-1] if self.versions else None

    @property
    def earlier_versions(self) -> tuple[int, ...]:
        """The versions before the one shown (links to read them)."""
        if self.result is None:
            return ()
        shown = self.result.publication.version
        return tuple(v for v in self.versions if v < shown)

    @property
    def is_earlier_version(self) -> bool:
        """The card shows a version that a correction has replaced."""
        return (
            self.result is not None
            and self.latest_version is not None
            and self.result.publication.version < self.latest_version
        )

    @property
    def published_elsewhere(self) -> bool:
        """The result holds values loaded as published, not computed here."""
        return self.result is not None and is_published_elsewhere(self.result)

    @property
    def published_history(self) -> list[TrendPoint]:
        """The points of :attr:`history` that are published values."""
        return [point for point in self.history if point.published]


def organisation_card(
    organisation: Organisation, campaign: Campaign, version: int | None = None
) -> OrganisationCard:
    """The organisation card of one published НОК campaign.

    ``version`` asks for an earlier publication of the campaign (a correction
    keeps the versions it replaced readable); by default the newest. A
    version that does not exist gives a card without a result.

    The number of queries does not depend on the number of organisations in
    the campaign: aggregates come from one pass over the publication.
    """
    latest = latest_publication(campaign)
    publication = latest
    if version is not None and latest is not None and version != latest.version:
        publication = campaign.publications.filter(version=version).first()
    result = None
    ranked = 0
    region = district = kind = group_aggregates([])
    if publication is not None:
        result = (
            PublishedResult.objects.filter(
                publication=publication, organisation=organisation
            )
            .select_related("publication__campaign", "organisation")
            .first()
        )
        stored = published_aggregates.stored(publication)
        if stored is not None:
            ranked = stored.ranked
            region = stored.region
            district = stored.district(organisation.district_id)
            kind = stored.kind(organisation.kind)
        else:  # published before the aggregates were stored
            rows = list(
                PublishedResult.objects.filter(publication=publication).values_list(
                    *CRITERIA_FIELDS,
                    "organisation__district_id",
                    "organisation__kind",
                    "rank",
                )
            )
            ranked = sum(1 for row in rows if row[-1] is not None)
            region = group_aggregates(rows)
            district = group_aggregates(
                row for row in rows if row[-3] == organisation.district_id
            )
            kind = group_aggregates(row for row in rows if row[-2] == organisation.kind)
    indicators = []
    if result is not None and not is_published_elsewhere(result):
        for code in IndicatorCode:
            raw = result.indicators.get(code.value)
            indicators.append(
                CardIndicator(
                    code=code.value,
                    label=str(code.label).split(" ", 1)[1],
                    value=None if raw is None else Decimal(raw),
                    explanation=how_computed(result, code.value),
                )
            )
    decade_campaign = (
        published_campaigns(CampaignKind.DECADE)
        .filter(organisations=organisation)
        .first()
    )
    history = trend(organisation=organisation)
    return OrganisationCard(
        organisation=organisation,
        campaign=campaign,
        result=result,
        ranked=ranked,
        region=region,
        district=district,
        kind=kind,
        indicators=indicators,
        history=history,
        region_history=trend(),
        plan=plan_rows(campaign=campaign, organisation=organisation),
        decade_campaign=decade_campaign,
        decade=(
            decade_summary(decade_campaign, organisation) if decade_campaign else None
        ),
        campaigns=[point.campaign for point in history],
        versions=tuple(
            campaign.publications.order_by("version").values_list("version", flat=True)
        )
        if latest is not None
        else (),
        regional=card_regional(result),
    )


# ---------------------------------------------------------------- methodology


@dataclass(frozen=True)
class MethodIndicator:
    code: str
    label: str
    weight: Decimal
    formula: str


@dataclass(frozen=True)
class MethodCriterion:
    code: str
    label: str
    weight: Decimal
    indicators: list[MethodIndicator]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def method_overview(code: str) -> tuple[Any, list[MethodCriterion]]:
    """The method version and, per criterion, its indicators, weights and formulas.

    Generated from :mod:`evaluation.rating.method`, so the methodology page
    always says what the calculation does.
    """
    method = get_method(code)
    labels = {c.value: str(c.label) for c in IndicatorCode}
    criteria = []
    total_weight = sum(method.total_weights.values())
    for criterion in method.criterion_codes:
        indicators = []
        for indicator, weight in method.weights_for(criterion).items():
            if indicator in method.regional_codes:
                # A regional indicator this version puts into the criterion.
                regional = method.regional_indicator(indicator)
                indicators.append(
                    MethodIndicator(
                        code=indicator,
                        label=f"{regional.name} (региональный показатель)",
                        weight=weight,
                        formula=_capital(regional.formula.describe()),
                    )
                )
                continue
            if indicator in method.checklists:
                parts = method.checklists[indicator]
                formula = (
                    "Среднее долей размещённой информации "
                    + " и ".join(part.label for part in parts)
                    + ": (наличие ÷ требуется) × 100"
                )
            elif indicator in method.counts:
                rule = method.counts[indicator]
                formula = (
                    f"{format_amount(rule.points)} баллов за каждое условие, "
                    f"не более {format_amount(rule.cap)}"
                )
            else:
                parts = method.surveys[indicator]
                described = []
                for part in parts:
                    base = (
                        f"ответивших «да» на вопрос {part.base[1:]}"
                        if part.base
                        else "ответивших на вопрос"
                    )
                    described.append(
                        f"доля ответов «да» на вопрос {part.question[1:]} "
                        f"от {base}" + (f" ({part.label})" if part.label else "")
                    )
                formula = "; ".join(described).capitalize() + ", × 100"
            indicators.append(
                MethodIndicator(
                    code=indicator,
                    label=labels[indicator].split(" ", 1)[1],
                    weight=weight,
                    formula=formula,
                )
            )
        criteria.append(
            MethodCriterion(
                code=criterion,
                label=str(Criterion(criterion).label),
                weight=method.total_weights[criterion] / total_weight,
                indicators=indicators,
            )
        )
    return method, criteria
