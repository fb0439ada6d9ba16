"""``manage.py recover_imports [--minutes N]``.

Run it before starting a task worker (``compose.yaml`` does): an import whose
worker was killed or whose host was lost stays «выполняется» for ever
otherwise. Each such record, running longer than ``--minutes`` (30 by
default), is marked failed with a reason that asks to upload the file again;
nothing of it was written, since the write is one transaction.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from evaluation.imports.background import recover_interrupted


class Command(BaseCommand):
    help = (
        "Отмечает как прерванные загрузки файлов, которые выполняются дольше "
        "указанного времени (их обработчик остановлен). Запускайте перед "
        "запуском обработчика задач."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=30,
            help="сколько минут загрузка может выполняться (по умолчанию 30)",
        )

    def handle(self, *args, minutes: int = 30, **options) -> None:
        count = recover_interrupted(dt.timedelta(minutes=minutes))
        self.stdout.write(f"Прерванных загрузок отмечено: {count}.")
