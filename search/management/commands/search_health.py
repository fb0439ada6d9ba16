"""Check that the public search backend can serve queries.

    manage.py search_health

Exit status 0 when healthy, 1 otherwise (for monitoring and container checks).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search import service


class Command(BaseCommand):
    help = "Проверить поиск: доступность, индекс, число документов, плагин анализа."

    def handle(self, *args, **options) -> None:
        status = service.get_backend().health()
        line = f"{status.backend}: {status.detail}"
        if not status.ok:
            raise CommandError(f"Поиск неисправен. {line}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Поиск исправен. {line}"))
