"""Instructions in the admin, the cabinet, «Контроль сроков» and the public card.

Scoping: the ministry (editors) issues and decides; an institution sees and
answers only its own organisations' instructions; the council and operators
have no instructions screen at all.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import (
    AnswerState,
    AuditEvent,
    Instruction,
    InstructionSource,
    ResponseKind,
)
from evaluation.plans import instructions
from evaluation.regional.services import save_website_check
from evaluation.regional.website import SITE_ITEM_CODES
from publications.models import HomePage, OrganisationIndexPage
from tests.evaluation.test_instructions import people

__all__ = ["people"]

pytestmark = pytest.mark.django_db


def _denied(response) -> bool:
    """Wagtail turns a refused admin page into a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302
        and response["Location"] == reverse("wagtailadmin_home")
    )


def _instruction_to_a(people) -> Instruction:
    return instructions.issue_instruction(
        actor=people["editor"],
        number="7-п",
        issued_on=dt.date(2026, 12, 1),
        text="Разместить на стенде сведения о вышестоящей организации.",
        organisations=[people["a"]],
        response_kind=ResponseKind.DOCUMENT,
        source=InstructionSource.CAMPAIGN,
        campaign=people["nok"],
        due_on=dt.date(2026, 12, 25),
    )


def test_editor_issues_to_many_from_the_form(client, people):
    client.force_login(people["editor"])
    page = client.get(reverse("qp_instruction_new"))
    assert page.status_code == 200
    assert "Организации-адресаты" in page.content.decode()
    response = client.post(
        reverse("qp_instruction_new"),
        {
            "number": "15",
            "issued_on": "26.04.2024",
            "text": "Представить план мероприятий по итогам НОК.",
            "organisations": [people["a"].pk, people["b"].pk],
            "response_kind": ResponseKind.PLAN,
            "source": InstructionSource.CAMPAIGN,
            "campaign": people["nok"].pk,
            "due_working_days": "5",
        },
    )
    instruction = Instruction.objects.get(number="15")
    assert response.status_code == 302
    assert response["Location"] == reverse("qp_instruction", args=[instruction.pk])
    assert instruction.due_on == dt.date(2024, 5, 7)
    assert sorted(
        row.organisation.short_name for row in instruction.addressees.all()
    ) == [
        "КЦСОН А",
        "КЦСОН Б",
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "07.05.2024 (5 рабочих дней со дня поручения)" in detail

    # A source without its campaign: a Russian error, nothing written.
    response = client.post(
        reverse("qp_instruction_new"),
        {
            "number": "16",
            "issued_on": "26.04.2024",
            "text": "Текст",
            "organisations": [people["a"].pk],
            "response_kind": ResponseKind.PLAN,
            "source": InstructionSource.COUNCIL,
            "due_working_days": "5",
        },
    )
    assert response.status_code == 400
    assert (
        "Основание поручения не указано: выберите решение общественного совета."
        in response.content.decode()
    )
    assert not Instruction.objects.filter(number="16").exists()


@pytest.mark.parametrize("role", ["council", "operator", "inst_a"])
def test_others_cannot_issue(client, people, role):
    client.force_login(people[role])
    assert _denied(client.get(reverse("qp_instruction_new")))
    response = client.post(
        reverse("qp_instruction_new"),
        {"number": "1", "issued_on": "01.12.2026", "text": "x"},
    )
    assert _denied(response)
    assert Instruction.objects.count() == 0


@pytest.mark.parametrize("role", ["council", "operator"])
def test_council_and_operator_have_no_instructions_screen(client, people, role):
    instruction = _instruction_to_a(people)
    client.force_login(people[role])
    assert _denied(client.get(reverse("qp_instructions")))
    assert _denied(client.get(reverse("qp_instruction", args=[instruction.pk])))


def test_institution_sees_and_answers_only_its_own(client, people):
    instruction = _instruction_to_a(people)
    row = instruction.addressees.get()

    client.force_login(people["inst_b"])
    listing = client.get(reverse("qp_instructions")).content.decode()
    assert "Поручений пока нет." in listing
    assert "7-п" not in listing
    assert (
        client.get(reverse("qp_instruction", args=[instruction.pk])).status_code == 404
    )
    response = client.post(
        reverse("qp_instruction", args=[instruction.pk]),
        {"addressee": row.pk, "action": "answer", f"answer{row.pk}-text": "Чужое"},
    )
    assert response.status_code == 404

    client.force_login(people["inst_a"])
    listing = client.get(reverse("qp_instructions")).content.decode()
    assert "№&nbsp;7-п от 01.12.2026" in listing
    menu = client.get(reverse("qp_cabinet")).content.decode()
    assert "Поручения министерства" in menu
    assert "Неисполненных поручений министерства нет." not in menu
    response = client.post(
        reverse("qp_instruction", args=[instruction.pk]),
        {
            "addressee": row.pk,
            "action": "answer",
            f"answer{row.pk}-text": "Сведения размещены.",
            f"answer{row.pk}-file": SimpleUploadedFile(
                "foto.pdf", b"%PDF-1.4", "application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == AnswerState.ANSWERED
    assert row.answer_text == "Сведения размещены."
    # The institution cannot accept its own answer.
    client.post(
        reverse("qp_instruction", args=[instruction.pk]),
        {"addressee": row.pk, "action": "accept"},
    )
    row.refresh_from_db()
    assert row.state == AnswerState.ANSWERED
    file_url = row.answer_file.url
    assert client.get(file_url).status_code == 200
    client.force_login(people["inst_b"])
    assert client.get(file_url).status_code == 404


def test_editor_returns_then_accepts_and_tracker_lists_open_ones(client, people):
    instruction = _instruction_to_a(people)
    row = instruction.addressees.get()
    instructions.answer_instruction(row, actor=people["inst_a"], text="Готово.")
    client.force_login(people["editor"])
    tracker = client.get(reverse("qp_tracker")).content.decode()
    assert "Поручения, ещё не принятые министерством" in tracker
    assert "№&nbsp;7-п от 01.12.2026" in tracker
    url = reverse("qp_instruction", args=[instruction.pk])
    client.post(url, {"addressee": row.pk, "action": "return", "reason": ""})
    row.refresh_from_db()
    assert row.state == AnswerState.ANSWERED  # a reason is required
    client.post(
        url, {"addressee": row.pk, "action": "return", "reason": "Нет фото стенда."}
    )
    row.refresh_from_db()
    assert row.state == AnswerState.RETURNED
    instructions.answer_instruction(row, actor=people["inst_a"], text="Фото есть.")
    client.post(url, {"addressee": row.pk, "action": "accept"})
    row.refresh_from_db()
    assert row.state == AnswerState.ACCEPTED
    tracker = client.get(reverse("qp_tracker")).content.decode()
    assert "№&nbsp;7-п от 01.12.2026" not in tracker


def test_website_check_screen_issues_with_one_click_and_recheck_closes(client, people):
    failed = save_website_check(
        people["a"],
        checked_on=dt.date(2026, 12, 1),
        items=SITE_ITEM_CODES[:3],
        channels=[],
        url="https://a.example.ru/",
    )
    from evaluation.admin.viewsets import WebsiteCheckViewSet

    edit_url = reverse(WebsiteCheckViewSet().get_url_name("edit"), args=[failed.pk])
    action_url = reverse("qp_instruction_website", args=[failed.pk])
    client.force_login(people["council"])
    assert _denied(client.post(action_url))
    client.force_login(people["editor"])
    screen = client.get(edit_url).content.decode()
    assert "Выдать поручение" in screen
    assert f'data-w-action-url-value="{action_url}"' in screen
    response = client.post(action_url)
    instruction = Instruction.objects.get(website_check=failed)
    assert response["Location"] == reverse("qp_instruction", args=[instruction.pk])
    assert "Выдать поручение" not in client.get(edit_url).content.decode()

    # A manual recheck entered in the admin that passes closes the instruction.
    add_url = reverse(WebsiteCheckViewSet().get_url_name("add"))
    response = client.post(
        add_url,
        {
            "organisation": people["a"].pk,
            "checked_on": "2026-12-10",
            "url": "https://a.example.ru/",
            "method": "manual",
            "items": list(SITE_ITEM_CODES),
            "channels": ["phone"],
            "questionnaire_url": "https://a.example.ru/anketa",
            "questionnaire_ok": "on",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = instruction.addressees.get()
    assert row.state == AnswerState.ACCEPTED
    assert row.accepted_on == dt.date(2026, 12, 10)
    assert AuditEvent.objects.filter(action="instruction.close").count() == 1


def test_public_card_shows_the_organisations_instructions(client, people):
    _instruction_to_a(people)
    home = HomePage.objects.first()
    directory = home.add_child(
        instance=OrganisationIndexPage(title="Организации", slug="organisations")
    )
    html = client.get(directory.card_url(people["a"])).content.decode()
    assert '<h2 id="org-instructions">Поручения министерства</h2>' in html
    assert "№&nbsp;7-п от&nbsp;1\xa0декабря\xa02026\xa0г." in html
    assert "Разместить на стенде сведения о вышестоящей организации." in html
    assert "<td>25\xa0декабря\xa02026\xa0г.</td>" in html
    other = client.get(directory.card_url(people["b"])).content.decode()
    assert "org-instructions" not in other
