"""The institution cabinet: what an organisation owes, uploads, history, review."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from evaluation import roles
from evaluation.enums import SubmissionKind
from evaluation.models import Campaign, ImportRecord, Submission
from publications import cabinet, review_admin
from tests.evaluation.test_imports import region

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

# Friday 3 May 2024 is a day off between the May holidays: from it, Wednesday
# 8 May is three working days away (6, 7, 8 May), Monday 13 May four (9 and
# 10 May are days off too).
HOLIDAY = datetime(2024, 5, 3, 10, 0, tzinfo=ZoneInfo("Asia/Krasnoyarsk"))


@pytest.fixture
def cabinet_world(region, django_user_model):
    a, b, decade, nok = region["a"], region["b"], region["decade"], region["nok"]

    def user(name, group):
        account = django_user_model.objects.create_user(name, f"{name}@example.ru")
        account.groups.add(Group.objects.get(name=group))
        return account

    users = {
        "inst_a": user("inst_a", roles.INSTITUTION),
        "inst_b": user("inst_b", roles.INSTITUTION),
        "editor": user("editor", roles.EDITOR),
        "council": user("council", roles.COUNCIL),
    }
    a.users.add(users["inst_a"])
    b.users.add(users["inst_b"])
    for org in (a, b):
        Submission.objects.create(
            campaign=decade, organisation=org, kind=SubmissionKind.DECADE_SUMMARY,
            deadline=date(2024, 5, 8),
        )  # fmt: skip
        Submission.objects.create(
            campaign=decade, organisation=org, kind=SubmissionKind.IMPROVEMENT_PLAN,
            deadline=date(2024, 5, 13),
        )  # fmt: skip
        Submission.objects.create(
            campaign=nok, organisation=org, kind=SubmissionKind.FULFILMENT_REPORT,
            deadline=date(2024, 4, 26), received_on=date(2024, 4, 27),
        )  # fmt: skip
        record = ImportRecord.objects.create(
            form="decade_summary", filename=f"svodka-{org.code}.xlsx",
            checksum="0" * 64, campaign=decade, user=users[f"inst_{org.code.lower()}"],
        )  # fmt: skip
        record.file.save(record.filename, ContentFile(b"x"))
    return users, region


def _page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("qp_cabinet"), params)
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(HOLIDAY, tick=False)
def test_institution_sees_what_it_owes_with_working_day_deadlines(
    cabinet_world, client, monkeypatch
) -> None:
    monkeypatch.delattr(review_admin, "review_status_for", raising=False)
    users, region = cabinet_world
    page = _page(client, users["inst_a"])
    assert "<h2" in page and "КЦСОН А" in page
    assert "КЦСОН Б" not in page and "svodka-B.xlsx" not in page
    # The Декада summary is due in three working days across the holidays …
    assert "08.05.2024 (осталось рабочих дней: 3)" in page
    assert "Срок истекает" in page
    # … the plan in four (9 and 10 May are days off) …
    assert "13.05.2024 (осталось рабочих дней: 4)" in page
    assert "Ожидается" in page
    # … and the report arrived a day late.
    assert "С опозданием" in page
    # Links open the import flow with the form and campaign chosen.
    decade = region["decade"].pk
    assert f"{reverse('qp_import')}?form=decade_summary&amp;campaign={decade}" in page
    assert f"{reverse('qp_import')}?form=improvement_plan&amp;campaign={decade}" in page
    # The link's accessible name puts the document in the accusative.
    assert 'Загрузить<span class="visuallyhidden"> сводную информацию' in page
    assert "сводная информация о результатах опроса (" not in page
    # Its upload history, not B's.
    assert "svodka-A.xlsx" in page
    # No review yet: «—».
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", page, re.S)
    campaigns = {title: cells for title, cells in rows if "2024" in title}
    assert campaigns and all("<td>—</td>" in cells for cells in campaigns.values())
    # The Декада's explanatory note of A (not of B) is one click away.
    note = reverse("qp_note_edit", args=[decade, region["a"].pk])
    assert f'href="{note}"' in page
    assert reverse("qp_note_edit", args=[decade, region["b"].pk]) not in page


def test_markup_is_accessible(cabinet_world, client) -> None:
    users, _ = cabinet_world
    page = _page(client, users["inst_a"])
    assert page.count("<caption>") == 3  # campaigns, documents, history
    headers = re.findall(r"<th( [^>]*)?>", page)
    assert headers and all('scope="' in (attrs or "") for attrs in headers)
    assert 'aria-labelledby="qp-cabinet-' in page


def test_empty_states(region, client, django_user_model) -> None:
    user = django_user_model.objects.create_user("new", "n@example.ru")
    user.groups.add(Group.objects.get(name=roles.INSTITUTION))
    lonely = region["a"]
    Campaign.objects.all().delete()
    lonely.users.add(user)
    page = _page(client, user)
    assert "Организация пока не включена ни в одну кампанию." in page
    assert "Сейчас организация ничего не должна представить." in page
    assert "Файлы ещё не загружались." in page


def test_review_status_comes_from_the_review_change(
    cabinet_world, client, monkeypatch
) -> None:
    users, region = cabinet_world
    seen = []

    def review_status_for(organisation):
        seen.append(organisation)
        return {region["nok"].pk: "Возвращён на доработку: уточнить сроки"}

    monkeypatch.setattr(
        review_admin, "review_status_for", review_status_for, raising=False
    )
    page = _page(client, users["inst_a"])
    assert seen == [region["a"]]
    assert "Возвращён на доработку: уточнить сроки" in page
    # One text for the whole organisation is accepted too.
    monkeypatch.setattr(
        review_admin, "review_status_for", lambda organisation: "Утверждён советом"
    )
    assert _page(client, users["inst_a"]).count("Утверждён советом") == 2


def test_review_documents_and_council_comments_from_the_review_change(
    cabinet_world, client
) -> None:
    """With the review change's real ``review_status_for``: one line per document."""
    from publications.models import ReviewDocument

    users, region = cabinet_world
    ReviewDocument.objects.create(
        title="План мероприятий КЦСОН А на 2025 год", kind="plan",
        organisation=region["a"], campaign=region["nok"],
    )  # fmt: skip
    ReviewDocument.objects.create(
        title="План мероприятий КЦСОН Б на 2025 год", kind="plan",
        organisation=region["b"], campaign=region["nok"],
    )  # fmt: skip
    (status,) = review_admin.review_status_for(region["a"])
    items = cabinet.review_items([status])
    assert [(i.title, i.label, i.campaign_id) for i in items] == [
        ("План мероприятий КЦСОН А на 2025 год", status.label, region["nok"].pk)
    ]
    page = _page(client, users["inst_a"])
    assert "Рецензирование и замечания совета" in page
    assert f"План мероприятий КЦСОН А на 2025 год: {status.label}" in page
    assert "КЦСОН Б на 2025 год" not in page


def test_review_items_accept_comments_reasons_and_decisions() -> None:
    from types import SimpleNamespace

    comment = SimpleNamespace(
        text="Уточните сроки", by="Петров П. П.", at=datetime(2025, 2, 3, 12, 0)
    )
    entry = SimpleNamespace(
        document=SimpleNamespace(title="План", campaign_id=7),
        label="возвращено на доработку", reason="нет сроков",
        decision_number="", comments=[comment],
    )  # fmt: skip
    (item,) = cabinet.review_items([entry])
    assert item.details == ["причина: нет сроков"]
    assert item.comments == ["Уточните сроки (Петров П. П., 03.02.2025)"]
    assert cabinet.review_items(None) == [] and cabinet.review_items("") == []


def test_institutions_cannot_open_another_organisations_cabinet(
    cabinet_world, client
) -> None:
    users, region = cabinet_world
    client.force_login(users["inst_a"])
    url = reverse("qp_cabinet")
    assert client.get(url, {"organisation": region["b"].pk}).status_code == 404
    assert client.get(url, {"organisation": "x"}).status_code == 404
    assert client.get(url, {"organisation": region["a"].pk}).status_code == 200
    client.force_login(users["council"])
    assert client.get(url).status_code == 302  # no organisation: no cabinet


def test_editors_choose_any_organisation(cabinet_world, client) -> None:
    users, region = cabinet_world
    page = _page(client, users["editor"])
    assert "Выберите организацию" in page and "<select" in page
    page = _page(client, users["editor"], organisation=region["b"].pk)
    assert "svodka-B.xlsx" in page and "svodka-A.xlsx" not in page


def _menu(client, user) -> str:
    """The sidebar's menu labels (Wagtail renders them as JSON)."""
    client.force_login(user)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    assert match, "no sidebar"
    return json.dumps(json.loads(match.group(1)), ensure_ascii=False)


def test_institution_users_get_a_simplified_menu(cabinet_world, client) -> None:
    users, _ = cabinet_world
    menu = _menu(client, users["inst_a"])
    assert "Кабинет учреждения" in menu
    assert "История загрузок" in menu
    assert "Загрузка файлов" in menu
    # What an institution sends to its council and its objections to results.
    assert "На рассмотрение" in menu and "Возражения" in menu
    assert "Оценка качества" not in menu  # the editors' group of screens
    menu = _menu(client, users["editor"])
    assert "Оценка качества" in menu and "Кабинет учреждения" in menu
    assert "История загрузок" not in menu
    assert "Кабинет учреждения" not in _menu(client, users["council"])


def test_upload_links_preselect_the_form_and_offer_only_own_campaigns(
    cabinet_world, client
) -> None:
    users, region = cabinet_world
    foreign = Campaign.objects.create(
        kind="decade", year=2023, title="Декада 2023", slug="decade-2023",
        period_start=date(2023, 4, 10), period_end=date(2023, 4, 21),
    )  # fmt: skip
    client.force_login(users["inst_a"])
    url = cabinet.upload_url("decade_summary", region["decade"])
    response = client.get(url)
    form = response.context["form"]
    assert form.initial == {"form": "decade_summary", "campaign": region["decade"].pk}
    offered = set(form.fields["campaign"].queryset)
    assert region["decade"] in offered and foreign not in offered
    assert cabinet.upload_url("no_such_form", None) is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cabinet_in_chromium_passes_axe(
    browser_page, live_server, axe_script, artefacts_dir, region, django_user_model
) -> None:
    from django.contrib.auth.models import Permission
    from playwright.sync_api import expect

    from tests.browser import format_violations, run_axe, save_screenshot

    # A transactional test may start after another one emptied the groups:
    # the binding to the organisation is what makes the cabinet, the admin
    # access permission lets the user in.
    user = django_user_model.objects.create_user("kcson-a", "a@example.ru", "secret-pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    region["a"].users.add(user)
    Submission.objects.create(
        campaign=region["decade"], organisation=region["a"],
        kind=SubmissionKind.DECADE_SUMMARY, deadline=date(2099, 5, 8),
    )  # fmt: skip

    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("input[name=username]").fill("kcson-a")
    page.locator("input[name=password]").fill("secret-pw")
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Кабинет учреждения").click()
    expect(page.get_by_role("heading", level=2, name="КЦСОН А")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Документы «КЦСОН А»"))
    expect(table).to_contain_text("Ожидается")
    table.get_by_role("link", name=re.compile("Загрузить")).click()
    expect(page.get_by_label("Форма")).to_have_value("decade_summary")
    page.go_back()
    violations = run_axe(page, axe_script)
    save_screenshot(page, artefacts_dir, "cabinet")
    assert violations == [], format_violations(violations)
