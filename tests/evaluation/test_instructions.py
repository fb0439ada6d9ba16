"""Instructions of the ministry (issue #25, item 1): life, deadlines, reminders.

The life of one instruction across the May holidays of 2024 (production
calendar of the Government decree of 10.08.2023 No. 1314: 28 April – 1 May and
9–12 May were days off, Saturday 27 April a working day):

* issued on Friday 26 April 2024 with 5 working days: 27 April, 2, 3, 6 and
  7 May — due Tuesday 7 May;
* reminded on Thursday 2 May (3, 6 and 7 May are the three working days left);
* answered on 6 May, returned on 8 May (overdue: reminded that day, one
  working day after the deadline), answered late on 13 May, accepted on 14 May.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation import files
from evaluation.deadlines import SubmissionState
from evaluation.models import (
    AnswerState,
    AuditEvent,
    Instruction,
    InstructionAddressee,
    InstructionSource,
    ReminderKind,
    ResponseKind,
)
from evaluation.obligations.reminders import ReminderPolicy, send_deadline_reminders
from evaluation.plans import instructions
from evaluation.plans.instructions import InstructionError
from evaluation.regional.services import save_website_check
from evaluation.regional.website import SITE_ITEM_CODES
from tests.factories.helpers import campaign_people, nok_campaign
from tests.factories.questionnaire import organisation

pytestmark = pytest.mark.django_db

KRASNOYARSK = ZoneInfo("Asia/Krasnoyarsk")
POLICY = ReminderPolicy(editor_digest=False)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=KRASNOYARSK)


@pytest.fixture
def people(django_user_model):
    def user(name, group):
        account = django_user_model.objects.create_user(
            name, f"{name}@example.ru", first_name=name.capitalize()
        )
        account.groups.add(Group.objects.get(name=group))
        return account

    a = organisation("KCSON-A", short_name="КЦСОН А")
    b = organisation("KCSON-B", short_name="КЦСОН Б")
    nok = nok_campaign(2023, a, b)
    users = campaign_people(nok, a, b, user)
    return {"a": a, "b": b, "nok": nok, **users}


def _issue(people, **extra) -> Instruction:
    values = {
        "actor": people["editor"],
        "number": "12-п",
        "issued_on": dt.date(2024, 4, 26),
        "text": "Представить план устранения недостатков по итогам НОК 2023.",
        "organisations": [people["a"], people["b"]],
        "response_kind": ResponseKind.PLAN,
        "source": InstructionSource.CAMPAIGN,
        "campaign": people["nok"],
        "due_working_days": 5,
    }
    values.update(extra)
    return instructions.issue_instruction(**values)


def _run(day: dt.date):
    before = len(mail.outbox)
    with time_machine.travel(at(day), tick=False):
        run = send_deadline_reminders(policy=POLICY)
    return run, mail.outbox[before:]


def test_life_issued_answered_returned_answered_accepted(people):
    instruction = _issue(people)
    assert instruction.due_on == dt.date(2024, 5, 7)
    row = instruction.addressees.get(organisation=people["a"])
    assert row.state == AnswerState.ISSUED
    assert row.deadline_state(dt.date(2024, 4, 29)) == SubmissionState.PENDING

    # 29 April – 1 May are days off: nothing goes out; 2 May: 3 working days left.
    run, sent = _run(dt.date(2024, 4, 30))
    assert run.instructions == [] and sent == []
    run, sent = _run(dt.date(2024, 5, 2))
    assert [
        (r.addressee.organisation.short_name, r.kind) for r in run.instructions
    ] == [
        ("КЦСОН А", ReminderKind.BEFORE),
        ("КЦСОН Б", ReminderKind.BEFORE),
    ]
    assert sorted(message.to[0] for message in sent) == [
        "inst_a@example.ru",
        "inst_b@example.ru",
    ]
    body = next(m for m in sent if m.to == ["inst_a@example.ru"]).body
    assert "Поручение № 12-п от 26.04.2024" in body
    assert "Срок: 07.05.2024 — до срока осталось 3 рабочих дня" in body
    # A second run the same day and the next day send nothing again.
    assert _run(dt.date(2024, 5, 2))[1] == []
    assert _run(dt.date(2024, 5, 3))[1] == []

    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")
    row = instructions.answer_instruction(
        row,
        actor=people["inst_a"],
        text="План утверждён приказом № 5.",
        file=upload,
        on=dt.date(2024, 5, 6),
    )
    assert row.state == AnswerState.ANSWERED
    assert row.answer_filename == "plan.pdf"
    assert row.answer_file.name.startswith("instructions/")
    assert files.may_read(people["inst_a"], row.answer_file.name)
    assert not files.may_read(people["inst_b"], row.answer_file.name)
    assert files.may_read(people["editor"], row.answer_file.name)
    assert row.deadline_state(dt.date(2024, 5, 8)) == SubmissionState.ON_TIME

    row = instructions.return_answer(
        row, actor=people["editor"], reason="Нет сроков мероприятий."
    )
    assert row.state == AnswerState.RETURNED
    assert row.return_reason == "Нет сроков мероприятий."
    assert row.is_overdue(dt.date(2024, 5, 8))

    # 8 May: one working day after the deadline; both organisations owe.
    run, sent = _run(dt.date(2024, 5, 8))
    assert [(r.addressee.organisation.short_name, r.kind, r.working_days) for r in run.instructions] == [
        ("КЦСОН А", ReminderKind.OVERDUE, 1),
        ("КЦСОН Б", ReminderKind.OVERDUE, 1),
    ]  # fmt: skip
    assert "срок пропущен 1 рабочий день назад" in sent[0].body

    row = instructions.answer_instruction(
        row,
        actor=people["inst_a"],
        text="Сроки добавлены.",
        on=dt.date(2024, 5, 13),
    )
    assert row.state == AnswerState.ANSWERED
    assert row.deadline_state(dt.date(2024, 5, 14)) == SubmissionState.LATE
    row = instructions.accept_answer(
        row, actor=people["editor"], on=dt.date(2024, 5, 14)
    )
    assert row.state == AnswerState.ACCEPTED
    assert row.accepted_on == dt.date(2024, 5, 14)
    assert row.accepted_by == people["editor"]

    # Only Б is still reminded, five working days after 8 May (9–12 May off).
    run, _sent = _run(dt.date(2024, 5, 16))
    assert run.instructions == []
    run, sent = _run(dt.date(2024, 5, 17))
    assert [r.addressee.organisation.short_name for r in run.instructions] == [
        "КЦСОН Б"
    ]
    assert [m.to for m in sent] == [["inst_b@example.ru"]]

    actions = list(
        AuditEvent.objects.filter(action__startswith="instruction.")
        .exclude(action="instruction.remind")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("instruction.issue", "editor"),
        ("instruction.answer", "inst_a"),
        ("instruction.return", "editor"),
        ("instruction.answer", "inst_a"),
        ("instruction.accept", "editor"),
    ]
    assert AuditEvent.objects.filter(action="instruction.remind").count() == 5


def test_due_as_a_date_and_bad_input_writes_nothing(people):
    instruction = _issue(
        people, due_working_days=None, due_on=dt.date(2024, 6, 1), number="13"
    )
    assert instruction.due_on == dt.date(2024, 6, 1)
    assert instruction.due_working_days is None

    cases = [
        ({"organisations": []}, "Выберите хотя бы одну организацию-адресата."),
        ({"text": "  "}, "Укажите текст поручения."),
        (
            {"due_working_days": None},
            "Укажите срок исполнения: либо число рабочих дней, либо дату "
            "(но не то и другое).",
        ),
        (
            {"due_working_days": None, "due_on": dt.date(2024, 4, 1)},
            "Срок исполнения 01.04.2024 раньше даты поручения 26.04.2024; "
            "укажите более позднюю дату.",
        ),
        ({"campaign": None}, "Основание поручения не указано: выберите кампанию независимой оценки."),
        ({"number": "13", "issued_on": dt.date(2024, 4, 26)}, "Поручение № 13 от 26.04.2024 уже есть; укажите другой номер."),
    ]  # fmt: skip
    for extra, message in cases:
        with pytest.raises(InstructionError) as error:
            _issue(people, **extra)
        assert str(error.value) == message
    assert Instruction.objects.count() == 1
    assert InstructionAddressee.objects.count() == 2


def test_who_may_issue_answer_and_decide(people):
    for role in ("council", "operator", "inst_a"):
        with pytest.raises(InstructionError, match="может только министерство"):
            _issue(people, actor=people[role], number=f"x-{role}")
    assert Instruction.objects.count() == 0

    instruction = _issue(people)
    row_a = instruction.addressees.get(organisation=people["a"])
    row_b = instruction.addressees.get(organisation=people["b"])
    assert list(instructions.visible_addressees(people["inst_a"])) == [row_a]
    assert list(instructions.visible_addressees(people["inst_b"])) == [row_b]
    assert list(instructions.visible_addressees(people["council"])) == []
    assert list(instructions.visible_addressees(people["operator"])) == []
    assert instructions.visible_addressees(people["editor"]).count() == 2

    with pytest.raises(InstructionError, match="только пользователи организации"):
        instructions.answer_instruction(row_b, actor=people["inst_a"], text="Чужой")
    with pytest.raises(InstructionError, match="Напишите ответ или приложите файл"):
        instructions.answer_instruction(row_a, actor=people["inst_a"], text=" ")
    with pytest.raises(InstructionError, match="Принять можно только"):
        instructions.accept_answer(row_a, actor=people["editor"])
    bad = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    with pytest.raises(InstructionError, match=re.escape("Файл «run.exe» не принят")):
        instructions.answer_instruction(
            row_a, actor=people["inst_a"], text="Ответ", file=bad
        )
    row_a.refresh_from_db()
    assert row_a.state == AnswerState.ISSUED and row_a.answer_text == ""

    instructions.answer_instruction(row_a, actor=people["inst_a"], text="Готово")
    for role in ("inst_a", "council", "operator"):
        with pytest.raises(InstructionError, match="может только министерство"):
            instructions.accept_answer(row_a, actor=people[role])
    with pytest.raises(InstructionError, match="Укажите причину возврата"):
        instructions.return_answer(row_a, actor=people["editor"], reason="")
    with pytest.raises(InstructionError, match="уже направлен"):
        instructions.answer_instruction(row_a, actor=people["inst_a"], text="Ещё")


def _check(people, day: dt.date, *, complete: bool):
    items = SITE_ITEM_CODES if complete else SITE_ITEM_CODES[:-2]
    return save_website_check(
        people["a"],
        checked_on=day,
        items=items,
        channels=["phone"],
        questionnaire_url="https://a.example.ru/anketa" if complete else "",
        questionnaire_ok=complete,
        url="https://a.example.ru/",
        actor=people["editor"],
    )


def test_failed_website_check_instruction_closed_by_passing_recheck(people):
    failed = _check(people, dt.date(2024, 4, 26), complete=False)
    assert instructions.website_defects(failed) == [
        "не размещены сведения: Предписания органов контроля и отчёты об их исполнении",
        "не размещены сведения: Независимая оценка качества",
        "нет работающей ссылки на анкету для оценки качества",
    ]
    with time_machine.travel(at(dt.date(2024, 4, 26)), tick=False):
        instruction = instructions.issue_for_website_check(
            failed, actor=people["editor"]
        )
    assert instruction.number == "2024-1"
    assert instruction.source == InstructionSource.WEBSITE
    assert instruction.response_kind == ResponseKind.DEFECT_FIXED
    # 10 working days: 27 April, 2, 3, 6, 7, 8, 13, 14, 15 and 16 May.
    assert instruction.due_on == dt.date(2024, 5, 16)
    assert instruction.text.startswith(
        "Устранить недостатки официального сайта «КЦСОН А», выявленные при "
        "проверке 26.04.2024: не размещены сведения: Предписания"
    )
    assert [row.organisation for row in instruction.addressees.all()] == [people["a"]]
    with pytest.raises(InstructionError, match="По этой проверке уже выдано"):
        instructions.issue_for_website_check(failed, actor=people["editor"])
    with pytest.raises(InstructionError, match="может только министерство"):
        instructions.issue_for_website_check(failed, actor=people["council"])

    # A recheck that still fails leaves it open; one that passes closes it.
    _check(people, dt.date(2024, 5, 6), complete=False)
    row = instruction.addressees.get()
    assert row.state == AnswerState.ISSUED
    passed = _check(people, dt.date(2024, 5, 13), complete=True)
    row.refresh_from_db()
    assert row.state == AnswerState.ACCEPTED
    assert row.accepted_on == dt.date(2024, 5, 13)
    closed = AuditEvent.objects.get(action="instruction.close")
    assert closed.summary == (
        "Поручение № 2024-1 от 26.04.2024 исполнено: повторная проверка сайта "
        "«КЦСОН А» от 13.05.2024 недостатков не выявила"
    )
    assert closed.data["website_check"] == passed.pk
    with pytest.raises(InstructionError, match="не выявила недостатков"):
        instructions.issue_for_website_check(passed, actor=people["editor"])
