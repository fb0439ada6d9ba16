"""Issue 21: an institution's plan of measures from upload to the public card, in Chromium.

From a published НОК campaign (built in code): the institution uploads its
plan on «Загрузка файла» and submits it; a council member returns it with a
remark; the institution uploads the fixed plan and resubmits; the council
approves; the institution uploads its fulfilment report; the card shows the
progress. Then a re-import into the approved plan makes a new revision that
the public does not see until the council approves it.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group
from openpyxl import Workbook
from playwright.sync_api import expect

from evaluation import roles
from evaluation.enums import PlanStatus
from evaluation.models import ImprovementPlan
from evaluation.nok import lifecycle, services
from publications import review
from publications.models import (
    HomePage,
    OrganisationIndexPage,
    ReviewDocument,
    ReviewKind,
)
from tests.browser import save_guide_screenshot
from tests.evaluation.examples import EXAMPLE_A
from tests.evaluation.test_imports import INN_A, PLAN_HEADER
from tests.factories.browser_steps import upload
from tests.factories.council import council_approves
from tests.factories.evaluation import OrganisationFactory
from tests.factories.helpers import nok_campaign
from tests.portal_site.test_empty_install_nok_browser import (
    PASSWORD,
    create_user,
    empty_install,
    login,
    table_rows,
)
from tests.publications.test_review_browser import more_actions

__all__ = ["empty_install"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHO = "Петрова А. А., заместитель директора"
STAND = [INN_A, 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.06.2027", WHO, None, None]  # fmt: skip
RAMP = [INN_A, 2, "3.1", "Нет пандуса у входа", "Установить пандус", "30.11.2027", WHO, None, None]  # fmt: skip
BUTTON = [INN_A, 3, "3.2", "Нет кнопки вызова", "Установить кнопку вызова", "31.12.2027", WHO, None, None]  # fmt: skip
SIGNS = [INN_A, 4, "3.3", "Нет тактильных табличек", "Разместить таблички", "31.12.2027", WHO, None, None]  # fmt: skip


def _xlsx(path, rows) -> str:
    workbook = Workbook()
    sheet = workbook.active
    for row in [PLAN_HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _user(django_user_model, username: str, role: str):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    return user


def plan_table(page) -> list[tuple[str, str, str]]:
    """(measure, due date, what was done) of the card's plan table."""
    return [
        (row[1], row[2], row[5])
        for row in table_rows(page, "table.data-table--plan tbody tr")
    ]


@pytest.fixture
def published(empty_install, django_user_model):
    """КЦСОН «Заря» in a published НОК 2026, its institution user, two council members."""
    editor = _user(django_user_model, "redaktor", roles.EDITOR)
    organisation = OrganisationFactory(
        name="КГБУ СО «КЦСОН «Заря»»", short_name="КЦСОН «Заря»", inn=INN_A
    )
    campaign = nok_campaign(2026, organisation)
    lifecycle.open_campaign(campaign, editor)
    services.save_indicator_inputs(campaign, organisation, EXAMPLE_A)
    lifecycle.recompute(campaign, editor)
    lifecycle.send_to_council(campaign, editor)
    council_approves(campaign)
    lifecycle.publish(campaign, editor)
    home = HomePage.objects.get()
    directory = home.add_child(
        instance=OrganisationIndexPage(title="Организации", slug="organisations")
    )
    review.ensure_council_workflow()
    return {
        "organisation": organisation,
        "campaign": campaign,
        "card": directory.card_url(organisation),
    }


def test_plan_upload_return_fix_approve_report_and_revision_in_chromium(
    published, browser_page, live_server, tmp_path, django_user_model
) -> None:
    page = browser_page
    campaign, organisation = published["campaign"], published["organisation"]
    card = f"{live_server.url}{published['card']}"

    # 0. The administrator adds the institution's user and two council
    # members in the admin and binds the user on the organisation's form.
    django_user_model.objects.create_superuser("admin", "a@minsoc.example.ru", PASSWORD)
    login(page, live_server, "admin")
    create_user(page, live_server, "zarya", "Зоя Зарина", roles.INSTITUTION)
    create_user(page, live_server, "sovet", "Светлана Советова", roles.COUNCIL)
    create_user(page, live_server, "sovet-2", "Семён Советов", roles.COUNCIL)
    page.goto(f"{live_server.url}/admin/organisation/edit/{organisation.pk}/")
    page.get_by_label("Зоя Зарина (zarya@minsoc.example.ru)").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messages")).to_contain_text(organisation.short_name)
    institution = django_user_model.objects.get(username="zarya")
    assert list(organisation.users.all()) == [institution]

    # 1. The institution uploads its plan and sends it to the council.
    login(page, live_server, "zarya")
    save_guide_screenshot(page, "institution-dashboard")
    upload(
        page, live_server, "improvement_plan",
        _xlsx(tmp_path / "plan.xlsx", [STAND, RAMP]), campaign,
    )  # fmt: skip
    plan = ImprovementPlan.objects.get()
    save_guide_screenshot(page, "institution-plan-loaded")
    assert (plan.status, plan.measures.count()) == (PlanStatus.DRAFT, 2)
    # It adds the document in «На рассмотрение» and names its plan there.
    page.goto(f"{live_server.url}/admin/snippets/qp_publications/reviewdocument/add/")
    page.locator("input[name=title]").fill("План КЦСОН «Заря» на 2027 год")
    page.locator("select[name=kind]").select_option(ReviewKind.PLAN)
    for chooser, item in (
        ("Выбрать организацию", str(organisation)),
        ("Выбрать кампанию", str(campaign)),
    ):
        page.get_by_role("button", name=chooser).click()
        modal = page.locator(".modal-dialog")
        modal.get_by_role("link", name=item).first.click()
        expect(modal).to_have_count(0)
    page.locator("select[name=plan]").select_option(str(plan.pk))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Сохранить")).first.click()
    document = ReviewDocument.objects.get()
    # Shots are taken on saved forms only: a pause on a changed Wagtail form
    # lets its autosave create the object before the test's own click.
    save_guide_screenshot(page, "institution-review-document")
    assert (document.author, document.plan) == (institution, plan)
    edit_url = (
        f"{live_server.url}/admin/snippets/qp_publications/reviewdocument/"
        f"edit/{document.pk}/"
    )
    page.goto(edit_url)
    with page.expect_navigation():
        more_actions(page, f'Отправить в "{review.WORKFLOW_NAME}"')
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # 2. The council member returns it with a remark.
    login(page, live_server, "sovet")
    page.goto(f"{live_server.url}/admin/council-queue/")
    save_guide_screenshot(page, "council-queue-plan")
    page.locator("table tbody tr", has_text="План КЦСОН «Заря»").get_by_role(
        "link"
    ).click()
    expect(page).to_have_url(edit_url)
    more_actions(page, "Вернуть на доработку")
    dialog = page.get_by_role("dialog")
    save_guide_screenshot(page, "council-return-dialog")
    dialog.get_by_label("Причина возврата на доработку").fill(
        "Нет мероприятия по кнопке вызова"
    )
    with page.expect_navigation():
        dialog.get_by_role("button", name="Вернуть на доработку").click()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    # 3. The institution uploads the fixed plan (in place: it is not approved)
    #    and resubmits.
    login(page, live_server, "zarya")
    upload(
        page, live_server, "improvement_plan",
        _xlsx(tmp_path / "plan-fixed.xlsx", [STAND, RAMP, BUTTON]), campaign,
    )  # fmt: skip
    assert list(ImprovementPlan.objects.values_list("pk", flat=True)) == [plan.pk]
    assert plan.measures.count() == 3
    page.goto(edit_url)
    save_guide_screenshot(page, "institution-resubmit")
    page.get_by_role("textbox", name="Пояснение").fill("Добавлена кнопка вызова")
    with page.expect_navigation():
        more_actions(page, f"Обновить {review.WORKFLOW_NAME}")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # 4. The council approves; the card shows the plan, nothing done yet.
    #    (Another member: the one who returned it saved the revision now under
    #    review and counts as its author.)
    login(page, live_server, "sovet-2")
    page.goto(edit_url)
    save_guide_screenshot(page, "council-review-document")
    with page.expect_navigation():
        more_actions(page, "Одобрить и Опубликовать")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    page.goto(card)
    expect(page.locator(".plan-progress p")).to_have_text(
        "Выполнено 0 из 3 мероприятий (0 %)."
    )

    # 5. The institution reports on measure 1; the card shows the progress.
    login(page, live_server, "zarya")
    upload(
        page, live_server, "fulfilment_report",
        _xlsx(tmp_path / "otchet.xlsx", [[*STAND[:7], "Стенд дополнен", "20.11.2026"]]),
        campaign,
    )  # fmt: skip
    page.goto(card)
    expect(page.locator(".plan-progress p")).to_have_text(
        "Выполнено 1 из 3 мероприятий (33 %)."
    )
    approved_rows = [
        ("Дополнить стенд", "1 июня 2027 г.", "Стенд дополнен (20 ноября 2026 г.)"),
        ("Установить пандус", "30 ноября 2027 г.", "—"),
        ("Установить кнопку вызова", "31 декабря 2027 г.", "—"),
    ]
    assert plan_table(page) == approved_rows
    save_guide_screenshot(page, "public-plan-progress")

    # 6. A re-import into the approved plan: a new revision, not public yet.
    upload(
        page, live_server, "improvement_plan",
        _xlsx(tmp_path / "plan-2.xlsx", [STAND, RAMP, BUTTON, SIGNS]), campaign,
    )  # fmt: skip
    revision = ImprovementPlan.objects.get(revision=2)
    assert (revision.status, revision.revision_of_id) == (PlanStatus.DRAFT, plan.pk)
    plan.refresh_from_db()
    assert (plan.status, plan.measures.count()) == (PlanStatus.APPROVED, 3)
    page.goto(card)
    expect(page.locator(".plan-progress p")).to_have_text(
        "Выполнено 1 из 3 мероприятий (33 %)."
    )
    assert plan_table(page) == approved_rows

    # The institution sends the revision to the council from its document.
    page.goto(edit_url)
    page.locator("select[name=plan]").select_option(str(revision.pk))
    with page.expect_navigation():
        more_actions(page, f'Отправить в "{review.WORKFLOW_NAME}"')
    revision.refresh_from_db()
    plan.refresh_from_db()
    assert (plan.status, revision.status) == (
        PlanStatus.APPROVED,
        PlanStatus.SUBMITTED,
    )
    page.goto(card)
    assert plan_table(page) == approved_rows

    # 7. The council approves the revision: it replaces the approved plan.
    login(page, live_server, "sovet")
    page.goto(edit_url)
    with page.expect_navigation():
        more_actions(page, "Одобрить и Опубликовать")
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert (plan.status, revision.status) == (
        PlanStatus.SUPERSEDED,
        PlanStatus.APPROVED,
    )
    page.goto(card)
    expect(page.locator(".plan-progress p")).to_have_text(
        "Выполнено 1 из 4 мероприятий (25 %)."
    )
    assert plan_table(page) == [
        *approved_rows,
        ("Разместить таблички", "31 декабря 2027 г.", "—"),
    ]
