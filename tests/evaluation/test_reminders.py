"""Deadline reminders with frozen time across the May holidays.

Working days follow the Russian production calendar (the ``holidays`` RU data
used by :data:`evaluation.deadlines.CALENDAR`):

* 2024 (Government decree of 10.08.2023 No. 1314): 28 April – 1 May and
  9–12 May were days off; Saturday 27 April was a working day (moved from
  Monday 29 April); 30 April was moved from Saturday 2 November.
* 2025 (Government decree of 04.10.2024 No. 1335): 1–4 May and 8–11 May were
  days off (2 May moved from Saturday 4 January, 8 May from Sunday 5 January).
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from evaluation import roles
from evaluation.enums import CampaignKind, CampaignStatus, SubmissionKind
from evaluation.models import (
    AuditEvent,
    Campaign,
    ReminderKind,
    ReminderLog,
    Submission,
)
from evaluation.obligations.reminders import (
    ReminderItem,
    ReminderPolicy,
    _claim,
    before_reminder_due,
    overdue_reminder_due,
    plural,
    send_deadline_reminders,
)
from tests.factories.questionnaire import organisation

KRASNOYARSK = ZoneInfo("Asia/Krasnoyarsk")
POLICY = ReminderPolicy()  # 3 before, 1 after, every 5, at most 3


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=KRASNOYARSK)


def days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


# ------------------------------------------------------------------ pure rules


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2024, 4, 26), False),  # 27.04, 2, 3, 6, 7 May: 5 working days
        (dt.date(2024, 4, 27), False),  # working Saturday: 2, 3, 6, 7 May: 4
        (dt.date(2024, 5, 2), True),  # 3, 6, 7 May: exactly 3
        (dt.date(2024, 5, 6), True),  # 7 May: 1
        (dt.date(2024, 5, 7), True),  # the deadline day itself
        (dt.date(2024, 5, 8), False),  # past the deadline
    ],
)
def test_before_reminder_window_for_7_may_2024(today, due):
    deadline = dt.date(2024, 5, 7)
    assert before_reminder_due(deadline, today, POLICY, already_sent=False) is due
    assert before_reminder_due(deadline, today, POLICY, already_sent=True) is False


@pytest.mark.parametrize(
    ("today", "sent_on", "due"),
    [
        (dt.date(2024, 5, 7), [], False),  # deadline day: not overdue yet
        (dt.date(2024, 5, 8), [], True),  # first working day after it
        (dt.date(2024, 5, 13), [dt.date(2024, 5, 8)], False),  # 1 working day
        (dt.date(2024, 5, 16), [dt.date(2024, 5, 8)], False),  # 13–16 May: 4
        (dt.date(2024, 5, 17), [dt.date(2024, 5, 8)], True),  # 13–17 May: 5
        (
            dt.date(2024, 6, 28),
            [dt.date(2024, 5, 8), dt.date(2024, 5, 17), dt.date(2024, 5, 24)],
            False,  # at most three overdue reminders
        ),
    ],
)
def test_overdue_reminder_cadence_after_7_may_2024(today, sent_on, due):
    deadline = dt.date(2024, 5, 7)
    assert overdue_reminder_due(deadline, today, POLICY, sent_on=sent_on) is due


def test_documents_missed_long_ago_are_not_reminded_of():
    # 1 + 5 × 3 = 16 working days after 7 May 2024: 8, 13–17, 20–24 and
    # 27–31 May (9–12 May were days off); 3 June is the 17th.
    assert POLICY.overdue_horizon == 16
    deadline = dt.date(2024, 5, 7)
    assert overdue_reminder_due(deadline, dt.date(2024, 5, 31), POLICY, sent_on=[])
    assert not overdue_reminder_due(deadline, dt.date(2024, 6, 3), POLICY, sent_on=[])
    assert not overdue_reminder_due(
        dt.date(2023, 5, 7), dt.date(2024, 5, 8), POLICY, sent_on=[]
    )


def test_once_only_overdue_policy_and_invalid_settings():
    once = ReminderPolicy(repeat_every=0)
    deadline = dt.date(2025, 5, 7)
    assert overdue_reminder_due(deadline, dt.date(2025, 5, 12), once, sent_on=[])
    assert not overdue_reminder_due(
        deadline, dt.date(2025, 6, 30), once, sent_on=[dt.date(2025, 5, 12)]
    )
    with pytest.raises(ValueError, match="days_before"):
        ReminderPolicy(days_before=-1)


@pytest.mark.parametrize(
    ("n", "form"), [(1, "день"), (2, "дня"), (5, "дней"), (11, "дней"), (21, "день")]
)
def test_russian_plural(n, form):
    assert plural(n, "день", "дня", "дней") == form


# ---------------------------------------------------------------- fixtures


def make_campaign(year: int, status: str = CampaignStatus.COLLECTING) -> Campaign:
    return Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=year,
        title=f"Декада качества {year}",
        slug=f"decade-{year}-{status}",
        period_start=dt.date(year, 4, 8),
        period_end=dt.date(year, 4, 19),
        status=status,
    )


def make_user(username: str, email: str = "", **extra):
    return get_user_model().objects.create_user(
        username=username, email=email, password="x", **extra
    )


@pytest.fixture
def setup(db):
    """A 2024 Декада: one institution with a bound user, and an editor."""
    campaign = make_campaign(2024)
    org = organisation("KCSON-1")
    campaign.organisations.add(org)
    worker = make_user("worker", "worker@example.org", first_name="Анна")
    org.users.add(worker, make_user("no-mail"), make_user("gone", "gone@x.org"))
    get_user_model().objects.filter(username="gone").update(is_active=False)
    editor = make_user("editor", "editor@example.org")
    editor.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    summary = Submission.objects.create(
        campaign=campaign,
        organisation=org,
        kind=SubmissionKind.DECADE_SUMMARY,
        deadline=dt.date(2024, 5, 7),
    )
    return campaign, org, summary


def institution_mail(to: str = "worker@example.org"):
    return [message for message in mail.outbox if message.to == [to]]


# ---------------------------------------------------------------- the command


@pytest.mark.django_db
def test_daily_runs_across_may_2024_remind_before_and_after(setup):
    """Run every day 25 April – 31 May 2024 (time frozen each morning)."""
    sent: list[tuple[dt.date, str]] = []
    for day in days(dt.date(2024, 4, 25), dt.date(2024, 5, 31)):
        before = len(mail.outbox)
        with time_machine.travel(at(day), tick=False):
            call_command("send_deadline_reminders", stdout=StringIO())
        sent += [(day, message.to[0]) for message in mail.outbox[before:]]
    assert sent == [
        (dt.date(2024, 5, 2), "worker@example.org"),  # 3, 6, 7 May are left
        (dt.date(2024, 5, 8), "worker@example.org"),  # 1 working day late
        (dt.date(2024, 5, 8), "editor@example.org"),  # digest of overdue
        (dt.date(2024, 5, 17), "worker@example.org"),  # 13–17 May: 5 more
        (dt.date(2024, 5, 17), "editor@example.org"),
        (dt.date(2024, 5, 24), "worker@example.org"),  # third and last
        (dt.date(2024, 5, 24), "editor@example.org"),
    ]
    first = mail.outbox[0]
    assert first.subject == "Напоминание о сроках представления документов"
    assert "Здравствуйте, Анна!" in first.body
    assert "Срок: 07.05.2024 — до срока осталось 3 рабочих дня" in first.body
    html, media_type = first.alternatives[0]
    assert media_type == "text/html"
    assert "<td>до срока осталось 3 рабочих дня</td>" in html
    assert "срок пропущен 1 рабочий день назад" in mail.outbox[1].body
    assert list(
        ReminderLog.objects.order_by("sent_on").values_list("kind", "sent_on")
    ) == [
        (ReminderKind.BEFORE, dt.date(2024, 5, 2)),
        (ReminderKind.OVERDUE, dt.date(2024, 5, 8)),
        (ReminderKind.OVERDUE, dt.date(2024, 5, 17)),
        (ReminderKind.OVERDUE, dt.date(2024, 5, 24)),
    ]


@pytest.mark.django_db
def test_may_2025_holidays_shift_the_reminder_and_days_off_send_nothing(setup):
    campaign, org, _ = setup
    Submission.objects.all().delete()
    Submission.objects.create(
        campaign=campaign,
        organisation=org,
        kind=SubmissionKind.IMPROVEMENT_PLAN,
        deadline=dt.date(2025, 5, 12),  # Monday after the second May break
    )
    out = StringIO()
    # 30 April 2025: 5, 6, 7 and 12 May are left — four working days.
    with time_machine.travel(at(dt.date(2025, 4, 30)), tick=False):
        call_command("send_deadline_reminders", stdout=out)
    assert mail.outbox == []
    # 2 May 2025 is a day off (moved from Saturday 4 January).
    with time_machine.travel(at(dt.date(2025, 5, 2)), tick=False):
        call_command("send_deadline_reminders", stdout=out)
    assert "02.05.2025 — нерабочий день" in out.getvalue()
    assert mail.outbox == []
    # 5 May 2025: 6, 7 and 12 May are left (8–11 May are days off).
    with time_machine.travel(at(dt.date(2025, 5, 5)), tick=False):
        call_command("send_deadline_reminders", stdout=out)
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    assert "Срок: 12.05.2025 — до срока осталось 3 рабочих дня" in mail.outbox[0].body
    # 13 May 2025 is the first working day after the deadline.
    with time_machine.travel(at(dt.date(2025, 5, 13)), tick=False):
        call_command("send_deadline_reminders", stdout=out)
    assert "срок пропущен 1 рабочий день назад" in mail.outbox[1].body


@pytest.mark.django_db
def test_a_moved_deadline_starts_the_reminders_again(setup):
    _, _, summary = setup
    sent: list[tuple[dt.date, str]] = []

    def run(first: dt.date, last: dt.date) -> None:
        for day in days(first, last):
            before = len(mail.outbox)
            with time_machine.travel(at(day), tick=False):
                call_command("send_deadline_reminders", stdout=StringIO())
            sent.extend(
                (day, message.body)
                for message in mail.outbox[before:]
                if message.to == ["worker@example.org"]
            )

    run(dt.date(2024, 4, 25), dt.date(2024, 5, 8))
    assert [day for day, _ in sent] == [dt.date(2024, 5, 2), dt.date(2024, 5, 8)]
    # The editor gives the institution until Monday 20 May.
    Submission.objects.filter(pk=summary.pk).update(deadline=dt.date(2024, 5, 20))
    sent.clear()
    run(dt.date(2024, 5, 9), dt.date(2024, 5, 22))

    # 15 May: 16, 17 and 20 May are left; 21 May: one working day late.
    assert [day for day, _ in sent] == [dt.date(2024, 5, 15), dt.date(2024, 5, 21)]
    assert "Срок: 20.05.2024 — до срока осталось 3 рабочих дня" in sent[0][1]
    assert "срок пропущен 1 рабочий день назад" in sent[1][1]
    assert list(
        ReminderLog.objects.order_by("sent_on").values_list(
            "kind", "sent_on", "deadline"
        )
    ) == [
        (ReminderKind.BEFORE, dt.date(2024, 5, 2), dt.date(2024, 5, 7)),
        (ReminderKind.OVERDUE, dt.date(2024, 5, 8), dt.date(2024, 5, 7)),
        (ReminderKind.BEFORE, dt.date(2024, 5, 15), dt.date(2024, 5, 20)),
        (ReminderKind.OVERDUE, dt.date(2024, 5, 21), dt.date(2024, 5, 20)),
    ]


@pytest.mark.django_db
def test_reminders_logged_before_the_deadline_was_recorded_still_count(setup):
    _, _, summary = setup
    # A log from before the field existed: about the current deadline.
    ReminderLog.objects.create(
        submission=summary, kind=ReminderKind.BEFORE, sent_on=dt.date(2024, 5, 2)
    )
    with time_machine.travel(at(dt.date(2024, 5, 3)), tick=False):
        call_command("send_deadline_reminders", stdout=StringIO())
    assert institution_mail() == []


@pytest.mark.django_db
def test_running_twice_the_same_day_sends_one_email(setup):
    for hour in (9, 18):
        with time_machine.travel(at(dt.date(2024, 5, 2), hour), tick=False):
            call_command("send_deadline_reminders", stdout=StringIO())
    assert len(institution_mail()) == 1
    assert ReminderLog.objects.count() == 1
    assert AuditEvent.objects.filter(action="reminders.send").count() == 1


@pytest.mark.django_db
def test_a_claimed_reminder_is_not_claimed_again(setup):
    _, _, summary = setup
    item = ReminderItem(summary, ReminderKind.BEFORE, 3, ("worker@example.org",))
    assert _claim([item], dt.date(2024, 5, 2)) == [item]
    assert _claim([item], dt.date(2024, 5, 2)) == []
    log = ReminderLog.objects.get()
    assert log.recipients == ["worker@example.org"]


@pytest.mark.django_db
def test_received_document_draft_campaign_and_inactive_organisation_are_skipped(
    setup,
):
    campaign, org, summary = setup
    summary.received_on = dt.date(2024, 4, 30)
    summary.save()
    draft = make_campaign(2024, CampaignStatus.DRAFT)
    Submission.objects.create(
        campaign=draft,
        organisation=org,
        kind=SubmissionKind.DECADE_SUMMARY,
        deadline=dt.date(2024, 5, 7),
    )
    closed = organisation("KCSON-2", is_active=False)
    Submission.objects.create(
        campaign=campaign,
        organisation=closed,
        kind=SubmissionKind.DECADE_SUMMARY,
        deadline=dt.date(2024, 5, 7),
    )
    for day in (dt.date(2024, 5, 2), dt.date(2024, 5, 8)):
        run = send_deadline_reminders(day)
        assert run.items == []
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


@pytest.mark.django_db
def test_one_email_per_user_lists_all_items_and_digest_names_the_unreachable(
    setup,
):
    campaign, org, _ = setup
    second = organisation("KCSON-2")
    worker = get_user_model().objects.get(username="worker")
    second.users.add(worker)
    nobody = organisation("KCSON-3")  # no bound users at all
    for member, kind, deadline in (
        (org, SubmissionKind.EXPLANATORY_NOTE, dt.date(2024, 5, 6)),
        (second, SubmissionKind.DECADE_SUMMARY, dt.date(2024, 5, 2)),
        (nobody, SubmissionKind.DECADE_SUMMARY, dt.date(2024, 5, 2)),
    ):
        Submission.objects.create(
            campaign=campaign, organisation=member, kind=kind, deadline=deadline
        )

    run = send_deadline_reminders(dt.date(2024, 5, 3))

    assert (len(run.before), len(run.overdue)) == (2, 2)
    letters = institution_mail()
    assert len(letters) == 1
    body = letters[0].body
    assert body.count("Организация: ") == 3  # KCSON-3 is not theirs
    assert "КЦСОН KCSON-2" in body
    assert "КЦСОН KCSON-3" not in body
    assert "Срок: 06.05.2024 — до срока осталось 1 рабочий день" in body
    assert "Срок: 02.05.2024 — срок пропущен 1 рабочий день назад" in body
    digest = institution_mail("editor@example.org")
    assert len(digest) == 1
    assert digest[0].subject == "Просроченные документы: сводка для редакторов"
    assert "КЦСОН KCSON-3 — Сводная информация о результатах опроса" in (digest[0].body)
    assert "Напоминать некому" in digest[0].body
    assert "Напоминание: worker@example.org" in digest[0].body
    assert "Контроль сроков: http://127.0.0.1:8000/admin/tracker/" in digest[0].body
    assert "Личный кабинет: http://127.0.0.1:8000/admin/" in body
    event = AuditEvent.objects.get(action="reminders.send")
    assert event.object_id == str(campaign.pk)
    assert (event.data["before"], event.data["overdue"]) == (2, 2)
    assert event.data["recipients"] == 1


@pytest.mark.django_db
def test_dry_run_lists_but_neither_writes_nor_sends(setup):
    out = StringIO()
    call_command(
        "send_deadline_reminders", "--today", "2024-05-08", "--dry-run", stdout=out
    )
    text = out.getvalue()
    assert "КЦСОН KCSON-1: Сводная информация о результатах опроса" in text
    assert "срок пропущен 1 рабочий день назад" in text
    assert "Будет отправлено писем: 2; до срока: 0, просрочено: 1." in text
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(action="reminders.send").exists()


@pytest.mark.django_db
def test_settings_change_the_window_and_turn_off_the_digest(setup, settings):
    settings.QP_EVALUATION = {
        "REMINDER_DAYS_BEFORE": 0,
        "REMINDER_EDITOR_DIGEST": False,
    }
    assert send_deadline_reminders(dt.date(2024, 5, 6)).items == []
    assert [i.when for i in send_deadline_reminders(dt.date(2024, 5, 7)).items] == [
        "срок истекает сегодня"
    ]
    send_deadline_reminders(dt.date(2024, 5, 8))
    assert institution_mail("editor@example.org") == []
    assert len(institution_mail()) == 2


def test_bad_date_is_a_command_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        call_command("send_deadline_reminders", "--today", "07.05.2024")
