"""What each party owes in a campaign, and when it was done (seed 000 §3).

Opening a campaign (:func:`evaluation.nok.lifecycle.open_campaign`) calls
:func:`open_obligations`: every organisation of a Декада gets its owed
documents (:class:`~evaluation.models.Submission`) with working-day deadlines
from the production calendar, and the campaign gets the dated duties of the
РМЦ, the ministry department and the participants
(:class:`~evaluation.models.Obligation`). A НОК campaign gets the plans and
fulfilment reports its organisations owe. Opening again, or adding
organisations later, creates only what is missing.

An import of a summary, plan or report and a submitted explanatory note call
:func:`mark_received` (or :func:`received_from_import`): the owed item gets
its date of receipt, and the РМЦ's periods that run "from receipt" are
counted again from the actual receipt (§3.4).

КГКУ «УСЗН» (seed 000 §3.3): territorial offices with a parent organisation
owe nothing themselves in a Декада; the parent owes one summary broken down
by office and one plan (:func:`debtor_of`), its users are reminded, and a
document delivered for any of its offices is the parent's receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evaluation import deadlines
from evaluation.decade import sample_bases
from evaluation.enums import (
    CampaignKind,
    OrganisationKind,
    SubmissionKind,
    SubmissionStatus,
)
from evaluation.models import (
    Campaign,
    Measure,
    Obligation,
    Organisation,
    Submission,
)

#: Calendar days before a Декада's start by which information work must have
#: begun: "не менее чем за неделю до начала" (§3.2.1).
INFORMATION_WORK_DAYS = 7

#: The campaign's own duties (not owed by one organisation), by rule code of
#: :data:`evaluation.deadlines.DECADE_RULES`, with who owes them.
DECADE_OBLIGATIONS = (
    ("rmc_review", "КГКУ «РМЦ»"),
    ("sector_summary", "КГКУ «РМЦ»"),
    ("publication_materials", "Отдел министерства"),
    ("sector_report", "КГКУ «РМЦ»"),
)
INFORMATION_WORK = (
    "information_work",
    "Информационно-разъяснительная работа о Декаде качества (стенды, сайты, СМИ, "
    "почта, МФЦ, ОПФР, кредитные организации)",
    "КГКУ «УСЗН» и учреждения",
    "п. 3.2.1",
)

#: After a НОК the organisations approve their plans "ежегодно, 4 квартал"
#: (seed 001, Part II item 8): by 31 December of the year the assessment ends.
#: The fulfilment is reported "в сроки, установленные планом мероприятий"
#: (item 9): when a plan arrives, the report is due on its latest measure's
#: date; until then by 1 February after the plan's year, the ministry's own
#: reporting date (seed 000 §3.8).
NOK_PLAN_DUE = (12, 31)

#: Document kinds an import form delivers; a УСЗН office's summary and plan
#: are the УСЗН kinds (§3.3).
FORM_KINDS = {
    "decade_summary": SubmissionKind.DECADE_SUMMARY,
    "improvement_plan": SubmissionKind.IMPROVEMENT_PLAN,
    "fulfilment_report": SubmissionKind.FULFILMENT_REPORT,
}
USZN_KINDS = {
    SubmissionKind.DECADE_SUMMARY: SubmissionKind.USZN_SUMMARY,
    SubmissionKind.IMPROVEMENT_PLAN: SubmissionKind.USZN_PLAN,
}


# Which documents each kind of organisation owes after a Декада, keyed to the
# rule codes of ``evaluation.deadlines.DECADE_RULES``.
INSTITUTION_SUBMISSIONS = (
    (SubmissionKind.DECADE_SUMMARY, "institution_documents"),
    (SubmissionKind.EXPLANATORY_NOTE, "institution_documents"),
    (SubmissionKind.IMPROVEMENT_PLAN, "institution_documents"),
    (SubmissionKind.FULFILMENT_REPORT, "fulfilment_reports"),
)
USZN_SUBMISSIONS = (
    (SubmissionKind.USZN_SUMMARY, "uszn_summary"),
    (SubmissionKind.USZN_PLAN, "uszn_plan"),
    (SubmissionKind.FULFILMENT_REPORT, "fulfilment_reports"),
)


def debtor_of(campaign: Campaign, organisation: Organisation) -> Organisation:
    """Who owes ``organisation``'s documents in ``campaign``.

    In a Декада a УСЗН territorial office with a parent organisation
    (КГКУ «УСЗН») reports through it (§3.3); everyone else owes its own.
    """
    if (
        campaign.kind == CampaignKind.DECADE
        and organisation.kind == OrganisationKind.USZN_OFFICE
        and organisation.parent_id is not None
    ):
        return organisation.parent
    return organisation


def _reports_as_uszn(campaign: Campaign, organisation: Organisation) -> bool:
    """A УСЗН office, or a parent reporting for its offices in ``campaign``."""
    return organisation.kind == OrganisationKind.USZN_OFFICE or (
        campaign.organisations.filter(
            parent=organisation, kind=OrganisationKind.USZN_OFFICE
        ).exists()
    )


def owed_documents(
    campaign: Campaign, organisation: Organisation, due: dict | None = None
) -> list:
    """``(kind, deadline)`` of each document ``organisation`` owes in ``campaign``.

    ``due`` are the Декада's deadlines by rule code, when already computed.
    A parent of УСЗН offices owes the УСЗН documents for all of them.
    """
    if campaign.kind == CampaignKind.DECADE:
        if due is None:
            due = {
                d.code: d.due for d in deadlines.decade_deadlines(campaign.period_end)
            }
        plan = (
            USZN_SUBMISSIONS
            if _reports_as_uszn(campaign, organisation)
            else INSTITUTION_SUBMISSIONS
        )
        return [(kind, due[rule]) for kind, rule in plan]
    plan_year = campaign.year + 1
    return [
        (
            SubmissionKind.IMPROVEMENT_PLAN,
            date(campaign.period_end.year, *NOK_PLAN_DUE),
        ),
        (SubmissionKind.FULFILMENT_REPORT, date(plan_year + 1, 2, 1)),
    ]


def _report_due_by_plan(campaign: Campaign, organisation_ids: Iterable[int]) -> None:
    """Move each unreceived НОК report to its plan's latest measure date (item 9)."""
    latest = dict(
        Measure.objects.filter(
            plan__campaign=campaign, plan__organisation_id__in=organisation_ids
        )
        .values_list("plan__organisation_id")
        .annotate(last=Max("planned_date"))
    )
    for organisation_id, last in latest.items():
        Submission.objects.filter(
            campaign=campaign,
            organisation_id=organisation_id,
            kind=SubmissionKind.FULFILMENT_REPORT,
            received_on__isnull=True,
        ).update(deadline=last)


@transaction.atomic
def open_obligations(campaign: Campaign, actor=None) -> int:
    """Create what is owed in ``campaign`` that does not exist yet.

    Existing items keep their deadlines, receipt dates and statuses.
    Returns the number of items created. The caller's step (opening the
    campaign, adding organisations) is the audited event.
    """
    existing = set(
        Submission.objects.filter(campaign=campaign).values_list(
            "organisation_id", "kind"
        )
    )
    rules = (
        {d.code: d.due for d in deadlines.decade_deadlines(campaign.period_end)}
        if campaign.kind == CampaignKind.DECADE
        else None
    )
    debtors = {
        debtor.pk: debtor
        for debtor in (
            debtor_of(campaign, organisation)
            for organisation in campaign.organisations.select_related("parent")
        )
    }
    new = [
        Submission(
            campaign=campaign, organisation=organisation, kind=kind, deadline=due
        )
        for organisation in debtors.values()
        for kind, due in owed_documents(campaign, organisation, rules)
        if (organisation.pk, kind) not in existing
    ]
    Submission.objects.bulk_create(new)
    created = len(new)
    if campaign.kind == CampaignKind.DECADE:
        created += _open_decade_obligations(campaign)
        refresh(campaign)
        # The УСЗН base is the register's figure at the start of the year (§3.1).
        sample_bases.freeze_bases(campaign, uszn_only=True)
    return created


def _open_decade_obligations(campaign: Campaign) -> int:
    due = {d.code: d for d in deadlines.decade_deadlines(campaign.period_end)}
    code, title, owner, clause = INFORMATION_WORK
    wanted = [
        Obligation(
            campaign=campaign,
            code=code,
            title=title,
            owner=owner,
            clause=clause,
            deadline=date.fromordinal(
                campaign.period_start.toordinal() - INFORMATION_WORK_DAYS
            ),
        ),
        *(
            Obligation(
                campaign=campaign,
                code=rule,
                title=due[rule].label,
                owner=who,
                clause=due[rule].clause,
                deadline=due[rule].due,
            )
            for rule, who in DECADE_OBLIGATIONS
        ),
    ]
    have = set(campaign.obligations.values_list("code", flat=True))
    new = [item for item in wanted if item.code not in have]
    Obligation.objects.bulk_create(new)
    return len(new)


def _started_on(campaign: Campaign, kinds: Iterable[str], due: date) -> date:
    """The day a period "from receipt" of ``kinds`` starts.

    The actual receipt of the last such document once all have arrived;
    until then the regulation's due date, or a late receipt already after it.
    """
    owed = Submission.objects.filter(campaign=campaign, kind__in=list(kinds))
    if not owed.exists():
        return due
    latest = owed.aggregate(latest=Max("received_on"))["latest"]
    if not owed.filter(received_on__isnull=True).exists():
        return latest
    return max(due, latest) if latest else due


def refresh(campaign: Campaign) -> None:
    """Count the РМЦ's and the department's periods from the actual receipts (§3.4, §3.5)."""
    rules = deadlines.RULES_BY_CODE
    due = {d.code: d.due for d in deadlines.decade_deadlines(campaign.period_end)}
    open_items = {
        item.code: item
        for item in campaign.obligations.filter(
            code__in=["rmc_review", "sector_summary", "publication_materials"]
        )
    }
    review_start = _started_on(
        campaign,
        [
            SubmissionKind.DECADE_SUMMARY,
            SubmissionKind.EXPLANATORY_NOTE,
            SubmissionKind.IMPROVEMENT_PLAN,
        ],
        due["institution_documents"],
    )
    summary_start = _started_on(
        campaign, [SubmissionKind.USZN_SUMMARY], due["uszn_summary"]
    )
    wanted = {
        "rmc_review": rules["rmc_review"].due_after(review_start),
        "sector_summary": rules["sector_summary"].due_after(summary_start),
    }
    sector = open_items.get("sector_summary")
    wanted["publication_materials"] = rules["publication_materials"].due_after(
        sector.done_on if sector and sector.done_on else wanted["sector_summary"]
    )
    for code, day in wanted.items():
        item = open_items.get(code)
        if item is not None and item.done_on is None and item.deadline != day:
            item.deadline = day
            item.save(update_fields=["deadline"])


@transaction.atomic
def mark_received(
    campaign: Campaign,
    organisation: Organisation,
    kind: str,
    *,
    on: date | None = None,
    recount: bool = True,
) -> bool:
    """Record that ``organisation`` delivered a ``kind`` document in ``campaign``.

    The first receipt counts (a resubmission keeps the original date, so a
    late document stays late); a returned document becomes received again.
    A УСЗН office's summary or plan counts as the УСЗН kind, and is its
    parent's receipt when the office has one (§3.3). Returns whether an owed
    item was found. ``recount=False`` leaves the periods "from
    receipt" to the caller (:func:`refresh` once after many receipts).
    """
    if organisation.kind == OrganisationKind.USZN_OFFICE:
        kind = USZN_KINDS.get(kind, kind)
    organisation = debtor_of(campaign, organisation)
    owed = Submission.objects.filter(
        campaign=campaign, organisation=organisation, kind=kind
    )
    found = owed.exists()
    owed.filter(received_on__isnull=True).update(
        received_on=on or timezone.localdate(), status=SubmissionStatus.RECEIVED
    )
    owed.filter(status=SubmissionStatus.RETURNED).update(
        status=SubmissionStatus.RECEIVED
    )
    if found and recount and campaign.kind == CampaignKind.DECADE:
        refresh(campaign)
    return found


def received_from_import(
    form_name: str,
    campaign: Campaign | None,
    organisation_ids: Iterable[int],
    *,
    on: date | None = None,
) -> int:
    """Mark received what an applied import of ``form_name`` delivered.

    Returns how many owed items were found; forms that deliver no owed
    document (the register, questionnaires, НОК results) mark nothing.
    """
    kind = FORM_KINDS.get(form_name)
    if kind is None or campaign is None:
        return 0
    organisation_ids = set(organisation_ids)
    found = sum(
        mark_received(campaign, organisation, kind, on=on, recount=False)
        for organisation in Organisation.objects.filter(
            pk__in=organisation_ids
        ).select_related("parent")
    )
    if found and campaign.kind == CampaignKind.DECADE:
        refresh(campaign)
    if (
        found
        and kind == SubmissionKind.IMPROVEMENT_PLAN
        and campaign.kind == CampaignKind.NOK
    ):
        _report_due_by_plan(campaign, organisation_ids)
    return found


@transaction.atomic
def mark_done(obligation: Obligation, *, on: date | None = None) -> Obligation:
    """Record that a campaign duty was done (the sector summary moves §3.5's start)."""
    if obligation.done_on is None:
        obligation.done_on = on or timezone.localdate()
        obligation.save(update_fields=["done_on"])
        if obligation.campaign.kind == CampaignKind.DECADE:
            refresh(obligation.campaign)
    return obligation
