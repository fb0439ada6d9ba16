"""Plan revisions: an approved (or submitted) plan is never changed in place.

A re-import into it makes a new draft revision that goes to the council; the
public (plan table, API) keeps showing the approved revision until the new one
is approved, and a returned revision changes nothing public. A draft plan is
still updated in place.
"""

from __future__ import annotations

from datetime import date

import pytest

from evaluation import selectors
from evaluation.enums import MeasureStatus, PlanStatus
from evaluation.imports.engine import import_file
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import get_form
from evaluation.models import AuditEvent, ImprovementPlan, Measure, MeasureReport
from publications import review
from publications.models import ReviewKind
from tests.evaluation.test_imports import INN_A, PLAN_HEADER, region, xlsx
from tests.publications.test_review_workflow import people

__all__ = ["people", "region"]

pytestmark = pytest.mark.django_db

RESPONSIBLE = "Иванова И. И., заместитель директора"
FIRST = [
    [INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", RESPONSIBLE, None, None],
    [INN_A, 2, "3.1", "Нет пандуса", "Установить пандус", "01.09.2025", RESPONSIBLE, None, None],
]  # fmt: skip
#: The same plan re-imported: measure 2 has a new date, measure 3 is new, and
#: measure 1's indicator code is left empty (it must not be erased).
SECOND = [
    [INN_A, 1, None, "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", RESPONSIBLE, None, None],
    [INN_A, 2, "3.1", "Нет пандуса", "Установить пандус", "01.11.2025", RESPONSIBLE, None, None],
    [INN_A, 3, "3.2", "Нет кнопки вызова", "Установить кнопку вызова", "01.12.2025", RESPONSIBLE, None, None],
]  # fmt: skip


def upload(region, user, rows, form="improvement_plan"):
    report = import_file(
        form,
        xlsx([PLAN_HEADER, *rows]),
        f"{form}.xlsx",
        campaign=region["nok"],
        user=user,
        allowed_organisations=import_scope(user, get_form(form), region["nok"]),
    )
    assert report.ok, report.errors
    return report


def public(region, client) -> list[tuple[int, str, str]]:
    """What the public sees of КЦСОН А's plan, through the API."""
    response = client.get(f"/api/v1/measures/?organisation={region['a'].slug}")
    assert response.status_code == 200
    return [
        (m["position"], m["indicator_code"], m["planned_date"])
        for m in response.json()["results"]
    ]


def table(region) -> list[tuple[int, str, date]]:
    rows = selectors.plan_rows(organisation=region["a"], with_effects=False).rows
    return [
        (r.measure.position, r.measure.indicator_code, r.measure.planned_date)
        for r in rows
    ]


APPROVED_TABLE = [(1, "1.1", date(2025, 3, 1)), (2, "3.1", date(2025, 9, 1))]
REVISED_TABLE = [
    (1, "1.1", date(2025, 3, 1)),
    (2, "3.1", date(2025, 11, 1)),
    (3, "3.2", date(2025, 12, 1)),
]


@pytest.fixture
def approved(region, people):
    """КЦСОН А's plan, uploaded, submitted and approved by the council."""
    institution = people["institution"]
    upload(region, institution, FIRST)
    plan = ImprovementPlan.objects.get()
    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        plan=plan,
        user=institution,
    )
    review.submit_for_review(document, institution)
    review.council_approve(document, people["member"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    return plan, document


def test_reimport_into_a_draft_updates_it_in_place(region, people) -> None:
    upload(region, people["institution"], FIRST)
    plan = ImprovementPlan.objects.get()
    report = upload(region, people["institution"], SECOND)
    assert (report.new, report.updated) == (1, 1)
    assert list(ImprovementPlan.objects.values_list("pk", "revision")) == [(plan.pk, 1)]
    assert [
        (m.position, m.indicator_code, m.planned_date)
        for m in plan.measures.order_by("position")
    ] == REVISED_TABLE
    assert not AuditEvent.objects.filter(action="plan.revision").exists()


def test_reimport_into_an_approved_plan_makes_a_revision_the_public_waits_for(
    region, people, approved, client
) -> None:
    plan, document = approved
    institution, chair, member = (
        people["institution"],
        people["chair"],
        people["member"],
    )
    assert table(region) == APPROVED_TABLE
    api_before = public(region, client)
    assert api_before == [(1, "1.1", "2025-03-01"), (2, "3.1", "2025-09-01")]
    # A report on the approved plan before the revision: it is carried along.
    upload(
        region,
        institution,
        [[INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", RESPONSIBLE, "Стенд дополнен", "15.02.2025"]],
        form="fulfilment_report",
    )  # fmt: skip

    report = upload(region, institution, SECOND)
    assert (report.new, report.updated) == (1, 1)

    revision = ImprovementPlan.objects.get(revision=2)
    plan.refresh_from_db()
    assert (plan.status, revision.status) == (PlanStatus.APPROVED, PlanStatus.DRAFT)
    assert revision.revision_of == plan
    assert str(revision) == "План КЦСОН А на 2025 год (редакция 2)"
    # The approved revision is untouched and still the only public one.
    assert [
        (m.position, m.indicator_code, m.planned_date)
        for m in plan.measures.order_by("position")
    ] == APPROVED_TABLE
    assert [
        (m.position, m.indicator_code, m.planned_date)
        for m in revision.measures.order_by("position")
    ] == REVISED_TABLE
    assert table(region) == APPROVED_TABLE
    assert public(region, client) == api_before
    assert list(ImprovementPlan.objects.current()) == [plan]
    assert list(ImprovementPlan.objects.latest_revisions()) == [revision]
    # The copy keeps the report made on the approved plan.
    copied = revision.measures.get(position=1)
    assert (copied.status, [r.done for r in copied.reports.all()]) == (
        MeasureStatus.DONE,
        ["Стенд дополнен"],
    )
    event = AuditEvent.objects.get(action="plan.revision")
    assert (event.actor, event.data["revision_of"]) == (institution, plan.pk)

    # A second re-import goes into the draft revision in place.
    upload(region, institution, SECOND)
    assert ImprovementPlan.objects.count() == 2

    # The institution points its document at the revision and submits it.
    review.rework_document(document, institution, plan=revision)
    review.submit_for_review(document, institution)
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert (plan.status, revision.status) == (
        PlanStatus.APPROVED,
        PlanStatus.SUBMITTED,
    )
    # Under review: another import makes revision 3, never changes revision 2.
    upload(
        region,
        institution,
        [[INN_A, 1, None, "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.04.2025", RESPONSIBLE, None, None]],
    )  # fmt: skip
    assert ImprovementPlan.objects.filter(revision=3, status="draft").count() == 1
    ImprovementPlan.objects.filter(revision=3).delete()

    # Returned: the approved revision stays public.
    review.council_return(document, chair, "Нет срока по мероприятию 3")
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert (plan.status, revision.status) == (
        PlanStatus.APPROVED,
        PlanStatus.RETURNED,
    )
    assert table(region) == APPROVED_TABLE
    assert public(region, client) == api_before
    # A report filed meanwhile goes to the approved plan, unchanged measures.
    upload(
        region,
        institution,
        [[INN_A, 2, "3.1", "Нет пандуса", "Установить пандус", "01.12.2026", RESPONSIBLE, "Пандус установлен", "20.08.2025"]],
        form="fulfilment_report",
    )  # fmt: skip
    ramp = plan.measures.get(position=2)
    assert (ramp.planned_date, ramp.status) == (date(2025, 9, 1), MeasureStatus.DONE)
    assert not revision.measures.get(position=2).reports.exists()

    # Resubmitted and approved: the revision replaces the approved plan.
    review.submit_for_review(document, institution)
    review.council_approve(document, member, comment="Новая редакция одобрена")
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert (plan.status, revision.status) == (
        PlanStatus.SUPERSEDED,
        PlanStatus.APPROVED,
    )
    assert revision.approved_on is not None
    assert table(region) == REVISED_TABLE
    assert list(ImprovementPlan.objects.current()) == [revision]
    assert public(region, client) == [
        (1, "1.1", "2025-03-01"),
        (2, "3.1", "2025-11-01"),
        (3, "3.2", "2025-12-01"),
    ]
    # The report filed on the old revision meanwhile is carried over.
    ramp = revision.measures.get(position=2)
    assert ramp.status == MeasureStatus.DONE
    assert [r.done for r in ramp.reports.all()] == ["Пандус установлен"]
    # The old revision stays readable as history, reports and all.
    assert plan.measures.count() == 2
    assert MeasureReport.objects.filter(measure__plan=plan).count() == 2
    document.refresh_from_db()
    assert document.plan == revision

    steps = list(
        AuditEvent.objects.filter(action__startswith="plan.")
        .order_by("pk")
        .values_list("action", "object_id", "data__after")
    )
    old, new = str(plan.pk), str(revision.pk)
    assert steps == [
        ("plan.status", old, "submitted"),
        ("plan.status", old, "approved"),
        ("plan.revision", new, None),
        ("plan.status", new, "submitted"),
        ("plan.revision", str(revision.pk + 1), None),
        ("plan.status", new, "returned"),
        ("plan.status", new, "submitted"),
        ("plan.superseded", old, None),
        ("plan.status", new, "approved"),
    ]


def test_undo_of_the_reimport_removes_the_revision(region, people, approved) -> None:
    from evaluation.imports.engine import undo_import
    from evaluation.models import ImportRecord

    plan, _document = approved
    upload(region, people["institution"], SECOND)
    assert ImprovementPlan.objects.count() == 2
    undo_import(ImportRecord.objects.latest("pk"), user=people["institution"])
    assert list(ImprovementPlan.objects.values_list("pk", "status")) == [
        (plan.pk, "approved")
    ]
    assert Measure.objects.filter(plan=plan).count() == 2


def test_progress_in_the_plan_form_reports_on_the_approved_plan(
    region, people, approved
) -> None:
    """Rows that change nothing but the progress columns make no revision."""
    plan, _document = approved
    done = [*FIRST[0][:7], "Стенд дополнен", "15.02.2025"]
    report = upload(region, people["institution"], [done, FIRST[1]])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    assert list(ImprovementPlan.objects.values_list("pk", flat=True)) == [plan.pk]
    table = selectors.plan_rows(organisation=region["a"], with_effects=False)
    assert (table.done, table.total) == (1, 2)
    assert [r.done for r in table.rows[0].reports] == ["Стенд дополнен"]
    assert not AuditEvent.objects.filter(action="plan.revision").exists()
