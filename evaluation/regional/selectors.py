"""Read side of the regional НОК plan: item status, target indicators, monitoring.

Blocks, the API and the demo read the ministry's plan (seed 001) through these
functions; they return small frozen dataclasses ready to render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from evaluation.enums import CampaignKind, OrganisationKind, TargetSource
from evaluation.models import (
    Campaign,
    Organisation,
    PlanExecution,
    PlanItem,
    RegionalPlan,
    Result,
    TargetIndicator,
    WebsiteCheck,
)
from evaluation.regional.schedules import Period, PeriodState, Schedule, period_state
from evaluation.regional.website import SITE_ITEMS

HUNDRED = Decimal(100)
#: Worst first: the state an item shows for a year with several periods.
STATE_ORDER = (
    PeriodState.OVERDUE,
    PeriodState.DUE,
    PeriodState.UPCOMING,
    PeriodState.DONE,
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def current_plan(today: date | None = None) -> RegionalPlan | None:
    """The published plan covering this year, else the latest published one."""
    year = _today(today).year
    plans = RegionalPlan.objects.filter(is_published=True)
    return (
        plans.filter(first_year__lte=year, last_year__gte=year)
        .order_by("-first_year")
        .first()
        or plans.order_by("-last_year").first()
    )


def plan_year(plan: RegionalPlan, today: date | None = None) -> int:
    """This year, clamped to the plan's years."""
    return min(max(_today(today).year, plan.first_year), plan.last_year)


# ----------------------------------------------------------------- item status


@dataclass(frozen=True)
class PeriodStatus:
    """One period of an item with its state and the execution that closed it."""

    period: Period
    state: PeriodState
    execution: PlanExecution | None


@dataclass(frozen=True)
class ItemStatus:
    """A plan item's periods in one year and its overall state then."""

    item: PlanItem
    depth: int
    schedule: Schedule | None
    periods: list[PeriodStatus]
    state: PeriodState | None  # None: no deadline (as needed, other plan)
    last_done: date | None  # the latest execution of any period ("last confirmed")
    executions: list[PlanExecution] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        if self.state is None:
            return "без срока"
        return self.state.label

    @property
    def schedule_label(self) -> str:
        return self.schedule.describe() if self.schedule else self.item.deadline_text


@dataclass(frozen=True)
class PlanStatus:
    """The whole plan in one year: items in order with their states."""

    plan: RegionalPlan
    year: int
    today: date
    items: list[ItemStatus]

    @property
    def counts(self) -> dict[str, int]:
        """Items by overall state (codes of :class:`PeriodState`, plus ``none``)."""
        counts = {str(state): 0 for state in STATE_ORDER} | {"none": 0}
        for row in self.items:
            counts[str(row.state) if row.state else "none"] += 1
        return counts


def plan_items(plan: RegionalPlan) -> QuerySet[PlanItem]:
    """Items in plan order with their executions (newest first) preloaded."""
    return plan.items.order_by("position", "pk").prefetch_related(
        Prefetch(
            "executions",
            queryset=PlanExecution.objects.select_related("decision").order_by(
                "-done_on", "-pk"
            ),
        )
    )


def item_status(item: PlanItem, year: int, today: date, depth: int = 0) -> ItemStatus:
    """The periods of ``item`` due in ``year`` and their states on ``today``.

    An execution closes a period when it names the period's due date, or,
    naming none, when it was done within the period.
    """
    schedule = item.get_schedule()
    executions = list(item.executions.all())
    periods = schedule.periods(year, year) if schedule else []
    rows = []
    for period in periods:
        match = next(
            (e for e in executions if e.period_due == period.due), None
        ) or next(
            (
                e
                for e in executions
                if e.period_due is None and period.contains(e.done_on)
            ),
            None,
        )
        done_on = match.done_on if match else None
        rows.append(PeriodStatus(period, period_state(period, done_on, today), match))
    state = None
    if rows:
        state = next(s for s in STATE_ORDER if any(r.state == s for r in rows))
    in_year = [
        e
        for e in executions
        if (e.period_due or e.done_on).year == year  # a late Q4 report stays in Q4
    ]
    return ItemStatus(
        item=item,
        depth=depth,
        schedule=schedule,
        periods=rows,
        state=state,
        last_done=executions[0].done_on if executions else None,
        executions=in_year,
    )


def plan_status(
    plan: RegionalPlan, year: int | None = None, today: date | None = None
) -> PlanStatus:
    """Every item of ``plan`` with its state in ``year`` (default: this year)."""
    today = _today(today)
    year = year or plan_year(plan, today)
    rows = [
        item_status(item, year, today, depth=1 if item.parent_id else 0)
        for item in plan_items(plan)
    ]
    return PlanStatus(plan=plan, year=year, today=today, items=rows)


# ------------------------------------------------------------ target indicators


def assessed_scope() -> QuerySet[Organisation]:
    """Social-service organisations counted by the plan's target indicators.

    Active organisations other than УСЗН territorial offices (seed 001 counts
    "организации социального обслуживания").
    """
    return Organisation.objects.filter(is_active=True).exclude(
        kind=OrganisationKind.USZN_OFFICE
    )


@dataclass(frozen=True)
class TargetFigure:
    """A computed share: ``numerator`` of ``denominator`` organisations, in %."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        share = HUNDRED * self.numerator / self.denominator
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assessed_share(year: int) -> TargetFigure | None:
    """Share of organisations with a НОК result in a campaign of ``year``.

    None when the region held no НОК campaign that year.
    """
    campaigns = Campaign.objects.filter(kind=CampaignKind.NOK, year=year)
    if not campaigns.exists():
        return None
    scope = assessed_scope()
    assessed = (
        Result.objects.filter(campaign__in=campaigns, organisation__in=scope)
        .values("organisation")
        .distinct()
        .count()
    )
    return TargetFigure(assessed, scope.count())


def latest_checks(
    on: date, organisations: QuerySet[Organisation] | None = None
) -> dict[int, WebsiteCheck]:
    """Each organisation's latest website check on or before ``on``."""
    checks = WebsiteCheck.objects.filter(checked_on__lte=on).order_by(
        "organisation_id", "-checked_on", "-pk"
    )
    if organisations is not None:
        checks = checks.filter(organisation__in=organisations)
    latest: dict[int, WebsiteCheck] = {}
    for check in checks.select_related("organisation"):
        latest.setdefault(check.organisation_id, check)
    return latest


def questionnaire_share(year: int, today: date | None = None) -> TargetFigure | None:
    """Share of organisations whose website had a working questionnaire link
    at their latest check up to the end of ``year`` (or today).

    None when no website was checked in ``year``: the figure is not known.
    """
    end = min(date(year, 12, 31), _today(today))
    scope = assessed_scope()
    if not WebsiteCheck.objects.filter(
        checked_on__year=year, checked_on__lte=end, organisation__in=scope
    ).exists():
        return None
    latest = latest_checks(end, scope)
    with_link = sum(1 for check in latest.values() if check.questionnaire_ok)
    return TargetFigure(with_link, scope.count())


COMPUTED = {
    TargetSource.ASSESSED_SHARE: lambda year, today: assessed_share(year),
    TargetSource.QUESTIONNAIRE_SHARE: questionnaire_share,
}


def computed_actual(
    indicator: TargetIndicator, year: int, today: date | None = None
) -> Decimal | None:
    """The computed actual of a computed indicator in ``year`` (None for
    entered indicators, future years or when the data does not exist)."""
    compute = COMPUTED.get(indicator.source)
    today = _today(today)
    if compute is None or year > today.year:
        return None
    figure = compute(year, today)
    return figure.value if figure else None


def plan_reached(planned: Decimal | None, actual: Decimal | None) -> bool | None:
    """Whether ``actual`` reaches ``planned``; None when either is missing."""
    if planned is None or actual is None:
        return None
    return actual >= planned


@dataclass(frozen=True)
class PlanTargetCell:
    """Plan and actual of a target in one year; actual entered or computed."""

    year: int
    planned: Decimal | None
    entered: Decimal | None
    computed: TargetFigure | None

    @property
    def actual(self) -> Decimal | None:
        if self.entered is not None:
            return self.entered
        return self.computed.value if self.computed else None

    @property
    def is_computed(self) -> bool:
        return self.entered is None and self.actual is not None

    @property
    def achieved(self) -> bool | None:
        return plan_reached(self.planned, self.actual)


@dataclass(frozen=True)
class PlanTargetRow:
    indicator: TargetIndicator
    base: Decimal | None  # the base year's actual
    cells: list[PlanTargetCell]


@dataclass(frozen=True)
class PlanTargets:
    """Target indicators of a plan: base year, then plan vs actual by year."""

    plan: RegionalPlan
    base_year: int | None
    years: list[int]
    rows: list[PlanTargetRow]


def plan_targets(plan: RegionalPlan, today: date | None = None) -> PlanTargets:
    """The plan's target indicators; actuals of computed ones are counted from
    campaigns and website checks up to ``today`` (future years stay empty)."""
    today = _today(today)
    years = plan.years
    rows = []
    for indicator in plan.targets.order_by("position", "pk").prefetch_related("values"):
        by_year = {value.year: value for value in indicator.values.all()}
        compute = COMPUTED.get(indicator.source)
        cells = []
        for year in years:
            stored = by_year.get(year)
            computed = compute(year, today) if compute and year <= today.year else None
            cells.append(
                PlanTargetCell(
                    year=year,
                    planned=stored.planned if stored else None,
                    entered=stored.actual if stored else None,
                    computed=computed,
                )
            )
        base = by_year.get(plan.base_year) if plan.base_year else None
        rows.append(
            PlanTargetRow(
                indicator=indicator, base=base.actual if base else None, cells=cells
            )
        )
    return PlanTargets(plan=plan, base_year=plan.base_year, years=years, rows=rows)


# ------------------------------------------------------------------ monitoring


@dataclass(frozen=True)
class MonitoringRow:
    organisation: Organisation
    check: WebsiteCheck | None


@dataclass(frozen=True)
class MonitoringSummary:
    """Latest website checks of the organisations on a day, with totals."""

    on: date
    rows: list[MonitoringRow]
    missing: list[tuple[str, int]]  # (886н item label, organisations lacking it)

    @property
    def checked(self) -> int:
        return sum(1 for row in self.rows if row.check)

    @property
    def with_questionnaire(self) -> int:
        return sum(1 for row in self.rows if row.check and row.check.questionnaire_ok)

    @property
    def questionnaire_share(self) -> Decimal | None:
        return TargetFigure(self.with_questionnaire, len(self.rows)).value

    @property
    def completeness(self) -> Decimal | None:
        """Average share of 886н items published, over checked organisations."""
        checks = [row.check for row in self.rows if row.check]
        if not checks:
            return None
        total = sum(Decimal(c.info_present) / c.info_required for c in checks)
        return (HUNDRED * total / len(checks)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def monitoring_summary(
    on: date | None = None, district_slug: str | None = None
) -> MonitoringSummary:
    """Each in-scope organisation's latest check on ``on`` (default today)."""
    on = _today(on)
    scope = assessed_scope().select_related("district").order_by("short_name")
    if district_slug:
        scope = scope.filter(district__slug=district_slug)
    latest = latest_checks(on, scope)
    rows = [MonitoringRow(org, latest.get(org.pk)) for org in scope]
    missing = []
    for code, label, _pattern in SITE_ITEMS:
        lacking = sum(1 for row in rows if row.check and code not in row.check.items)
        if lacking:
            missing.append((label, lacking))
    missing.sort(key=lambda pair: -pair[1])
    return MonitoringSummary(on=on, rows=rows, missing=missing)
