"""Issue (or show, or revoke) the API token of a user for uploads through /api/v1/imports/."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Выдать, показать или отозвать API-токен пользователя (загрузка файлов через API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Имя пользователя.")
        parser.add_argument(
            "--rotate", action="store_true", help="Выдать новый токен вместо прежнего."
        )
        parser.add_argument("--revoke", action="store_true", help="Отозвать токен.")

    def handle(self, *args, **options) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist as error:
            raise CommandError(
                f"Пользователь «{options['username']}» не найден."
            ) from error
        if options["revoke"] or options["rotate"]:
            deleted, _ = Token.objects.filter(user=user).delete()
            if options["revoke"]:
                self.stdout.write("Токен отозван." if deleted else "Токена не было.")
                return
        token, created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
        self.stderr.write("Выдан новый токен." if created else "Действующий токен.")
