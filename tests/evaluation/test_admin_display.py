"""Stored JSON and codes as the admin's inspect views show them, in Russian."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from evaluation.admin import display as admin_display
from evaluation.audit import record
from evaluation.models import AuditEvent, Letter
from evaluation.rating.method import METHOD_344N_SOCIAL
from tests.portal_site.test_typography import visible_text


def text(html) -> str:
    return visible_text(str(html))


def test_an_inputs_snapshot_is_a_labelled_list() -> None:
    shown = admin_display.snapshot(
        {
            "method": "344n-social",
            "respondents": 1387,
            "info_stand": {"present": 12, "required": 13},
            "yes": {"q1": 354, "q2": 2},
            "answered": {},
            "source": "demo",
            "source_reference": "Отчёт оператора",
        }
    )
    assert text(shown) == (
        f"Версия методики {METHOD_344N_SOCIAL.title} Респондентов 1387 "
        "Информация на стендах размещено 12, требуется 13 "
        "Ответы «да» по вопросам вопрос 1: 354; вопрос 2: 2 "
        "Ответивших на вопрос — Источник данных Демонстрационные данные "
        "Ссылка на источник Отчёт оператора"
    )


def test_scores_codes_and_other_json_read_as_russian() -> None:
    assert text(admin_display.indicators({"1.1": "89.01", "1.2": "100"})) == (
        "Показатель 1.1 89,01 Показатель 1.2 100,00"
    )
    assert admin_display.codes("items", ["founder", "assessment"]) == (
        "Учредитель (учредители); Независимая оценка качества"
    )
    assert admin_display.codes("channels", ["email"]) == "Электронная почта"
    assert text(admin_display.readable("regional", {"Р1": "86.30"})) == "Р1 86,30"
    assert admin_display.readable("notes", []) == "—"
    assert text(admin_display.readable("notes", ["Нет анкет"])) == "Нет анкет"
    assert admin_display.source_label("import") == "Импорт файла"


def test_a_person_is_named_not_logged_in(django_user_model) -> None:
    named = django_user_model(
        username="olga", first_name="Ольга", last_name="Белова", email="o@x.ru"
    )
    assert admin_display.person_label(named) == "Ольга Белова (o@x.ru)"
    assert admin_display.person_label(django_user_model(username="olga")) == "olga"


@pytest.mark.django_db
def test_the_audit_log_names_actions_in_russian(editor) -> None:
    from tests.factories.evaluation import OrganisationFactory

    record("publish", OrganisationFactory(), "Опубликованы итоги", None, version=1)
    event = AuditEvent.objects.get(action="publish")
    listing = text(editor.get(reverse("auditevent:index")).content.decode())
    assert "Публикация результатов Опубликованы итоги" in listing
    assert " publish " not in f" {listing} "
    page = text(
        editor.get(reverse("auditevent:inspect", args=[event.pk])).content.decode()
    )
    assert "Действие Публикация результатов" in page
    assert "Тип объекта Организация" in page
    assert "version" not in page  # the machine-readable details are not shown


def test_a_stored_file_is_named_by_its_format_not_its_random_path() -> None:
    storage = InMemoryStorage()
    name = storage.save("letters/2026/8e63e19d867ce68b.pdf", ContentFile(b"%PDF"))
    field = Letter._meta.get_field("file")
    stored = FieldFile(Letter(), field, name)
    stored.storage = storage
    assert admin_display.stored_file_label(stored) == "файл PDF"
    assert admin_display.stored_file(stored) == (
        f'<a href="{stored.url}">Скачать файл PDF</a>'
    )
    widget = admin_display.StoredFileInput().render("file", stored)
    assert "Скачать" not in widget and "файл PDF" in widget
    assert "8e63e19d" not in widget.replace(stored.url, "")
    assert admin_display.stored_file(FieldFile(Letter(), field, "")) == "—"
