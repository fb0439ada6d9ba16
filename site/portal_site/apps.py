from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_tables(using: str = "default", verbosity: int = 1, **_: Any) -> None:
    """Create the database cache's table (if the cache is one) after migrate.

    ``createcachetable`` is idempotent, so every ``migrate`` (the deployment's
    one-shot step) also prepares a database cache.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)


class PortalSiteConfig(AppConfig):
    """The public site: settings, URLs, templates and demo data."""

    name = "portal_site"
    verbose_name = "Портал качества"

    def ready(self) -> None:
        # Once per migrate (post_migrate is sent once per app with models).
        post_migrate.connect(
            create_cache_tables,
            sender=self.apps.get_app_config("contenttypes"),
            dispatch_uid="portal_site.create_cache_tables",
        )
