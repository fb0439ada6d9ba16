"""«Пустые ячейки очищают сохранённые значения»: an empty cell keeps a stored
value unless the user asks in the preview; then the preview lists what would
be cleared and the confirmation clears exactly that."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from evaluation.imports.engine import import_file, preview_import
from evaluation.models import ImportRecord, ImportStatus, Measure, Organisation
from tests.evaluation.test_imports import INN_A, PLAN_HEADER, csv_bytes, region, xlsx

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

REGISTER_HEADER = ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации", "Район", "Сайт", "Состоит на учёте", "Анкета на сайте"]  # fmt: skip
KIND = "Комплексный центр социального обслуживания"


def _register(website: str = "", registered: str = "") -> bytes:
    return csv_bytes(
        [
            REGISTER_HEADER,
            [
                INN_A,
                "КЦСОН А",
                "КЦСОН А",
                KIND,
                "Ачинский район",
                website,
                registered,
                "",
            ],
        ]
    )


def _stored(a: Organisation) -> None:
    Organisation.objects.filter(pk=a.pk).update(
        website="https://kcson-a.example", registered_count=40,
        has_online_questionnaire=True, recipients_count=100,
    )  # fmt: skip


def _state(a: Organisation) -> tuple:
    a.refresh_from_db()
    return (
        a.website, a.registered_count, a.has_online_questionnaire, a.recipients_count
    )  # fmt: skip


def test_register_empty_cells_keep_values_unless_asked_to_clear(region) -> None:
    a = region["a"]
    _stored(a)
    kept = import_file("organisations", _register(), "reestr.csv")
    assert kept.ok and (kept.updated, kept.unchanged) == (0, 1)
    assert _state(a) == ("https://kcson-a.example", 40, True, 100)

    cleared = import_file("organisations", _register(), "reestr.csv", clears_empty=True)
    assert cleared.ok and cleared.updated == 1
    # The file has no «Получателей услуг» column: that value is never cleared.
    assert _state(a) == ("", None, False, 100)


def test_the_preview_lists_what_would_be_cleared(region) -> None:
    a = region["a"]
    _stored(a)
    keep = preview_import("organisations", _register(registered="55"), "reestr.csv")
    assert keep.rows["updated"] == [
        {
            "row": 2,
            "changes": [["Состоит на учёте", "40", "55"]],
            "kept": [["Сайт", "https://kcson-a.example"], ["Анкета на сайте", "да"]],
        }
    ]
    clear = preview_import(
        "organisations", _register(registered="55"), "reestr.csv", clears_empty=True
    )
    assert clear.rows["updated"] == [
        {
            "row": 2,
            "changes": [["Состоит на учёте", "40", "55"]],
            "kept": [],
            "cleared": [["Сайт", "https://kcson-a.example"], ["Анкета на сайте", "да"]],
        }
    ]
    assert clear.record.clears_empty is True
    assert _state(a) == ("https://kcson-a.example", 40, True, 100)  # nothing written


def _plan(code: str) -> bytes:
    rows = [
        PLAN_HEADER,
        [INN_A, 1, code, "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., заместитель директора", None, None],
    ]  # fmt: skip
    return xlsx(rows)


def test_plan_re_import_clears_the_indicator_code_only_when_asked(region) -> None:
    campaign = region["nok"]
    assert import_file("improvement_plan", _plan("1.1"), "p.xlsx", campaign=campaign).ok
    measure = Measure.objects.get()
    assert (measure.indicator_code, measure.criterion) == ("1.1", "K1")

    kept = import_file("improvement_plan", _plan(""), "p.xlsx", campaign=campaign)
    assert kept.ok and kept.unchanged == 1
    measure.refresh_from_db()
    assert (measure.indicator_code, measure.criterion) == ("1.1", "K1")

    report = preview_import(
        "improvement_plan", _plan(""), "p.xlsx", campaign=campaign, clears_empty=True
    )
    assert report.rows["updated"] == [
        {
            "row": 2,
            "changes": [],
            "kept": [],
            "cleared": [
                ["раздел (критерий)", "K1"],
                ["Код показателя", "1.1 Полнота информации на стендах и сайте"],
            ],
        }
    ]
    cleared = import_file(
        "improvement_plan", _plan(""), "p.xlsx", campaign=campaign, clears_empty=True
    )
    assert cleared.ok and cleared.updated == 1
    measure.refresh_from_db()
    assert (measure.indicator_code, measure.criterion) == ("", "")
    assert measure.planned_date == date(2025, 3, 1)


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.ru", "pw")
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("ticked", [True, False])
def test_the_preview_checkbox_is_what_the_confirmation_does(
    editor, region, ticked
) -> None:
    client, user = editor
    a = region["a"]
    _stored(a)
    report = preview_import(
        "organisations", _register(registered="55"), "reestr.csv", user=user
    )
    record = report.record
    detail = reverse("qp_import_detail", args=[record.pk])
    page = client.get(detail).content.decode()
    assert "Пустые ячейки очищают сохранённые значения</label>" in page
    assert 'name="clears_empty" aria' in page  # not ticked by default
    assert "(ячейка пуста, значение сохраняется)" in page

    form = {"clears_empty": "on"} if ticked else {}
    response = client.post(reverse("qp_import_options", args=[record.pk]), form)
    assert response["Location"] == detail
    record.refresh_from_db()
    assert (record.clears_empty, record.status) == (ticked, ImportStatus.PREVIEWED)
    page = client.get(detail).content.decode()
    assert ("значение будет очищено" in page) is ticked
    assert ('name="clears_empty" checked' in page) is ticked

    client.post(reverse("qp_import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    expected = ("", 55, False, 100) if ticked else ("https://kcson-a.example", 55, True, 100)  # fmt: skip
    assert _state(a) == expected


def test_an_applied_import_keeps_its_choice(editor, region) -> None:
    client, user = editor
    record = preview_import("organisations", _register(), "r.csv", user=user).record
    client.post(reverse("qp_import_confirm", args=[record.pk]))
    response = client.post(
        reverse("qp_import_options", args=[record.pk]), {"clears_empty": "on"}
    )
    assert response.status_code == 302
    assert ImportRecord.objects.get(pk=record.pk).clears_empty is False
