"""Issue 25, item 1: an instruction of the ministry from issue to acceptance, in Chromium.

From an empty installation: the ministry's editor issues an instruction to
two organisations on «Поручения министерства»; the user of one of them finds
it in the cabinet and answers with a text and a file; the editor returns the
answer, the institution answers again, and the editor accepts it. The
organisation's public card then lists the instruction as done.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from evaluation import roles
from evaluation.deadlines import CALENDAR
from evaluation.models import AnswerState, Instruction
from publications.models import HomePage, OrganisationIndexPage
from tests.browser import format_violations, run_axe
from tests.factories.evaluation import OrganisationFactory
from tests.factories.helpers import nok_campaign
from tests.factories.install import rebuild_empty_install
from tests.portal_site.test_empty_install_nok_browser import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Разместить на информационном стенде сведения о порядке подачи жалоб."


def _user(django_user_model, username: str, role: str, name: str):
    first, last = name.split(" ", 1)
    user = django_user_model.objects.create_user(
        username,
        f"{username}@minsoc.example.ru",
        password=PASSWORD,
        first_name=first,
        last_name=last,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def test_ministry_issues_institution_answers_ministry_accepts_in_chromium(
    browser_page, live_server, django_user_model, tmp_path, axe_script
) -> None:
    rebuild_empty_install()
    page = browser_page
    zarya = OrganisationFactory(
        short_name="КЦСОН «Заря»", name="КГБУ СО «КЦСОН «Заря»»"
    )
    rassvet = OrganisationFactory(
        short_name="КЦСОН «Рассвет»", name="КГБУ СО «КЦСОН «Рассвет»»"
    )
    nok_campaign(2026, zarya, rassvet)
    _user(django_user_model, "ministr", roles.EDITOR, "Мария Министерская")
    zarya.users.add(_user(django_user_model, "zarya", roles.INSTITUTION, "Зоя Зарина"))
    directory = HomePage.objects.get().add_child(
        instance=OrganisationIndexPage(title="Организации", slug="organisations")
    )

    # 1. The ministry issues the instruction to both organisations.
    login(page, live_server, "ministr")
    page.get_by_role("link", name="Поручения министерства").first.click()
    page.get_by_role("link", name="Выдать поручение").click()
    page.get_by_label("Номер").fill("45-п")
    page.get_by_label("Текст поручения").fill(TEXT)
    page.get_by_label("КЦСОН «Заря»").check()
    page.get_by_label("КЦСОН «Рассвет»").check()
    page.get_by_label("Требуемый ответ").select_option(label="Документ")
    page.get_by_label("Основание").select_option(
        label="Итоги независимой оценки (кампания)"
    )
    page.get_by_label("Кампания").select_option(label="НОК 2026")
    page.get_by_label("Срок, рабочих дней").fill("5")
    page.get_by_role("button", name="Выдать поручение").click()
    instruction = Instruction.objects.get(number="45-п")
    due = CALENDAR.add_working_days(instruction.issued_on, 5)
    assert instruction.due_on == due
    expect(page.locator(".messages")).to_contain_text(
        f"{instruction} выдано, срок исполнения {due:%d.%m.%Y}."
    )
    assert sorted(
        instruction.addressees.values_list("organisation__short_name", flat=True)
    ) == ["КЦСОН «Заря»", "КЦСОН «Рассвет»"]

    # 2. The institution finds it in its cabinet and answers with a file.
    login(page, live_server, "zarya")
    page.goto(f"{live_server.url}{reverse('qp_cabinet')}")
    row = page.locator("table tbody tr", has_text="№\u00a045-п")
    expect(row).to_contain_text("Выдано; ожидается")
    row.get_by_role("link", name="Открыть").click()
    # Only its own organisation's answer is on the page.
    expect(page.get_by_role("heading", name="КЦСОН «Заря»")).to_be_visible()
    expect(page.get_by_role("heading", name="КЦСОН «Рассвет»")).to_have_count(0)
    violations = run_axe(page, axe_script)
    assert not violations, format_violations(violations)
    scan = tmp_path / "stend.pdf"
    scan.write_bytes(b"%PDF-1.4 stend")
    page.get_by_label("Ответ").fill("Сведения размещены, фото стенда прилагаем.")
    page.get_by_label("Файл").set_input_files(str(scan))
    page.get_by_role("button", name="Направить ответ").click()
    expect(page.locator(".messages")).to_contain_text("Ответ направлен в министерство.")
    expect(page.get_by_text("Состояние: Ответ представлен; в срок.")).to_be_visible()

    # 3. The ministry returns it with a reason …
    login(page, live_server, "ministr")
    page.goto(f"{live_server.url}{reverse('qp_instruction', args=[instruction.pk])}")
    section = page.locator("section", has_text="КЦСОН «Заря»")
    expect(section.get_by_role("link", name="Файл ответа: stend.pdf")).to_be_visible()
    section.get_by_label("Причина возврата").fill("Фото стенда не читается.")
    section.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.locator(".messages")).to_contain_text(
        "Ответ «КЦСОН «Заря»» возвращён на доработку."
    )

    # … the institution answers again …
    login(page, live_server, "zarya")
    page.goto(f"{live_server.url}{reverse('qp_instruction', args=[instruction.pk])}")
    expect(
        page.get_by_text("Причина возврата: Фото стенда не читается.")
    ).to_be_visible()
    page.get_by_label("Ответ").fill("Прилагаем новое фото.")
    page.get_by_label("Файл").set_input_files(str(scan))
    page.get_by_role("button", name="Направить ответ").click()
    expect(page.locator(".messages")).to_contain_text("Ответ направлен в министерство.")

    # … and the ministry accepts it.
    login(page, live_server, "ministr")
    page.goto(f"{live_server.url}{reverse('qp_instruction', args=[instruction.pk])}")
    section = page.locator("section", has_text="КЦСОН «Заря»")
    section.get_by_role("button", name="Принять ответ").click()
    expect(page.locator(".messages")).to_contain_text("Ответ «КЦСОН «Заря»» принят.")
    answers = dict(
        instruction.addressees.values_list("organisation__short_name", "state")
    )
    assert answers == {
        "КЦСОН «Заря»": AnswerState.ACCEPTED,
        "КЦСОН «Рассвет»": AnswerState.ISSUED,
    }

    # The public card lists it as done.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{directory.card_url(zarya)}")
    card = page.locator("section", has_text="Поручения министерства")
    expect(card.locator("tbody tr")).to_have_count(1)
    expect(card.locator("tbody tr")).to_contain_text(TEXT)
    expect(card.locator("tbody tr")).to_contain_text("Исполнено")
