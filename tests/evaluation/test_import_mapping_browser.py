"""Browser test (Chromium): an unknown column is mapped on the preview, the
choice is reused for the same layout, and the preview shows old → new."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evaluation.models import ColumnMapping, Organisation
from tests.browser import format_violations, run_axe
from tests.evaluation.test_import_mapping import INN_C, branch_c, register
from tests.evaluation.test_imports import region
from tests.factories.browser_steps import admin_login, submit_file

__all__ = ["region"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, path) -> None:
    submit_file(page, live_server, "organisations", path)


def test_map_an_unknown_column_confirm_and_reuse_the_choice_in_chromium(
    browser_page, live_server, region, django_user_model, tmp_path, axe_script
) -> None:
    django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "secret-pw"
    )
    page = browser_page
    admin_login("secret-pw")(page, live_server, "editor")

    first = tmp_path / "reestr.csv"
    first.write_bytes(register(branch_c(250)))
    _upload(page, live_server, first)
    expect(page.locator("#qp-mapping-needed")).to_contain_text(
        "Загрузить файл пока нельзя: в столбце F «Обслужено за год» есть данные"
    )
    expect(page.get_by_role("button", name="Загрузить", exact=True)).to_have_count(0)
    violations = run_axe(page, axe_script)
    assert violations == [], format_violations(violations)
    page.get_by_label("Обслужено за год").select_option(label="Получателей услуг")
    page.get_by_role("button", name="Сохранить сопоставление").click()
    expect(
        page.get_by_text("Сопоставление сохранено, файл проверен заново.")
    ).to_be_visible()
    expect(page.get_by_text("Проверен, не загружен")).to_be_visible()
    expect(page.get_by_role("heading", name="Новые строки (1)")).to_be_visible()
    page.get_by_role("button", name="Загрузить", exact=True).click()
    expect(page.get_by_text("Загружено: новых 1")).to_be_visible()
    assert Organisation.objects.get(inn=INN_C).recipients_count == 250
    assert ColumnMapping.objects.get().field == "recipients_count"

    second = tmp_path / "reestr-2.csv"
    second.write_bytes(register(branch_c(300)))
    _upload(page, live_server, second)
    expect(page.get_by_text("Проверен, не загружен")).to_be_visible()
    expect(page.locator("#qp-mapping-needed")).to_have_count(0)
    expect(page.get_by_label("Обслужено за год")).to_have_value("recipients_count")
    expect(page.get_by_role("heading", name="Изменённые строки (1)")).to_be_visible()
    change = page.locator("table.qp-import-diff tbody tr", has_text="Обслужено за год")
    expect(change).to_have_text("2Обслужено за год250300")
    violations = run_axe(page, axe_script)
    assert violations == [], format_violations(violations)
    page.get_by_role("button", name="Загрузить", exact=True).click()
    expect(page.get_by_text("Загружено: новых 0, изменено 1")).to_be_visible()
    assert Organisation.objects.get(inn=INN_C).recipients_count == 300
