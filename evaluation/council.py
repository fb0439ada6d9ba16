"""Council decisions: how an approval by the public council is recorded.

The review workflow itself runs in ``publications`` (Wagtail); this module is
the plain-Django side of it: the decision record and the plan's status.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from evaluation.enums import PlanStatus
from evaluation.models import Campaign, CouncilDecision, ImprovementPlan, Organisation
from evaluation.services import record


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


@transaction.atomic
def set_plan_status(
    plan: ImprovementPlan, status: str, actor, *, on: date | None = None
) -> ImprovementPlan:
    """Move a plan to ``status`` (a :class:`PlanStatus`) as the review goes.

    Approval sets ``approved_on`` (``on`` or today); any other status clears it.
    """
    before = PlanStatus(plan.status)
    after = PlanStatus(status)
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
