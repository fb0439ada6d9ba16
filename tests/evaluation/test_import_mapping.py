"""The preview's mapping step for unknown columns and its rows (new, changed
field by field, unchanged): engine, admin views and the command."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from evaluation.imports.engine import import_file, preview_import, save_mapping
from evaluation.models import ColumnMapping, ImportRecord, ImportStatus, Organisation
from tests.evaluation.test_imports import INN_A, INN_B, INN_C, csv_bytes, region

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

HEADER = ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
          "Район", "Обслужено за год"]  # fmt: skip
KIND = "Комплексный центр социального обслуживания"
UNMAPPED = (
    "Строка 1, столбец «F»: заголовок «Обслужено за год» не распознан, а в столбце "
    "есть данные; выберите для него поле формы или «не загружать» в разделе "
    "«Сопоставление столбцов» на странице проверки файла или переименуйте "
    "заголовок как в шаблоне"
)


def register(*rows: list[object]) -> bytes:
    return csv_bytes([HEADER, *rows])


def branch_c(served: object = 250) -> list[object]:
    return [INN_C, "Филиал КЦСОН А", "Филиал А", KIND, "Ачинский район", served]


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "e@example.ru", "pw")
    client.force_login(user)
    return client


def _upload(client, data: bytes) -> ImportRecord:
    response = client.post(
        reverse("qp_import"),
        {"form": "organisations", "file": SimpleUploadedFile("reestr.csv", data)},
    )
    assert response.status_code == 302, response.content.decode()
    return ImportRecord.objects.latest("pk")


def test_a_data_column_without_a_choice_refuses_the_file_naming_letter_and_header(
    region,
) -> None:
    report = import_file("organisations", register(branch_c()), "reestr.csv")
    assert [str(error) for error in report.errors] == [UNMAPPED]
    assert not Organisation.objects.filter(inn=INN_C).exists()
    assert report.record.columns == [
        {"column": 5, "letter": "F", "header": "Обслужено за год",
         "normalised": "обслужено за год", "field": None, "data": True},
    ]  # fmt: skip


def test_an_empty_unknown_column_is_only_a_warning(region) -> None:
    report = import_file("organisations", register(branch_c(None)), "reestr.csv")
    assert report.ok, report.errors
    assert report.warnings == [
        "Столбцы не распознаны и не загружаются: «Обслужено за год». Если в них "
        "нужные данные, переименуйте заголовок как в шаблоне."
    ]


def test_the_choice_is_remembered_per_form_and_organisation(region) -> None:
    save_mapping("organisations", None, "ОБСЛУЖЕНО  за год", "recipients_count")
    # Another organisation's choice and another form's do not apply here.
    save_mapping("organisations", region["b"], "Обслужено за год", "")
    save_mapping("decade_summary", None, "Обслужено за год", "")
    report = import_file("organisations", register(branch_c("1 250")), "reestr.csv")
    assert report.ok, report.errors
    assert Organisation.objects.get(inn=INN_C).recipients_count == 1250
    assert report.record.columns[0]["field"] == "recipients_count"
    assert (
        ColumnMapping.objects.get(
            form="organisations", organisation=None
        ).header_normalised
        == "обслужено за год"
    )

    # The organisation's own choice wins over the ministry-wide one.
    save_mapping("organisations", region["a"], "Обслужено за год", "")
    row_a = [INN_A, "КЦСОН А", "КЦСОН А", KIND, "Ачинский район", 999]
    report = import_file(
        "organisations", register(row_a), "a.csv", organisation=region["a"]
    )
    assert report.ok, report.errors
    assert report.warnings == [
        "Не загружаются по выбору пользователя («не загружать»): «Обслужено за год»."
    ]
    assert report.record.columns[0]["field"] == ""


def test_a_choice_of_a_field_another_column_fills_is_an_error(region) -> None:
    save_mapping("organisations", None, "Обслужено за год", "short_name")
    report = import_file("organisations", register(branch_c()), "reestr.csv")
    assert [str(error) for error in report.errors] == [
        "Строка 1, столбец «F»: столбец «Обслужено за год» сопоставлен с полем "
        "«Краткое наименование», но это поле уже загружается из столбца C "
        "«Краткое наименование»; выберите для столбца F другое поле или «не загружать»"
    ]


def test_a_field_the_form_does_not_have_is_refused(region) -> None:
    from evaluation.imports.errors import ImportFileError

    with pytest.raises(ImportFileError) as error:
        save_mapping("organisations", None, "Обслужено за год", "nonsense")
    assert str(error.value) == (
        "В форме «Реестр организаций» нет поля «nonsense»; выберите поле из списка "
        "или «не загружать»."
    )


def test_command_names_the_column_and_then_uses_the_stored_choice(
    region, tmp_path
) -> None:
    path = tmp_path / "reestr.csv"
    path.write_bytes(register(branch_c()))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_sheet", "organisations", str(path), stderr=stderr)
    assert UNMAPPED in stderr.getvalue()
    save_mapping("organisations", None, "Обслужено за год", "recipients_count")
    stdout = io.StringIO()
    call_command("import_sheet", "organisations", str(path), stdout=stdout)
    assert "новых 1" in stdout.getvalue()
    assert Organisation.objects.get(inn=INN_C).recipients_count == 250


def test_admin_refuses_to_confirm_until_mapped_then_remembers(editor, region) -> None:
    record = _upload(editor, register(branch_c()))
    assert record.status == ImportStatus.FAILED
    page = editor.get(reverse("qp_import_detail", args=[record.pk])).content.decode()
    pending = (
        "Загрузить файл пока нельзя: в столбце F «Обслужено за год» есть данные, "
        "но не выбрано, куда их загружать. Выберите в разделе «Сопоставление "
        "столбцов» поле формы или «не загружать» и нажмите «Сохранить сопоставление»."
    )
    assert pending in page
    assert '<option value="recipients_count">Получателей услуг</option>' in page
    assert ">Загрузить</button>" not in page

    response = editor.post(reverse("qp_import_confirm", args=[record.pk]))
    messages = [m.message for m in response.wsgi_request._messages]
    assert messages == [pending]
    assert not Organisation.objects.filter(inn=INN_C).exists()

    editor.post(
        reverse("qp_import_mapping", args=[record.pk]), {"column-5": "recipients_count"}
    )
    record.refresh_from_db()
    assert (record.status, record.errors, record.new_rows) == (
        ImportStatus.PREVIEWED,
        [],
        1,
    )
    mapping = ColumnMapping.objects.get()
    assert (mapping.form, mapping.organisation, mapping.field, mapping.header) == (
        "organisations",
        None,
        "recipients_count",
        "Обслужено за год",
    )
    page = editor.get(reverse("qp_import_detail", args=[record.pk])).content.decode()
    assert '<option value="recipients_count" selected>' in page
    editor.post(reverse("qp_import_confirm", args=[record.pk]))
    assert Organisation.objects.get(inn=INN_C).recipients_count == 250

    # The same layout again: the choice is applied, no step is needed.
    again = _upload(editor, register(branch_c(300)))
    assert (again.status, again.errors) == (ImportStatus.PREVIEWED, [])
    assert again.columns[0]["field"] == "recipients_count"


def test_preview_lists_new_changed_field_by_field_and_unchanged_rows(
    editor, region
) -> None:
    unchanged = [INN_B, "КЦСОН Б", "КЦСОН Б", KIND, "Ачинский район", 100]
    changed = [INN_A, "КЦСОН А", "КЦСОН «А»", KIND, "Ачинский район", 120]
    save_mapping("organisations", None, "Обслужено за год", "recipients_count")
    report = preview_import(
        "organisations", register(changed, unchanged, branch_c()), "reestr.csv"
    )
    assert (report.new, report.updated, report.unchanged) == (1, 1, 1)
    rows = report.record.rows
    assert rows["fields"] == [
        ["inn", "ИНН"],
        ["name", "Полное наименование"],
        ["short_name", "Краткое наименование"],
        ["kind", "Вид организации"],
        ["district", "Район"],
        ["recipients_count", "Обслужено за год"],
    ]
    assert rows["new"] == [
        {"row": 4, "values": [INN_C, "Филиал КЦСОН А", "Филиал А", KIND,
                              "Ачинский район", "250"]},
    ]  # fmt: skip
    assert rows["updated"] == [
        {
            "row": 2,
            "changes": [
                ["Краткое наименование", "КЦСОН А", "КЦСОН «А»"],
                ["Обслужено за год", "100", "120"],
            ],
            "kept": [],
        }
    ]
    assert rows["unchanged"] == [
        {"row": 3, "values": [INN_B, "КЦСОН Б", "КЦСОН Б", KIND,
                              "Ачинский район", "100"]},
    ]  # fmt: skip
    assert not Organisation.objects.filter(inn=INN_C).exists()

    page = editor.get(
        reverse("qp_import_detail", args=[report.record.pk])
    ).content.decode()
    assert "Изменённые строки (1)" in page
    assert (
        "<tr><td>2</td><td>Краткое наименование</td><td>КЦСОН А</td>"
        "<td>КЦСОН «А»</td></tr>"
    ) in page


def test_an_empty_cell_that_keeps_the_stored_value_is_shown_as_kept(region) -> None:
    from tests.data.real_world.build import reimport_plan_rows
    from tests.evaluation.test_imports import xlsx

    options = {"campaign": region["nok"], "organisation": region["a"]}
    first = import_file(
        "improvement_plan", xlsx(reimport_plan_rows(False)), "plan.xlsx", **options
    )
    assert first.ok, first.errors
    report = preview_import(
        "improvement_plan", xlsx(reimport_plan_rows(True)), "plan-2.xlsx", **options
    )
    assert report.record.rows["updated"] == [
        {
            "row": 2,
            "changes": [
                ["Мероприятие", "Разместить на стенде сведения о министерстве",
                 "Разместить на стенде сведения о министерстве и его контактах"],
            ],
            "kept": [
                ["Код показателя", "1.1 Полнота информации на стендах и сайте"],
            ],
        }
    ]  # fmt: skip
    assert [row["row"] for row in report.record.rows["unchanged"]] == [3]


def test_others_cannot_map_the_columns_of_an_import(
    editor, region, client, django_user_model
) -> None:
    record = _upload(editor, register(branch_c()))
    from django.contrib.auth.models import Permission

    stranger = django_user_model.objects.create_user("stranger", "s@x.ru", "p")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    response = client.post(
        reverse("qp_import_mapping", args=[record.pk]), {"column-5": "recipients_count"}
    )
    # Wagtail turns a refusal in its admin into a redirect to the dashboard.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not ColumnMapping.objects.exists()


def test_a_header_that_fits_two_fields_is_a_guess_until_the_user_chooses(
    region,
) -> None:
    rows = [
        [*HEADER[:5], "Сайт или код"],
        [INN_C, "Филиал КЦСОН А", "Филиал А", KIND, "Ачинский район", "filial-a.ru"],
    ]
    report = preview_import("organisations", csv_bytes(rows), "reestr.csv")
    assert report.warnings == [
        "Заголовок «Сайт или код» (столбец F) подходит к полям «Код организации», "
        "«Сайт»; он загружается в поле «Код организации». Если это не так, выберите "
        "поле в разделе «Сопоставление столбцов» или уточните заголовок."
    ]
    assert report.record.columns == [
        {"column": 5, "letter": "F", "header": "Сайт или код",
         "normalised": "сайт или код", "field": "code", "data": True,
         "options": ["code", "website"], "guessed": True},
    ]  # fmt: skip

    save_mapping("organisations", None, "Сайт или код", "website")
    report = import_file("organisations", csv_bytes(rows), "reestr.csv")
    assert (report.errors, report.warnings) == ([], [])
    branch = Organisation.objects.get(inn=INN_C)
    assert (branch.website, branch.code) == ("filial-a.ru", INN_C)


def test_letters_and_rows_are_the_sheets_when_the_table_starts_at_c2(region) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([])  # the first row stays empty, then the table...
    for row in ([*HEADER], branch_c()):
        sheet.append([None, None, *row])  # ...from column C
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_file("organisations", buffer.getvalue(), "reestr.xlsx")
    assert [str(error) for error in report.errors] == [
        UNMAPPED.replace("Строка 1", "Строка 2").replace("«F»", "«H»")
    ]
    assert report.record.columns[-1]["letter"] == "H"
    assert not Organisation.objects.filter(inn=INN_C).exists()
