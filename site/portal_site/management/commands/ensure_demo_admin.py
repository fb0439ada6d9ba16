"""Create (once) the demo administrator and print how to log in."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from portal_site.settings.base import VAR_DIR


class Command(BaseCommand):
    help = "Создаёт демонстрационного администратора и печатает логин и пароль."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options) -> None:
        username = options["username"]
        secret_file = Path(VAR_DIR) / f"demo-{username}-password.txt"
        users = get_user_model().objects
        user = users.filter(username=username).first()
        # One password for every local database (the demo's and `make run
        # DEMO=0`'s): kept in var/, set on a user that does not have it yet.
        if secret_file.exists():
            password = secret_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(9)
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(password + "\n")
            secret_file.chmod(0o600)
        if user is None:
            user = users.create_superuser(username, "admin@example.ru", password)
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        port = getattr(settings, "PORT", None) or "8000"
        self.stdout.write(
            self.style.SUCCESS(
                f"Администратор: http://127.0.0.1:{port}/admin/  "
                f"логин: {username}  пароль: {password}"
            )
        )
