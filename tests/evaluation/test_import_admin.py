"""The admin import flow: upload → preview → confirm → result → undo."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import ImportRecord, ImportStatus, SurveyResponse
from tests.evaluation.test_imports import INN_A, INN_C, region, survey_file, survey_row

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.ru", "pw")
    client.force_login(user)
    return client


def _upload(client, region, data: bytes, name: str = "anketa.xlsx"):
    return client.post(
        reverse("qp_import"),
        {
            "form": "survey_responses",
            "campaign": region["decade"].pk,
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_upload_preview_confirm_and_undo(editor, region) -> None:
    page = editor.get(reverse("qp_import"))
    assert page.status_code == 200
    assert "Анкеты получателей услуг" in page.content.decode()

    response = _upload(
        editor, region, survey_file([survey_row(INN_A, "1"), survey_row(INN_A, "2")])
    )
    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("qp_import_detail", args=[record.pk])
    preview = editor.get(response["Location"]).content.decode()
    assert "Загрузить" in preview and "Проверен, не загружен" in preview
    assert not SurveyResponse.objects.exists()

    editor.post(reverse("qp_import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert SurveyResponse.objects.count() == 2
    result = editor.get(reverse("qp_import_detail", args=[record.pk])).content.decode()
    assert "Отменить весь импорт" in result

    editor.post(reverse("qp_import_undo", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.UNDONE
    assert not SurveyResponse.objects.exists()


def test_errors_are_listed_by_row_and_column_and_nothing_is_written(
    editor, region
) -> None:
    response = _upload(
        editor, region, survey_file([survey_row(INN_A, "1"), survey_row(INN_C, "2")])
    )
    page = editor.get(response["Location"]).content.decode()
    assert "Ошибки (1)" in page
    assert "<td>5</td><td>ИНН</td>" in page
    assert "Загрузить</button>" not in page
    assert not SurveyResponse.objects.exists()


def test_unreadable_file_is_refused_on_the_form(editor, region) -> None:
    response = _upload(editor, region, b"\x00\x01garbage" * 10, "x.xlsx")
    assert response.status_code == 200
    assert not ImportRecord.objects.exists()
    assert response.context["form"].errors["file"]


def test_template_download(editor) -> None:
    response = editor.get(reverse("qp_import_template", args=["survey_responses"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('survey_responses.xlsx"')
    assert response.content[:2] == b"PK"


def test_other_users_cannot_see_or_undo_an_import(
    editor, region, client, django_user_model
) -> None:
    response = _upload(editor, region, survey_file([survey_row(INN_A, "1")]))
    record = ImportRecord.objects.get()
    editor.post(reverse("qp_import_confirm", args=[record.pk]))
    stranger = django_user_model.objects.create_user("stranger", password="x")
    from django.contrib.auth.models import Permission

    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    # Wagtail turns PermissionDenied in admin views into a redirect with a message.
    denied = client.get(response["Location"])
    assert denied.status_code == 302 and denied["Location"] == "/admin/"
    denied = client.post(reverse("qp_import_undo", args=[record.pk]))
    assert denied.status_code == 302 and denied["Location"] == "/admin/"
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_large_imports_are_tasks_of_the_configured_backend(
    client, django_user_model, region, settings
) -> None:
    """The "imports" alias decides where the task runs; with the task
    framework's immediate backend (as a worker-backed deployment would swap in
    its own) the same upload is checked and written without any thread."""
    from django_tasks import task_backends

    from evaluation.imports.background import ThreadBackend, process_import

    assert isinstance(task_backends["imports"], ThreadBackend)
    assert process_import.backend == "imports"
    settings.TASKS = {
        **settings.TASKS,
        "imports": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    settings.QP_IMPORT_BACKGROUND_BYTES = 0
    user = django_user_model.objects.create_superuser("tk", "tk@example.ru", "pw")
    client.force_login(user)
    _upload(client, region, survey_file([survey_row(INN_A, "1")]))
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.PREVIEWED, record.errors
    client.post(reverse("qp_import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_large_files_are_checked_and_imported_in_the_background(
    client, django_user_model, region, settings
) -> None:
    from evaluation.imports.background import wait_for_background

    settings.QP_IMPORT_BACKGROUND_BYTES = 0  # every file counts as large
    user = django_user_model.objects.create_superuser("bg", "bg@example.ru", "pw")
    client.force_login(user)
    rows = [survey_row(INN_A, str(n)) for n in range(1, 51)]
    # The test database is in-memory SQLite with a shared cache, where two
    # connections writing at once fail instead of waiting: touch the database
    # only after the background thread is done.
    response = _upload(client, region, survey_file(rows))
    wait_for_background()
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.PREVIEWED, record.errors
    assert (record.progress_stage, record.progress_done, record.progress_total) == (
        "Проверено",
        50,
        50,
    )
    status = client.get(reverse("qp_import_status", args=[record.pk])).json()
    assert status["status"] == "previewed" and status["percent"] == 100

    client.post(reverse("qp_import_confirm", args=[record.pk]))
    wait_for_background()
    # a second click must not import twice (the claim is atomic)
    client.post(reverse("qp_import_confirm", args=[record.pk]))
    wait_for_background()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert SurveyResponse.objects.count() == 50
    assert "Отменить весь импорт" in client.get(response["Location"]).content.decode()


def test_running_import_shows_an_accessible_progress_bar(editor, region) -> None:
    _upload(editor, region, survey_file([survey_row(INN_A, "1")]))
    record = ImportRecord.objects.get()
    ImportRecord.objects.filter(pk=record.pk).update(
        status=ImportStatus.RUNNING,
        progress_stage="Проверка строк",
        progress_done=5,
        progress_total=20,
    )
    page = editor.get(reverse("qp_import_detail", args=[record.pk])).content.decode()
    assert '<progress id="qp-progress" max="100" value="25"' in page
    assert "Проверка строк: 5 из 20" in page
    assert 'aria-live="polite"' in page
