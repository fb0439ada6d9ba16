"""Deadline reminders: who is reminded of which document, and when.

Counting is in working days of the Russian production calendar
(:data:`evaluation.deadlines.CALENDAR`), with the settings of
:mod:`evaluation.conf`:

* **before a deadline** — one reminder, on the first run at most
  ``REMINDER_DAYS_BEFORE`` working days before the deadline (the deadline day
  itself included). With the default of 3 and a daily run, a document due on
  Tuesday 7 May 2024 is reminded of on Thursday 2 May: 29 and 30 April and
  1 May 2024 were days off, so 3, 6 and 7 May are the three working days left;
* **after a missed deadline** — a first reminder ``REMINDER_DAYS_AFTER``
  working days after it, then every ``REMINDER_REPEAT_EVERY`` working days
  (0: only once), at most ``REMINDER_MAX_OVERDUE`` times, while the document
  is still missing. Documents missed longer ago than that schedule needs
  (:attr:`ReminderPolicy.overdue_horizon`, 16 working days by default) are
  not reminded of, so the first run does not e-mail about old campaigns.

Reminders go out only on working days; a run on a day off sends nothing, and
the next working day's run catches up (the "before" window and the overdue
intervals are ranges, not single days). Every reminder is written to
:class:`~evaluation.models.ReminderLog` (unique per submission, kind and day)
before the e-mails are sent, so running the command twice a day, or two runs
at once, sends each reminder once. A failed e-mail is logged and not retried.
Each log names the deadline it was about: when an editor moves a deadline,
the schedule starts again for the new date (one reminder a day at most).

Recipients: the active users bound to the organisation
(``Organisation.users``) with an e-mail address get one message per run
listing all their items; editors (the ``Редакторы`` group) get a digest of
the overdue reminders of the run, including documents of organisations with
nobody to remind. Documents of draft campaigns and inactive organisations are
skipped. The duties of the РМЦ and the ministry department
(:class:`~evaluation.models.Obligation`) follow the same schedule and are
e-mailed to the editors in a message of their own.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from evaluation import roles
from evaluation.audit import record
from evaluation.conf import evaluation_settings
from evaluation.deadlines import CALENDAR, WorkingCalendar
from evaluation.enums import CampaignStatus
from evaluation.models import (
    Campaign,
    Obligation,
    ReminderKind,
    ReminderLog,
    Submission,
)

logger = logging.getLogger(__name__)

REMINDER_SUBJECT = "Напоминание о сроках представления документов"
DIGEST_SUBJECT = "Просроченные документы: сводка для редакторов"
OBLIGATIONS_SUBJECT = "Сроки КГКУ «РМЦ» и министерства: напоминание редакторам"


# --------------------------------------------------------------- pure rules


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders are due, in working days (see the module docstring)."""

    days_before: int = 3
    days_after: int = 1
    repeat_every: int = 5
    max_overdue: int = 3
    editor_digest: bool = True

    def __post_init__(self) -> None:
        for name in ("days_before", "days_after", "repeat_every", "max_overdue"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(
                    f"Настройка напоминаний {name} должна быть целым "
                    f"неотрицательным числом, получено: {value!r}."
                )

    @property
    def overdue_horizon(self) -> int:
        """Working days after a deadline past which nobody is reminded any more.

        Long enough for every scheduled overdue reminder; it keeps a first run
        (or a run after the settings change) from e-mailing about documents
        missed long ago: those are for editors to chase in «Контроль сроков».
        """
        return self.days_after + max(self.repeat_every, 1) * self.max_overdue

    @classmethod
    def from_settings(cls) -> ReminderPolicy:
        """The policy configured in ``QP_EVALUATION`` (or the defaults)."""
        return cls(
            days_before=evaluation_settings.REMINDER_DAYS_BEFORE,
            days_after=evaluation_settings.REMINDER_DAYS_AFTER,
            repeat_every=evaluation_settings.REMINDER_REPEAT_EVERY,
            max_overdue=evaluation_settings.REMINDER_MAX_OVERDUE,
            editor_digest=evaluation_settings.REMINDER_EDITOR_DIGEST,
        )


def before_reminder_due(
    deadline: date,
    today: date,
    policy: ReminderPolicy,
    *,
    already_sent: bool,
    calendar: WorkingCalendar = CALENDAR,
) -> bool:
    """Whether the one "deadline is near" reminder goes out on ``today``.

    Due when it was not sent yet and the deadline is today or one of the next
    ``days_before`` working days.
    """
    if already_sent or today > deadline:
        return False
    return calendar.working_days_between(today, deadline) <= policy.days_before


def overdue_reminder_due(
    deadline: date,
    today: date,
    policy: ReminderPolicy,
    *,
    sent_on: Sequence[date],
    calendar: WorkingCalendar = CALENDAR,
) -> bool:
    """Whether an overdue reminder goes out on ``today``.

    ``sent_on`` are the days earlier overdue reminders went out. The first is
    due ``days_after`` working days after the deadline; the next ones every
    ``repeat_every`` working days after the last (never when it is 0); none
    after ``max_overdue``.
    """
    if today <= deadline or len(sent_on) >= policy.max_overdue:
        return False
    late = calendar.working_days_between(deadline, today)
    if late > policy.overdue_horizon:
        return False
    if not sent_on:
        return late >= policy.days_after
    if policy.repeat_every == 0:
        return False
    return calendar.working_days_between(max(sent_on), today) >= policy.repeat_every


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n``: 1 день, 2 дня, 5 дней, 21 день."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def working_days_text(n: int) -> str:
    """ "3 рабочих дня", "1 рабочий день", "5 рабочих дней"."""
    return f"{n} " + plural(n, "рабочий день", "рабочих дня", "рабочих дней")


def when_text(kind: str, working_days: int) -> str:
    """Russian phrase: how far the deadline is ("до срока осталось 3 рабочих дня")."""
    if kind == ReminderKind.OVERDUE:
        return f"срок пропущен {working_days_text(working_days)} назад"
    if working_days == 0:
        return "срок истекает сегодня"
    return f"до срока осталось {working_days_text(working_days)}"


# --------------------------------------------------------------- planning


@dataclass(frozen=True)
class ReminderItem:
    """One document to remind about on one day."""

    submission: Submission
    kind: str
    #: Working days left (before) or past the deadline (overdue).
    working_days: int
    recipients: tuple[str, ...] = ()

    @property
    def organisation(self):
        return self.submission.organisation

    @property
    def campaign(self) -> Campaign:
        return self.submission.campaign

    @property
    def document(self) -> str:
        return str(self.submission.get_kind_display())

    @property
    def deadline(self) -> date:
        return self.submission.deadline

    @property
    def when(self) -> str:
        """Russian phrase: how far the deadline is."""
        return when_text(self.kind, self.working_days)


@dataclass(frozen=True)
class ObligationReminder:
    """One duty of the РМЦ or the ministry department to remind editors of."""

    obligation: Obligation
    kind: str
    #: Working days left (before) or past the deadline (overdue).
    working_days: int

    @property
    def campaign(self) -> Campaign:
        return self.obligation.campaign

    @property
    def deadline(self) -> date:
        return self.obligation.deadline

    @property
    def when(self) -> str:
        """Russian phrase: how far the deadline is."""
        return when_text(self.kind, self.working_days)


@dataclass(frozen=True)
class Message:
    """One e-mail of a run: to whom and about what."""

    to: str
    name: str
    items: tuple[ReminderItem, ...]
    digest: bool = False
    #: Duties of the РМЦ and the department (editors' e-mails only).
    obligations: tuple[ObligationReminder, ...] = ()


@dataclass
class ReminderRun:
    """What a run found and (unless a dry run) sent."""

    today: date
    dry_run: bool
    working_day: bool = True
    items: list[ReminderItem] = field(default_factory=list)
    obligations: list[ObligationReminder] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: Reminders about open instructions (:mod:`evaluation.plans.instructions`).
    instructions: list = field(default_factory=list)

    @property
    def before(self) -> list[ReminderItem]:
        return [item for item in self.items if item.kind == ReminderKind.BEFORE]

    @property
    def overdue(self) -> list[ReminderItem]:
        return [item for item in self.items if item.kind == ReminderKind.OVERDUE]

    @property
    def sent(self) -> int:
        return 0 if self.dry_run else len(self.messages) - len(self.failed)


def _display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _candidates() -> Iterable[Submission]:
    return (
        Submission.objects.filter(
            received_on__isnull=True,
            organisation__is_active=True,
        )
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign", "organisation")
        .prefetch_related("reminders")
        .order_by("deadline", "organisation__short_name", "pk")
    )


def plan_reminders(
    today: date, policy: ReminderPolicy, *, calendar: WorkingCalendar = CALENDAR
) -> list[ReminderItem]:
    """The reminders due on ``today`` (reads only)."""
    if not calendar.is_working_day(today):
        return []
    items: list[ReminderItem] = []
    for submission in _candidates():
        # Only reminders about the current deadline count: a moved deadline
        # starts the schedule again (older logs without a deadline count as
        # about the current one, so nothing is sent twice after an upgrade).
        logs = [
            log
            for log in submission.reminders.all()
            if log.deadline is None or log.deadline == submission.deadline
        ]
        before_sent = any(log.kind == ReminderKind.BEFORE for log in logs)
        overdue_days = [log.sent_on for log in logs if log.kind == ReminderKind.OVERDUE]
        due = _due_reminder(
            submission.deadline, today, policy, before_sent, overdue_days, calendar
        )
        if due is not None:
            items.append(ReminderItem(submission, *due))
    return items


def _due_reminder(
    deadline: date,
    today: date,
    policy: ReminderPolicy,
    before_sent: bool,
    overdue_days: list[date],
    calendar: WorkingCalendar,
) -> tuple[ReminderKind, int] | None:
    """The reminder about ``deadline`` due on ``today``: its kind and the working
    days left (before) or late (overdue); None when none is due."""
    if before_reminder_due(
        deadline, today, policy, already_sent=before_sent, calendar=calendar
    ):
        return ReminderKind.BEFORE, calendar.working_days_between(today, deadline)
    if overdue_reminder_due(
        deadline, today, policy, sent_on=overdue_days, calendar=calendar
    ):
        return ReminderKind.OVERDUE, calendar.working_days_between(deadline, today)
    return None


def plan_obligation_reminders(
    today: date, policy: ReminderPolicy, *, calendar: WorkingCalendar = CALENDAR
) -> list[ObligationReminder]:
    """The reminders about the РМЦ's and the department's duties due on ``today``.

    The same schedule as for documents; what was sent is kept on the
    obligation (``Obligation.reminders``), per deadline.
    """
    if not calendar.is_working_day(today):
        return []
    items: list[ObligationReminder] = []
    candidates = (
        Obligation.objects.filter(done_on__isnull=True)
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign")
        .order_by("deadline", "pk")
    )
    for obligation in candidates:
        logs = [
            log
            for log in obligation.reminders
            if log.get("deadline") == obligation.deadline.isoformat()
        ]
        overdue_days = [
            date.fromisoformat(log["sent_on"])
            for log in logs
            if log["kind"] == ReminderKind.OVERDUE
        ]
        before_sent = any(log["kind"] == ReminderKind.BEFORE for log in logs)
        due = _due_reminder(
            obligation.deadline, today, policy, before_sent, overdue_days, calendar
        )
        if due is not None:
            items.append(ObligationReminder(obligation, *due))
    return items


def _claim_obligations(
    items: Sequence[ObligationReminder], today: date
) -> list[ObligationReminder]:
    """Log each reminder on its obligation; skip those another run logged today."""
    claimed = []
    for item in items:
        with transaction.atomic():
            obligation = Obligation.objects.select_for_update().get(
                pk=item.obligation.pk
            )
            entry = {
                "kind": str(item.kind),
                "sent_on": today.isoformat(),
                "deadline": obligation.deadline.isoformat(),
            }
            if entry in obligation.reminders:
                continue
            obligation.reminders = [*obligation.reminders, entry]
            obligation.save(update_fields=["reminders"])
        claimed.append(item)
    return claimed


def _institution_messages(items: Sequence[ReminderItem]) -> list[Message]:
    by_user: dict[int, list[ReminderItem]] = defaultdict(list)
    users: dict[int, object] = {}
    organisation_ids = {item.submission.organisation_id for item in items}
    user_model = get_user_model()
    bound = (
        user_model.objects.filter(qp_organisations__in=organisation_ids, is_active=True)
        .exclude(email="")
        .values_list("pk", "qp_organisations")
    )
    users_of: dict[int, set[int]] = defaultdict(set)
    for user_pk, organisation_pk in bound:
        users_of[organisation_pk].add(user_pk)
    for user in user_model.objects.filter(
        pk__in={pk for pks in users_of.values() for pk in pks}
    ):
        users[user.pk] = user
    for item in items:
        for user_pk in sorted(users_of[item.submission.organisation_id]):
            by_user[user_pk].append(item)
    return [
        Message(
            to=users[pk].email,
            name=_display_name(users[pk]),
            items=tuple(owed),
        )
        for pk, owed in sorted(by_user.items())
    ]


def _editors() -> list:
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.EDITOR, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _with_recipients(
    items: Sequence[ReminderItem], messages: Sequence[Message]
) -> list[ReminderItem]:
    to: dict[int, list[str]] = defaultdict(list)
    for message in messages:
        for item in message.items:
            to[item.submission.pk].append(message.to)
    return [
        ReminderItem(
            item.submission, item.kind, item.working_days, tuple(to[item.submission.pk])
        )
        for item in items
    ]


def _claim(items: Sequence[ReminderItem], today: date) -> list[ReminderItem]:
    """Write the logs; keep only the items no other run has claimed today."""
    claimed = []
    for item in items:
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    submission=item.submission,
                    kind=item.kind,
                    sent_on=today,
                    deadline=item.submission.deadline,
                    recipients=list(item.recipients),
                )
        except IntegrityError:
            continue
        claimed.append(item)
    return claimed


def _admin_links() -> dict[str, str]:
    base = str(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/")
    if not base:
        return {}
    links = {}
    for key, name in (
        ("admin_url", "wagtailadmin_home"),
        ("tracker_url", "qp_tracker"),
    ):
        try:
            links[key] = base + reverse(name)
        except NoReverseMatch:
            continue
    return links


def _render(message: Message, today: date) -> EmailMultiAlternatives:
    context = {
        "name": message.name,
        "items": message.items,
        "today": today,
        **_admin_links(),
    }
    if message.obligations:
        context["obligations"] = message.obligations
        template, subject = "obligations_email", OBLIGATIONS_SUBJECT
    elif message.digest:
        template, subject = "digest_email", DIGEST_SUBJECT
    else:
        template, subject = "reminder_email", REMINDER_SUBJECT
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"evaluation/tracker/{template}.txt", context),
        to=[message.to],
    )
    email.attach_alternative(
        render_to_string(f"evaluation/tracker/{template}.html", context), "text/html"
    )
    return email


def send_deadline_reminders(
    today: date | None = None,
    *,
    dry_run: bool = False,
    policy: ReminderPolicy | None = None,
) -> ReminderRun:
    """Send the reminders due on ``today`` (see the module docstring).

    With ``dry_run`` nothing is written or sent; the run lists what would go.
    Records one ``reminders.send`` audit event per campaign concerned.
    """
    today = today or timezone.localdate()
    policy = policy or ReminderPolicy.from_settings()
    run = ReminderRun(today=today, dry_run=dry_run)
    if not CALENDAR.is_working_day(today):
        run.working_day = False
        return run
    planned = plan_reminders(today, policy)
    messages = _institution_messages(planned)
    planned = _with_recipients(planned, messages)
    if not dry_run:
        with transaction.atomic():
            planned = _claim(planned, today)
            claimed = {(item.submission.pk, item.kind) for item in planned}
            messages = [
                Message(
                    message.to,
                    message.name,
                    tuple(
                        item
                        for item in message.items
                        if (item.submission.pk, item.kind) in claimed
                    ),
                )
                for message in messages
            ]
            messages = [message for message in messages if message.items]
            _record(planned, today, messages)
    run.items = planned
    run.messages = list(messages)
    overdue = run.overdue
    if policy.editor_digest and overdue:
        run.messages += [
            Message(editor.email, _display_name(editor), tuple(overdue), digest=True)
            for editor in _editors()
        ]
    duties = plan_obligation_reminders(today, policy)
    if duties and not dry_run:
        duties = _claim_obligations(duties, today)
    run.obligations = duties
    if duties:
        run.messages += [
            Message(editor.email, _display_name(editor), (), obligations=tuple(duties))
            for editor in _editors()
        ]
    from evaluation.plans.instructions import send_instruction_reminders

    run.instructions, instruction_emails = send_instruction_reminders(
        today, policy, dry_run=dry_run
    )
    if dry_run:
        return run
    for message in run.messages:
        try:
            _render(message, today).send()
        except OSError as error:  # smtplib.SMTPException is an OSError
            logger.error("Напоминание для %s не отправлено: %s", message.to, error)
            run.failed.append(message.to)
    for email in instruction_emails:
        try:
            email.send()
        except OSError as error:
            logger.error("Напоминание для %s не отправлено: %s", email.to[0], error)
            run.failed.append(email.to[0])
    logger.info(
        "Напоминания о сроках %s: до срока %d, просрочено %d, писем %d, ошибок %d",
        today.isoformat(),
        len(run.before),
        len(run.overdue),
        run.sent,
        len(run.failed),
    )
    return run


def _record(
    items: Sequence[ReminderItem], today: date, messages: Sequence[Message]
) -> None:
    by_campaign: dict[int, list[ReminderItem]] = defaultdict(list)
    campaigns: dict[int, Campaign] = {}
    for item in items:
        by_campaign[item.campaign.pk].append(item)
        campaigns[item.campaign.pk] = item.campaign
    for pk, owed in by_campaign.items():
        before = sum(item.kind == ReminderKind.BEFORE for item in owed)
        overdue = len(owed) - before
        addressed = {
            message.to
            for message in messages
            if any(item.campaign.pk == pk for item in message.items)
        }
        record(
            "reminders.send",
            campaigns[pk],
            f"Напоминания о сроках ({today:%d.%m.%Y}): {campaigns[pk]} — "
            f"до срока {before}, просрочено {overdue}, адресатов {len(addressed)}",
            date=today.isoformat(),
            before=before,
            overdue=overdue,
            recipients=len(addressed),
            submissions=[item.submission.pk for item in owed],
        )
