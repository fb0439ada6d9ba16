"""Rebuild the public search index from the apps' ``indexing`` modules.

    manage.py rebuild_index [--dry-run] [--progress N]

On Elasticsearch the documents go into a new timestamped index and the alias
is swapped to it at once, so the site keeps searching the old index until the
new one is complete; if loading fails, the old index stays in service. The
database backend replaces its rows in one transaction.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import service
from search.documents import KIND_LABELS, SearchDocument


class Command(BaseCommand):
    help = "Перестроить поисковый индекс без простоя (новый индекс и смена псевдонима)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Только посчитать документы по разделам, ничего не записывая.",
        )
        parser.add_argument(
            "--progress",
            type=int,
            default=1000,
            metavar="N",
            help="Сообщать о ходе загрузки каждые N документов (0 — молча).",
        )

    def handle(self, *args, **options) -> None:
        if options["dry_run"]:
            counts = Counter(doc.kind for doc in service.all_documents())
            for kind, label in KIND_LABELS.items():
                self.stdout.write(f"{label}: {counts.get(kind, 0)}")
            self.stdout.write(
                f"Всего документов: {sum(counts.values())} (пробный запуск)"
            )
            return
        backend = service.get_backend()
        self.stdout.write(f"Перестройка индекса ({backend.name})…")
        started = time.monotonic()
        try:
            count = backend.rebuild(
                self._progress(service.all_documents(), options["progress"])
            )
        except Exception as error:
            raise CommandError(
                f"Индекс не перестроен, прежний индекс продолжает работать: {error}"
            ) from error
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Индекс перестроен: {count} документов за {seconds:.1f} с."
            )
        )

    def _progress(
        self, docs: Iterable[SearchDocument], every: int
    ) -> Iterator[SearchDocument]:
        for done, doc in enumerate(docs, start=1):
            yield doc
            if every and done % every == 0:
                self.stdout.write(f"  загружено {done}…")
