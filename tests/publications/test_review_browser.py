"""Council review in Chromium through the Wagtail admin.

The institution submits its uploaded plan, a council member returns it with a
reason (an empty reason is refused in the modal), the institution reworks and
resubmits, another council member approves and publishes.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from evaluation import roles
from evaluation.enums import PlanStatus
from publications import review
from publications.models import ReviewDocument, ReviewKind
from tests.evaluation.test_imports import region
from tests.factories.browser_steps import admin_login
from tests.factories.helpers import audit_actions
from tests.publications.test_review_workflow import upload_plan

__all__ = ["region"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(django_user_model, username: str, role: str, *codenames: str):
    user = django_user_model.objects.create_user(username, password="secret-pw")
    group, _created = Group.objects.get_or_create(name=role)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="qp_publications", codename__in=codenames
        ),
    )
    user.groups.add(group)
    return user


login = admin_login("secret-pw")


def more_actions(page, name: str) -> None:
    """Open the editor's action menu and choose an action."""
    page.get_by_role("button", name="Больше действий").click()
    page.get_by_role("button", name=name).click()


def test_submit_return_resubmit_approve_in_chromium(
    browser_page, live_server, region, django_user_model
) -> None:
    review.ensure_council_workflow()
    institution = _user(
        django_user_model, "kcson-a", roles.INSTITUTION,
        "add_reviewdocument", "change_reviewdocument",
    )  # fmt: skip
    region["a"].users.add(institution)
    _user(django_user_model, "chair", roles.COUNCIL)
    _user(django_user_model, "member", roles.COUNCIL)
    plan = upload_plan(region, institution)
    document = review.create_review_document(
        kind=ReviewKind.PLAN,
        organisation=region["a"],
        campaign=region["nok"],
        plan=plan,
        user=institution,
        title="План КЦСОН А на 2025 год",
    )
    edit_url = f"{live_server.url}/admin/snippets/qp_publications/reviewdocument/edit/{document.pk}/"
    page = browser_page

    # The institution submits.
    login(page, live_server, "kcson-a")
    page.goto(edit_url)
    with page.expect_navigation():
        more_actions(page, f'Отправить в "{review.WORKFLOW_NAME}"')
    document.refresh_from_db()
    assert document.workflow_in_progress

    # The council queue lists it for a council member.
    login(page, live_server, "chair")
    page.goto(f"{live_server.url}/admin/council-queue/")
    row = page.locator("table tbody tr", has_text="План КЦСОН А на 2025 год")
    expect(row).to_contain_text("КЦСОН А")
    expect(row).to_contain_text("План мероприятий")
    row.get_by_role("link").click()
    expect(page).to_have_url(edit_url)

    # Return for rework: the reason is required.
    more_actions(page, "Вернуть на доработку")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Вернуть на доработку").click()
    expect(dialog.get_by_text("Укажите причину возврата на доработку.")).to_be_visible()
    assert document.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    dialog.get_by_label("Причина возврата на доработку").fill(
        "Нет сроков по разделу К3"
    )
    with page.expect_navigation():
        dialog.get_by_role("button", name="Вернуть на доработку").click()
    assert document.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    # The institution reworks and resubmits.
    login(page, live_server, "kcson-a")
    page.goto(edit_url)
    page.get_by_role("textbox", name="Пояснение").fill("Добавлены сроки по разделу К3")
    with page.expect_navigation():
        more_actions(page, f"Обновить {review.WORKFLOW_NAME}")
    assert document.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    # Another council member approves and publishes.
    login(page, live_server, "member")
    page.goto(edit_url)
    with page.expect_navigation():
        more_actions(page, "Одобрить и Опубликовать")
    document = ReviewDocument.objects.get(pk=document.pk)
    assert document.live
    assert document.description == "Добавлены сроки по разделу К3"
    assert document.decision is not None and document.decision.is_published
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED

    page.goto(f"{live_server.url}/admin/council-queue/")
    expect(page.get_by_text("Очередь пуста")).to_be_visible()

    actions = audit_actions("qp_publications.reviewdocument", document.pk)
    assert actions == [
        "review.created",
        "review.submitted",
        "review.returned",
        # Saved and resubmitted in one request of the editor: the rework is
        # recorded once the save has gone through, after the resubmission.
        "review.resubmitted",
        "review.reworked",
        "review.approved",
        "review.published",
    ]
