"""Council decisions: how an approval by the public council is recorded.

The review workflow itself runs in ``publications`` (Wagtail); this module is
the plain-Django side of it: the decision record, the plan's status and its
revisions (an approved or submitted plan is never changed in place).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from evaluation.audit import record
from evaluation.enums import PlanStatus
from evaluation.models import (
    Campaign,
    CouncilDecision,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
)


def next_decision_number(year: int) -> str:
    """The next free number of a decision in ``year``: ``"<year>/<n>"``."""
    count = CouncilDecision.objects.filter(decided_on__year=year).count()
    number = count + 1
    while CouncilDecision.objects.filter(number=f"{year}/{number}").exists():
        number += 1
    return f"{year}/{number}"


@transaction.atomic
def record_council_decision(
    *,
    title: str,
    text: str,
    actor,
    organisation: Organisation | None = None,
    campaign: Campaign | None = None,
    decided_on: date | None = None,
    publish: bool = True,
) -> CouncilDecision:
    """Record (and by default publish) a decision of the public council.

    The number is assigned in sequence within the year of the decision.
    """
    decided_on = decided_on or timezone.localdate()
    decision = CouncilDecision.objects.create(
        number=next_decision_number(decided_on.year),
        decided_on=decided_on,
        title=title[:500],
        text=text,
        organisation=organisation,
        campaign=campaign,
        is_published=publish,
    )
    record(
        "council.decision",
        decision,
        f"{decision}: {title}",
        actor,
        organisation=organisation.pk if organisation else None,
        campaign=campaign.pk if campaign else None,
        published=publish,
    )
    return decision


def working_plan(organisation_id: int, campaign: Campaign) -> ImprovementPlan | None:
    """The newest revision of an organisation's plan for ``campaign``."""
    return (
        ImprovementPlan.objects.filter(
            organisation_id=organisation_id, campaign=campaign
        )
        .order_by("-revision")
        .first()
    )


def _copy_reports(reports, measure: Measure) -> list[MeasureReport]:
    return [
        MeasureReport.objects.create(
            measure=measure,
            done=report.done,
            actual_date=report.actual_date,
            evidence=report.evidence.name,
            submitted_by_id=report.submitted_by_id,
        )
        for report in reports
    ]


@transaction.atomic
def start_plan_revision(plan: ImprovementPlan, actor) -> ImprovementPlan:
    """A new draft revision of ``plan`` with copies of its measures and reports.

    The revision's ``measure_copies`` maps each original measure's pk to its
    copy (an import applies its rows to the copies). ``plan`` (submitted or approved) stays as it is, and an approved one stays
    public until the council approves the new revision (:func:`set_plan_status`).
    """
    latest = working_plan(plan.organisation_id, plan.campaign)
    revision = ImprovementPlan.objects.create(
        organisation_id=plan.organisation_id,
        campaign_id=plan.campaign_id,
        year=plan.year,
        revision=latest.revision + 1,
        revision_of=plan,
    )
    revision.measure_copies = {}  # the copy of each measure, by the original's pk
    for measure in plan.measures.prefetch_related("reports").order_by("pk"):
        original, reports = measure.pk, list(measure.reports.all())
        measure.pk = None
        measure.plan = revision
        measure.save()
        _copy_reports(reports, measure)
        revision.measure_copies[original] = measure
    record(
        "plan.revision",
        revision,
        f"Новая редакция плана «{revision}» вместо редакции {plan.revision} "
        f"({PlanStatus(plan.status).label.lower()})",
        actor,
        revision_of=plan.pk,
        revision=revision.revision,
    )
    return revision


def _by_position(plan: ImprovementPlan) -> dict[int, Measure]:
    """Measures of ``plan`` by number, where the number is unique in the plan."""
    found: dict[int, list[Measure]] = {}
    for measure in plan.measures.prefetch_related("reports"):
        found.setdefault(measure.position, []).append(measure)
    return {number: same[0] for number, same in found.items() if len(same) == 1}


def _supersede(plan: ImprovementPlan, actor) -> None:
    """Retire the earlier approved revisions of ``plan`` (just approved).

    Reports filed on an old revision's measures after the new revision was
    made are carried over to the measure with the same number.
    """
    older = ImprovementPlan.objects.filter(
        organisation_id=plan.organisation_id,
        campaign_id=plan.campaign_id,
        status=PlanStatus.APPROVED,
    ).exclude(pk=plan.pk)
    for old in older:
        new_measures = _by_position(plan)
        for position, measure in _by_position(old).items():
            target = new_measures.get(position)
            if target is None:
                continue
            have = {(r.done, r.actual_date) for r in target.reports.all()}
            missing = [
                r for r in measure.reports.all() if (r.done, r.actual_date) not in have
            ]
            if missing:
                _copy_reports(missing, target)
                if target.status != measure.status:
                    Measure.objects.filter(pk=target.pk).update(status=measure.status)
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        record(
            "plan.superseded",
            old,
            f"Редакция {old.revision} плана заменена редакцией {plan.revision}: {plan}",
            actor,
            superseded_by=plan.pk,
        )


@transaction.atomic
def set_plan_status(
    plan: ImprovementPlan, status: str, actor, *, on: date | None = None
) -> ImprovementPlan:
    """Move a plan to ``status`` (a :class:`PlanStatus`) as the review goes.

    Approval sets ``approved_on`` (``on`` or today) and retires the earlier
    approved revision (it becomes «Заменён новой редакцией»); any other status
    clears ``approved_on``. An approved or superseded plan keeps its status
    when a document naming it is resubmitted or returned: only its new
    revision goes through the council.
    """
    before = PlanStatus(plan.status)
    after = PlanStatus(status)
    if before in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED) and after in (
        PlanStatus.SUBMITTED,
        PlanStatus.RETURNED,
    ):
        return plan
    if before == after:
        return plan
    if after == PlanStatus.APPROVED:
        _supersede(plan, actor)
    plan.status = after
    plan.approved_on = (
        (on or timezone.localdate()) if after == PlanStatus.APPROVED else None
    )
    plan.save(update_fields=["status", "approved_on", "updated_at"])
    record(
        "plan.status",
        plan,
        f"Статус плана «{plan}»: {before.label} → {after.label}",
        actor,
        before=before.value,
        after=after.value,
    )
    return plan
