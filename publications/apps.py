from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    """Page types, documents and council review."""

    name = "publications"
    label = "qp_publications"
    verbose_name = "Публикации"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals

        signals.connect()
