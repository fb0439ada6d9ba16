"""Template context shared by every page of the site."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Expose site-wide flags to templates (the demo-data label)."""
    return {"QP_DEMO": settings.QP_DEMO, "SITE_NAME": settings.WAGTAIL_SITE_NAME}
