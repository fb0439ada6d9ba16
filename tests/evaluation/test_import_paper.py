"""Paper questionnaires: the typing template follows the printed blank's
question order and numbering, and the survey-responses import takes it."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from evaluation.imports.engine import import_file
from evaluation.imports.paper import (
    HEADER_ROW,
    blank_question_set,
    build_paper_template,
    paper_headers,
)
from evaluation.models import SurveyResponse
from evaluation.questionnaire.definitions import DEFAULT_SET
from tests.evaluation.test_imports import region

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

YES, NO = "да", "нет"


def _filled(template: bytes, rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    sheet = book["Данные"]
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=HEADER_ROW + offset, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_typing_template_follows_the_blank(region) -> None:
    a = region["a"]
    question_set = blank_question_set(a)
    assert question_set == DEFAULT_SET  # the campaign has no questionnaire of its own
    sheet = load_workbook(io.BytesIO(build_paper_template(a)))["Данные"]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header == paper_headers(question_set)
    assert header[:3] == ["Номер анкеты", "Дата анкетирования", "Канал"]
    assert header[-1] == "Предложения"
    assert header[3] == (
        "Вопрос 1. При посещении организации обращались ли вы к информации о её "
        "деятельности, размещённой на информационных стендах в помещениях организации?"
    )
    assert [h.split(".")[0] for h in header[3:-1]] == [
        f"Вопрос {q.number}" for q in question_set.questions
    ]
    assert sheet["A1"].value == "Анкеты на бумаге: КЦСОН А"


def test_three_typed_questionnaires_import_exactly(region) -> None:
    a = region["a"]
    answers_1 = [YES] * 15
    answers_2 = [
        NO,
        None,
        NO,
        None,
        YES,
        YES,
        NO,
        None,
        YES,
        YES,
        YES,
        YES,
        YES,
        YES,
        NO,
    ]
    answers_3 = [YES, NO, YES, YES, YES, NO, YES, YES, YES, NO, YES, NO, YES, YES, YES]
    data = _filled(
        build_paper_template(a),
        [
            ["1", datetime(2024, 4, 10), "В учреждении (отделении)", *answers_1, None],
            ["2", datetime(2024, 4, 11), "По почте", *answers_2, "Больше кружков"],
            [3, datetime(2024, 4, 12), "В МФЦ", *answers_3, None],
        ],
    )
    report = import_file(
        "survey_responses",
        data,
        "ankety.xlsx",
        campaign=region["decade"],
        organisation=a,
    )
    assert report.ok, report.errors
    assert report.new == 3

    def stored(values):
        return {
            f"q{n}": None if value is None else value == YES
            for n, value in enumerate(values, start=1)
        }

    assert list(
        SurveyResponse.objects.order_by("number").values_list(
            "organisation_id", "number", "collected_on", "channel", "kind",
            "answers", "suggestion",
        )
    ) == [
        (a.pk, "1", date(2024, 4, 10), "office", "questionnaire", stored(answers_1), ""),
        (a.pk, "2", date(2024, 4, 11), "mail", "questionnaire", stored(answers_2), "Больше кружков"),
        (a.pk, "3", date(2024, 4, 12), "mfc", "questionnaire", stored(answers_3), ""),
    ]  # fmt: skip


def test_the_template_is_downloaded_by_the_organisations_own_users(
    region, client, django_user_model
) -> None:
    a, b = region["a"], region["b"]
    user = django_user_model.objects.create_user("kcson-a", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    a.users.add(user)
    client.force_login(user)
    upload = client.get(reverse("qp_import")).content.decode()
    assert "Шаблон для ввода анкет: КЦСОН А (XLSX)" in upload
    assert "КЦСОН Б (XLSX)" not in upload
    response = client.get(reverse("qp_import_paper_template", args=[a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ankety-A.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["Данные"]
    assert [c.value for c in sheet[HEADER_ROW]] == paper_headers(DEFAULT_SET)
    # Another organisation's template: Wagtail turns the refusal into a redirect.
    denied = client.get(reverse("qp_import_paper_template", args=[b.pk]))
    assert denied.status_code == 302 and denied["Location"] == "/admin/"


def test_a_campaigns_own_question_set_gives_its_order(region) -> None:
    from django.utils import timezone

    from evaluation.models import OnlineQuestionnaire, QuestionSet

    own = QuestionSet.objects.create(
        code="short", version=2, title="Короткая анкета",
        questions=[
            {"code": "q15", "text": "Довольны в целом?"},
            {"code": "q2", "text": "Хватает ли сведений на стендах?"},
            {"code": "q13", "text": "Порекомендуете организацию?"},
        ],
    )  # fmt: skip
    now = timezone.now()
    OnlineQuestionnaire.objects.create(
        campaign=region["decade"], question_set=own,
        opens_at=now - timezone.timedelta(days=1),
        closes_at=now + timezone.timedelta(days=30),
    )  # fmt: skip
    a = region["a"]
    template = build_paper_template(a)
    header = [
        c.value for c in load_workbook(io.BytesIO(template))["Данные"][HEADER_ROW]
    ]
    assert header[3:7] == [
        "Вопрос 15. Довольны в целом?",
        "Вопрос 2. Хватает ли сведений на стендах?",
        "Вопрос 13. Порекомендуете организацию?",
        "Предложения",
    ]
    assert header[7:] == [
        f"Вопрос {n} (нет в бланке, не заполняйте)"
        for n in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14)
    ]
    data = _filled(template, [["7", datetime(2024, 4, 9), "По почте", YES, NO, YES]])
    report = import_file(
        "survey_responses",
        data,
        "short.xlsx",
        campaign=region["decade"],
        organisation=a,
    )
    assert report.ok, report.errors
    response = SurveyResponse.objects.get()
    assert response.answers == {
        **{f"q{n}": None for n in range(1, 16)},
        "q15": True,
        "q2": False,
        "q13": True,
    }
