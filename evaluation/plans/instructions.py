"""Instructions (поручения) of the ministry to organisations: the use cases.

Seed 001, Part II item 7 (instructions to directors after each НОК) and
item 11 (instructions to fix the defects the website monitoring found).

* :func:`issue_instruction` — an editor (the ministry) issues an instruction
  to one or many organisations; the due date is counted in working days of
  the production calendar (:data:`evaluation.deadlines.CALENDAR`) after the
  date of issue, or given as a date;
* :func:`answer_instruction` — the organisation's user answers (text and an
  optional file kept in the private storage);
* :func:`return_answer` and :func:`accept_answer` — the ministry returns the
  answer with a reason or accepts it;
* :func:`issue_for_website_check` raises an instruction from a failed website
  check with one click, and :func:`close_by_recheck` accepts it when a later
  check of the same organisation's site passes.

Each use case checks who acts, runs in one transaction, records an audit
event (``instruction.*``) and raises :class:`InstructionError` with a Russian
message. Reminders follow the schedule of :mod:`evaluation.obligations.reminders`
(:func:`plan_instruction_reminders`, sent by ``send_deadline_reminders``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from evaluation import roles, signals
from evaluation.audit import record
from evaluation.conf import evaluation_settings
from evaluation.deadlines import CALENDAR, WorkingCalendar
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    AnswerState,
    Campaign,
    CouncilDecision,
    Instruction,
    InstructionAddressee,
    InstructionSource,
    Organisation,
    ReminderKind,
    ResponseKind,
    WebsiteCheck,
)
from evaluation.regional.website import SITE_ITEMS
from evaluation.uploads import check_upload_size

#: Working days given by default to fix a website's defects.
WEBSITE_DUE_WORKING_DAYS = 10

#: Answer files: what may be uploaded (how large: ``UPLOAD_MAX_BYTES``).
ANSWER_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".jpg", ".png"}
)

REMINDER_SUBJECT = "Напоминание о сроке исполнения поручения министерства"


class InstructionError(EvaluationError):
    """An instruction cannot be issued or changed as asked; the message says why."""


def _changed() -> None:
    """Tell subscribers (the public cards' cache) once the transaction commits."""
    transaction.on_commit(lambda: signals.instructions_changed.send(sender=Instruction))


# --------------------------------------------------------------------------
# Who may do what


def can_issue(user) -> bool:
    """Only the ministry (editors) issues, accepts and returns."""
    return roles.is_editor(user)


def _check_editor(actor) -> None:
    if not can_issue(actor):
        raise InstructionError(
            "Выдавать поручения, принимать и возвращать ответы может только "
            "министерство (группа «Редакторы»)."
        )


def can_answer(user, addressee: InstructionAddressee) -> bool:
    """The organisation's own users answer (editors may enter a paper answer)."""
    return roles.can_manage_organisation(user, addressee.organisation)


def visible_addressees(user) -> QuerySet[InstructionAddressee]:
    """Addressee rows ``user`` may read: editors all, institutions their own."""
    rows = InstructionAddressee.objects.select_related(
        "instruction", "organisation"
    ).order_by("instruction__due_on", "organisation__short_name", "pk")
    if roles.is_editor(user):
        return rows
    return rows.filter(organisation__in=roles.organisations_of(user).values("pk"))


def can_view(user, addressee: InstructionAddressee) -> bool:
    return visible_addressees(user).filter(pk=addressee.pk).exists()


# --------------------------------------------------------------------------
# Issuing


def due_date(
    issued_on: date,
    *,
    working_days: int | None = None,
    due_on: date | None = None,
    calendar: WorkingCalendar = CALENDAR,
) -> date:
    """The due date: ``working_days`` after ``issued_on``, or ``due_on`` as given.

    Raises:
        InstructionError: neither or both given, or a date before the issue.
    """
    if (working_days is None) == (due_on is None):
        raise InstructionError(
            "Укажите срок исполнения: либо число рабочих дней, либо дату "
            "(но не то и другое)."
        )
    if working_days is not None:
        if working_days < 1:
            raise InstructionError(
                "Срок в рабочих днях должен быть не меньше одного дня."
            )
        return calendar.add_working_days(issued_on, working_days)
    if due_on < issued_on:
        raise InstructionError(
            f"Срок исполнения {due_on:%d.%m.%Y} раньше даты поручения "
            f"{issued_on:%d.%m.%Y}; укажите более позднюю дату."
        )
    return due_on


def _check_source(
    source: str,
    campaign: Campaign | None,
    website_check: WebsiteCheck | None,
    decision: CouncilDecision | None,
) -> None:
    if source not in InstructionSource.values:
        raise InstructionError(f"Неизвестное основание поручения: «{source}».")
    needed = {
        InstructionSource.CAMPAIGN: (campaign, "кампанию независимой оценки"),
        InstructionSource.WEBSITE: (website_check, "проверку сайта"),
        InstructionSource.COUNCIL: (decision, "решение общественного совета"),
    }
    value, what = needed[InstructionSource(source)]
    if value is None:
        raise InstructionError(f"Основание поручения не указано: выберите {what}.")


def next_number(issued_on: date) -> str:
    """The next free number of the year: ``<year>-<n>`` (for one-click issuing)."""
    taken = set(
        Instruction.objects.filter(issued_on__year=issued_on.year).values_list(
            "number", flat=True
        )
    )
    n = len(taken) + 1
    while f"{issued_on.year}-{n}" in taken:
        n += 1
    return f"{issued_on.year}-{n}"


@transaction.atomic
def issue_instruction(
    *,
    actor,
    number: str,
    issued_on: date,
    text: str,
    organisations: Iterable[Organisation],
    response_kind: str,
    source: str,
    campaign: Campaign | None = None,
    website_check: WebsiteCheck | None = None,
    decision: CouncilDecision | None = None,
    due_working_days: int | None = None,
    due_on: date | None = None,
) -> Instruction:
    """Issue an instruction to one or many organisations.

    Raises:
        InstructionError: the actor is not the ministry, or the number, text,
            addressees, source or due date are missing or wrong; nothing is
            written then.
    """
    _check_editor(actor)
    number = (number or "").strip()
    text = (text or "").strip()
    addressees = list(dict.fromkeys(organisations))
    if not number:
        raise InstructionError("Укажите номер поручения.")
    if not text:
        raise InstructionError("Укажите текст поручения.")
    if not addressees:
        raise InstructionError("Выберите хотя бы одну организацию-адресата.")
    if response_kind not in ResponseKind.values:
        raise InstructionError(
            f"Неизвестный вид ответа: «{response_kind}»; выберите документ, "
            "план мероприятий или устранение недостатка."
        )
    _check_source(source, campaign, website_check, decision)
    if website_check is not None and website_check.organisation not in addressees:
        raise InstructionError(
            "Поручение по проверке сайта адресуется организации, сайт которой "
            f"проверяли: «{website_check.organisation.short_name}»."
        )
    if Instruction.objects.filter(number=number, issued_on=issued_on).exists():
        raise InstructionError(
            f"Поручение № {number} от {issued_on:%d.%m.%Y} уже есть; "
            "укажите другой номер."
        )
    due = due_date(issued_on, working_days=due_working_days, due_on=due_on)
    instruction = Instruction.objects.create(
        number=number,
        issued_on=issued_on,
        text=text,
        source=source,
        campaign=campaign,
        website_check=website_check,
        decision=decision,
        due_working_days=due_working_days,
        due_on=due,
        response_kind=response_kind,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    InstructionAddressee.objects.bulk_create(
        InstructionAddressee(instruction=instruction, organisation=organisation)
        for organisation in addressees
    )
    _changed()
    record(
        "instruction.issue",
        instruction,
        f"{instruction} выдано: адресатов {len(addressees)}, срок {due:%d.%m.%Y}",
        actor,
        organisations=[organisation.pk for organisation in addressees],
        due_on=due.isoformat(),
        source=str(source),
    )
    return instruction


# --------------------------------------------------------------------------
# Answers


def _locked(addressee: InstructionAddressee) -> InstructionAddressee:
    return InstructionAddressee.objects.select_for_update().get(pk=addressee.pk)


def _check_file(upload: UploadedFile) -> None:
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in ANSWER_EXTENSIONS:
        allowed = ", ".join(sorted(ext[1:].upper() for ext in ANSWER_EXTENSIONS))
        raise InstructionError(f"Файл «{upload.name}» не принят: допустимы {allowed}.")
    check_upload_size(
        upload.size,
        evaluation_settings.UPLOAD_MAX_BYTES,
        filename=upload.name or "",
        error=InstructionError,
    )


@transaction.atomic
def answer_instruction(
    addressee: InstructionAddressee,
    *,
    actor,
    text: str,
    file: UploadedFile | None = None,
    on: date | None = None,
) -> InstructionAddressee:
    """The organisation answers (again, after a return).

    Raises:
        InstructionError: not the organisation's user, the answer is already
            with the ministry or accepted, or the answer is empty.
    """
    if not can_answer(actor, addressee):
        raise InstructionError(
            "Отвечать на поручение могут только пользователи организации-адресата."
        )
    addressee = _locked(addressee)
    if not addressee.is_open:
        raise InstructionError(
            f"Ответ на {addressee.instruction} уже "
            f"{'принят' if addressee.state == AnswerState.ACCEPTED else 'направлен'}; "
            "отвечать снова можно только после возврата на доработку."
        )
    text = (text or "").strip()
    if not text and file is None:
        raise InstructionError("Напишите ответ или приложите файл.")
    if file is not None:
        _check_file(file)
    again = addressee.state == AnswerState.RETURNED
    addressee.answer_text = text
    if file is not None:
        addressee.answer_filename = PurePosixPath(file.name).name[:255]
        addressee.answer_file.save(file.name, file, save=False)
    addressee.state = AnswerState.ANSWERED
    addressee.answered_on = on or timezone.localdate()
    addressee.answered_by = actor if getattr(actor, "pk", None) else None
    addressee.save()
    _changed()
    record(
        "instruction.answer",
        addressee,
        f"Ответ {'после доработки ' if again else ''}на {addressee.instruction}: "
        f"{addressee.organisation.short_name}, {addressee.answered_on:%d.%m.%Y}",
        actor,
        instruction=addressee.instruction_id,
        again=again,
        file=bool(addressee.answer_file),
    )
    return addressee


def _check_answered(addressee: InstructionAddressee, verb: str) -> None:
    if addressee.state != AnswerState.ANSWERED:
        raise InstructionError(
            f"{verb} можно только представленный ответ; сейчас: "
            f"«{addressee.get_state_display()}»."
        )


@transaction.atomic
def return_answer(
    addressee: InstructionAddressee, *, actor, reason: str
) -> InstructionAddressee:
    """The ministry returns the answer for rework, with a reason."""
    _check_editor(actor)
    addressee = _locked(addressee)
    _check_answered(addressee, "Вернуть на доработку")
    reason = (reason or "").strip()
    if not reason:
        raise InstructionError("Укажите причину возврата ответа на доработку.")
    addressee.state = AnswerState.RETURNED
    addressee.return_reason = reason
    addressee.save(update_fields=["state", "return_reason"])
    _changed()
    record(
        "instruction.return",
        addressee,
        f"Ответ на {addressee.instruction} возвращён "
        f"{addressee.organisation.short_name}: {reason[:300]}",
        actor,
        instruction=addressee.instruction_id,
        reason=reason,
    )
    return addressee


@transaction.atomic
def accept_answer(
    addressee: InstructionAddressee, *, actor, on: date | None = None
) -> InstructionAddressee:
    """The ministry accepts the answer: the instruction is done by that organisation."""
    _check_editor(actor)
    addressee = _locked(addressee)
    _check_answered(addressee, "Принять")
    addressee.state = AnswerState.ACCEPTED
    addressee.accepted_on = on or timezone.localdate()
    addressee.accepted_by = actor if getattr(actor, "pk", None) else None
    addressee.save(update_fields=["state", "accepted_on", "accepted_by"])
    _changed()
    record(
        "instruction.accept",
        addressee,
        f"Ответ на {addressee.instruction} принят: {addressee.organisation.short_name}",
        actor,
        instruction=addressee.instruction_id,
    )
    return addressee


# --------------------------------------------------------------------------
# Website monitoring follow-up (item 11)


def website_defects(check: WebsiteCheck) -> list[str]:
    """What the check found missing, in Russian; empty when the site passes.

    A site passes when it publishes every 886н item and a working link to the
    questionnaire (target indicator 2 of seed 001).
    """
    present = set(check.items or [])
    defects = [
        f"не размещены сведения: {label}"
        for code, label, _pattern in SITE_ITEMS
        if code not in present
    ]
    if not check.questionnaire_ok:
        defects.append("нет работающей ссылки на анкету для оценки качества")
    return defects


def open_website_instruction(check: WebsiteCheck) -> Instruction | None:
    """An instruction raised from ``check`` that is not yet accepted, if any."""
    return (
        Instruction.objects.filter(website_check=check)
        .exclude(addressees__state=AnswerState.ACCEPTED)
        .first()
    )


@transaction.atomic
def issue_for_website_check(
    check: WebsiteCheck,
    *,
    actor,
    issued_on: date | None = None,
    due_working_days: int = WEBSITE_DUE_WORKING_DAYS,
) -> Instruction:
    """One click: an instruction to fix what a failed website check found.

    Raises:
        InstructionError: the check passed, or an instruction on it is still open.
    """
    _check_editor(actor)
    defects = website_defects(check)
    if not defects:
        raise InstructionError(
            "Проверка сайта не выявила недостатков: поручение не требуется."
        )
    existing = open_website_instruction(check)
    if existing is not None:
        raise InstructionError(f"По этой проверке уже выдано {existing}.")
    issued_on = issued_on or timezone.localdate()
    organisation = check.organisation
    text = (
        f"Устранить недостатки официального сайта «{organisation.short_name}», "
        f"выявленные при проверке {check.checked_on:%d.%m.%Y}: "
        + "; ".join(defects)
        + "."
    )
    return issue_instruction(
        actor=actor,
        number=next_number(issued_on),
        issued_on=issued_on,
        text=text,
        organisations=[organisation],
        response_kind=ResponseKind.DEFECT_FIXED,
        source=InstructionSource.WEBSITE,
        website_check=check,
        due_working_days=due_working_days,
    )


@transaction.atomic
def close_by_recheck(check: WebsiteCheck, *, actor=None) -> list[InstructionAddressee]:
    """Accept the open website instructions a passing recheck settles.

    Called after every stored check; does nothing when ``check`` fails. An
    instruction raised from an earlier check of the same organisation is
    accepted on the recheck's date, audited as closed by the recheck.
    """
    if website_defects(check):
        return []
    rows = list(
        InstructionAddressee.objects.select_for_update()
        .filter(
            organisation=check.organisation,
            instruction__source=InstructionSource.WEBSITE,
            instruction__website_check__checked_on__lte=check.checked_on,
        )
        .exclude(instruction__website_check=check)
        .exclude(state=AnswerState.ACCEPTED)
        .select_related("instruction", "organisation")
    )
    for addressee in rows:
        addressee.state = AnswerState.ACCEPTED
        addressee.accepted_on = check.checked_on
        addressee.accepted_by = actor if getattr(actor, "pk", None) else None
        addressee.save(update_fields=["state", "accepted_on", "accepted_by"])
        _changed()
        record(
            "instruction.close",
            addressee,
            f"{addressee.instruction} исполнено: повторная проверка сайта "
            f"«{addressee.organisation.short_name}» от "
            f"{check.checked_on:%d.%m.%Y} недостатков не выявила",
            actor,
            instruction=addressee.instruction_id,
            website_check=check.pk,
        )
    return rows


# --------------------------------------------------------------------------
# Read side: cabinet, tracker and the public card


def current_for_organisation(
    organisation: Organisation,
) -> QuerySet[InstructionAddressee]:
    """Instructions of ``organisation`` not yet accepted, earliest due first."""
    return (
        InstructionAddressee.objects.filter(organisation=organisation)
        .exclude(state=AnswerState.ACCEPTED)
        .select_related("instruction")
        .order_by("instruction__due_on", "pk")
    )


@dataclass(frozen=True)
class PublicInstruction:
    """One line of «Поручения министерства» on an organisation's public card."""

    number: str
    issued_on: date
    text: str
    due_on: date
    state: str
    overdue: bool


def public_instructions(
    organisation: Organisation, *, today: date | None = None
) -> list[PublicInstruction]:
    """An organisation's instructions for its public card, newest first.

    Every issued instruction is public (bus.gov.ru shows nothing like it);
    the organisation's answers and files stay in the admin.
    """
    today = today or timezone.localdate()
    return [
        PublicInstruction(
            number=row.instruction.number,
            issued_on=row.instruction.issued_on,
            text=row.instruction.text,
            due_on=row.instruction.due_on,
            state=str(row.get_state_display()),
            overdue=row.is_overdue(today),
        )
        for row in InstructionAddressee.objects.filter(organisation=organisation)
        .select_related("instruction")
        .order_by("-instruction__issued_on", "-instruction__pk")
    ]


# --------------------------------------------------------------------------
# Reminders (the schedule of evaluation.obligations.reminders)


@dataclass(frozen=True)
class InstructionReminder:
    """One instruction to remind one organisation of on one day."""

    addressee: InstructionAddressee
    kind: str
    working_days: int
    recipients: tuple[str, ...] = ()

    @property
    def when(self) -> str:
        from evaluation.obligations.reminders import when_text

        return when_text(self.kind, self.working_days)


def plan_instruction_reminders(
    today: date, policy, *, calendar: WorkingCalendar = CALENDAR
) -> list[InstructionReminder]:
    """The reminders about open instructions due on ``today`` (reads only)."""
    from evaluation.obligations.reminders import (
        before_reminder_due,
        overdue_reminder_due,
    )

    if not calendar.is_working_day(today):
        return []
    items = []
    candidates = (
        InstructionAddressee.objects.filter(
            state__in=[AnswerState.ISSUED, AnswerState.RETURNED],
            organisation__is_active=True,
        )
        .select_related("instruction", "organisation")
        .order_by("instruction__due_on", "organisation__short_name", "pk")
    )
    for addressee in candidates:
        due = addressee.instruction.due_on
        logs = [log for log in addressee.reminders if log.get("deadline") == str(due)]
        overdue_days = [
            date.fromisoformat(log["sent_on"])
            for log in logs
            if log["kind"] == ReminderKind.OVERDUE
        ]
        if before_reminder_due(
            due,
            today,
            policy,
            already_sent=any(log["kind"] == ReminderKind.BEFORE for log in logs),
            calendar=calendar,
        ):
            left = calendar.working_days_between(today, due)
            items.append(InstructionReminder(addressee, ReminderKind.BEFORE, left))
        elif overdue_reminder_due(
            due, today, policy, sent_on=overdue_days, calendar=calendar
        ):
            late = calendar.working_days_between(due, today)
            items.append(InstructionReminder(addressee, ReminderKind.OVERDUE, late))
    return items


def _recipients(organisation_ids: set[int]) -> dict[int, list]:
    users_of: dict[int, list] = defaultdict(list)
    for user in (
        get_user_model()
        .objects.filter(qp_organisations__in=organisation_ids, is_active=True)
        .exclude(email="")
        .prefetch_related("qp_organisations")
        .distinct()
        .order_by("pk")
    ):
        for organisation in user.qp_organisations.all():
            if organisation.pk in organisation_ids:
                users_of[organisation.pk].append(user)
    return users_of


def _claim(items: Sequence[InstructionReminder], today: date) -> list:
    claimed = []
    for item in items:
        with transaction.atomic():
            addressee = _locked(item.addressee)
            entry = {
                "kind": str(item.kind),
                "sent_on": today.isoformat(),
                "deadline": addressee.instruction.due_on.isoformat(),
            }
            if entry in addressee.reminders:
                continue
            addressee.reminders = [*addressee.reminders, entry]
            addressee.save(update_fields=["reminders"])
        claimed.append(item)
    return claimed


def send_instruction_reminders(
    today: date, policy, *, dry_run: bool = False
) -> tuple[list[InstructionReminder], list[EmailMultiAlternatives]]:
    """Remind the organisations' users of their open instructions.

    One message per user and run listing the user's instructions; each
    reminder is logged on its addressee row (per deadline) before sending,
    so a second run the same day sends nothing again. With ``dry_run``
    nothing is written or sent. Returns the reminders and the messages.
    """
    items = plan_instruction_reminders(today, policy)
    if not items:
        return [], []
    if not dry_run:
        items = _claim(items, today)
    users_of = _recipients({item.addressee.organisation_id for item in items})
    by_user: dict[int, list[InstructionReminder]] = defaultdict(list)
    users = {}
    for item in items:
        for user in users_of.get(item.addressee.organisation_id, []):
            by_user[user.pk].append(item)
            users[user.pk] = user
    messages = []
    for pk, owed in sorted(by_user.items()):
        user = users[pk]
        context = {
            "name": user.get_full_name() or user.get_username(),
            "items": owed,
            "today": today,
        }
        email = EmailMultiAlternatives(
            subject=REMINDER_SUBJECT,
            body=render_to_string(
                "evaluation/instructions/reminder_email.txt", context
            ),
            to=[user.email],
        )
        email.attach_alternative(
            render_to_string("evaluation/instructions/reminder_email.html", context),
            "text/html",
        )
        messages.append(email)
    if not dry_run:
        for item in items:
            record(
                "instruction.remind",
                item.addressee,
                f"Напоминание о сроке: {item.addressee.instruction}, "
                f"{item.addressee.organisation.short_name} — {item.when}",
                kind=str(item.kind),
                date=today.isoformat(),
            )
    return items, messages
