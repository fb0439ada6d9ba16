"""``manage.py purge_survey_responses [--today YYYY-MM-DD] [--dry-run]``.

A campaign's questionnaires (imported and online) are kept for its retention
period — one year (365 days) after the campaign's end by default, or the
``retention_days`` of its online questionnaire — then deleted. Aggregates
stay: each organisation's summary (a ``DecadeSummary`` row) is stored first
unless one exists, and indicator inputs, results and publications are never
touched. Each purged campaign gets an audit event ``questionnaire.purge``
(shown in the admin's «Журнал действий»), and the run is logged. The
original uploaded questionnaire files (survey-response imports) are deleted
with them, and the output says how many.

Schedule it daily: a run with nothing expired changes nothing. ``--dry-run``
only lists what would go; ``--today`` counts the retention from another date.
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from datetime import date

from django.core.management.base import BaseCommand

from evaluation.management.arguments import iso_day
from evaluation.questionnaire.services import purge_expired_responses

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Удаляет анкеты кампаний, срок хранения которых истёк (по умолчанию год "
        "после окончания кампании); итоги по организациям, исходные данные и "
        "результаты сохраняются. Запускайте ежедневно; --dry-run только "
        "показывает, что будет удалено."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, что будет удалено",
        )
        parser.add_argument(
            "--today",
            type=iso_day,
            default=None,
            help="дата, от которой считается срок хранения, ГГГГ-ММ-ДД "
            "(по умолчанию сегодня)",
        )

    def handle(
        self, *args, dry_run: bool = False, today: date | None = None, **options
    ) -> None:
        plan = purge_expired_responses(today, dry_run=dry_run)
        files = plan.files or (0,) * len(plan.campaigns)
        for (campaign, count), file_count in zip(plan.campaigns, files, strict=True):
            self.stdout.write(
                f"{campaign}: анкет {count}, исходных файлов анкет {file_count}"
            )
        verb = "Будет удалено" if dry_run else "Удалено"
        self.stdout.write(f"{verb} анкет: {plan.total}.")
        self.stdout.write(f"{verb} исходных файлов анкет: {plan.total_files}.")
        logger.info(
            "Хранение анкет%s: %s анкет %d в кампаниях: %s",
            " (проверка)" if dry_run else "",
            verb.lower(),
            plan.total,
            ", ".join(str(campaign) for campaign, _count in plan.campaigns) or "нет",
        )
