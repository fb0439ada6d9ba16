"""Import an official spreadsheet form from the command line.

    manage.py import_sheet --list
    manage.py import_sheet FORM --template OUT.xlsx
    manage.py import_sheet FORM FILE [--campaign SLUG] [--organisation CODE_OR_INN] [--dry-run]

``--organisation`` names the organisation of a file filled by one
institution: its rows need no ИНН or code column.

Exit status: 0 imported (or dry run without errors), 1 the file has errors
(nothing written), 2 wrong usage (unknown form or campaign, unreadable file).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluation.imports.engine import import_file
from evaluation.imports.errors import ImportFileError
from evaluation.imports.sheets import FORMS, get_form
from evaluation.imports.templates import build_template
from evaluation.models import Campaign, Organisation


class Command(BaseCommand):
    help = "Загрузка форм (XLSX, XLS, ODS, CSV): список форм, шаблон, импорт."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form", nargs="?", help="Имя формы (см. --list).")
        parser.add_argument("file", nargs="?", help="Файл для загрузки.")
        parser.add_argument("--list", action="store_true", help="Показать формы.")
        parser.add_argument(
            "--template", metavar="OUT.xlsx", help="Записать шаблон формы."
        )
        parser.add_argument(
            "--campaign", help="Код кампании (slug), если форма его требует."
        )
        parser.add_argument(
            "--organisation",
            metavar="CODE_OR_INN",
            help="Организация (код или ИНН), если файл от одной организации и в нём "
            "нет столбца с ИНН или кодом.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Только проверить файл."
        )

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for name in sorted(FORMS):
                self.stdout.write(name)
            return
        if not options["form"]:
            raise CommandError("Укажите форму или --list.", returncode=2)
        try:
            form = get_form(options["form"])
        except KeyError as error:
            raise CommandError(error.args[0], returncode=2) from None
        if options["template"]:
            Path(options["template"]).write_bytes(build_template(form))
            self.stdout.write(f"Шаблон «{form.title}» записан в {options['template']}")
            return
        if not options["file"]:
            raise CommandError(
                "Укажите файл для загрузки или --template.", returncode=2
            )
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(
                    f"Кампания «{options['campaign']}» не найдена.", returncode=2
                )
        organisation = None
        if options["organisation"]:
            wanted = options["organisation"].strip()
            organisation = (
                Organisation.objects.filter(inn=wanted).first()
                or Organisation.objects.filter(code__iexact=wanted).first()
            )
            if organisation is None:
                raise CommandError(
                    f"Организация с кодом или ИНН «{wanted}» не найдена.", returncode=2
                )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Не удалось прочитать файл {path}: {error.strerror}", returncode=2
            ) from None
        try:
            report = import_file(
                form.name,
                data,
                path.name,
                campaign=campaign,
                organisation=organisation,
                dry_run=options["dry_run"],
            )
        except ImportFileError as error:
            raise CommandError(str(error), returncode=1) from None
        for warning in report.warnings:
            # Listed before any error: a column not loaded may explain one.
            self.stderr.write(f"Предупреждение: {warning}")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Файл не загружен: ошибок {len(report.errors)} в {report.invalid} строках "
                f"из {report.total}. Ничего не записано.",
                returncode=1,
            )
        verb = "Проверено (без записи)" if options["dry_run"] else "Загружено"
        self.stdout.write(
            f"{verb}: строк {report.total}; новых {report.new}, изменено {report.updated}, "
            f"без изменений {report.unchanged}."
        )
