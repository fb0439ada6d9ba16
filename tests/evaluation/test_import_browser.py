"""Browser test (Chromium): upload → preview with an error → fix → re-upload → confirm."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evaluation.models import ImportRecord, ImportStatus, SurveyResponse
from tests.evaluation.test_imports import INN_A, INN_C, region, survey_file, survey_row
from tests.factories.browser_steps import admin_login, submit_file

__all__ = ["region"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, live_server, region, path) -> None:
    submit_file(page, live_server, "survey_responses", path, region["decade"])


def test_upload_preview_fix_and_confirm_in_chromium(
    browser_page, live_server, region, django_user_model, tmp_path
) -> None:
    django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "secret-pw"
    )
    page = browser_page
    admin_login("secret-pw")(page, live_server, "editor")

    broken = tmp_path / "anketa.xlsx"
    broken.write_bytes(
        survey_file(
            [survey_row(INN_A, "1"), survey_row(INN_C, "2"), survey_row(INN_A, "3")]
        )
    )
    _upload(page, live_server, region, broken)
    expect(page.get_by_role("heading", name="Ошибки (1)")).to_be_visible()
    error_row = page.locator("table tbody tr", has_text="не найдена в реестре")
    expect(error_row).to_contain_text("5")
    expect(error_row).to_contain_text("ИНН")
    expect(page.get_by_role("button", name="Загрузить")).to_have_count(0)
    assert not SurveyResponse.objects.exists()

    fixed = tmp_path / "anketa-fixed.xlsx"
    fixed.write_bytes(
        survey_file(
            [survey_row(INN_A, "1"), survey_row(INN_A, "2"), survey_row(INN_A, "3")]
        )
    )
    _upload(page, live_server, region, fixed)
    expect(page.get_by_text("Проверен, не загружен")).to_be_visible()
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Загружено: новых 3")).to_be_visible()
    expect(page.get_by_role("button", name="Отменить весь импорт")).to_be_visible()

    assert SurveyResponse.objects.count() == 3
    statuses = list(
        ImportRecord.objects.order_by("pk").values_list("status", flat=True)
    )
    assert statuses == [ImportStatus.FAILED, ImportStatus.APPLIED]
