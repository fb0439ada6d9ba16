"""``manage.py send_deadline_reminders [--today YYYY-MM-DD] [--dry-run]``.

E-mails the users bound to an organisation about documents due soon or
overdue, and editors a digest of the overdue ones. Schedule it daily (cron, a
systemd timer) on working days or every day; it is safe to run more than
once a day: each reminder is logged and goes out once. See
:mod:`evaluation.obligations.reminders` for the rules and ``QP_EVALUATION["REMINDER_*"]``
for the settings.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date

from django.core.management.base import BaseCommand

from evaluation.management.arguments import iso_day
from evaluation.obligations.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Рассылает напоминания о сроках представления документов (настройки — "
        "ключи QP_EVALUATION): за "
        "REMINDER_DAYS_BEFORE рабочих дней до срока (по умолчанию 3) и после "
        "пропущенного срока — через REMINDER_DAYS_AFTER рабочих дней (1), затем "
        "каждые REMINDER_REPEAT_EVERY рабочих дней (5), не более "
        "REMINDER_MAX_OVERDUE раз (3); редакторам — сводку просроченных. "
        "В нерабочие дни по производственному календарю ничего не отправляет. "
        "Запускайте ежедневно; повторный запуск в тот же день писем не дублирует."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--today",
            type=iso_day,
            default=None,
            help="дата расчёта ГГГГ-ММ-ДД (по умолчанию сегодня)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, кому и о чём будет напомнено",
        )

    def handle(
        self, *args, today: date | None = None, dry_run: bool = False, **options
    ) -> None:
        run = send_deadline_reminders(today, dry_run=dry_run)
        if not run.working_day:
            self.stdout.write(
                f"{run.today:%d.%m.%Y} — нерабочий день, напоминания не отправляются."
            )
            return
        for item in run.items:
            self.stdout.write(
                f"{item.organisation.short_name}: {item.document} "
                f"(срок {item.deadline:%d.%m.%Y}, {item.when})"
            )
        for duty in run.obligations:
            self.stdout.write(
                f"{duty.obligation.owner}: {duty.obligation.title} "
                f"(срок {duty.deadline:%d.%m.%Y}, {duty.when})"
            )
        for reminder in run.instructions:
            self.stdout.write(
                f"{reminder.addressee.organisation.short_name}: "
                f"{reminder.addressee.instruction} "
                f"(срок {reminder.addressee.instruction.due_on:%d.%m.%Y}, "
                f"{reminder.when})"
            )
        verb = "Будет отправлено" if dry_run else "Отправлено"
        count = len(run.messages) if dry_run else run.sent
        self.stdout.write(
            f"{verb} писем: {count}; до срока: {len(run.before)}, "
            f"просрочено: {len(run.overdue)}."
        )
        if run.failed:
            self.stderr.write(f"Не отправлено писем: {len(run.failed)}.")
