"""Services of the regional НОК plan: executions, website checks, pre-filling.

Each public function is one use case: it validates, writes in one
transaction, records an audit event and raises :class:`EvaluationError` with
a Russian message.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evaluation.audit import record
from evaluation.enums import CheckMethod
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    CouncilDecision,
    IndicatorInput,
    Organisation,
    PlanExecution,
    PlanItem,
    WebsiteCheck,
)
from evaluation.plans import instructions
from evaluation.regional.schedules import Period
from evaluation.regional.selectors import latest_checks
from evaluation.regional.website import (
    CHANNEL_CODES,
    SITE_ITEM_CODES,
    CheckError,
    Fetcher,
    check_site,
    fetch_page,
)

SITE_FIELDS = ("info_site_present", "info_site_required", "remote_channels")


def _validation_message(error: ValidationError) -> str:
    return " ".join(
        message for messages in error.message_dict.values() for message in messages
    )


def _period_for(item: PlanItem, periods: list[Period], done_on: date) -> Period | None:
    """The oldest open period started by ``done_on``, else the one containing it."""
    closed = {e.period_due for e in item.executions.all() if e.period_due}
    started = [p for p in periods if p.start <= done_on and p.due not in closed]
    if started:
        return started[0]
    return next((p for p in periods if p.contains(done_on)), None)


@transaction.atomic
def record_execution(
    item: PlanItem,
    *,
    done_on: date,
    summary: str,
    actor=None,
    period_due: date | None = None,
    decision: CouncilDecision | None = None,
    document_title: str = "",
    document_url: str = "",
) -> PlanExecution:
    """Record what was done for a plan item and which period it closes.

    Without ``period_due`` the oldest period still open on ``done_on`` is
    closed (a Q4 report made in January closes last year's Q4).

    Raises:
        EvaluationError: the period is not one of the item's, or the date is
            outside the plan.
    """
    if not summary.strip():
        raise EvaluationError("Опишите, что сделано.")
    plan = item.plan
    schedule = item.get_schedule()
    periods = schedule.periods(plan.first_year, plan.last_year) if schedule else []
    if period_due is not None:
        if not any(p.due == period_due for p in periods):
            allowed = ", ".join(f"{p.due:%d.%m.%Y}" for p in periods) or "нет"
            raise EvaluationError(
                f"У пункта {item.number} нет периода со сроком {period_due:%d.%m.%Y}; "
                f"сроки пункта: {allowed}."
            )
    elif periods:
        period = _period_for(item, periods, done_on)
        period_due = period.due if period else None
    execution = PlanExecution(
        item=item,
        period_due=period_due,
        done_on=done_on,
        summary=summary.strip(),
        decision=decision,
        document_title=document_title,
        document_url=document_url,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        execution.full_clean()
    except ValidationError as error:
        raise EvaluationError(_validation_message(error)) from error
    execution.save()
    record(
        "plan.execution",
        execution,
        f"Отметка об исполнении пункта {item.number} плана «{plan.title}» "
        f"от {done_on:%d.%m.%Y}",
        actor,
        item=item.pk,
        period_due=period_due.isoformat() if period_due else None,
    )
    return execution


@transaction.atomic
def save_website_check(
    organisation: Organisation,
    *,
    checked_on: date,
    items: Iterable[str],
    channels: Iterable[str],
    questionnaire_url: str = "",
    questionnaire_ok: bool = False,
    url: str = "",
    notes: str = "",
    method: str = CheckMethod.MANUAL,
    actor=None,
) -> WebsiteCheck:
    """Store a website check and keep the organisation's questionnaire flag
    in step with its latest check.

    Raises:
        EvaluationError: unknown check-list codes or a working questionnaire
            without a link.
    """
    check = WebsiteCheck(
        organisation=organisation,
        checked_on=checked_on,
        url=url or organisation.website,
        method=method,
        items=_in_order(items, SITE_ITEM_CODES),
        channels=_in_order(channels, CHANNEL_CODES),
        questionnaire_url=questionnaire_url,
        questionnaire_ok=questionnaire_ok,
        notes=notes,
        checked_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        check.full_clean()
    except ValidationError as error:
        raise EvaluationError(_validation_message(error)) from error
    check.save()
    sync_questionnaire_flag(organisation)
    instructions.close_by_recheck(check, actor=actor)
    record(
        "website.check",
        check,
        f"Проверка сайта «{organisation.short_name}» от {checked_on:%d.%m.%Y}: "
        f"сведений {check.info_present} из {check.info_required}, "
        f"анкета {'есть' if questionnaire_ok else 'не найдена'}",
        actor,
        method=str(method),
    )
    return check


def _in_order(codes: Iterable[str], known: tuple[str, ...]) -> list[str]:
    """Codes in check-list order, without repeats; unknown ones last (and
    refused by the model's validation)."""
    given = set(codes)
    return [code for code in known if code in given] + sorted(given - set(known))


def sync_questionnaire_flag(organisation: Organisation) -> None:
    """Set ``has_online_questionnaire`` from the organisation's latest check."""
    latest = (
        organisation.website_checks.order_by("-checked_on", "-pk")
        .values_list("questionnaire_ok", flat=True)
        .first()
    )
    if latest is not None and organisation.has_online_questionnaire != latest:
        Organisation.objects.filter(pk=organisation.pk).update(
            has_online_questionnaire=latest
        )
        organisation.has_online_questionnaire = latest


def run_website_check(
    organisation: Organisation,
    *,
    actor=None,
    url: str | None = None,
    today: date | None = None,
    fetch: Fetcher | None = None,
    allow_private: bool = False,
) -> WebsiteCheck:
    """Fetch the organisation's website, look for the check-list and store it.

    ``allow_private`` lets the checker open local addresses (tests, a site
    on the ministry's own network); by default only public sites are fetched.

    Raises:
        EvaluationError: no address, or the home page cannot be fetched.
    """
    address = url or organisation.website
    if not address:
        raise EvaluationError(
            f"У организации «{organisation.short_name}» не указан официальный сайт."
        )
    try:
        findings = check_site(
            address,
            fetch=fetch or functools.partial(fetch_page, allow_private=allow_private),
        )
    except CheckError as error:
        raise EvaluationError(str(error)) from error
    return save_website_check(
        organisation,
        checked_on=today or timezone.localdate(),
        items=findings.items,
        channels=findings.channels,
        questionnaire_url=findings.questionnaire_url,
        questionnaire_ok=findings.questionnaire_ok,
        url=findings.url,
        notes=findings.notes(),
        method=CheckMethod.AUTOMATIC,
        actor=actor,
    )


# ------------------------------------------------------------------ prefill


@dataclass(frozen=True)
class Proposal:
    """Website figures proposed for one organisation's campaign inputs."""

    organisation: Organisation
    check: WebsiteCheck
    current: dict[str, int] | None  # None: no inputs entered yet
    proposed: dict[str, int]

    @property
    def status(self) -> str:
        """``same``, ``empty`` (site figures not entered: filled), ``conflict``
        (operator entered other figures) or ``no_inputs``."""
        if self.current is None:
            return "no_inputs"
        if self.current == self.proposed:
            return "same"
        if not self.current["info_site_required"]:
            return "empty"
        return "conflict"


@dataclass
class PrefillReport:
    campaign: Campaign
    proposals: list[Proposal] = field(default_factory=list)
    filled: list[int] = field(default_factory=list)  # organisation ids written

    def by_status(self, status: str) -> list[Proposal]:
        return [p for p in self.proposals if p.status == status]


def site_proposals(campaign: Campaign, on: date | None = None) -> list[Proposal]:
    """What the latest website checks (up to the campaign's end) propose for
    the site indicators (1.1 site part, 1.2) of the campaign's organisations."""
    on = on or min(campaign.period_end, timezone.localdate())
    organisations = campaign.organisations.all()
    checks = latest_checks(on, organisations)
    inputs = {
        i.organisation_id: i
        for i in IndicatorInput.objects.filter(
            campaign=campaign, organisation_id__in=checks
        )
    }
    proposals = []
    for organisation_id, check in sorted(
        checks.items(), key=lambda pair: pair[1].organisation.short_name
    ):
        current = inputs.get(organisation_id)
        proposals.append(
            Proposal(
                organisation=check.organisation,
                check=check,
                current=None
                if current is None
                else {name: getattr(current, name) for name in SITE_FIELDS},
                proposed={
                    "info_site_present": check.info_present,
                    "info_site_required": check.info_required,
                    "remote_channels": check.remote_channels,
                },
            )
        )
    return proposals


@transaction.atomic
def prefill_site_inputs(
    campaign: Campaign,
    *,
    actor=None,
    overwrite: Iterable[int] = (),
    on: date | None = None,
) -> PrefillReport:
    """Pre-fill the campaign's site inputs from the website monitoring.

    Inputs whose site figures were never entered (``info_site_required`` = 0)
    are filled. Figures an operator entered are never replaced silently:
    they are reported as conflicts and replaced only for the organisations
    named in ``overwrite``.
    """
    report = PrefillReport(campaign, site_proposals(campaign, on))
    forced = set(overwrite)
    for proposal in report.proposals:
        status = proposal.status
        if status == "empty" or (
            status == "conflict" and proposal.organisation.pk in forced
        ):
            IndicatorInput.objects.filter(
                campaign=campaign, organisation=proposal.organisation
            ).update(
                **proposal.proposed,
                info_site_not_applicable=0,
                source_reference=(
                    f"Мониторинг сайта от {proposal.check.checked_on:%d.%m.%Y}"
                ),
                updated_at=timezone.now(),
                updated_by=actor if getattr(actor, "pk", None) else None,
            )
            report.filled.append(proposal.organisation.pk)
    record(
        "website.prefill",
        campaign,
        f"Данные мониторинга сайтов перенесены в кампанию «{campaign}»: "
        f"заполнено {len(report.filled)}, расхождений "
        f"{len(report.by_status('conflict')) - len(forced & set(report.filled))}",
        actor,
        filled=report.filled,
    )
    return report
