"""Council review end to end: upload → submit → return → rework → approve → card.

The plan comes from the institution's import (the improvement-plan form), goes
through the Wagtail workflow «Рассмотрение общественным советом» and ends as a
published document with a published council decision next to it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.models import ModelLogEntry, Workflow, WorkflowContentType

from evaluation import roles
from evaluation.enums import CampaignStatus, PlanStatus
from evaluation.imports.engine import import_file
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import get_form
from evaluation.models import AuditEvent, CouncilDecision, ImprovementPlan
from publications import review
from publications.models import (
    CouncilReviewTask,
    HomePage,
    OrganisationIndexPage,
    ReviewKind,
)
from publications.review_admin import review_status_for
from tests.evaluation.test_imports import INN_A, PLAN_HEADER, region, xlsx
from tests.factories.helpers import audit_actions

__all__ = ["region"]

pytestmark = pytest.mark.django_db

KRSK = ZoneInfo("Asia/Krasnoyarsk")


def _user(django_user_model, username: str, *groups: str):
    user = django_user_model.objects.create_user(username, password="secret-pw")
    access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in groups:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access)
        user.groups.add(group)
    return user


@pytest.fixture
def people(region, django_user_model):
    institution = _user(django_user_model, "kcson-a", roles.INSTITUTION)
    region["a"].users.add(institution)
    return {
        "institution": institution,
        "chair": _user(django_user_model, "chair", roles.COUNCIL),
        "member": _user(django_user_model, "member", roles.COUNCIL),
    }


def upload_plan(region, user) -> ImprovementPlan:
    """The institution uploads its plan through the import flow."""
    rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., заместитель директора", None, None],
    ]  # fmt: skip
    scope = import_scope(user, get_form("improvement_plan"), region["nok"])
    report = import_file(
        "improvement_plan",
        xlsx(rows, title_rows=2),
        "plan.xlsx",
        campaign=region["nok"],
        user=user,
        allowed_organisations=scope,
    )
    assert report.ok, report.errors
    return ImprovementPlan.objects.get(organisation=region["a"], campaign=region["nok"])


def card_html(client, organisation) -> str:
    home = HomePage.objects.first()
    directory = OrganisationIndexPage.objects.first()
    if directory is None:
        directory = home.add_child(
            instance=OrganisationIndexPage(title="Организации", slug="organisations")
        )
    response = client.get(directory.card_url(organisation))
    assert response.status_code == 200
    return response.content.decode()


def test_migration_created_the_workflow_and_setup_is_idempotent() -> None:
    workflow = Workflow.objects.get(name=review.WORKFLOW_NAME)
    assert [task.specific_class for task in workflow.tasks] == [CouncilReviewTask]
    assert WorkflowContentType.objects.get(workflow=workflow).content_type.model == (
        "reviewdocument"
    )
    assert review.ensure_council_workflow() == workflow
    assert review.ensure_council_workflow() == workflow
    assert Workflow.objects.filter(name=review.WORKFLOW_NAME).count() == 1
    assert CouncilReviewTask.objects.count() == 1


def test_plan_from_upload_through_return_rework_approval_and_card(
    region, people, client, settings
) -> None:
    settings.QP_PAGE_CACHE_SECONDS = 0
    institution, chair, member = (
        people["institution"],
        people["chair"],
        people["member"],
    )
    plan = upload_plan(region, institution)
    assert plan.status == PlanStatus.DRAFT

    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        plan=plan,
        user=institution,
        file=ContentFile(b"plan v1", name="plan.xlsx"),
    )
    assert review_status_for(region["a"])[0].label == "черновик"

    review.submit_for_review(document, institution)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert [row.content.pk for row in review.council_queue()] == [document.pk]
    assert review_status_for(region["a"])[0].label == "на рассмотрении"

    # Not a council member: no actions, and the service refuses.
    task = document.current_workflow_task
    assert task.get_actions(document, institution) == []
    with pytest.raises(PermissionDenied):
        review.council_approve(document, institution)
    # Returning needs a reason.
    with pytest.raises(review.ReviewError, match="причину"):
        review.council_return(document, chair, "   ")
    assert document.current_workflow_task_state is not None

    review.council_return(document, chair, "Нет сроков по разделу К3")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    status = review_status_for(region["a"])[0]
    assert (status.status, status.label, status.reason) == (
        "returned",
        "возвращено на доработку",
        "Нет сроков по разделу К3",
    )
    assert [c.text for c in status.comments] == ["Нет сроков по разделу К3"]
    assert review.council_queue() == []

    # Rework: a new revision, then back to the council.
    revisions_before = document.revisions.count()
    review.rework_document(
        document, institution, file=ContentFile(b"plan v2", name="plan-v2.xlsx")
    )
    assert document.revisions.count() == revisions_before + 1
    review.submit_for_review(document, institution)
    assert [row.content.pk for row in review.council_queue()] == [document.pk]

    review.council_approve(document, member, comment="План одобрен")
    document.refresh_from_db()
    assert document.live
    # The approved revision is the reworked file (stored under a random name).
    assert document.file.name.endswith(".xlsx")
    with document.file.open("rb") as approved:
        assert approved.read() == b"plan v2"
    decision = document.decision
    assert decision is not None and decision.is_published
    assert (decision.organisation, decision.campaign) == (region["a"], region["nok"])
    assert decision.text == "План одобрен"
    assert CouncilDecision.objects.count() == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_on == decision.decided_on
    status = review_status_for(region["a"])[0]
    assert (status.label, status.decision_number) == ("одобрено", decision.number)
    assert review.council_queue() == []

    # The audit trail of the document and of the plan, in order.
    actions = audit_actions("qp_publications.reviewdocument", document.pk)
    assert actions == [
        "review.created",
        "review.submitted",
        "review.returned",
        "review.reworked",
        "review.resubmitted",
        "review.approved",
        "review.published",
    ]
    returned = AuditEvent.objects.get(action="review.returned")
    assert (returned.actor, returned.data["reason"]) == (
        chair,
        "Нет сроков по разделу К3",
    )
    assert AuditEvent.objects.get(action="review.approved").actor == member
    plan_steps = list(
        AuditEvent.objects.filter(action="plan.status")
        .order_by("pk")
        .values_list("data__after", flat=True)
    )
    assert plan_steps == ["submitted", "returned", "submitted", "approved"]
    assert AuditEvent.objects.filter(action="council.decision", actor=member).exists()
    wagtail_log = set(
        ModelLogEntry.objects.filter(object_id=str(document.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "wagtail.workflow.start",
        "wagtail.workflow.reject",
        "wagtail.workflow.resume",
        "wagtail.workflow.approve",
        "wagtail.publish",
    } <= wagtail_log

    # The public card shows the document next to its decision.
    html = card_html(client, region["a"])
    assert "Документы, одобренные общественным советом" in html
    assert document.title in html
    assert f"Решение № {decision.number}" in html


def test_a_council_member_who_authored_the_document_may_not_approve_it(
    region, people, django_user_model
) -> None:
    author = people["chair"]
    region["a"].users.add(author)  # a council member who also works there
    document = review.create_review_document(
        kind=ReviewKind.FULFILMENT_REPORT,
        organisation=region["a"],
        campaign=region["nok"],
        user=author,
    )
    review.submit_for_review(document, author)
    task = document.current_workflow_task
    assert task.get_actions(document, author) == []
    with pytest.raises(PermissionDenied, match="Автор"):
        review.council_approve(document, author)
    with pytest.raises(PermissionDenied, match="Автор"):
        review.council_return(document, author, "сам себе")
    assert [name for name, *_ in task.get_actions(document, people["member"])] == [
        "reject",
        "approve",
        "approve",
    ]
    review.council_approve(document, people["member"])
    document.refresh_from_db()
    assert document.live and document.decision.is_published


def test_a_member_who_returned_a_document_in_the_editor_may_approve_the_rework(
    region, people
) -> None:
    """Returning from Wagtail's editor saves a revision in the member's name;
    the rework is reviewed as the resubmitter's revision, not the member's."""
    institution, member = people["institution"], people["member"]
    document = review.create_review_document(
        kind=ReviewKind.FULFILMENT_REPORT,
        organisation=region["a"],
        campaign=region["nok"],
        user=institution,
    )
    review.submit_for_review(document, institution)
    document.save_revision(user=member)  # what the editor's "reject" button does
    review.council_return(document, member, "Нет сроков по пункту 2")

    review.submit_for_review(document, institution)

    task_state = document.current_workflow_task_state
    assert task_state.revision.user == institution
    review.council_approve(document, member)
    document.refresh_from_db()
    assert document.live and document.decision.is_published


def test_institutions_act_only_for_their_own_organisations(region, people) -> None:
    with pytest.raises(PermissionDenied):
        review.create_review_document(
            kind=ReviewKind.PLAN,
            organisation=region["b"],
            campaign=region["nok"],
            user=people["institution"],
        )
    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        user=people["institution"],
    )
    with pytest.raises(PermissionDenied):
        review.submit_for_review(document, people["member"])
    assert not document.workflow_in_progress


def test_queue_due_dates_skip_the_may_holidays_and_flag_overdue(
    region, people, client, settings
) -> None:
    settings.QP_COUNCIL_REVIEW_WORKING_DAYS = 10
    institution = people["institution"]
    documents = []
    for day, kind in (
        (date(2025, 4, 28), ReviewKind.PLAN),
        (date(2025, 5, 12), ReviewKind.FULFILMENT_REPORT),
    ):
        with time_machine.travel(
            datetime(day.year, day.month, day.day, 10, tzinfo=KRSK)
        ):
            document = review.create_review_document(
                kind=kind,
                organisation=region["a"],
                campaign=region["nok"],
                user=institution,
            )
            review.submit_for_review(document, institution)
            documents.append(document)
    # 28.04.2025 + 10 working days: 1–4 and 8–11 May are days off → 16.05.2025.
    rows = review.council_queue(today=date(2025, 5, 19))
    assert [
        (row.content.pk, row.submitted_on, row.due_on, row.overdue) for row in rows
    ] == [
        (documents[0].pk, date(2025, 4, 28), date(2025, 5, 16), True),
        (documents[1].pk, date(2025, 5, 12), date(2025, 5, 26), False),
    ]

    with time_machine.travel(datetime(2025, 5, 19, 10, tzinfo=KRSK)):
        client.force_login(people["member"])
        response = client.get("/admin/council-queue/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index(documents[0].title) < html.index(documents[1].title)
        assert "16.05.2025 — просрочено" in html
        assert "26.05.2025" in html
        client.force_login(institution)
        refused = client.get("/admin/council-queue/")
        # Wagtail turns PermissionDenied into a redirect to the dashboard.
        assert (refused.status_code, refused.url) == (302, "/admin/")


def test_empty_queue_says_so(people, client) -> None:
    client.force_login(people["chair"])
    response = client.get("/admin/council-queue/")
    assert response.status_code == 200
    assert "Очередь пуста" in response.content.decode()


def test_objections_appear_on_the_card_only_after_publication_and_answer(
    region, people, client, settings
) -> None:
    from evaluation.nok import objections

    settings.QP_PAGE_CACHE_SECONDS = 0
    answered = objections.file_objection(
        campaign=region["nok"], organisation=region["a"],
        text="Показатель 1.1 занижен: стенд обновлён в марте", user=people["institution"],
    )  # fmt: skip
    objections.file_objection(
        campaign=region["nok"], organisation=region["a"],
        text="Ещё без ответа", user=people["institution"],
    )  # fmt: skip
    review.answer_objection(
        answered,
        answer="Проверено, балл пересчитан",
        outcome="accepted",
        user=people["chair"],
    )
    assert "Показатель 1.1 занижен" not in card_html(client, region["a"])

    region["nok"].status = CampaignStatus.PUBLISHED
    region["nok"].save(update_fields=["status"])
    html = card_html(client, region["a"])
    assert "Возражения организации и ответы совета" in html
    assert "Показатель 1.1 занижен" in html
    assert "Проверено, балл пересчитан" in html
    assert "Ещё без ответа" not in html


def test_objection_screens_file_and_answer(region, people, client) -> None:
    from evaluation.models import Objection, Result

    Result.objects.create(
        campaign=region["nok"],
        organisation=region["a"],
        method_version="x",
        total="71.50",
    )
    client.force_login(people["institution"])
    page = client.get("/admin/objections/").content.decode()
    assert "Ваши показатели до публикации" in page and "71" in page
    assert "Подать возражение" in page
    response = client.post(
        "/admin/objections/",
        {"organisation": region["b"].pk, "campaign": region["nok"].pk, "text": "Чужая"},
    )
    assert response.status_code == 200  # КЦСОН Б is not offered to this user
    assert not Objection.objects.exists()
    response = client.post(
        "/admin/objections/",
        {
            "organisation": region["a"].pk,
            "campaign": region["nok"].pk,
            "text": "Балл занижен",
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert client.get(f"/admin/objections/{objection.pk}/answer/").status_code == 302

    client.force_login(people["chair"])
    assert "Балл занижен" in client.get("/admin/objections/").content.decode()
    response = client.post(
        f"/admin/objections/{objection.pk}/answer/",
        {"outcome": "rejected", "answer": "Расчёт верен"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.outcome, objection.answer, objection.answered_by) == (
        "rejected", "Расчёт верен", people["chair"],
    )  # fmt: skip

    region["nok"].status = CampaignStatus.PUBLISHED
    region["nok"].save(update_fields=["status"])
    client.force_login(people["institution"])
    response = client.post(
        "/admin/objections/",
        {
            "organisation": region["a"].pk,
            "campaign": region["nok"].pk,
            "text": "Поздно",
        },
    )
    assert response.status_code == 200
    assert Objection.objects.count() == 1


def test_pages_go_through_the_same_council_task(
    region, people, django_user_model
) -> None:
    from publications.models import StandardPage

    editor = _user(django_user_model, "editor", roles.EDITOR)
    home = HomePage.objects.first()
    review.assign_council_workflow_to_page(home)
    page = home.add_child(
        instance=StandardPage(title="Итоги НОК 2024", slug="nok-2024-itogi", live=False)
    )
    page.save_revision(user=editor)
    assert page.get_workflow().name == review.WORKFLOW_NAME

    review.submit_for_review(page, editor)
    assert [row.content.pk for row in review.council_queue()] == [page.pk]
    with pytest.raises(PermissionDenied):
        review.council_approve(page, editor)  # an editor is not a council member
    review.council_approve(page, people["chair"], comment="Итоги одобрены")
    page.refresh_from_db()
    assert page.live
    decision = CouncilDecision.objects.get()
    assert (decision.text, decision.is_published) == ("Итоги одобрены", True)
    assert audit_actions("qp_publications.standardpage", page.pk) == [
        "review.submitted",
        "review.approved",
        "review.published",
    ]


def test_rework_in_the_wagtail_editor_is_audited_like_the_cabinets(
    region, people, client
) -> None:
    institution, chair = people["institution"], people["chair"]
    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        plan=upload_plan(region, institution),
        user=institution,
        file=ContentFile(b"plan v1", name="plan.xlsx"),
    )
    edit_url = reverse(
        "wagtailsnippets_qp_publications_reviewdocument:edit", args=[document.pk]
    )
    client.force_login(institution)

    def edit(description: str):
        form = {
            "title": document.title,
            "kind": document.kind,
            "organisation": document.organisation_id,
            "campaign": document.campaign_id,
            "plan": document.plan_id,
            "description": description,
        }
        return client.post(edit_url, form)

    # An edit before anything was returned is not rework.
    review.submit_for_review(document, institution)
    assert review.record_editor_rework(document, institution) is False
    review.council_return(document, chair, "Нет сроков по разделу К3")

    response = edit("Сроки добавлены по всем разделам")
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    latest = document.get_latest_revision_as_object()
    assert latest.description == "Сроки добавлены по всем разделам"
    reworked = AuditEvent.objects.get(action="review.reworked")
    assert (reworked.actor, reworked.data) == (institution, {"via": "editor"})
    assert reworked.object_id == str(document.pk)


# A council review cancelled in Wagtail takes the plan off the council's table.


def _plan_document(region, people):
    plan = upload_plan(region, people["institution"])
    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        plan=plan,
        user=people["institution"],
        file=ContentFile(b"plan v1", name="plan.xlsx"),
    )
    return plan, document


def test_cancelled_review_makes_a_submitted_plan_a_draft_again(region, people) -> None:
    plan, document = _plan_document(region, people)
    review.submit_for_review(document, people["institution"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    document.current_workflow_state.cancel(user=people["institution"])

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    event = AuditEvent.objects.get(action="review.cancelled")
    assert event.summary == f"Снято с рассмотрения общественного совета: {document}"
    assert event.actor == people["institution"]


def test_cancelled_review_of_a_returned_plan_and_an_approved_plan(
    region, people
) -> None:
    plan, document = _plan_document(region, people)
    review.submit_for_review(document, people["institution"])
    review.council_return(document, people["member"], "Нет сроков по пункту 1")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    document.current_workflow_state.cancel(user=people["institution"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    review.submit_for_review(document, people["institution"])
    review.council_approve(document, people["member"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    # A later review of the same document, cancelled, leaves the approval alone.
    review.submit_for_review(document, people["institution"])
    document.current_workflow_state.cancel(user=people["institution"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert AuditEvent.objects.filter(action="review.cancelled").count() == 2
