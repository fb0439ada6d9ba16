"""``manage.py campaign``: the campaign life cycle for operators who script.

Subcommands (their names are stable)::

    campaign list
    campaign create --kind nok --year 2025 --slug nok-2025 --start 2025-03-01
                    --end 2025-10-31 [--title …] [--method …]
                    [--organisations CODE,ИНН,…] [--organisation-kind KIND] [--all]
    campaign open|recompute|preview|review|publish|correct|withdraw SLUG
                    [--dry-run] [--note TEXT] [--user LOGIN]

Each action calls :mod:`evaluation.nok.lifecycle` (the same services as the admin
screen «Ход кампании») in one transaction; ``--dry-run`` runs it and rolls
it back. Exit status 0 on success, 2 on bad input or a step that is not
possible now (the Russian reason goes to stderr); nothing is written then.
"""

from __future__ import annotations

import re
import sys
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from evaluation import audit
from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.exceptions import EvaluationError
from evaluation.models import Campaign, Organisation
from evaluation.nok import lifecycle
from evaluation.rating import RatingInputError

BAD_INPUT = 2

ACTIONS = {
    "open": lifecycle.Action.OPEN,
    "recompute": lifecycle.Action.RECOMPUTE,
    "review": lifecycle.Action.SEND_TO_COUNCIL,
    "publish": lifecycle.Action.PUBLISH,
    "correct": lifecycle.Action.CORRECT,
    "withdraw": lifecycle.Action.WITHDRAW,
}


class RussianParser(CommandParser):
    """Argument errors in Russian, with exit status 2 (argparse's) or ``returncode=2``."""

    def error(self, message):
        text = (
            f"Неверные аргументы команды: {message}. "
            "Справка: manage.py campaign --help (или campaign ПОДКОМАНДА --help)."
        )
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(BAD_INPUT, f"{self.prog}: {text}\n")
        raise _fail(text)


class _DryRun(Exception):
    """Raised inside the transaction of a dry run to roll it back."""


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise _fail(f"Дата «{value}» не в формате ГГГГ-ММ-ДД.") from error


def _number(value) -> str:
    if value is None:
        return "—"
    return str(value).replace(".", ",")


class Command(BaseCommand):
    help = "Ход кампании: список, создание, сбор данных, пересчёт, публикация."

    def add_arguments(self, parser) -> None:
        # BaseCommand builds a plain CommandParser; only its error() differs.
        parser.__class__ = RussianParser
        sub = parser.add_subparsers(
            dest="subcommand", required=True, parser_class=RussianParser
        )
        sub.add_parser("list", help="Кампании и их стадии.")

        create = sub.add_parser(
            "create", help="Создать кампанию (стадия «Подготовка»)."
        )
        create.add_argument("--kind", required=True, choices=CampaignKind.values)
        create.add_argument("--year", required=True, type=int)
        create.add_argument("--slug", required=True, help="Код для адреса.")
        create.add_argument("--title", default="", help="Название.")
        create.add_argument(
            "--start", required=True, help="Начало периода, ГГГГ-ММ-ДД."
        )
        create.add_argument("--end", required=True, help="Окончание периода.")
        create.add_argument("--method", default="", help="Версия методики.")
        create.add_argument(
            "--organisations",
            default="",
            help="Коды или ИНН организаций через запятую, пробел или с новой строки.",
        )
        create.add_argument(
            "--organisation-kind",
            action="append",
            default=[],
            choices=OrganisationKind.values,
            help="Добавить все организации этого вида (можно повторять).",
        )
        create.add_argument(
            "--all", action="store_true", help="Добавить все организации реестра."
        )
        create.add_argument("--dry-run", action="store_true")
        create.add_argument("--user", default="", help="От чьего имени (логин).")

        for name, help_text in (
            ("open", "Начать сбор данных."),
            ("recompute", "Пересчитать результаты и показать изменения."),
            ("preview", "Показать, что увидит публика, и отличия от публикации."),
            ("review", "Направить на рассмотрение общественного совета."),
            ("publish", "Опубликовать (версия 1; Декада — итоги)."),
            ("correct", "Опубликовать исправленную версию (нужно --note)."),
            ("withdraw", "Отозвать опубликованные результаты (нужно --note)."),
        ):
            action = sub.add_parser(name, help=help_text)
            action.add_argument("slug", help="Код кампании (slug).")
            action.add_argument(
                "--dry-run",
                action="store_true",
                help="Выполнить и откатить: показать, что получится.",
            )
            action.add_argument("--note", default="", help="Публичное примечание.")
            action.add_argument("--user", default="", help="От чьего имени (логин).")
            action.add_argument(
                "--all",
                action="store_true",
                help="В предпросмотре — все организации, а не только изменения.",
            )

    # ------------------------------------------------------------ dispatch

    def handle(self, *args, **options) -> None:
        name = options["subcommand"]
        try:
            if name == "list":
                self._list()
            elif name == "create":
                self._run(options, lambda actor: self._create(options, actor))
            elif name == "preview":
                campaign = self._campaign(options["slug"])
                if campaign.kind == CampaignKind.NOK and not (
                    lifecycle.results_are_current(campaign)
                ):
                    self.stdout.write(
                        "Внимание: исходные данные изменились после расчёта (или "
                        "расчёта не было) — сначала выполните "
                        f"manage.py campaign recompute {campaign.slug}."
                    )
                self._print_preview(lifecycle.preview(campaign), options["all"])
            else:
                campaign = self._campaign(options["slug"])
                self._run(
                    options,
                    lambda actor: self._action(name, campaign, actor, options),
                )
        except (
            EvaluationError,
            RatingInputError,
            PermissionDenied,
            ValidationError,
        ) as error:
            raise _fail(_message(error)) from error

    def _run(self, options, body) -> None:
        actor = self._actor(options.get("user", ""))
        try:
            with transaction.atomic():
                body(actor)
                if options.get("dry_run"):
                    raise _DryRun
        except _DryRun:
            self.stdout.write("Пробный запуск: изменения не сохранены.")

    def _actor(self, login: str):
        if not login:
            return None
        user = get_user_model().objects.filter(username=login, is_active=True).first()
        if user is None:
            raise _fail(f"Пользователь «{login}» не найден или отключён.")
        lifecycle.check_permission(user)
        return user

    def _campaign(self, slug: str) -> Campaign:
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise _fail(
                f"Кампания «{slug}» не найдена. Список кампаний: manage.py campaign list."
            )
        return campaign

    # ------------------------------------------------------------ list

    def _list(self) -> None:
        campaigns = list(Campaign.objects.order_by("-year", "kind", "slug"))
        if not campaigns:
            self.stdout.write(
                "Кампаний нет. Создайте первую: manage.py campaign create …"
            )
            return
        for campaign in campaigns:
            latest = campaign.publications.order_by("-version").first()
            if latest is not None:
                version = f"версия {latest.version}"
            elif campaign.kind == CampaignKind.DECADE:
                version = "—"  # a Декада's results are read live, not versioned
            else:
                version = "не опубликована"
            stage = lifecycle.stage_of(campaign)
            self.stdout.write(
                f"{campaign.slug}\t{campaign.get_kind_display()}\t{campaign.year}\t"
                f"{stage.label}\t{version}\t{campaign.title}"
            )

    # ------------------------------------------------------------ create

    def _create(self, options, actor) -> None:
        lifecycle.check_permission(actor)
        start, end = _date(options["start"]), _date(options["end"])
        kind = CampaignKind(options["kind"])
        title = options["title"].strip() or (
            f"Независимая оценка качества {options['year']} года"
            if kind == CampaignKind.NOK
            else f"Декада качества {options['year']}"
        )
        campaign = Campaign(
            kind=kind,
            year=options["year"],
            slug=options["slug"],
            title=title,
            period_start=start,
            period_end=end,
        )
        if options["method"]:
            campaign.method_version = options["method"]
        campaign.full_clean()
        campaign.save()
        organisations = self._organisations(options)
        campaign.organisations.set(organisations)
        audit.record(
            "campaign.create",
            campaign,
            f"Создана кампания «{campaign}» ({len(organisations)} организаций)",
            actor,
            organisations=len(organisations),
        )
        self.stdout.write(
            f"Создана кампания {campaign.slug}: «{campaign}», организаций: "
            f"{len(organisations)}. Дальше: manage.py campaign open {campaign.slug}"
        )

    def _organisations(self, options) -> list[Organisation]:
        if options["all"]:
            return list(Organisation.objects.all())
        chosen = {
            org.pk: org
            for org in Organisation.objects.filter(
                kind__in=options["organisation_kind"]
            )
        }
        keys = [key for key in re.split(r"[\s,;]+", options["organisations"]) if key]
        if keys:
            found = Organisation.objects.filter(code__in=keys) | (
                Organisation.objects.filter(inn__in=keys)
            )
            known = set()
            for org in found:
                chosen[org.pk] = org
                known.update({org.code, org.inn})
            missing = [key for key in keys if key not in known]
            if missing:
                raise _fail(
                    "Не найдены организации с кодом или ИНН: " + ", ".join(missing)
                )
        return list(chosen.values())

    # ------------------------------------------------------------ actions

    def _action(self, name: str, campaign: Campaign, actor, options) -> None:
        action = ACTIONS[name]
        result = lifecycle.run(action, campaign, actor=actor, note=options["note"])
        campaign.refresh_from_db()
        stage = lifecycle.stage_of(campaign)
        if isinstance(result, lifecycle.Preview):
            self.stdout.write(f"Пересчитано: «{campaign}».")
            self._print_preview(result, options["all"])
        elif action in (lifecycle.Action.PUBLISH, lifecycle.Action.CORRECT) and (
            result is not None
        ):
            self.stdout.write(
                f"Опубликовано: «{campaign}», версия {result.version}, "
                f"организаций: {result.results.count()}."
            )
        self.stdout.write(f"«{campaign}»: {stage.label}.")

    def _print_preview(self, preview: lifecycle.Preview, everything: bool) -> None:
        base = (
            f"опубликованной версией {preview.publication.version}"
            if preview.publication
            else "публикацией (её ещё нет)"
        )
        self.stdout.write(
            f"Предпросмотр «{preview.campaign}»: организаций "
            f"{sum(1 for row in preview.rows if not row.removed)}; сравнение с {base}: "
            f"добавлено {len(preview.added)}, исключено {len(preview.removed)}, "
            f"изменено {len(preview.modified)}."
        )
        for row in preview.rows:
            if not (everything or row.changed):
                continue
            mark = (
                "+"
                if row.added
                else "-"
                if row.removed
                else "~"
                if row.changed
                else " "
            )
            figures = "; ".join(
                f"{label} {_number(before)} → {_number(after)}"
                if before != after
                else f"{label} {_number(after)}"
                for label, before, after in row.pairs()
            )
            self.stdout.write(f"{mark} {row.organisation.short_name}: {figures}")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(
            " ".join(messages)
            if field == "__all__"
            else f"{Campaign._meta.get_field(field).verbose_name}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    if isinstance(error, RatingInputError):
        return str(error)
    return str(error.args[0]) if error.args else str(error)
