"""``manage.py consolidate_decade CAMPAIGN --out FILE [--plan]``.

Writes РМЦ's consolidation of a Декада as XLSX: the region-wide summary
(annex 2 layout), or with ``--plan`` the consolidated plan of measures
(annex 3 layout). ``CAMPAIGN`` is the campaign's code (slug) or number.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluation.audit import record
from evaluation.decade import consolidation
from evaluation.enums import CampaignKind
from evaluation.models import Campaign


class Command(BaseCommand):
    help = "Сводная информация или сводный план Декады качества в XLSX (для РМЦ)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("campaign", help="Код (slug) или номер кампании Декады.")
        parser.add_argument("--out", required=True, help="Путь к файлу XLSX.")
        parser.add_argument(
            "--plan",
            action="store_true",
            help="Сводный план мероприятий вместо сводной информации.",
        )

    def handle(self, *args, **options) -> None:
        key = options["campaign"]
        lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
        campaign = Campaign.objects.filter(**lookup).first()
        if campaign is None:
            raise CommandError(f"Кампания «{key}» не найдена.")
        if campaign.kind != CampaignKind.DECADE:
            raise CommandError(f"«{campaign}» — не Декада качества.")
        if options["plan"]:
            content = consolidation.plan_workbook(campaign)
            what = "Сводный план мероприятий"
        else:
            content = consolidation.summary_workbook(campaign)
            what = "Сводная информация"
        out = Path(options["out"])
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Не удалось записать «{out}»: {error}") from error
        record(
            "decade.consolidate",
            campaign,
            f"{what} Декады выгружена: {out.name}",
            plan=bool(options["plan"]),
        )
        self.stdout.write(f"{what}: {campaign} → {out} ({len(content)} байт)")
