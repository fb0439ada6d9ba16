"""``manage.py check_websites``: run the website checker for organisations.

Optional and never run by the tests against outside hosts: it fetches each
organisation's official website (timeouts and a size cap apply) and stores a
website check, as "Проверить сайт" in the admin does for one organisation.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from evaluation.exceptions import EvaluationError
from evaluation.models import Organisation
from evaluation.regional.services import run_website_check


class Command(BaseCommand):
    help = "Проверяет официальные сайты организаций и сохраняет результаты мониторинга."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "codes",
            nargs="*",
            help="Краткие коды организаций; без них — все действующие с сайтом.",
        )
        parser.add_argument(
            "--allow-private-hosts",
            action="store_true",
            help="Открывать и адреса внутренней сети (по умолчанию только публичные).",
        )

    def handle(
        self, *args, codes: list[str], allow_private_hosts: bool, **options
    ) -> None:
        organisations = Organisation.objects.filter(is_active=True).exclude(website="")
        if codes:
            organisations = organisations.filter(code__in=codes)
            missing = set(codes) - set(organisations.values_list("code", flat=True))
            if missing:
                raise CommandError(
                    "Не найдены организации с сайтом: " + ", ".join(sorted(missing))
                )
        failed = 0
        for organisation in organisations.order_by("short_name"):
            try:
                check = run_website_check(
                    organisation, allow_private=allow_private_hosts
                )
            except EvaluationError as error:
                failed += 1
                self.stderr.write(f"{organisation.short_name}: {error}")
                continue
            self.stdout.write(
                f"{organisation.short_name}: сведений {check.info_present} из "
                f"{check.info_required}, способов связи {check.remote_channels}, "
                f"анкета {'есть' if check.questionnaire_ok else 'нет'}"
            )
        if failed:
            raise CommandError(f"Не удалось проверить сайтов: {failed}.")
