from django.apps import AppConfig


class PortalSiteConfig(AppConfig):
    """The public site: settings, URLs, templates and demo data."""

    name = "portal_site"
    verbose_name = "Портал качества"
