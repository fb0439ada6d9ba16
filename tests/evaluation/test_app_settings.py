"""One settings object per app (``AppSettings``) and one upload-size check.

Issue #26 item 3: settings have one default each, are read as attributes,
follow ``override_settings``, keep the flat names deployments use, and every
upload path refuses an oversized file with the same message.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from evaluation.conf import AppSettings, evaluation_settings
from evaluation.images import ImageRejectedError, clean_image
from evaluation.imports.errors import ImportFileError
from evaluation.imports.reading import read_rows
from evaluation.models import ImportRecord
from evaluation.plans import instructions
from evaluation.plans.instructions import InstructionError
from evaluation.uploads import check_upload_size, file_size, upload_too_large_message
from publications.conf import publications_settings
from search.conf import DEFAULT_SCORE_BANDS, search_settings
from tests.evaluation.test_imports import INN_A, region, survey_file, survey_row
from tests.evaluation.test_instructions import _issue, people

__all__ = ["people", "region"]

NBSP = "\u00a0"


@pytest.fixture
def toy():
    """A settings object of a made-up app, as another app would build one."""
    return AppSettings(
        "QP_TOY",
        {"LIMIT": 5, "NAME": "по умолчанию", "FLAG": False},
        aliases={"LIMIT": "QP_TOY_LIMIT"},
        casts={"LIMIT": int, "NAME": str},
    )


# ------------------------------------------------------------------ the class


def test_defaults_are_attributes(toy) -> None:
    assert (toy.LIMIT, toy.NAME, toy.FLAG) == (5, "по умолчанию", False)
    assert toy.defaults == {"LIMIT": 5, "NAME": "по умолчанию", "FLAG": False}


def test_namespaced_dict_then_flat_name_and_reload_on_override(toy) -> None:
    assert toy.LIMIT == 5  # cached from here on
    with override_settings(QP_TOY={"LIMIT": "7", "NAME": "своё"}):
        assert (toy.LIMIT, toy.NAME, toy.FLAG) == (7, "своё", False)
        with override_settings(QP_TOY_LIMIT=9):
            # The flat name deployments used before the namespace wins.
            assert toy.LIMIT == 9
        assert toy.LIMIT == 7
    assert (toy.LIMIT, toy.NAME) == (5, "по умолчанию")


def test_unrelated_setting_changes_keep_the_cache(toy) -> None:
    assert toy.LIMIT == 5
    toy.__dict__["LIMIT"] = 6  # a cached value stands out
    with override_settings(QP_OTHER=1):
        assert toy.LIMIT == 6
    with override_settings(QP_TOY={}):
        assert toy.LIMIT == 5


def _refusal(toy: AppSettings, name: str, **overrides) -> str:
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured) as error:
        getattr(toy, name)
    return str(error.value)


def test_unknown_keys_and_bad_values_name_the_setting(toy) -> None:
    assert _refusal(toy, "LIMIT", QP_TOY={"LIMT": 3}) == (
        "В QP_TOY неизвестные ключи: LIMT. Допустимы: FLAG, LIMIT, NAME."
    )
    assert _refusal(toy, "LIMIT", QP_TOY={"LIMIT": "пять"}) == (
        "Настройка QP_TOY[\"LIMIT\"]: недопустимое значение 'пять' "
        "(invalid literal for int() with base 10: 'пять')."
    )
    assert _refusal(toy, "LIMIT", QP_TOY_LIMIT=None).startswith(
        "Настройка QP_TOY_LIMIT: недопустимое значение None"
    )
    assert _refusal(toy, "NAME", QP_TOY=["LIMIT"]) == (
        "Настройка QP_TOY должна быть словарём, а не list."
    )
    with pytest.raises(AttributeError, match="нет настройки 'MISSING'"):
        getattr(toy, "MISSING")  # noqa: B009 (an attribute the object lacks)


def test_an_alias_or_cast_without_a_default_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        AppSettings("QP_BAD", {"A": 1}, casts={"B": int})
    assert str(error.value) == "QP_BAD: у настроек B нет значения по умолчанию."


# ------------------------------------------------------------ the app objects


def test_evaluation_settings_keep_the_flat_import_names(settings) -> None:
    assert evaluation_settings.IMPORT_MAX_BYTES == 20 * 1024 * 1024
    assert evaluation_settings.IMPORT_MAX_ROWS == 200_000
    settings.QP_IMPORT_MAX_BYTES = 1000
    settings.QP_PRIVATE_FILES_ACCEL = "/_private/"
    assert evaluation_settings.IMPORT_MAX_BYTES == 1000
    assert evaluation_settings.PRIVATE_FILES_ACCEL == "/_private/"
    settings.QP_EVALUATION = {"REMINDER_DAYS_BEFORE": "4", "UPLOAD_MAX_BYTES": 99}
    assert evaluation_settings.REMINDER_DAYS_BEFORE == 4
    assert evaluation_settings.UPLOAD_MAX_BYTES == 99
    assert evaluation_settings.REMINDER_DAYS_AFTER == 1  # default


def test_publications_settings(settings, tmp_path) -> None:
    # The test settings turn the page cache off with the flat name.
    assert publications_settings.PAGE_CACHE_SECONDS == 0
    assert publications_settings.COUNCIL_REVIEW_WORKING_DAYS == 10
    del settings.QP_PAGE_CACHE_SECONDS
    settings.QP_PUBLICATIONS = {"PAGE_CACHE_SECONDS": "120"}
    assert publications_settings.PAGE_CACHE_SECONDS == 120
    settings.QP_GUIDE_DIR = str(tmp_path)
    assert Path(tmp_path) == publications_settings.GUIDE_DIR
    assert publications_settings.BUS_GOV_SEARCH_URL.format(inn="2460000000") == (
        "https://bus.gov.ru/search?searchString=2460000000"
    )


def test_search_settings(settings) -> None:
    assert search_settings.SCORE_BANDS == DEFAULT_SCORE_BANDS
    settings.QP_SEARCH = {
        "INDEX_PREFIX": "",
        "SCORE_BANDS": [[50, "50-100", "от 50"], ["0", "0-50", "менее 50"]],
        "SYNONYMS": [["ди", "дом-интернат"]],
    }
    assert search_settings.INDEX_PREFIX == "qp"  # an empty prefix keeps the default
    assert search_settings.ELASTICSEARCH_URL == ""
    assert search_settings.SCORE_BANDS == (
        (50.0, "50-100", "от 50"),
        (0.0, "0-50", "менее 50"),
    )
    assert search_settings.SYNONYMS == (("ди", "дом-интернат"),)


# ------------------------------------------------------- the upload-size check


def test_the_message_and_the_sizes_in_it() -> None:
    mb = 1024 * 1024
    assert upload_too_large_message(25 * mb + 300_000, 20 * mb, "план.xlsx") == (
        f"Файл «план.xlsx» слишком большой (25,3{NBSP}МБ): допускается не более "
        f"20{NBSP}МБ. Уменьшите его или разделите на части."
    )
    # Just over: one more decimal; too close to tell: no size at all.
    assert f"(20,03{NBSP}МБ)" in upload_too_large_message(20 * mb + 30_000, 20 * mb)
    assert upload_too_large_message(20 * mb + 1, 20 * mb) == (
        f"Файл слишком большой: допускается не более 20{NBSP}МБ. "
        "Уменьшите его или разделите на части."
    )
    assert [file_size(n) for n in (1, 3, 5, 1023, 1536, 2 * mb)] == [
        f"1{NBSP}байт",
        f"3{NBSP}байта",
        f"5{NBSP}байт",
        f"1023{NBSP}байта",
        f"1,5{NBSP}КБ",
        f"2{NBSP}МБ",
    ]
    check_upload_size(10, 10)
    check_upload_size(None, 10)
    with pytest.raises(ImportFileError, match=r"^Файл «a» слишком большой"):
        check_upload_size(11, 10, filename="a", error=ImportFileError)


SMALL = 2000  # bytes; every path below gets a file of 3000
EXPECTED = (
    f"Файл «big.xlsx» слишком большой (2,9{NBSP}КБ): допускается не более "
    f"2{NBSP}КБ. Уменьшите его или разделите на части."
)


@pytest.mark.django_db
def test_every_upload_path_refuses_with_the_one_message(
    region, people, client, django_user_model, settings
) -> None:
    settings.QP_IMPORT_MAX_BYTES = SMALL
    settings.QP_EVALUATION = {"UPLOAD_MAX_BYTES": SMALL, "NOTE_IMAGE_MAX_BYTES": SMALL}
    data = b"\x00" * 3000

    # Spreadsheet reading (every import path ends here).
    with pytest.raises(ImportFileError) as error:
        read_rows(data, "big.xlsx")
    assert str(error.value) == EXPECTED

    # The admin's upload form: the message next to the field, nothing stored.
    editor = django_user_model.objects.create_superuser("ed", "ed@example.ru", "pw")
    client.force_login(editor)
    page = client.post(
        reverse("qp_import"),
        {
            "form": "survey_responses",
            "campaign": region["decade"].pk,
            "file": SimpleUploadedFile("big.xlsx", data),
        },
    )
    assert page.status_code == 200
    assert EXPECTED in page.content.decode()
    client.logout()

    # The API: 400 before any background task.
    token = Token.objects.create(user=editor).key
    answer = client.post(
        "/api/v1/imports/",
        {
            "form": "survey_responses",
            "campaign": region["decade"].slug,
            "file": SimpleUploadedFile("big.xlsx", data),
        },
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert answer.status_code == 400
    assert EXPECTED in answer.content.decode()
    assert not ImportRecord.objects.exists()

    # Note images.
    with pytest.raises(ImageRejectedError) as error:
        clean_image(data)
    assert str(error.value) == EXPECTED.replace("«big.xlsx» ", "")

    # Private files: an answer to an instruction.
    row = _issue(people).addressees.get(organisation=people["a"])
    with pytest.raises(InstructionError) as error:
        instructions.answer_instruction(
            row,
            actor=people["inst_a"],
            text="Ответ",
            file=SimpleUploadedFile("big.xlsx", data),
        )
    assert str(error.value) == EXPECTED
    row.refresh_from_db()
    assert not row.answer_file


@pytest.mark.django_db
def test_a_file_at_the_limit_passes(region, settings) -> None:
    data = survey_file([survey_row(INN_A, "1")])
    settings.QP_IMPORT_MAX_BYTES = len(data)
    assert read_rows(data, "a.xlsx")


# ------------------------------------------------------- the environment


def _reload_base():
    sys.modules.pop("portal_site.settings.base", None)
    return importlib.import_module("portal_site.settings.base")


def test_base_settings_pass_on_only_the_variables_that_are_set(monkeypatch) -> None:
    unset = (
        "QP_PAGE_CACHE_SECONDS",
        "QP_BUS_GOV_SEARCH_URL",
        "QP_IMPORT_MAX_ROWS",
        "QP_GUIDE_DIR",
    )
    for name in unset:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QP_IMPORT_MAX_BYTES", "1234")
    monkeypatch.setenv("QP_COUNCIL_REVIEW_WORKING_DAYS", "7")
    base = _reload_base()
    assert base.QP_EVALUATION["IMPORT_MAX_BYTES"] == 1234
    assert "IMPORT_MAX_ROWS" not in base.QP_EVALUATION  # the app's default holds
    assert base.QP_PUBLICATIONS == {"COUNCIL_REVIEW_WORKING_DAYS": 7}
    monkeypatch.setenv("QP_IMPORT_MAX_ROWS", "много")
    with pytest.raises(ImproperlyConfigured) as error:
        _reload_base()
    assert str(error.value) == (
        "QP_IMPORT_MAX_ROWS: ожидается целое число, а не «много»."
    )


def test_admin_upload_fields_of_private_files_refuse_with_the_one_message(
    settings,
) -> None:
    from evaluation.admin.viewsets import SubmissionViewSet
    from evaluation.models import Submission
    from publications.review_admin import ObjectionForm

    settings.QP_EVALUATION = {"UPLOAD_MAX_BYTES": SMALL}
    viewset = SubmissionViewSet("test_submissions")
    fields = {
        "owed document": viewset.formfield_for_dbfield(
            Submission._meta.get_field("file")
        ),
        "objection": ObjectionForm.base_fields["attachment"],
    }
    for what, field in fields.items():
        with pytest.raises(ValidationError) as error:
            field.clean(SimpleUploadedFile("big.xlsx", b"\x00" * 3000))
        assert error.value.messages == [EXPECTED], what
        small = SimpleUploadedFile("small.pdf", b"\x00" * SMALL)
        assert field.clean(small) is small, what
