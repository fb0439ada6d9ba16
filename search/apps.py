from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Public search: Elasticsearch when configured, the database otherwise."""

    name = "search"
    label = "qp_search"
    verbose_name = "Поиск"

    def ready(self) -> None:
        from search import signals

        signals.connect()
