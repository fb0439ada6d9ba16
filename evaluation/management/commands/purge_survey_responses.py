"""``manage.py purge_survey_responses [--dry-run]``: delete expired questionnaires.

A campaign's questionnaires (imported and online) are kept for its retention
period (one year after the campaign's end by default), then deleted; each
organisation's aggregate is kept. ``--dry-run`` only lists what would go.
"""

from __future__ import annotations

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from evaluation.questionnaire.services import purge_expired_responses


class Command(BaseCommand):
    help = "Удаляет анкеты кампаний, срок хранения которых истёк (итоги сохраняются)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="только показать, что будет удалено",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        plan = purge_expired_responses(dry_run=dry_run)
        for campaign, count in plan.campaigns:
            self.stdout.write(f"{campaign}: анкет {count}")
        verb = "Будет удалено" if dry_run else "Удалено"
        self.stdout.write(f"{verb} анкет: {plan.total}.")
