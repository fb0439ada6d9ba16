"""Links to the site's own standing pages, wherever an editor put them."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def methodology_url(context) -> str:
    """The live «Методика расчёта» page's address, or "" when there is none."""
    from publications.models import MethodologyPage

    page = MethodologyPage.objects.live().order_by("path").first()
    if page is None:
        return ""
    return page.get_url(request=context.get("request")) or ""
